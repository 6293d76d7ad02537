package proxy

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"
)

// guessLimit slows down the guessing of passwords and tokens, whatever the
// auth or token plugin: a few failed attempts from one client address are answered at
// once; after them the answer to each failure is held back for a delay that
// doubles with each one (up to a ceiling), and the failures of one address
// are answered one after the other, so guessing in parallel gains nothing. An
// attempt that succeeds is never held back, and it clears its address's
// count. An address whose held-back answers already reach far into the future
// is refused (429) before its attempt is even checked, which bounds the
// connections one guesser can keep waiting. Addresses are forgotten after a
// quiet while. A 401 to a request without an Authorization header is a
// challenge, not a failure.
//
// A Server keeps two: one for passwords (Config.Auth), one for tokens
// (Config.Tokens). A known token clears nothing: one token of one's own must
// not license the guessing of others'; and a right password, which clears
// its own table, does not clear the guessing of tokens either.
//
// A client address is the IP address, or its /64 network for IPv6 (one host
// has a whole /64 to pick from). Behind a reverse proxy every client has the
// proxy's address: one guesser then slows everyone, which is the price of
// not trusting forwarded headers.
type guessLimit struct {
	what    string        // what failed, for the log: "failed authentication"
	free    int           // failures answered at once
	base    time.Duration // the delay of the first held-back failure
	ceiling time.Duration // the longest delay of one failure
	backlog time.Duration // how far ahead failures may be scheduled
	forget  time.Duration // an address that has not failed this long is forgotten
	max     int           // addresses remembered at most

	log *slog.Logger
	now func() time.Time

	mu      sync.Mutex
	clients map[string]*guesser
}

// guesser is what is known of one client address.
type guesser struct {
	failures int
	next     time.Time // the earliest time the next failure is answered
	last     time.Time // the last failure
}

func newGuessLimit(log *slog.Logger, what string) *guessLimit {
	return &guessLimit{
		what:    what,
		free:    3,
		base:    250 * time.Millisecond,
		ceiling: 16 * time.Second,
		backlog: time.Minute,
		forget:  15 * time.Minute,
		max:     1 << 16,
		log:     log,
		now:     time.Now,
		clients: make(map[string]*guesser),
	}
}

// checkAuth asks Config.Auth about r, within the limit: it returns nil when
// r may pass (with what a Welcomer adds to w's headers), or the refusal,
// after the wait its failure has earned.
func (s *Server) checkAuth(w http.ResponseWriter, r *http.Request) error {
	g := s.guesses
	client := clientKey(r.RemoteAddr)
	if err := g.check(client); err != nil {
		return err
	}
	err := s.cfg.Auth.Authenticate(r)
	if err == nil {
		g.succeeded(client)
		if wc, ok := s.cfg.Auth.(Welcomer); ok {
			wc.Welcome(r, w.Header())
		}
		return nil
	}
	if !isChallenge(r, err) {
		g.failed(r.Context(), client, r.RemoteAddr)
	}
	return err
}

// isChallenge tells a refusal that asks for credentials the request did not
// send (a browser's first request to a BasicHTTPAuth server): no guess.
func isChallenge(r *http.Request, err error) bool {
	var ae *AuthError
	return errors.As(err, &ae) && ae.Status == http.StatusUnauthorized && r.Header.Get("Authorization") == ""
}

// check refuses (429) an attempt of client whose held-back failures reach
// beyond the backlog, before the attempt is checked at all.
func (g *guessLimit) check(client string) error {
	wait := g.blocked(client)
	if wait <= 0 {
		return nil
	}
	return &refusal{status: http.StatusTooManyRequests,
		header: http.Header{"Retry-After": {strconv.Itoa(int(wait.Seconds()) + 1)}},
		reason: "too many failed attempts from this address; try again in " + wait.Round(time.Second).String()}
}

// blocked tells how long client must wait before an attempt is checked at
// all: 0 unless its held-back failures reach beyond the backlog.
func (g *guessLimit) blocked(client string) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	c := g.clients[client]
	if c == nil {
		return 0
	}
	if ahead := c.next.Sub(g.now()); ahead > g.backlog {
		return ahead - g.backlog
	}
	return 0
}

func (g *guessLimit) succeeded(client string) {
	g.mu.Lock()
	delete(g.clients, client)
	g.mu.Unlock()
}

// failed counts a failure of client and waits until its answer is due (or
// ctx ends: the client left).
func (g *guessLimit) failed(ctx context.Context, client, addr string) {
	g.mu.Lock()
	now := g.now()
	c := g.clients[client]
	if c == nil {
		g.makeRoom(now)
		c = &guesser{}
		g.clients[client] = c
	}
	if now.Sub(c.last) > g.forget {
		c.failures = 0 // a quiet while: start afresh
	}
	c.failures++
	c.last = now
	var delay time.Duration
	if n := c.failures - g.free; n > 0 {
		delay = g.ceiling
		if n <= 32 && g.base<<(n-1) < g.ceiling {
			delay = g.base << (n - 1)
		}
	}
	due := now
	if c.next.After(now) {
		due = c.next
	}
	due = due.Add(delay)
	c.next = due
	failures := c.failures
	g.mu.Unlock()

	wait := due.Sub(now)
	if wait <= 0 {
		return
	}
	g.log.Warn(g.what+": answer held back", "client", addr, "failures", failures,
		"delay", delay, "answer_in", wait.Round(time.Millisecond))
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// makeRoom forgets the addresses that have been quiet long enough and, when
// the table is still full, some with no failure waiting; g.mu is held.
func (g *guessLimit) makeRoom(now time.Time) {
	if len(g.clients) < g.max {
		return
	}
	for k, c := range g.clients {
		if now.Sub(c.last) > g.forget {
			delete(g.clients, k)
		}
	}
	for k, c := range g.clients {
		if len(g.clients) < g.max {
			return
		}
		if !c.next.After(now) {
			delete(g.clients, k)
		}
	}
}

// clientKey is the address a client is counted under: its IP, or the /64 of
// an IPv6 address.
func clientKey(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr // a Unix socket's peer, say
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}
