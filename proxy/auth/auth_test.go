package auth

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

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
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
	if _, err := New("Nope", ""); err == nil {
		t.Fatal("unknown plugin accepted")
	}
}

// ClientCertCNAuth through a real proxy: TLS clients with a certificate the
// proxy trusts, whose common name is or is not allowed.
func TestClientCertCNThroughTheProxy(t *testing.T) {
	t.Parallel()
	ca, caKey := newCA(t)
	serverCert := leaf(t, ca, caKey, "localhost", true)
	pool := x509.NewCertPool()
	pool.AddCert(ca)

	a, _ := New("ClientCertCNAuth", "desk-admin")
	echo, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer echo.Close()
	srv, err := proxy.New(proxy.Config{
		Target: echo.Addr().String(),
		TLS:    &tls.Config{Certificates: []tls.Certificate{serverCert}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool},
		Auth:   a,
	})
	if err != nil {
		t.Fatal(err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(ln)
	defer srv.Shutdown(t.Context())

	for cn, want := range map[string]int{"desk-admin": 101, "intruder": 403} {
		conn, err := tls.Dial("tcp", ln.Addr().String(), &tls.Config{
			RootCAs: pool, ServerName: "localhost", Certificates: []tls.Certificate{leaf(t, ca, caKey, cn, false)},
		})
		if err != nil {
			t.Fatalf("%s: %v", cn, err)
		}
		io.WriteString(conn, "GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		conn.Close()
		if err != nil || resp.StatusCode != want {
			t.Errorf("client %s: %v %v, want %d", cn, resp, err, want)
		}
	}
}

func newCA(t *testing.T) (*x509.Certificate, *ecdsa.PrivateKey) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"}, IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign, NotBefore: time.Now().Add(-time.Minute), NotAfter: time.Now().Add(time.Hour)}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	ca, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return ca, key
}

func leaf(t *testing.T, ca *x509.Certificate, caKey *ecdsa.PrivateKey, cn string, server bool) tls.Certificate {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	usage := x509.ExtKeyUsageClientAuth
	if server {
		usage = x509.ExtKeyUsageServerAuth
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: cn}, DNSNames: []string{cn},
		ExtKeyUsage: []x509.ExtKeyUsage{usage}, KeyUsage: x509.KeyUsageDigitalSignature,
		NotBefore: time.Now().Add(-time.Minute), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// The adversarial run's case: BasicHTTPAuth answered thousands of wrong
// passwords a second to one client. Through the proxy, guessers in parallel
// now get a few answers in two seconds, and the right password from another
// address still opens a session at once.
func TestBasicGuessingIsSlowedThroughTheProxy(t *testing.T) {
	t.Parallel()
	a, _ := New("BasicHTTPAuth", "alice:open sesame")
	echo, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer echo.Close()
	srv, err := proxy.New(proxy.Config{Target: echo.Addr().String(), Auth: a})
	if err != nil {
		t.Fatal(err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(ln)
	defer srv.Shutdown(t.Context())

	try := func(from, credentials string, timeout time.Duration) (int, time.Duration) {
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
		conn, err := d.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Error(err)
			return 0, 0
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(timeout))
		start := time.Now()
		io.WriteString(conn, "GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
			"Authorization: Basic "+base64.StdEncoding.EncodeToString([]byte(credentials))+"\r\n"+
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			return 0, time.Since(start) // held back past the timeout
		}
		return resp.StatusCode, time.Since(start)
	}
	deadline := time.Now().Add(2 * time.Second)
	var checked, refused atomic.Int64 // wrong passwords answered (401); attempts refused unchecked (429)
	done := make(chan struct{})
	for i := range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			for n := 0; time.Now().Before(deadline); n++ {
				switch code, _ := try("127.0.0.1", "alice:guess"+strconv.Itoa(i*1000+n), time.Until(deadline)); code {
				case http.StatusUnauthorized:
					checked.Add(1)
				case http.StatusTooManyRequests:
					refused.Add(1)
				case 0:
				default:
					t.Errorf("a wrong password: %d", code)
				}
			}
		}()
	}
	for range 8 {
		<-done
	}
	if checked.Load() > 8 {
		t.Fatalf("%d wrong passwords answered in 2 s", checked.Load())
	}
	t.Logf("in 2 s: %d wrong passwords answered, %d attempts refused unchecked", checked.Load(), refused.Load())
	if code, took := try("127.0.0.2", "alice:open sesame", 5*time.Second); code != 101 || took > 200*time.Millisecond {
		t.Fatalf("the right password from another address: %d after %v", code, took)
	}
}
