package proxy

import (
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gobwas/ws"

	"vncbridge/internal/testcert"
	"vncbridge/internal/testnet"
)

func selfSigned(t testing.TB) tls.Certificate { return testcert.SelfSigned(t) }

func tlsClientConfig(cert tls.Certificate) *tls.Config {
	return &tls.Config{RootCAs: testcert.Pool(cert), ServerName: "localhost"}
}

func TestTLSAndPlainOnTheSamePort(t *testing.T) {
	t.Parallel()
	cert := selfSigned(t)
	web := fstest.MapFS{"index.html": {Data: []byte("<h1>hello</h1>")}}
	_, addr, _ := startServer(t, Config{
		Target: startEcho(t),
		TLS:    &tls.Config{Certificates: []tls.Certificate{cert}},
		Web:    web,
	})

	// wss://
	tc, err := tls.Dial("tcp", addr, tlsClientConfig(cert))
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	resp, br := handshake(t, tc)
	if resp.StatusCode != 101 {
		t.Fatalf("wss handshake: %s", resp.Status)
	}
	c := &wsClient{t: t, conn: tc, br: br, resp: resp}
	c.send(ws.OpBinary, []byte("secret"))
	if got := c.readData(6); string(got) != "secret" {
		t.Fatalf("wss echo %q", got)
	}

	// ws:// on the same port
	p := dialWS(t, addr)
	p.send(ws.OpBinary, []byte("plain"))
	if got := p.readData(5); string(got) != "plain" {
		t.Fatalf("ws echo %q", got)
	}

	// https:// files on the same port, HTTP/1.1 only
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: tlsClientConfig(cert), ForceAttemptHTTP2: true}}
	r, err := hc.Get("https://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != 200 || !strings.Contains(string(body), "hello") || r.ProtoMajor != 1 {
		t.Fatalf("https: %s %s %q", r.Proto, r.Status, body)
	}
}

func TestTLSClientRefusedWithoutCertificate(t *testing.T) {
	t.Parallel()
	_, addr, log := startServer(t, Config{Target: startEcho(t)})
	_, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true})
	if err == nil {
		t.Fatal("TLS handshake succeeded with no certificate configured")
	}
	testnet.WaitFor(t, "the log line", func() bool {
		return strings.Contains(log.String(), "TLS connection refused") && strings.Contains(log.String(), "no certificate configured")
	})
}

func TestTLSOnlyRefusesPlain(t *testing.T) {
	t.Parallel()
	cert := selfSigned(t)
	_, addr, log := startServer(t, Config{Target: startEcho(t), TLS: &tls.Config{Certificates: []tls.Certificate{cert}}, TLSOnly: true})
	code, body, _ := status(t, addr, upgradeRequest("/", "Sec-WebSocket-Version: 13"))
	if code != 400 || !strings.Contains(body, "TLS only") {
		t.Fatalf("plain client got %d %q", code, body)
	}
	if !strings.Contains(log.String(), "TLS only") {
		t.Fatal("refusal not logged")
	}
	tc, err := tls.Dial("tcp", addr, tlsClientConfig(cert))
	if err != nil {
		t.Fatal(err)
	}
	tc.Close()
}

func TestTLSTarget(t *testing.T) {
	t.Parallel()
	cert := selfSigned(t)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { io.Copy(c, c); c.Close() }()
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	target := net.JoinHostPort("localhost", port)

	// Verified against a trusted root: works.
	_, addr, _ := startServer(t, Config{Target: target, TargetTLS: tlsClientConfig(cert)})
	c := dialWS(t, addr)
	c.send(ws.OpBinary, []byte("over tls"))
	if got := c.readData(8); string(got) != "over tls" {
		t.Fatalf("echo %q", got)
	}

	// Not trusted: the session closes with 1011 and says why.
	_, addr2, _ := startServer(t, Config{Target: target, TargetTLS: &tls.Config{}})
	c2 := dialWS(t, addr2)
	if code, reason := c2.expectClose(); code != 1011 || !strings.Contains(reason, "certificate") {
		t.Fatalf("close %d %q", code, reason)
	}

	// Explicitly insecure: works.
	_, addr3, _ := startServer(t, Config{Target: target, TargetTLS: &tls.Config{InsecureSkipVerify: true}})
	c3 := dialWS(t, addr3)
	c3.send(ws.OpBinary, []byte("x"))
	if got := c3.readData(1); string(got) != "x" {
		t.Fatalf("echo %q", got)
	}
}
