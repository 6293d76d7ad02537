package testnet

import (
	"bufio"
	"io"
	"net"
	"testing"
	"time"
)

// A Viewer is a WebSocket client on a connection to the proxy, kept open
// across the steps of a test (a viewer that must stay connected).
type Viewer struct {
	conn net.Conn
	br   *bufio.Reader
}

// OpenViewer makes the WebSocket handshake on conn for /websockify (see
// Handshake).
func OpenViewer(t testing.TB, conn net.Conn) *Viewer {
	t.Helper()
	return OpenViewerAt(t, conn, "/websockify")
}

// OpenViewerAt makes the WebSocket handshake on conn for path, such as
// "/websockify?token=…".
func OpenViewerAt(t testing.TB, conn net.Conn, path string) *Viewer {
	t.Helper()
	return &Viewer{conn: conn, br: Handshake(t, conn, path)}
}

// Echo sends msg (at most 125 bytes) in one masked binary frame and checks
// that the target's echo comes back.
func (v *Viewer) Echo(t testing.TB, msg string) {
	t.Helper()
	if len(msg) > 125 {
		t.Fatal("Echo: a message of at most 125 bytes")
	}
	v.conn.SetDeadline(time.Now().Add(10 * time.Second))
	defer v.conn.SetDeadline(time.Time{})
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
