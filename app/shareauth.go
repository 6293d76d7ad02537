package app

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strconv"

	"vncbridge/proxy"
)

// shareAuth lets through a share's requests, local shares' too (other users
// of this computer reach loopback): those that carry the link's token (the
// page, the WebSocket), and those of a browser that opened the link (the
// files the page loads, which carry no token): opening it sets a cookie,
// HttpOnly, SameSite=Strict and, over TLS, Secure, that only the share's own
// pages send back. The cookie's value is derived from the token, so a new token
// ends every browser's admission. Comparisons take the same time whatever
// the guess.
type shareAuth struct {
	token  [sha256.Size]byte // the token's hash: compared without its length showing
	cookie string            // the cookie's name (cookies are per host, not per port)
	value  string            // its value
	// The view-only link's token and cookie value, when it has one: they
	// admit too, for sessions the proxy makes view-only.
	viewToken [sha256.Size]byte
	viewValue string
	// local: the share is on this computer only, opened from the tray.
	local bool
	// browser is the name of the cookie that names the browser.
	browser string
}

// newShareAuth admits token, and viewToken ("" for none) for viewing only;
// local says the share is on this computer only.
func newShareAuth(token, viewToken string, port int, local bool) shareAuth {
	a := shareAuth{
		local:   local,
		browser: browserCookie(port),
		token:   sha256.Sum256([]byte(token)),
		cookie:  "vncbridge-share-" + strconv.Itoa(port),
		value:   cookieValue("vncbridge share cookie\x00" + token),
	}
	if viewToken != "" {
		a.viewToken = sha256.Sum256([]byte(viewToken))
		a.viewValue = cookieValue("vncbridge view-only cookie\x00" + viewToken)
	}
	return a
}

func cookieValue(seed string) string {
	v := sha256.Sum256([]byte(seed))
	return base64.RawURLEncoding.EncodeToString(v[:])
}

// admission is what let a request in.
type admission int

const (
	refused admission = iota
	control
	viewing
)

// admit tells what lets r in: the token or the cookie of the share link, or
// those of the view-only link. A request with a token is judged by it alone.
func (a shareAuth) admit(r *http.Request) (admission, error) {
	if t, ok := r.URL.Query()["token"]; ok && len(t) > 0 {
		switch {
		case a.tokenIs(t[0], a.token):
			return control, nil
		case a.viewValue != "" && a.tokenIs(t[0], a.viewToken):
			return viewing, nil
		}
		return refused, &proxy.AuthError{Status: http.StatusForbidden, Reason: "wrong share token: open the share link again", Page: proxy.PageLinkExpired}
	}
	if c, err := r.Cookie(a.cookie); err == nil {
		switch {
		case subtle.ConstantTimeCompare([]byte(c.Value), []byte(a.value)) == 1:
			return control, nil
		case a.viewValue != "" && subtle.ConstantTimeCompare([]byte(c.Value), []byte(a.viewValue)) == 1:
			return viewing, nil
		}
		return refused, &proxy.AuthError{Status: http.StatusForbidden, Reason: "this browser's admission is out of date (the share token changed): open the new share link", Page: proxy.PageLinkExpired}
	}
	if a.local {
		return refused, &proxy.AuthError{Status: http.StatusUnauthorized, Reason: "open this share from the vncbridge menu: Open in browser", Page: proxy.PageOpenFromMenu}
	}
	return refused, &proxy.AuthError{Status: http.StatusUnauthorized, Reason: "this share is opened with its link, which carries the token", Page: proxy.PageLinkExpired}
}

// Authenticate implements proxy.Authenticator.
func (a shareAuth) Authenticate(r *http.Request) error {
	_, err := a.admit(r)
	return err
}

// ViewOnly implements proxy.ViewOnlyAuthenticator: the view-only link's
// sessions are view-only.
func (a shareAuth) ViewOnly(r *http.Request) bool {
	adm, _ := a.admit(r)
	return adm == viewing
}

// Welcome implements proxy.Welcomer: a request with a token (a link) admits
// its browser, for what that link allows; and a browser without a name of
// its own gets one (browserCookie), by which the person sharing can keep
// it out (keptOut).
func (a shareAuth) Welcome(r *http.Request, h http.Header) {
	if _, err := r.Cookie(a.browser); err != nil {
		b := make([]byte, 16)
		rand.Read(b)
		c := http.Cookie{Name: a.browser, Value: hex.EncodeToString(b), Path: "/", Secure: r.TLS != nil, HttpOnly: true, SameSite: http.SameSiteStrictMode}
		h.Add("Set-Cookie", c.String())
	}
	t := r.URL.Query()["token"]
	if len(t) == 0 {
		return
	}
	value := ""
	switch adm, _ := a.admit(r); adm {
	case control:
		value = a.value
	case viewing:
		value = a.viewValue
	default:
		return
	}
	c := http.Cookie{Name: a.cookie, Value: value, Path: "/", Secure: r.TLS != nil, HttpOnly: true, SameSite: http.SameSiteStrictMode}
	h.Add("Set-Cookie", c.String())
}

func (a shareAuth) tokenIs(t string, want [sha256.Size]byte) bool {
	h := sha256.Sum256([]byte(t))
	return subtle.ConstantTimeCompare(h[:], want[:]) == 1
}
