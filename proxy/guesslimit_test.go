package proxy

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"vncbridge/internal/testnet"
)

// password is an Authenticator for these tests: Basic credentials, one
// password.
type password string

func (p password) Authenticate(r *http.Request) error {
	if r.Header.Get("Authorization") == "Basic "+base64.StdEncoding.EncodeToString([]byte("u:"+string(p))) {
		return nil
	}
	return &AuthError{Status: http.StatusUnauthorized, Reason: "wrong user name or password"}
}

// tryPassword fetches a file with Basic credentials from the given local
// address and returns the status and how long the answer took.
func tryPassword(t *testing.T, addr, from, pw string) (int, time.Duration) {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
	tr := &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	req, _ := http.NewRequest("GET", "http://"+addr+"/vnc.html", nil)
	req.SetBasicAuth("u", pw)
	start := time.Now()
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, time.Since(start)
}

// Failed attempts from one address are answered later and later, one after
// the other even when sent in parallel; the right password is answered at
// once, from that address as from another; a challenge is no failure.
func TestGuessLimit(t *testing.T) {
	srv, addr, log := startServer(t, Config{Target: startEcho(t), Web: webDirFS(t), Auth: password("right"), AuthWeb: true})
	g := srv.guesses
	set := func(backlog time.Duration) {
		g.mu.Lock()
		g.base, g.ceiling, g.backlog = 100*time.Millisecond, 400*time.Millisecond, backlog
		g.mu.Unlock()
	}
	set(10 * time.Second)

	// A browser's first request has no credentials: challenged, not counted.
	for range 5 {
		resp, err := http.Get("http://" + addr + "/vnc.html")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 401 {
			t.Fatalf("no credentials: %d", resp.StatusCode)
		}
	}
	for i := range g.free {
		if code, took := tryPassword(t, addr, "127.0.0.1", "wrong"); code != 401 || took > g.base/2 {
			t.Fatalf("free failure %d: %d after %v; want 401 at once", i+1, code, took)
		}
	}
	if code, took := tryPassword(t, addr, "127.0.0.1", "wrong"); code != 401 || took < g.base {
		t.Fatalf("failure %d: %d after %v; want 401 held back %v", g.free+1, code, took, g.base)
	}
	if code, took := tryPassword(t, addr, "127.0.0.1", "wrong"); code != 401 || took < 2*g.base {
		t.Fatalf("failure %d: %d after %v; want 401 held back %v", g.free+2, code, took, 2*g.base)
	}
	if !strings.Contains(log.String(), "failed authentication: answer held back") {
		t.Error("no log line for the held-back failures")
	}

	// Eight guesses in parallel: answered one after the other, 400 ms apart.
	var wg sync.WaitGroup
	start := time.Now()
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tryPassword(t, addr, "127.0.0.1", "wrong")
		}()
	}
	time.Sleep(50 * time.Millisecond) // the guesses are in
	// Meanwhile the right password passes at once, from this address and
	// from another.
	for _, from := range []string{"127.0.0.1", "127.0.0.2"} {
		if code, took := tryPassword(t, addr, from, "right"); code != 200 || took > 200*time.Millisecond {
			t.Errorf("right password from %s during the guessing: %d after %v", from, code, took)
		}
	}
	// The right one cleared the count: do it again for the rest.
	wg.Wait()
	if took := time.Since(start); took < 4*g.base {
		t.Errorf("8 parallel failures answered within %v: not one after the other", took)
	}
	// A guesser whose answers are scheduled beyond the backlog is refused
	// before being checked, even with the right password.
	set(time.Second)
	for range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tryPassword(t, addr, "127.0.0.3", "wrong")
		}()
	}
	testnet.WaitFor(t, "a backlog of failures", func() bool { return g.blocked("127.0.0.3") > 0 })
	if code, took := tryPassword(t, addr, "127.0.0.3", "right"); code != http.StatusTooManyRequests || took > 200*time.Millisecond {
		t.Errorf("right password beyond the backlog: %d after %v; want 429 at once", code, took)
	}
	if code, _ := tryPassword(t, addr, "127.0.0.2", "right"); code != 200 {
		t.Errorf("another address meanwhile: %d", code)
	}
	wg.Wait()
}

// The adversarial run's case: guessers in parallel at full speed get few
// answers, where there was no limit before.
func TestGuessingIsSlowedToAFewAnswers(t *testing.T) {
	_, addr, _ := startServer(t, Config{Target: startEcho(t), Web: webDirFS(t), Auth: password("right"), AuthWeb: true, Logger: discardLogger()})
	var mu sync.Mutex
	answered := 0
	deadline := time.Now().Add(2 * time.Second)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tr := &http.Transport{DisableKeepAlives: true, ResponseHeaderTimeout: time.Until(deadline)}
			defer tr.CloseIdleConnections()
			for i := 0; time.Now().Before(deadline); i++ {
				req, _ := http.NewRequest("GET", "http://"+addr+"/vnc.html", nil)
				req.SetBasicAuth("u", fmt.Sprint("guess", i))
				resp, err := tr.RoundTrip(req)
				if err != nil {
					return // the deadline ran out while held back
				}
				resp.Body.Close()
				if resp.StatusCode == 401 && time.Now().Before(deadline) {
					mu.Lock()
					answered++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	// 3 at once, then 250 ms, 500 ms, 1 s: 6 in 2 s.
	if answered > 8 {
		t.Fatalf("%d wrong passwords answered in 2 s", answered)
	}
	// (The guessing address itself has its failures scheduled a minute
	// ahead: it gets 429 until they are due.)
	if code, took := tryPassword(t, addr, "127.0.0.2", "right"); code != 200 || took > 200*time.Millisecond {
		t.Fatalf("right password from another address after the guessing: %d after %v", code, took)
	}
}

func TestClientKey(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.7:5000":                "192.0.2.7",
		"[::ffff:192.0.2.7]:5000":       "192.0.2.7",
		"[2001:db8:1:2:3:4:5:6]:443":    "2001:db8:1:2::/64",
		"[2001:db8:1:2:ffff::1]:443":    "2001:db8:1:2::/64",
		"@":                             "@",
		"[fe80::1%eth0]:1":              "fe80::/64",
		"not an address at all":         "not an address at all",
		"[2001:db8:1:3:3:4:5:6]:443":    "2001:db8:1:3::/64",
		"127.0.0.2:1":                   "127.0.0.2",
		"[::1]:1":                       "::/64",
		"192.0.2.7":                     "192.0.2.7",
		"2001:db8:1:2:3:4:5:6":          "2001:db8:1:2::/64",
		"[2001:db8:1:2:3:4:5:6%x]:7000": "2001:db8:1:2::/64",
	} {
		if got := clientKey(in); got != want {
			t.Errorf("clientKey(%q) = %q, want %q", in, got, want)
		}
	}
}

// tryToken opens a WebSocket for token from the given local address, with
// the right password of password("right"), and returns the answer's status
// and how long it took; the connection closes.
func tryToken(t *testing.T, addr, from, token string) (int, time.Duration) {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
	conn, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	start := time.Now()
	io.WriteString(conn, upgradeRequest("/websockify?token="+token, "Sec-WebSocket-Version: 13",
		"Authorization: Basic "+base64.StdEncoding.EncodeToString([]byte("u:right"))))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("token %q from %s: %v", token, from, err)
	}
	resp.Body.Close()
	return resp.StatusCode, time.Since(start)
}

// Unknown tokens are failed guesses, whatever the token plugin: after a few
// from one address, each is answered later; a known token passes at once but
// clears nothing (one token of one's own does not license guessing others');
// a right password does not clear them either; a lookup that fails is no
// guess; beyond the backlog even a known token gets 429.
func TestUnknownTokensAreGuesses(t *testing.T) {
	echo := startEcho(t)
	tokens := lookupFunc(func(ctx context.Context, token string) (Target, error) {
		switch token {
		case "mine":
			return Target{Network: "tcp", Address: echo}, nil
		case "broken":
			return Target{}, errors.New("backend down")
		}
		return Target{}, ErrUnknownToken
	})
	srv, addr, log := startServer(t, Config{Tokens: tokens, Auth: password("right")})
	g := srv.tokenGuesses
	g.mu.Lock()
	// "At once" is within half the first delay: room for a loaded machine.
	g.base, g.ceiling, g.backlog = 200*time.Millisecond, 800*time.Millisecond, 10*time.Second
	g.mu.Unlock()
	tryKnown := func(from string) {
		t.Helper()
		if code, took := tryToken(t, addr, from, "mine"); code != 101 || took > g.base/2 {
			t.Fatalf("known token from %s: %d after %v; want 101 at once", from, code, took)
		}
	}
	for i := range g.free {
		if code, took := tryToken(t, addr, "127.0.0.1", fmt.Sprint("guess", i)); code != 404 || took > g.base/2 {
			t.Fatalf("unknown token %d: %d after %v; want 404 at once", i+1, code, took)
		}
	}
	for range 3 {
		if code, _ := tryToken(t, addr, "127.0.0.1", "broken"); code != http.StatusBadGateway {
			t.Fatalf("failing lookup: %d", code)
		}
	}
	if code, took := tryToken(t, addr, "127.0.0.1", "guess3"); code != 404 || took < g.base {
		t.Fatalf("unknown token %d: %d after %v; want 404 held back %v (a failed lookup is no guess)", g.free+1, code, took, g.base)
	}
	if !strings.Contains(log.String(), "unknown token: answer held back") {
		t.Error("no log line for the held-back unknown token")
	}
	tryKnown("127.0.0.1")
	if code, took := tryToken(t, addr, "127.0.0.1", "guess4"); code != 404 || took < 2*g.base {
		t.Fatalf("unknown token after a known one: %d after %v; want 404 held back %v", code, took, 2*g.base)
	}
	tryKnown("127.0.0.2")
	if code, took := tryToken(t, addr, "127.0.0.2", "guess0"); code != 404 || took > g.base/2 {
		t.Fatalf("another address's first unknown token: %d after %v; want 404 at once", code, took)
	}

	// Beyond the backlog: 429 before the lookup, even for a known token.
	g.mu.Lock()
	g.backlog = 500 * time.Millisecond
	g.mu.Unlock()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tryToken(t, addr, "127.0.0.3", fmt.Sprint("guess", i))
		}()
	}
	testnet.WaitFor(t, "a backlog of unknown tokens", func() bool { return g.blocked("127.0.0.3") > 0 })
	if code, took := tryToken(t, addr, "127.0.0.3", "mine"); code != http.StatusTooManyRequests || took > g.base/2 {
		t.Errorf("known token beyond the backlog: %d after %v; want 429 at once", code, took)
	}
	tryKnown("127.0.0.2")
	wg.Wait()
}
