// Package auth holds the auth plugins of websockify, under the same names
// and reading the same sources: each decides whether a request may open a
// session (and, with --web-auth, fetch files). Each is a proxy.Authenticator;
// New makes one from --auth-plugin and --auth-source.
package auth

import (
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"vncbridge/proxy"
)

// Names lists the plugins New knows, as websockify names them.
var Names = []string{"BasicHTTPAuth", "ExpectOrigin", "ClientCertCNAuth"}

// New makes the plugin called name (bare, or websockify.auth_plugins.NAME)
// reading source.
func New(name, source string) (proxy.Authenticator, error) {
	switch strings.TrimPrefix(name, "websockify.auth_plugins.") {
	case "BasicHTTPAuth":
		if !strings.Contains(source, ":") {
			return nil, fmt.Errorf("BasicHTTPAuth needs --auth-source user:password")
		}
		return Basic{Credentials: source}, nil
	case "ExpectOrigin":
		return ExpectOrigin{Origins: strings.Fields(source)}, nil
	case "ClientCertCNAuth":
		return ClientCertCN{Names: strings.Fields(source)}, nil
	}
	return nil, fmt.Errorf("unknown auth plugin %q (known: %s)", name, strings.Join(Names, ", "))
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
