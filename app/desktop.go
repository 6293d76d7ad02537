package app

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	atclip "github.com/atotto/clipboard"
	"github.com/skratchdot/open-golang/open"

	"vncbridge/internal/words"
)

// desktop is what differs between the platform families. Each family's
// file sets platform: desktop_freedesktop.go (Linux and the BSDs),
// desktop_darwin.go (macOS) and desktop_windows.go; the login item
// (loginItem's Enabled and SetEnabled) sits beside it in the same file.
type desktop struct {
	// userServices: the service manager has per-user services.
	userServices bool
	// serviceDependencies are the service's ordering lines, if any.
	serviceDependencies func(user bool) []string
	// adminHint says how to run a service command with the rights it needs.
	adminHint string
	// isRoot: this process is the administrator.
	isRoot func() bool
	// elevate runs exe with args as the administrator, asking the user.
	elevate func(exe string, args []string) error
	// dialog is the command that asks for one line of text (its output);
	// errNoDialog when there is none.
	dialog func(ctx context.Context, title, prompt, value string) (*exec.Cmd, error)
	// emptyIsCancel: the dialog answers "" for Cancel.
	emptyIsCancel bool
	// consentDialog is the command that asks question (may a viewer join?)
	// in w's language with buttons (consentButtons: Allow, View only unless
	// the viewer asks for no more, Deny); parse turns its output and exit
	// code into the id of the button. errNoDialog when there is none.
	consentDialog func(ctx context.Context, w words.Printer, question string, buttons []consentButton) (cmd *exec.Cmd, parse func(out string, code int) string, err error)
	// askByNotification asks question in a notification titled title with
	// buttons until ctx is done, and returns the id of the button clicked;
	// a cannotAskError where the desktop's notifications have no buttons.
	// nil where the platform has none.
	askByNotification func(ctx context.Context, title, question string, buttons []consentButton) (answer string, err error)
	// notify shows a notification.
	notify func(title, body string) error
	// notifyReplacing shows a notification in the place of the one it
	// returned before as replaces (0: none), and returns its own; nil
	// where notifications are not replaced.
	notifyReplacing func(title, body string, replaces uint32) (uint32, error)
	// trayHost tells why a tray cannot show the icon; nil when it can.
	trayHost func() error
	// listeningPorts reads the listening TCP ports without connecting;
	// known is false where the system does not tell.
	listeningPorts func() (ports map[int]bool, known bool)
	// serviceFiles are where the service manager keeps the service's
	// definition: a change there is a reason to ask it again.
	serviceFiles func() []string
	// watchMenus calls opened each time a menu of the tray is about to
	// show, where the tray library does not say so itself; it returns
	// when the watch cannot start.
	watchMenus func(opened func()) error
}

// loginItem is "Start at login" for the tray: an XDG autostart entry, a
// LaunchAgent, or the Run key on Windows. It starts exe with args (the
// tray's --config-dir).
type loginItem struct {
	exe  string // empty: this program
	args []string
}

func (l loginItem) program() (string, error) {
	if l.exe != "" {
		return l.exe, nil
	}
	return os.Executable()
}

// fileEnabled tells whether a login item kept as a file (an XDG autostart
// entry, a LaunchAgent) is there.
func fileEnabled(path func() (string, error)) bool {
	f, err := path()
	if err != nil {
		return false
	}
	_, err = os.Stat(f)
	return err == nil
}

// setFile writes such a login item, with the contents body gives for the
// program and its arguments, or removes it.
func (l loginItem) setFile(path func() (string, error), on bool, body func(exe string, args []string) string) error {
	f, err := path()
	if err != nil {
		return err
	}
	if !on {
		if err := os.Remove(f); err != nil && !os.IsNotExist(err) {
			return err
		}
		return nil
	}
	exe, err := l.program()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
		return err
	}
	return os.WriteFile(f, []byte(body(exe, l.args)), 0o644)
}

// browser opens URLs and folders with the desktop's default handler
// (xdg-open, open, or the Windows shell).
type browser struct{}

// Open opens target. A handler that fails at once is an error; one still
// running after a few seconds (a browser it started in the foreground) is
// taken as success.
func (browser) Open(target string) error {
	done := make(chan error, 1)
	go func() { done <- open.Run(target) }()
	select {
	case err := <-done:
		return err
	case <-time.After(3 * time.Second):
		return nil
	}
}

// systemClipboard is the desktop's clipboard (xclip, xsel or wl-copy on
// Linux).
type systemClipboard struct{}

// Copy puts text on the clipboard.
func (systemClipboard) Copy(text string) error { return atclip.WriteAll(text) }

// errNoDialog says that the desktop has no dialog program.
var errNoDialog error = &knownError{say: "no dialog program (zenity, kdialog, osascript or PowerShell)"}

// dialogPrompter asks with the platform's own dialog program.
type dialogPrompter struct{}

// Ask shows the dialog; ok is false when the user cancelled.
func (dialogPrompter) Ask(ctx context.Context, title, prompt, value string) (string, bool, error) {
	cmd, err := platform.dialog(ctx, title, prompt, value)
	if err != nil {
		return "", false, err
	}
	answer, ok, err := runDialog(cmd)
	if platform.emptyIsCancel && answer == "" {
		return "", false, err
	}
	return answer, ok, err
}

// runDialog runs a dialog program and reads its answer, the line it
// printed; ok is false when the person cancelled (the program exited with
// an error code).
func runDialog(cmd *exec.Cmd) (answer string, ok bool, err error) {
	out, err := cmd.Output()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return "", false, nil // cancelled
	case err != nil:
		return "", false, errNoDialog
	}
	return strings.TrimRight(string(out), "\r\n"), true, nil
}

// desktopNotifier shows notifications the platform's way.
type desktopNotifier struct {
	mu   sync.Mutex
	last map[string]uint32 // the notification shown last under each key
}

// Notify shows title and body.
func (*desktopNotifier) Notify(title, body string) error { return platform.notify(title, body) }

// NotifyReplacing shows title and body in the place of the last
// notification shown under key, where the desktop can replace one (viewers
// joining and leaving do not pile up on the shared screen).
func (n *desktopNotifier) NotifyReplacing(key, title, body string) error {
	if platform.notifyReplacing == nil {
		return platform.notify(title, body)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	id, err := platform.notifyReplacing(title, body, n.last[key])
	if err == nil {
		if n.last == nil {
			n.last = map[string]uint32{}
		}
		n.last[key] = id
	}
	return err
}

// appleString quotes s for AppleScript.
func appleString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
