package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"runtime"
	"strings"
)

// elevated is the tray's service control: it tries as the user, and when
// that needs more rights, asks for them the platform's way (pkexec on
// Linux, an administrator prompt on macOS, UAC on Windows) by running
// `vncbridge service ACTION --system` elevated.
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
	if err == nil || !needsRights(err) {
		return err
	}
	exe, xerr := os.Executable()
	if xerr != nil {
		return err
	}
	args := []string{"service", action, "--system", "--config-dir", e.paths.Dir}
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "linux":
		pk, lerr := exec.LookPath("pkexec")
		if lerr != nil {
			return fmt.Errorf("%w (pkexec is not installed to ask for the password)", err)
		}
		cmd = exec.Command(pk, append([]string{exe}, args...)...)
	case "darwin":
		line := shellQuote(exe)
		for _, a := range args {
			line += " " + shellQuote(a)
		}
		cmd = exec.Command("osascript", "-e", "do shell script "+appleString(line)+" with administrator privileges")
	case "windows":
		return runElevatedWindows(exe, args)
	default:
		return err
	}
	out, rerr := cmd.CombinedOutput()
	if rerr != nil {
		return fmt.Errorf("%s as administrator: %v %s", action, rerr, strings.TrimSpace(string(out)))
	}
	return nil
}

func needsRights(err error) bool {
	msg := err.Error()
	return errors.Is(err, fs.ErrPermission) || strings.Contains(msg, "administrator rights") ||
		strings.Contains(msg, "Access is denied")
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
