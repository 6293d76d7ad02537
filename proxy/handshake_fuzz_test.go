package proxy

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// FuzzHandshakeHeaders runs the handshake's own parsing (subprotocols, Host
// and Origin, Hixie keys) on arbitrary header values.
func FuzzHandshakeHeaders(f *testing.F) {
	f.Add("localhost:6080", "http://localhost:6080", "binary, base64", "dGhlIHNhbXBsZSBub25jZQ==", "13", specKey1, specKey2)
	f.Add("[::1]", "null", "chat", "", "", "1 2", "")
	f.Add("evil.example", "https://evil.example:443", ",,,", "x", "8", "", "  ")
	srv, err := New(Config{Target: "127.0.0.1:1", AllowOrigins: []string{"https://ok.example"}, AllowHosts: []string{"ok.example"}})
	if err != nil {
		f.Fatal(err)
	}
	local := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 6080}
	f.Fuzz(func(t *testing.T, host, origin, protocols, key, version, key1, key2 string) {
		r := httptest.NewRequest("GET", "/websockify?seq_num=1", nil)
		r = r.WithContext(contextWithLocalAddr(r, local))
		r.Host = host
		for name, v := range map[string]string{"Origin": origin, "Sec-WebSocket-Protocol": protocols,
			"Sec-WebSocket-Key": key, "Sec-WebSocket-Version": version, "Sec-WebSocket-Key1": key1, "Sec-WebSocket-Key2": key2} {
			if v != "" {
				r.Header.Set(name, v)
			}
		}
		srv.checkHost(r)
		srv.checkOrigin(r)
		if isLegacyHandshake(r) {
			op, err := srv.legacyOpening(r)
			if err == nil && len(op.answer) == 0 {
				t.Fatalf("accepted without an answer")
			}
		} else {
			op, err := rfc6455Opening(r)
			if err == nil && !strings.HasPrefix(string(op.answer), "HTTP/1.1 101 ") {
				t.Fatalf("accepted with answer %q", op.answer)
			}
		}
	})
}

// FuzzRawRequest sends arbitrary bytes to a real server, then half-closes:
// the server must answer what it understood and close, and never crash. (A
// server that keeps a connection alive rightly waits for the next request;
// the half-close says there is none. The wait of a client that sends nothing
// is bounded by TestSlowHandshakeIsDroppedWithoutStarvingOthers and
// TestIdleKeepAliveEndsAtTheHandshakeTimeout.)
func FuzzRawRequest(f *testing.F) {
	f.Add([]byte(upgradeRequest("/", "Sec-WebSocket-Version: 13")))
	f.Add([]byte("GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key1: " + specKey1 + "\r\nSec-WebSocket-Key2: " + specKey2 + "\r\n\r\n" + specKey3))
	f.Add([]byte("<policy-file-request/>\x00"))
	f.Add([]byte{0x16, 3, 1, 0, 5, 1, 0, 0, 1, 0})
	f.Add([]byte("GET /../../etc/passwd HTTP/1.0\r\n\r\n"))
	f.Add([]byte("GET /x HTTP/1.1\r\nHost: localhost\r\n\r\n"))
	f.Add([]byte("GET /x HTTP/1.1\r\nHost: localhost\r\n\r\nGET /y HTTP/1.1\r\nHost: localhost\r\n\r\n"))
	f.Add([]byte("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"))
	_, addr, _ := startServer(f, Config{Target: startEcho(f), HandshakeTimeout: 500 * time.Millisecond, Logger: discardLogger()})
	f.Fuzz(func(t *testing.T, request []byte) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.Write(request)
		conn.(*net.TCPConn).CloseWrite()
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		br := bufio.NewReader(conn)
		if resp, err := http.ReadResponse(br, nil); err == nil && resp.StatusCode == 101 {
			return // a session: fine
		}
		if _, err := io.Copy(io.Discard, br); err != nil && !isReset(err) {
			t.Fatalf("connection neither answered nor closed: %v", err)
		}
	})
}
