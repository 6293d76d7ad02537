package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/pflag"

	"vncbridge/app"
	"vncbridge/assets"
	"vncbridge/internal/words"
)

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

// Exit codes of `vncbridge service status` (those of LSB init scripts).
const (
	exitRunning      = 0
	exitStopped      = 3
	exitNotInstalled = 4
)

// runService runs `vncbridge service ARGS` and returns the exit status.
func runService(args []string, stdout, stderr io.Writer) int {
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
	paths, err := app.PathsFor(*configDir)
	if err != nil {
		fmt.Fprintf(stderr, "vncbridge service: %s\n", app.Reason(words.For(words.System()...), err))
		return 1
	}
	w := app.Speaking(paths, "")
	asUser := os.Geteuid() != 0 && !*system || *user // Geteuid is -1 on Windows
	log, closeLog, err := newLog(logSpec{}, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "vncbridge service: %s\n", app.Reason(w, err))
		return 1
	}
	defer closeLog()
	svc, err := app.NewService(paths, assets.Web(), log, asUser)
	if err != nil {
		fmt.Fprintf(stderr, "vncbridge service: %s\n", app.Reason(w, err))
		return 1
	}
	// The lines a person reads, in the tray's language; the kind of
	// service is named in full in each, as languages inflect it.
	say := serviceWords(svc.User())
	do := func(what, done string, f func() error) int {
		err := f()
		switch {
		case errors.Is(err, app.ErrNotInstalled):
			fmt.Fprintf(stderr, "vncbridge service %s: %s\n", what, w.Sprintf(say.noneToAct))
			return exitNotInstalled
		case err != nil:
			log.Debug("service "+what, "err", err)
			fmt.Fprintf(stderr, "vncbridge service %s: %s\n", what, app.Reason(w, err))
			return 1
		}
		fmt.Fprintf(stdout, "vncbridge: %s\n", w.Sprintf(done, w.Sprintf(say.it), svc.System()))
		return 0
	}
	switch cmd {
	case "install":
		if code := do("install", "%s is installed (%s)", svc.Install); code != 0 {
			return code
		}
		fmt.Fprintln(stdout, w.Sprintf("It shares with the settings in %s; start it with: vncbridge service start", paths.SettingsFile()))
		return 0
	case "uninstall":
		return do("uninstall", "%s was removed (%s)", svc.Uninstall)
	case "start":
		return do("start", "%s was started (%s)", svc.Start)
	case "stop":
		return do("stop", "%s was stopped (%s)", svc.Stop)
	case "status":
		st := svc.Status()
		switch {
		case st.Err != "":
			fmt.Fprintf(stdout, "vncbridge: %s\n", w.Sprintf("%s is installed; its state is unknown: %s", w.Sprintf(say.it), st.Err))
			return exitNotInstalled
		case !st.Installed:
			fmt.Fprintf(stdout, "vncbridge: %s\n", w.Sprintf(say.none))
			return exitNotInstalled
		case st.Running:
			fmt.Fprintf(stdout, "vncbridge: %s\n", w.Sprintf("%s is running (%s)", w.Sprintf(say.it), svc.System()))
			return exitRunning
		}
		fmt.Fprintf(stdout, "vncbridge: %s\n", w.Sprintf("%s is stopped (%s)", w.Sprintf(say.it), svc.System()))
		return exitStopped
	case "run":
		if err := svc.Run(); err != nil {
			fmt.Fprintf(stderr, "vncbridge service run: %s\n", app.Reason(w, err))
			return 1
		}
		return 0
	}
	return usageErr("unknown command %q", cmd)
}

// serviceWords are the words of the lines of `vncbridge service` about a
// system service or a user service (as the catalogue keys them).
type serviceWordsOf struct {
	it        string // "the user service"
	none      string // status: there is none
	noneToAct string // start, stop, uninstall: there is none, and what to do
}

func serviceWords(user bool) serviceWordsOf {
	if user {
		return serviceWordsOf{"the user service", "no user service installed",
			"no user service is installed; install it with: vncbridge service install"}
	}
	return serviceWordsOf{"the system service", "no system service installed",
		"no system service is installed; install it with: vncbridge service install"}
}
