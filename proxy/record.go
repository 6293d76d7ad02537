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
type recorder struct {
	mu    sync.Mutex
	f     *os.File
	w     *bufio.Writer
	start time.Time
	line  []byte
}

// openRecording starts session id's recording, or logs why it cannot.
func (s *Server) openRecording(id uint64) *recorder {
	name := s.cfg.Record + "." + strconv.FormatUint(id, 10)
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		s.log.Warn("cannot record session", "session", id, "error", err)
		return nil
	}
	s.log.Info("recording session", "session", id, "file", name)
	r := &recorder{f: f, w: bufio.NewWriterSize(f, 32<<10), start: time.Now()}
	r.w.WriteString("var VNC_frame_data = [\n")
	r.w.Flush()
	return r
}

// frame records p, sent by the client when fromClient, else to it.
func (r *recorder) frame(fromClient bool, p []byte) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return
	}
	dir := byte('{')
	if fromClient {
		dir = '}'
	}
	b := append(r.line[:0], '\'', dir)
	b = strconv.AppendInt(b, time.Since(r.start).Milliseconds(), 10)
	b = append(b, '{')
	b = appendJSBytes(b, p)
	b = append(b, "',\n"...)
	r.w.Write(b)
	r.w.Flush()
	if cap(b) <= 64<<10 {
		r.line = b
	}
}

// close ends the recording.
func (r *recorder) close() {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return
	}
	r.w.WriteString("'EOF'];\n")
	r.w.Flush()
	r.f.Close()
	r.f = nil
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
