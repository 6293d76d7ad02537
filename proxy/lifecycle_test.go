package proxy

import (
	"errors"
	"net"
	"runtime"
	"testing"
	"time"

	"github.com/gobwas/ws"
)

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

func TestShutdownClosesSessionsWith1001(t *testing.T) {
	t.Parallel()
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

// A Server that is never served costs nothing: New starts no goroutine.
func TestNewStartsNothingUntilServe(t *testing.T) {
	before := runtime.NumGoroutine()
	srv, err := New(Config{Target: "127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	if after := runtime.NumGoroutine(); after != before {
		t.Fatalf("New started %d goroutines", after-before)
	}
	if err := srv.Shutdown(contextWithTimeout(t, time.Second)); err != nil {
		t.Fatalf("Shutdown of a server never served: %v", err)
	}
}

// OnSessions is called without the server's lock: the callback may ask the
// server, and a closed listener ends Serve while the session goes on, which is
// what the command line's --timeout is built on.
func TestOnSessionsMayCallTheServer(t *testing.T) {
	t.Parallel()
	reported := make(chan int, 8)
	var srv *Server
	srv, err := New(Config{Target: startEcho(t), OnSessions: func(int) { reported <- srv.Sessions() }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown(contextWithTimeout(t, time.Second)) })
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	c := dialWS(t, ln.Addr().String())
	select {
	case n := <-reported:
		if n != 1 {
			t.Fatalf("Sessions() in the callback: %d, want 1", n)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("OnSessions not called, or deadlocked calling Sessions")
	}
	ln.Close()
	if err := waitServe(t, done, 5*time.Second); err == nil {
		t.Fatal("Serve returned nil for a closed listener")
	}
	c.send(ws.OpBinary, []byte("still served"))
	if got := c.readData(12); string(got) != "still served" {
		t.Fatalf("echo %q", got)
	}
	c.write(closeFrame(1000, ""))
	c.expectClose()
	if n := <-reported; n != 0 {
		t.Fatalf("Sessions() after the end: %d", n)
	}
}
