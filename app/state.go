package app

import (
	"fmt"

	"vncbridge/assets/icons"
)

// state is everything the tray shows. The event loop owns the one value;
// the menu, the tooltip and the icon are rendered from it.
type state struct {
	Settings settings
	Sharing  bool // the proxy runs in this process
	Viewers  int  // open sessions of that proxy (and of those being drained)
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
	Version         string
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
	case st.Sharing && st.TargetDown != "":
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
	s := st.Settings
	where := "at " + s.baseURL()
	if s.AllowRemote {
		where = "on the network at " + s.networkURL()
	}
	switch {
	case st.Err != "":
		return st.Err
	case st.Sharing && st.TargetDown != "":
		return fmt.Sprintf("Sharing %s — %s", where, st.TargetDown)
	case st.Sharing:
		return fmt.Sprintf("Sharing %s %s — %s", s.Target, where, viewers(st.Viewers))
	case st.serviceRunning():
		s = st.serviceSettings()
		return fmt.Sprintf("Sharing %s at %s (background service)", s.Target, s.baseURL())
	}
	return "Stopped"
}

// serviceSettings are the settings the running service shares with.
func (st state) serviceSettings() settings {
	if st.ServiceSettings != nil {
		return *st.ServiceSettings
	}
	return st.Settings
}
