package proxy

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gobwas/ws"

	"vncbridge/internal/testnet"
)

// lookupFunc makes a TargetLookup of a function.
type lookupFunc func(ctx context.Context, token string) (Target, error)

func (f lookupFunc) LookupTarget(ctx context.Context, token string) (Target, error) {
	return f(ctx, token)
}

// passwordAuth refuses everyone who does not say the password.
type passwordAuth string

func (p passwordAuth) Authenticate(r *http.Request) error {
	if r.Header.Get("X-Password") == string(p) {
		return nil
	}
	return &AuthError{Status: 401, Header: http.Header{"Www-Authenticate": {"Password"}}, Reason: "say the password"}
}

func TestTokensChooseTheTarget(t *testing.T) {
	t.Parallel()
	a, b := startEcho(t), startEcho(t)
	tokens := lookupFunc(func(ctx context.Context, token string) (Target, error) {
		switch token {
		case "desk-a-0123456789":
			return Target{Network: "tcp", Address: a}, nil
		case "desk-b":
			return Target{Network: "tcp", Address: b}, nil
		case "slow":
			<-ctx.Done()
			return Target{}, ctx.Err()
		case "broken":
			return Target{}, errors.New("backend down")
		}
		return Target{}, ErrUnknownToken
	})
	srv, addr, log := startServer(t, Config{Tokens: tokens, LookupTimeout: 100 * time.Millisecond, Metrics: true})

	for _, tc := range []struct{ path, want string }{{"/?token=desk-a-0123456789", a}, {"/websockify?token=desk-b", b}} {
		code, body, _ := status(t, addr, upgradeRequest(tc.path, "Sec-WebSocket-Version: 13"))
		if code != 101 {
			t.Fatalf("%s: %d %q", tc.path, code, body)
		}
	}
	testnet.WaitFor(t, "sessions to end", func() bool { return srv.Sessions() == 0 })
	if !strings.Contains(log.String(), "target="+a) || !strings.Contains(log.String(), "target="+b) {
		t.Fatal("sessions did not reach both targets")
	}
	if strings.Contains(log.String(), "desk-a-0123456789") {
		t.Fatal("a token appears in full in the log")
	}

	for _, tc := range []struct {
		path   string
		status int
		body   string
	}{
		{"/", 400, "no token"},
		{"/?token=", 400, "no token"},
		{"/?token=nobody", 404, "unknown token"},
		{"/?token=slow", 504, "timed out"},
		{"/?token=broken", 502, "failed"},
	} {
		code, body, _ := status(t, addr, upgradeRequest(tc.path, "Sec-WebSocket-Version: 13"))
		if code != tc.status || !strings.Contains(body, tc.body) {
			t.Errorf("%s: %d %q, want %d with %q", tc.path, code, body, tc.status, tc.body)
		}
	}

	r, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(r.Body)
	r.Body.Close()
	for _, want := range []string{
		"vncbridge_sessions_total 2",
		"vncbridge_sessions_open 0",
		`vncbridge_handshake_failures_total{reason="unknown_token"} 1`,
		`vncbridge_handshake_failures_total{reason="bad_request"} 2`,
		`vncbridge_handshake_failures_total{reason="lookup_timeout"} 1`,
		`vncbridge_token_lookups_total{result="found"} 2`,
		`vncbridge_token_lookups_total{result="unknown"} 1`,
		`vncbridge_token_lookups_total{result="error"} 2`,
		`vncbridge_token_lookup_seconds_count 5`,
	} {
		if !strings.Contains(string(metrics), want+"\n") {
			t.Errorf("metrics lack %q:\n%s", want, metrics)
		}
	}
}

func TestHostToken(t *testing.T) {
	t.Parallel()
	echo := startEcho(t)
	tokens := lookupFunc(func(ctx context.Context, token string) (Target, error) {
		if token == "desk1.localhost" {
			return Target{Network: "tcp", Address: echo}, nil
		}
		return Target{}, ErrUnknownToken
	})
	_, addr, _ := startServer(t, Config{Tokens: tokens, HostToken: true})
	req := strings.Replace(upgradeRequest("/", "Sec-WebSocket-Version: 13"), "Host: localhost", "Host: desk1.localhost:6080", 1)
	if code, body, _ := status(t, addr, req); code != 101 {
		t.Fatalf("%d %q", code, body)
	}
	if code, _, _ := status(t, addr, upgradeRequest("/?token=desk1.localhost", "Sec-WebSocket-Version: 13")); code != 404 {
		t.Fatalf("the query's token was used with HostToken: %d", code)
	}
}

func TestAuthGuardsSessionsAndWeb(t *testing.T) {
	t.Parallel()
	web := fstest.MapFS{"vnc.html": {Data: []byte("page")}}
	_, open, _ := startServer(t, Config{Target: startEcho(t), Auth: passwordAuth("pw"), Web: web})
	_, guarded, _ := startServer(t, Config{Target: startEcho(t), Auth: passwordAuth("pw"), Web: web, AuthWeb: true, Metrics: true})

	code, body, h := status(t, open, upgradeRequest("/", "Sec-WebSocket-Version: 13"))
	if code != 401 || h.Get("Www-Authenticate") != "Password" || !strings.Contains(body, "say the password") {
		t.Fatalf("no password: %d %q %v", code, body, h)
	}
	c := dialWS(t, open, "X-Password: pw")
	c.send(ws.OpBinary, []byte("in"))
	if got := c.readData(2); string(got) != "in" {
		t.Fatalf("echo %q", got)
	}
	get := "GET /vnc.html HTTP/1.1\r\nHost: localhost\r\n\r\n"
	if code, _, _ := status(t, open, get); code != 200 {
		t.Fatalf("files without --web-auth: %d", code)
	}
	if code, _, _ := status(t, guarded, get); code != 401 {
		t.Fatalf("files with --web-auth: %d", code)
	}
	if code, _, _ := status(t, guarded, "GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n"); code != 401 {
		t.Fatalf("metrics with --web-auth: %d", code)
	}
	if code, _, _ := status(t, guarded, strings.Replace(get, "\r\n\r\n", "\r\nX-Password: pw\r\n\r\n", 1)); code != 200 {
		t.Fatalf("files with the password: %d", code)
	}
}

func TestMetricsOffByDefault(t *testing.T) {
	t.Parallel()
	_, addr, _ := startServer(t, Config{Target: startEcho(t)})
	if code, _, _ := status(t, addr, "GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n"); code == 200 {
		t.Fatal("/metrics served without Config.Metrics")
	}
}

// Short tokens never appear in the log, whole or nearly: not in the path,
// not in the reasons, not in the lines of a resolved token.
func TestShortTokensNeverInTheLog(t *testing.T) {
	t.Parallel()
	echo := startEcho(t)
	known := map[string]bool{"Q7z": true, "q7Z9": true, "K3jW8": true, "Zx81kqPw": true}
	tokens := lookupFunc(func(ctx context.Context, token string) (Target, error) {
		if known[token] {
			return Target{Network: "tcp", Address: echo}, nil
		}
		return Target{}, ErrUnknownToken
	})
	srv, addr, log := startServer(t, Config{Tokens: tokens})
	for _, token := range []string{"Q7z", "q7Z9", "K3jW8", "Zx81kqPw", "W", "Pq4", "j2Mx", "u8VbN", "Hx7kPa2Lq"} {
		status(t, addr, upgradeRequest("/websockify?token="+token, "Sec-WebSocket-Version: 13"))
		http.Get("http://" + addr + "/vnc.html?token=" + token) // refused: no web directory
	}
	testnet.WaitFor(t, "sessions to end", func() bool { return srv.Sessions() == 0 })
	for _, token := range []string{"Q7z", "q7Z9", "K3jW8", "Zx81kqPw", "Pq4", "j2Mx", "u8VbN", "Hx7kPa2Lq", "token=W"} {
		if strings.Contains(log.String(), token) {
			t.Errorf("token %q appears in the log", token)
		}
	}
	if !strings.Contains(log.String(), "token=…") {
		t.Error("no redacted token in the log: does it log the requests at all?")
	}
}
