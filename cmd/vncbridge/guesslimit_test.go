//go:build linux

package main

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// upgradeFrom sends a WebSocket handshake for path, with the extra header
// lines, to listen from the local address from, and returns the answer's
// status: 0 when none came by the deadline (held back past it).
func upgradeFrom(listen, from, path, extra string, deadline time.Time) int {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
	conn, err := d.Dial("tcp", listen)
	if err != nil {
		return 0
	}
	defer conn.Close()
	conn.SetDeadline(deadline)
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n%s"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", path, extra)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return 0
	}
	return resp.StatusCode
}

// guessForTwoSeconds has eight guessers in parallel from 127.0.0.1 make
// attempts for two seconds (guess makes attempt n of guesser i) and returns
// how many were answered with refused.
func guessForTwoSeconds(refused int, guess func(i, n int, deadline time.Time) int) int64 {
	deadline := time.Now().Add(2 * time.Second)
	var answered atomic.Int64
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; time.Now().Before(deadline); n++ {
				if guess(i, n, deadline) == refused {
					answered.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	return answered.Load()
}

// checkSlowed checks what follows a guessing: the right attempt from another
// address opens a session at once, and the log sums up the failures (at
// the latest when the proxy stops).
func checkSlowed(t *testing.T, p *started, guessed string, wrongAnswered int64, right func(deadline time.Time) int) {
	t.Helper()
	if wrongAnswered > 8 {
		t.Errorf("%d wrong %s answered in 2 s", wrongAnswered, guessed)
	}
	began := time.Now()
	if code := right(time.Now().Add(5 * time.Second)); code != http.StatusSwitchingProtocols || time.Since(began) > 500*time.Millisecond {
		t.Errorf("the right one from another address: %d after %v", code, time.Since(began))
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	p.exitCode(t)
	if log := p.out.String(); !strings.Contains(log, "failed attempts") {
		t.Errorf("no log line about the guessing:\n%.2000s", log)
	}
}

// The adversarial run's case, through the command: `--auth-plugin
// BasicHTTPAuth` answered 7,847 wrong passwords a second to one client. Now
// eight guessers in parallel get a few answers in two seconds, the log says
// so, and the right password from another address opens a session at once.
func TestPasswordGuessingIsSlowed(t *testing.T) {
	listen := freeAddr(t)
	p := start(t, binary, "proxy", "--auth-plugin", "BasicHTTPAuth", "--auth-source", "alice:open sesame", listen, echoServer(t))
	waitListening(t, "tcp", listen)
	basic := func(credentials string) string {
		return "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(credentials)) + "\r\n"
	}
	wrong := guessForTwoSeconds(http.StatusUnauthorized, func(i, n int, deadline time.Time) int {
		return upgradeFrom(listen, "127.0.0.1", "/", basic(fmt.Sprintf("alice:guess-%d-%d", i, n)), deadline)
	})
	checkSlowed(t, p, "passwords", wrong, func(deadline time.Time) int {
		return upgradeFrom(listen, "127.0.0.2", "/", basic("alice:open sesame"), deadline)
	})
}

// The same with a token plugin: guessing the tokens of a TokenFile is slowed
// like guessing a password, and a known token still opens at once.
func TestTokenGuessingIsSlowed(t *testing.T) {
	file := filepath.Join(t.TempDir(), "tokens")
	if err := os.WriteFile(file, []byte("desk-of-alice: "+echoServer(t)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	listen := freeAddr(t)
	p := start(t, binary, "proxy", "--token-plugin", "TokenFile", "--token-source", file, listen)
	waitListening(t, "tcp", listen)
	unknown := guessForTwoSeconds(http.StatusNotFound, func(i, n int, deadline time.Time) int {
		return upgradeFrom(listen, "127.0.0.1", fmt.Sprintf("/?token=desk-%d-%d", i, n), "", deadline)
	})
	checkSlowed(t, p, "tokens", unknown, func(deadline time.Time) int {
		return upgradeFrom(listen, "127.0.0.2", "/?token=desk-of-alice", "", deadline)
	})
}
