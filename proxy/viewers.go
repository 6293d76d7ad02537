package proxy

import (
	"context"
	"errors"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/gobwas/ws"
)

// Viewer is an open session as the person sharing sees it.
type Viewer struct {
	// ID names the session (for Disconnect); it is also in the log.
	ID uint64
	// Address is the client's address, host:port.
	Address string
	// Start is when the session opened.
	Start time.Time
	// ViewOnly is true when the proxy drops everything the viewer sends
	// that could change the desktop.
	ViewOnly bool
	// Browser is the browser (or other client) in one word, from its
	// User-Agent: "Firefox", "Chrome", "Safari", "Edge"…
	Browser string
	// Key is what Config.ViewerKey made of the session's request; "" without
	// one.
	Key string
}

// Mode is "view-only" or "control".
func (v Viewer) Mode() string {
	if v.ViewOnly {
		return "view-only"
	}
	return "control"
}

// Decision is the answer of Config.Consent.
type Decision int

// The answers to Config.Consent.
const (
	Deny          Decision = iota // close the session
	Allow                         // relay, with control unless the session is view-only already
	AllowViewOnly                 // relay, view-only
	// DenyBusy closes the session unasked: the person sharing is answering
	// other viewers, and no more may wait (ReasonAnsweringAnother).
	DenyBusy
)

// A ViewOnlyAuthenticator is an Authenticator that lets some requests in for
// viewing only (the tray's view-only link): ViewOnly tells, for a request
// Authenticate let through, whether its session must be view-only.
type ViewOnlyAuthenticator interface {
	Authenticator
	ViewOnly(r *http.Request) bool
}

// viewOnlyRequest tells whether the session of r must be view-only by
// Config.ViewOnly, its target, or its authentication.
func (s *Server) viewOnlyRequest(r *http.Request, t Target) bool {
	if s.cfg.ViewOnly || t.ViewOnly {
		return true
	}
	va, ok := s.cfg.Auth.(ViewOnlyAuthenticator)
	return ok && va.ViewOnly(r)
}

// ErrNoSuchViewer is returned by Disconnect for a session that is not open.
var ErrNoSuchViewer = errors.New("proxy: no such viewer")

// Viewers lists the open sessions, oldest first.
func (s *Server) Viewers() []Viewer {
	s.mu.Lock()
	vs := make([]Viewer, 0, len(s.sessions))
	for ss := range s.sessions {
		vs = append(vs, ss.viewer())
	}
	s.mu.Unlock()
	sort.Slice(vs, func(i, j int) bool { return vs[i].ID < vs[j].ID })
	return vs
}

// Disconnect closes session id, telling its page reason (at most 123
// bytes are sent).
func (s *Server) Disconnect(id uint64, reason string) error {
	s.mu.Lock()
	var found *session
	for ss := range s.sessions {
		if ss.id == id {
			found = ss
		}
	}
	s.mu.Unlock()
	if found == nil {
		return ErrNoSuchViewer
	}
	found.disconnect(reason)
	return nil
}

func (ss *session) viewer() Viewer {
	return Viewer{ID: ss.id, Address: ss.client.RemoteAddr().String(), Start: ss.start,
		ViewOnly: ss.view != nil, Browser: ss.browser, Key: ss.key}
}

// disconnect closes the session on the sharer's request.
func (ss *session) disconnect(reason string) {
	ss.endNow("disconnected by the sharer: "+reason, ws.StatusPolicyViolation, clip(reason, maxControlLength-2))
}

// clip shortens s to at most n bytes, on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xc0 == 0x80 {
		n--
	}
	return s[:n]
}

// consent asks Config.Consent (set) about a session whose 101 answer has gone but
// whose target is not dialed yet. It returns whether the session may go on
// and whether it must be view-only; a refusal has closed the session with
// the reason its page shows.
//
// A refusal counts as a failed guess of the viewer's address, and an
// address with more of those than the guess limiter lets wait is refused
// unasked: a flood of viewers from one address cannot keep the person
// sharing answering.
func (s *Server) consent(ss *session, r *http.Request) (ok, viewOnly bool) {
	client := clientKey(ss.client.RemoteAddr().String())
	if beyond := s.guesses.beyondBacklog(client); beyond > 0 {
		why := "too many refused attempts from this address; try again in " + beyond.Round(time.Second).String()
		s.log.Info("viewer refused unasked", "session", ss.id, "client", ss.client.RemoteAddr().String(), "reason", why)
		ss.closeWith(refusalCode(http.StatusTooManyRequests), why)
		return false, false
	}
	timeout := s.cfg.consentTimeout()
	ctx, cancel := context.WithTimeout(r.Context(), timeout)
	defer cancel()
	answer := make(chan Decision, 1)
	go func() {
		defer func() {
			if v := recover(); v != nil {
				s.log.Error("consent panic", "session", ss.id, "panic", v)
				answer <- Deny
			}
		}()
		answer <- s.cfg.Consent(ctx, ss.viewer())
	}()
	// Meanwhile, watch the client: one that leaves, or starts to close (a
	// browser's page does, and waits for the answer), ends the question (a
	// dialog still up is closed through ctx). What it sends early is kept.
	gone := make(chan struct{})
	watched := make(chan []byte, 1)
	go func() {
		var b [512]byte
		n, err := ss.client.Read(b[:])
		if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) || startsClose(ss.w.framing, b[:n]) {
			close(gone)
		}
		watched <- append([]byte(nil), b[:n]...)
	}()
	stopWatching := func() {
		ss.client.SetReadDeadline(time.Now())
		early := <-watched
		ss.client.SetReadDeadline(time.Time{})
		ss.pending = append(ss.pending, early...)
	}
	why, code := "", ws.StatusPolicyViolation
	select {
	case d := <-answer:
		switch d {
		case Allow, AllowViewOnly:
			stopWatching()
			select {
			case <-gone:
				s.log.Info("viewer left before it was let in", "session", ss.id, "client", ss.client.RemoteAddr().String())
				ss.client.Close()
				return false, false
			default:
			}
			return true, d == AllowViewOnly
		case DenyBusy:
			why = ReasonAnsweringAnother
		default:
			why = ReasonNotLetIn
		}
		s.guesses.count(client)
	case <-gone:
		cancel()
		stopWatching()
		s.log.Info("viewer left before it was let in", "session", ss.id, "client", ss.client.RemoteAddr().String())
		ss.client.Close()
		return false, false
	case <-ctx.Done():
		d := timeout
		if d >= time.Second {
			d = d.Round(time.Second)
		}
		why = ReasonNoAnswer + d.String()
	case <-s.done:
		why, code = ReasonShuttingDown, ws.StatusGoingAway
	}
	stopWatching()
	s.log.Info("viewer refused", "session", ss.id, "client", ss.client.RemoteAddr().String(), "reason", why)
	ss.closeWith(code, why)
	// Give the client a moment to answer the close before the connection
	// goes, so that its page sees a clean close with the reason.
	ss.client.SetReadDeadline(time.Now().Add(closeGrace))
	var b [256]byte
	ss.client.Read(b[:])
	ss.client.Close()
	return false, false
}

// startsClose tells whether what a client sent first, in framing f, is its
// close: a close frame, or a legacy client's closing handshake.
func startsClose(f framing, b []byte) bool {
	if len(b) == 0 {
		return false
	}
	if f.legacy() {
		return b[0] == 0xff
	}
	return ws.OpCode(b[0]&0x0f) == ws.OpClose
}

// reportViewer calls Config.OnViewer; s.reportMu is held, so the calls come in
// order.
func (s *Server) reportViewer(ss *session, joined bool) {
	if s.cfg.OnViewer != nil {
		s.cfg.OnViewer(ss.viewer(), joined)
	}
}

// browserOf names the client of a User-Agent in one word.
func browserOf(ua string) string {
	for _, b := range []struct{ token, name string }{
		{"Edg/", "Edge"}, {"EdgA/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"},
		{"Chrome/", "Chrome"}, {"Chromium/", "Chromium"}, {"CriOS/", "Chrome"}, {"FxiOS/", "Firefox"},
		{"Safari/", "Safari"},
	} {
		if strings.Contains(ua, b.token) {
			return b.name
		}
	}
	word, _, _ := strings.Cut(strings.TrimSpace(ua), "/")
	if word, _, _ = strings.Cut(word, " "); word == "" || word == "Mozilla" {
		return "unknown"
	}
	return clip(word, 20)
}
