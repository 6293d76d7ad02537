// Package recordings is the library of recorded sessions in one folder: it
// lists them with what their sidecars tell, serves them to the player page,
// deletes them, and keeps the folder within limits of age and size.
//
// A recording is any file that starts as the playback format does
// (recordfmt.Magic): the tray's .vncrec files, the proxy command's FILE.N
// files, and websockify's. Its sidecar (recordfmt.Sidecar, written by the
// proxy) is optional.
package recordings

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"vncbridge/proxy/recordfmt"
)

// Recording is one recorded session.
type Recording struct {
	// Name is the file's name in the folder.
	Name string `json:"name"`
	// Start is when the session began: from the sidecar, or, without one,
	// the file's modification time less its duration.
	Start time.Time `json:"start"`
	// Duration is how long the session was recorded: from its sidecar's
	// start to its end, or, without an end, to the last frame.
	Duration time.Duration `json:"-"`
	// Size is the bytes the recording and its sidecar take.
	Size int64 `json:"size"`
	// Viewer and Target are the viewer's address and the VNC server, when
	// a sidecar tells them.
	Viewer string `json:"viewer,omitempty"`
	Target string `json:"target,omitempty"`
	// Version is the version of the program that recorded it.
	Version string `json:"version,omitempty"`
	// Open is true while the session is still being recorded (a sidecar
	// without an end).
	Open bool `json:"open"`
	// Stopped says why the recording ended before its session (a full
	// disk).
	Stopped string `json:"stopped,omitempty"`
	// Sidecar tells whether the recording has one.
	Sidecar bool `json:"sidecar"`

	modTime time.Time
}

// MarshalJSON adds the duration in milliseconds for the page.
func (r Recording) MarshalJSON() ([]byte, error) {
	type plain Recording
	return json.Marshal(struct {
		plain
		DurationMS int64 `json:"duration_ms"`
	}{plain(r), r.Duration.Milliseconds()})
}

// List returns the recordings in dir, newest first. A missing folder has
// none.
func List(dir string) ([]Recording, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Recording
	for _, e := range entries {
		if !e.Type().IsRegular() || recordfmt.IsCompanion(e.Name()) {
			continue
		}
		r, err := Stat(dir, e.Name())
		if err != nil {
			continue // not a recording, or gone meanwhile
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b Recording) int { return b.Start.Compare(a.Start) })
	return out, nil
}

// ErrNotRecording is returned for a name that is not a recording in the
// folder.
var ErrNotRecording = errors.New("not a recording")

// Stat describes the recording name in dir.
func Stat(dir, name string) (Recording, error) {
	f, fi, err := open(dir, name)
	if err != nil {
		return Recording{}, err
	}
	defer f.Close()
	p := f.Name()
	r := Recording{Name: name, Size: fi.Size(), modTime: fi.ModTime()}
	r.Duration = time.Duration(lastFrameMS(f, fi.Size())) * time.Millisecond
	r.Start = fi.ModTime().Add(-r.Duration)
	if s, size, err := recordfmt.ReadSidecar(p); err == nil {
		r.Sidecar = true
		r.Size += size
		r.Start, r.Viewer, r.Target, r.Version, r.Stopped = s.Start, s.Viewer, s.Target, s.Version, s.Stopped
		r.Open = s.End == nil
		if s.End != nil && s.End.Sub(s.Start) > r.Duration {
			r.Duration = s.End.Sub(s.Start)
		}
	}
	return r, nil
}

// open opens the recording name in dir, checking that it is one: a regular
// file that starts as the playback format does. The file is read from its
// start.
func open(dir, name string) (*os.File, os.FileInfo, error) {
	p, err := path(dir, name)
	if err != nil {
		return nil, nil, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	head := make([]byte, len(recordfmt.Magic))
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, fmt.Errorf("%s: %w", name, ErrNotRecording)
	}
	if _, err := io.ReadFull(f, head); err != nil || string(head) != recordfmt.Magic {
		f.Close()
		return nil, nil, fmt.Errorf("%s: %w", name, ErrNotRecording)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, fi, nil
}

// lastFrameMS finds the time of the last frame, reading the file backwards:
// every frame is a line that starts with ' then { or } and the milliseconds
// (newlines inside a frame are escaped, so this only matches a frame's
// start). It gives up after 64 MiB from the end.
func lastFrameMS(f io.ReaderAt, size int64) int64 {
	const chunk = 64 << 10
	buf := make([]byte, chunk+32)
	for end := size; end > 0 && size-end < 64<<20; end -= chunk {
		start := max(end-chunk, 0)
		n, _ := f.ReadAt(buf[:min(int64(len(buf)), size-start)], start)
		b := buf[:n]
		for i := bytes.LastIndex(b, []byte("\n'")); i >= 0; i = bytes.LastIndex(b[:i], []byte("\n'")) {
			rest := b[i+2:]
			if len(rest) < 2 || rest[0] != '{' && rest[0] != '}' {
				continue
			}
			j := 1
			for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
				j++
			}
			if j == len(rest) || j == 1 {
				continue // cut by the chunk: the previous chunk's pass reads it whole
			}
			if ms, err := strconv.ParseInt(string(rest[1:j]), 10, 64); err == nil {
				return ms
			}
		}
	}
	return 0
}

// path checks that name is a plain file name in dir.
func path(dir, name string) (string, error) {
	if name == "" || name != filepath.Base(name) || strings.HasPrefix(name, ".") || strings.ContainsAny(name, `/\`) ||
		recordfmt.IsCompanion(name) {
		return "", fmt.Errorf("%q: %w", name, ErrNotRecording)
	}
	return filepath.Join(dir, name), nil
}

// Delete removes the recording name and its sidecar.
func Delete(dir, name string) error {
	f, _, err := open(dir, name)
	if err != nil {
		return err
	}
	f.Close()
	return remove(f.Name())
}

// remove removes the recording at p and its sidecar.
func remove(p string) error {
	if err := os.Remove(p); err != nil {
		return err
	}
	if err := os.Remove(p + recordfmt.SidecarExt); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// Limits bound what a folder of recordings keeps. A zero field is no limit.
type Limits struct {
	// MaxAge removes recordings that started longer ago.
	MaxAge time.Duration
	// MaxBytes removes the oldest recordings until the rest take at most
	// this much.
	MaxBytes int64
}

// staleOpen is how long a recording may go unwritten and still count as
// open (its sidecar has no end because the session goes on); older ones
// were left by a program that stopped without completing them.
const staleOpen = 24 * time.Hour

// Prune applies the limits to dir at time now, oldest first, and returns
// the names it removed. Recordings still being written are kept.
func Prune(dir string, l Limits, now time.Time) ([]string, error) {
	list, err := List(dir)
	if err != nil {
		return nil, err
	}
	slices.Reverse(list) // oldest first
	var total int64
	for _, r := range list {
		total += r.Size
	}
	var removed []string
	var errs []error
	for _, r := range list {
		if r.Open && now.Sub(r.modTime) < staleOpen {
			continue
		}
		old := l.MaxAge > 0 && now.Sub(r.Start) > l.MaxAge
		big := l.MaxBytes > 0 && total > l.MaxBytes
		if !old && !big {
			continue
		}
		if err := remove(filepath.Join(dir, r.Name)); err != nil { // List has checked it is one
			errs = append(errs, err)
			continue
		}
		total -= r.Size
		removed = append(removed, r.Name)
	}
	return removed, errors.Join(errs...)
}

// DefaultLimits keep a month of recordings, in 10 GiB at most.
func DefaultLimits() Limits { return Limits{MaxAge: 30 * 24 * time.Hour, MaxBytes: 10 << 30} }
