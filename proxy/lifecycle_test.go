package proxy

import (
	"errors"
	"net"
	"testing"
	"time"

	"github.com/gobwas/ws"
)

// serveInBackground runs Serve and returns what it returns.
func serveInBackground(t *testing.T, cfg Config) (string, <-chan error) {
	t.Helper()
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() { srv.Shutdown(contextWithTimeout(t, time.Second)) })
	return ln.Addr().String(), done
}

func waitServe(t *testing.T, done <-chan error, within time.Duration) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(within):
		t.Fatalf("Serve still running after %v", within)
		return nil
	}
}

func TestRunOnce(t *testing.T) {
	addr, done := serveInBackground(t, Config{Target: startEcho(t), RunOnce: true})
	c := dialWS(t, addr)
	c.send(ws.OpBinary, []byte("x"))
	c.readData(1)
	select {
	case <-done:
		t.Fatal("Serve returned while the session was open")
	case <-time.After(50 * time.Millisecond):
	}
	c.write(closeFrame(1000, ""))
	if err := waitServe(t, done, 5*time.Second); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if _, err := net.Dial("tcp", addr); err == nil {
		t.Fatal("still listening after the one session")
	}
}

func TestIdleTimeout(t *testing.T) {
	addr, done := serveInBackground(t, Config{Target: startEcho(t), IdleTimeout: 200 * time.Millisecond})
	c := dialWS(t, addr)
	time.Sleep(300 * time.Millisecond) // an open session is not idle
	select {
	case err := <-done:
		t.Fatalf("Serve returned with a session open: %v", err)
	default:
	}
	c.write(closeFrame(1000, ""))
	start := time.Now()
	if err := waitServe(t, done, 5*time.Second); !errors.Is(err, ErrIdleTimeout) {
		t.Fatalf("Serve: %v, want ErrIdleTimeout", err)
	}
	if waited := time.Since(start); waited < 150*time.Millisecond {
		t.Fatalf("exited %v after the last session; the idle time is 200ms", waited)
	}
}

func TestTimeoutStopsAcceptingThenEndsWithLastSession(t *testing.T) {
	addr, done := serveInBackground(t, Config{Target: startEcho(t), Timeout: 200 * time.Millisecond})
	c := dialWS(t, addr)
	waitFor(t, "the listener to close", func() bool {
		conn, err := net.Dial("tcp", addr)
		if err == nil {
			conn.Close()
		}
		return err != nil
	})
	c.send(ws.OpBinary, []byte("still served"))
	if got := c.readData(12); string(got) != "still served" {
		t.Fatalf("echo %q", got)
	}
	c.write(closeFrame(1000, ""))
	if err := waitServe(t, done, 5*time.Second); err != nil {
		t.Fatalf("Serve: %v", err)
	}
}

func TestShutdownClosesSessionsWith1001(t *testing.T) {
	srv, err := New(Config{Target: startEcho(t)})
	if err != nil {
		t.Fatal(err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	c := dialWS(t, ln.Addr().String())
	shut := make(chan error, 1)
	go func() { shut <- srv.Shutdown(contextWithTimeout(t, 5*time.Second)) }()
	if code, reason := c.expectClose(); code != 1001 || reason == "" {
		t.Fatalf("close %d %q, want 1001", code, reason)
	}
	c.write(closeFrame(1001, ""))
	if err := <-shut; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if err := waitServe(t, done, time.Second); !errors.Is(err, ErrServerClosed) {
		t.Fatalf("Serve: %v", err)
	}
}
