package proxy

import "net/http"

// An Authenticator decides whether a request may go on (websockify's auth
// plugins). It returns nil, or an *AuthError saying how to refuse.
type Authenticator interface {
	Authenticate(r *http.Request) error
}

// AuthError is an Authenticator's refusal.
type AuthError struct {
	Status int         // 401 or 403
	Header http.Header // for example WWW-Authenticate
	Reason string      // for the log and the answer's body
	// Page is what a browser that navigates here gets instead of Reason
	// (NoRefusalPage: Reason, as plain text).
	Page RefusalPage
}

func (e *AuthError) Error() string { return e.Reason }

// authenticate runs Config.Auth, if any, slowed down for guessers (see
// checkAuth): it returns nil, or the refusal (turned into a *refusal by
// asRefusal).
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.Auth == nil {
		return nil
	}
	return s.checkAuth(w, r)
}
