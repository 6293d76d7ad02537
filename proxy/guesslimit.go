package proxy

import (
	"container/list"
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
// auth or token plugin. Every attempt is checked first: a right credential
// gets in at once, whatever others at the same address (a NAT, an office)
// are doing, so a stranger cannot lock the right password out. Only
// failures wait: a few from one client address are answered at once; after
// them the answer to each is held back for a delay that doubles with each
// one (up to a ceiling), and the failures of one address are answered one
// after the other, so guessing in parallel gains nothing but open
// connections. A failure whose answer would come beyond the backlog is
// answered 429 at once instead of being held: that bounds the connections
// one guesser keeps waiting. (What it does not bound is a guesser that sends
// attempts without waiting for their answers: it learns the right one as
// soon as it sends it. Random tokens and long passwords are the defence
// there; the limiter spares the right one's owner.)
//
// A success clears nothing: behind one address, one person's right password
// must not reset a stranger's count. A Server keeps two limiters: one for
// passwords (Config.Auth), one for tokens (Config.Tokens). A 401 to a
// request without an Authorization header is a challenge, not a failure.
//
// The table of addresses has a hard cap: when it is full, the address whose
// last failure is the oldest is forgotten, in constant time; addresses
// quiet for a while are forgotten too. Failures are logged as one summary
// line per interval, not one line each (a flood would fill the log).
//
// A client address is the IP address, or its /64 network for IPv6 (one host
// has a whole /64 to pick from). Behind a reverse proxy every client has the
// proxy's address: one guesser then slows everyone's failures, which is the
// price of not trusting forwarded headers.
type guessLimit struct {
	what         string        // what failed, for the log: "failed authentication"
	free         int           // failures answered at once
	base         time.Duration // the delay of the first held-back failure
	ceiling      time.Duration // the longest delay of one failure
	backlog      time.Duration // how far ahead failures may be scheduled
	forget       time.Duration // an address that has not failed this long is forgotten
	max          int           // addresses remembered at most
	summaryEvery time.Duration // how often the failures are logged, as one line

	log       *slog.Logger
	now       func() time.Time
	afterFunc func(time.Duration, func()) *time.Timer // time.AfterFunc

	mu      sync.Mutex
	clients map[string]*list.Element // of *guesser, in order
	order   list.List                // the guessers, the oldest last failure first
	tally   failureTally             // since the last summary line
	summary *time.Timer              // the next summary line, nil when none is due
	stopped bool                     // the Server is shut down: no more summary lines
}

// guesser is what is known of one client address.
type guesser struct {
	key      string
	failures int
	next     time.Time // the earliest time the next failure is answered
	last     time.Time // the last failure
	round    uint64    // the summary round of tallied
	tallied  int       // failures in that round
}

// failureTally counts the failures of one summary round.
type failureTally struct {
	round     uint64
	failures  int
	refused   int // answered 429 at once, beyond the backlog
	addresses int
	most      string // the address with the most failures
	mostCount int
}

func newGuessLimit(log *slog.Logger, what string) *guessLimit {
	return &guessLimit{
		what:         what,
		free:         3,
		base:         250 * time.Millisecond,
		ceiling:      16 * time.Second,
		backlog:      time.Minute,
		forget:       15 * time.Minute,
		max:          1 << 16,
		summaryEvery: time.Minute,
		log:          log,
		now:          time.Now,
		afterFunc:    time.AfterFunc,
		clients:      make(map[string]*list.Element),
	}
}

// checkAuth asks Config.Auth about r: it returns nil when r may pass (with
// what a Welcomer adds to w's headers), or the refusal, after the wait its
// failure has earned.
func (s *Server) checkAuth(w http.ResponseWriter, r *http.Request) error {
	err := s.cfg.Auth.Authenticate(r)
	if err == nil {
		if wc, ok := s.cfg.Auth.(Welcomer); ok {
			wc.Welcome(r, w.Header())
		}
		return nil
	}
	if isChallenge(r, err) {
		return err
	}
	return s.guesses.failed(r.Context(), clientKey(r.RemoteAddr), asRefusal(err))
}

// isChallenge tells a refusal that asks for credentials the request did not
// send (a browser's first request to a BasicHTTPAuth server): no guess.
func isChallenge(r *http.Request, err error) bool {
	var ae *AuthError
	return errors.As(err, &ae) && ae.Status == http.StatusUnauthorized && r.Header.Get("Authorization") == ""
}

// failed counts a failure of client and returns its refusal rf once its
// answer is due (or ctx ends: the client left); or, when that would be
// beyond the backlog, a 429 at once. Either is counted in the summary line
// rather than logged.
func (g *guessLimit) failed(ctx context.Context, client string, rf *refusal) *refusal {
	wait, beyond := g.count(client)
	if beyond > 0 {
		return &refusal{status: http.StatusTooManyRequests, counted: true,
			header: http.Header{"Retry-After": {strconv.Itoa(int(beyond.Seconds()) + 1)}},
			reason: "too many failed attempts from this address; try again in " + beyond.Round(time.Second).String()}
	}
	quiet := *rf
	quiet.counted = true
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
		}
	}
	return &quiet
}

// count records a failure of client and tells how long its answer waits,
// or, when that would reach beyond the backlog, how long until it would
// not (the failure then moves nothing further ahead).
func (g *guessLimit) count(client string) (wait, beyond time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	c := g.guesser(client, now)
	c.failures++
	c.last = now
	g.order.MoveToBack(g.clients[client])
	g.tallyFailure(c)

	due := now
	if c.next.After(now) {
		due = c.next
	}
	if ahead := due.Sub(now); ahead > g.backlog {
		g.tally.refused++
		return 0, ahead - g.backlog
	}
	c.next = due.Add(g.delay(c.failures))
	return c.next.Sub(now), 0
}

// beyondBacklog tells how long until a failure of client would be
// answered within the backlog again; 0 when it would be now.
func (g *guessLimit) beyondBacklog(client string) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	e, ok := g.clients[client]
	if !ok {
		return 0
	}
	return max(0, e.Value.(*guesser).next.Sub(g.now())-g.backlog)
}

// delay is how long the answer to an address's nth failure is held back
// after the one before.
func (g *guessLimit) delay(n int) time.Duration {
	n -= g.free
	if n <= 0 {
		return 0
	}
	if n <= 32 && g.base<<(n-1) < g.ceiling {
		return g.base << (n - 1)
	}
	return g.ceiling
}

// guesser returns the entry of client, new if need be (a quiet while
// starts afresh); g.mu is held. It forgets the addresses quiet for long and,
// when the table is full, the one whose last failure is the oldest: the
// table is in the order of the last failures, so that takes constant time.
func (g *guessLimit) guesser(client string, now time.Time) *guesser {
	for e := g.order.Front(); e != nil; e = g.order.Front() {
		if now.Sub(e.Value.(*guesser).last) <= g.forget {
			break
		}
		g.remove(e)
	}
	if e, ok := g.clients[client]; ok {
		return e.Value.(*guesser)
	}
	for g.order.Len() > 0 && g.order.Len() >= g.max {
		g.remove(g.order.Front())
	}
	c := &guesser{key: client}
	g.clients[client] = g.order.PushBack(c)
	return c
}

func (g *guessLimit) remove(e *list.Element) {
	delete(g.clients, g.order.Remove(e).(*guesser).key)
}

// tallyFailure counts a failure of c for the summary line, and makes sure
// one is due; g.mu is held.
func (g *guessLimit) tallyFailure(c *guesser) {
	t := &g.tally
	if c.round != t.round || c.tallied == 0 {
		c.round, c.tallied = t.round, 0
		t.addresses++
	}
	c.tallied++
	t.failures++
	if c.tallied > t.mostCount {
		t.most, t.mostCount = c.key, c.tallied
	}
	if g.summary == nil && !g.stopped {
		g.summary = g.afterFunc(g.summaryEvery, g.logSummary)
	}
}

// stop writes the summary line that is due, at once, and schedules no more.
func (g *guessLimit) stop() {
	g.mu.Lock()
	g.stopped = true
	if g.summary != nil {
		g.summary.Stop()
	}
	g.mu.Unlock()
	g.logSummary()
}

// logSummary writes the line that sums up the failures since the last one.
func (g *guessLimit) logSummary() {
	g.mu.Lock()
	t := g.tally
	g.tally = failureTally{round: t.round + 1}
	g.summary = nil
	g.mu.Unlock()
	if t.failures == 0 {
		return
	}
	g.log.Warn(g.what+": failed attempts", "in_the_last", g.summaryEvery, "failures", t.failures,
		"refused_at_once", t.refused, "addresses", t.addresses, "most_from", t.most, "most", t.mostCount)
}

// size is the number of addresses remembered.
func (g *guessLimit) size() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.order.Len()
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
