package proxy

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gobwas/ws"
)

// refusal is why a request is not served: the HTTP status and the reason the
// user reads, with the headers the answer needs (WWW-Authenticate, Allow…).
// Every check of a request returns one, or nil.
type refusal struct {
	status int
	reason string
	header http.Header
	// page is what a browser's navigation gets instead of plain text.
	page RefusalPage
	// counted is a failed guess, logged in the guess limiter's summary
	// line rather than one line each.
	counted bool
}

func (e *refusal) Error() string { return e.reason }

func refused(status int, reason string) *refusal {
	return &refusal{status: status, reason: reason}
}

// asRefusal turns any error from a check into a refusal: an Authenticator's
// AuthError keeps its status and headers, anything else is a 403.
func asRefusal(err error) *refusal {
	var rf *refusal
	if errors.As(err, &rf) {
		return rf
	}
	var ae *AuthError
	if errors.As(err, &ae) {
		return &refusal{status: ae.Status, reason: ae.Reason, header: ae.Header, page: ae.Page}
	}
	return refused(http.StatusForbidden, err.Error())
}

// closeCode is the WebSocket close code that carries a refusal to a browser
// (RefusalCode: 4403 for 403…).
func (e *refusal) closeCode() ws.StatusCode { return refusalCode(e.status) }

// refuse answers a request that cannot be served with an HTTP error that
// carries the reason in its body (a browser's navigation gets the
// refusal's page, if it has one), and logs it.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, rf *refusal) {
	s.logRefusal(r, rf)
	for k, vs := range rf.header {
		w.Header()[k] = vs
	}
	if isUpgrade(r) {
		w.Header().Set("Connection", "close")
	}
	if rf.page != NoRefusalPage && wantsPage(r) {
		writeRefusalPage(w, r, rf)
		return
	}
	http.Error(w, strconv.Itoa(rf.status)+" "+http.StatusText(rf.status)+": "+rf.reason, rf.status)
}

func (s *Server) logRefusal(r *http.Request, rf *refusal) {
	if isUpgrade(r) {
		s.metrics.handshakeFailed(failureReason(rf.status))
	}
	if rf.counted {
		return
	}
	s.log.Info("request refused", "client", r.RemoteAddr, "method", r.Method, "path", redactQuery(r.URL),
		"status", rf.status, "reason", rf.reason)
}

// refuseUpgrade refuses a WebSocket handshake. A page in a browser cannot
// read the HTTP answer of a failed WebSocket, only the close of an open one:
// so a browser's handshake (one with an Origin) that is otherwise well formed
// is completed and closed at once, with closeCode and the reason, and nothing
// else is sent. Other clients get the HTTP error, as from websockify.
func (s *Server) refuseUpgrade(w http.ResponseWriter, r *http.Request, rf *refusal) {
	if r.Header.Get("Origin") == "" || isLegacyHandshake(r) {
		s.refuse(w, r, rf)
		return
	}
	op, err := rfc6455Opening(r)
	if err != nil {
		s.refuse(w, r, rf)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		s.refuse(w, r, rf)
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		s.log.Warn("handshake failed", "client", r.RemoteAddr, "error", err)
		return
	}
	s.logRefusal(r, rf)
	defer conn.Close()
	var p [maxControlLength]byte
	answer := appendControl(op.answer, ws.OpClose, closePayload(p[:0], rf.closeCode(), rf.reason))
	conn.SetDeadline(time.Now().Add(closeGrace))
	if _, err := conn.Write(answer); err != nil {
		return
	}
	// Wait for the client's close (or its end) before closing: closing with
	// its frames unread would reset the connection, and the browser could lose
	// the close frame that says why.
	if cw, ok := netConn(conn).(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	var b [512]byte
	for {
		if _, err := conn.Read(b[:]); err != nil {
			return
		}
	}
}
