package proxy

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/gobwas/ws"
)

// A viewer that leaves while the person sharing is asked ends the question
// within a second, however it leaves: a browser whose page goes sends its
// close frame first (maybe after some data), and may close its connection
// only much later; a legacy client sends 0xFF 0x00.
func TestConsentEndsWhenTheViewerSaysGoodbye(t *testing.T) {
	cases := []struct {
		name  string
		leave func(t *testing.T, addr string)
	}{
		{"close frame, connection kept open", func(t *testing.T, addr string) {
			dialWS(t, addr).write(closeFrame(ws.StatusGoingAway, ""))
		}},
		{"data, then close frame and the connection closed", func(t *testing.T, addr string) {
			c := dialWS(t, addr)
			c.write(append(maskedFrame(true, ws.OpBinary, []byte("RFB 003.008\n")), closeFrame(ws.StatusGoingAway, "")...))
			c.conn.Close()
		}},
		{"connection closed", func(t *testing.T, addr string) { dialWS(t, addr).conn.Close() }},
		{"legacy close", func(t *testing.T, addr string) {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { conn.Close() })
			c := dialHixie(t, conn, "/websockify", false)
			c.conn.Write(append(hixieFrame([]byte("hi")), 0xff, 0x00))
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tg := startTarget(t)
			asked := make(chan struct{})
			ended := make(chan time.Time, 1)
			_, addr, _ := startServer(t, Config{Target: tg.addr(), Consent: func(ctx context.Context, v Viewer) Decision {
				close(asked)
				<-ctx.Done()
				ended <- time.Now()
				return Allow
			}})
			c.leave(t, addr)
			<-asked
			left := time.Now()
			select {
			case at := <-ended:
				if d := at.Sub(left); d > time.Second {
					t.Fatalf("the question ended %v after the viewer left", d)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("the question went on after the viewer left")
			}
			expectNoDial(t, tg, 100*time.Millisecond)
		})
	}
}
