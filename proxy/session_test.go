package proxy

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"io"
	"net"
	"runtime"
	"runtime/metrics"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"vncbridge/internal/testnet"
)

func TestEchoBinary(t *testing.T) {
	t.Parallel()
	_, addr, _ := startServer(t, Config{Target: startEcho(t)})
	c := dialWS(t, addr, "Sec-WebSocket-Protocol: binary")
	if got := c.resp.Header.Get("Sec-WebSocket-Protocol"); got != "binary" {
		t.Fatalf("protocol %q, want binary", got)
	}
	for _, n := range []int{1, 125, 126, 65535, 65536, 300_000} {
		msg := bytes.Repeat([]byte{byte(n)}, n)
		c.send(ws.OpBinary, msg)
		if got := c.readData(n); !bytes.Equal(got, msg) {
			t.Fatalf("%d bytes: echo differs", n)
		}
	}
	c.write(closeFrame(1000, "done"))
	if code, reason := c.expectClose(); code != 1000 || reason != "done" {
		t.Fatalf("close echo %d %q", code, reason)
	}
	c.expectEOF()
}

func TestTextFramesInBinaryModeAreForwarded(t *testing.T) {
	t.Parallel()
	tg := startTarget(t)
	_, addr, _ := startServer(t, Config{Target: tg.addr()})
	c := dialWS(t, addr)
	if got := c.resp.Header.Get("Sec-WebSocket-Protocol"); got != "" {
		t.Fatalf("protocol %q confirmed when none was offered", got)
	}
	tc := tg.accept(t)
	c.send(ws.OpText, []byte("typed text"))
	got := make([]byte, 10)
	tc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(tc, got); err != nil || string(got) != "typed text" {
		t.Fatalf("target got %q, %v", got, err)
	}
}

func TestBase64Subprotocol(t *testing.T) {
	t.Parallel()
	tg := startTarget(t)
	_, addr, _ := startServer(t, Config{Target: tg.addr()})
	c := dialWS(t, addr, "Sec-WebSocket-Protocol: base64")
	if got := c.resp.Header.Get("Sec-WebSocket-Protocol"); got != "base64" {
		t.Fatalf("protocol %q, want base64", got)
	}
	tc := tg.accept(t)
	c.send(ws.OpText, []byte(base64.StdEncoding.EncodeToString([]byte("RFB 003.008\n"))))
	got := make([]byte, 12)
	tc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(tc, got); err != nil || string(got) != "RFB 003.008\n" {
		t.Fatalf("target got %q, %v", got, err)
	}
	tc.Write([]byte{0, 1, 2, 0xff})
	f, err := c.next()
	if err != nil || f.op != ws.OpText || string(f.payload) != base64.StdEncoding.EncodeToString([]byte{0, 1, 2, 0xff}) {
		t.Fatalf("client got %v %q, %v", f.op, f.payload, err)
	}
}

func TestPingPong(t *testing.T) {
	t.Parallel()
	_, addr, _ := startServer(t, Config{Target: startEcho(t)})
	c := dialWS(t, addr)
	c.send(ws.OpPing, []byte("tick"))
	f, err := c.next()
	if err != nil || f.op != ws.OpPong || string(f.payload) != "tick" {
		t.Fatalf("got %v %q, %v; want pong tick", f.op, f.payload, err)
	}
}

func TestTargetCloseDeliversEverythingThen1000(t *testing.T) {
	t.Parallel()
	tg := startTarget(t)
	_, addr, _ := startServer(t, Config{Target: tg.addr()})
	c := dialWS(t, addr)
	tc := tg.accept(t)
	want := bytes.Repeat([]byte("framebuffer update "), 100_000) // 1.9 MB
	go func() { tc.Write(want); tc.Close() }()
	if got := c.readData(len(want)); !bytes.Equal(got, want) {
		t.Fatal("data differs")
	}
	code, reason := c.expectClose()
	if code != 1000 || reason != "Target closed" {
		t.Fatalf("close %d %q, want 1000 \"Target closed\"", code, reason)
	}
	c.write(closeFrame(1000, ""))
	c.expectEOF()
}

func TestUnreachableTargetCloses1011WithReason(t *testing.T) {
	t.Parallel()
	dead := closedPort(t)
	_, addr, log := startServer(t, Config{Target: dead})
	c := dialWS(t, addr)
	code, reason := c.expectClose()
	if code != 1011 || !strings.Contains(reason, dead) || !strings.Contains(reason, "refused") {
		t.Fatalf("close %d %q, want 1011 naming %s and the error", code, reason, dead)
	}
	c.write(closeFrame(1011, ""))
	c.expectEOF()
	testnet.WaitFor(t, "the log line", func() bool { return strings.Contains(log.String(), "target unreachable") })
}

func TestClientCloseClosesTarget(t *testing.T) {
	t.Parallel()
	tg := startTarget(t)
	srv, addr, _ := startServer(t, Config{Target: tg.addr()})
	c := dialWS(t, addr)
	tc := tg.accept(t)
	c.send(ws.OpBinary, []byte("last words"))
	c.write(closeFrame(1001, "tab closed"))
	got, err := io.ReadAll(tc) // the target sees everything, then EOF
	if err != nil || string(got) != "last words" {
		t.Fatalf("target got %q, %v", got, err)
	}
	if code, _ := c.expectClose(); code != 1001 {
		t.Fatalf("close echo %d, want 1001", code)
	}
	testnet.WaitFor(t, "the session to end", func() bool { return srv.Sessions() == 0 })
}

func TestClientVanishingClosesTarget(t *testing.T) {
	t.Parallel()
	tg := startTarget(t)
	srv, addr, _ := startServer(t, Config{Target: tg.addr()})
	c := dialWS(t, addr)
	tc := tg.accept(t)
	c.conn.Close()
	tc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadAll(tc); err != nil {
		t.Fatalf("target not closed: %v", err)
	}
	testnet.WaitFor(t, "the session to end", func() bool { return srv.Sessions() == 0 })
}

func TestProtocolErrorsClose1002(t *testing.T) {
	t.Parallel()
	for name, bad := range map[string][]byte{
		"unmasked":     {0x82, 0x01, 'x'},
		"long control": maskedFrame(true, ws.OpPing, make([]byte, 126)),
		"reserved bit": func() []byte { f := maskedFrame(true, ws.OpBinary, []byte("x")); f[0] |= 0x20; return f }(),
	} {
		t.Run(name, func(t *testing.T) {
			tg := startTarget(t)
			_, addr, _ := startServer(t, Config{Target: tg.addr()})
			c := dialWS(t, addr)
			tc := tg.accept(t)
			c.write(bad)
			if code, _ := c.expectClose(); code != 1002 {
				t.Fatalf("close %d, want 1002", code)
			}
			c.expectEOF()
			tc.SetReadDeadline(time.Now().Add(5 * time.Second))
			if _, err := io.ReadAll(tc); err != nil {
				t.Fatalf("target not closed: %v", err)
			}
		})
	}
}

func TestBytesPipelinedWithHandshake(t *testing.T) {
	t.Parallel()
	tg := startTarget(t)
	_, addr, _ := startServer(t, Config{Target: tg.addr()})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	req := "GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
	conn.Write(append([]byte(req), maskedFrame(true, ws.OpBinary, []byte("early"))...))
	tc := tg.accept(t)
	got := make([]byte, 5)
	tc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(tc, got); err != nil || string(got) != "early" {
		t.Fatalf("target got %q, %v", got, err)
	}
}

// A slow browser must slow the target down, not fill the proxy's memory.
func TestBackpressureFromSlowClient(t *testing.T) {
	t.Parallel()
	tg := startTarget(t)
	_, addr, _ := startServer(t, Config{Target: tg.addr()})
	c := dialWS(t, addr)
	tc := tg.accept(t)
	const total = 256 << 20
	written := make(chan int, 1)
	go func() {
		chunk := make([]byte, 64<<10)
		n := 0
		tc.SetWriteDeadline(time.Now().Add(time.Second))
		for n < total {
			m, err := tc.Write(chunk)
			n += m
			if err != nil {
				break
			}
		}
		written <- n
	}()
	n := <-written // the client reads nothing: the target's writes must stall
	if n >= total {
		t.Fatalf("the target wrote all %d bytes to a client that reads nothing", n)
	}
	t.Logf("target stalled after %d KiB", n>>10)
	if got := c.readData(n); len(got) != n {
		t.Fatalf("client got %d of %d bytes", len(got), n)
	}
}

// A message far larger than any buffer streams through in constant memory.
func TestHugeMessageStreamsInConstantMemory(t *testing.T) {
	tg := startTarget(t)
	_, addr, _ := startServer(t, Config{Target: tg.addr()})
	c := dialWS(t, addr)
	tc := tg.accept(t)
	const size = 100 << 20
	received := make(chan int64, 1)
	go func() {
		n, _ := io.CopyBuffer(io.Discard, tc, make([]byte, 64<<10))
		received <- n
	}()
	runtime.GC()
	base := heapBytes()
	peak := base
	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() { // the heap's high-water mark while the message passes
		defer close(sampled)
		for {
			select {
			case <-stopSampling:
				return
			case <-time.After(2 * time.Millisecond):
				peak = max(peak, heapBytes())
			}
		}
	}()

	// One frame of 100 MiB, masked on the fly and written in pieces.
	mask := [4]byte{1, 2, 3, 4}
	hdr := binary.BigEndian.AppendUint64([]byte{0x82, 0x80 | 127}, size)
	c.write(append(hdr, mask[:]...))
	piece := make([]byte, 256<<10)
	for sent := 0; sent < size; sent += len(piece) {
		ws.Cipher(piece, mask, sent)
		c.write(piece)
		ws.Cipher(piece, mask, sent) // back to zeros
	}
	c.write(closeFrame(1000, ""))
	c.expectClose()
	if n := <-received; n != size {
		t.Fatalf("target got %d bytes, want %d", n, size)
	}
	close(stopSampling)
	<-sampled
	// Garbage counts too until a collection, so allow a few buffers' worth;
	// a message held whole would add 100 MiB.
	if grew := int64(peak) - int64(base); grew > 24<<20 {
		t.Fatalf("relaying %d MiB grew the heap by %d MiB", size>>20, grew>>20)
	}
}

// heapBytes is the size of the heap's objects, live or not yet collected.
func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func TestHeartbeatDropsSilentClient(t *testing.T) {
	t.Parallel()
	tg := startTarget(t)
	srv, addr, log := startServer(t, Config{Target: tg.addr(), Heartbeat: 50 * time.Millisecond})
	c := dialWS(t, addr)
	tc := tg.accept(t)
	f, err := c.next()
	if err != nil || f.op != ws.OpPing {
		t.Fatalf("got %v, %v; want a ping", f.op, err)
	}
	// Answer nothing: the session must be dropped and the target closed.
	tc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadAll(tc); err != nil {
		t.Fatalf("target not closed: %v", err)
	}
	testnet.WaitFor(t, "the session to end", func() bool { return srv.Sessions() == 0 })
	if !strings.Contains(log.String(), "heartbeats") {
		t.Fatal("the log does not say why the client was dropped")
	}
}

func TestHeartbeatKeepsAnsweringClient(t *testing.T) {
	// 100 ms leaves a loaded test machine time to answer (silence is 2 intervals).
	_, addr, _ := startServer(t, Config{Target: startEcho(t), Heartbeat: 100 * time.Millisecond})
	c := dialWS(t, addr)
	deadline := time.Now().Add(500 * time.Millisecond)
	for time.Now().Before(deadline) {
		f, err := c.next()
		if err != nil {
			t.Fatalf("session dropped while answering pings: %v", err)
		}
		if f.op == ws.OpPing {
			c.send(ws.OpPong, f.payload)
		}
	}
	c.send(ws.OpBinary, []byte("still here"))
	if got := c.readData(10); string(got) != "still here" {
		t.Fatalf("echo %q", got)
	}
}

func TestNoGoroutineOrConnectionLeaks(t *testing.T) {
	tg := startTarget(t)
	srv, addr, _ := startServer(t, Config{Target: tg.addr()})
	base := runtime.NumGoroutine()
	for i := 0; i < 20; i++ {
		c := dialWS(t, addr)
		tc := tg.accept(t)
		switch i % 3 {
		case 0:
			c.write(closeFrame(1000, ""))
			c.expectClose()
		case 1:
			c.conn.Close() // vanishes
		case 2:
			tc.Close()
			c.expectClose()
			c.write(closeFrame(1000, ""))
		}
		if i%3 != 1 {
			c.expectEOF()
		}
		if i%3 != 2 {
			tc.SetReadDeadline(time.Now().Add(5 * time.Second))
			if _, err := io.Copy(io.Discard, tc); err != nil {
				t.Fatalf("session %d: target not closed: %v", i, err)
			}
		}
		c.conn.Close()
		tc.Close()
	}
	testnet.WaitFor(t, "sessions to end", func() bool { return srv.Sessions() == 0 })
	testnet.WaitFor(t, "goroutines to exit", func() bool { return runtime.NumGoroutine() <= base+2 })
}

func TestPanicEndsOnlyItsSession(t *testing.T) {
	t.Parallel()
	srv, addr, log := startServer(t, Config{Target: startEcho(t)})
	c := dialWS(t, addr)
	var ss *session
	testnet.WaitFor(t, "the session to register", func() bool { // it does just after the 101
		srv.mu.Lock()
		defer srv.mu.Unlock()
		for s := range srv.sessions {
			ss = s
		}
		return ss != nil
	})
	// Its two directions run a moment after it registers.
	testnet.WaitFor(t, "the session to run", func() bool { return ss.running.Load() == 2 })
	ss.running.Add(1)
	ss.guard("test", func() { panic("boom") })
	if !strings.Contains(log.String(), "session panic") {
		t.Fatal("panic not logged")
	}
	c.expectEOF()
	other := dialWS(t, addr)
	other.send(ws.OpBinary, []byte("ok"))
	if got := other.readData(2); string(got) != "ok" {
		t.Fatalf("other session echo %q", got)
	}
}

func TestOnSessionsReportsEachChange(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var counts []int
	cfg := Config{Target: startEcho(t), OnSessions: func(n int) {
		mu.Lock()
		counts = append(counts, n)
		mu.Unlock()
	}}
	_, addr, _ := startServer(t, cfg)
	a := dialWS(t, addr)
	b := dialWS(t, addr)
	for _, c := range []*wsClient{a, b} { // both sessions are open once each echoes
		c.send(ws.OpBinary, []byte("x"))
		if got := c.readData(1); string(got) != "x" {
			t.Fatalf("echo %q", got)
		}
	}
	a.write(closeFrame(1000, ""))
	a.expectClose()
	b.write(closeFrame(1000, ""))
	b.expectClose()
	testnet.WaitFor(t, "four reports", func() bool { mu.Lock(); defer mu.Unlock(); return len(counts) == 4 })
	mu.Lock()
	defer mu.Unlock()
	if want := []int{1, 2, 1, 0}; !slices.Equal(counts, want) {
		t.Fatalf("OnSessions saw %v, want %v", counts, want)
	}
}
