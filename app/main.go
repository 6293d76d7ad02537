package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"

	"github.com/spf13/pflag"
)

// Main runs the tray application (vncbridge with no arguments, or with
// --headless) and returns the exit status. It must run on the main
// goroutine.
func Main(args []string, version string, web fs.FS, trayIcons func(Icon) ([]byte, []byte), stdout, stderr io.Writer) int {
	flags := pflag.NewFlagSet("vncbridge", pflag.ContinueOnError)
	flags.SetOutput(stderr)
	headless := flags.Bool("headless", false, "no tray icon: share with the saved settings and print the address")
	configDir := flags.String("config-dir", "", "`directory` of the settings (default: the user's config directory)")
	verbose := flags.BoolP("verbose", "v", false, "log more")
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "vncbridge: "+format+"\n\nUsage: vncbridge [--headless] [--config-dir DIR] [-v]\n", a...)
		flags.PrintDefaults()
		fmt.Fprintln(stderr, "\nvncbridge --help lists the other commands (proxy, service).")
		return 2
	}
	flags.Usage = func() {}
	if err := flags.Parse(args); err != nil {
		return usageErr("%v", err)
	}
	if flags.NArg() > 0 {
		return usageErr("unexpected argument %q", flags.Arg(0))
	}
	paths, err := pathsFor(*configDir)
	if err != nil {
		fmt.Fprintf(stderr, "vncbridge: %v\n", err)
		return 1
	}
	log, closeLog := trayLogger(paths, stderr, *verbose)
	defer closeLog()

	opt := Options{
		Paths: paths, Version: version, Web: web, Log: log, TrayIcons: trayIcons,
		Opener: Browser{}, Clipboard: SystemClipboard{}, Prompter: DialogPrompter{},
		Notifier: DesktopNotifier{}, Autostart: LoginItem{}, Headless: *headless,
	}
	if svc, err := NewService(paths, web, log, !isRoot()); err == nil {
		opt.Service = elevated{svc: svc, paths: paths}
	} else {
		log.Warn("no service manager", "err", err)
	}
	if !opt.Headless {
		if ok, why := trayHost(); !ok {
			log.Warn("running without a tray icon: " + why)
			opt.Notifier.Notify("vncbridge runs without a tray icon", why+". It shares with the saved settings; see the log for the address.")
			opt.Headless = true
		}
	}
	a := New(opt)
	inst, err := Claim(paths, a.OpenBrowser)
	if errors.Is(err, ErrAlreadyRunning) {
		fmt.Fprintln(stdout, "vncbridge:", err)
		return 0
	}
	if err != nil {
		log.Warn("cannot watch for a second launch", "err", err)
	} else {
		defer inst.Release()
	}
	go func() { // Ctrl-C or a logout: stop sharing cleanly
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
		<-sig
		a.Quit()
	}()
	if opt.Headless {
		err = a.Run(context.Background())
	} else {
		err = runTray(a)
	}
	if err != nil {
		log.Error(err.Error())
		return 1
	}
	return 0
}

func pathsFor(configDir string) (Paths, error) {
	if configDir == "" {
		return DefaultPaths()
	}
	dir, err := filepath.Abs(configDir)
	if err != nil {
		return Paths{}, err
	}
	return Paths{Dir: dir, Recordings: filepath.Join(dir, "recordings")}, nil
}

// trayLogger logs to stderr and to vncbridge.log in the config directory
// (a tray started from a menu has no terminal).
func trayLogger(p Paths, stderr io.Writer, verbose bool) (*slog.Logger, func()) {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	if verbose {
		opts.Level = slog.LevelDebug
	}
	handlers := []slog.Handler{slog.NewTextHandler(stderr, opts)}
	closeLog := func() {}
	if err := os.MkdirAll(p.Dir, 0o700); err == nil {
		if f, err := os.Create(filepath.Join(p.Dir, "vncbridge.log")); err == nil {
			handlers = append(handlers, slog.NewTextHandler(f, opts))
			closeLog = func() { f.Close() }
		}
	}
	return slog.New(slog.NewMultiHandler(handlers...)), closeLog
}

func isRoot() bool { return runtime.GOOS != "windows" && os.Geteuid() == 0 }

const serviceUsage = `Usage: vncbridge service COMMAND [--user | --system] [--config-dir DIR]

Runs vncbridge in the background, with nobody logged in, sharing with the
settings the tray saved.

Commands:
  install     register the service (it starts at boot, or at login for --user)
  uninstall   stop and remove it
  start       start it
  stop        stop it
  status      say whether it is installed and running (exit 0 running,
              3 stopped, 4 not installed)
  run         what the service manager runs: share until stopped

Options:
  --user        a service of this user (systemd --user, a LaunchAgent);
                the default when not run as root; not on Windows
  --system      a system service (root or an administrator);
                the default as root and on Windows
  --config-dir  the settings' directory (default: this user's)
`

// ServiceMain runs `vncbridge service ARGS` and returns the exit status.
func ServiceMain(args []string, web fs.FS, stdout, stderr io.Writer) int {
	flags := pflag.NewFlagSet("vncbridge service", pflag.ContinueOnError)
	flags.SetOutput(io.Discard)
	user := flags.Bool("user", false, "")
	system := flags.Bool("system", false, "")
	configDir := flags.String("config-dir", "", "")
	help := flags.BoolP("help", "h", false, "")
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "vncbridge service: "+format+"\n\n%s", append(a, serviceUsage)...)
		return 2
	}
	if err := flags.Parse(args); err != nil {
		return usageErr("%v", err)
	}
	if *help {
		fmt.Fprint(stdout, serviceUsage)
		return 0
	}
	if flags.NArg() != 1 {
		return usageErr("name one command")
	}
	if *user && *system {
		return usageErr("--user and --system exclude each other")
	}
	cmd := flags.Arg(0)
	paths, err := pathsFor(*configDir)
	if err != nil {
		fmt.Fprintf(stderr, "vncbridge service: %v\n", err)
		return 1
	}
	asUser := !isRoot() && !*system || *user
	log := slog.New(slog.NewTextHandler(stderr, nil))
	svc, err := NewService(paths, web, log, asUser)
	if err != nil {
		fmt.Fprintf(stderr, "vncbridge service: %v\n", err)
		return 1
	}
	kind := "system"
	if svc.user {
		kind = "user"
	}
	do := func(what, done string, f func() error) int {
		if err := f(); err != nil {
			fmt.Fprintf(stderr, "vncbridge service %s: %v\n", what, err)
			return 1
		}
		fmt.Fprintf(stdout, "vncbridge: %s service %s (%s)\n", kind, done, svc.System())
		return 0
	}
	switch cmd {
	case "install":
		if code := do("install", "installed", svc.Install); code != 0 {
			return code
		}
		fmt.Fprintf(stdout, "It shares with the settings in %s; start it with: vncbridge service start\n", paths.SettingsFile())
		return 0
	case "uninstall":
		return do("uninstall", "uninstalled", svc.Uninstall)
	case "start":
		return do("start", "started", svc.Start)
	case "stop":
		return do("stop", "stopped", svc.Stop)
	case "status":
		st := svc.Status()
		switch {
		case st.Err != "":
			fmt.Fprintf(stdout, "vncbridge: %s service installed; its state is unknown: %s\n", kind, st.Err)
			return 4
		case !st.Installed:
			fmt.Fprintf(stdout, "vncbridge: no %s service installed\n", kind)
			return 4
		case st.Running:
			fmt.Fprintf(stdout, "vncbridge: %s service running (%s)\n", kind, svc.System())
			return 0
		}
		fmt.Fprintf(stdout, "vncbridge: %s service stopped (%s)\n", kind, svc.System())
		return 3
	case "run":
		if err := svc.Run(); err != nil {
			fmt.Fprintf(stderr, "vncbridge service run: %v\n", err)
			return 1
		}
		return 0
	}
	return usageErr("unknown command %q", cmd)
}
