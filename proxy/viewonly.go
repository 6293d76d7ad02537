package proxy

import (
	"errors"

	"github.com/gobwas/ws"
)

// The view-only hooks of a session's relay. A session is view-only when
// Config.ViewOnly, its Target or Config.Consent says so; it then has a
// viewOnlyFilter (rfb.go) and the relay calls:
//
//   - viewClient in upstream (session.handleClientBytes), on every payload
//     from the client before it is written to the target;
//   - viewServer in downstream (session.downstreamStep), on what the target
//     sends before it is written to the client, only until the filter has
//     read the server's part of the handshake (serverDone); where the system
//     relays downstream without a copy (splice), viewStep keeps the ordinary
//     path until then.
//
// Normal sessions have no filter and take neither hook.

// viewClient returns what of data may reach the target. When the filter
// cannot follow the client, err becomes the close error that ends the
// session with the filter's reason; otherwise err is returned unchanged.
func (s *session) viewClient(data []byte, err error) ([]byte, error) {
	out, ferr := s.view.client(data)
	if ferr != nil {
		s.srv.log.Info("view-only session ended", "session", s.id, "reason", ferr.Error())
		return out, &closeError{code: ws.StatusPolicyViolation, reason: clip(ferr.Error(), maxControlLength-2)}
	}
	return out, err
}

// viewServer shows the filter what the target sent; false means the filter
// cannot follow the target, and the session is ending with its reason.
func (s *session) viewServer(p []byte) bool {
	err := s.view.server(p)
	if err == nil {
		return true
	}
	reason := clip(err.Error(), maxControlLength-2)
	s.srv.log.Info("view-only session ended", "session", s.id, "reason", reason)
	s.endNow(reason, ws.StatusPolicyViolation, reason)
	return false
}

// errViewOnlyEnded ends downstream after viewServer refused the target.
var errViewOnlyEnded = errors.New(ReasonViewOnly + "the session ended")

// viewStep relays downstream the ordinary way until the filter has read the
// server's part of the handshake, then with next (zero-copy).
func (s *session) viewStep(next func() error) func() error {
	return func() error {
		if s.view.serverDone() {
			return next()
		}
		return s.downstreamStep()
	}
}
