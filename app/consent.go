package app

import (
	"context"
	"errors"
	"net"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"vncbridge/proxy"
)

// The answers of the consent dialog, as its buttons say them.
const (
	consentAllow    = "Allow"
	consentViewOnly = "Allow view only"
	consentDeny     = "Deny"
)

// viewerHost is a viewer's address without its port: "192.168.1.20".
func viewerHost(v proxy.Viewer) string {
	if h, _, err := net.SplitHostPort(v.Address); err == nil {
		return h
	}
	return v.Address
}

// consentQuestion is what the dialog asks about v.
func consentQuestion(v proxy.Viewer) string {
	what := "see and control"
	if v.ViewOnly {
		what = "see"
	}
	q := "Allow " + viewerHost(v) + " to " + what + " your desktop?"
	if v.Browser != "" && v.Browser != "unknown" {
		q += " (" + v.Browser + ")"
	}
	return q
}

// dialogConsenter asks the person sharing whether a viewer may join, with
// the platform's own dialog program: zenity or kdialog on Linux, osascript
// on macOS, PowerShell on Windows. Its answer is Allow, AllowViewOnly or
// Deny; a dialog that cannot be shown is an error (and a refusal).
type dialogConsenter struct{}

// Consent asks about v until ctx is done (then the dialog is closed and
// the answer is Deny).
func (dialogConsenter) Consent(ctx context.Context, v proxy.Viewer) (proxy.Decision, error) {
	q := consentQuestion(v)
	var cmd *exec.Cmd
	// parse turns the program's end into an answer.
	var parse func(out string, code int) string
	switch runtime.GOOS {
	case "darwin":
		buttons := `{"Deny", "Allow view only", "Allow"}`
		if v.ViewOnly {
			buttons = `{"Deny", "Allow"}`
		}
		script := `display dialog ` + appleString(q) + ` buttons ` + buttons +
			` default button "Allow" cancel button "Deny" with title "vncbridge"
button returned of result`
		cmd = exec.CommandContext(ctx, "osascript", "-e", script)
		parse = func(out string, code int) string { return out }
	case "windows":
		ps := `Add-Type -AssemblyName System.Windows.Forms; ` +
			`[System.Windows.Forms.MessageBox]::Show($env:VB_PROMPT, 'vncbridge', $env:VB_BUTTONS)`
		cmd = exec.CommandContext(ctx, "powershell", "-NoProfile", "-NonInteractive", "-Command", ps)
		prompt, buttons := q+"\n\nYes: allow. No: allow view only. Cancel: deny.", "YesNoCancel"
		if v.ViewOnly {
			prompt, buttons = q, "YesNo"
		}
		cmd.Env = append(cmd.Environ(), "VB_PROMPT="+prompt, "VB_BUTTONS="+buttons)
		hideConsole(cmd)
		parse = func(out string, code int) string {
			return map[string]string{"Yes": consentAllow, "No": consentViewOnly}[out]
		}
	default:
		if p, err := exec.LookPath("zenity"); err == nil {
			args := []string{"--question", "--title", "vncbridge", "--text", q, "--ok-label", consentAllow,
				"--cancel-label", consentDeny}
			if !v.ViewOnly {
				args = append(args, "--extra-button", consentViewOnly)
			}
			cmd = exec.CommandContext(ctx, p, args...)
			// OK exits 0; Cancel 1; the extra button 1 and prints its label.
			parse = func(out string, code int) string {
				if code == 0 {
					return consentAllow
				}
				return out
			}
		} else if p, err := exec.LookPath("kdialog"); err == nil {
			if v.ViewOnly {
				cmd = exec.CommandContext(ctx, p, "--title", "vncbridge", "--yesno", q,
					"--yes-label", consentAllow, "--no-label", consentDeny)
			} else {
				cmd = exec.CommandContext(ctx, p, "--title", "vncbridge", "--yesnocancel", q,
					"--yes-label", consentAllow, "--no-label", consentViewOnly, "--cancel-label", consentDeny)
			}
			// Yes exits 0, No 1, Cancel 2.
			parse = func(out string, code int) string {
				switch {
				case code == 0:
					return consentAllow
				case code == 1 && !v.ViewOnly:
					return consentViewOnly
				}
				return consentDeny
			}
		} else {
			return proxy.Deny, errNoDialog
		}
	}
	cmd.WaitDelay = time.Second // a dialog's children must not hold the answer up
	out, err := cmd.Output()
	code := 0
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return proxy.Deny, ctx.Err()
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		return proxy.Deny, errNoDialog
	}
	switch parse(strings.TrimSpace(string(out)), code) {
	case consentAllow:
		return proxy.Allow, nil
	case consentViewOnly:
		return proxy.AllowViewOnly, nil
	}
	return proxy.Deny, nil
}
