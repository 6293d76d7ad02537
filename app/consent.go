package app

import (
	"context"
	"errors"
	"net"
	"os/exec"
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
	cmd, parse, err := platform.consentDialog(ctx, consentQuestion(v), v.ViewOnly)
	if err != nil {
		return proxy.Deny, err
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
