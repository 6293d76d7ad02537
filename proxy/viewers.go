package proxy

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
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
	// Device is the kind of device from the User-Agent: "Windows", "Mac",
	// "Linux", "Android", "iPhone", "iPad", "ChromeOS"; "" when it does not
	// say.
	Device string
	// Key is what Config.ViewerKey made of the session's request; "" without
	// one.
	Key string
	// Name is who is watching as Config.ViewerName tells ("Ann (ann@example.com)
	// on ann-phone"); "" without one.
	Name string
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
	return Viewer{ID: ss.id, Address: ss.addr, Start: ss.start,
		ViewOnly: ss.view != nil, Browser: ss.browser, Device: ss.device, Key: ss.key, Name: ss.name}
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
	client := clientKey(ss.addr)
	if beyond := s.guesses.beyondBacklog(client); beyond > 0 {
		why := "too many refused attempts from this address; try again in " + beyond.Round(time.Second).String()
		s.log.Info("viewer refused unasked", "session", ss.id, "client", ss.addr, "reason", why)
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
	// Meanwhile, watch the client: one that leaves ends the question (a
	// dialog still up is closed through ctx). It leaves by closing its
	// connection, or by its close frame, which a browser sends when its
	// page goes and may follow by nothing for a long time; so the watch
	// reads on until one comes (or maxEarly bytes did). What it sends
	// early is kept.
	gone := make(chan struct{})
	watched := make(chan []byte, 1)
	go func() {
		var early []byte
		defer func() { watched <- early }()
		var b [512]byte
		for len(early) < maxEarly {
			n, err := ss.client.Read(b[:])
			early = append(early, b[:n]...)
			if err != nil && !isDeadline(err) || saysGoodbye(ss.w.framing, early) {
				close(gone)
				return
			}
			if err != nil {
				return
			}
		}
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
				s.log.Info("viewer left before it was let in", "session", ss.id, "client", ss.addr)
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
		s.log.Info("viewer left before it was let in", "session", ss.id, "client", ss.addr)
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
	s.log.Info("viewer refused", "session", ss.id, "client", ss.addr, "reason", why)
	ss.closeWith(code, why)
	// Give the client a moment to answer the close before the connection
	// goes, so that its page sees a clean close with the reason.
	ss.client.SetReadDeadline(time.Now().Add(closeGrace))
	var b [256]byte
	ss.client.Read(b[:])
	ss.client.Close()
	return false, false
}

// maxEarly bounds what a viewer waiting to be let in may send (a VNC
// client sends nothing before the server's greeting): beyond it, the
// proxy stops reading it until it is let in.
const maxEarly = 64 << 10

// saysGoodbye tells whether the client's first bytes p, in framing, hold
// its close frame (RFC 6455) or its closing 0xFF 0x00 (legacy): it has
// left.
func saysGoodbye(f framing, p []byte) bool {
	if f.legacy() {
		for len(p) > 1 {
			if p[0] == 0xff {
				return p[1] == 0x00
			}
			end := bytes.IndexByte(p, 0xff) // a message: 0x00, text, 0xFF
			if end < 0 {
				return false
			}
			p = p[end+1:]
		}
		return false
	}
	r := bytes.NewReader(p)
	for {
		h, err := ws.ReadHeader(r)
		if err != nil {
			return false
		}
		if h.OpCode == ws.OpClose {
			return true
		}
		if h.Length > int64(r.Len()) {
			return false
		}
		r.Seek(h.Length, io.SeekCurrent)
	}
}

// reportViewer calls Config.OnViewer; s.reportMu is held, so the calls come in
// order.
func (s *Server) reportViewer(ss *session, joined bool) {
	if s.cfg.OnViewer != nil {
		s.cfg.OnViewer(ss.viewer(), joined)
	}
}

// browserOf names the client of a User-Agent in one word.
// deviceOf names the device of a User-Agent (Viewer.Device); the order
// matters: an iPad's and an Android phone's also say "Mac OS X", "Linux".
func deviceOf(ua string) string {
	for _, d := range []struct{ token, name string }{
		{"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Android", "Android"}, {"CrOS", "ChromeOS"},
		{"Windows", "Windows"}, {"Macintosh", "Mac"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, d.token) {
			return d.name
		}
	}
	return ""
}

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
