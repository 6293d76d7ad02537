package app

import (
	"errors"
	"fmt"
	"os"
)

// The installed service, seen from the tray: looked at in the background,
// and started, stopped, installed or removed from the menu.

// lookAtServiceLater looks at the service in the background: at what can be
// seen of it without the service manager (serviceSign), and, when force is
// set or that changed since the last look (or cannot be had), at the
// service manager, which may run a program such as systemctl. The event
// loop does none of this I/O.
func (a *trayApp) lookAtServiceLater(force bool) {
	if a.cfg.service == nil {
		return
	}
	port, sharing, seen := a.st.Settings.Port, a.st.Sharing, a.serviceSeen
	go func() {
		sign, ok := serviceSign(a.cfg.serviceFiles, port, sharing)
		if !force && ok && sign == seen {
			return
		}
		v := a.lookAtService(sign)
		a.post(func() { a.setService(v) })
	}()
}

// A serviceView is what one look at the service found.
type serviceView struct {
	st ServiceState
	// settings are the service's own, when it was installed with another
	// settings directory.
	settings *settings
	sign     string // serviceSign's at the look
}

// lookAtService asks the service manager, and reads the service's settings
// when they are not the tray's; off the event loop, but at start.
func (a *trayApp) lookAtService(sign string) serviceView {
	v := serviceView{st: a.cfg.service.Status(), sign: sign}
	if dir := v.st.ConfigDir; dir != "" && !sameDir(dir, a.cfg.paths.Dir) {
		if s, err := peekSettings(dir); err == nil {
			v.settings = &s
		} else {
			a.log.Debug("the service's settings", "dir", dir, "err", err)
		}
	}
	return v
}

// setService takes what a look at the service found.
func (a *trayApp) setService(v serviceView) {
	a.st.Service, a.st.ServiceSettings, a.serviceSeen = v.st, v.settings, v.sign
}

// serviceSign is the cheap view of the service: its definition files, and
// whether something listens on the sharing port while this tray does not
// share. ok is false where the system does not tell which ports listen.
func serviceSign(files []string, port int, sharing bool) (sign string, ok bool) {
	ports, known := platform.listeningPorts()
	if !known {
		return "", false
	}
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil {
			sign += fmt.Sprintf("%s@%d/%d;", f, fi.ModTime().UnixNano(), fi.Size())
		}
	}
	sign += fmt.Sprintf("port %d listening: %v", port, ports[port] && !sharing)
	return sign, true
}

// serviceFailures say a service action failed, by the action's name.
var serviceFailures = map[string]string{
	"install":   "The service could not install: %s",
	"uninstall": "The service could not uninstall: %s",
	"start":     "The service could not start: %s",
	"stop":      "The service could not stop: %s",
}

// serviceDo runs a service action in the background (it may ask for a
// password) and shows the outcome.
func (a *trayApp) serviceDo(what string, do func(serviceControl) error) {
	svc := a.cfg.service
	if svc == nil {
		a.fail(a.st.Words.Sprintf("No service manager on this system"))
		return
	}
	if what == "start" {
		a.stopSharing() // the service takes the port
	}
	port, sharing := a.st.Settings.Port, a.st.Sharing
	go func() {
		err := do(svc)
		sign, _ := serviceSign(a.cfg.serviceFiles, port, sharing)
		v := a.lookAtService(sign)
		a.post(func() {
			a.setService(v)
			switch {
			case errors.Is(err, ErrNotInstalled):
				a.tell(a.st.Words.Sprintf("The service is not installed: choose Run in background ▸ Install as service"))
			case errors.Is(err, errAlreadyInstalled):
				a.tell(a.st.Words.Sprintf("The service is already installed"))
			case err != nil:
				if f, ok := serviceFailures[what]; ok {
					a.tell(a.st.Words.Sprintf(f, a.reasonOf(err)))
				} else {
					a.tell(fmt.Sprintf("The service could not %s: %v", what, err))
				}
			default:
				a.log.Info("service "+what, "installed", a.st.Service.Installed, "running", a.st.Service.Running)
			}
		})
	}()
}
