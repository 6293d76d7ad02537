package app

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"
)

// Run is the event loop; it returns when the user quits or ctx is done, with
// sharing stopped and everything the app started ended. A headless run that
// cannot share returns the reason.
func (a *trayApp) Run(ctx context.Context) error {
	defer context.AfterFunc(ctx, a.end)()
	defer a.shutdown()
	if a.cfg.service != nil { // what the service does decides whether this tray shares
		sign, _ := serviceSign(a.cfg.serviceFiles, a.st.Settings.Port, false)
		a.setService(a.lookAtService(sign))
	}
	if a.cfg.headless {
		return a.runHeadless()
	}
	a.removeOfferCopies() // a tray that did not stop left them
	if a.cfg.changes != nil {
		a.update(a.cfg.changes)
	}
	a.startLook(true)
	if a.st.Settings.ShareOnStart {
		a.startSharing()
	}
	return a.loop()
}

// runHeadless shares at once, once a look has found what there is to
// share (the first line names it), and prints the address. The command
// line's settings are saved only once they share: a busy port is not kept.
func (a *trayApp) runHeadless() error {
	save := false
	if a.cfg.changes != nil {
		s := a.st.Settings
		a.cfg.changes(&s)
		if err := s.validate(); err != nil {
			return errors.New(sentence(a.reasonOf(err)))
		}
		// A target given is chosen; without one, a first run's is still a
		// guess that the look may replace.
		a.firstRun = a.firstRun && s.Target == a.st.Settings.Target
		a.st.Settings, save = s, true
	}
	a.lookNow()
	if a.st.Settings.needsTokens() {
		a.st.Settings.mintTokens(false)
		save = save || !a.firstRun // a first run saves with its first change
	}
	a.startSharing()
	if !a.st.Sharing {
		if a.st.Err == "" {
			return errors.New(a.st.Words.Sprintf("sharing did not start (see the log)"))
		}
		return errors.New(a.st.Err)
	}
	if save {
		if err := saveSettings(a.cfg.paths, a.st.Settings); err != nil {
			a.log.Warn("the settings could not be saved", "err", err)
		}
	}
	fmt.Fprintln(a.cfg.out, a.st.Words.Sprintf("vncbridge: sharing %s; open %s", targetLabel(a.st.Words, a.st.Settings.Target), a.st.Settings.localURL()))
	return a.loop()
}

// loop runs the events until the app ends.
func (a *trayApp) loop() error {
	a.render()
	tick := time.NewTicker(a.cfg.every)
	defer tick.Stop()
	for {
		select {
		case <-a.life.Done():
			return nil
		case f := <-a.events:
			a.handle(f)
			if a.stopped {
				return nil
			}
		case <-a.wake:
			a.countViewers()
		case <-tick.C:
			// This computer's servers only (other hosts when the menu
			// opens, and the target while sharing), and the service, which
			// may change behind the tray.
			a.startLook(false)
			a.lookAtServiceLater(false)
		}
		a.render()
	}
}

// shutdown ends the app's lifetime (its dialogs, looks and children), then
// stops sharing and closes the local pages.
func (a *trayApp) shutdown() {
	a.end()
	a.stopSharing()
	a.workers.Wait()
	if a.page != nil {
		a.page.close()
	}
	if a.recPage != nil {
		a.recPage.Close()
	}
	if o, ok := a.cfg.opener.(redirectOpener); ok {
		o.removeRedirects()
	}
}

// post runs f on the event loop; once the app's lifetime ended, f is
// dropped.
func (a *trayApp) post(f func()) {
	select {
	case a.events <- f:
	case <-a.life.Done():
	}
}

// onLoop runs f on the event loop and returns what it gives, for code off
// the loop (a page's handler); ok is false when the app ended, or ctx did,
// before f ran.
func onLoop[T any](a *trayApp, ctx context.Context, f func() T) (v T, ok bool) {
	ch := make(chan T, 1)
	a.post(func() { ch <- f() })
	select {
	case v = <-ch:
		return v, true
	case <-a.life.Done():
	case <-ctx.Done():
	}
	return v, false
}

// background runs f beside the event loop; shutdown waits for it, so f
// ends soon after the app's lifetime does.
func (a *trayApp) background(f func()) { a.workers.Go(f) }

// do is a menu item's action: f run on the event loop.
func (a *trayApp) do(f func()) func() { return func() { a.post(f) } }

// handle runs one event; a bug in it is logged and shown, and the tray
// goes on.
func (a *trayApp) handle(f func()) {
	defer func() {
		if r := recover(); r != nil {
			a.log.Error("internal error", "panic", r, "stack", string(debug.Stack()))
			a.st.Err = a.st.Words.Sprintf("Internal error (see vncbridge.log)")
		}
	}()
	f()
}

// render shows the state; the tray skips what did not change. Without a
// tray (headless), a status that changed is printed, with the advice's
// steps when it has some.
func (a *trayApp) render() {
	if a.tray != nil {
		a.tray.Show(a.st.icon(), "vncbridge: "+a.st.status(), a.menu(a.st))
		return
	}
	if st := a.st.status(); st != a.shown && (a.st.Sharing || a.st.Err != "") {
		a.shown = st
		fmt.Fprintf(a.cfg.out, "vncbridge: %s\n", st)
		if adv := a.st.advice(); adv != nil {
			steps := adv.Steps
			if adv != a.st.ErrAdvice { // the desktop's advice is in English
				steps = adviceIn(a.st.Words, *adv).Steps
			}
			for _, step := range steps {
				fmt.Fprintf(a.cfg.out, "  %s\n", step)
			}
		}
	}
}

// menuOpened asks for a fresh look for VNC servers and at the service;
// safe from any goroutine. Panels say it several times for one opening
// (once per submenu): one look a second is enough.
func (a *trayApp) menuOpened() {
	a.post(func() {
		if time.Since(a.lastLook) < time.Second {
			return
		}
		a.lastLook = time.Now()
		a.startLook(true)
		a.lookAtServiceLater(true)
	})
}

// openBrowser opens the viewer (a second launch asks for this); safe from
// any goroutine.
func (a *trayApp) openBrowser() { a.post(a.openViewer) }

// Quit stops sharing and ends Run; safe from any goroutine.
func (a *trayApp) Quit() { a.post(a.quitNow) }

// quitNow ends Run after this event, saying how many viewers that
// disconnects.
func (a *trayApp) quitNow() {
	a.stopped = true
	if n := len(a.st.Watching); n > 0 {
		a.tell(a.st.Words.Sprintf("%d viewers were disconnected when vncbridge quit", n))
	}
}
