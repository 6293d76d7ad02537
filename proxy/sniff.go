package proxy

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"sync"
	"time"
)

// The first byte a client sends decides what it speaks: 0x16 opens a TLS
// handshake (wss:// and https://), anything else is plain HTTP. Nothing is
// written before the client speaks, so sniffing costs no round trip.
const tlsHandshakeByte = 0x16

// accept sniffs a new connection and hands it, unwrapped from TLS if need be,
// to the HTTP server.
func (s *Server) accept(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetNoDelay(true)
	}
	deadline := time.Now().Add(s.cfg.handshakeTimeout())
	c.SetReadDeadline(deadline)

	var first [1]byte
	if _, err := io.ReadFull(c, first[:]); err != nil {
		s.log.Debug("connection closed before it said anything", "client", c.RemoteAddr().String(), "error", err)
		c.Close()
		return
	}
	pc := &sniffedConn{Conn: c, first: first[0], unread: true}

	if first[0] != tlsHandshakeByte {
		if s.cfg.TLSOnly {
			s.log.Warn("plain connection refused: this server accepts TLS only", "client", c.RemoteAddr().String())
			c.SetWriteDeadline(deadline)
			io.WriteString(c, "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\nThis port accepts TLS only: use https:// or wss://.\n")
			c.Close()
			return
		}
		s.conns.push(pc)
		return
	}

	if s.cfg.TLS == nil {
		why := s.cfg.TLSUnavailable
		if why == "" {
			why = "no certificate configured"
		}
		s.log.Warn("TLS connection refused", "client", c.RemoteAddr().String(), "reason", why)
		c.Close()
		return
	}
	tc := tls.Server(pc, s.cfg.TLS)
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	err := tc.HandshakeContext(ctx)
	cancel()
	if err != nil {
		s.log.Info("TLS handshake failed", "client", c.RemoteAddr().String(), "error", err)
		c.Close()
		return
	}
	s.conns.push(tc)
}

// sniffedConn gives back the byte read to sniff the connection.
type sniffedConn struct {
	net.Conn
	first  byte
	unread bool
}

func (c *sniffedConn) Read(p []byte) (int, error) {
	if c.unread {
		if len(p) == 0 {
			return 0, nil
		}
		p[0] = c.first
		c.unread = false
		return 1, nil
	}
	return c.Conn.Read(p)
}

// netConn returns the connection a session should relay on: the bare socket
// when nothing stands between (so reads can wait without a buffer), else c.
func netConn(c net.Conn) net.Conn {
	if sc, ok := c.(*sniffedConn); ok && !sc.unread {
		return sc.Conn
	}
	return c
}

// connQueue is the net.Listener through which sniffed connections reach the
// HTTP server.
type connQueue struct {
	ch        chan net.Conn
	done      chan struct{}
	closeOnce sync.Once
}

func newConnQueue() *connQueue {
	return &connQueue{ch: make(chan net.Conn), done: make(chan struct{})}
}

func (q *connQueue) push(c net.Conn) {
	select {
	case q.ch <- c:
	case <-q.done:
		c.Close()
	}
}

func (q *connQueue) Accept() (net.Conn, error) {
	select {
	case c := <-q.ch:
		return c, nil
	case <-q.done:
		return nil, net.ErrClosed
	}
}

func (q *connQueue) Close() error {
	q.closeOnce.Do(func() { close(q.done) })
	return nil
}

func (q *connQueue) Addr() net.Addr { return queueAddr{} }

type queueAddr struct{}

func (queueAddr) Network() string { return "vncbridge" }
func (queueAddr) String() string  { return "sniffed connections" }
