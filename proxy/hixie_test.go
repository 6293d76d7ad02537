package proxy

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"vncbridge/internal/testnet"
)

func TestHixieChallengeSpecExample(t *testing.T) {
	t.Parallel()
	// draft-hixie-thewebsocketprotocol-76, section 1.3.
	got, err := hixieChallenge("4 @1  46546xW%0l 1 5", "12998 5 Y3 1  .P00", []byte("^n:ds[4U"))
	if err != nil || string(got[:]) != "8jKS'y:G*Co,Wxa-" {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestHixieBadKeys(t *testing.T) {
	t.Parallel()
	for _, key := range []string{"12345", "1 2 3", "", "    ", "4294967296 ", "99999999999999999999 9"} {
		if _, err := hixieKeyNumber(key); err == nil {
			t.Errorf("key %q accepted", key)
		}
	}
	if n, err := hixieKeyNumber("1 2 3 4 5 "); err != nil || n != 12345/5 {
		t.Errorf("got %d, %v", n, err)
	}
}

// hixieClient is a legacy client written for the tests.
type hixieClient struct {
	t    *testing.T
	conn net.Conn
	br   *bufio.Reader
	resp *http.Response
}

const (
	specKey1 = "4 @1  46546xW%0l 1 5"
	specKey2 = "12998 5 Y3 1  .P00"
	specKey3 = "^n:ds[4U"
)

// dialHixie opens a Hixie-76 session (or -75 when v75) at path.
func dialHixie(t *testing.T, conn net.Conn, path string, v75 bool) *hixieClient {
	t.Helper()
	origin := "http://localhost"
	if _, ok := conn.(*tls.Conn); ok {
		origin = "https://localhost"
	}
	req := "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\nOrigin: " + origin + "\r\n"
	if !v75 {
		req += "Sec-WebSocket-Key1: " + specKey1 + "\r\nSec-WebSocket-Key2: " + specKey2 + "\r\n\r\n" + specKey3
	} else {
		req += "WebSocket-Protocol: base64\r\n\r\n"
	}
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(conn, req)
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("handshake answer: %v", err)
	}
	if resp.StatusCode != 101 {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("handshake: %s %s", resp.Status, body)
	}
	if !v75 {
		answer := make([]byte, 16)
		if _, err := io.ReadFull(br, answer); err != nil || string(answer) != "8jKS'y:G*Co,Wxa-" {
			t.Fatalf("challenge answer %q, %v", answer, err)
		}
	}
	conn.SetDeadline(time.Time{})
	return &hixieClient{t: t, conn: conn, br: br, resp: resp}
}

func hixieFrame(data []byte) []byte {
	return append(append([]byte{0}, base64.StdEncoding.EncodeToString(data)...), 0xff)
}

// next reads one frame and returns its text, or io.EOF after a close.
func (c *hixieClient) next() (string, error) {
	c.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	b, err := c.br.ReadByte()
	if err != nil {
		return "", err
	}
	switch b {
	case 0x00:
		text, err := c.br.ReadString(0xff)
		return strings.TrimSuffix(text, "\xff"), err
	case 0xff:
		if z, err := c.br.ReadByte(); err != nil || z != 0 {
			return "", errors.New("bad close")
		}
		return "", io.EOF
	}
	return "", errors.New("bad frame start")
}

func (c *hixieClient) expectData(want []byte) {
	c.t.Helper()
	var got []byte
	for len(got) < len(want) {
		text, err := c.next()
		if err != nil {
			c.t.Fatalf("after %d bytes: %v", len(got), err)
		}
		b, err := base64.StdEncoding.DecodeString(text)
		if err != nil {
			c.t.Fatalf("frame %q: %v", text, err)
		}
		got = append(got, b...)
	}
	if !bytes.Equal(got, want) {
		c.t.Fatalf("got %q, want %q", got, want)
	}
}

func TestHixie76Session(t *testing.T) {
	t.Parallel()
	tg := startTarget(t)
	srv, addr, _ := startServer(t, Config{Target: tg.addr()})
	conn, _ := net.Dial("tcp", addr)
	defer conn.Close()
	c := dialHixie(t, conn, "/websockify", false)
	if c.resp.Header.Get("Sec-WebSocket-Location") != "ws://localhost/websockify" ||
		c.resp.Header.Get("Sec-WebSocket-Origin") != "http://localhost" ||
		c.resp.Status != "101 WebSocket Protocol Handshake" {
		t.Fatalf("answer %s %v", c.resp.Status, c.resp.Header)
	}
	tc := tg.accept(t)

	// To the target: frames split at every byte boundary, and several frames
	// in one write.
	stream := bytes.Join([][]byte{hixieFrame([]byte("RFB 003.003\n")), hixieFrame([]byte{0, 1, 2, 0xff}), hixieFrame([]byte("x"))}, nil)
	want := append([]byte("RFB 003.003\n\x00\x01\x02\xffx"), "RFB 003.003\n\x00\x01\x02\xffx"...)
	for cut := 1; cut < len(stream); cut++ {
		c.conn.Write(stream[:cut])
		testnet.WaitFor(t, "the proxy to read the first piece alone", func() bool { return testnet.ReadByPeer(t, c.conn) })
		c.conn.Write(stream[cut:])
		got := make([]byte, 17)
		tc.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.ReadFull(tc, got); err != nil || !bytes.Equal(got, want[:17]) {
			t.Fatalf("cut %d: target got %q, %v", cut, got, err)
		}
	}

	// To the browser: base64 frames.
	tc.Write([]byte("RFB 003.008\n\x00\xff"))
	c.expectData([]byte("RFB 003.008\n\x00\xff"))

	// Close: 0xFF 0x00 is answered and the target closed.
	c.conn.Write([]byte{0xff, 0x00})
	if _, err := c.next(); err != io.EOF {
		t.Fatalf("no close answer: %v", err)
	}
	tc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadAll(tc); err != nil {
		t.Fatalf("target not closed: %v", err)
	}
	testnet.WaitFor(t, "the session to end", func() bool { return srv.Sessions() == 0 })
}

func TestHixie75Session(t *testing.T) {
	t.Parallel()
	_, addr, _ := startServer(t, Config{Target: startEcho(t)})
	conn, _ := net.Dial("tcp", addr)
	defer conn.Close()
	c := dialHixie(t, conn, "/", true)
	if c.resp.Header.Get("WebSocket-Location") != "ws://localhost/" || c.resp.Header.Get("WebSocket-Protocol") != "base64" ||
		c.resp.Status != "101 Web Socket Protocol Handshake" {
		t.Fatalf("answer %s %v", c.resp.Status, c.resp.Header)
	}
	c.conn.Write(hixieFrame([]byte("hello")))
	c.expectData([]byte("hello"))
}

func TestHixieOverTLSSaysWSS(t *testing.T) {
	t.Parallel()
	cert := selfSigned(t)
	_, addr, _ := startServer(t, Config{Target: startEcho(t), TLS: &tls.Config{Certificates: []tls.Certificate{cert}}})
	conn, err := tls.Dial("tcp", addr, tlsClientConfig(cert))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c := dialHixie(t, conn, "/?token=x", false)
	if got := c.resp.Header.Get("Sec-WebSocket-Location"); got != "wss://localhost/?token=x" {
		t.Fatalf("location %q", got)
	}
}

func TestSequenceNumbers(t *testing.T) {
	t.Parallel()
	t.Run("hixie", func(t *testing.T) {
		tg := startTarget(t)
		_, addr, _ := startServer(t, Config{Target: tg.addr()})
		conn, _ := net.Dial("tcp", addr)
		defer conn.Close()
		c := dialHixie(t, conn, "/websockify?token=x&seq_num=1", false)
		tc := tg.accept(t)
		for i, msg := range []string{"zero", "one", "two"} {
			tc.Write([]byte(msg))
			text, err := c.next()
			want := []string{"0:", "1:", "2:"}[i] + base64.StdEncoding.EncodeToString([]byte(msg))
			if err != nil || text != want {
				t.Fatalf("frame %d: %q, %v; want %q", i, text, err, want)
			}
		}
		c.conn.Write(hixieFrame([]byte("up"))) // frames from the browser are not numbered
		got := make([]byte, 2)
		tc.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.ReadFull(tc, got); err != nil || string(got) != "up" {
			t.Fatalf("target got %q, %v", got, err)
		}
	})
	t.Run("rfc6455 base64", func(t *testing.T) {
		tg := startTarget(t)
		_, addr, _ := startServer(t, Config{Target: tg.addr()})
		conn, _ := net.Dial("tcp", addr)
		defer conn.Close()
		io.WriteString(conn, upgradeRequest("/?seq_num=1", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Protocol: base64"))
		br := bufio.NewReader(conn)
		resp, err := http.ReadResponse(br, nil)
		if err != nil || resp.StatusCode != 101 {
			t.Fatalf("%v %v", resp, err)
		}
		c := &wsClient{t: t, conn: conn, br: br, resp: resp}
		tc := tg.accept(t)
		for i, msg := range []string{"zero", "one"} {
			tc.Write([]byte(msg))
			f, err := c.next()
			want := []string{"0:", "1:"}[i] + base64.StdEncoding.EncodeToString([]byte(msg))
			if err != nil || f.op != ws.OpText || string(f.payload) != want {
				t.Fatalf("frame %d: %q, %v; want %q", i, f.payload, err, want)
			}
		}
	})
}

func TestHixieBadInputEndsSessionWithReason(t *testing.T) {
	t.Parallel()
	for name, tt := range map[string]struct {
		send []byte
		log  string
	}{
		"bad base64":     {[]byte("\x00QU!D\xff"), "invalid base64"},
		"cut quantum":    {[]byte("\x00QUJDR\xff"), "quantum"},
		"over the cap":   {append([]byte{0}, bytes.Repeat([]byte("QUJD"), 300)...), "longer than 1000 bytes"},
		"bad frame type": {[]byte{0x42}, "frame type"},
		"bad close":      {[]byte{0xff, 0x01}, "0xFF not followed"},
	} {
		t.Run(name, func(t *testing.T) {
			tg := startTarget(t)
			_, addr, log := startServer(t, Config{Target: tg.addr(), MaxLegacyFrame: 1000})
			conn, _ := net.Dial("tcp", addr)
			defer conn.Close()
			c := dialHixie(t, conn, "/", false)
			tc := tg.accept(t)
			c.conn.Write(tt.send)
			if _, err := c.next(); err != io.EOF {
				t.Fatalf("session not closed: %v", err)
			}
			tc.SetReadDeadline(time.Now().Add(5 * time.Second))
			io.ReadAll(tc)
			testnet.WaitFor(t, "the reason in the log", func() bool { return strings.Contains(log.String(), tt.log) })
		})
	}
}

func TestHixieHandshakeRefusals(t *testing.T) {
	t.Parallel()
	_, addr, _ := startServer(t, Config{Target: startEcho(t)})
	_, legacyOff, log := startServer(t, Config{Target: startEcho(t), NoLegacy: true})
	hixie := func(key1, key2 string) string {
		return "GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\n" +
			"Sec-WebSocket-Key1: " + key1 + "\r\nSec-WebSocket-Key2: " + key2 + "\r\n\r\n" + specKey3
	}
	tests := []struct {
		name, addr, req string
		status          int
		body            string
	}{
		{"key without spaces", addr, hixie("12345", specKey2), 400, "no spaces"},
		{"key not divisible", addr, hixie("1 2 3", specKey2), 400, "multiple"},
		{"legacy turned off", legacyOff, hixie(specKey1, specKey2), 400, "turned off"},
	}
	for _, tt := range tests {
		code, body, _ := status(t, tt.addr, tt.req)
		if code != tt.status || !strings.Contains(body, tt.body) {
			t.Errorf("%s: %d %q", tt.name, code, body)
		}
	}
	if !strings.Contains(log.String(), "turned off") {
		t.Error("refusal not logged")
	}
}

func TestFlashPolicy(t *testing.T) {
	t.Parallel()
	cert := selfSigned(t)
	_, plain, _ := startServer(t, Config{Target: startEcho(t)})
	_, tlsOnly, _ := startServer(t, Config{Target: startEcho(t), TLS: &tls.Config{Certificates: []tls.Certificate{cert}}, TLSOnly: true})
	_, legacyOff, log := startServer(t, Config{Target: startEcho(t), NoLegacy: true})
	ask := func(addr string, pieces ...string) string {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		for i, p := range pieces {
			if i > 0 { // each piece arrives alone
				testnet.WaitFor(t, "the server to read "+pieces[i-1], func() bool { return testnet.ReadByPeer(t, conn) })
			}
			io.WriteString(conn, p)
		}
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		b, err := io.ReadAll(conn)
		if err != nil {
			t.Fatalf("no close after the answer: %v", err)
		}
		return string(b)
	}
	want := `<cross-domain-policy><allow-access-from domain="*" to-ports="*" /></cross-domain-policy>` + "\n"
	if got := ask(plain, "<policy-file-request/>\x00"); got != want {
		t.Errorf("plain port: %q", got)
	}
	if got := ask(plain, "<poli", "cy-file-req", "uest/>"); got != want {
		t.Errorf("request in pieces: %q", got)
	}
	if got := ask(tlsOnly, "<policy-file-request/>\x00"); got != want {
		t.Errorf("TLS-only port: %q", got)
	}
	if got := ask(legacyOff, "<policy-file-request/>\x00"); got != "" {
		t.Errorf("legacy off: %q", got)
	}
	if !strings.Contains(log.String(), "Flash policy request refused") {
		t.Error("refusal not logged")
	}
	// Something else that starts with '<' is served as HTTP (and refused).
	if got := ask(plain, "<html>\r\n\r\n"); !strings.HasPrefix(got, "HTTP/1.1 400") {
		t.Errorf("'<html>': %q", got)
	}
}

func FuzzHixieReader(f *testing.F) {
	f.Add([]byte("\x00QUJD\xff\x00RA==\xff\xff\x00"), uint8(2))
	f.Add([]byte("\x00QU!D\xff"), uint8(1))
	f.Fuzz(func(t *testing.T, stream []byte, size uint8) {
		r := hixieReader{max: 64}
		var total int
		for rest := stream; len(rest) > 0; {
			n := min(int(size)+1, len(rest))
			piece := append([]byte(nil), rest[:n]...)
			rest = rest[n:]
			r.out = make([]byte, len(piece)+3)
			for len(piece) > 0 {
				data, ctrl, more, err := r.feed(piece)
				total += len(data)
				if err != nil {
					return
				}
				if ctrl != nil && ctrl.op != ws.OpClose {
					t.Fatalf("control %v", ctrl.op)
				}
				piece = more
			}
		}
		if total > len(stream) {
			t.Fatalf("%d bytes out of %d in", total, len(stream))
		}
	})
}

func FuzzHixieKey(f *testing.F) {
	f.Add(specKey1)
	f.Add("1 2 3")
	f.Fuzz(func(t *testing.T, key string) {
		n, err := hixieKeyNumber(key)
		if err == nil && strings.Count(key, " ") == 0 {
			t.Fatalf("%q accepted (%d) without spaces", key, n)
		}
	})
}
