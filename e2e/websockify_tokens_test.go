package e2e

import (
	"bufio"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"vncbridge/internal/testnet"
)

// The token plugins take websockify's sources unchanged: the same inputs,
// given to Debian's websockify and to vncbridge side by side, must send each
// token to the same desktop (or refuse it in both).

// outcome is what a token led to: the name the desktop greeted with, or
// "refused".
func probeToken(t *testing.T, addr, token string) string {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(conn, "GET /websockify?token=%s HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary\r\n\r\n", token)
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != 101 {
		return "refused"
	}
	var h [2]byte
	if _, err := io.ReadFull(br, h[:]); err != nil || h[0]&0x0f != 2 {
		return "refused"
	}
	p := make([]byte, h[1]&0x7f)
	io.ReadFull(br, p)
	return strings.TrimSpace(string(p))
}

// withListen puts the listening address in args: in place of "LISTEN", or
// last.
func withListen(args []string, addr string) []string {
	out := append([]string(nil), args...)
	for i, a := range out {
		if a == "LISTEN" {
			out[i] = addr
			return out
		}
	}
	return append(out, addr)
}

// startWebsockify runs Debian's websockify with args and waits for it.
func startWebsockify(t testing.TB, art *artifacts, args ...string) string {
	t.Helper()
	return startListening(t, art, "websockify", args...)
}

// startVncbridge runs vncbridge proxy with args and waits for it.
func startVncbridge(t testing.TB, bin string, art *artifacts, args ...string) string {
	t.Helper()
	return startListening(t, art, bin, append([]string{"proxy"}, args...)...)
}

// startListening runs a proxy on a free loopback port (see withListen),
// logging to the artifacts, and waits until it listens.
func startListening(t testing.TB, art *artifacts, program string, args ...string) string {
	t.Helper()
	addr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	log := art.file(filepath.Base(program) + ".log")
	cmd := exec.Command(program, withListen(args, addr)...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	waitListen(t, addr)
	return addr
}

func waitListen(t testing.TB, addr string) {
	t.Helper()
	waitUntil(t, 10*time.Second, addr+" to listen", func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
}

func TestTokenPluginsMatchWebsockify(t *testing.T) {
	requireTools(t, "websockify", "redis-server")
	bin := buildVncbridge(t)
	alpha, beta := greeter(t, "alpha"), greeter(t, "beta")
	_, alphaPort, _ := net.SplitHostPort(alpha)
	_, betaPort, _ := net.SplitHostPort(beta)
	dir := t.TempDir()

	tokenFile := filepath.Join(dir, "tokens")
	os.WriteFile(tokenFile, []byte("# desktops\n"+
		"alpha: 127.0.0.1:"+alphaPort+"\n"+
		"beta:\t127.0.0.1:"+betaPort+"\n"+ // a tab after the colon
		"  indented: 127.0.0.1:"+alphaPort+"  \n"+
		"  # an indented comment: 127.0.0.1:1\n"+
		"broken line\n"+
		"dup: 127.0.0.1:"+alphaPort+"\n"+
		"dup: 127.0.0.1:"+betaPort+"\n"), 0o644)
	tokenDir := filepath.Join(dir, "tokendir")
	os.Mkdir(tokenDir, 0o755)
	os.WriteFile(filepath.Join(tokenDir, "a"), []byte("alpha: 127.0.0.1:"+alphaPort+"\n"), 0o644)
	os.WriteFile(filepath.Join(tokenDir, "b"), []byte("beta: 127.0.0.1:"+betaPort+"\n"), 0o644)

	api := startTokenAPI(t, map[string]string{"alpha": alpha, "beta": beta})
	redisAddr := redisServer(t, map[string]string{
		"alpha": `{"host": "` + alpha + `"}`,
		"beta":  `{"host": "` + beta + `"}`,
	})
	keyFile, signed := jwtFixture(t, dir, map[string]string{"alpha": alpha, "beta": beta})
	secretFile, hs := hs256Fixture(t, dir, map[string]string{"alpha": alpha, "beta": beta})
	socketDir, err := os.MkdirTemp("", "desks") // short: socket paths are limited
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(socketDir) })
	unixGreeter(t, filepath.Join(socketDir, "alpha"), "alpha")
	os.WriteFile(filepath.Join(socketDir, "plainfile"), nil, 0o644)

	fileTokens := []string{"alpha", "beta", "indented", "dup", "broken", "nobody", "%23"}
	cases := []struct {
		name   string
		args   []string
		tokens []string
		want   map[string]string // the outcome both must give, per token
	}{
		{"TokenFile", []string{"--token-plugin", "TokenFile", "--token-source", tokenFile}, fileTokens,
			map[string]string{"alpha": "alpha", "beta": "beta", "indented": "alpha", "dup": "beta", "broken": "refused", "nobody": "refused", "%23": "refused"}},
		{"ReadOnlyTokenFile", []string{"--token-plugin", "ReadOnlyTokenFile", "--token-source", tokenFile}, fileTokens,
			map[string]string{"alpha": "alpha", "beta": "beta", "indented": "alpha", "dup": "beta", "broken": "refused", "nobody": "refused", "%23": "refused"}},
		{"TokenFile directory", []string{"--target-config", tokenDir}, []string{"alpha", "beta", "nobody"},
			map[string]string{"alpha": "alpha", "beta": "beta", "nobody": "refused"}},
		{"BaseTokenAPI", []string{"--token-plugin", "BaseTokenAPI", "--token-source", api + "/plain/%s"}, []string{"alpha", "beta", "nobody"},
			map[string]string{"alpha": "alpha", "beta": "beta", "nobody": "refused"}},
		{"JSONTokenApi", []string{"--token-plugin", "JSONTokenApi", "--token-source", api + "/json/%s"}, []string{"alpha", "beta", "nobody"},
			map[string]string{"alpha": "alpha", "beta": "beta", "nobody": "refused"}},
		{"TokenRedis", []string{"--token-plugin", "TokenRedis", "--token-source", redisAddr}, []string{"alpha", "beta", "nobody"},
			map[string]string{"alpha": "alpha", "beta": "beta", "nobody": "refused"}},
		{"UnixDomainSocketDirectory", []string{"--token-plugin", "UnixDomainSocketDirectory", "--token-source", socketDir},
			[]string{"alpha", "plainfile", "nobody", "..%2F" + filepath.Base(socketDir) + "%2Falpha"},
			map[string]string{"alpha": "alpha", "plainfile": "refused", "nobody": "refused", "..%2F" + filepath.Base(socketDir) + "%2Falpha": "alpha"}},
		{"JWTTokenApi", []string{"--token-plugin", "JWTTokenApi", "--token-source", keyFile},
			[]string{signed["alpha"], signed["beta"], signed["forged"], "not.a.token"},
			map[string]string{signed["alpha"]: "alpha", signed["beta"]: "beta", signed["forged"]: "refused", "not.a.token": "refused"}},
		{"JWTTokenApi HS256", []string{"--token-plugin", "JWTTokenApi", "--token-source", secretFile},
			[]string{hs["alpha"], hs["beta"], hs["forged"], hs["file text as key"]},
			map[string]string{hs["alpha"]: "alpha", hs["beta"]: "beta", hs["forged"]: "refused", hs["file text as key"]: "refused"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			art := newArtifacts(t)
			theirs := startWebsockify(t, art, tc.args...)
			ours := startVncbridge(t, bin, art, tc.args...)
			for _, token := range tc.tokens {
				w, v := probeToken(t, theirs, token), probeToken(t, ours, token)
				short := token
				if len(short) > 12 {
					short = short[:12] + "…"
				}
				if w != tc.want[token] || v != tc.want[token] {
					t.Errorf("token %s: websockify %s, vncbridge %s; want %s", short, w, v, tc.want[token])
				}
			}
		})
	}
}

// unixGreeter is a Unix socket target that says its name, then echoes.
func unixGreeter(t *testing.T, path, name string) {
	testnet.Serve(t, "unix", path, func(c net.Conn) {
		io.WriteString(c, name+"\n")
		io.Copy(c, c)
		c.Close()
	})
}

// startTokenAPI serves /plain/TOKEN ("host:port") and /json/TOKEN
// ({"host": …, "port": …}) on loopback.
func startTokenAPI(t *testing.T, targets map[string]string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		kind, token, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		target, ok := targets[token]
		if !ok {
			http.NotFound(w, r)
			return
		}
		host, port, _ := net.SplitHostPort(target)
		if kind == "json" {
			fmt.Fprintf(w, `{"host": %q, "port": %s}`, host, port)
			return
		}
		io.WriteString(w, target)
	}))
	return "http://" + ln.Addr().String()
}

// jwtFixture writes an RSA key and signs a token per target, plus one signed
// with another key.
// hs256Fixture writes a shared secret the way websockify's JWT plugin reads
// it (base64url, the "k" of a JSON Web Key) and signs HS256 tokens for the
// targets; "forged" is signed with another secret, "file text as key" with
// the file's text itself rather than the secret it encodes.
func hs256Fixture(t *testing.T, dir string, targets map[string]string) (string, map[string]string) {
	t.Helper()
	secret := make([]byte, 32)
	rand.Read(secret)
	text := base64.RawURLEncoding.EncodeToString(secret) // no final newline: websockify would count it as a character of the key
	path := filepath.Join(dir, "jwt.secret")
	os.WriteFile(path, []byte(text), 0o600)
	sign := func(key []byte, target string) string {
		host, port, _ := net.SplitHostPort(target)
		s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: key}, nil)
		if err != nil {
			t.Fatal(err)
		}
		obj, _ := s.Sign([]byte(fmt.Sprintf(`{"host": %q, "port": %s, "exp": %d}`, host, port, time.Now().Add(time.Hour).Unix())))
		out, _ := obj.CompactSerialize()
		return out
	}
	out := map[string]string{}
	for name, target := range targets {
		out[name] = sign(secret, target)
	}
	other := make([]byte, 32)
	rand.Read(other)
	out["forged"] = sign(other, targets["alpha"])
	out["file text as key"] = sign([]byte(text), targets["alpha"])
	return path, out
}

func jwtFixture(t *testing.T, dir string, targets map[string]string) (string, map[string]string) {
	t.Helper()
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	path := filepath.Join(dir, "jwt.pem")
	os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600)
	sign := func(k *rsa.PrivateKey, target string) string {
		host, port, _ := net.SplitHostPort(target)
		s, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: k}, nil)
		obj, _ := s.Sign([]byte(fmt.Sprintf(`{"host": %q, "port": %s, "exp": %d}`, host, port, time.Now().Add(time.Hour).Unix())))
		out, _ := obj.CompactSerialize()
		return out
	}
	out := map[string]string{}
	for name, target := range targets {
		out[name] = sign(key, target)
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	out["forged"] = sign(other, targets["alpha"])
	return path, out
}
