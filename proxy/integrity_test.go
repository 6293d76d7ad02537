package proxy

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"vncbridge/internal/testnet"
)

// These tests check with sha256, on both ends, that every byte a session
// counts as relayed (to_target, to_client in its log line) arrived, and
// nothing else: when the server shuts down in the middle of a transfer, and
// when the target dies.

// echoTarget accepts one connection, echoes it and hashes what it got, until
// the end of its stream; or, once crash is closed, resets the connection as a
// killed process with unread input does.
func echoTarget(t *testing.T, tg *target, crash <-chan struct{}) (got *testnet.Tally, done <-chan struct{}) {
	got = &testnet.Tally{}
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		c := tg.accept(t)
		buf := make([]byte, 64<<10)
		for {
			select {
			case <-crash:
				c.(*net.TCPConn).SetLinger(0)
				c.Close()
				return
			default:
			}
			c.SetReadDeadline(time.Now().Add(20 * time.Second))
			m, err := c.Read(buf)
			got.Write(buf[:m])
			if m > 0 {
				if _, werr := c.Write(buf[:m]); werr != nil {
					t.Errorf("target write: %v", werr)
					c.Close()
					return
				}
			}
			if err != nil {
				if !errors.Is(err, io.EOF) {
					t.Errorf("target read: %v", err)
				}
				c.Close()
				return
			}
		}
	}()
	return got, finished
}

// integrityClient sends testnet.Stream(total) in binary frames while it reads what
// comes back, until a close frame, which it answers. It calls atMidway once
// it has received midway bytes.
type integrityClient struct {
	c      *wsClient
	got    testnet.Tally
	code   ws.StatusCode
	reason string
}

func runIntegrityClient(t *testing.T, c *wsClient, total, midway int64, atMidway func()) *integrityClient {
	ic := &integrityClient{c: c}
	stopWriting := make(chan struct{})
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		src := testnet.Stream(total)
		buf := make([]byte, 64<<10)
		for {
			select {
			case <-stopWriting:
				return
			default:
			}
			n, err := io.ReadFull(src, buf)
			if n > 0 {
				c.conn.SetWriteDeadline(time.Now().Add(20 * time.Second))
				if _, werr := c.conn.Write(maskedFrame(true, ws.OpBinary, buf[:n])); werr != nil {
					return // the server closed; it counts only what it relayed
				}
			}
			if err != nil {
				return
			}
		}
	}()
	var n int64
	called := false
	for {
		f, err := c.next()
		if err != nil {
			t.Fatalf("client after %d bytes: %v", n, err)
		}
		switch f.op {
		case ws.OpBinary:
			ic.got.Write(f.payload)
			n += int64(len(f.payload))
			if !called && n >= midway {
				called = true
				go atMidway()
			}
			continue
		case ws.OpClose:
			ic.code = ws.StatusCode(binary.BigEndian.Uint16(f.payload))
			ic.reason = string(f.payload[2:])
		default:
			t.Fatalf("client after %d bytes: frame %v", n, f.op)
		}
		break
	}
	close(stopWriting)
	<-wrote
	c.write(closeFrame(ic.code, ""))
	return ic
}

var countsInLog = regexp.MustCompile(`session ended.*to_target=(\d+) to_client=(\d+)`)

// loggedCounts waits for the session's log line and returns its counts.
func loggedCounts(t *testing.T, log *testnet.LogBuffer) (toTarget, toClient int64) {
	t.Helper()
	var m []string
	testnet.WaitFor(t, "the session's end in the log", func() bool {
		m = countsInLog.FindStringSubmatch(log.String())
		return m != nil
	})
	a, _ := strconv.ParseInt(m[1], 10, 64)
	b, _ := strconv.ParseInt(m[2], 10, 64)
	return a, b
}

// checkCounts checks that the target got exactly the first toTarget bytes
// the client sent, and the client the first toClient bytes the target echoed.
func checkCounts(t *testing.T, log *testnet.LogBuffer, atTarget *testnet.Tally, client *integrityClient) {
	t.Helper()
	toTarget, toClient := loggedCounts(t, log)
	if n, sum := atTarget.Result(); n != toTarget {
		t.Errorf("the target got %d bytes, the session counts %d relayed to it (%d lost)", n, toTarget, toTarget-n)
	} else if sum != testnet.PrefixSum(toTarget) {
		t.Errorf("the target got %d bytes, but not the ones sent", toTarget)
	}
	if n, sum := client.got.Result(); n != toClient {
		t.Errorf("the client got %d bytes, the session counts %d relayed to it", n, toClient)
	} else if sum != testnet.PrefixSum(toClient) {
		t.Errorf("the client got %d bytes, but not the ones the target sent", toClient)
	}
	t.Logf("to_target %d, to_client %d", toTarget, toClient)
}

// Shutdown in the middle of an echo: what was counted was delivered.
func TestShutdownDeliversEverythingCounted(t *testing.T) {
	t.Parallel()
	const total = 128 << 20
	tg := startTarget(t)
	srv, addr, log := startServer(t, Config{Target: tg.addr()})
	c := dialWS(t, addr)
	atTarget, targetDone := echoTarget(t, tg, nil)
	shut := make(chan error, 1)
	client := runIntegrityClient(t, c, total, 16<<20, func() {
		shut <- srv.Shutdown(contextWithTimeout(t, 10*time.Second))
	})
	if client.code != ws.StatusGoingAway {
		t.Errorf("close %d %q, want 1001", client.code, client.reason)
	}
	if err := <-shut; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	select {
	case <-targetDone:
	case <-time.After(10 * time.Second):
		t.Fatal("the target's connection did not end")
	}
	checkCounts(t, log, atTarget, client)
}

// A target that dies (a reset) while data flows both ways is an error, 1011
// with the reason, never a clean 1000 "Target closed"; and what was counted
// as relayed before it died arrived.
func TestTargetResetCloses1011(t *testing.T) {
	t.Parallel()
	for i := range 3 {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			tg := startTarget(t)
			_, addr, log := startServer(t, Config{Target: tg.addr()})
			c := dialWS(t, addr)
			crash := make(chan struct{})
			atTarget, targetDone := echoTarget(t, tg, crash)
			client := runIntegrityClient(t, c, 64<<20, 4<<20, func() { close(crash) })
			if client.code != ws.StatusInternalServerError || !regexp.MustCompile(`reset|lost`).MatchString(client.reason) {
				t.Errorf("close %d %q, want 1011 saying the target's connection was lost", client.code, client.reason)
			}
			<-targetDone
			toTarget, toClient := loggedCounts(t, log)
			// The target may not have read all it was sent before it died;
			// what it read is what was sent, and the client got exactly
			// what was counted.
			if n, sum := atTarget.Result(); n > toTarget || sum != testnet.PrefixSum(n) {
				t.Errorf("the target got %d bytes of %d counted, not the ones sent", n, toTarget)
			}
			if n, sum := client.got.Result(); n != toClient || sum != testnet.PrefixSum(toClient) {
				t.Errorf("the client got %d bytes, the session counts %d", n, toClient)
			}
		})
	}
}
