package proxy

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"runtime/debug"
	"sync"
	"time"
)

// The first byte a client sends decides what it speaks: 0x16 opens a TLS
// handshake (wss:// and https://), '<' may open a Flash policy request,
// anything else is plain HTTP. Nothing is written before the client speaks,
// and only a '<' makes the sniffer read further, so an ordinary client meets
// no delay.
const tlsHandshakeByte = 0x16

// The Flash player asks for a policy in plain text, even before TLS, and
// closes; this answer lets it connect to any port.
const (
	flashPolicyRequest = "<policy-file-request/>"
	flashPolicy        = `<cross-domain-policy><allow-access-from domain="*" to-ports="*" /></cross-domain-policy>` + "\n"
)

// accept sniffs a new connection and hands it, unwrapped from TLS if need be,
// to the HTTP server.
func (s *Server) accept(c net.Conn) {
	defer func() {
		if v := recover(); v != nil {
			s.log.Error("panic while accepting a connection", "client", addrString(c.RemoteAddr()), "panic", v, "stack", string(debug.Stack()))
			c.Close()
		}
	}()
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetNoDelay(true)
	}
	deadline := time.Now().Add(s.cfg.handshakeTimeout())
	if tc, ok := c.(*tls.Conn); ok {
		// TLS with the listener's own certificate (a tailnet's, Funnel's):
		// handed over as TLS, so that its requests know they came over TLS
		// (sniffing would read through it as if it were plain).
		s.handOverTLS(tc, deadline)
		return
	}
	c.SetReadDeadline(deadline)

	prefix := make([]byte, 1, len(flashPolicyRequest))
	if _, err := io.ReadFull(c, prefix); err != nil {
		s.log.Debug("connection closed before it said anything", "client", addrString(c.RemoteAddr()), "error", err)
		c.Close()
		return
	}
	if prefix[0] == '<' {
		var ok bool
		if prefix, ok = s.answerFlashPolicy(c, prefix); ok {
			return
		}
	}
	pc := &sniffedConn{Conn: c, prefix: prefix}

	if prefix[0] != tlsHandshakeByte {
		if s.cfg.TLSOnly && !isSealed(c) {
			s.log.Warn("plain connection refused: this server accepts TLS only", "client", addrString(c.RemoteAddr()))
			s.metrics.handshakeFailed("tls_only")
			answerAndClose(c, "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\nThis port accepts TLS only: use https:// or wss://.\n")
			return
		}
		s.conns.push(pc)
		return
	}

	if s.cfg.TLS == nil {
		s.log.Warn("TLS connection refused", "client", addrString(c.RemoteAddr()), "reason", "no certificate configured")
		s.metrics.handshakeFailed("tls_unavailable")
		c.Close()
		return
	}
	s.handOverTLS(tls.Server(pc, s.cfg.TLS), deadline)
}

// handOverTLS shakes hands by deadline and hands the connection to the
// HTTP server, or closes it.
func (s *Server) handOverTLS(tc *tls.Conn, deadline time.Time) {
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	err := tc.HandshakeContext(ctx)
	cancel()
	if err != nil {
		s.log.Info("TLS handshake failed", "client", addrString(tc.RemoteAddr()), "error", err)
		s.metrics.handshakeFailed("tls_handshake")
		tc.Close()
		return
	}
	s.conns.push(tc)
}

// answerFlashPolicy reads on while what the client sent can still be a
// Flash policy request. It answers one (and closes) and reports true, or
// returns the bytes read, to be served as something else.
func (s *Server) answerFlashPolicy(c net.Conn, prefix []byte) ([]byte, bool) {
	for len(prefix) < len(flashPolicyRequest) && string(prefix) == flashPolicyRequest[:len(prefix)] {
		n, err := c.Read(prefix[len(prefix):cap(prefix)])
		prefix = prefix[:len(prefix)+n]
		if err != nil {
			break
		}
	}
	if string(prefix) != flashPolicyRequest {
		return prefix, false
	}
	if s.cfg.NoLegacy {
		s.log.Info("Flash policy request refused: legacy protocols are turned off", "client", addrString(c.RemoteAddr()))
		answerAndClose(c, "")
		return nil, true
	}
	s.log.Info("Flash policy request answered", "client", addrString(c.RemoteAddr()))
	answerAndClose(c, flashPolicy)
	return nil, true
}

// answerAndClose writes a last answer and closes c so that the client gets
// it: closing a socket with unread input (the rest of a request, the NUL
// after a policy request) would reset the connection and could discard the
// answer, so c is half-closed and its input drained for a moment first.
func answerAndClose(c net.Conn, answer string) {
	c.SetWriteDeadline(time.Now().Add(closeGrace))
	io.WriteString(c, answer)
	if cw, ok := c.(interface{ CloseWrite() error }); ok && cw.CloseWrite() == nil {
		c.SetReadDeadline(time.Now().Add(drainGrace))
		io.Copy(io.Discard, io.LimitReader(c, 64<<10))
	}
	c.Close()
}

// sniffedConn gives back the bytes read to sniff the connection.
type sniffedConn struct {
	net.Conn
	prefix []byte
}

func (c *sniffedConn) Read(p []byte) (int, error) {
	if len(c.prefix) > 0 {
		n := copy(p, c.prefix)
		c.prefix = c.prefix[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}

// netConn returns the connection a session should relay on: the bare socket
// when nothing stands between (so reads can wait without a buffer), else c.
func netConn(c net.Conn) net.Conn {
	if sc, ok := c.(*sniffedConn); ok && len(sc.prefix) == 0 {
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

// A Sealed connection is encrypted below HTTP by the network it came over
// (a tailnet's WireGuard): a server that takes TLS only serves it plain.
type Sealed interface {
	net.Conn
	Sealed() bool
}

func isSealed(c net.Conn) bool {
	sc, ok := c.(Sealed)
	return ok && sc.Sealed()
}
