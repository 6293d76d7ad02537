package app

import (
	"fmt"
	"os"
	"path/filepath"
)

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

// OpenDir is the private folder of the files that open the browser at an
// address with a secret (redirectOpener).
func (p Paths) OpenDir() string { return filepath.Join(p.Dir, "open") }

// LogFile is the tray's log file, vncbridge.log.
func (p Paths) LogFile() string { return filepath.Join(p.Dir, "vncbridge.log") }
