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
	"net/url"
	"os"
	"path/filepath"
	"slices"
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
}

// askToJoin tells whether viewers need the sharer's consent; canAsk is
// whether this run has a person to ask (a tray).
func (s settings) askToJoin(canAsk bool) bool {
	if s.AskToJoin != nil {
		return *s.AskToJoin
	}
	return canAsk && s.AllowRemote
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
		RecordKeepDays: int(recordings.DefaultLimits.MaxAge / (24 * time.Hour)),
		RecordMaxGiB:   int(recordings.DefaultLimits.MaxBytes >> 30)}
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
	if err := checkTarget(s.Target); err != nil {
		return err
	}
	if s.RecordKeepDays < 0 || s.RecordMaxGiB < 0 {
		return errors.New("the limits of the recordings cannot be negative")
	}
	return nil
}

// ParsePort reads a listen port as a person types it (" 6080 ").
func ParsePort(v string) (int, error) {
	p, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || p < 1 || p > 65535 {
		return 0, fmt.Errorf("%q is %w", strings.TrimSpace(v), errBadPort)
	}
	return p, nil
}

// ParseTarget reads a VNC server's address as VNC users type it, and
// returns it as host:port:
//
//	5901          a port on this computer       localhost:5901
//	:1            display 1 on this computer    localhost:5901
//	desk          display 0 of a host           desk:5900
//	desk:5901     a host and a port             desk:5901
//	desk::5901    the same, VNC's way           desk:5901
//	[::1]:5901    an IPv6 address and a port    [::1]:5901
//
// A display number is below 100; ":5901" is taken as the port.
// "desktop:x11vnc" and "desktop:wayvnc" are this desktop, served by that
// program, which vncbridge starts while it shares.
func ParseTarget(v string) (string, error) {
	v = strings.TrimSpace(v)
	bad := func(why string) (string, error) {
		return "", fmt.Errorf("target %q is %w: %s", v, errBadTarget, why)
	}
	if v == "" {
		return bad("it is empty")
	}
	if name, ok := strings.CutPrefix(strings.ToLower(v), desktopPrefix); ok {
		if !slices.Contains(desktopPrograms, name) {
			return bad("this desktop is served by " + strings.Join(desktopPrograms, " or "))
		}
		return desktopPrefix + name, nil
	}
	if strings.ContainsAny(v, " \t/?#@") {
		return bad("use host:port, :display or a port")
	}
	host, port := v, ""
	switch {
	case isDigits(v): // a port alone
		host, port = "localhost", v
	case strings.HasPrefix(v, "["): // [v6] or [v6]:port
		end := strings.Index(v, "]")
		if end < 0 {
			return bad("the IPv6 address has no ]")
		}
		host, port = v[1:end], strings.TrimPrefix(v[end+1:], ":")
		if rest := v[end+1:]; rest != "" && !strings.HasPrefix(rest, ":") {
			return bad("text after the IPv6 address")
		}
	case strings.Contains(v, "::") && strings.Count(v, ":") == 2: // host::port
		host, port, _ = strings.Cut(v, "::")
	case !strings.Contains(v, ":"): // a host alone: display 0
	case strings.Count(v, ":") == 1:
		host, port, _ = strings.Cut(v, ":")
		if port == "" {
			return bad("no port or display after the colon")
		}
		if n, err := strconv.Atoi(port); err == nil && host == "" && n < 100 {
			port = strconv.Itoa(vncBasePort + n) // :N, a display
		}
	default: // a bare IPv6 address
		if net.ParseIP(v) == nil {
			return bad("use host:port, :display or a port")
		}
		host = v
	}
	if host == "" {
		host = "localhost"
	}
	if port == "" {
		port = strconv.Itoa(vncBasePort)
	}
	t := net.JoinHostPort(host, port)
	if err := checkTarget(t); err != nil {
		return "", err
	}
	return t, nil
}

// desktopPrefix starts a target that is this desktop: "desktop:x11vnc".
const desktopPrefix = "desktop:"

// desktopPrograms are the VNC servers vncbridge can start to serve this
// desktop (see package localvnc).
var desktopPrograms = []string{"x11vnc", "wayvnc"}

// desktopProgram returns the program of a "desktop:NAME" target.
func desktopProgram(t string) (name string, ok bool) {
	name, ok = strings.CutPrefix(t, desktopPrefix)
	return name, ok && slices.Contains(desktopPrograms, name)
}

// targetLabel is a target as the status line names it.
func targetLabel(t string) string {
	if name, ok := desktopProgram(t); ok {
		return "this desktop (" + name + ")"
	}
	return t
}

// checkTarget checks a saved target: host:port, or desktop:NAME.
func checkTarget(t string) error {
	if _, ok := desktopProgram(t); ok {
		return nil
	}
	host, port, err := net.SplitHostPort(t)
	if err != nil || host == "" {
		return fmt.Errorf("target %q is %w: it is not host:port", t, errBadTarget)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
		return fmt.Errorf("target %q: port %q is %w", t, port, errBadPort)
	}
	return nil
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// withTarget returns s with t as the target, remembered among the recent ones.
func (s settings) withTarget(t string) settings {
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

// PathsFor returns the paths under dir, or the default ones when dir is
// empty.
func PathsFor(dir string) (Paths, error) {
	if dir == "" {
		return defaultPaths()
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return Paths{}, err
	}
	return Paths{Dir: dir, Recordings: filepath.Join(dir, "recordings")}, nil
}

// defaultPaths are under the user's config directory (os.UserConfigDir), or
// under VNCBRIDGE_CONFIG_DIR when that is set (tests, portable installs).
func defaultPaths() (Paths, error) {
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

// LogFile is the tray's log file, vncbridge.log.
func (p Paths) LogFile() string { return filepath.Join(p.Dir, "vncbridge.log") }

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

// baseURL is the proxy's address for a browser on this computer, without
// the token: "http://localhost:6080".
func (s settings) baseURL() string {
	scheme := "http"
	if s.AllowRemote {
		scheme = "https"
	}
	return scheme + "://localhost:" + strconv.Itoa(s.Port)
}

// localURL is the viewer's address for a browser on this computer, with the
// token when remote access needs one.
func (s settings) localURL() string {
	u := s.baseURL() + "/"
	if s.AllowRemote {
		u += "?" + url.Values{"token": {s.Token}}.Encode()
	}
	return u
}

// networkURL is the share's address for other computers, without the
// token: "https://192.168.1.20:6080".
func (s settings) networkURL() string {
	return "https://" + net.JoinHostPort(lanAddress(), strconv.Itoa(s.Port))
}

// shareURL is the link for other computers: this computer's address, TLS
// and the token. Empty when remote access is off.
func (s settings) shareURL() string {
	if !s.AllowRemote {
		return ""
	}
	return s.networkURL() + "/?" + url.Values{"token": {s.Token}}.Encode()
}

// viewOnlyURL is the view-only link for other computers: its own token, and
// the page's view-only switch on (the proxy enforces it either way). Empty
// when remote access is off.
func (s settings) viewOnlyURL() string {
	if !s.AllowRemote || s.ViewOnlyToken == "" {
		return ""
	}
	return s.networkURL() + "/?" + url.Values{"token": {s.ViewOnlyToken}, "view_only": {"true"}}.Encode()
}

// lanAddress is this computer's first non-loopback unicast address, IPv4
// preferred; its host name when it has none.
func lanAddress() string {
	addrs, _ := net.InterfaceAddrs()
	var v6 string
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok || ipn.IP.IsLoopback() || ipn.IP.IsLinkLocalUnicast() || !ipn.IP.IsGlobalUnicast() {
			continue
		}
		if ipn.IP.To4() != nil {
			return ipn.IP.String()
		}
		if v6 == "" {
			v6 = ipn.IP.String()
		}
	}
	if v6 != "" {
		return v6
	}
	if h, err := os.Hostname(); err == nil {
		return h
	}
	return "localhost"
}

// newToken returns a fresh secret for a remote share link.
func newToken() string {
	b := make([]byte, 18)
	rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}
