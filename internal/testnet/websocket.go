package testnet

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/gobwas/ws"
)

// EchoThrough opens a WebSocket on conn (a proxy in front of an Echo
// target), sends msg in one masked binary frame, checks that it comes back,
// and closes conn. It is a client written by hand, byte by byte, so that it
// depends on none of the code under test.
func EchoThrough(t testing.TB, conn net.Conn, msg string) {
	t.Helper()
	defer conn.Close()
	v := OpenViewer(t, conn)
	v.Echo(t, msg)
	v.Close()
}

// Handshake opens a WebSocket (binary subprotocol) on conn for path, fails
// the test unless the answer is 101, and returns the reader that holds what
// follows the answer.
func Handshake(t testing.TB, conn net.Conn, path string) *bufio.Reader {
	t.Helper()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	defer conn.SetDeadline(time.Time{})
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary\r\n\r\n", path)
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != 101 {
		t.Fatalf("handshake for %s: %v %v", path, resp, err)
	}
	return br
}

// OpenWebSocket dials addr and opens a WebSocket for path on it (see
// Handshake); the connection closes when the test ends.
func OpenWebSocket(t testing.TB, addr, path string) (net.Conn, *bufio.Reader) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn, Handshake(t, conn, path)
}

// CloseReason reads the server's frames on conn until its close frame, and
// returns the reason it gives. br, when not nil, is the handshake's reader
// (it may hold frames read past the answer).
func CloseReason(t testing.TB, conn net.Conn, br *bufio.Reader) string {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	var r io.Reader = conn
	if br != nil {
		r = br
	}
	for {
		h, err := ws.ReadHeader(r)
		if err != nil {
			t.Fatalf("waiting for the close: %v", err)
		}
		p := make([]byte, h.Length)
		if _, err := io.ReadFull(r, p); err != nil {
			t.Fatal(err)
		}
		if h.OpCode == ws.OpClose {
			_, reason := ws.ParseCloseFrameData(p)
			return reason
		}
	}
}
