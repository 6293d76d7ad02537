package proxy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// RecordingExt is the extension of the recordings written into
// Config.RecordDir. Their content is the same playback format as Record's
// FILE.N files (see recorder); the extension only lets people and file
// managers tell them apart, and keeps systems from running them as scripts.
const RecordingExt = ".vncrec"

// SidecarExt ends the name of a recording's sidecar: FILE.N.json beside
// FILE.N. The sidecar is extra: a recording without one still plays.
const SidecarExt = ".json"

// recordMeta is a recording's sidecar, written when the recording's file is
// created and written again, with End, when it is complete. Readers (the
// recordings page) take the field names below as the format.
type recordMeta struct {
	Start   time.Time  `json:"start"`
	End     *time.Time `json:"end,omitempty"`
	Viewer  string     `json:"viewer"`
	Target  string     `json:"target"`
	Version string     `json:"version,omitempty"`
	Session uint64     `json:"session"`
	// Stopped says why the recording ended before the session did (a write
	// failed, such as on a full disk).
	Stopped string `json:"stopped,omitempty"`
}

// recordingName is the file session id is recorded to: Record.N, as
// websockify names them, or a file in RecordDir named by the session's start
// time (local time, as people read it).
func (c *Config) recordingName(id uint64, start time.Time) string {
	if c.Record != "" {
		return c.Record + "." + strconv.FormatUint(id, 10)
	}
	return filepath.Join(c.RecordDir, "session-"+start.Format("2006-01-02_15-04-05.000")+"-"+strconv.FormatUint(id, 10)+RecordingExt)
}

// writeSidecar writes m beside the recording name, atomically: a reader sees
// the old sidecar or the new one, never half of one.
func writeSidecar(name string, m *recordMeta) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp := name + SidecarExt + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, name+SidecarExt); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
