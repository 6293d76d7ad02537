package main

import (
	"io"
	"log/slog"
	"net"
	"os"
	"testing"
	"time"

	"vncbridge/internal/testnet"
	"vncbridge/proxy"
)

// policyRun serves a proxy in front of an echo server under p, in this
// process, and reports serveUntilDone's exit status on the channel.
func policyRun(t *testing.T, p policy) (addr string, stop chan os.Signal, exited <-chan int) {
	t.Helper()
	watch := newSessionWatch()
	srv, err := proxy.New(proxy.Config{Target: testnet.Echo(t), OnSessions: watch.onSessions})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	stop = make(chan os.Signal, 1)
	done := make(chan int, 1)
	finished := make(chan struct{})
	go func() {
		done <- serveUntilDone(srv, ln, watch, p, stop, slog.New(slog.DiscardHandler))
		close(finished)
	}()
	t.Cleanup(func() {
		select {
		case stop <- os.Interrupt:
		default:
		}
		select {
		case <-finished:
		case <-time.After(10 * time.Second):
			t.Error("serveUntilDone did not return after a signal")
		}
	})
	return ln.Addr().String(), stop, done
}

// openSession opens a WebSocket session and keeps it open.
func openSession(t *testing.T, addr string) net.Conn {
	t.Helper()
	conn, _ := testnet.OpenWebSocket(t, addr, "/")
	return conn
}

// closeSession sends a close frame and waits for the server to end the
// connection.
func closeSession(t *testing.T, conn net.Conn) {
	t.Helper()
	conn.Write([]byte{0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8})
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	io.Copy(io.Discard, conn)
}

func stillRunning(t *testing.T, exited <-chan int, d time.Duration) {
	t.Helper()
	select {
	case code := <-exited:
		t.Fatalf("ended (%d) too soon", code)
	case <-time.After(d):
	}
}

func exitsWith(t *testing.T, exited <-chan int, want int) {
	t.Helper()
	select {
	case code := <-exited:
		if code != want {
			t.Fatalf("exit %d, want %d", code, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("still running")
	}
}

func TestPolicyRunOnce(t *testing.T) {
	t.Parallel()
	addr, _, exited := policyRun(t, policy{runOnce: true})
	conn := openSession(t, addr)
	stillRunning(t, exited, 100*time.Millisecond)
	closeSession(t, conn)
	exitsWith(t, exited, 0)
	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		t.Fatal("still listening after the one session")
	}
}

func TestPolicyIdleTimeout(t *testing.T) {
	addr, _, exited := policyRun(t, policy{idle: 200 * time.Millisecond})
	conn := openSession(t, addr)
	stillRunning(t, exited, 300*time.Millisecond) // an open session is not idle
	closeSession(t, conn)
	start := time.Now()
	exitsWith(t, exited, 0)
	if waited := time.Since(start); waited < 150*time.Millisecond {
		t.Fatalf("exited %v after the last session; the idle time is 200ms", waited)
	}
}

func TestPolicyIdleTimeoutWithNoSessionAtAll(t *testing.T) {
	_, _, exited := policyRun(t, policy{idle: 100 * time.Millisecond})
	exitsWith(t, exited, 0)
}

func TestPolicyTimeoutStopsAcceptingThenEndsWithLastSession(t *testing.T) {
	addr, _, exited := policyRun(t, policy{timeout: 200 * time.Millisecond})
	conn := openSession(t, addr)
	testnet.WaitFor(t, "the listener to close", func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	stillRunning(t, exited, 100*time.Millisecond)
	conn.Write([]byte{0x82, 0x82, 0, 0, 0, 0, 'o', 'k'}) // still served
	got := make([]byte, 4)
	if _, err := io.ReadFull(conn, got); err != nil || string(got) != "\x82\x02ok" {
		t.Fatalf("echo %q, %v", got, err)
	}
	closeSession(t, conn)
	exitsWith(t, exited, 0)
}

func TestPolicySignalEnds(t *testing.T) {
	t.Parallel()
	_, stop, exited := policyRun(t, policy{})
	stop <- os.Interrupt
	exitsWith(t, exited, 0)
}
