//go:build linux

package testnet

import (
	"net"
	"strings"
	"testing"
)

// TestStartXvfb checks that the display StartXvfb names accepts X clients on
// its Unix socket, and that the socket is gone once the test's cleanups ran.
func TestStartXvfb(t *testing.T) {
	t.Parallel()
	var sock string
	t.Run("display", func(t *testing.T) {
		display := StartXvfb(t, "-screen", "0", "320x240x24")
		if !strings.HasPrefix(display, ":") || len(display) < 2 {
			t.Fatalf("display %q", display)
		}
		sock = "/tmp/.X11-unix/X" + display[1:]
		c, err := net.Dial("unix", sock)
		if err != nil {
			t.Fatalf("X socket of %s: %v", display, err)
		}
		c.Close()
	})
	if sock == "" {
		return
	}
	if c, err := net.Dial("unix", sock); err == nil {
		c.Close()
		t.Fatalf("%s still answers after the test ended", sock)
	}
}
