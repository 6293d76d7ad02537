//go:build linux

package wine

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"

	"vncbridge/internal/testnet"
)

func TestVersionAndHelp(t *testing.T) {
	res := run(t, cliExe, "--version")
	if res.code != 0 || !strings.HasPrefix(res.stdout, "vncbridge ") {
		t.Errorf("--version: exit %d, %q %q", res.code, res.stdout, res.stderr)
	}
	res = run(t, cliExe, "proxy", "--help")
	want, err := linuxRun("proxy", "--help")
	if err != nil {
		t.Fatal(err)
	}
	if res.code != 0 || !strings.Contains(res.stdout, "vncbridge proxy") {
		t.Errorf("proxy --help: exit %d, %q %q", res.code, res.stdout, res.stderr)
	}
	if got := strings.ReplaceAll(res.stdout, "\r\n", "\n"); got != want {
		t.Errorf("proxy --help differs from the Linux build's:\n%s\n---\n%s", got, want)
	}
	res = run(t, cliExe, "proxy", "--no-such-flag")
	if res.code != 2 || !strings.Contains(res.stderr, "no-such-flag") {
		t.Errorf("a bad flag: exit %d, %q", res.code, res.stderr)
	}
}

// startProxy starts `vncbridge-cli.exe proxy` to target and waits until it
// listens.
func startProxy(t *testing.T, target string, args ...string) (*proc, string) {
	t.Helper()
	listen := "127.0.0.1:" + strconv.Itoa(testnet.FreePort(t))
	p := start(t, cliExe, append(append([]string{"proxy"}, args...), listen, target)...)
	testnet.WaitWithin(t, 30*time.Second, "the proxy under Wine to listen", func() bool {
		c, err := net.Dial("tcp", listen)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return p, listen
}

func TestProxySessionByteForByte(t *testing.T) {
	_, listen := startProxy(t, testnet.Echo(t))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn, _, _, err := ws.Dialer{Protocols: []string{"binary"}}.Dial(ctx, "ws://"+listen+"/websockify")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(60 * time.Second))
	for _, size := range []int{1, 125, 126, 65535, 65536, 100_000, 1 << 20} {
		msg := make([]byte, size)
		rand.Read(msg)
		if err := wsutil.WriteClientBinary(conn, msg); err != nil {
			t.Fatalf("%d B: %v", size, err)
		}
		var got []byte
		for len(got) < size {
			data, op, err := wsutil.ReadServerData(conn)
			if err != nil {
				t.Fatalf("%d B: after %d B back: %v", size, len(got), err)
			}
			if op != ws.OpBinary {
				t.Fatalf("%d B: a %v frame", size, op)
			}
			got = append(got, data...)
		}
		if !bytes.Equal(got, msg) {
			t.Fatalf("%d B: the echo differs", size)
		}
	}
	wsutil.WriteClientMessage(conn, ws.OpClose, ws.NewCloseFrameBody(ws.StatusNormalClosure, ""))
}

// TestWebFilesAsOnLinux fetches every file of the page and of noVNC from the
// Windows build and from the Linux build, and compares them.
func TestWebFilesAsOnLinux(t *testing.T) {
	target := testnet.Echo(t)
	_, win := startProxy(t, target)
	lin := "127.0.0.1:" + strconv.Itoa(testnet.FreePort(t))
	l := linuxStart(t, "proxy", lin, target)
	defer l.Process.Kill()
	testnet.WaitWithin(t, 10*time.Second, "the Linux proxy", func() bool {
		c, err := net.Dial("tcp", lin)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	var paths []string
	fs.WalkDir(os.DirFS("../assets/web"), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Base(p) != "README.md" {
			paths = append(paths, "/"+p)
		}
		return nil
	})
	paths = append(paths, "/", "/favicon.png")
	if len(paths) < 20 {
		t.Fatalf("only %d web files; run make assets", len(paths))
	}
	get := func(base, p string) (int, string, []byte) {
		r, err := http.Get("http://" + base + p)
		if err != nil {
			t.Fatalf("%s%s: %v", base, p, err)
		}
		defer r.Body.Close()
		b, err := io.ReadAll(r.Body)
		if err != nil {
			t.Fatalf("%s%s: %v", base, p, err)
		}
		return r.StatusCode, r.Header.Get("Content-Type"), b
	}
	for _, p := range paths {
		wc, wt, wb := get(win, p)
		lc, lt, lb := get(lin, p)
		if wc != 200 || wc != lc || wt != lt || !bytes.Equal(wb, lb) {
			t.Errorf("%s: Windows %d %s %d B, Linux %d %s %d B", p, wc, wt, len(wb), lc, lt, len(lb))
		}
	}
	t.Logf("%d files identical", len(paths))
}
