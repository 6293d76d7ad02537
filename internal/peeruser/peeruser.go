// Package peeruser tells which user of this computer is at the other end of
// a loopback TCP connection, where the system can tell: Linux reads the
// socket's owner from /proc/net/tcp and tcp6, Windows asks for the owning
// process of the connection and compares its user with this process's.
// Elsewhere, or when the lookup fails, nothing is known and the caller's
// other guards (a share's token) decide alone.
package peeruser

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"time"
)

// Same reports whether the peer of c, a TCP connection over loopback, runs
// as this process's user; known is false where that cannot be told (c is
// not loopback TCP, this system does not say, or the lookup failed).
func Same(c net.Conn) (same, known bool) {
	local, ok1 := addrPort(c.LocalAddr())
	peer, ok2 := addrPort(c.RemoteAddr())
	if !ok1 || !ok2 || !peer.Addr().IsLoopback() {
		return false, false
	}
	return samePeer(local, peer)
}

func addrPort(a net.Addr) (netip.AddrPort, bool) {
	t, ok := a.(*net.TCPAddr)
	if !ok {
		return netip.AddrPort{}, false
	}
	ap := t.AddrPort()
	return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()), true
}

// refusal is what a plain HTTP client of another user reads.
const refusal = "This desktop is shared by another user of this computer: only they can open it.\n"

// Guard returns ln refusing the loopback connections of other users of this
// computer: a plain listener answers them HTTP 403 with the reason (a TLS
// one just closes them, since a ClientHello cannot read plain text). The
// refusals are logged, at most one line a minute with their count.
//
// Each connection is looked at on its own goroutine, so that a slow lookup
// (a busy system's tables) holds up that connection only, never Accept.
func Guard(ln net.Listener, plain bool, log *slog.Logger) net.Listener {
	g := &guard{Listener: ln, plain: plain, log: log,
		conns: make(chan net.Conn), errs: make(chan error), done: make(chan struct{})}
	go g.acceptLoop()
	return g
}

type guard struct {
	net.Listener
	plain bool
	log   *slog.Logger

	conns     chan net.Conn // let in, for Accept
	errs      chan error    // the listener's, for Accept
	done      chan struct{} // closed by Close
	closeOnce sync.Once

	mu      sync.Mutex
	refused int       // since the last log line
	logged  time.Time // when it was written
}

func (g *guard) acceptLoop() {
	for {
		c, err := g.Listener.Accept()
		if err != nil {
			select {
			case g.errs <- err: // Accept's caller decides: a closed listener ends, EMFILE backs off
			case <-g.done:
				return
			}
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		go g.judge(c)
	}
}

// judge hands c to Accept, or refuses it.
func (g *guard) judge(c net.Conn) {
	if same, known := Same(c); known && !same {
		g.note(c.RemoteAddr())
		g.refuse(c)
		return
	}
	select {
	case g.conns <- c:
	case <-g.done:
		c.Close()
	}
}

func (g *guard) Accept() (net.Conn, error) {
	select {
	case c := <-g.conns:
		return c, nil
	case err := <-g.errs:
		return nil, err
	case <-g.done:
		return nil, net.ErrClosed
	}
}

// Close stops the listener; connections still being looked at are closed.
func (g *guard) Close() error {
	g.closeOnce.Do(func() { close(g.done) })
	return g.Listener.Close()
}

// refuse answers c and closes it. The answer is followed by the end of the
// stream, and what the client sent is read until it hangs up (for a
// second at most): closing with unread bytes would reset the connection,
// and the client could lose the answer.
func (g *guard) refuse(c net.Conn) {
	defer c.Close()
	if !g.plain {
		return
	}
	c.SetDeadline(time.Now().Add(time.Second))
	c.Write([]byte("HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n" +
		"Content-Length: " + strconv.Itoa(len(refusal)) + "\r\n\r\n" + refusal))
	if tc, ok := c.(*net.TCPConn); ok {
		tc.CloseWrite()
	}
	io.Copy(io.Discard, io.LimitReader(c, 64<<10))
}

func (g *guard) note(from net.Addr) {
	if g.log == nil {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.refused++
	if time.Since(g.logged) < time.Minute {
		return
	}
	g.log.Warn("refused a connection of another user of this computer", "from", from.String(), "refused since the last line", g.refused)
	g.refused, g.logged = 0, time.Now()
}
