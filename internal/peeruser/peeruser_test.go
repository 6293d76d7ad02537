package peeruser

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"vncbridge/internal/testnet"
)

// guarded serves "hello" behind Guard on a loopback address of network.
func guarded(t *testing.T, addr string) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("no %s here: %v", addr, err)
	}
	g := Guard(ln, true, nil)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello") })}
	go srv.Serve(g)
	t.Cleanup(func() { srv.Close() })
	return ln
}

// This process's own connections get in, over IPv4 and IPv6 loopback.
func TestSameUserGetsIn(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:0", "[::1]:0"} {
		ln := guarded(t, addr)
		_, body := testnet.Do(t, "GET", "http://"+ln.Addr().String()+"/", nil)
		if body != "hello" {
			t.Errorf("%s: %q", addr, body)
		}
	}
}

// A connection from another user of this computer is refused with the
// reason, whatever it asks for.
func TestAnotherUserIsRefused(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:0", "[::1]:0"} {
		ln := guarded(t, addr)
		out := testnet.AsAnotherUser(t, ln.Addr().String(), "GET /?token=anything HTTP/1.1\r\nHost: localhost\r\n\r\n")
		if !strings.HasPrefix(out, "HTTP/1.1 403") || !strings.Contains(out, "another user of this computer") || strings.Contains(out, "hello") {
			t.Errorf("%s: another user was answered:\n%s", addr, out)
		}
	}
}
