package proxy

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestAcceptKeyRFCExample(t *testing.T) {
	t.Parallel()
	// RFC 6455 section 1.3.
	if got := acceptKey("dGhlIHNhbXBsZSBub25jZQ=="); got != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" {
		t.Fatalf("got %s", got)
	}
}

func TestChooseSubprotocol(t *testing.T) {
	t.Parallel()
	tests := []struct {
		offers  []string
		framing framing
		proto   string
		refused bool
	}{
		{nil, framingBinary, "", false},
		{[]string{"binary"}, framingBinary, "binary", false},
		{[]string{"base64, binary"}, framingBinary, "binary", false},
		{[]string{"base64"}, framingBase64, "base64", false},
		{[]string{"chat", "base64"}, framingBase64, "base64", false},
		{[]string{" binary ,chat"}, framingBinary, "binary", false},
		{[]string{"chat, superchat"}, 0, "", true},
		{[]string{"Binary"}, 0, "", true}, // subprotocol names are case-sensitive
	}
	for _, tt := range tests {
		f, proto, why := chooseSubprotocol(tt.offers)
		if (why != "") != tt.refused || (!tt.refused && (f != tt.framing || proto != tt.proto)) {
			t.Errorf("%q: %v %q %q", tt.offers, f, proto, why)
		}
		if tt.refused && !strings.Contains(why, `"binary"`) {
			t.Errorf("%q: refusal %q does not name what is spoken", tt.offers, why)
		}
	}
}

// sendRequest sends a raw request on a new connection, which closes when
// the test ends, and reads the answer's head.
func sendRequest(t *testing.T, addr, request string) (net.Conn, *bufio.Reader, *http.Response) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(conn, request)
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	return conn, br, resp
}

// status sends a raw request and returns the answer's status and body.
func status(t *testing.T, addr, request string) (int, string, http.Header) {
	t.Helper()
	conn, _, resp := sendRequest(t, addr, request)
	defer conn.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header
}

func upgradeRequest(path string, headers ...string) string {
	r := "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
	for _, h := range headers {
		r += h + "\r\n"
	}
	return r + "\r\n"
}

func TestHandshakeAnswers(t *testing.T) {
	t.Parallel()
	_, addr, _ := startServer(t, Config{Target: startEcho(t)})
	tests := []struct {
		name    string
		request string
		status  int
		body    string
	}{
		{"version 13", upgradeRequest("/", "Sec-WebSocket-Version: 13"), 101, ""},
		{"version 8", upgradeRequest("/websockify", "Sec-WebSocket-Version: 8"), 101, ""},
		{"version 7", upgradeRequest("/any/path?x=1", "Sec-WebSocket-Version: 7"), 101, ""},
		{"version 12", upgradeRequest("/", "Sec-WebSocket-Version: 12"), 426, "13, 8 and 7"},
		{"no version", upgradeRequest("/"), 400, "Sec-WebSocket-Version"},
		{"bad key", strings.Replace(upgradeRequest("/", "Sec-WebSocket-Version: 13"), "dGhlIHNhbXBsZSBub25jZQ==", "short", 1), 400, "Sec-WebSocket-Key"},
		{"unsupported protocols", upgradeRequest("/", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Protocol: chat, mqtt"), 400, `"binary" and "base64"`},
		{"POST", strings.Replace(upgradeRequest("/", "Sec-WebSocket-Version: 13"), "GET", "POST", 1), 405, "GET"},
		{"garbage", "HELLO THERE\r\n\r\n", 400, ""},
		{"plain GET without web", "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", 405, "WebSocket"},
		{"huge headers", "GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + strings.Repeat("a", 20<<10) + "\r\n\r\n", 431, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body, h := status(t, addr, tt.request)
			if code != tt.status || !strings.Contains(body, tt.body) {
				t.Fatalf("got %d %q, want %d with %q", code, body, tt.status, tt.body)
			}
			if code == 426 && h.Get("Sec-WebSocket-Version") == "" {
				t.Fatal("426 without Sec-WebSocket-Version")
			}
		})
	}
}

func TestHostAndOriginChecks(t *testing.T) {
	t.Parallel()
	_, addr, _ := startServer(t, Config{Target: startEcho(t)})
	_, port, _ := net.SplitHostPort(addr)
	_, allowedAddr, _ := startServer(t, Config{Target: startEcho(t), AllowOrigins: []string{"https://desk.example"}, AllowHosts: []string{"desk.example"}})
	ws := func(host, origin string) string {
		r := upgradeRequest("/", "Sec-WebSocket-Version: 13")
		r = strings.Replace(r, "Host: localhost", "Host: "+host, 1)
		if origin != "" {
			r = strings.Replace(r, "\r\n\r\n", "\r\nOrigin: "+origin+"\r\n\r\n", 1)
		}
		return r
	}
	tests := []struct {
		name   string
		addr   string
		req    string
		status int
	}{
		{"no origin (not a browser)", addr, ws("localhost:"+port, ""), 101},
		{"same origin", addr, ws("localhost:"+port, "http://localhost:"+port), 101},
		{"same origin by IP", addr, ws("127.0.0.1:"+port, "http://127.0.0.1:"+port), 101},
		{"IPv6 loopback host", addr, ws("[::1]:"+port, ""), 101},
		{"other site", addr, ws("localhost:"+port, "https://evil.example"), 4403},
		{"other port", addr, ws("localhost:"+port, "http://localhost:1"), 4403},
		{"null origin", addr, ws("localhost:"+port, "null"), 4403},
		{"DNS rebinding", addr, ws("evil.example:"+port, "http://evil.example:"+port), 4403},
		{"DNS rebinding, not a browser", addr, ws("evil.example:"+port, ""), 403},
		{"allowed origin", allowedAddr, ws("localhost", "https://desk.example"), 101},
		{"allowed host", allowedAddr, ws("desk.example", "https://desk.example"), 101},
		{"web page of another site", addr, "GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n", 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A browser's refusal comes as a close code (4403) after a 101.
			var got int
			var why string
			if tt.status == 101 {
				got, why, _ = status(t, tt.addr, tt.req)
			} else if a := answerTo(t, tt.addr, tt.req); a.status == 101 {
				got, why = int(a.code), a.reason
			} else {
				got, why = a.status, a.body
			}
			if got != tt.status {
				t.Fatalf("got %d %q, want %d", got, why, tt.status)
			}
			if (got == 403 || got == 4403) && !strings.Contains(why, "allow") {
				t.Fatalf("refusal %q does not say how to allow it", why)
			}
		})
	}
}

func TestSlowHandshakeIsDroppedWithoutStarvingOthers(t *testing.T) {
	_, addr, _ := startServer(t, Config{Target: startEcho(t), HandshakeTimeout: 300 * time.Millisecond})
	var slow []net.Conn
	for i := 0; i < 20; i++ { // connect and say nothing, or half a request
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if i%2 == 1 {
			io.WriteString(c, "GET / HTTP/1.1\r\nHost: local")
		}
		slow = append(slow, c)
	}
	// Others are served meanwhile.
	c := dialWS(t, addr)
	c.send(1, []byte("hi"))
	if got := c.readData(2); string(got) != "hi" {
		t.Fatalf("echo %q", got)
	}
	for i, sc := range slow {
		sc.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.ReadAll(sc); err != nil {
			t.Fatalf("slow connection %d not dropped: %v", i, err)
		}
	}
}
