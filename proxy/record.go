package proxy

import (
	"bufio"
	"os"
	"strconv"
	"sync"
	"time"
)

// A recording is a JavaScript file that noVNC's playback page loads:
//
//	var VNC_frame_data = [
//	'{12{RFB 003.008\n',
//	'}15{RFB 003.008\n',
//	'EOF'];
//
// One string per frame: '{' for bytes sent to the client, '}' for bytes from
// it, the milliseconds since the session began, '{', then the bytes as a
// single-quoted string literal whose characters are the bytes (Latin-1).
// Every frame is flushed as it is written, so a recording is complete up to
// the last frame whatever ends the session.
//
// The file is created with the first frame, so a session that never reached
// its target leaves none; its sidecar (recordMeta) is written then and
// completed when the recording ends. A write that fails (a full disk) stops
// the recording, not the session.
type recorder struct {
	srv  *Server
	mu   sync.Mutex
	name string
	f    *os.File
	w    *bufio.Writer
	meta recordMeta // meta.Start is where the frames' times count from
	done bool       // closed, or stopped by an error: nothing more is written
	line []byte
}

// newRecorder prepares session id's recording; its file is created by the
// first frame.
func (s *Server) newRecorder(id uint64, viewer, target string) *recorder {
	now := time.Now()
	return &recorder{
		srv:  s,
		name: s.cfg.recordingName(id, now),
		meta: recordMeta{Start: now, Viewer: viewer, Target: target, Version: s.cfg.Version, Session: id},
	}
}

// open creates the file and the sidecar; r.mu is held.
func (r *recorder) open() bool {
	f, err := os.OpenFile(r.name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		r.done = true
		r.srv.log.Warn("cannot record session", "session", r.meta.Session, "error", err)
		r.report(err)
		return false
	}
	r.srv.log.Info("recording session", "session", r.meta.Session, "file", r.name)
	r.f, r.w = f, bufio.NewWriterSize(f, 32<<10)
	r.w.WriteString("var VNC_frame_data = [\n")
	if err := writeSidecar(r.name, &r.meta); err != nil {
		r.srv.log.Warn("cannot write the recording's sidecar", "session", r.meta.Session, "error", err)
	}
	return true
}

// frame records p, sent by the client when fromClient, else to it.
func (r *recorder) frame(fromClient bool, p []byte) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done || r.f == nil && !r.open() {
		return
	}
	dir := byte('{')
	if fromClient {
		dir = '}'
	}
	b := append(r.line[:0], '\'', dir)
	b = strconv.AppendInt(b, time.Since(r.meta.Start).Milliseconds(), 10)
	b = append(b, '{')
	b = appendJSBytes(b, p)
	b = append(b, "',\n"...)
	r.w.Write(b)
	if err := r.w.Flush(); err != nil {
		r.fail(err)
		return
	}
	if cap(b) <= 64<<10 {
		r.line = b
	}
}

// fail stops the recording after a write error; r.mu is held.
func (r *recorder) fail(err error) {
	r.srv.log.Warn("recording stopped", "session", r.meta.Session, "file", r.name, "error", err)
	r.f.Close()
	r.done = true
	end := time.Now()
	r.meta.End, r.meta.Stopped = &end, err.Error()
	writeSidecar(r.name, &r.meta) // may fail as well on a full disk
	r.report(err)
}

// report tells the program a recording stopped.
func (r *recorder) report(err error) {
	if fn := r.srv.cfg.OnRecordError; fn != nil {
		fn(r.name, err)
	}
}

// close ends the recording.
func (r *recorder) close() {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done || r.f == nil {
		r.done = true
		return
	}
	r.done = true
	r.w.WriteString("'EOF'];\n")
	if err := r.w.Flush(); err != nil {
		r.fail(err)
		return
	}
	r.f.Close()
	end := time.Now()
	r.meta.End = &end
	if err := writeSidecar(r.name, &r.meta); err != nil {
		r.srv.log.Warn("cannot complete the recording's sidecar", "session", r.meta.Session, "error", err)
	}
}

// appendJSBytes appends p as the inside of a single-quoted JavaScript string
// whose character codes are the bytes.
func appendJSBytes(b, p []byte) []byte {
	const hex = "0123456789abcdef"
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
	return b
}
