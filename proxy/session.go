package proxy

import (
	"errors"
	"io"
	"net"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gobwas/ws"

	"vncbridge/proxy/recordfmt"
)

// framing is how a session wraps the bytes it relays.
type framing uint8

const (
	framingBinary  framing = iota // RFC 6455, binary frames
	framingBase64                 // RFC 6455, text frames of base64 (the base64 subprotocol)
	framingHixie75                // draft-hixie-75: 0x00 base64 0xFF
	framingHixie76                // draft-hixie-76: the same frames
)

func (f framing) String() string {
	switch f {
	case framingBase64:
		return "base64"
	case framingHixie75:
		return "hixie-75"
	case framingHixie76:
		return "hixie-76"
	}
	return "binary"
}

func (f framing) legacy() bool { return f == framingHixie75 || f == framingHixie76 }

// clientReader parses what a client sends: frameReader (RFC 6455) or
// hixieReader (legacy).
type clientReader interface {
	feed(p []byte) (data []byte, ctrl *control, rest []byte, err error)
}

// session relays one WebSocket client to the target: one goroutine reads the
// client (upstream), one reads the target (downstream). Neither queues: each
// writes what it read before it reads again, so a slow peer slows the other
// side down through TCP itself.
//
// Teardown goes through these states, each entered once:
//
//   - running: both directions relay; the writer is open.
//   - closing: a close frame went to the client (s.w.closed()): its answer
//     is awaited for closeGrace; nothing is written or relayed to the
//     target after it.
//   - ending (s.ending): the client's connection is closed (stopClient) or
//     both are (abort); errors are expected and not reported. The target
//     is half-closed and drained (releaseTarget) so that nothing written to
//     it is lost.
//   - finished: both directions returned; the last one runs finish, which
//     closes everything and logs the first reason noted (noteEnd).
type session struct {
	srv    *Server
	id     uint64
	client net.Conn
	// addr is the client's address, host:port, kept from the handshake:
	// the connection of a userspace network stack (a tailnet's) no longer
	// knows it once closed.
	addr       string
	name       string        // Config.ViewerName's, "" without one
	target     net.Conn      // nil when the target could not be reached
	dest       Target        // where target goes
	w          *clientWriter // the only writer to client once the session runs; its framing is the session's
	secure     bool          // the client came over TLS
	pending    []byte        // client bytes read past the handshake
	rec        *recorder
	start      time.Time
	view       *viewOnlyFilter // view-only sessions only (viewonly.go)
	fromTarget *pooledReader   // downstream's reads of target
	browser    string          // the client's browser in one word
	device     string          // and its device
	key        string          // Config.ViewerKey's name for the client
	filesKey   string          // the secret its page's file requests carry (files.go)

	ending    atomic.Bool  // the session is being torn down: errors are expected
	release   sync.Once    // the target is released once (releaseTarget)
	lastSeen  atomic.Int64 // unix nanoseconds of the client's last read, kept with a heartbeat
	toTarget  atomic.Int64 // payload bytes relayed client → target
	toClient  atomic.Int64 // payload bytes relayed target → client
	running   atomic.Int32 // goroutines still running
	heartbeat *time.Timer

	endMu   sync.Mutex
	endWhy  string // the first reason the session ended, for the log
	endCode ws.StatusCode

	filesMu sync.Mutex
	fileLog []recordfmt.FileEvent // its files, for its recording's sidecar (files.go)
}

// run starts the two directions. The last one to stop closes everything and
// reports the session's end.
func (s *session) run() {
	s.lastSeen.Store(time.Now().UnixNano())
	if hb := s.srv.cfg.Heartbeat; hb > 0 && !s.w.framing.legacy() { // legacy clients cannot answer pings
		s.heartbeat = time.AfterFunc(hb, s.beat)
	}
	s.running.Store(2)
	go s.guard("upstream", s.upstream)
	go s.guard("downstream", s.downstream)
}

// guard runs one direction, turning a panic into the end of this session
// alone, and tears the session down after the last direction has stopped.
func (s *session) guard(name string, f func()) {
	defer func() {
		if v := recover(); v != nil {
			s.srv.log.Error("session panic", "session", s.id, "in", name, "panic", v, "stack", string(debug.Stack()))
			s.noteEnd("internal error", ws.StatusInternalServerError)
			s.abort()
		}
		if s.running.Add(-1) == 0 {
			s.finish()
		}
	}()
	f()
}

// upstream reads frames from the client and writes their payload to the
// target; it answers pings and close frames.
func (s *session) upstream() {
	var rd clientReader
	switch s.w.framing {
	case framingBinary:
		rd = &frameReader{}
	case framingBase64:
		out := getBuffer()
		defer putBuffer(out)
		rd = &frameReader{base64: true, out: *out}
	default:
		out := getBuffer()
		defer putBuffer(out)
		rd = &hixieReader{max: s.srv.cfg.maxLegacyFrame(), out: *out}
	}
	fromClient := newPooledReader(s.client, 0)
	for {
		var buf *[]byte
		var p []byte
		var err error
		if s.pending != nil {
			p, s.pending = s.pending, nil
		} else {
			var n int
			buf, n, err = fromClient.read()
			p = (*buf)[:n]
		}
		if len(p) > 0 && s.heartbeat != nil { // only the heartbeat asks
			s.lastSeen.Store(time.Now().UnixNano())
		}
		done := s.handleClientBytes(rd, p)
		if buf != nil {
			putBuffer(buf)
		}
		if done {
			return
		}
		if err != nil {
			s.clientGone(err)
			return
		}
	}
}

// handleClientBytes relays everything in p and reports whether the session
// is over.
func (s *session) handleClientBytes(fr clientReader, p []byte) (done bool) {
	for len(p) > 0 {
		data, ctrl, rest, err := fr.feed(p)
		p = rest
		if s.view != nil && len(data) > 0 { // view-only (viewonly.go)
			data, err = s.viewClient(data, err)
		}
		if len(data) > 0 && s.target != nil && !s.w.closed() {
			s.traffic("}")
			s.rec.frame(true, data)
			n, werr := s.target.Write(data)
			s.toTarget.Add(int64(n)) // what the system took: it is delivered unless the target fails
			if werr != nil {
				s.targetLost(werr)
			}
		}
		if err != nil {
			var ce *closeError
			if errors.As(err, &ce) {
				s.srv.log.Info("client broke the protocol", "session", s.id, "client", s.addr, "error", ce.reason)
				s.noteEnd("client broke the protocol: "+ce.reason, ce.code)
				s.closeWith(ce.code, ce.reason)
			}
			s.stopClient()
			return true
		}
		if ctrl == nil {
			continue
		}
		switch ctrl.op {
		case ws.OpPing:
			if err := s.w.pong(ctrl.payload); err != nil {
				s.noteEnd("client connection lost: pong not written: "+err.Error(), ws.StatusAbnormalClosure)
				s.stopClient()
				return true
			}
		case ws.OpPong:
			// lastSeen is already fresh.
		case ws.OpClose:
			code, reason, err := parseClose(ctrl.payload)
			if err != nil {
				var ce *closeError
				errors.As(err, &ce)
				s.noteEnd("client broke the protocol: "+ce.reason, ce.code)
				s.closeWith(ce.code, ce.reason)
				s.stopClient()
				return true
			}
			s.clientClosed(code, reason)
			return true
		}
	}
	return false
}

// clientClosed handles the client's close frame: echo it (unless ours was
// first, and this is the answer), then end the session.
func (s *session) clientClosed(code ws.StatusCode, reason string) {
	s.noteEnd("client closed ("+closeText(code, reason)+")", code)
	if !s.w.closed() {
		echo := code
		if echo == ws.StatusNoStatusRcvd {
			echo = ws.StatusNormalClosure
		}
		s.closeWith(echo, reason)
	}
	s.stopClient()
}

// clientGone handles a client that vanished without a close frame, or whose
// close we already waited for long enough.
func (s *session) clientGone(err error) {
	switch {
	case s.ending.Load():
	case isDeadline(err) && s.w.closed():
		s.noteEnd("client did not answer the close", 0)
	case errors.Is(err, io.EOF):
		s.noteEnd("client disconnected without a close frame", ws.StatusAbnormalClosure)
	default:
		s.noteEnd("client connection lost: "+err.Error(), ws.StatusAbnormalClosure)
	}
	s.stopClient()
}

// downstream reads the target and writes what it read to the client in frames.
func (s *session) downstream() {
	if s.target == nil {
		return
	}
	s.fromTarget = newPooledReader(s.target, frameHeaderRoom)
	step := s.downstreamStep
	if sp := s.splicer(); sp != nil { // zero-copy where the system can (splice_linux.go)
		step = sp
		if s.view != nil { // view-only: zero-copy once the filter has read the handshake (viewonly.go)
			step = s.viewStep(sp)
		}
	}
	for {
		err := step()
		if err != nil {
			if s.ending.Load() {
				return
			}
			switch {
			case !errors.Is(err, io.EOF):
				s.targetLost(err)
			case wasReset(s.target):
				s.targetLost(syscall.ECONNRESET)
			default:
				s.noteEnd("target closed", ws.StatusNormalClosure)
				s.closeWith(ws.StatusNormalClosure, ReasonTargetClosed)
			}
			// Let upstream collect the client's answer, then stop.
			s.target.Close()
			s.client.SetReadDeadline(time.Now().Add(closeGrace))
			return
		}
	}
}

// downstreamStep relays one read of the target to the client and returns the
// read's error (io.EOF at the end of the stream).
func (s *session) downstreamStep() error {
	buf, n, err := s.fromTarget.read()
	if n > 0 && s.view != nil && !s.view.serverDone() && !s.viewServer((*buf)[frameHeaderRoom:frameHeaderRoom+n]) {
		putBuffer(buf) // view-only (viewonly.go): the filter cannot follow the target, and the session is ending
		return errViewOnlyEnded
	}
	if n > 0 {
		werr := s.writeData(*buf, n)
		putBuffer(buf)
		if werr != nil {
			s.noteEnd("client connection lost: "+werr.Error(), ws.StatusAbnormalClosure)
			s.stopClient() // and drain the target below
		}
	} else {
		putBuffer(buf)
	}
	return err
}

// writeData records and sends one relay buffer's payload to the client.
func (s *session) writeData(b []byte, n int) error {
	s.rec.frame(false, b[frameHeaderRoom:frameHeaderRoom+n])
	s.traffic("{")
	if s.ending.Load() {
		return nil // nobody reads any more
	}
	sent, err := s.w.writeData(b, n)
	if sent {
		s.toClient.Add(int64(n))
	}
	return err
}

// closeWith sends the close frame, once (see clientWriter.close).
func (s *session) closeWith(code ws.StatusCode, reason string) {
	s.w.close(code, reason)
}

// targetLost ends the session for a target connection that failed (a reset
// is one: the VNC server crashed), in whichever direction it was seen first:
// 1011 with the reason, never a clean close.
func (s *session) targetLost(err error) {
	if s.ending.Load() {
		return // we closed it
	}
	s.noteEnd("target connection lost: "+err.Error(), ws.StatusInternalServerError)
	s.closeWith(ws.StatusInternalServerError, ReasonTargetLost+err.Error())
}

// stopClient ends the client's side: its connection closes at once, the
// target's gently (see releaseTarget).
func (s *session) stopClient() {
	s.ending.Store(true)
	s.w.stop()
	s.client.Close()
	s.releaseTarget()
}

// releaseTarget ends the target connection without losing what was written
// to it: closing a socket that still has unread input makes the system reset
// the connection and drop the output not yet sent. So the target gets a
// half-close (end of stream after everything written), and downstream drains
// what it still sends until it closes too, or for drainGrace at most.
func (s *session) releaseTarget() {
	if s.target == nil {
		return
	}
	s.release.Do(func() {
		type closeWriter interface{ CloseWrite() error }
		if cw, ok := s.target.(closeWriter); ok && cw.CloseWrite() == nil {
			s.target.SetReadDeadline(time.Now().Add(drainGrace))
			return
		}
		s.target.Close()
	})
}

// abort tears both connections down, which ends whichever direction is still
// waiting.
func (s *session) abort() {
	s.ending.Store(true)
	if s.target != nil {
		s.target.Close()
	}
	s.client.Close()
}

// endNow ends the session from outside the relay (the sharer, the view-only
// filter): noted as why, the close frame with code and reason, the target
// closed at once, and the client's answer awaited for closeGrace.
func (s *session) endNow(why string, code ws.StatusCode, reason string) {
	s.noteEnd(why, code)
	s.closeWith(code, reason)
	s.ending.Store(true)
	if s.target != nil {
		s.target.Close()
	}
	s.client.SetReadDeadline(time.Now().Add(closeGrace))
}

// goAway closes the session for a server shutdown. The target is released
// like the client's end releases it, so that every byte counted as relayed
// to it arrives.
func (s *session) goAway() {
	s.noteEnd("server shutting down", ws.StatusGoingAway)
	s.closeWith(ws.StatusGoingAway, ReasonShuttingDown)
	s.ending.Store(true)
	s.releaseTarget()
	s.client.SetReadDeadline(time.Now().Add(closeGrace))
}

// beat is the heartbeat: drop a client that has been silent for two
// intervals, ping the others.
func (s *session) beat() {
	hb := s.srv.cfg.Heartbeat
	silent := time.Since(time.Unix(0, s.lastSeen.Load()))
	if silent > 2*hb {
		s.noteEnd("client did not answer heartbeats for "+silent.Round(time.Millisecond).String(), ws.StatusGoingAway)
		s.stopClient()
		return
	}
	if err := s.w.ping(hb); err != nil {
		s.noteEnd("client does not read: heartbeat ping not written: "+err.Error(), ws.StatusAbnormalClosure)
		s.stopClient()
		return
	}
	if !s.ending.Load() {
		s.heartbeat.Reset(hb)
	}
}

// noteEnd keeps the first reason the session ended.
func (s *session) noteEnd(why string, code ws.StatusCode) {
	s.endMu.Lock()
	if s.endWhy == "" {
		s.endWhy, s.endCode = why, code
	}
	s.endMu.Unlock()
}

// finish runs once both directions have stopped.
func (s *session) finish() {
	if s.heartbeat != nil {
		s.heartbeat.Stop()
	}
	if s.target != nil {
		// A target still sending when its drain ran out is reset by the
		// close: what it had not received is lost, and not counted.
		if lost := lostOnClose(s.target); lost > 0 {
			s.toTarget.Add(-lost)
			s.srv.log.Warn("target data lost on close", "session", s.id, "bytes", lost)
		}
	}
	s.abort()
	s.filesMu.Lock()
	s.rec.setFiles(s.fileLog)
	s.filesMu.Unlock()
	s.rec.close()
	s.endMu.Lock()
	why := s.endWhy
	s.endMu.Unlock()
	s.srv.log.Info("session ended", append([]any{
		"session", s.id,
		"client", s.addr,
		"target", s.dest.String(),
		"protocol", s.w.framing.String(),
		"tls", s.secure,
		"duration", time.Since(s.start).Round(time.Millisecond),
		"to_target", s.toTarget.Load(),
		"to_client", s.toClient.Load(),
		"reason", why}, s.nameAttr()...)...)
	s.srv.sessionEnded(s)
}

func (s *session) traffic(mark string) {
	if s.srv.cfg.Traffic {
		s.srv.log.Info("traffic", "session", s.id, "frame", mark)
	}
}

func closeText(code ws.StatusCode, reason string) string {
	if reason == "" {
		return strconv.Itoa(int(code))
	}
	return strconv.Itoa(int(code)) + " " + reason
}

// nameAttr is the session's viewer name for a log line, when it has one.
func (s *session) nameAttr() []any {
	if s.name == "" {
		return nil
	}
	return []any{"viewer", s.name}
}
