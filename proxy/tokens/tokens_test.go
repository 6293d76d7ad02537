package tokens

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"vncbridge/internal/testnet"
	"vncbridge/proxy"
)

func tcp(addr string) proxy.Target { return proxy.Target{Network: "tcp", Address: addr} }

func lookup(t *testing.T, l proxy.TargetLookup, token string) (proxy.Target, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return l.LookupTarget(ctx, token)
}

func expect(t *testing.T, l proxy.TargetLookup, token string, want proxy.Target) {
	t.Helper()
	got, err := lookup(t, l, token)
	if err != nil || got != want {
		t.Errorf("token %q: %v, %v; want %v", token, got, err, want)
	}
}

func expectUnknown(t *testing.T, l proxy.TargetLookup, token string) {
	t.Helper()
	if got, err := lookup(t, l, token); !errors.Is(err, proxy.ErrUnknownToken) {
		t.Errorf("token %q: %v, %v; want unknown", token, got, err)
	}
}

func TestParseTokenLines(t *testing.T) {
	t.Parallel()
	text := "# a comment\n" +
		"desk1: 10.0.0.1:5900\n" +
		"desk2:\tvnc.example:5901\n" + // a tab after the colon
		"desk3: ::1:5902\n" + // IPv6 without brackets
		"desk4: [fe80::1]:5903\n" +
		"look: 10.0.0.2:5900 view-only\n" +
		"\n" +
		"broken line\n" +
		"two: a: b:1\n" +
		"noport: host\n" +
		"badport: host:99999\n" +
		"badopt: host:1 view-all\n"
	got, bad := ParseTokenLines(strings.NewReader(text))
	want := map[string]proxy.Target{
		"desk1": tcp("10.0.0.1:5900"),
		"desk2": tcp("vnc.example:5901"),
		"desk3": tcp("[::1]:5902"),
		"desk4": tcp("[fe80::1]:5903"),
		"look":  {Network: "tcp", Address: "10.0.0.2:5900", ViewOnly: true},
	}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %v, want %v", k, got[k], v)
		}
	}
	var lines []int
	for _, b := range bad {
		lines = append(lines, b.Line)
	}
	if fmt.Sprint(lines) != "[8 9 10 11 12]" {
		t.Errorf("bad lines %v (%v)", lines, bad)
	}
}

func FuzzParseTokenLines(f *testing.F) {
	f.Add("a: b:1\n# c\nd:\t::1:2\n")
	f.Add("x: y\n")
	f.Fuzz(func(t *testing.T, text string) {
		got, _ := ParseTokenLines(strings.NewReader(text))
		for tok, target := range got {
			if strings.Contains(tok, "\n") {
				t.Fatalf("token %q spans lines", tok)
			}
			if _, _, err := net.SplitHostPort(target.Address); err != nil {
				t.Fatalf("target %q of %q: %v", target.Address, tok, err)
			}
		}
	})
}

func TestTokenFileRereadsOnChange(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "tokens")
	os.WriteFile(path, []byte("a: host:1\n"), 0o644)
	rw, err := New("TokenFile", path, nil)
	if err != nil {
		t.Fatal(err)
	}
	ro, err := New("websockify.token_plugins.ReadOnlyTokenFile", path, nil)
	if err != nil {
		t.Fatal(err)
	}
	expect(t, rw, "a", tcp("host:1"))
	expectUnknown(t, rw, "b")
	os.WriteFile(path, []byte("a: host:1\nb: other:2\n"), 0o644)
	later := time.Now().Add(time.Minute) // a new modification time, whatever the clock's step
	os.Chtimes(path, later, later)
	expect(t, rw, "b", tcp("other:2"))
	expectUnknown(t, ro, "b") // read once
}

func TestTokenFileDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "one"), []byte("a: h1:1\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "two"), []byte("b: h2:2\n"), 0o644)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	l, err := New("TokenFile", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	expect(t, l, "a", tcp("h1:1"))
	expect(t, l, "b", tcp("h2:2"))
}

func TestTokenFileName(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "desk"), []byte("vnc.example:5900\n"), 0o644)
	os.WriteFile(filepath.Join(filepath.Dir(dir), "outside"), []byte("evil:1\n"), 0o644)
	l, err := New("TokenFileName", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	expect(t, l, "desk", tcp("vnc.example:5900"))
	expect(t, l, "../../desk", tcp("vnc.example:5900")) // only the last element counts
	expectUnknown(t, l, "nothing")
	expectUnknown(t, l, "../outside")
	if _, err := New("TokenFileName", filepath.Join(dir, "desk"), nil); err == nil {
		t.Error("a file accepted as TokenFileName's directory")
	}
}

func TestTokenAPIs(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.URL.RawQuery)
		mu.Unlock()
		switch tok := r.URL.Query().Get("t"); tok {
		case "plain":
			fmt.Fprint(w, "vnc.example:5900")
		case "json":
			fmt.Fprint(w, `{"host": "10.1.2.3", "port": 5901}`)
		case "jsonstr":
			fmt.Fprint(w, `{"host": "::1", "port": "5902"}`)
		case "slow": // answers nothing until the client gives up
			<-r.Context().Done()
		case "broken":
			http.Error(w, "oops", 500)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	plain, err := New("BaseTokenAPI", srv.URL+"/lookup?t=%s", nil)
	if err != nil {
		t.Fatal(err)
	}
	expect(t, plain, "plain", tcp("vnc.example:5900"))
	expectUnknown(t, plain, "nobody")
	if _, err := lookup(t, plain, "broken"); err == nil || errors.Is(err, proxy.ErrUnknownToken) {
		t.Errorf("500 answer: %v, want a failed lookup", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := plain.LookupTarget(ctx, "slow"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("slow API: %v, want the deadline", err)
	}
	lookup(t, plain, "a&t=plain")
	mu.Lock()
	last := seen[len(seen)-1]
	mu.Unlock()
	if last != "t=a%26t%3Dplain" {
		t.Errorf("token not escaped: %q", last)
	}

	js, err := New("JSONTokenApi", srv.URL+"/lookup?t=%s", nil)
	if err != nil {
		t.Fatal(err)
	}
	expect(t, js, "json", tcp("10.1.2.3:5901"))
	expect(t, js, "jsonstr", tcp("[::1]:5902"))
	if _, err := New("JSONTokenApi", "http://no-placeholder/", nil); err == nil {
		t.Error("a URL without the token placeholder was accepted")
	}
}

func TestJWT(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	pemPath := filepath.Join(dir, "key.pem")
	os.WriteFile(pemPath, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600)
	pubDER, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	pubPath := filepath.Join(dir, "pub.pem")
	os.WriteFile(pubPath, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}), 0o644)
	// The shared secret as websockify reads its key file: base64url, the "k"
	// of a JSON Web Key.
	secret := []byte("0123456789abcdef0123456789abcdef")
	secretPath := filepath.Join(dir, "secret")
	os.WriteFile(secretPath, []byte(base64.RawURLEncoding.EncodeToString(secret)+"\n"), 0o600)

	sign := func(alg jose.SignatureAlgorithm, k any, claims string) string { return signJWT(t, alg, k, claims) }
	encrypt := func(alg jose.KeyAlgorithm, k any, plaintext string) string {
		e, err := jose.NewEncrypter(jose.A256GCM, jose.Recipient{Algorithm: alg, Key: k}, nil)
		if err != nil {
			t.Fatal(err)
		}
		obj, err := e.Encrypt([]byte(plaintext))
		if err != nil {
			t.Fatal(err)
		}
		out, _ := obj.CompactSerialize()
		return out
	}
	now := time.Now().Unix()
	claims := `{"host": "desk.example", "port": 5900}`

	rsaJWT, err := New("JWTTokenApi", pemPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	pubJWT, err := New("JWTTokenApi", pubPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	hsJWT, err := New("JWTTokenApi", secretPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	signed := sign(jose.RS256, key, claims)
	expect(t, rsaJWT, signed, tcp("desk.example:5900"))
	expect(t, pubJWT, signed, tcp("desk.example:5900"))
	expect(t, hsJWT, sign(jose.HS256, secret, claims), tcp("desk.example:5900"))
	expect(t, rsaJWT, encrypt(jose.RSA_OAEP_256, &key.PublicKey, signed), tcp("desk.example:5900")) // JWE around a JWS
	expect(t, hsJWT, encrypt(jose.A256KW, secret, sign(jose.HS256, secret, claims)), tcp("desk.example:5900"))
	expect(t, rsaJWT, sign(jose.RS256, key, fmt.Sprintf(`{"host": "h", "port": "1", "nbf": %d, "exp": %d}`, now-10, now+60)), tcp("h:1"))

	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	expectUnknown(t, rsaJWT, sign(jose.RS256, other, claims))                                                  // wrong key
	expectUnknown(t, rsaJWT, sign(jose.RS256, key, fmt.Sprintf(`{"host": "h", "port": 1, "exp": %d}`, now-1))) // expired
	expectUnknown(t, rsaJWT, sign(jose.RS256, key, fmt.Sprintf(`{"host": "h", "port": 1, "nbf": %d}`, now+60)))
	expectUnknown(t, hsJWT, sign(jose.HS256, []byte("another secret, 32 bytes long..."), claims))
	expectUnknown(t, rsaJWT, "not.a.jwt")
	expectUnknown(t, pubJWT, encrypt(jose.RSA_OAEP_256, &key.PublicKey, signed)) // a public key cannot decrypt
	// The file's text is not the key: its base64url decoding is.
	expectUnknown(t, hsJWT, sign(jose.HS256, []byte(base64.RawURLEncoding.EncodeToString(secret)), claims))
}

// The other forms of a key file that is not PEM: a JSON Web Key, and text
// that is not base64url, which is the secret as it is.
func TestJWTKeyForms(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	claims := `{"host": "desk.example", "port": 5900}`
	sign := func(alg jose.SignatureAlgorithm, k any) string { return signJWT(t, alg, k, claims) }
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o600)
		return p
	}
	secret := []byte("a secret of 32 bytes, as HS256..")
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	octJWK, _ := json.Marshal(jose.JSONWebKey{Key: secret})
	ecJWK, _ := json.Marshal(jose.JSONWebKey{Key: key})
	ecPublicJWK, _ := json.Marshal(jose.JSONWebKey{Key: &key.PublicKey})
	for _, tc := range []struct {
		name, file, good, bad string
	}{
		{"padded base64url", write("padded", base64.URLEncoding.EncodeToString(secret)+"\n"), sign(jose.HS256, secret), sign(jose.HS256, []byte("another secret of 32 bytes......"))},
		{"raw text", write("raw", "not base64, with spaces & more: 40 bytes\n"), sign(jose.HS256, []byte("not base64, with spaces & more: 40 bytes")), sign(jose.HS256, secret)},
		{"oct JWK", write("oct.jwk", string(octJWK)), sign(jose.HS256, secret), sign(jose.HS256, []byte("another secret of 32 bytes......"))},
		{"EC private JWK", write("ec.jwk", string(ecJWK)), sign(jose.ES256, key), sign(jose.HS256, secret)},
		{"EC public JWK", write("ecpub.jwk", string(ecPublicJWK)), sign(jose.ES256, key), sign(jose.HS256, secret)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j, err := New("JWTTokenApi", tc.file, nil)
			if err != nil {
				t.Fatal(err)
			}
			expect(t, j, tc.good, tcp("desk.example:5900"))
			expectUnknown(t, j, tc.bad)
		})
	}
	for name, content := range map[string]string{"empty": "\n", "bad JSON": `{"kty": "oct"`} {
		if _, err := New("JWTTokenApi", write(name, content), nil); err == nil {
			t.Errorf("key file %s: accepted", name)
		}
	}
}

func TestUnixDomainSocketDirectory(t *testing.T) {
	t.Parallel()
	dir, err := os.MkdirTemp("", "uds") // short: socket paths are limited
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ln, err := net.Listen("unix", filepath.Join(dir, "desk"))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	os.WriteFile(filepath.Join(dir, "file"), nil, 0o644)
	l, err := New("UnixDomainSocketDirectory", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	expect(t, l, "desk", proxy.Target{Network: "unix", Address: filepath.Join(dir, "desk")})
	expectUnknown(t, l, "file")
	expectUnknown(t, l, "missing")
	expectUnknown(t, l, "../"+filepath.Base(dir)+"/desk/..")
	expectUnknown(t, l, "../etc")
}

// startRedis runs a real redis-server on a loopback port for the test.
func startRedis(t *testing.T, args ...string) string {
	t.Helper()
	bin := testnet.RequireTools(t, "redis-server")
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(bin, append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"}, args...)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr := "127.0.0.1:" + strconv.Itoa(port)
	testnet.WaitFor(t, "redis-server to listen", func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return addr
}

// redisSet stores a value with redis-cli's protocol, spoken by hand.
func redisSet(t *testing.T, addr, password string, db int, key, value string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	cmd := func(args ...string) {
		fmt.Fprintf(c, "*%d\r\n", len(args))
		for _, a := range args {
			fmt.Fprintf(c, "$%d\r\n%s\r\n", len(a), a)
		}
		buf := make([]byte, 64)
		n, _ := c.Read(buf)
		if !strings.HasPrefix(string(buf[:n]), "+OK") {
			t.Fatalf("redis %v: %q", args, buf[:n])
		}
	}
	if password != "" {
		cmd("AUTH", password)
	}
	cmd("SELECT", strconv.Itoa(db))
	cmd("SET", key, value)
}

func TestRedis(t *testing.T) {
	t.Parallel()
	addr := startRedis(t, "--requirepass", "s3cret")
	host, port, _ := net.SplitHostPort(addr)
	redisSet(t, addr, "s3cret", 2, "desk-json", `{"host": "10.0.0.5:5900"}`)
	redisSet(t, addr, "s3cret", 2, "desk-plain", "vnc.example:5901")
	redisSet(t, addr, "s3cret", 2, "app:ns:desk", "ns.example:5902")
	redisSet(t, addr, "s3cret", 2, "garbage", "no port here")

	l, err := New("TokenRedis", host+":"+port+":2:s3cret", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.(io.Closer).Close() }) // whoever opens a lookup closes it
	expect(t, l, "desk-json", tcp("10.0.0.5:5900"))
	expect(t, l, "desk-plain", tcp("vnc.example:5901"))
	expectUnknown(t, l, "nobody")
	if _, err := lookup(t, l, "garbage"); err == nil {
		t.Error("a value without a port gave a target")
	}
	ns, err := New("TokenRedis", host+":"+port+":2:s3cret:\"app:ns\"", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ns.(io.Closer).Close() })
	expect(t, ns, "desk", tcp("ns.example:5902"))

	wrong, _ := New("TokenRedis", host+":"+port+":2:wrong", nil)
	t.Cleanup(func() { wrong.(io.Closer).Close() })
	if _, err := lookup(t, wrong, "desk-json"); err == nil || errors.Is(err, proxy.ErrUnknownToken) {
		t.Errorf("wrong password: %v, want a failed lookup", err)
	}
	for _, bad := range []string{"", "h:notaport", "h:1:notadb", "a:b:c:d:e:f", `h:"open`} {
		if _, err := New("TokenRedis", bad, nil); err == nil {
			t.Errorf("source %q accepted", bad)
		}
	}
}

func TestUnknownPlugin(t *testing.T) {
	t.Parallel()
	if _, err := New("NoSuchPlugin", "x", nil); err == nil || !strings.Contains(err.Error(), "TokenFile") {
		t.Fatalf("err %v, want one listing the known plugins", err)
	}
	if _, err := New("TokenFile", "", nil); err == nil {
		t.Fatal("TokenFile without a source accepted")
	}
}

// A token file's bad lines are logged through the logger New is given (the
// process's default logger may go nowhere, as under --daemon).
func TestTokenFileLogsThroughItsLogger(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "tokens")
	if err := os.WriteFile(path, []byte("desk: 127.0.0.1:5900\nthis line is wrong\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	l, err := New("TokenFile", path, slog.New(slog.NewTextHandler(&buf, nil)))
	if err != nil {
		t.Fatal(err)
	}
	expect(t, l, "desk", tcp("127.0.0.1:5900"))
	if !strings.Contains(buf.String(), "syntax error in a token file") || !strings.Contains(buf.String(), "line=2") {
		t.Fatalf("the logger got %q", buf.String())
	}
}

// signJWT signs claims with key k, compact.
func signJWT(t *testing.T, alg jose.SignatureAlgorithm, k any, claims string) string {
	t.Helper()
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: k}, nil)
	if err != nil {
		t.Fatal(err)
	}
	obj, err := s.Sign([]byte(claims))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := obj.CompactSerialize()
	return out
}
