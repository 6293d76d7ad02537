package app

import (
	"context"
	"errors"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/atotto/clipboard"
	"github.com/skratchdot/open-golang/open"
)

// Browser opens URLs and folders with the desktop's default handler
// (xdg-open, open, or the Windows shell).
type Browser struct{}

// Open opens target. A handler that fails at once is an error; one still
// running after a few seconds (a browser it started in the foreground) is
// taken as success.
func (Browser) Open(target string) error {
	done := make(chan error, 1)
	go func() { done <- open.Run(target) }()
	select {
	case err := <-done:
		return err
	case <-time.After(3 * time.Second):
		return nil
	}
}

// SystemClipboard is the desktop's clipboard (xclip, xsel or wl-copy on
// Linux).
type SystemClipboard struct{}

// Copy puts text on the clipboard.
func (SystemClipboard) Copy(text string) error { return clipboard.WriteAll(text) }

// errNoDialog says that the desktop has no dialog program.
var errNoDialog = errors.New("no dialog program (zenity, kdialog, osascript or PowerShell)")

// DialogPrompter asks with the platform's own dialog program: zenity or
// kdialog on Linux, osascript on macOS, PowerShell on Windows.
type DialogPrompter struct{}

// Ask shows the dialog; ok is false when the user cancelled.
func (DialogPrompter) Ask(ctx context.Context, title, prompt, value string) (string, bool, error) {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		script := `display dialog ` + appleString(prompt) + ` default answer ` + appleString(value) +
			` with title ` + appleString(title) + ` 
text returned of result`
		cmd = exec.CommandContext(ctx, "osascript", "-e", script)
	case "windows":
		ps := `Add-Type -AssemblyName Microsoft.VisualBasic; [Microsoft.VisualBasic.Interaction]::InputBox($env:VB_PROMPT, $env:VB_TITLE, $env:VB_VALUE)`
		cmd = exec.CommandContext(ctx, "powershell", "-NoProfile", "-NonInteractive", "-Command", ps)
		cmd.Env = append(cmd.Environ(), "VB_PROMPT="+prompt, "VB_TITLE="+title, "VB_VALUE="+value)
		hideConsole(cmd)
	default:
		if p, err := exec.LookPath("zenity"); err == nil {
			cmd = exec.CommandContext(ctx, p, "--entry", "--title", title, "--text", prompt, "--entry-text", value)
		} else if p, err := exec.LookPath("kdialog"); err == nil {
			cmd = exec.CommandContext(ctx, p, "--title", title, "--inputbox", prompt, value)
		} else {
			return "", false, errNoDialog
		}
	}
	out, err := cmd.Output()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return "", false, nil // cancelled
	case err != nil:
		return "", false, errNoDialog
	}
	answer := strings.TrimRight(string(out), "\r\n")
	if runtime.GOOS == "windows" && answer == "" {
		return "", false, nil // InputBox answers "" for Cancel
	}
	return answer, true, nil
}

// appleString quotes s for AppleScript.
func appleString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// DesktopNotifier shows notifications: through the freedesktop D-Bus
// service on Linux, osascript on macOS; Windows has none here (the tray's
// tooltip says it all).
type DesktopNotifier struct{}

// Notify shows title and body.
func (DesktopNotifier) Notify(title, body string) error {
	switch runtime.GOOS {
	case "darwin":
		return exec.Command("osascript", "-e", "display notification "+appleString(body)+" with title "+appleString(title)).Run()
	case "windows":
		return errors.New("no notifications on Windows")
	}
	conn, err := dbus.SessionBus()
	if err != nil {
		return err
	}
	obj := conn.Object("org.freedesktop.Notifications", "/org/freedesktop/Notifications")
	return obj.Call("org.freedesktop.Notifications.Notify", 0, "vncbridge", uint32(0), "vncbridge",
		title, body, []string{}, map[string]dbus.Variant{}, int32(-1)).Err
}
