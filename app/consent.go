package app

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"sync"
	"time"
	"unicode"

	"vncbridge/proxy"
)

// The answers of the consent dialog, as its buttons say them.
const (
	consentAllow    = "Allow"
	consentViewOnly = "Allow view only"
	consentDeny     = "Deny"
)

// maxViewerText bounds, in characters, what a viewer chose (its browser's
// word) in a question or a menu entry.
const maxViewerText = 40

// viewerText makes text that came from a viewer safe to show the person
// sharing as plain text: control and format characters (line breaks,
// escapes, bidi overrides, zero-width marks) and bytes that are not UTF-8
// are dropped, and it is cut to maxViewerText characters. What a dialog
// program would read as markup is escaped for that program where it is
// started (escapeMarkup, zenity's --no-markup).
func viewerText(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range strings.ToValidUTF8(s, "") {
		if unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp) {
			continue
		}
		if n == maxViewerText {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// escapeMarkup quotes text for a reader of HTML-like markup (kdialog's rich
// text, a notification's body, a plist).
func escapeMarkup(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// consentQuestion is what the dialog asks about v, in plain text.
func consentQuestion(v proxy.Viewer) string {
	what := "see and control"
	if v.ViewOnly {
		what = "see"
	}
	q := "Allow " + viewerName(v) + " to " + what + " your desktop?"
	if c := viewerClient(v); c != "" {
		q += " (" + c + ")"
	}
	return q
}

// dialogConsenter asks the person sharing whether a viewer may join, with
// the platform's own dialog program: zenity or kdialog on Linux, osascript
// on macOS, PowerShell on Windows. Its answer is Allow, AllowViewOnly or
// Deny; a dialog that cannot be shown is an error (and a refusal). It
// shows every question it is asked at once: oneAtATime puts them in line.
type dialogConsenter struct{}

// Consent asks about v until ctx is done (then the dialog is closed and
// the answer is Deny).
func (dialogConsenter) Consent(ctx context.Context, v proxy.Viewer) (proxy.Decision, error) {
	cmd, parse, err := platform.consentDialog(ctx, consentQuestion(v), v.ViewOnly)
	if err != nil {
		return proxy.Deny, err
	}
	cmd.WaitDelay = time.Second // a dialog's children must not hold the answer up
	out, err := cmd.Output()
	code := 0
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return proxy.Deny, ctx.Err()
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		return proxy.Deny, errNoDialog
	}
	switch parse(strings.TrimSpace(string(out)), code) {
	case consentAllow:
		return proxy.Allow, nil
	case consentViewOnly:
		return proxy.AllowViewOnly, nil
	}
	return proxy.Deny, nil
}

// maxWaitingQuestions is how many viewers may wait while the person
// sharing answers about another one.
const maxWaitingQuestions = 3

// errAnsweringAnother refuses a viewer while the line of questions is
// full: the person sharing must not face a dialog per WebSocket a client
// opens.
var errAnsweringAnother = errors.New("refused without asking: the person sharing is " +
	"answering about another viewer, and the line of those waiting is full")

// oneAtATime puts the questions to c in line: one asked at a time, in the
// order they came, with at most maxWaitingQuestions waiting; the others
// are refused at once (errAnsweringAnother). A viewer whose ctx is done
// (it left, or its time is up) leaves the line.
func oneAtATime(c consenter) consenter { return &questionLine{asker: c} }

type questionLine struct {
	asker consenter

	mu      sync.Mutex
	asking  bool            // a question is being asked
	waiting []chan struct{} // the turns of those waiting, first first
}

// Consent waits for v's turn, then asks.
func (l *questionLine) Consent(ctx context.Context, v proxy.Viewer) (proxy.Decision, error) {
	if err := l.wait(ctx); errors.Is(err, errAnsweringAnother) {
		return proxy.DenyBusy, err
	} else if err != nil {
		return proxy.Deny, err
	}
	defer l.next()
	return l.asker.Consent(ctx, v)
}

// wait returns when it is the caller's turn to ask (it must call next when
// done), or with the reason it will not come.
func (l *questionLine) wait(ctx context.Context) error {
	l.mu.Lock()
	if !l.asking {
		l.asking = true
		l.mu.Unlock()
		return nil
	}
	if len(l.waiting) >= maxWaitingQuestions {
		l.mu.Unlock()
		return errAnsweringAnother
	}
	turn := make(chan struct{})
	l.waiting = append(l.waiting, turn)
	l.mu.Unlock()
	select {
	case <-turn:
		return nil
	case <-ctx.Done():
	}
	l.mu.Lock()
	for i, t := range l.waiting {
		if t == turn {
			l.waiting = append(l.waiting[:i], l.waiting[i+1:]...)
			l.mu.Unlock()
			return ctx.Err()
		}
	}
	l.mu.Unlock()
	l.next() // the turn came meanwhile: pass it on
	return ctx.Err()
}

// next gives the turn to the first one waiting.
func (l *questionLine) next() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.waiting) == 0 {
		l.asking = false
		return
	}
	close(l.waiting[0])
	l.waiting = l.waiting[1:]
}
