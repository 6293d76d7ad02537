package proxy

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// A request with both Content-Length and Transfer-Encoding is refused with
// 400 and a close: the bytes after it are never read as a second request.
func TestContentLengthWithTransferEncodingIsRefused(t *testing.T) {
	t.Parallel()
	_, addr, _ := startServer(t, Config{Target: startEcho(t), Web: webDirFS(t)})
	for _, method := range []string{"GET", "POST"} {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(conn, method+" /vnc.html HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"+
			"0\r\n\r\nGET /smuggled.html HTTP/1.1\r\nHost: localhost\r\n\r\n")
		br := bufio.NewReader(conn)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		io.Copy(io.Discard, resp.Body)
		if resp.StatusCode != http.StatusBadRequest || !resp.Close {
			t.Errorf("%s: %s, close %v; want 400 and a close", method, resp.Status, resp.Close)
		}
		if rest, err := io.ReadAll(br); len(rest) != 0 || err != nil {
			t.Errorf("%s: after the refusal: %q %v; want the connection closed", method, rest, err)
		}
	}
}

// A kept-alive connection with no next request is closed after the
// handshake timeout, as a new connection that sends nothing is.
func TestIdleKeepAliveEndsAtTheHandshakeTimeout(t *testing.T) {
	t.Parallel()
	const timeout = 300 * time.Millisecond
	_, addr, _ := startServer(t, Config{Target: startEcho(t), Web: webDirFS(t), HandshakeTimeout: timeout})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET /vnc.html HTTP/1.1\r\nHost: localhost\r\n\r\n")
	br := bufio.NewReader(conn)
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != 200 || resp.Close {
		t.Fatalf("%s, close %v: want 200 kept alive", resp.Status, resp.Close)
	}
	start := time.Now()
	if _, err := br.ReadByte(); err != io.EOF && !isReset(err) {
		t.Fatalf("idle connection: %v; want it closed", err)
	}
	if idle := time.Since(start); idle > timeout+2*time.Second {
		t.Fatalf("idle connection held %v; the handshake timeout is %v", idle, timeout)
	}
}

// webDirFS is a web directory with one page.
func webDirFS(t *testing.T) fstest.MapFS {
	return fstest.MapFS{"vnc.html": {Data: []byte(strings.Repeat("<p>vnc</p>", 10))}}
}
