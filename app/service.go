package app

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/kardianos/service"
)

// serviceName is the service's name for the service manager.
const serviceName = "vncbridge"

// The service's refusals, for errors.Is.
var (
	// ErrNotInstalled: there is no vncbridge service to act on.
	ErrNotInstalled = errors.New("not installed")
	// errAlreadyInstalled: Install found one.
	errAlreadyInstalled error = &knownError{say: "already installed"}
	// errNeedsRights: the service manager wants root or an administrator.
	errNeedsRights error = &knownError{say: "this needs administrator rights"}
)

// Service is the vncbridge service, through the platform's service manager
// (systemd, launchd, the Windows service manager, SysV init…). The service
// runs `vncbridge service run --config-dir DIR`: the same settings file as
// the tray, headless.
type Service struct {
	svc  service.Service
	prog *serviceProgram
	user bool
}

// NewService returns the service for the settings in paths. A user service
// (systemd --user, a LaunchAgent) is used when user is true and the
// platform has them; otherwise a system service, which needs root or an
// administrator.
func NewService(paths Paths, web fs.FS, log *slog.Logger, user bool) (*Service, error) {
	user = user && platform.userServices
	cfg := &service.Config{
		Name:         serviceName,
		DisplayName:  "vncbridge",
		Description:  "Shares this computer's VNC desktop with web browsers (vncbridge).",
		Arguments:    []string{"service", "run", "--config-dir", paths.Dir},
		Option:       service.KeyValue{"UserService": user},
		Dependencies: platform.serviceDependencies(user),
	}
	prog := &serviceProgram{paths: paths, web: web, log: log}
	s, err := service.New(prog, cfg)
	if err != nil {
		return nil, err
	}
	return &Service{svc: s, prog: prog, user: user}, nil
}

// System names the service manager: "linux-systemd", "unix-systemv", "darwin-launchd", "windows-service".
func (s *Service) System() string { return s.svc.Platform() }

// User tells whether this is a user service (else a system one).
func (s *Service) User() bool { return s.user }

// Install registers the service (it starts at boot) without starting it.
func (s *Service) Install() error {
	if st := s.Status(); st.Installed {
		return errAlreadyInstalled
	}
	if err := s.svc.Install(); err != nil {
		// Roll back what the failed install left (a unit file, a script),
		// so that the tray does not offer to start a broken service.
		if s.Status().Installed {
			s.svc.Uninstall()
			if s.svc.Platform() == "unix-systemv" {
				removeSysVLeftovers()
			}
		}
		return fmt.Errorf("nothing was installed: %w", explain(err))
	}
	if s.svc.Platform() == "unix-systemv" {
		return nameSysVScript("/etc/init.d/" + serviceName)
	}
	return nil
}

// provides is the LSB header line naming what an init script provides.
var provides = regexp.MustCompile(`(?m)^# Provides:( *).*$`)

// nameSysVScript makes the SysV script's LSB header say that it provides
// the service's name: the service library writes the program's path there,
// which init tools take as a facility name.
func nameSysVScript(file string) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	fixed := provides.ReplaceAll(b, []byte("# Provides:${1}"+serviceName))
	return os.WriteFile(file, fixed, 0o755)
}

// Uninstall stops the service if it runs and removes everything Install
// made.
func (s *Service) Uninstall() error {
	if st := s.Status(); !st.Installed {
		return ErrNotInstalled
	} else if st.Running {
		if err := s.svc.Stop(); err != nil {
			return explain(err)
		}
	}
	if err := s.svc.Uninstall(); err != nil {
		return explain(err)
	}
	if s.svc.Platform() == "unix-systemv" {
		removeSysVLeftovers()
	}
	return nil
}

// Start starts the installed service.
func (s *Service) Start() error { return s.act(s.svc.Start) }

// Stop stops it.
func (s *Service) Stop() error { return s.act(s.svc.Stop) }

// act runs start or stop on an installed service: with none, the error says
// so instead of the service manager's exit status.
func (s *Service) act(f func() error) error {
	if st := s.Status(); !st.Installed {
		return ErrNotInstalled
	}
	return explain(f())
}

// Status asks the service manager.
func (s *Service) Status() ServiceState {
	st, err := s.svc.Status()
	switch {
	case errors.Is(err, service.ErrNotInstalled):
		return ServiceState{}
	case s.svc.Platform() == "unix-systemv" && !exists("/etc/init.d/"+serviceName):
		return ServiceState{}
	case s.svc.Platform() == "unix-systemv" && err != nil:
		return ServiceState{Installed: true} // its script's status exits 1 when stopped
	case err != nil:
		return ServiceState{Installed: true, Err: err.Error(), ConfigDir: installedConfigDir()}
	}
	return ServiceState{Installed: true, Running: st == service.StatusRunning, ConfigDir: installedConfigDir()}
}

// configDirArg finds the --config-dir argument in a service definition: a
// systemd unit's ExecStart, a SysV script's command, a launchd plist's
// ProgramArguments.
var configDirArg = regexp.MustCompile(`--config-dir(?:</string>)?["'\s]*(?:<string>)?([^"'<\s]+)`)

// installedConfigDir is the settings' directory in the installed service's
// definition, "" when none is found.
func installedConfigDir() string {
	for _, f := range platform.serviceFiles() {
		if b, err := os.ReadFile(f); err == nil {
			if m := configDirArg.FindSubmatch(b); m != nil {
				return string(m[1])
			}
		}
	}
	return ""
}

// sameDir tells whether two paths name one directory.
func sameDir(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	ia, err1 := os.Stat(a)
	ib, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(ia, ib)
}

// Run runs the service's program under the service manager (or in the
// foreground when started from a terminal), until it is told to stop.
func (s *Service) Run() error { return runService(s) }

// removeSysVLeftovers removes what SysV installs leave besides the script:
// the runlevel links and the logs.
func removeSysVLeftovers() {
	links, _ := filepath.Glob("/etc/rc[0-6S].d/[SK][0-9][0-9]" + serviceName)
	for _, l := range links {
		os.Remove(l)
	}
	os.Remove("/var/log/" + serviceName + ".log")
	os.Remove("/var/log/" + serviceName + ".err")
	os.Remove("/var/run/" + serviceName + ".pid")
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// explain words a service manager's refusal for a user: a refusal for lack
// of rights becomes errNeedsRights with the way to get them. The service
// library reports some refusals only as text (a program's output), which is
// why the words are read here, once.
func explain(err error) error {
	if err == nil {
		return nil
	}
	msg := strings.ToLower(err.Error())
	if errors.Is(err, fs.ErrPermission) || strings.Contains(msg, "access is denied") ||
		strings.Contains(msg, "permission denied") || strings.Contains(msg, "access denied") {
		return fmt.Errorf("%w: %w; %s", err, errNeedsRights, platform.adminHint)
	}
	return err
}
