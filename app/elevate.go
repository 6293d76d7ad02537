package app

import (
	"errors"
	"fmt"
	"os"
)

// elevated is the tray's service control: it tries as the user, and when
// that needs more rights, asks for them the platform's way (pkexec on
// Linux, an administrator prompt on macOS, UAC on Windows: see
// platform.elevate) by running `vncbridge service ACTION --system`.
type elevated struct {
	svc   *Service
	paths Paths
}

func (e elevated) Install() error   { return e.try("install", e.svc.Install) }
func (e elevated) Uninstall() error { return e.try("uninstall", e.svc.Uninstall) }
func (e elevated) Start() error     { return e.try("start", e.svc.Start) }
func (e elevated) Stop() error      { return e.try("stop", e.svc.Stop) }
func (e elevated) Status() ServiceState {
	return e.svc.Status()
}

func (e elevated) try(action string, f func() error) error {
	err := f()
	if err == nil || !errors.Is(err, errNeedsRights) {
		return err
	}
	exe, xerr := os.Executable()
	if xerr != nil {
		return err
	}
	if eerr := platform.elevate(exe, []string{"service", action, "--system", "--config-dir", e.paths.Dir}); eerr != nil {
		return fmt.Errorf("%s as administrator: %w", action, eerr)
	}
	return nil
}
