// Package app is the vncbridge tray application: one state value, one event
// loop, a menu rendered from the state, and the proxy core running in-process.
// The desktop (tray, browser, service manager, clipboard, dialogs) is reached
// through small interfaces, so the logic is tested without one.
package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"vncbridge/recordings"
)

// settings are what the user chose; the tray and the service read the same
// file.
type settings struct {
	// Port is the listen port.
	Port int `json:"port"`
	// Target is the VNC server, host:port, or this desktop served by a
	// VNC server vncbridge starts itself: "desktop:x11vnc", "desktop:wayvnc".
	Target string `json:"target"`
	// RecentTargets are targets chosen before, newest first.
	RecentTargets []string `json:"recent_targets,omitempty"`
	// Record records every session into the recordings folder.
	Record bool `json:"record"`
	// RecordKeepDays removes recordings older than this many days; 0 keeps
	// them.
	RecordKeepDays int `json:"record_keep_days"`
	// RecordMaxGiB removes the oldest recordings beyond this size; 0 is no
	// limit.
	RecordMaxGiB int `json:"record_max_gib"`
	// AllowRemote listens on every interface, with TLS and a secret token.
	AllowRemote bool `json:"allow_remote"`
	// Token is the secret a remote viewer's link carries.
	Token string `json:"token,omitempty"`
	// ShareOnStart starts sharing when the tray starts.
	ShareOnStart bool `json:"share_on_start,omitempty"`
	// ViewOnlyToken is the secret of the view-only link: the proxy drops
	// whatever its viewers send that could change the desktop.
	ViewOnlyToken string `json:"view_only_token,omitempty"`
	// AskToJoin asks the person sharing before each viewer joins; unset, it
	// is on for shares open to other computers where someone can answer (the
	// tray), and off otherwise (local shares, headless runs, the service).
	AskToJoin *bool `json:"ask_to_join,omitempty"`
	// QuietViewers turns off the notifications of viewers joining and
	// leaving.
	QuietViewers bool `json:"quiet_viewers,omitempty"`
	// Language is the tray's language ("de", "ja", "pt-BR"); "" follows
	// the system's.
	Language string `json:"language,omitempty"`
	// FilesFolder is where the files viewers send go once accepted; ""
	// is vncbridge in the system's Downloads folder (files.go).
	FilesFolder string `json:"files_folder,omitempty"`
	// FilesMaxMiB refuses larger files from viewers, in MiB; 0 is the
	// proxy's default (2 GiB).
	FilesMaxMiB int `json:"files_max_mib,omitempty"`
	// Tailnet shares on the person's tailnet too, through an embedded
	// Tailscale node named TailnetHostname ("": vncbridge-HOST) of the
	// coordination server TailnetControlURL ("": Tailscale's).
	Tailnet           bool   `json:"tailnet,omitempty"`
	TailnetHostname   string `json:"tailnet_hostname,omitempty"`
	TailnetControlURL string `json:"tailnet_control_url,omitempty"`
	// TailnetAnyUser lets in the tailnet viewers of other Tailscale users
	// (the tailnet's ACLs decide); unset or false, only the devices of the
	// person sharing.
	TailnetAnyUser *bool `json:"tailnet_any_user,omitempty"`
	// Funnel shares on the internet too, through Tailscale Funnel, while
	// sharing on the tailnet (funnel.go).
	Funnel bool `json:"funnel,omitempty"`
}

// askToJoin tells whether viewers need the sharer's consent; canAsk is
// whether this run has a person to ask (a tray).
func (s settings) askToJoin(canAsk bool) bool {
	if s.AskToJoin != nil {
		return *s.AskToJoin
	}
	return canAsk && (s.AllowRemote || s.Tailnet)
}

// The first run's settings.
const (
	defaultPort   = 6080
	defaultTarget = "localhost:5900"
	maxRecent     = 5
	// vncBasePort is display :0's port; display :N listens on 5900+N.
	vncBasePort = 5900
)

// defaultSettings returns working first-run settings.
func defaultSettings() settings {
	return settings{Port: defaultPort, Target: defaultTarget,
		RecordKeepDays: int(recordings.DefaultLimits().MaxAge / (24 * time.Hour)),
		RecordMaxGiB:   int(recordings.DefaultLimits().MaxBytes >> 30)}
}

// The reasons a setting is refused, for errors.Is.
var (
	errBadPort   = errors.New("not a port between 1 and 65535")
	errBadTarget = errors.New("not a VNC server address")
)

// validate says what is wrong with s, naming the field.
func (s settings) validate() error {
	if s.Port < 1 || s.Port > 65535 {
		return fmt.Errorf("port %d is %w", s.Port, errBadPort)
	}
	if err := validTarget(s.Target); err != nil {
		return err
	}
	if s.RecordKeepDays < 0 || s.RecordMaxGiB < 0 {
		return errors.New("the limits of the recordings cannot be negative")
	}
	if s.FilesMaxMiB < 0 {
		return errors.New("files_max_mib cannot be negative")
	}
	return s.validateTailnet()
}

// ParsePort reads a listen port as a person types it (" 6080 ").
func ParsePort(v string) (int, error) {
	p, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || p < 1 || p > 65535 {
		return 0, fmt.Errorf("%q is %w", strings.TrimSpace(v), errBadPort)
	}
	return p, nil
}

// loadSettings reads the settings file. A missing file gives the defaults
// and no error. A broken one is kept aside (renamed to settings.json.broken-TIME)
// and replaced by the defaults; the error says so, for the log. The
// temporary files of saves that never finished are removed first.
func loadSettings(p Paths) (settings, error) {
	removeLeftoverSaves(p, time.Now())
	file := p.SettingsFile()
	b, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return defaultSettings(), nil
	}
	if err != nil {
		return defaultSettings(), fmt.Errorf("settings: %w; using the defaults", err)
	}
	s, err := parseSettings(b)
	if err == nil {
		return s, nil
	}
	kept := file + ".broken-" + time.Now().UTC().Format("20060102T150405Z")
	if rerr := os.Rename(file, kept); rerr != nil {
		return defaultSettings(), fmt.Errorf("settings file %s is broken (%w) and could not be kept aside: %w; using the defaults", file, err, rerr)
	}
	def := defaultSettings()
	if werr := saveSettings(p, def); werr != nil {
		return def, fmt.Errorf("settings file %s is broken (%w), kept as %s; using the defaults, which could not be saved: %w", file, err, kept, werr)
	}
	return def, fmt.Errorf("settings file %s is broken (%w); kept as %s and replaced by the defaults", file, err, kept)
}

// parseSettings reads a settings file's contents over the defaults.
func parseSettings(b []byte) (settings, error) {
	s := defaultSettings()
	err := json.Unmarshal(b, &s)
	if err == nil {
		err = s.validate()
	}
	return s, err
}

// peekSettings reads the settings in dir, changing nothing (another
// process's, such as the service's).
func peekSettings(dir string) (settings, error) {
	b, err := os.ReadFile(Paths{Dir: dir}.SettingsFile())
	if errors.Is(err, fs.ErrNotExist) {
		return defaultSettings(), nil
	}
	if err != nil {
		return settings{}, err
	}
	return parseSettings(b)
}

// saveSettings writes the settings file atomically: a reader sees the old
// file or the new one, never a part.
func saveSettings(p Paths, s settings) error {
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

// removeLeftoverSaves removes the temporary files saveSettings leaves when
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
