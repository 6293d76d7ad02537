package testnet

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// EchoThrough opens a WebSocket on conn (a proxy in front of an Echo
// target), sends msg in one masked binary frame, checks that it comes back,
// and closes conn. It is a client written by hand, byte by byte, so that it
// depends on none of the code under test.
func EchoThrough(t testing.TB, conn net.Conn, msg string) {
	t.Helper()
	v := OpenViewer(t, conn)
	v.Echo(t, msg)
	v.Close()
}

// A Viewer is a WebSocket client on a connection to the proxy, kept open
// across steps of a test.
type Viewer struct {
	conn net.Conn
	br   *bufio.Reader
}

// OpenViewer makes the WebSocket handshake on conn.
func OpenViewer(t testing.TB, conn net.Conn) *Viewer {
	t.Helper()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(conn, "GET /websockify HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary\r\n\r\n")
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != 101 {
		conn.Close()
		t.Fatalf("handshake: %v %v", resp, err)
	}
	return &Viewer{conn: conn, br: br}
}

// Echo sends msg (at most 125 bytes) in one masked binary frame and checks
// that the target's echo comes back.
func (v *Viewer) Echo(t testing.TB, msg string) {
	t.Helper()
	if len(msg) > 125 {
		t.Fatal("Echo: a message of at most 125 bytes")
	}
	v.conn.SetDeadline(time.Now().Add(10 * time.Second))
	mask := []byte{7, 1, 3, 9}
	frame := append([]byte{0x82, 0x80 | byte(len(msg))}, mask...)
	for i := range len(msg) {
		frame = append(frame, msg[i]^mask[i%4])
	}
	v.conn.Write(frame)
	got := make([]byte, 2+len(msg))
	if _, err := io.ReadFull(v.br, got); err != nil || got[0] != 0x82 || string(got[2:]) != msg {
		t.Fatalf("echo %q, %v", got, err)
	}
}

// Close sends a close frame (1000) and closes the connection.
func (v *Viewer) Close() {
	v.conn.Write([]byte{0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8})
	v.conn.Close()
}
