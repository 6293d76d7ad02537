package app

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"vncbridge/internal/words"
)

// What the menu's items do, run on the event loop (menu.go builds the items).

// startSharingOrService is Start sharing: the installed service's if there
// is one, this process's proxy otherwise.
func (a *trayApp) startSharingOrService() {
	if a.st.Service.Installed && !a.st.serviceRunning() {
		a.serviceDo("start", serviceControl.Start)
		return
	}
	a.startSharing()
}

// stopSharingOrService is Stop sharing.
func (a *trayApp) stopSharingOrService() {
	if a.st.serviceRunning() {
		a.serviceDo("stop", serviceControl.Stop)
		return
	}
	a.stopSharing()
	a.st.Err = ""
}

// openViewer is Open in browser: it starts sharing if needed.
func (a *trayApp) openViewer() {
	if !a.st.Sharing && !a.st.serviceRunning() {
		a.startSharing()
		if !a.st.Sharing {
			return
		}
	}
	if a.st.serviceRunning() {
		a.open(a.st.serviceSettings().localURL())
		return
	}
	a.open(a.st.Settings.localURL())
}

// copyLink is Copy share link.
func (a *trayApp) copyLink() {
	w := a.st.Words
	a.copyToClipboard(w.Sprintf("Share link"), w.Sprintf("Share link copied"), a.st.Settings.shareURL(),
		w.Sprintf("Send it to the viewer; it carries the secret token.")+" "+a.certificateHint())
}

// copyViewOnlyLink is Copy view-only link.
func (a *trayApp) copyViewOnlyLink() {
	w := a.st.Words
	a.copyToClipboard(w.Sprintf("View-only link"), w.Sprintf("View-only link copied"), a.st.Settings.viewOnlyURL(),
		w.Sprintf("Its viewers see the desktop and cannot touch it.")+" "+a.certificateHint())
}

// copyToClipboard copies a link and says so (copied, with hint); where the
// clipboard does not take it, the notification (titled what) shows the
// link itself.
func (a *trayApp) copyToClipboard(what, copied, link, hint string) {
	if a.cfg.clipboard == nil {
		a.notify(what, link)
		return
	}
	if err := a.cfg.clipboard.Copy(link); err != nil {
		a.log.Warn("clipboard", "err", err)
		a.notify(a.st.Words.Sprintf("%s (the clipboard did not take it)", what), link)
		return
	}
	a.notify(copied, hint)
}

// askPort is Listen port ▸ Other….
func (a *trayApp) askPort() {
	w := a.st.Words
	askUntilValid(a, w.Sprintf("Listen port"), w.Sprintf("Port for the browser to connect to (1–65535):"), fmt.Sprint(a.st.Settings.Port), ParsePort, a.setPort)
}

// askTarget is Target VNC server ▸ Other….
func (a *trayApp) askTarget() {
	w := a.st.Words
	askUntilValid(a, w.Sprintf("Target VNC server"), w.Sprintf("VNC server to share (host:port, :display or a port):"), targetInput(a.st.Settings.Target), ParseTarget, a.setTarget)
}

// askUntilValid asks for a value until parse takes it, then gives it to
// then; a value refused asks again, with what was typed and why. Cancel
// ends it.
func askUntilValid[T any](a *trayApp, title, prompt, value string, parse func(string) (T, error), then func(T)) {
	var again func(value, why string)
	again = func(value, why string) {
		a.ask(title, withWhy(why, prompt), value, func(v string) {
			x, err := parse(v)
			if err != nil {
				again(v, refusal(a.st.Words, v, err))
				return
			}
			then(x)
		})
	}
	again(value, "")
}

// refusal says in w's language why the value v typed in a dialog or a
// page was refused by err.
func refusal(w words.Printer, v string, err error) string {
	v = strconv.Quote(strings.TrimSpace(v))
	switch {
	case errors.Is(err, errBadPort):
		return w.Sprintf("%s is not a port between 1 and 65535", v)
	case errors.Is(err, errBadTarget):
		return w.Sprintf("%s is not a VNC server address", v)
	case errors.Is(err, errBadTailnetName):
		return w.Sprintf("%s is not a name on a tailnet: letters, digits and -, at most 63", v)
	}
	return err.Error()
}

// withWhy puts the reason a value was refused before a prompt.
func withWhy(why, prompt string) string {
	if why == "" {
		return prompt
	}
	return sentence(why) + ".\n" + prompt
}

func (a *trayApp) setPort(p int) { a.update(func(s *settings) { s.Port = p }) }

func (a *trayApp) setTarget(t string) { a.update(func(s *settings) { *s = s.withTarget(t) }) }

// toggleRemote is Allow other computers, on or off while sharing too: new
// secrets either way, so a link given out before never works again (and
// its browsers' cookies with it).
func (a *trayApp) toggleRemote() {
	a.update(func(s *settings) {
		s.AllowRemote = !s.AllowRemote
		s.mintTokens(true)
	})
}

// toggleLogin is Start at login.
func (a *trayApp) toggleLogin() {
	if a.cfg.autostart == nil {
		a.tell(a.st.Words.Sprintf("Start at login is not available here"))
		return
	}
	if err := a.cfg.autostart.SetEnabled(!a.st.StartAtLogin); err != nil {
		a.tell(a.st.Words.Sprintf("Start at login: %s", a.reasonOf(err)))
		return
	}
	a.st.StartAtLogin = a.cfg.autostart.Enabled()
}

// certificateHint prepares the person sharing for what the viewer meets
// first: a browser that warns about the share's own certificate.
func (a *trayApp) certificateHint() string {
	if a.st.Fingerprint != "" {
		return a.st.Words.Sprintf("Their browser will warn that the connection is not private: the certificate is this computer's own, not a public one. They choose Advanced, then Proceed, once the fingerprint their page shows is %s.", a.st.Fingerprint)
	}
	return a.st.Words.Sprintf("Their browser will warn that the connection is not private: the certificate is this computer's own, not a public one. They choose Advanced, then Proceed.")
}
