package app

import (
	"crypto/rand"
	"encoding/base64"
	"net"
	"net/url"
	"os"
	"strconv"
)

// The share's addresses and the secrets its links carry.

// baseURL is the proxy's address for a browser on this computer, without
// the token: "http://localhost:6080".
func (s settings) baseURL() string {
	scheme := "http"
	if s.AllowRemote {
		scheme = "https"
	}
	return scheme + "://localhost:" + strconv.Itoa(s.Port)
}

// localURL is the viewer's address for a browser on this computer, with the
// token: every share needs it.
func (s settings) localURL() string {
	return s.baseURL() + "/?" + url.Values{"token": {s.Token}}.Encode()
}

// networkURL is the share's address for other computers, without the
// token: "https://192.168.1.20:6080".
func (s settings) networkURL() string {
	return "https://" + net.JoinHostPort(lanAddress(), strconv.Itoa(s.Port))
}

// shareURL is the link for other computers: this computer's address, TLS
// and the token. Empty when remote access is off.
func (s settings) shareURL() string {
	if !s.AllowRemote {
		return ""
	}
	return s.networkURL() + "/?" + url.Values{"token": {s.Token}}.Encode()
}

// viewOnlyURL is the view-only link for other computers: its own token, and
// the page's view-only switch on (the proxy enforces it either way). Empty
// when remote access is off.
func (s settings) viewOnlyURL() string {
	if !s.AllowRemote || s.ViewOnlyToken == "" {
		return ""
	}
	return s.networkURL() + "/?" + url.Values{"token": {s.ViewOnlyToken}, "view_only": {"true"}}.Encode()
}

// lanAddress is this computer's first non-loopback unicast address, IPv4
// preferred; its host name when it has none.
func lanAddress() string {
	addrs, _ := net.InterfaceAddrs()
	var v6 string
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok || ipn.IP.IsLoopback() || ipn.IP.IsLinkLocalUnicast() || !ipn.IP.IsGlobalUnicast() {
			continue
		}
		if ipn.IP.To4() != nil {
			return ipn.IP.String()
		}
		if v6 == "" {
			v6 = ipn.IP.String()
		}
	}
	if v6 != "" {
		return v6
	}
	if h, err := os.Hostname(); err == nil {
		return h
	}
	return "localhost"
}

// needsTokens: the share lacks a secret (settings from before local shares
// had one, or a file written by hand).
func (s settings) needsTokens() bool {
	return s.Token == "" || s.ViewOnlyToken == ""
}

// mintTokens gives the share its secrets: new ones when fresh is set (the
// old links stop working), else only those it lacks. Every token of the
// share is made here.
func (s *settings) mintTokens(fresh bool) {
	if fresh || s.Token == "" {
		s.Token = newToken()
	}
	if fresh || s.ViewOnlyToken == "" {
		s.ViewOnlyToken = newToken()
	}
}

// newToken returns a fresh secret for a share link.
func newToken() string {
	b := make([]byte, 18)
	rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}
