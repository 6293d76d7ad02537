package app

import (
	"net"

	"vncbridge/app/localvnc"
	"vncbridge/assets/icons"
	"vncbridge/internal/words"
	"vncbridge/proxy"
)

// state is everything the tray shows. The event loop owns the one value;
// the menu, the tooltip and the icon are rendered from it.
type state struct {
	Settings settings
	Sharing  bool // the proxy runs in this process
	// Watching are the open sessions of that proxy (and of those being
	// drained): who watches.
	Watching []watcher
	Err      string
	// TargetDown says why the shared VNC server does not answer ("no VNC
	// server answers at localhost:5900"); "" while it answers.
	TargetDown string
	Found      []foundServer // VNC servers on this computer
	Service    ServiceState
	// ServiceSettings are the running service's settings, when they are
	// not the tray's (a service installed with another --config-dir).
	ServiceSettings *settings
	StartAtLogin    bool
	// NoServiceManager: this system has none vncbridge can use.
	NoServiceManager bool
	Version          string
	// Desktop is what can serve this desktop when no VNC server runs.
	Desktop desktopState
	// LocalNote says that the desktop's VNC server stopped and restarts,
	// or gave up; "" while it runs.
	LocalNote string
	// ErrAdvice is what to do about Err, when sharing this desktop failed
	// for want of a program to serve it.
	ErrAdvice *localvnc.Advice
	// Fingerprint is the share's certificate's, in short form, while it is
	// open to other computers.
	Fingerprint string
	// RecordingStopped says why recording stopped while sharing goes on
	// ("recording stopped: disk full").
	RecordingStopped string
	// AskImpossible: the last viewer to ask before joining was refused,
	// for nothing here could ask the person sharing.
	AskImpossible bool
	// Tailnet is the share on the tailnet, when its setting is on.
	Tailnet tailnetState
	// Words is the language the tray speaks (the zero Printer: English).
	Words words.Printer
	// Offered are the files the share offers to every viewer (offers.go).
	Offered []proxy.OfferedFile
	// Receiving are the files on their way from viewers, with the bytes
	// come so far (files.go).
	Receiving []receivingFile
}

// askImpossible is what the status line says while AskImpossible.
const askImpossible = "asking before a viewer joins is impossible here, so every viewer is refused"

// desktopState is what localvnc.Find said: the program that serves this
// desktop (OK), or what the person can do instead.
type desktopState struct {
	Prog   localvnc.Program
	OK     bool
	Advice localvnc.Advice
	// Monitors are the desktop's monitors (X11: RandR's, Wayland: the
	// compositor's outputs); nil when unknown.
	Monitors []localvnc.Monitor
}

// findDesktopState asks find which program serves this desktop, and
// monitors which monitors it has.
func findDesktopState(find desktopFinder, monitors monitorLister) desktopState {
	var d desktopState
	d.Prog, d.OK, d.Advice = find()
	if d.OK {
		d.Monitors, _ = monitors() // none known: all of them, as before
	}
	return d
}

// helpAdvice is what the help page says: the status's advice, or else
// what to do on this system to have a VNC server, when vncbridge cannot
// start one; nil when there is nothing to say.
func (st state) helpAdvice() *localvnc.Advice {
	if adv := st.advice(); adv != nil {
		return adv
	}
	if !st.Desktop.OK && st.Desktop.Advice.Summary != "" {
		return &st.Desktop.Advice
	}
	return nil
}

// advice is what to do to have a VNC server, when the status says there
// is none and vncbridge cannot start one; nil otherwise.
func (st state) advice() *localvnc.Advice {
	if st.Err != "" {
		if st.ErrAdvice != nil && st.Err == sentence(st.ErrAdvice.Summary) {
			return st.ErrAdvice
		}
		return nil
	}
	host, _, err := net.SplitHostPort(st.Settings.Target)
	if st.Sharing && st.TargetDown != "" && !st.Desktop.OK && st.Desktop.Advice.Summary != "" && err == nil && isLocalHost(host) {
		return &st.Desktop.Advice
	}
	return nil
}

// ServiceState is what the service manager says of the vncbridge service.
type ServiceState struct {
	Installed bool
	Running   bool
	Err       string // why it cannot be queried or controlled
	// ConfigDir is the settings' directory the service was installed with
	// ("" when unknown).
	ConfigDir string
}

func (st state) serviceRunning() bool { return st.Service.Installed && st.Service.Running }

// icon returns the tray icon's state for st.
func (st state) icon() icons.State {
	switch {
	case st.Err != "":
		return icons.Error
	case st.Sharing && (st.TargetDown != "" || st.LocalNote != "" || st.AskImpossible && st.Settings.askToJoin(true)):
		return icons.Warning
	case st.Sharing && st.Settings.AllowRemote:
		return icons.Network
	case st.Sharing || st.serviceRunning():
		return icons.Sharing
	}
	return icons.Idle
}

// status is the status line and the tooltip: "Sharing localhost:5900 at
// http://localhost:6080 — 2 viewers", "Sharing localhost:5900 on the
// network at https://192.168.1.20:6080 — no viewers", "Sharing at
// http://localhost:6080 — no VNC server answers at localhost:5900",
// "Stopped", or the error.
func (st state) status() string {
	s, w := st.Settings, st.Words
	where := w.Sprintf("at %s", s.baseURL())
	if s.AllowRemote {
		where = w.Sprintf("on the network at %s", s.networkURL())
	}
	switch {
	case st.Err != "":
		return st.Err
	// The share listens, and nothing behind it answers: never "Sharing".
	case st.Sharing && st.LocalNote != "":
		return w.Sprintf("Nothing to share %s — %s", where, st.LocalNote)
	case st.Sharing && st.TargetDown != "":
		if adv := st.advice(); adv != nil {
			return w.Sprintf("Nothing to share %s — %s", where, adviceIn(w, *adv).Summary)
		}
		if _, desktop := desktopProgram(s.Target); st.Desktop.OK && !desktop {
			return w.Sprintf("Nothing to share %s — %s; choose %s in Target VNC server", where, st.TargetDown, programLabel(w, st.Desktop.Prog))
		}
		return w.Sprintf("Nothing to share %s — %s", where, st.TargetDown)
	case st.Sharing && st.AskImpossible && s.askToJoin(true):
		return w.Sprintf("Sharing %s %s — %s — %s", targetLabel(w, s.Target), where, viewers(w, len(st.Watching)), w.Sprintf(askImpossible))
	case st.Sharing && st.RecordingStopped != "":
		return w.Sprintf("Sharing %s %s — %s — %s", targetLabel(w, s.Target), where, viewers(w, len(st.Watching)), st.RecordingStopped)
	case st.Sharing:
		return w.Sprintf("Sharing %s %s — %s", targetLabel(w, s.Target), where, viewers(w, len(st.Watching)))
	case st.serviceRunning():
		s = st.serviceSettings()
		return w.Sprintf("Sharing %s at %s (background service)", targetLabel(w, s.Target), s.baseURL())
	}
	return w.Sprintf("Stopped")
}

// serviceSettings are the settings the running service shares with.
func (st state) serviceSettings() settings {
	if st.ServiceSettings != nil {
		return *st.ServiceSettings
	}
	return st.Settings
}
