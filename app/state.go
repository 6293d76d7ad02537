package app

import "fmt"

// State is everything the tray shows. The event loop owns the one value;
// the menu, the tooltip and the icon are rendered from it.
type State struct {
	Settings     Settings
	Sharing      bool // the proxy runs in this process
	Viewers      int  // open sessions of that proxy
	Err          string
	Found        []FoundServer // VNC servers on this computer
	Service      ServiceState
	StartAtLogin bool
	Version      string
}

// ServiceState is what the service manager says of the vncbridge service.
type ServiceState struct {
	Installed bool
	Running   bool
	Err       string // why it cannot be queried or controlled
}

// Icon is the icon's state: idle, sharing or error.
type Icon int

// The icons.
const (
	IconIdle Icon = iota
	IconSharing
	IconError
)

func (st State) serviceRunning() bool { return st.Service.Installed && st.Service.Running }

// Icon returns the icon for st.
func (st State) Icon() Icon {
	switch {
	case st.Err != "":
		return IconError
	case st.Sharing || st.serviceRunning():
		return IconSharing
	}
	return IconIdle
}

// Status is the status line and the tooltip: "Sharing localhost:5900 at
// http://localhost:6080 — 2 viewers", "Stopped", or the error.
func (st State) Status() string {
	s := st.Settings
	switch {
	case st.Err != "":
		return st.Err
	case st.Sharing:
		return fmt.Sprintf("Sharing %s at %s — %s", s.Target, s.baseURL(), viewers(st.Viewers))
	case st.serviceRunning():
		return fmt.Sprintf("Sharing %s at %s (background service)", s.Target, s.baseURL())
	}
	return "Stopped"
}
