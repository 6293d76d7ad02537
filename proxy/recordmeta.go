package proxy

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"vncbridge/proxy/recordfmt"
)

// recordingName is the try'th name for session id's recording: Record.N, as
// websockify names them, with N the session's number and the numbers after
// it when that file exists; or a file in RecordDir named by the session's
// start time (local time, as people read it) and number, with "-2", "-3"…
// after it when that name is taken.
func (c *Config) recordingName(id uint64, start time.Time, try int) string {
	if c.Record != "" {
		return c.Record + "." + strconv.FormatUint(id+uint64(try), 10)
	}
	name := "session-" + start.Format("2006-01-02_15-04-05.000") + "-" + strconv.FormatUint(id, 10)
	if try > 0 {
		name += "-" + strconv.Itoa(try+1)
	}
	return filepath.Join(c.RecordDir, name+recordfmt.Ext)
}

// recordingFolder is the folder recordings go to, or "" without recording.
func (c *Config) recordingFolder() string {
	switch {
	case c.Record != "":
		return filepath.Dir(c.Record)
	case c.RecordDir != "":
		return c.RecordDir
	}
	return ""
}

// warnSharedRecordingFolder warns when other users can write to the folder
// recordings go to.
func (s *Server) warnSharedRecordingFolder() {
	dir := s.cfg.recordingFolder()
	if dir == "" {
		return
	}
	why := recordfmt.OthersCanWrite(dir)
	if why == "" {
		return
	}
	todo := "make the folder writable by you alone (chmod 700 " + dir + ")"
	if s.cfg.Record != "" {
		todo = "record into a folder only you can write to, such as --record=$HOME/recordings/session (the folder must exist)"
	}
	s.log.Warn("recordings go to a folder other users can write to: they can put files and links where recordings go, "+
		"and see when sessions are recorded; "+todo, "folder", dir, "why", why)
}

// recordingWriteRate, set by VNCBRIDGE_RECORDING_WRITE_RATE (bytes per
// second), makes every write to a recording take as long as it would at
// that rate: the bench's deliberately slow disk.
var recordingWriteRate, _ = strconv.Atoi(os.Getenv("VNCBRIDGE_RECORDING_WRITE_RATE"))

// slowWriter writes at most rate bytes per second (recordingWriteRate).
type slowWriter struct {
	io.WriteCloser
	rate int
}

func (w slowWriter) Write(p []byte) (int, error) {
	time.Sleep(time.Duration(len(p)) * time.Second / time.Duration(w.rate))
	return w.WriteCloser.Write(p)
}
