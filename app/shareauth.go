package app

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strconv"

	"vncbridge/proxy"
)

// shareAuth lets through a network share's requests: those that carry the
// link's token (the page, the WebSocket), and those of a browser that opened
// the link (the files the page loads, which carry no token): opening it sets
// a cookie, HttpOnly and SameSite=Strict, that only the share's own pages
// send back. The cookie's value is derived from the token, so a new token
// ends every browser's admission. Comparisons take the same time whatever
// the guess.
type shareAuth struct {
	token  [sha256.Size]byte // the token's hash: compared without its length showing
	cookie string            // the cookie's name (cookies are per host, not per port)
	value  string            // its value
}

func newShareAuth(token string, port int) shareAuth {
	v := sha256.Sum256([]byte("vncbridge share cookie\x00" + token))
	return shareAuth{
		token:  sha256.Sum256([]byte(token)),
		cookie: "vncbridge-share-" + strconv.Itoa(port),
		value:  base64.RawURLEncoding.EncodeToString(v[:]),
	}
}

// Authenticate implements proxy.Authenticator.
func (a shareAuth) Authenticate(r *http.Request) error {
	if t, ok := r.URL.Query()["token"]; ok && len(t) > 0 {
		if a.tokenIs(t[0]) {
			return nil
		}
		return &proxy.AuthError{Status: http.StatusForbidden, Reason: "wrong share token: open the share link again"}
	}
	if c, err := r.Cookie(a.cookie); err == nil {
		if subtle.ConstantTimeCompare([]byte(c.Value), []byte(a.value)) == 1 {
			return nil
		}
		return &proxy.AuthError{Status: http.StatusForbidden, Reason: "this browser's admission is out of date (the share token changed): open the new share link"}
	}
	return &proxy.AuthError{Status: http.StatusUnauthorized, Reason: "this share is opened with its link, which carries the token"}
}

// Welcome implements proxy.Welcomer: a request with the token (the link)
// admits its browser.
func (a shareAuth) Welcome(r *http.Request, h http.Header) {
	if t := r.URL.Query()["token"]; len(t) > 0 && a.tokenIs(t[0]) {
		c := http.Cookie{Name: a.cookie, Value: a.value, Path: "/", Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode}
		h.Add("Set-Cookie", c.String())
	}
}

func (a shareAuth) tokenIs(t string) bool {
	h := sha256.Sum256([]byte(t))
	return subtle.ConstantTimeCompare(h[:], a.token[:]) == 1
}
