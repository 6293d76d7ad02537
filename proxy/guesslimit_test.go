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
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
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
// once, from that address as from another, and clears nothing; a challenge
// is no failure. Beyond the backlog, failures get 429 at once and the right
// password still gets in.
func TestGuessLimit(t *testing.T) {
	t.Parallel()
	srv, addr, _ := startServer(t, Config{Target: startEcho(t), Web: webDirFS(t), Auth: password("right"), AuthWeb: true})
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
	testnet.WaitFor(t, "the 8 parallel guesses counted", func() bool { return failuresOf(g, "127.0.0.1") == g.free+2+8 })
	// Meanwhile the right password passes at once, from this address and
	// from another.
	for _, from := range []string{"127.0.0.1", "127.0.0.2"} {
		if code, took := tryPassword(t, addr, from, "right"); code != 200 || took > 200*time.Millisecond {
			t.Errorf("right password from %s during the guessing: %d after %v", from, code, took)
		}
	}
	wg.Wait()
	if took := time.Since(start); took < 7*g.ceiling {
		t.Errorf("8 parallel failures answered within %v: not one after the other", took)
	}
	if n := failuresOf(g, "127.0.0.1"); n != g.free+2+8 {
		t.Errorf("the right password changed the address's count: %d failures, want %d", n, g.free+2+8)
	}

	// Beyond the backlog, failures get 429 at once; the right password
	// still gets in, at once.
	set(time.Second)
	for range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tryPassword(t, addr, "127.0.0.3", "wrong")
		}()
	}
	testnet.WaitFor(t, "a backlog of failures", func() bool { return failuresOf(g, "127.0.0.3") == 12 })
	if code, took := tryPassword(t, addr, "127.0.0.3", "wrong"); code != http.StatusTooManyRequests || took > 200*time.Millisecond {
		t.Errorf("wrong password beyond the backlog: %d after %v; want 429 at once", code, took)
	}
	if code, took := tryPassword(t, addr, "127.0.0.3", "right"); code != 200 || took > 200*time.Millisecond {
		t.Errorf("right password beyond the backlog: %d after %v; want 200 at once", code, took)
	}
	wg.Wait()
}

// failuresOf is the count of failures of client.
func failuresOf(g *guessLimit, client string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	if e, ok := g.clients[client]; ok {
		return e.Value.(*guesser).failures
	}
	return 0
}

// The adversarial run's case: guessers in parallel at full speed get few
// answers, where there was no limit before.
func TestGuessingIsSlowedToAFewAnswers(t *testing.T) {
	t.Parallel()
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
	if code, took := tryPassword(t, addr, "127.0.0.2", "right"); code != 200 || took > 200*time.Millisecond {
		t.Fatalf("right password from another address after the guessing: %d after %v", code, took)
	}
}

func TestClientKey(t *testing.T) {
	t.Parallel()
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
// guess.
func TestUnknownTokensAreGuesses(t *testing.T) {
	t.Parallel()
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
	srv, addr, _ := startServer(t, Config{Tokens: tokens, Auth: password("right")})
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
	tryKnown("127.0.0.1")
	if code, took := tryToken(t, addr, "127.0.0.1", "guess4"); code != 404 || took < 2*g.base {
		t.Fatalf("unknown token after a known one: %d after %v; want 404 held back %v", code, took, 2*g.base)
	}
	tryKnown("127.0.0.2")
	if code, took := tryToken(t, addr, "127.0.0.2", "guess0"); code != 404 || took > g.base/2 {
		t.Fatalf("another address's first unknown token: %d after %v; want 404 at once", code, took)
	}

}

// The tracker's case: a stranger behind the same address floods wrong
// tokens, and is refused with 429; the right token still gets in, at once,
// every time.
func TestRightTokenGetsInDuringAFlood(t *testing.T) {
	t.Parallel()
	echo := startEcho(t)
	tokens := lookupFunc(func(ctx context.Context, token string) (Target, error) {
		if token == "mine" {
			return Target{Network: "tcp", Address: echo}, nil
		}
		return Target{}, ErrUnknownToken
	})
	srv, addr, _ := startServer(t, Config{Tokens: tokens, Logger: discardLogger()})
	g := srv.tokenGuesses
	g.mu.Lock()
	g.base, g.ceiling, g.backlog = 50*time.Millisecond, 200*time.Millisecond, 500*time.Millisecond
	g.mu.Unlock()

	stop := make(chan struct{})
	var wrong, limited atomic.Int64
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				switch floodToken(addr, "127.0.0.3", fmt.Sprint("guess", i)) {
				case http.StatusNotFound:
					wrong.Add(1)
				case http.StatusTooManyRequests:
					limited.Add(1)
				}
			}
		}()
	}
	defer wg.Wait()
	defer close(stop)
	testnet.WaitFor(t, "the flood refused with 429", func() bool { return limited.Load() >= 20 })

	for i := range 20 {
		if code, took := tryToken(t, addr, "127.0.0.3", "mine"); code != 101 || took > time.Second {
			t.Fatalf("right token, try %d of 20, during the flood: %d after %v; want 101 at once", i+1, code, took)
		}
	}
	// The flood itself stays limited: most of it refused, few wrong tokens
	// answered (3 at once, then one per ceiling at most).
	if w, l := wrong.Load(), limited.Load(); w > l {
		t.Errorf("the flood got %d answers 404 and only %d 429", w, l)
	}
}

// floodToken opens a WebSocket for token from the given local address, as
// a guesser does, and returns the answer's status, or 0.
func floodToken(addr, from, token string) int {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
	conn, err := d.Dial("tcp", addr)
	if err != nil {
		return 0
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(conn, upgradeRequest("/websockify?token="+token, "Sec-WebSocket-Version: 13"))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// The table never holds more addresses than its cap, even when every one
// has failures waiting: the one whose last failure is the oldest goes.
func TestGuessTableStaysWithinItsCap(t *testing.T) {
	t.Parallel()
	g := newGuessLimit(discardLogger(), "test")
	defer g.stop()
	g.max = 1000
	clock := time.Unix(1e9, 0)
	g.now = func() time.Time { return clock }
	for i := range 1 << 16 {
		clock = clock.Add(time.Millisecond)
		client := netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)}).String()
		for range g.free + 6 { // failures waiting: the last is due 16 s ahead
			g.count(client)
		}
		if n := g.size(); n > g.max {
			t.Fatalf("after %d addresses the table holds %d, over its cap of %d", i+1, n, g.max)
		}
	}
	if failuresOf(g, "10.0.255.255") != g.free+6 || failuresOf(g, "10.0.252.23") != 0 {
		t.Error("the table did not keep the most recent addresses")
	}
}

// Addresses quiet for a while are forgotten: their next failure starts
// afresh, and the table shrinks.
func TestGuessTableForgetsQuietAddresses(t *testing.T) {
	t.Parallel()
	g := newGuessLimit(discardLogger(), "test")
	defer g.stop()
	clock := time.Unix(1e9, 0)
	g.now = func() time.Time { return clock }
	for range 5 {
		g.count("192.0.2.1")
	}
	g.count("192.0.2.2")
	clock = clock.Add(g.forget + time.Second)
	if wait, _ := g.count("192.0.2.1"); wait != 0 || failuresOf(g, "192.0.2.1") != 1 {
		t.Errorf("after a quiet while: wait %v, %d failures; want none and 1", wait, failuresOf(g, "192.0.2.1"))
	}
	if n := g.size(); n != 1 {
		t.Errorf("%d addresses remembered, want 1", n)
	}
}

// A new address costs the same, whatever the table holds: this is the cost
// every failure pays under the lock once the table is full.
func BenchmarkGuessTableNewAddress(b *testing.B) {
	g := newGuessLimit(discardLogger(), "bench")
	defer g.stop()
	clock := time.Unix(1e9, 0)
	g.now = func() time.Time { return clock }
	keys := make([]string, 2*g.max)
	for i := range keys {
		keys[i] = netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}).String()
	}
	for _, k := range keys[:g.max] { // full, every address with failures waiting
		for range g.free + 2 {
			g.count(k)
		}
	}
	i := g.max
	for b.Loop() {
		clock = clock.Add(time.Microsecond)
		g.count(keys[i%len(keys)])
		i++
	}
}

// Failures are logged as one summary line per interval: no line for each
// wrong password, held back or refused.
func TestFailuresAreLoggedOnceAnInterval(t *testing.T) {
	t.Parallel()
	srv, addr, log := startServer(t, Config{Target: startEcho(t), Web: webDirFS(t), Auth: password("right"), AuthWeb: true})
	g := srv.guesses
	intervalEnds := make(chan func(), 10)
	g.mu.Lock()
	g.free = 1000 // no waiting here
	g.afterFunc = func(d time.Duration, f func()) *time.Timer {
		intervalEnds <- f
		return time.NewTimer(time.Hour)
	}
	g.mu.Unlock()
	summaries := func() []string {
		var lines []string
		for _, l := range strings.Split(log.String(), "\n") {
			if strings.Contains(l, "failed authentication") {
				lines = append(lines, l)
			}
		}
		return lines
	}

	for range 30 {
		tryPassword(t, addr, "127.0.0.1", "wrong")
	}
	for range 5 {
		tryPassword(t, addr, "127.0.0.2", "wrong")
	}
	if lines := summaries(); len(lines) != 0 {
		t.Fatalf("lines before the interval ended:\n%s", strings.Join(lines, "\n"))
	}
	if n := strings.Count(log.String(), "request refused"); n != 0 {
		t.Errorf("%d lines for single refusals", n)
	}
	end := <-intervalEnds
	if len(intervalEnds) != 0 {
		t.Errorf("%d more summaries scheduled in one interval", len(intervalEnds))
	}
	end()
	lines := summaries()
	if len(lines) != 1 {
		t.Fatalf("%d summary lines for one interval:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	for _, want := range []string{"failures=35", "addresses=2", "most_from=127.0.0.1", "most=30"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("summary %q lacks %s", lines[0], want)
		}
	}

	// The next interval has a line of its own, with its own count.
	tryPassword(t, addr, "127.0.0.2", "wrong")
	(<-intervalEnds)()
	if lines := summaries(); len(lines) != 2 || !strings.Contains(lines[1], "failures=1 ") {
		t.Errorf("after the second interval:\n%s", strings.Join(lines, "\n"))
	}
}
