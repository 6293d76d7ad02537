//go:build unix

package proxy

import (
	"io"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/gobwas/ws"
)

// Unix sockets on both sides: --unix-listen and --unix-target.
func TestUnixSockets(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	targetPath := filepath.Join(dir, "vnc.sock")
	tl, err := net.Listen("unix", targetPath)
	if err != nil {
		t.Fatal(err)
	}
	defer tl.Close()
	go func() {
		for {
			c, err := tl.Accept()
			if err != nil {
				return
			}
			go func() { io.Copy(c, c); c.Close() }()
		}
	}()
	srv, err := New(Config{UnixTarget: targetPath})
	if err != nil {
		t.Fatal(err)
	}
	listenPath := filepath.Join(dir, "proxy.sock")
	ln, err := net.Listen("unix", listenPath)
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Shutdown(contextWithTimeout(t, time.Second))

	conn, err := net.Dial("unix", listenPath)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	resp, br := handshake(t, conn)
	if resp.StatusCode != 101 {
		t.Fatal(resp.Status)
	}
	c := &wsClient{t: t, conn: conn, br: br, resp: resp}
	c.send(ws.OpBinary, []byte("through unix sockets"))
	if got := c.readData(20); string(got) != "through unix sockets" {
		t.Fatalf("echo %q", got)
	}
}
