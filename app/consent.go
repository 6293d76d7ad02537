package app

import (
	"context"
	"errors"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"vncbridge/internal/words"
	"vncbridge/proxy"
)

// The answers of the consent question, as every way of asking names them
// to the code (a notification's action keys, the page's form values): the
// buttons' labels are in the sharer's language and never parsed.
const (
	consentAllow    = "allow"
	consentViewOnly = "view-only"
	consentDeny     = "deny"
)

// A consentButton is one answer to the consent question: its id (one of
// the consent constants) and its label in the sharer's language.
type consentButton struct{ id, label string }

// ID and Label are the button's, for the question's page.
func (b consentButton) ID() string    { return b.id }
func (b consentButton) Label() string { return b.label }

// consentButtons are the question's answers in w's language, in the order
// they are shown: Allow, View only (not for a viewer of a view-only link:
// it asks for no more) and Deny.
func consentButtons(w words.Printer, viewOnly bool) []consentButton {
	b := []consentButton{{consentAllow, w.Sprintf("Allow")}, {consentViewOnly, w.Sprintf("View only")}, {consentDeny, w.Sprintf("Deny")}}
	if viewOnly {
		b = slices.Delete(b, 1, 2)
	}
	return b
}

// wordsKey carries the sharer's language in a question's context: the
// consenters are made before the settings are read, and ask in the
// language of the tray that asks.
type wordsKey struct{}

// withWords is ctx asking in w's language.
func withWords(ctx context.Context, w words.Printer) context.Context {
	return context.WithValue(ctx, wordsKey{}, w)
}

// wordsOf is the language ctx asks in: English unless withWords said.
func wordsOf(ctx context.Context) words.Printer {
	w, _ := ctx.Value(wordsKey{}).(words.Printer)
	return w
}

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

// consentQuestion is what the question says about v in w's language, in
// plain text: "192.168.1.20 wants to see and control your desktop
// (Firefox on Android)".
func consentQuestion(w words.Printer, v proxy.Viewer) string {
	who := sentence(viewerName(w, v))
	q := w.Sprintf("%s wants to see and control your desktop", who)
	if v.ViewOnly {
		q = w.Sprintf("%s wants to see your desktop", who)
	}
	if c := viewerClient(w, v); c != "" {
		q += " (" + c + ")"
	}
	return q
}

// askSharer is how the tray asks the person sharing whether a viewer may
// join, one question at a time: in a notification with buttons, else with
// a dialog program, else in a page that open shows in the browser.
func askSharer(open func(url string) error) consenter {
	return oneAtATime(firstThatCanAsk{notificationConsenter{}, dialogConsenter{}, pageConsenter{open: open}})
}

// A cannotAskError says why a way of asking cannot be shown here (no
// notification service with buttons, no dialog program): the next way is
// tried.
type cannotAskError struct{ knownError }

// cannotAsk is a cannotAskError: say is why not, as the catalogue keys it;
// err, when set, is the system's error behind it (for the log).
func cannotAsk(say string, err error) cannotAskError {
	return cannotAskError{knownError{say: say, err: err}}
}

// cannotShow tells whether err says that a question could not be shown.
func cannotShow(err error) bool {
	var c cannotAskError
	return errors.As(err, &c) || errors.Is(err, errNoDialog)
}

// A nothingCanAskError refuses a viewer that no way of asking could ask
// about; why says, for each way, why not.
type nothingCanAskError struct{ why []error }

func (e *nothingCanAskError) Error() string {
	why := make([]string, len(e.why))
	for i, err := range e.why {
		why[i] = err.Error()
	}
	return "nothing here can ask you: " + strings.Join(why, "; ")
}

// firstThatCanAsk asks with the first of its consenters that can show the
// question here; when none can, the viewer is refused with a
// nothingCanAskError.
type firstThatCanAsk []consenter

// Consent asks about v with the first way that can.
func (f firstThatCanAsk) Consent(ctx context.Context, v proxy.Viewer) (proxy.Decision, error) {
	var why []error
	for _, c := range f {
		d, err := c.Consent(ctx, v)
		if !cannotShow(err) {
			return d, err
		}
		why = append(why, err)
	}
	return proxy.Deny, &nothingCanAskError{why}
}

// decision is the decision of an answer's id; anything else is Deny.
func decision(id string) proxy.Decision {
	switch id {
	case consentAllow:
		return proxy.Allow
	case consentViewOnly:
		return proxy.AllowViewOnly
	}
	return proxy.Deny
}

// notificationConsenter asks in a desktop notification with buttons, where
// the platform's notifications have them (freedesktop.org's notification
// service, when it lists "actions"). Closing the notification is Deny.
type notificationConsenter struct{}

// Consent asks about v until ctx is done (then the notification is
// closed).
func (notificationConsenter) Consent(ctx context.Context, v proxy.Viewer) (proxy.Decision, error) {
	if platform.askByNotification == nil {
		return proxy.Deny, cannotAsk("no notifications with buttons on this system", nil)
	}
	w := wordsOf(ctx)
	id, err := platform.askByNotification(ctx, w.Sprintf("A viewer asks to join"), consentQuestion(w, v), consentButtons(w, v.ViewOnly))
	if err != nil {
		return proxy.Deny, err
	}
	return decision(id), nil
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
	w := wordsOf(ctx)
	cmd, parse, err := platform.consentDialog(ctx, w, consentQuestion(w, v), consentButtons(w, v.ViewOnly))
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
	return decision(parse(strings.TrimSpace(string(out)), code)), nil
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

// consent asks the person sharing about v (the shares' Config.Consent),
// and tells them of a viewer refused without their word: when nothing here
// can ask (a notification says why, and the status line says so until a
// question is shown again), and when a question went unanswered.
func (a *trayApp) consent(ctx context.Context, v proxy.Viewer) (proxy.Decision, error) {
	asked := time.Now()
	w := a.words
	ctx = withWords(ctx, w)
	d, err := proxy.Deny, error(&nothingCanAskError{[]error{knownError{say: "no way of asking was set up"}}})
	if a.cfg.consenter != nil {
		d, err = a.cfg.consenter.Consent(ctx, v)
	}
	if d == proxy.DenyBusy { // the line was full: nothing was asked
		return d, err
	}
	host := viewerText(viewerHost(v))
	var nothing *nothingCanAskError
	impossible := errors.As(err, &nothing)
	a.post(func() { a.st.AskImpossible = impossible })
	switch {
	case impossible:
		a.log.Info("nothing here can ask about a viewer", "viewer", host, "err", err)
		a.notify(w.Sprintf("Viewer not let in"), w.Sprintf("%s was not let in: nothing here can ask you: %s", host, reasons(w, nothing.why)))
	case errors.Is(err, context.DeadlineExceeded):
		waited := time.Since(asked)
		if end, ok := ctx.Deadline(); ok {
			waited = end.Sub(asked)
		}
		a.notify(w.Sprintf("Viewer not let in"), w.Sprintf("%s was not let in: no answer in %s s", host, strconv.Itoa(int(waited.Round(time.Second)/time.Second))))
	}
	return d, err
}
