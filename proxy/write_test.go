package proxy

import (
	"bytes"
	"encoding/binary"
	"testing"
	"time"

	"github.com/gobwas/ws"
)

// A client that floods pings and stops reading for longer than any write
// deadline must still get a well-formed stream once it reads again: every
// ping answered in order, the target's data whole between the pongs, no half
// frame anywhere.
func TestPingFloodWithoutReadingKeepsTheStreamWhole(t *testing.T) {
	t.Parallel()
	tg := startTarget(t)
	_, addr, _ := startServer(t, Config{Target: tg.addr()})
	c := dialWS(t, addr)
	if tcp, ok := c.conn.(interface{ SetReadBuffer(int) error }); ok {
		tcp.SetReadBuffer(32 << 10) // fill up soon
	}
	tc := tg.accept(t)

	const pings = 60_000
	data := bytes.Repeat([]byte("target data "), 200_000) // 2.4 MB
	go tc.Write(data)
	wrote := make(chan error, 1)
	go func() {
		var buf []byte
		payload := make([]byte, 125)
		for i := range pings {
			binary.BigEndian.PutUint32(payload, uint32(i))
			buf = append(buf, maskedFrame(true, ws.OpPing, payload)...)
			if len(buf) > 64<<10 || i == pings-1 {
				c.conn.SetWriteDeadline(time.Now().Add(30 * time.Second))
				if _, err := c.conn.Write(buf); err != nil {
					wrote <- err
					return
				}
				buf = buf[:0]
			}
		}
		wrote <- nil
	}()
	// Not a wait for anything: the client stalls, reading nothing, for
	// longer than any write deadline of the proxy; that stall is the test.
	time.Sleep(closeGrace + 500*time.Millisecond)

	var got []byte
	next := 0
	for next < pings || len(got) < len(data) {
		f, err := c.next()
		if err != nil {
			t.Fatalf("after %d pongs and %d data bytes: %v", next, len(got), err)
		}
		switch f.op {
		case ws.OpPong:
			if len(f.payload) != 125 || binary.BigEndian.Uint32(f.payload) != uint32(next) {
				t.Fatalf("pong %d: payload % x", next, f.payload[:min(8, len(f.payload))])
			}
			next++
		case ws.OpBinary:
			got = append(got, f.payload...)
		default:
			t.Fatalf("after %d pongs and %d data bytes: unexpected frame %v %q", next, len(got), f.op, f.payload)
		}
	}
	if !bytes.Equal(got, data) {
		t.Fatal("the target's data differs")
	}
	if err := <-wrote; err != nil {
		t.Fatalf("client write: %v", err)
	}
}
