package proxy

import (
	"errors"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gobwas/ws"
)

// clientWriter is the write side of a client connection, the one place that
// writes to it once the session has begun. It frames what goes to the client
// (RFC 6455 binary or base64 text frames, Hixie frames, sequence numbers),
// holds the lock that keeps frames whole (data from downstream, pongs and the
// close frame from upstream, pings from the heartbeat), and keeps the close
// state.
//
// A write that fails part way leaves half a frame on the wire: the writer is
// then broken, writes nothing more, and the caller ends the session. A control
// frame waits for the data frame being written to finish; it never goes in
// the middle of one.
type clientWriter struct {
	conn    net.Conn
	framing framing
	seq     bool   // number the frames "N:" (seq_num=1)
	seqNum  uint64 // the next frame's number; only downstream writes data

	mu    sync.Mutex    // held for the whole of each frame's write
	state atomic.Uint32 // writerOpen, writerClosed or writerBroken
}

const (
	writerOpen   = iota // frames may be written
	writerClosed        // the close frame was sent, or the session is over: nothing may follow
	writerBroken        // a write failed part way: the stream is unusable
)

// errWriterBroken is returned for writes after a failed one.
var errWriterBroken = errors.New("an earlier write to the client failed")

func newClientWriter(conn net.Conn, f framing, seq bool) *clientWriter {
	return &clientWriter{conn: conn, framing: f, seq: seq}
}

// closed tells whether nothing more may be written: the close frame went, the
// session is over, or a write failed.
func (w *clientWriter) closed() bool { return w.state.Load() != writerOpen }

// stop makes every later write a silent no-op: the session is being torn
// down and nobody reads any more.
func (w *clientWriter) stop() { w.state.CompareAndSwap(writerOpen, writerClosed) }

// write writes one whole frame under w.mu, which the caller holds, and
// breaks the writer if it fails.
func (w *clientWriter) write(frame []byte) error {
	if _, err := w.conn.Write(frame); err != nil {
		w.state.Store(writerBroken)
		return err
	}
	return nil
}

// writeData sends b[frameHeaderRoom:frameHeaderRoom+n] to the client as one
// frame. Plain binary frames are written in place, the header going into the
// room before the payload; other framings are encoded into a second buffer.
// It reports whether the frame went; it writes nothing once the writer is
// closed, and returns an error if the frame could not be written whole.
func (w *clientWriter) writeData(b []byte, n int) (bool, error) {
	var frame []byte
	if w.framing == framingBinary && !w.seq {
		start := putHeader(b, frameHeaderRoom, ws.OpBinary, n)
		frame = b[start : frameHeaderRoom+n]
	} else {
		enc := encodeBuffers.Get().(*[]byte)
		defer encodeBuffers.Put(enc)
		frame = w.encodeFrame(*enc, b[frameHeaderRoom:frameHeaderRoom+n])
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	switch w.state.Load() {
	case writerClosed:
		return false, nil // nothing may follow a close frame; nobody reads any more
	case writerBroken:
		return false, errWriterBroken
	}
	err := w.write(frame)
	return err == nil, err
}

// encodeBuffers hold frames that are not written in place: base64, legacy
// and numbered frames of a relay buffer's payload.
var encodeBuffers = sync.Pool{New: func() any {
	b := make([]byte, maxEncodedFrame)
	return &b
}}

// maxEncodedFrame fits a relay buffer's payload in base64 with a header and a
// sequence number.
const maxEncodedFrame = frameHeaderRoom + 21 + (relayBufferSize+2)/3*4 + 1

// encodeFrame builds into dst the frame that carries payload: base64 where
// the framing says so, after "N:" when frames are numbered.
func (w *clientWriter) encodeFrame(dst, payload []byte) []byte {
	var seq []byte
	var num [21]byte
	if w.seq {
		seq = append(strconv.AppendUint(num[:0], w.seqNum, 10), ':')
		w.seqNum++
	}
	body := len(payload)
	if w.framing != framingBinary {
		body = base64Len(len(payload))
	}
	if w.framing.legacy() {
		f := append(dst[:0], 0x00)
		f = append(f, seq...)
		f = f[:len(f)+encodeBase64(f[len(f):len(f)+body], payload)]
		return append(f, 0xff)
	}
	op := ws.OpBinary
	if w.framing == framingBase64 {
		op = ws.OpText
	}
	start := putHeader(dst, frameHeaderRoom, op, len(seq)+body)
	f := append(dst[:frameHeaderRoom], seq...)
	if w.framing == framingBase64 {
		return dst[start : len(f)+encodeBase64(dst[len(f):len(f)+body], payload)]
	}
	return dst[start : len(f)+copy(dst[len(f):len(f)+body], payload)]
}

// pong answers a ping. It waits for the frame being written, and for the
// client to take the pong, as long as data would wait: a client that sends
// pings without reading is slowed down by TCP like one that sends data, and
// every ping it sent is answered once it reads. The legacy protocols have no
// pongs.
func (w *clientWriter) pong(payload []byte) error {
	if w.framing.legacy() {
		return nil
	}
	var b [2 + maxControlLength]byte
	frame := appendControl(b[:0], ws.OpPong, payload)
	w.mu.Lock()
	defer w.mu.Unlock()
	switch w.state.Load() {
	case writerClosed:
		return nil
	case writerBroken:
		return errWriterBroken
	}
	return w.write(frame)
}

// ping sends the heartbeat's ping unless a frame is being written (which is
// proof enough of life on our side). The ping may take timeout at most; a
// ping that went only in part breaks the stream, and the error says so.
func (w *clientWriter) ping(timeout time.Duration) error {
	if w.framing.legacy() || !w.mu.TryLock() {
		return nil
	}
	defer w.mu.Unlock()
	if w.state.Load() != writerOpen {
		return nil
	}
	var b [2]byte
	w.conn.SetWriteDeadline(time.Now().Add(timeout))
	n, err := w.conn.Write(appendControl(b[:0], ws.OpPing, nil))
	w.conn.SetWriteDeadline(time.Time{})
	if err != nil && n == 0 && isDeadline(err) {
		return nil // nothing went, the stream is whole; the heartbeat's silence check judges the client
	}
	if err != nil {
		w.state.Store(writerBroken)
	}
	return err
}

// close sends the close frame, once, and reports whether it went. Nothing is
// written after it. The close, and a frame still being written before it,
// may take closeGrace: a client that does not read is not waited for longer.
func (w *clientWriter) close(code ws.StatusCode, reason string) bool {
	var frame []byte
	if w.framing.legacy() {
		frame = []byte{0xff, 0x00} // the legacy close carries no code or reason
	} else {
		var p [maxControlLength]byte
		var b [2 + maxControlLength]byte
		frame = appendControl(b[:0], ws.OpClose, closePayload(p[:0], code, reason))
	}
	if w.closed() {
		return false
	}
	w.conn.SetWriteDeadline(time.Now().Add(closeGrace))
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.state.CompareAndSwap(writerOpen, writerClosed) {
		return false
	}
	if _, err := w.conn.Write(frame); err != nil {
		w.state.Store(writerBroken)
		return false
	}
	return true
}
