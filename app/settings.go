// Package app is the vncbridge tray application: one state value, one event
// loop, a menu rendered from the state, and the proxy core running in-process.
// The desktop (tray, browser, service manager, clipboard, dialogs) is reached
// through small interfaces, so the logic is tested without one.
package app

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"
)

// Settings is what the user chose; the tray and the service read the same
// file.
type Settings struct {
	// Port is the listen port.
	Port int `json:"port"`
	// Target is the VNC server, host:port.
	Target string `json:"target"`
	// RecentTargets are targets chosen before, newest first.
	RecentTargets []string `json:"recent_targets,omitempty"`
	// Record records every session into the recordings folder.
	Record bool `json:"record"`
	// AllowRemote listens on every interface, with TLS and a secret token.
	AllowRemote bool `json:"allow_remote"`
	// Token is the secret a remote viewer's link carries.
	Token string `json:"token,omitempty"`
	// ShareOnStart starts sharing when the tray starts.
	ShareOnStart bool `json:"share_on_start,omitempty"`
}

// Defaults are the first run's settings.
const (
	DefaultPort   = 6080
	DefaultTarget = "localhost:5900"
	maxRecent     = 5
)

// DefaultSettings returns working first-run settings.
func DefaultSettings() Settings {
	return Settings{Port: DefaultPort, Target: DefaultTarget}
}

// Validate says what is wrong with s, naming the field.
func (s Settings) Validate() error {
	if s.Port < 1 || s.Port > 65535 {
		return fmt.Errorf("port %d is not between 1 and 65535", s.Port)
	}
	if err := ValidateTarget(s.Target); err != nil {
		return err
	}
	return nil
}

// ValidateTarget checks a host:port target.
func ValidateTarget(t string) error {
	host, port, err := net.SplitHostPort(t)
	if err != nil || host == "" {
		return fmt.Errorf("target %q is not host:port", t)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
		return fmt.Errorf("target %q: port %q is not between 1 and 65535", t, port)
	}
	return nil
}

// withTarget returns s with t as the target, remembered among the recent ones.
func (s Settings) withTarget(t string) Settings {
	recent := []string{t}
	for _, r := range append([]string{s.Target}, s.RecentTargets...) {
		if !slices.Contains(recent, r) && len(recent) < maxRecent {
			recent = append(recent, r)
		}
	}
	s.Target, s.RecentTargets = t, recent
	return s
}

// Paths are where the app keeps its files.
type Paths struct {
	// Dir holds settings.json, the TLS certificate and the control socket.
	Dir string
	// Recordings is the recordings folder.
	Recordings string
}

// DefaultPaths are under the user's config directory (os.UserConfigDir), or
// under VNCBRIDGE_CONFIG_DIR when that is set (tests, portable installs).
func DefaultPaths() (Paths, error) {
	dir := os.Getenv("VNCBRIDGE_CONFIG_DIR")
	if dir == "" {
		base, err := os.UserConfigDir()
		if err != nil {
			return Paths{}, fmt.Errorf("no config directory: %w", err)
		}
		dir = filepath.Join(base, "vncbridge")
	}
	return Paths{Dir: dir, Recordings: filepath.Join(dir, "recordings")}, nil
}

// SettingsFile is the settings file's path.
func (p Paths) SettingsFile() string { return filepath.Join(p.Dir, "settings.json") }

// LoadSettings reads the settings file. A missing file gives the defaults
// and no error. A broken one is kept aside (renamed to settings.json.broken-TIME)
// and replaced by the defaults; the error says so, for the log. The
// temporary files of saves that never finished are removed first.
func LoadSettings(p Paths) (Settings, error) {
	removeLeftoverSaves(p, time.Now())
	file := p.SettingsFile()
	b, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return DefaultSettings(), nil
	}
	if err != nil {
		return DefaultSettings(), fmt.Errorf("settings: %w; using the defaults", err)
	}
	s := DefaultSettings()
	err = json.Unmarshal(b, &s)
	if err == nil {
		err = s.Validate()
	}
	if err == nil {
		return s, nil
	}
	kept := file + ".broken-" + time.Now().UTC().Format("20060102T150405Z")
	if rerr := os.Rename(file, kept); rerr != nil {
		return DefaultSettings(), fmt.Errorf("settings file %s is broken (%v) and could not be kept aside: %v; using the defaults", file, err, rerr)
	}
	def := DefaultSettings()
	if werr := SaveSettings(p, def); werr != nil {
		return def, fmt.Errorf("settings file %s is broken (%v), kept as %s; using the defaults, which could not be saved: %v", file, err, kept, werr)
	}
	return def, fmt.Errorf("settings file %s is broken (%v); kept as %s and replaced by the defaults", file, err, kept)
}

// SaveSettings writes the settings file atomically: a reader sees the old
// file or the new one, never a part.
func SaveSettings(p Paths, s Settings) error {
	if err := os.MkdirAll(p.Dir, 0o700); err != nil {
		return err
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(p.Dir, "settings-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // gone after the rename; cleans up a failure
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), p.SettingsFile())
}

// leftoverAge is the age from which a temporary settings file is the
// leftover of an interrupted save, not the save of another process (the tray
// and the service share the file) happening now: a save takes milliseconds.
const leftoverAge = time.Minute

// removeLeftoverSaves removes the temporary files SaveSettings leaves when
// the process is killed between writing one and renaming it: they hold the
// settings, the share token among them.
func removeLeftoverSaves(p Paths, now time.Time) {
	names, _ := filepath.Glob(filepath.Join(p.Dir, "settings-*.json"))
	for _, name := range names {
		if fi, err := os.Lstat(name); err == nil && fi.Mode().IsRegular() && now.Sub(fi.ModTime()) > leftoverAge {
			os.Remove(name)
		}
	}
}

// newToken returns a fresh secret for a remote share link.
func newToken() string {
	b := make([]byte, 18)
	rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}
