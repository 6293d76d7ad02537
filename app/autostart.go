//go:build !windows

package app

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// LoginItem is "Start at login" for the tray: an XDG autostart entry on
// Linux, a LaunchAgent on macOS, the Run key on Windows.
type LoginItem struct {
	// Exe is the program to start; empty means this one.
	Exe string
}

func (l LoginItem) exe() (string, error) {
	if l.Exe != "" {
		return l.Exe, nil
	}
	return os.Executable()
}

// file is the autostart entry's path.
func (LoginItem) file() (string, error) {
	if runtime.GOOS == "darwin" {
		home, err := os.UserHomeDir()
		return filepath.Join(home, "Library", "LaunchAgents", "net.vncbridge.tray.plist"), err
	}
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
func (l LoginItem) Enabled() bool {
	f, err := l.file()
	if err != nil {
		return false
	}
	_, err = os.Stat(f)
	return err == nil
}

// SetEnabled writes or removes the entry.
func (l LoginItem) SetEnabled(on bool) error {
	f, err := l.file()
	if err != nil {
		return err
	}
	if !on {
		if err := os.Remove(f); err != nil && !os.IsNotExist(err) {
			return err
		}
		return nil
	}
	exe, err := l.exe()
	if err != nil {
		return err
	}
	var body string
	if runtime.GOOS == "darwin" {
		body = fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>Label</key><string>net.vncbridge.tray</string>
	<key>ProgramArguments</key><array><string>%s</string></array>
	<key>RunAtLoad</key><true/>
	<key>ProcessType</key><string>Interactive</string>
</dict>
</plist>
`, xmlEscape(exe))
	} else {
		body = fmt.Sprintf(`[Desktop Entry]
Type=Application
Name=vncbridge
Comment=Share this computer's VNC desktop with a web browser
Exec=%s
Icon=vncbridge
Terminal=false
X-GNOME-Autostart-enabled=true
`, desktopExec(exe))
	}
	if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
		return err
	}
	return os.WriteFile(f, []byte(body), 0o644)
}

// desktopExec quotes a path for a .desktop file's Exec key.
func desktopExec(p string) string {
	if !strings.ContainsAny(p, " \t\"'\\$`") {
		return p
	}
	return `"` + strings.NewReplacer(`\`, `\\\\`, `"`, `\\"`, "`", "\\\\`", `$`, `\\$`).Replace(p) + `"`
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
