package auth

import (
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"vncbridge/proxy"
)

func status(err error) int {
	if err == nil {
		return 0
	}
	var ae *proxy.AuthError
	if !errors.As(err, &ae) {
		return -1
	}
	return ae.Status
}

func TestBasic(t *testing.T) {
	a, err := New("websockify.auth_plugins.BasicHTTPAuth", "alice:open sesame")
	if err != nil {
		t.Fatal(err)
	}
	basic := func(s string) string { return "Basic " + base64.StdEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		header string
		want   int
	}{
		{"", 401},
		{basic("alice:open sesame"), 0},
		{basic("alice:wrong"), 401},
		{basic("bob:open sesame"), 401},
		{"Bearer abc", 403},
		{"Basic !!!", 403},
		{basic("no colon"), 403},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		if tt.header != "" {
			r.Header.Set("Authorization", tt.header)
		}
		err := a.Authenticate(r)
		if got := status(err); got != tt.want {
			t.Errorf("%q: status %d, want %d", tt.header, got, tt.want)
		}
		if tt.want == 401 {
			var ae *proxy.AuthError
			errors.As(err, &ae)
			if ae.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("%q: 401 without a challenge", tt.header)
			}
		}
	}
	// Browsers send ISO-8859-1.
	latin, _ := New("BasicHTTPAuth", "josé:ñ")
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte{'j', 'o', 's', 0xe9, ':', 0xf1}))
	if err := latin.Authenticate(r); err != nil {
		t.Errorf("ISO-8859-1 credentials refused: %v", err)
	}
	if _, err := New("BasicHTTPAuth", "nocolon"); err == nil {
		t.Error("source without user:password accepted")
	}
}

func TestExpectOrigin(t *testing.T) {
	a, _ := New("ExpectOrigin", "https://a.example  http://b.example:8080")
	for origin, want := range map[string]int{
		"https://a.example":      0,
		"http://b.example:8080":  0,
		"http://a.example":       403,
		"":                       403,
		"https://a.example.evil": 403,
	} {
		r := httptest.NewRequest("GET", "/", nil)
		if origin != "" {
			r.Header.Set("Origin", origin)
		}
		if got := status(a.Authenticate(r)); got != want {
			t.Errorf("origin %q: %d, want %d", origin, got, want)
		}
	}
}

func TestClientCertCN(t *testing.T) {
	a, _ := New("ClientCertCNAuth", "desk-admin ops")
	withCert := func(cn string) *http.Request {
		r := httptest.NewRequest("GET", "/", nil)
		r.TLS = &tls.ConnectionState{PeerCertificates: []*x509.Certificate{{Subject: pkix.Name{CommonName: cn}}}}
		return r
	}
	if err := a.Authenticate(withCert("ops")); err != nil {
		t.Errorf("allowed name refused: %v", err)
	}
	if status(a.Authenticate(withCert("intruder"))) != 403 {
		t.Error("other name accepted")
	}
	if status(a.Authenticate(httptest.NewRequest("GET", "/", nil))) != 403 {
		t.Error("no certificate accepted")
	}
}

func TestUnknownPlugin(t *testing.T) {
	if _, err := New("Nope", ""); err == nil {
		t.Fatal("unknown plugin accepted")
	}
}
