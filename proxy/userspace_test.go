package proxy

import (
	"context"
	"errors"
	"net"
	"os"
	"sync/atomic"
	"testing"
	"time"
)

// userspaceConn behaves as a connection of a userspace network stack
// (gVisor's, under a tailnet) does: a passed deadline is its own error that
// says Timeout, and a closed connection knows no address.
type userspaceConn struct {
	net.Conn
	closed atomic.Bool
}

type stackTimeout struct{}

func (stackTimeout) Error() string   { return "i/o timeout (another stack)" }
func (stackTimeout) Timeout() bool   { return true }
func (stackTimeout) Temporary() bool { return true }

func (c *userspaceConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		err = stackTimeout{}
	}
	return n, err
}

func (c *userspaceConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		err = stackTimeout{}
	}
	return n, err
}

func (c *userspaceConn) Close() error { c.closed.Store(true); return c.Conn.Close() }

func (c *userspaceConn) RemoteAddr() net.Addr {
	if c.closed.Load() {
		return nil
	}
	return c.Conn.RemoteAddr()
}

type userspaceListener struct{ net.Listener }

func (l userspaceListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &userspaceConn{Conn: c}, nil
}

// A viewer over a userspace stack is let in after the question (its
// deadline is not a departure), relays, and its session ends cleanly
// although its connection forgot its address.
func TestViewerOverAUserspaceStack(t *testing.T) {
	asked := make(chan Viewer, 1)
	ended := make(chan Viewer, 1)
	srv, err := New(Config{Target: startEcho(t), Logger: discardLogger(), Consent: func(ctx context.Context, v Viewer) Decision {
		asked <- v
		return Allow
	}, OnViewer: func(v Viewer, joined bool) {
		if !joined {
			ended <- v
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan struct{})
	go func() { srv.Serve(userspaceListener{ln}); close(served) }()
	defer func() {
		srv.Shutdown(contextWithTimeout(t, 5*time.Second))
		<-served
	}()
	c := dialWS(t, ln.Addr().String())
	v := <-asked
	c.send(2, []byte("hello"))
	if got := c.readData(5); string(got) != "hello" {
		t.Fatalf("echo %q through a session over a userspace stack", got)
	}
	c.conn.Close()
	select {
	case left := <-ended:
		if left.Address != v.Address || left.Address == "" {
			t.Errorf("the viewer left as %q, joined as %q", left.Address, v.Address)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the session did not end")
	}
}
