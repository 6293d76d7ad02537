package proxy

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"vncbridge/internal/testnet"
)

// pipesBorrowed is how many pipes sessions hold now (open, not idle in the
// pool).
func pipesBorrowed() int64 {
	pipePool.mu.Lock()
	defer pipePool.mu.Unlock()
	return pipesOpen.Load() - int64(len(pipePool.free))
}

// openFDs counts this process's open file descriptors but those of the idle
// pipes in the pool, which belong to no session.
func openFDs(t *testing.T) int {
	t.Helper()
	pipePool.mu.Lock()
	defer pipePool.mu.Unlock()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents) - 2*len(pipePool.free)
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// relaySizes are payloads around the frame header's length limits and the
// pipe's size.
var relaySizes = []int{1, 125, 126, 127, 65535, 65536, 65537, pipeSize - 1, pipeSize, pipeSize + 1, 3<<20 + 17}

// TestSpliceRelaysByteExact sends payloads of many sizes from the target and
// checks that they arrive intact through the splice path (or, for a few
// bytes, the ordinary one), then the close
// 1000 "Target closed" as before.
func TestSpliceRelaysByteExact(t *testing.T) {
	if spliceOff {
		t.Skip("VNCBRIDGE_SPLICE=0 turns the splice path off")
	}
	for _, n := range relaySizes {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			tg := startTarget(t)
			_, addr, _ := startServer(t, Config{Target: tg.addr(), Logger: discardLogger()})
			c := dialWS(t, addr)
			tc := tg.accept(t)
			want := randomBytes(n)
			before := splicedBytes.Load()
			go func() { tc.Write(want); tc.Close() }()
			if got := c.readData(n); !bytes.Equal(got, want) {
				t.Fatalf("%d bytes relayed differ from those sent", n)
			}
			if code, reason := c.expectClose(); code != 1000 || reason != "Target closed" {
				t.Fatalf("close %d %q, want 1000 \"Target closed\"", code, reason)
			}
			// Fewer than spliceMin bytes waiting go the ordinary way (one
			// read, one write); a large payload goes mostly by splice, though
			// its first bytes may arrive alone. Other tests may run in
			// parallel with this one: at least, not exactly.
			d := splicedBytes.Load() - before
			if n >= 2*spliceMin && d < int64(n/2) {
				t.Fatalf("%d of %d bytes went through splice, want most", d, n)
			}
			if n < spliceMin && d != 0 {
				t.Fatalf("%d of %d bytes went through splice, want none (a small read costs less the ordinary way)", d, n)
			}
		})
	}
}

// TestSpliceFallbacks relays the same data through the sessions that cannot
// splice (base64, numbered frames, recording, TLS) and through a Unix-socket
// target, which can, and checks the bytes and the path taken.
func TestSpliceFallbacks(t *testing.T) {
	const n = 200_000
	cert := selfSigned(t)
	cases := []struct {
		name   string
		cfg    func(t *testing.T, target string) Config
		extra  []string
		tls    bool
		splice bool
		decode func(t *testing.T, c *wsClient, n int) []byte
	}{
		{name: "binary", splice: true},
		{name: "base64", extra: []string{"Sec-WebSocket-Protocol: base64"}, decode: readBase64},
		{name: "seq_num", extra: []string{}, decode: readNumbered},
		{name: "recording", cfg: func(t *testing.T, target string) Config {
			return Config{Target: target, Record: filepath.Join(t.TempDir(), "rec")}
		}},
		{name: "tls", tls: true, cfg: func(t *testing.T, target string) Config {
			return Config{Target: target, TLS: &tls.Config{Certificates: []tls.Certificate{cert}}}
		}},
		{name: "unix target", splice: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var targetAddr string
			var conns <-chan net.Conn
			var cfg Config
			if tc.name == "unix target" {
				p := filepath.Join(t.TempDir(), "vnc.sock")
				ln, err := net.Listen("unix", p)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { ln.Close() })
				ch := make(chan net.Conn, 1)
				go func() {
					if c, err := ln.Accept(); err == nil {
						ch <- c
					}
				}()
				conns, cfg = ch, Config{UnixTarget: p}
			} else {
				tg := startTarget(t)
				targetAddr, conns = tg.addr(), tg.conns
				cfg = Config{Target: targetAddr}
				if tc.cfg != nil {
					cfg = tc.cfg(t, targetAddr)
				}
			}
			cfg.Logger = discardLogger()
			_, addr, _ := startServer(t, cfg)
			var c *wsClient
			if tc.tls {
				conn, err := tls.Dial("tcp", addr, tlsClientConfig(cert))
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { conn.Close() })
				resp, br := handshake(t, conn)
				if resp.StatusCode != 101 {
					t.Fatal(resp.Status)
				}
				c = &wsClient{t: t, conn: conn, br: br, resp: resp}
			} else {
				extra := tc.extra
				if tc.name == "seq_num" {
					c = dialWSPath(t, addr, "/websockify?seq_num=1")
				} else {
					c = dialWS(t, addr, extra...)
				}
			}
			var target net.Conn
			select {
			case target = <-conns:
				t.Cleanup(func() { target.Close() })
			case <-time.After(5 * time.Second):
				t.Fatal("the target got no connection")
			}
			want := randomBytes(n)
			before := splicedBytes.Load()
			go func() { target.Write(want); target.Close() }()
			read := tc.decode
			if read == nil {
				read = func(t *testing.T, c *wsClient, n int) []byte { return c.readData(n) }
			}
			if got := read(t, c, n); !bytes.Equal(got, want) {
				t.Fatal("the bytes relayed differ from those sent")
			}
			if code, reason := c.expectClose(); code != 1000 || reason != "Target closed" {
				t.Fatalf("close %d %q, want 1000 \"Target closed\"", code, reason)
			}
			spliced := splicedBytes.Load()-before >= n
			if spliced != tc.splice && !spliceOff {
				t.Fatalf("spliced: %v, want %v", spliced, tc.splice)
			}
		})
	}
}

// dialWSPath is dialWS with another request path.
func dialWSPath(t *testing.T, addr, path string) *wsClient {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	req := "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 101 {
		t.Fatal(resp.Status)
	}
	return &wsClient{t: t, conn: conn, br: br, resp: resp}
}

// readBase64 reads text frames of base64 until n decoded bytes have come.
func readBase64(t *testing.T, c *wsClient, n int) []byte {
	var got []byte
	for len(got) < n {
		f, err := c.next()
		if err != nil || f.op != ws.OpText {
			t.Fatalf("after %d bytes: %v %v", len(got), f.op, err)
		}
		d, err := base64.StdEncoding.DecodeString(string(f.payload))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, d...)
	}
	return got
}

// readNumbered reads frames numbered "N:" from 0 until n bytes have come.
func readNumbered(t *testing.T, c *wsClient, n int) []byte {
	var got []byte
	for i := 0; len(got) < n; i++ {
		f, err := c.next()
		if err != nil {
			t.Fatalf("after %d bytes: %v", len(got), err)
		}
		prefix := strconv.Itoa(i) + ":"
		if !bytes.HasPrefix(f.payload, []byte(prefix)) {
			t.Fatalf("frame %d starts %q, want %q", i, f.payload[:min(len(f.payload), 12)], prefix)
		}
		got = append(got, f.payload[len(prefix):]...)
	}
	return got
}

// TestSplicePipesReturned opens sessions, moves data through each, and
// checks that idle sessions hold no pipe and that no descriptor is left
// once they end.
func TestSplicePipesReturned(t *testing.T) {
	if spliceOff {
		t.Skip("VNCBRIDGE_SPLICE=0 turns the splice path off")
	}
	tg := startTarget(t)
	_, addr, _ := startServer(t, Config{Target: tg.addr(), Logger: discardLogger()})
	// One session first, so that the pool and the runtime have their
	// descriptors before the count.
	warm := dialWS(t, addr)
	wt := tg.accept(t)
	wt.Write([]byte("warm"))
	warm.readData(4)
	wt.Close()
	warm.expectClose()
	warm.conn.Close()
	testnet.WaitFor(t, "no pipe borrowed", func() bool { return pipesBorrowed() == 0 })
	fds := openFDs(t)

	const sessions = 20
	var clients []*wsClient
	var targets []net.Conn
	for i := 0; i < sessions; i++ {
		c := dialWS(t, addr)
		tc := tg.accept(t)
		want := randomBytes(100_000 + i)
		go tc.Write(want)
		if got := c.readData(len(want)); !bytes.Equal(got, want) {
			t.Fatal("data differs")
		}
		clients, targets = append(clients, c), append(targets, tc)
	}
	// Every session is open and idle now.
	testnet.WaitFor(t, "idle sessions to hold no pipe", func() bool { return pipesBorrowed() == 0 })
	if open := pipesOpen.Load(); open > pipePoolMax {
		t.Fatalf("%d pipes open for %d idle sessions; the pool keeps %d at most", open, sessions, pipePoolMax)
	}
	for i := range clients {
		targets[i].Close()
		clients[i].expectClose()
		clients[i].conn.Close()
	}
	defer func() {
		if t.Failed() {
			ents, _ := os.ReadDir("/proc/self/fd")
			var links []string
			for _, e := range ents {
				l, _ := os.Readlink("/proc/self/fd/" + e.Name())
				links = append(links, l)
			}
			t.Logf("%d descriptors open after the sessions ended, %d before (pipes open: %d): %v", openFDs(t), fds, pipesOpen.Load(), links)
		}
	}()
	testnet.WaitFor(t, "the descriptors of the ended sessions to close", func() bool { return openFDs(t) <= fds })
}

// TestSpliceClientStopsReading: the target sends more than the sockets and
// the pipe can hold to a client that reads nothing, then the client goes
// away. The session ends, the target is closed and the pipe that still held
// data is closed, not pooled.
func TestSpliceClientStopsReading(t *testing.T) {
	if spliceOff {
		t.Skip("VNCBRIDGE_SPLICE=0 turns the splice path off")
	}
	tg := startTarget(t)
	_, addr, log := startServer(t, Config{Target: tg.addr()})
	c := dialWS(t, addr)
	tc := tg.accept(t)
	before := pipesOpen.Load()
	sent := make(chan int64, 1)
	go func() {
		n, _ := io.Copy(tc, io.LimitReader(zeroReader{}, 64<<20))
		sent <- n
	}()
	// The target blocks once every buffer on the way is full.
	testnet.WaitFor(t, "a pipe borrowed by the stuck session", func() bool { return pipesBorrowed() >= 1 })
	select {
	case n := <-sent:
		t.Fatalf("the target wrote all %d bytes to a client that reads nothing", n)
	case <-time.After(200 * time.Millisecond):
	}
	c.conn.Close()
	testnet.WaitFor(t, "the session to end", func() bool { return bytes.Contains([]byte(log.String()), []byte("session ended")) })
	tc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.Copy(io.Discard, tc); err != nil && !isReset(err) {
		t.Fatalf("target: %v", err)
	}
	testnet.WaitFor(t, "the pipe given back or closed", func() bool { return pipesBorrowed() == 0 && pipesOpen.Load() <= max(before, pipePoolMax) })
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestSpliceWithoutPipesFallsBack: when the process may open no more
// descriptors, a session relays through the ordinary path instead of
// failing.
func TestSpliceWithoutPipesFallsBack(t *testing.T) {
	if spliceOff {
		t.Skip("VNCBRIDGE_SPLICE=0 turns the splice path off")
	}
	tg := startTarget(t)
	_, addr, _ := startServer(t, Config{Target: tg.addr(), Logger: discardLogger()})
	c := dialWS(t, addr)
	tc := tg.accept(t)

	// No idle pipe, and no room for a new one: the limit goes to the lowest
	// free descriptor number, then the pool's pipes are taken out and held
	// here (closing them would free numbers under the limit), until no
	// session of this or an earlier test holds one. A descriptor that an
	// earlier test's connection frees under the limit is plugged with
	// /dev/null, until a look finds none.
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &old); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	lowest := f.Fd()
	f.Close()
	low := old
	low.Cur = uint64(lowest)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &low); err != nil {
		t.Fatal(err)
	}
	var held []*kpipe
	var plugs []*os.File
	restored := false
	restore := func() {
		if !restored {
			for _, f := range plugs {
				f.Close()
			}
			syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old)
			for _, p := range held {
				putPipe(p)
			}
			restored = true
		}
	}
	defer restore()
	take := func() {
		pipePool.mu.Lock()
		held = append(held, pipePool.free...)
		pipePool.free = nil
		pipePool.mu.Unlock()
	}
	plug := func() (found bool) {
		for {
			f, err := os.Open(os.DevNull)
			if errors.Is(err, syscall.EMFILE) {
				return found
			} else if err != nil {
				t.Fatal(err)
			}
			plugs, found = append(plugs, f), true
		}
	}
	testnet.WaitFor(t, "no pipe held by a session, no descriptor free", func() bool {
		take()
		return !plug() && pipesBorrowed() == int64(len(held))
	})
	take()
	plug()

	want := randomBytes(300_000)
	before := splicedBytes.Load()
	go tc.Write(want)
	got := c.readData(len(want))
	restore()
	if !bytes.Equal(got, want) {
		t.Fatal("the bytes relayed differ from those sent")
	}
	if d := splicedBytes.Load() - before; d != 0 {
		t.Fatalf("%d bytes spliced with no pipe to be had", d)
	}
	// With descriptors again, the same session splices: the read that was
	// already waiting takes the ordinary path, the next ones splice.
	for _, n := range []int{1000, 100_000} {
		want = randomBytes(n)
		before = splicedBytes.Load()
		go tc.Write(want)
		if got := c.readData(len(want)); !bytes.Equal(got, want) {
			t.Fatal("the bytes relayed differ from those sent")
		}
	}
	// The count follows the write the client has already read.
	testnet.WaitFor(t, "the last bytes counted as spliced", func() bool { return splicedBytes.Load()-before >= int64(len(want)) })
}

// TestSpliceLegacyFallsBack: a Hixie-76 session (base64 frames 0x00 … 0xFF)
// takes the ordinary path, byte-exact, with no byte spliced.
func TestSpliceLegacyFallsBack(t *testing.T) {
	tg := startTarget(t)
	_, addr, _ := startServer(t, Config{Target: tg.addr(), Logger: discardLogger()})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c := dialHixie(t, conn, "/", false)
	tc := tg.accept(t)
	testnet.WaitFor(t, "no pipe borrowed", func() bool { return pipesBorrowed() == 0 })
	want := randomBytes(200_000)
	before := splicedBytes.Load()
	go tc.Write(want)
	c.expectData(want)
	if d := splicedBytes.Load() - before; d != 0 {
		t.Fatalf("%d bytes of a legacy session spliced", d)
	}
}
