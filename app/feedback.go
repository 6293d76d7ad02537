package app

import (
	"errors"
	"net/url"
	"os/exec"
	"strings"
	"unicode"
	"unicode/utf8"
)

// How the app speaks to the person: the status line for what is true now,
// notifications for one-off failures, dialogs for questions.

// fail shows err in the status line (as a sentence: "Port 6080 is in use")
// and the log.
func (a *trayApp) fail(err string) {
	a.st.Err = sentence(err)
	a.log.Warn(a.st.Err)
}

// tell says a one-off failure (a browser that did not open, a refused
// choice) in a notification, and leaves the status line to the state.
// Where no notification can be shown, the status line says it after all.
func (a *trayApp) tell(msg string) {
	msg = sentence(msg)
	a.log.Warn(msg)
	if a.cfg.notifier == nil {
		a.st.Err = msg
		return
	}
	if err := a.cfg.notifier.Notify("vncbridge", msg); err != nil {
		a.log.Debug("notification", "err", err)
		a.st.Err = msg
	}
}

// A replacingNotifier can show a notification in the place of the last one
// of the same key (desktopNotifier).
type replacingNotifier interface {
	NotifyReplacing(key, title, body string) error
}

// notifyReplacing shows a notification in the place of the last one
// shown under key, where the notifier can; else as notify does.
func (a *trayApp) notifyReplacing(key, title, body string) {
	r, ok := a.cfg.notifier.(replacingNotifier)
	if !ok {
		a.notify(title, body)
		return
	}
	if err := r.NotifyReplacing(key, title, body); err != nil {
		a.log.Debug("notification", "err", err)
	}
}

// notify shows a notification, where the desktop can.
func (a *trayApp) notify(title, body string) {
	if a.cfg.notifier != nil {
		if err := a.cfg.notifier.Notify(title, body); err != nil {
			a.log.Debug("notification", "err", err)
		}
	}
}

// sentence starts s with a capital letter, for the status line and the
// page (errors are in lower case).
func sentence(s string) string {
	if r, size := utf8.DecodeRuneInString(s); size > 0 {
		return string(unicode.ToUpper(r)) + s[size:]
	}
	return s
}

// open opens a URL in the browser or a folder in the file manager; a
// failure says what to do instead. An address may hold a secret, so it is
// never shown in a notification (which the viewers may see on the shared
// screen): it goes on the clipboard.
func (a *trayApp) open(target string) {
	isURL := strings.Contains(target, "://")
	what := "the folder"
	if isURL {
		what = "the browser"
	}
	w := a.st.Words
	var err error
	if a.cfg.opener == nil {
		err = exec.ErrNotFound
	} else if err = a.cfg.opener.Open(target); err == nil {
		return
	}
	a.log.Warn("open", "what", what, "err", err)
	var exit *exec.ExitError
	failed := w.Sprintf("The folder could not be opened")
	notFound := errors.Is(err, exec.ErrNotFound) || errors.As(err, &exit) && exit.ExitCode() == 3
	switch {
	case isURL && notFound:
		failed = w.Sprintf("No program to open the browser was found")
	case isURL:
		failed = w.Sprintf("The browser could not be opened")
	case notFound:
		failed = w.Sprintf("No program to open the folder was found")
	}
	switch {
	case !isURL:
		a.tell(w.Sprintf("%s: open %s yourself", failed, target))
	case a.cfg.clipboard != nil && a.cfg.clipboard.Copy(target) == nil:
		a.tell(w.Sprintf("%s: its address is on the clipboard; paste it into a browser", failed))
	default:
		u, _ := url.Parse(target)
		a.tell(w.Sprintf("%s: open %s in a browser, then Open in browser from the vncbridge menu", failed, u.Scheme+"://"+u.Host))
	}
}

// ask asks with a native dialog in the background (the menu stays live), or
// opens the settings page when there is none. The dialog closes when the
// app ends.
func (a *trayApp) ask(title, prompt, value string, then func(string)) {
	if a.cfg.prompter == nil {
		a.openPage("")
		return
	}
	a.background(func() {
		v, ok, err := a.cfg.prompter.Ask(a.life, title, prompt, value)
		a.post(func() {
			switch {
			case err != nil:
				a.log.Debug("no dialog; opening the settings page", "err", err)
				a.openPage("")
			case ok:
				then(v)
			}
		})
	})
}
