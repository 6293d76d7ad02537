package proxy

import (
	"context"
	"crypto/sha1"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gobwas/ws"
)

// websocketGUID is the constant of RFC 6455 section 1.3.
const websocketGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// Subprotocols this server speaks, in order of preference.
const (
	protoBinary = "binary"
	protoBase64 = "base64"
)

// isUpgrade tells whether r asks for a WebSocket.
func isUpgrade(r *http.Request) bool {
	return headerHasToken(r.Header, "Connection", "upgrade") &&
		strings.EqualFold(strings.TrimSpace(r.Header.Get("Upgrade")), "websocket")
}

// opening is an accepted handshake: how the session frames its data and
// how to answer the client.
type opening struct {
	framing framing
	answer  []byte // the 101 response (for Hixie-76, without its challenge answer)
	key1    string // Hixie-76: the keys; the third comes after the headers
	key2    string
}

// upgrade turns a WebSocket handshake into a session, in three steps: check
// the request, take the connection from net/http, start the session.
func (s *Server) upgrade(w http.ResponseWriter, r *http.Request) {
	// net/http forgets a hijacked connection: Shutdown waits on upgrading
	// until the session is in the table, or refused with its close frame.
	s.upgrading.Add(1)
	settled := sync.OnceFunc(s.upgrading.Done)
	defer settled()
	op, target, err := s.checkUpgrade(w, r)
	if err != nil {
		s.refuseUpgrade(w, r, asRefusal(err))
		return
	}
	conn, pending, err := s.takeConnection(w, r, &op)
	if err != nil {
		s.log.Info("handshake failed", "client", r.RemoteAddr, "error", err)
		return
	}
	s.startSession(conn, pending, r, op, target, settled)
}

// checkUpgrade checks everything about a handshake that can be checked
// before answering it, and chooses its target. It returns a *refusal, or an
// error of the Authenticator. (w gets only the headers an Authenticator's
// welcome adds.)
func (s *Server) checkUpgrade(w http.ResponseWriter, r *http.Request) (opening, Target, error) {
	if err := s.checkHost(r); err != nil {
		return opening{}, Target{}, err
	}
	if r.Method != http.MethodGet {
		return opening{}, Target{}, &refusal{status: http.StatusMethodNotAllowed,
			reason: "a WebSocket handshake must be a GET request", header: http.Header{"Allow": {http.MethodGet}}}
	}
	if err := s.checkOrigin(r); err != nil {
		return opening{}, Target{}, err
	}
	if err := s.authenticate(w, r); err != nil {
		return opening{}, Target{}, err
	}
	var op opening
	var err error
	if isLegacyHandshake(r) {
		op, err = s.legacyOpening(r)
	} else {
		op, err = rfc6455Opening(r)
	}
	if err != nil {
		return opening{}, Target{}, err
	}
	target, err := s.sessionTarget(r)
	return op, target, err
}

// takeConnection takes the client's connection from net/http, with the
// client bytes already read past the handshake. For Hixie-76 it reads the
// third key and completes the answer.
func (s *Server) takeConnection(w http.ResponseWriter, r *http.Request, op *opening) (net.Conn, []byte, error) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("connection cannot be upgraded")
	}
	conn, brw, err := hj.Hijack()
	if err != nil {
		return nil, nil, err
	}
	if op.framing == framingHixie76 {
		// The third key is the 8 bytes after the headers.
		var key3 [8]byte
		conn.SetReadDeadline(time.Now().Add(s.cfg.handshakeTimeout()))
		_, err := io.ReadFull(brw.Reader, key3[:])
		conn.SetReadDeadline(time.Time{})
		if err != nil {
			conn.Close()
			return nil, nil, fmt.Errorf("the Hixie-76 handshake lacks its 8-byte key: %w", err)
		}
		answer, _ := hixieChallenge(op.key1, op.key2, key3[:]) // the keys were checked
		op.answer = append(op.answer, answer[:]...)
	}
	var pending []byte
	if n := brw.Reader.Buffered(); n > 0 {
		b, _ := brw.Reader.Peek(n)
		pending = append([]byte(nil), b...)
	}
	return netConn(conn), pending, nil
}

// startSession connects to the target, answers the handshake, registers the
// session and runs it. A target that cannot be reached is told to the client
// in the close frame (1011) that follows the answer.
func (s *Server) startSession(conn net.Conn, pending []byte, r *http.Request, op opening, target Target, settled func()) {
	id := s.nextID.Add(1)
	var targetConn net.Conn
	var dialErr error
	if s.cfg.Consent == nil { // else the target is dialed once the viewer is let in
		targetConn, dialErr = s.dialSession(target)
	}

	conn.SetWriteDeadline(time.Now().Add(closeGrace))
	if _, err := conn.Write(op.answer); err != nil {
		s.log.Info("handshake failed", "client", r.RemoteAddr, "error", err)
		conn.Close()
		if targetConn != nil {
			targetConn.Close()
		}
		return
	}
	conn.SetWriteDeadline(time.Time{})

	_, secure := conn.(*tls.Conn)
	ss := &session{
		srv:     s,
		id:      id,
		client:  conn,
		addr:    r.RemoteAddr,
		target:  targetConn,
		dest:    target,
		w:       newClientWriter(conn, op.framing, r.URL.Query().Get("seq_num") == "1"),
		secure:  secure,
		pending: pending,
		start:   time.Now(),
		browser: browserOf(r.UserAgent()),
		device:  deviceOf(r.UserAgent()),
	}
	if s.cfg.ViewerKey != nil {
		ss.key = s.cfg.ViewerKey(r)
	}
	if s.files.serving() {
		ss.filesKey = filesKeyOf(r)
	}
	if s.cfg.ViewerName != nil {
		ss.name = s.cfg.ViewerName(r)
	}
	if s.viewOnlyRequest(r, target) {
		ss.view = newViewOnlyFilter()
	}
	if s.cfg.Consent != nil {
		allowed, viewOnly := s.consent(ss, r)
		if !allowed {
			return
		}
		if viewOnly && ss.view == nil {
			ss.view = newViewOnlyFilter()
		}
		ss.target, dialErr = s.dialSession(target)
	}
	// The recorder is there before the session is seen (its file requests
	// note their files in it); its file comes with the first frame.
	if s.cfg.Record != "" || s.cfg.RecordDir != "" {
		name := target.String()
		if s.cfg.TargetName != "" && s.cfg.Tokens == nil {
			name = s.cfg.TargetName
		}
		ss.rec = s.newRecorder(id, r.RemoteAddr, name)
	}
	if !s.sessionStarted(ss) { // the upgrade raced with Shutdown
		s.log.Info("session refused: server shutting down", "session", id, "client", r.RemoteAddr)
		code := ws.StatusGoingAway
		if r.Header.Get("Origin") != "" {
			code = refused(http.StatusServiceUnavailable, "").closeCode()
		}
		ss.closeWith(code, ReasonShuttingDown)
		ss.abort()
		return
	}
	s.log.Info("session started", append([]any{"session", id, "client", r.RemoteAddr, "target", target.String(),
		"protocol", op.framing.String(), "tls", secure, "seq_num", ss.w.seq,
		"mode", ss.viewer().Mode(), "browser", ss.browser}, ss.nameAttr()...)...)
	s.log.Debug("handshake", "session", id, "path", redactQuery(r.URL), "origin", r.Header.Get("Origin"),
		"user_agent", r.UserAgent(), "version", r.Header.Get("Sec-WebSocket-Version"))
	if dialErr != nil {
		reason := unreachableReason(target, dialErr)
		s.log.Warn("target unreachable", "session", id, "target", target.String(), "error", dialErr)
		ss.noteEnd(reason, ws.StatusInternalServerError)
		ss.closeWith(ws.StatusInternalServerError, reason)
		ss.client.SetReadDeadline(time.Now().Add(closeGrace))
	}
	settled()
	ss.run()
}

// dialSession connects a session to its target within the dial timeout.
func (s *Server) dialSession(t Target) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.dialTimeout())
	defer cancel()
	return s.dialTarget(ctx, t)
}

// rfc6455Opening checks an RFC 6455 handshake.
func rfc6455Opening(r *http.Request) (opening, error) {
	switch v := r.Header.Get("Sec-WebSocket-Version"); v {
	case "13", "8", "7":
	case "":
		return opening{}, refused(http.StatusBadRequest, "missing Sec-WebSocket-Version header")
	default:
		return opening{}, &refusal{status: http.StatusUpgradeRequired,
			reason: "unsupported WebSocket version " + strconv.Quote(v) + ": this server speaks 13, 8 and 7",
			header: http.Header{"Sec-Websocket-Version": {"13, 8, 7"}}}
	}
	key := strings.TrimSpace(r.Header.Get("Sec-WebSocket-Key"))
	if k, err := base64.StdEncoding.DecodeString(key); err != nil || len(k) != 16 {
		return opening{}, refused(http.StatusBadRequest, "Sec-WebSocket-Key must be 16 bytes in base64")
	}
	fr, proto, why := chooseSubprotocol(r.Header.Values("Sec-WebSocket-Protocol"))
	if why != "" {
		return opening{}, refused(http.StatusBadRequest, why)
	}
	a := []byte("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ")
	a = append(a, acceptKey(key)...)
	if proto != "" {
		a = append(a, "\r\nSec-WebSocket-Protocol: "...)
		a = append(a, proto...)
	}
	a = append(a, "\r\n\r\n"...)
	return opening{framing: fr, answer: a}, nil
}

// chooseSubprotocol picks the framing for the protocols a client offers:
// binary when offered, base64 when offered without binary, binary when none
// is offered. It returns the protocol to confirm ("" for none), or why the
// offer cannot be served.
func chooseSubprotocol(offers []string) (framing, string, string) {
	var offered []string
	for _, line := range offers {
		for _, p := range strings.Split(line, ",") {
			if p = strings.TrimSpace(p); p != "" {
				offered = append(offered, p)
			}
		}
	}
	if len(offered) == 0 {
		return framingBinary, "", ""
	}
	has := func(want string) bool {
		for _, p := range offered {
			if p == want {
				return true
			}
		}
		return false
	}
	switch {
	case has(protoBinary):
		return framingBinary, protoBinary, ""
	case has(protoBase64):
		return framingBase64, protoBase64, ""
	}
	quoted := make([]string, len(offered))
	for i, p := range offered {
		quoted[i] = strconv.Quote(p)
	}
	return 0, "", "unsupported WebSocket subprotocol " + strings.Join(quoted, ", ") +
		": this server speaks \"binary\" and \"base64\" (or none, which means binary)"
}

// acceptKey is the Sec-WebSocket-Accept answer to a Sec-WebSocket-Key.
func acceptKey(key string) string {
	h := sha1.Sum([]byte(key + websocketGUID))
	return base64.StdEncoding.EncodeToString(h[:])
}

// headerHasToken tells whether a comma-separated header holds token.
func headerHasToken(h http.Header, name, token string) bool {
	for _, line := range h.Values(name) {
		for _, t := range strings.Split(line, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}
