// Package recordfmt is the one description of a recorded session on disk:
// the playback format's frames, the file names, the JSON sidecar beside a
// recording, and how those files are created without following a link or
// reusing a file someone else put there.
//
// It is a leaf package (the standard library only) so that both the proxy,
// which writes recordings, and the recordings library, which lists and plays
// them, use it without the library importing the proxy's server. It sits
// under proxy because the proxy's library users get these files too.
//
// A recording is a JavaScript file that noVNC's playback page loads:
//
//	var VNC_frame_data = [
//	'{12{RFB 003.008\n',
//	'}15{RFB 003.008\n',
//	'EOF'];
//
// One string per frame: '{' for bytes sent to the viewer, '}' for bytes from
// it, the milliseconds since the session began, '{', then the bytes as a
// single-quoted string literal whose characters are the bytes (Latin-1).
// websockify writes the same format (with '}ms}' for the viewer's frames).
package recordfmt

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

const (
	// Magic starts every recording; a file that does not start so is not
	// one.
	Magic = "var VNC_frame_data"
	// Header is what a recording's file holds before its first frame.
	Header = Magic + " = [\n"
	// Trailer ends a complete recording; a recording without it (the
	// program stopped, the disk filled) does not load as a script.
	Trailer = "'EOF'];\n"

	// Ext is the extension of the recordings named by their start (the
	// tray's, proxy.Config.RecordDir). It only lets people and file managers
	// tell them apart, and keeps systems from running them as scripts.
	Ext = ".vncrec"
	// SidecarExt ends the name of a recording's sidecar: NAME.json beside
	// NAME. The sidecar is extra: a recording without one still plays.
	SidecarExt = ".json"
	// tempExt ends the name of a sidecar while it is being written.
	tempExt = ".tmp"
)

// Sidecar is a recording's JSON sidecar, written when the recording's file
// is created and again, with End, when it is complete. The field names are
// the format.
type Sidecar struct {
	Start   time.Time  `json:"start"`
	End     *time.Time `json:"end,omitempty"` // nil while the session is recorded
	Viewer  string     `json:"viewer"`        // the viewer's address
	Target  string     `json:"target"`        // the VNC server
	Version string     `json:"version,omitempty"`
	Session uint64     `json:"session"`
	// Stopped says why the recording ended before the session did (a
	// write failed, the disk could not keep up).
	Stopped string `json:"stopped,omitempty"`
	// Files are the files that went between the viewer and the person
	// sharing during the session, or were offered to go.
	Files []FileEvent `json:"files,omitempty"`
}

// FileEvent is a file a session's viewer sent or was sent.
type FileEvent struct {
	Time time.Time `json:"time"`
	// Direction is "from viewer" (an upload) or "to viewer" (a download).
	Direction string `json:"direction"`
	Name      string `json:"name"`
	Size      int64  `json:"size"`
	SHA256    string `json:"sha256"`
	// Outcome is "received", "declined", "downloaded", or what went wrong.
	Outcome string `json:"outcome"`
}

// IsCompanion tells whether the file name is a sidecar, or a sidecar being
// written, rather than a recording.
func IsCompanion(name string) bool {
	return strings.HasSuffix(name, SidecarExt) || strings.HasSuffix(name, tempExt)
}

// AppendFrame appends to b the frame of p, sent by the viewer when
// fromClient, else to it, ms milliseconds after the session began.
func AppendFrame(b []byte, fromClient bool, ms int64, p []byte) []byte {
	const hex = "0123456789abcdef"
	dir := byte('{')
	if fromClient {
		dir = '}'
	}
	b = append(b, '\'', dir)
	b = strconv.AppendInt(b, ms, 10)
	b = append(b, '{')
	for _, c := range p {
		switch {
		case c == '\'' || c == '\\':
			b = append(b, '\\', c)
		case c >= 0x20 && c < 0x7f:
			b = append(b, c)
		default:
			b = append(b, '\\', 'x', hex[c>>4], hex[c&0xf])
		}
	}
	return append(b, "',\n"...)
}

// CreateNew creates the recording file name for writing, readable by its
// owner only. It never opens an existing file, nor follows a link in its
// last element: when anything is there already, the error is fs.ErrExist
// (the caller takes another name).
func CreateNew(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL|noFollow, 0o600)
}

// WriteSidecar writes s beside the recording, atomically: a reader sees the
// old sidecar or the new one, never half of one. The sidecar is written to
// a new file of a random name in the recording's folder, then renamed over
// NAME.json (a rename replaces a link there, never its target).
func WriteSidecar(recording string, s *Sidecar) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(recording), filepath.Base(recording)+SidecarExt+".*"+tempExt)
	if err != nil {
		return err
	}
	_, err = f.Write(append(b, '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), recording+SidecarExt)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// ReadSidecar reads the sidecar of the recording at path, and tells its
// size. A sidecar without a start is not one.
func ReadSidecar(recording string) (Sidecar, int64, error) {
	b, err := os.ReadFile(recording + SidecarExt)
	if err != nil {
		return Sidecar{}, 0, err
	}
	var s Sidecar
	if err := json.Unmarshal(b, &s); err != nil {
		return Sidecar{}, 0, err
	}
	if s.Start.IsZero() {
		return Sidecar{}, 0, errors.New(recording + SidecarExt + ": no start")
	}
	return s, int64(len(b)), nil
}
