//go:build unix

package proxy

import (
	"errors"
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

// A failed read says "read" once, the way net.Conn's Read would, and
// keeps what failed: the poller's own "raw-read" wrapping is not shown.
func TestPooledReadErrorSaysReadOnce(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	peer, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()

	r := newPooledReader(c, 0)
	if r.rc == nil {
		t.Fatal("a TCP connection is read through the poller")
	}
	c.SetReadDeadline(time.Now().Add(-time.Second))
	buf, _, err := r.read()
	putBuffer(buf)
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read past the deadline: %v", err)
	}
	if msg := err.Error(); strings.Contains(msg, "raw-read") || strings.Count(msg, "read") != 1 {
		t.Fatalf("error %q, want one \"read\" and no \"raw-read\"", msg)
	}
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("%v is not a timeout", err)
	}
}
