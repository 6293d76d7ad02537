package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"vncbridge/app"
	"vncbridge/assets"
	"vncbridge/internal/words"
)

const trayUsage = `Usage: vncbridge [--headless] [--config-dir DIR] [-v] [SETTINGS]

The tray application: share this computer's VNC desktop from the menu of
its icon. Without a tray (or with --headless) it shares at once with the
saved settings and prints the address. The settings given here are saved,
as the menu's choices are.
`

// runTray runs `vncbridge [flags]`, the tray application, and returns the
// exit status: 0, 1 when it cannot share (headless) or fails, 2 for a
// usage error.
func runTray(args []string, stdout, stderr io.Writer) int {
	flags := pflag.NewFlagSet("vncbridge", pflag.ContinueOnError)
	flags.SetOutput(io.Discard)
	headless := flags.Bool("headless", false, "no tray icon: share with the saved settings and print the address")
	configDir := flags.String("config-dir", "", "`directory` of the settings and the log (default: the user's config directory)")
	verbose := flags.BoolP("verbose", "v", false, "log more")
	port := flags.String("port", "", "listen on this `port`")
	target := flags.String("target", "", "share this VNC `server`: host:port, :display, a port on this computer, or desktop:x11vnc, desktop:x0vncserver or desktop:wayvnc (this desktop, served by that program), or desktop:x11vnc:DP-1 (one monitor of it, by its name: xrandr --listactivemonitors)")
	record := flags.Bool("record", false, "record every session into the recordings folder (--record=false: stop)")
	remote := flags.Bool("allow-remote", false, "let other computers connect, with TLS and a secret link (--allow-remote=false: stop)")
	tailnetOn := flags.Bool("tailnet", false, "share on your tailnet too, through an embedded Tailscale node (--tailnet=false: stop)")
	funnel := flags.Bool("funnel", false, "while sharing on your tailnet, share on the internet too, through Tailscale Funnel: a public link with the secret token (--funnel=false: stop)")
	tailnetHost := flags.String("tailnet-hostname", "", "the node's `name` on the tailnet (default: vncbridge- and this computer's short host name)")
	tailnetControl := flags.String("tailnet-control-url", "", "the tailnet's coordination server `URL` (default: Tailscale's; a Headscale server works too)")
	tailnetKeyFile := flags.String("tailnet-authkey-file", "", "log the tailnet node in with the Tailscale auth key in `FILE` (default: $TS_AUTHKEY, else the login page)")
	lang := flags.String("language", "", "speak this `language` in the tray this run (de, ja, ru, zh…; default: the \"language\" setting, else the system's)")
	help := flags.BoolP("help", "h", false, "this help")
	usage := func(w io.Writer) {
		fmt.Fprint(w, trayUsage+"\nOptions:\n")
		flags.SetOutput(w)
		flags.PrintDefaults()
		flags.SetOutput(io.Discard)
		fmt.Fprintln(w, "\nvncbridge --help lists the other commands (proxy, service).")
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "vncbridge: "+format+"\n\n", a...)
		usage(stderr)
		return 2
	}
	if err := flags.Parse(args); err != nil {
		return usageErr("%v", err)
	}
	if *help {
		usage(stdout)
		return 0
	}
	if flags.NArg() > 0 {
		return usageErr("unexpected argument %q", flags.Arg(0))
	}
	opt := app.Options{Version: version, Web: assets.Web(), Out: stdout, Headless: *headless, Language: *lang}
	if flags.Changed("language") {
		if _, err := words.Lookup(*lang); err != nil {
			return usageErr("--language: %v", err)
		}
	}
	if *port != "" {
		p, err := app.ParsePort(*port)
		if err != nil {
			return usageErr("--port: %v", err)
		}
		opt.Port = p
	}
	if *target != "" {
		if _, err := app.ParseTarget(*target); err != nil {
			return usageErr("--target: %v", err)
		}
		opt.Target = *target
	}
	if flags.Changed("record") {
		opt.Record = record
	}
	if flags.Changed("allow-remote") {
		opt.AllowRemote = remote
	}
	if flags.Changed("tailnet") {
		opt.Tailnet = tailnetOn
	}
	if flags.Changed("funnel") {
		opt.Funnel = funnel
	}
	opt.TailnetHostname, opt.TailnetControlURL = *tailnetHost, *tailnetControl
	key, err := tailnetAuthKey(*tailnetKeyFile)
	if err != nil {
		return usageErr("--tailnet-authkey-file: %v", err)
	}
	opt.TailnetAuthKey = key
	paths, err := app.PathsFor(*configDir)
	if err != nil {
		fmt.Fprintf(stderr, "vncbridge: %s\n", app.Reason(words.For(words.System()...), err))
		return 1
	}
	w := app.Speaking(paths, *lang) // for the lines printed here
	opt.Paths = paths
	if *configDir != "" {
		opt.LoginArgs = []string{"--config-dir", paths.Dir}
	}
	log, closeLog, err := newLog(logSpec{verbose: *verbose, rotatedFile: filepath.Clean(paths.LogFile())}, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "vncbridge: %s\n", w.Sprintf("the log cannot be opened: %s", app.Reason(w, err)))
		return 1
	}
	defer closeLog()
	opt.Log = log
	err = app.Run(opt)
	switch {
	case errors.Is(err, app.ErrAlreadyRunning):
		fmt.Fprintln(stdout, "vncbridge:", app.Reason(w, err))
		var ignored []string
		for _, name := range []string{"port", "target", "record", "allow-remote", "headless", "language", "tailnet", "funnel", "tailnet-hostname", "tailnet-control-url"} {
			if flags.Changed(name) {
				ignored = append(ignored, "--"+name)
			}
		}
		if len(ignored) > 0 {
			fmt.Fprintln(stdout, "vncbridge:", w.Sprintf("%s not applied: the running vncbridge keeps its settings; change them in its menu, or quit it first",
				strings.Join(ignored, ", ")))
		}
		return 0
	case err != nil && *headless:
		// The log has it already (a warning); the person reads it plainly,
		// as the headless mode's other lines.
		fmt.Fprintln(stderr, "vncbridge:", err)
		return 1
	case err != nil:
		log.Error(err.Error())
		return 1
	}
	return 0
}

// tailnetAuthKey reads a Tailscale auth key from file, else TS_AUTHKEY; ""
// when neither gives one (the node then asks for a login).
func tailnetAuthKey(file string) (string, error) {
	if file == "" {
		return strings.TrimSpace(os.Getenv("TS_AUTHKEY")), nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	key := strings.TrimSpace(string(b))
	if key == "" {
		return "", fmt.Errorf("%s is empty", file)
	}
	return key, nil
}
