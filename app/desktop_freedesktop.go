//go:build !windows && !darwin

package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/godbus/dbus/v5"

	"vncbridge/internal/words"
)

// platform: Linux and the BSDs, freedesktop.org desktops (D-Bus, XDG).
var platform = desktop{
	userServices: true,
	serviceDependencies: func(user bool) []string {
		if user {
			return nil
		}
		return []string{"After=network.target"}
	},
	adminHint:         "run it as root: sudo vncbridge service …",
	isRoot:            func() bool { return os.Geteuid() == 0 },
	elevate:           freedesktopElevate,
	dialog:            freedesktopDialog,
	consentDialog:     freedesktopConsentDialog,
	notify:            freedesktopNotify,
	notifyReplacing:   freedesktopNotifyReplacing,
	askByNotification: freedesktopAskByNotification,
	trayHost:          freedesktopTrayHost,
	listeningPorts:    procListeningPorts,
	watchMenus:        watchDBusMenus,
	serviceFiles: func() []string {
		files := []string{"/etc/systemd/system/" + serviceName + ".service", "/etc/init.d/" + serviceName}
		if home, err := os.UserHomeDir(); err == nil {
			files = append(files, filepath.Join(home, ".config/systemd/user", serviceName+".service"))
		}
		return files
	},
}

// freedesktopElevate asks for the password with pkexec.
func freedesktopElevate(exe string, args []string) error {
	pk, err := exec.LookPath("pkexec")
	if err != nil {
		return fmt.Errorf("pkexec is not installed to ask for the password: %w", err)
	}
	out, err := exec.Command(pk, append([]string{exe}, args...)...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%w %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}

// freedesktopDialog is zenity, or kdialog.
func freedesktopDialog(ctx context.Context, title, prompt, value string) (*exec.Cmd, error) {
	if p, err := exec.LookPath("zenity"); err == nil {
		return exec.CommandContext(ctx, p, "--entry", "--title", title, "--text", prompt, "--entry-text", value), nil
	}
	if p, err := exec.LookPath("kdialog"); err == nil {
		return exec.CommandContext(ctx, p, "--title", title, "--inputbox", prompt, value), nil
	}
	return nil, errNoDialog
}

// freedesktopConsentDialog is zenity's question, or kdialog's. The
// question is plain text, and each program is told so: zenity reads Pango
// markup and backslash escapes unless --no-markup (then neither); kdialog
// reads \\ and \n, and guesses rich text (HTML) from the text itself, so it
// gets HTML without a backslash. The answer is read from the exit code
// (and zenity's extra button from its having printed anything), never from
// the label, which is in the sharer's language.
func freedesktopConsentDialog(ctx context.Context, _ words.Printer, q string, buttons []consentButton) (*exec.Cmd, func(string, int) string, error) {
	allow, deny := buttons[0], buttons[len(buttons)-1]
	if p, err := exec.LookPath("zenity"); err == nil {
		args := []string{"--question", "--no-markup", "--title", "vncbridge", "--text", q,
			"--ok-label", allow.label, "--cancel-label", deny.label}
		if len(buttons) == 3 {
			args = append(args, "--extra-button", buttons[1].label)
		}
		// OK exits 0; Cancel 1; the extra button 1 and prints its label.
		return exec.CommandContext(ctx, p, args...), func(out string, code int) string {
			switch {
			case code == 0:
				return allow.id
			case code == 1 && out != "" && len(buttons) == 3:
				return buttons[1].id
			}
			return deny.id
		}, nil
	}
	if p, err := exec.LookPath("kdialog"); err == nil {
		text := kdialogText(q)
		args := []string{"--title", "vncbridge", "--yesno", text, "--yes-label", allow.label, "--no-label", deny.label}
		if len(buttons) == 3 {
			args = []string{"--title", "vncbridge", "--yesnocancel", text,
				"--yes-label", allow.label, "--no-label", buttons[1].label, "--cancel-label", deny.label}
		}
		// Yes exits 0, No 1, Cancel 2.
		return exec.CommandContext(ctx, p, args...), func(out string, code int) string {
			switch {
			case code == 0:
				return allow.id
			case code == 1 && len(buttons) == 3:
				return buttons[1].id
			}
			return deny.id
		}, nil
	}
	return nil, nil, errNoDialog
}

// sessionBus is the user's session bus, when there is one. Without one,
// the D-Bus library would start its own (dbus-launch, where dbus-x11 is
// installed), and leave that dbus-daemon behind at every run: it is asked
// for the bus only when the environment names one, or the standard
// per-user socket exists.
func sessionBus() (*dbus.Conn, error) {
	if err := sessionBusNamed(); err != nil {
		return nil, err
	}
	return dbus.SessionBus()
}

// sessionBusNamed tells why there is no session bus to connect to, if
// there is none.
func sessionBusNamed() error {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") != "" {
		return nil
	}
	dir := os.Getenv("XDG_RUNTIME_DIR")
	if dir == "" {
		return errors.New("DBUS_SESSION_BUS_ADDRESS and XDG_RUNTIME_DIR are not set")
	}
	if _, err := os.Stat(filepath.Join(dir, "bus")); err != nil {
		return fmt.Errorf("DBUS_SESSION_BUS_ADDRESS is not set and %w", err)
	}
	return nil
}

// kdialogText is plain text q as kdialog shows it: rich text, always (the
// <qt> tag says so), with what HTML or kdialog's escapes would read quoted.
func kdialogText(q string) string {
	return "<qt>" + strings.ReplaceAll(escapeMarkup(q), `\`, "&#92;") + "</qt>"
}

// freedesktopTrayHost: a StatusNotifierWatcher on the session bus (a panel
// with a tray); without one, fyne.io/systray would run with nothing to
// show.
func freedesktopTrayHost() error {
	conn, err := sessionBus()
	if err != nil {
		return knownError{say: "no D-Bus session bus", err: err}
	}
	var has bool
	err = conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, "org.kde.StatusNotifierWatcher").Store(&has)
	if err == nil && !has {
		err = errors.New("nothing owns org.kde.StatusNotifierWatcher on the session bus")
	}
	if err != nil {
		return knownError{say: "no system tray on this desktop", err: err}
	}
	return nil
}

// procListeningPorts reads the TCP ports something listens on from /proc
// (Linux), without connecting to anything: a VNC server is greeted only
// when its port appears, so its log does not fill with the tray's visits.
// Without /proc/net (the BSDs) it does not know.
func procListeningPorts() (map[int]bool, bool) {
	ports := map[int]bool{}
	found := false
	for _, file := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(file)
		if err != nil {
			continue
		}
		found = true
		sc := bufio.NewScanner(f)
		sc.Scan() // the header
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 4 || fields[3] != "0A" { // 0A: LISTEN
				continue
			}
			_, hexPort, ok := strings.Cut(fields[1], ":")
			if p, err := strconv.ParseUint(hexPort, 16, 16); ok && err == nil {
				ports[int(p)] = true
			}
		}
		f.Close()
	}
	return ports, found
}

// loginFile is the XDG autostart entry.
func loginFile() (string, error) {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "autostart", "vncbridge.desktop"), nil
}

// Enabled tells whether the entry is there.
func (l loginItem) Enabled() bool { return fileEnabled(loginFile) }

// SetEnabled writes or removes the entry.
func (l loginItem) SetEnabled(on bool) error { return l.setFile(loginFile, on, autostartEntry) }

// autostartEntry is the XDG autostart entry that starts exe with args.
func autostartEntry(exe string, args []string) string {
	line := desktopExec(exe)
	for _, a := range args {
		line += " " + desktopExec(a)
	}
	return fmt.Sprintf(`[Desktop Entry]
Type=Application
Name=vncbridge
Comment=Share this computer's VNC desktop with a web browser
Exec=%s
Icon=vncbridge
Terminal=false
X-GNOME-Autostart-enabled=true
`, line)
}

// desktopExec quotes an argument for a .desktop file's Exec key.
func desktopExec(p string) string {
	if !strings.ContainsAny(p, " \t\"'\\$`") {
		return p
	}
	return `"` + strings.NewReplacer(`\`, `\\\\`, `"`, `\\"`, "`", "\\\\`", `$`, `\\$`).Replace(p) + `"`
}
