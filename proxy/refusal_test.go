package proxy

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"vncbridge/internal/testnet"
)

// answer is what a client got for a handshake: an HTTP error, or a 101
// followed at once by a close frame.
type answer struct {
	status int
	body   string
	header http.Header
	code   ws.StatusCode // the close frame after a 101
	reason string
}

// answerTo sends a raw handshake. After a 101 it reads the first frame,
// which must be a close, and checks that the server sends nothing after it.
func answerTo(t *testing.T, addr, request string) answer {
	t.Helper()
	conn, br, resp := sendRequest(t, addr, request)
	defer conn.Close()
	a := answer{status: resp.StatusCode, header: resp.Header}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		body, _ := io.ReadAll(resp.Body)
		a.body = string(body)
		return a
	}
	c := &wsClient{t: t, conn: conn, br: br}
	f, err := c.next()
	if err != nil {
		t.Fatalf("after the 101: %v", err)
	}
	if f.op != ws.OpClose || len(f.payload) < 2 {
		t.Fatalf("after the 101: frame %v %q, want a close with a code", f.op, f.payload)
	}
	a.code, a.reason = ws.StatusCode(binary.BigEndian.Uint16(f.payload)), string(f.payload[2:])
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if rest, err := io.ReadAll(br); err != nil || len(rest) > 0 {
		t.Fatalf("after the close frame: %q, %v; want the end of the stream", rest, err)
	}
	return a
}

// A browser cannot read the HTTP error of a failed WebSocket; it gets the
// refusal as the close code 4000+status with the reason. Other clients get
// websockify's HTTP errors.
func TestRefusalsReachBrowsersAsCloseCodes(t *testing.T) {
	t.Parallel()
	held, release := make(chan struct{}), make(chan struct{})
	tokens := lookupFunc(func(ctx context.Context, token string) (Target, error) {
		switch token {
		case "slow":
			<-ctx.Done()
			return Target{}, ctx.Err()
		case "broken":
			return Target{}, errors.New("backend down")
		case "held":
			close(held)
			<-release
			return Target{Network: "tcp", Address: "127.0.0.1:1"}, nil
		}
		return Target{}, ErrUnknownToken
	})
	srv, addr, _ := startServer(t, Config{Tokens: tokens, LookupTimeout: 100 * time.Millisecond})
	_, authAddr, _ := startServer(t, Config{Target: startEcho(t), Auth: passwordAuth("pw")})
	_, port, _ := net.SplitHostPort(addr)
	_, authPort, _ := net.SplitHostPort(authAddr)

	request := func(path, port, origin string) string {
		r := upgradeRequest(path, "Sec-WebSocket-Version: 13", "Sec-WebSocket-Protocol: binary")
		r = strings.Replace(r, "Host: localhost", "Host: localhost:"+port, 1)
		if origin != "" {
			r = strings.Replace(r, "\r\n\r\n", "\r\nOrigin: "+origin+"\r\n\r\n", 1)
		}
		return r
	}
	tests := []struct {
		name, addr, path, port, origin string
		status                         int
		reason                         string
	}{
		{"missing token", addr, "/", port, "", 400, "no token"},
		{"unknown token", addr, "/?token=nobody", port, "", 404, "unknown token"},
		{"lookup failed", addr, "/?token=broken", port, "", 502, "lookup failed"},
		{"lookup timed out", addr, "/?token=slow", port, "", 504, "timed out"},
		{"other origin", addr, "/?token=nobody", port, "https://evil.example", 403, "Origin"},
		{"auth", authAddr, "/", authPort, "", 401, "say the password"},
	}
	for _, tt := range tests {
		if tt.origin == "" { // a client without an Origin is never refused for it
			t.Run(tt.name+"/not a browser", func(t *testing.T) {
				a := answerTo(t, tt.addr, request(tt.path, tt.port, ""))
				if a.status != tt.status || !strings.Contains(a.body, tt.reason) {
					t.Fatalf("got %d %q, want %d with %q", a.status, a.body, tt.status, tt.reason)
				}
			})
		}
		t.Run(tt.name+"/browser", func(t *testing.T) {
			origin := tt.origin
			if origin == "" {
				origin = "http://localhost:" + tt.port
			}
			a := answerTo(t, tt.addr, request(tt.path, tt.port, origin))
			if a.status != 101 || a.header.Get("Sec-WebSocket-Protocol") != "binary" {
				t.Fatalf("got %d %q (protocol %q), want 101 confirming binary", a.status, a.body, a.header.Get("Sec-WebSocket-Protocol"))
			}
			if want := ws.StatusCode(4000 + tt.status); a.code != want || !strings.Contains(a.reason, tt.reason) {
				t.Fatalf("close %d %q, want %d with %q", a.code, a.reason, want, tt.reason)
			}
		})
	}

	t.Run("DNS rebinding/browser", func(t *testing.T) {
		r := strings.Replace(request("/?token=x", port, ""), "Host: localhost:"+port, "Host: evil.example:"+port, 1)
		r = strings.Replace(r, "\r\n\r\n", "\r\nOrigin: http://evil.example:"+port+"\r\n\r\n", 1)
		if a := answerTo(t, addr, r); a.code != 4403 || !strings.Contains(a.reason, "Host") {
			t.Fatalf("got %d, close %d %q; want 4403 naming the Host", a.status, a.code, a.reason)
		}
	})
	t.Run("a malformed browser handshake gets the HTTP error", func(t *testing.T) {
		r := strings.Replace(request("/", port, "http://localhost:"+port), "Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 12", 1)
		if a := answerTo(t, addr, r); a.status != 426 {
			t.Fatalf("got %d, want 426", a.status)
		}
	})
	t.Run("shutting down/browser", func(t *testing.T) {
		got := make(chan answer, 1)
		go func() { got <- answerTo(t, addr, request("/?token=held", port, "http://localhost:"+port)) }()
		select {
		case <-held: // the lookup is under way
		case <-time.After(10 * time.Second):
			t.Fatal("the token was never looked up")
		}
		shut := make(chan error, 1)
		go func() { shut <- srv.Shutdown(contextWithTimeout(t, 5*time.Second)) }()
		testnet.WaitFor(t, "the shutdown to close the listener", func() bool {
			c, err := net.Dial("tcp", addr)
			if err == nil {
				c.Close()
			}
			return err != nil
		})
		close(release)
		if a := <-got; a.status != 101 || a.code != 4503 || !strings.Contains(a.reason, "shutting down") {
			t.Fatalf("got %d, close %d %q; want 4503", a.status, a.code, a.reason)
		}
		<-shut
	})
}
