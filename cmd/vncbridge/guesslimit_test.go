//go:build linux

package main

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The adversarial run's case, through the command: `--auth-plugin
// BasicHTTPAuth` answered 7,847 wrong passwords a second to one client. Now
// eight guessers in parallel get a few answers in two seconds, the log says
// so, and the right password from another address opens a session at once.
func TestPasswordGuessingIsSlowed(t *testing.T) {
	listen := freeAddr(t)
	p := start(t, binary, "proxy", "--auth-plugin", "BasicHTTPAuth", "--auth-source", "alice:open sesame", listen, echoServer(t))
	waitListening(t, "tcp", listen)
	try := func(from, credentials string, deadline time.Time) int {
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
		conn, err := d.Dial("tcp", listen)
		if err != nil {
			return 0
		}
		defer conn.Close()
		conn.SetDeadline(deadline)
		fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nAuthorization: Basic %s\r\n"+
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", base64.StdEncoding.EncodeToString([]byte(credentials)))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			return 0 // held back past the deadline
		}
		return resp.StatusCode
	}
	deadline := time.Now().Add(2 * time.Second)
	var wrong atomic.Int64
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; time.Now().Before(deadline); n++ {
				if try("127.0.0.1", fmt.Sprintf("alice:guess-%d-%d", i, n), deadline) == http.StatusUnauthorized {
					wrong.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if wrong.Load() > 8 {
		t.Errorf("%d wrong passwords answered in 2 s", wrong.Load())
	}
	began := time.Now()
	if code := try("127.0.0.2", "alice:open sesame", time.Now().Add(5*time.Second)); code != http.StatusSwitchingProtocols || time.Since(began) > 500*time.Millisecond {
		t.Errorf("the right password from another address: %d after %v", code, time.Since(began))
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	p.exitCode(t)
	if log := p.stderr.String(); !strings.Contains(log, "failed authentication: answer held back") {
		t.Errorf("no log line about the guessing:\n%.2000s", log)
	}
}
