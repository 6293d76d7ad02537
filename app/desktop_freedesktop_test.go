//go:build !windows && !darwin

package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Start at login writes an XDG autostart entry that keeps --config-dir,
// quoted for the Exec key, and removes it again.
func TestLoginItemKeepsTheConfigDir(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	l := loginItem{exe: "/opt/vnc bridge/vncbridge", args: []string{"--config-dir", "/home/me/my config"}}
	if l.Enabled() {
		t.Fatal("enabled before")
	}
	if err := l.SetEnabled(true); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "autostart", "vncbridge.desktop"))
	if err != nil {
		t.Fatal(err)
	}
	if want := `Exec="/opt/vnc bridge/vncbridge" --config-dir "/home/me/my config"` + "\n"; !strings.Contains(string(b), want) || !l.Enabled() {
		t.Fatalf("entry:\n%s\nwant the line %q", b, want)
	}
	if err := l.SetEnabled(false); err != nil || l.Enabled() {
		t.Fatalf("still enabled after turning it off (%v)", err)
	}
}

// With no session bus named and no per-user bus socket, none is asked for
// (the D-Bus library would start one and leave it behind).
func TestNoSessionBusIsNotStarted(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	if _, err := sessionBus(); err == nil {
		t.Fatal("a session bus without an address or a socket")
	}
	if why := freedesktopTrayHost(); why == nil || !strings.Contains(why.Error(), "no D-Bus session bus") {
		t.Fatalf("tray host: %v", why)
	}
}
