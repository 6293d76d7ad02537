package app

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"vncbridge/internal/words"
)

// platform: macOS (launchd, AppleScript).
var platform = desktop{
	userServices:        true,
	serviceDependencies: func(bool) []string { return nil },
	adminHint:           "run it as root: sudo vncbridge service …",
	isRoot:              func() bool { return os.Geteuid() == 0 },
	elevate:             darwinElevate,
	dialog:              darwinDialog,
	consentDialog:       darwinConsentDialog,
	notify: func(title, body string) error {
		return exec.Command("osascript", "-e", "display notification "+appleString(body)+" with title "+appleString(title)).Run()
	},
	trayHost:       func() error { return nil }, // the menu bar is always there
	listeningPorts: func() (map[int]bool, bool) { return nil, false },
	watchMenus:     func(func()) error { return nil }, // the tray library reports menu opens
	serviceFiles: func() []string {
		files := []string{"/Library/LaunchDaemons/" + serviceName + ".plist"}
		if home, err := os.UserHomeDir(); err == nil {
			files = append(files, filepath.Join(home, "Library", "LaunchAgents", serviceName+".plist"))
		}
		return files
	},
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// darwinElevate asks for an administrator with AppleScript.
func darwinElevate(exe string, args []string) error {
	line := shellQuote(exe)
	for _, a := range args {
		line += " " + shellQuote(a)
	}
	out, err := exec.Command("osascript", "-e", "do shell script "+appleString(line)+" with administrator privileges").CombinedOutput()
	if err != nil {
		return fmt.Errorf("%w %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}

func darwinDialog(ctx context.Context, title, prompt, value string) (*exec.Cmd, error) {
	script := `display dialog ` + appleString(prompt) + ` default answer ` + appleString(value) +
		` with title ` + appleString(title) + `
text returned of result`
	return exec.CommandContext(ctx, "osascript", "-e", script), nil
}

// darwinConsentDialog is AppleScript's dialog, with a button per answer.
func darwinConsentDialog(ctx context.Context, _ words.Printer, q string, buttons []consentButton) (*exec.Cmd, func(string, int) string, error) {
	// AppleScript shows the buttons right to left: Deny, View only, Allow.
	var labels []string
	for i := len(buttons) - 1; i >= 0; i-- {
		labels = append(labels, appleString(buttons[i].label))
	}
	allow, deny := buttons[0], buttons[len(buttons)-1]
	script := `display dialog ` + appleString(q) + ` buttons {` + strings.Join(labels, ", ") + `}` +
		` default button ` + appleString(allow.label) + ` cancel button ` + appleString(deny.label) + ` with title "vncbridge"
button returned of result`
	// The label returned is one of the labels given just now: its button's
	// id is the answer. Cancel (Deny) prints nothing and fails.
	return exec.CommandContext(ctx, "osascript", "-e", script), func(out string, _ int) string {
		for _, b := range buttons {
			if b.label == out {
				return b.id
			}
		}
		return consentDeny
	}, nil
}

// loginFile is the LaunchAgent.
func loginFile() (string, error) {
	home, err := os.UserHomeDir()
	return filepath.Join(home, "Library", "LaunchAgents", "net.vncbridge.tray.plist"), err
}

// Enabled tells whether the LaunchAgent is there.
func (l loginItem) Enabled() bool { return fileEnabled(loginFile) }

// SetEnabled writes or removes the LaunchAgent.
func (l loginItem) SetEnabled(on bool) error { return l.setFile(loginFile, on, launchAgent) }

// launchAgent is the LaunchAgent that starts exe with args at login.
func launchAgent(exe string, args []string) string {
	list := "<string>" + escapeMarkup(exe) + "</string>"
	for _, a := range args {
		list += "<string>" + escapeMarkup(a) + "</string>"
	}
	return fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>Label</key><string>net.vncbridge.tray</string>
	<key>ProgramArguments</key><array>%s</array>
	<key>RunAtLoad</key><true/>
	<key>ProcessType</key><string>Interactive</string>
</dict>
</plist>
`, list)
}
