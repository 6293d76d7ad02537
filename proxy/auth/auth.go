// Package auth holds the auth plugins of websockify, under the same names
// and reading the same sources: each decides whether a request may open a
// session (and, if the server says so, fetch files). Each is a
// proxy.Authenticator; New makes one from a plugin's name and source,
// Names lists them.
package auth

import (
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"vncbridge/proxy"
)

// A plugin is one auth plugin: its name as websockify spells it, what its
// source is (the command line's help and the README say the same), and how
// it is made.
type plugin struct {
	name   string
	source string
	open   func(source string) (proxy.Authenticator, error)
}

// plugins is every auth plugin, in the order help texts show them.
var plugins = []plugin{
	{"BasicHTTPAuth", "user:password", func(source string) (proxy.Authenticator, error) {
		if !strings.Contains(source, ":") {
			return nil, errors.New("BasicHTTPAuth needs a source of the form user:password")
		}
		return Basic{Credentials: source}, nil
	}},
	{"ExpectOrigin", "space-separated origins", func(source string) (proxy.Authenticator, error) {
		return ExpectOrigin{Origins: strings.Fields(source)}, nil
	}},
	{"ClientCertCNAuth", "space-separated names of client certificates", func(source string) (proxy.Authenticator, error) {
		return ClientCertCN{Names: strings.Fields(source)}, nil
	}},
}

// Names lists the names of the plugins.
func Names() []string {
	names := make([]string, len(plugins))
	for i, p := range plugins {
		names[i] = p.name
	}
	return names
}

// New makes the plugin called name (bare, or websockify.auth_plugins.NAME)
// reading source.
func New(name, source string) (proxy.Authenticator, error) {
	bare := strings.TrimPrefix(name, "websockify.auth_plugins.")
	for _, p := range plugins {
		if p.name == bare {
			return p.open(source)
		}
	}
	return nil, fmt.Errorf("unknown auth plugin %q (known: %s)", name, strings.Join(Names(), ", "))
}

// Basic is the BasicHTTPAuth plugin: HTTP basic authentication against one
// user:password. No credentials, or wrong ones, get 401 and a challenge; a
// malformed Authorization header gets 403.
type Basic struct {
	Credentials string // user:password
}

// Authenticate implements proxy.Authenticator.
func (b Basic) Authenticate(r *http.Request) error {
	h := r.Header.Get("Authorization")
	challenge := &proxy.AuthError{
		Status: http.StatusUnauthorized,
		Header: http.Header{"Www-Authenticate": {`Basic realm="vncbridge"`}},
		Reason: "this server asks for a user name and password",
	}
	if h == "" {
		return challenge
	}
	encoded, ok := strings.CutPrefix(h, "Basic ")
	if !ok {
		return &proxy.AuthError{Status: http.StatusForbidden, Reason: "the Authorization header is not Basic"}
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(encoded))
	if err != nil || !strings.Contains(string(raw), ":") {
		return &proxy.AuthError{Status: http.StatusForbidden, Reason: "the Authorization header is malformed"}
	}
	// The credentials are ISO-8859-1, as browsers send them; compare bytes.
	if subtle.ConstantTimeCompare(latin1ToUTF8(raw), []byte(b.Credentials)) != 1 &&
		subtle.ConstantTimeCompare(raw, []byte(b.Credentials)) != 1 {
		challenge.Reason = "wrong user name or password"
		return challenge
	}
	return nil
}

func latin1ToUTF8(b []byte) []byte {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return []byte(string(r))
}

// ExpectOrigin is the ExpectOrigin plugin: the Origin header must be one of
// a list (given space-separated).
type ExpectOrigin struct {
	Origins []string
}

// Authenticate implements proxy.Authenticator.
func (e ExpectOrigin) Authenticate(r *http.Request) error {
	origin := r.Header.Get("Origin")
	if origin != "" && slices.Contains(e.Origins, origin) {
		return nil
	}
	return &proxy.AuthError{Status: http.StatusForbidden,
		Reason: fmt.Sprintf("invalid Origin %q: expected one of %s", origin, strings.Join(e.Origins, " "))}
}

// ClientCertCN is the ClientCertCNAuth plugin: the client's TLS certificate
// (--verify-client) must have one of a list of common names.
type ClientCertCN struct {
	Names []string
}

// Authenticate implements proxy.Authenticator.
func (c ClientCertCN) Authenticate(r *http.Request) error {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return &proxy.AuthError{Status: http.StatusForbidden, Reason: "a client certificate is required"}
	}
	cn := r.TLS.PeerCertificates[0].Subject.CommonName
	if !slices.Contains(c.Names, cn) {
		return &proxy.AuthError{Status: http.StatusForbidden, Reason: fmt.Sprintf("client certificate name %q is not allowed", cn)}
	}
	return nil
}
