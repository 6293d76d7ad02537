package app

import "fmt"

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
	a.copyToClipboard("Share link", a.st.Settings.shareURL(), "Send it to the viewer; it carries the secret token. "+a.certificateHint())
}

// copyViewOnlyLink is Copy view-only link.
func (a *trayApp) copyViewOnlyLink() {
	a.copyToClipboard("View-only link", a.st.Settings.viewOnlyURL(), "Its viewers see the desktop and cannot touch it. "+a.certificateHint())
}

// copyToClipboard copies a link and says so; where the clipboard does not
// take it, the notification shows the link itself.
func (a *trayApp) copyToClipboard(what, link, hint string) {
	if a.cfg.clipboard == nil {
		a.notify(what, link)
		return
	}
	if err := a.cfg.clipboard.Copy(link); err != nil {
		a.log.Warn("clipboard", "err", err)
		a.notify(what+" (the clipboard did not take it)", link)
		return
	}
	a.notify(what+" copied", hint)
}

// askPort is Listen port ▸ Other…: a value that is not a port asks again,
// with what was typed and why it was refused.
func (a *trayApp) askPort() { a.askPortAgain(fmt.Sprint(a.st.Settings.Port), "") }

func (a *trayApp) askPortAgain(value, why string) {
	a.ask("Listen port", withWhy(why, "Port for the browser to connect to (1–65535):"), value, func(v string) {
		p, err := ParsePort(v)
		if err != nil {
			a.askPortAgain(v, err.Error())
			return
		}
		a.setPort(p)
	})
}

// askTarget is Target VNC server ▸ Other…, asking again as askPort does.
func (a *trayApp) askTarget() { a.askTargetAgain(a.st.Settings.Target, "") }

func (a *trayApp) askTargetAgain(value, why string) {
	a.ask("Target VNC server", withWhy(why, "VNC server to share (host:port, :display or a port):"), value, func(v string) {
		t, err := ParseTarget(v)
		if err != nil {
			a.askTargetAgain(v, err.Error())
			return
		}
		a.setTarget(t)
	})
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
		a.tell("Start at login is not available here")
		return
	}
	if err := a.cfg.autostart.SetEnabled(!a.st.StartAtLogin); err != nil {
		a.tell("Start at login: " + err.Error())
		return
	}
	a.st.StartAtLogin = a.cfg.autostart.Enabled()
}

// certificateHint prepares the person sharing for what the viewer meets
// first: a browser that warns about the share's own certificate.
func (a *trayApp) certificateHint() string {
	h := "Their browser will warn that the connection is not private: the certificate is this computer's own, not a public one. They choose Advanced, then Proceed"
	if a.st.Fingerprint != "" {
		h += ", once the fingerprint their page shows is " + a.st.Fingerprint
	}
	return h + "."
}
