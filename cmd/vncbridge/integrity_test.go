//go:build linux

package main

import (
	"bufio"
	be "encoding/binary"
	"io"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"

	"vncbridge/internal/testnet"
)

// SIGTERM in the middle of an echo: every byte the session's log line counts
// as relayed arrived, checked with sha256 on both ends.
func TestSIGTERMDeliversEverythingCounted(t *testing.T) {
	t.Parallel()
	const total, midway = 128 << 20, 16 << 20
	target, atTarget, targetDone := testnet.HashingEcho(t)
	listen := freeAddr(t)
	p := start(t, binary, "proxy", listen, target)
	waitListening(t, "tcp", listen)
	conn, br := testnet.OpenWebSocket(t, listen, "/")

	stopWriting := make(chan struct{})
	wrote := make(chan struct{})
	go func() { // binary frames of the stream, masked with a zero key (so unchanged)
		defer close(wrote)
		src := testnet.Stream(total)
		buf := make([]byte, 14+64<<10)
		for {
			select {
			case <-stopWriting:
				return
			default:
			}
			n, err := io.ReadFull(src, buf[14:])
			if n > 0 {
				buf[0], buf[1] = 0x82, 0x80|127
				be.BigEndian.PutUint64(buf[2:], uint64(n))
				clear(buf[10:14])
				conn.SetWriteDeadline(time.Now().Add(20 * time.Second))
				if _, werr := conn.Write(buf[:14+n]); werr != nil {
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()

	var atClient testnet.Tally
	var received int64
	signalled := false
	var code int
	for {
		conn.SetReadDeadline(time.Now().Add(20 * time.Second))
		op, payload := readServerFrame(t, br)
		if op == 0x8 {
			code = int(be.BigEndian.Uint16(payload))
			break
		}
		if op != 0x2 {
			t.Fatalf("frame opcode %d after %d bytes", op, received)
		}
		atClient.Write(payload)
		received += int64(len(payload))
		if !signalled && received >= midway {
			signalled = true
			p.cmd.Process.Signal(syscall.SIGTERM)
		}
	}
	close(stopWriting)
	<-wrote
	conn.Write([]byte{0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe9}) // answer the close
	if code != 1001 {
		t.Errorf("close %d, want 1001", code)
	}
	if c := p.exitCode(t); c != 0 {
		t.Fatalf("exit %d", c)
	}
	select {
	case <-targetDone:
	case <-time.After(10 * time.Second):
		t.Fatal("the target's connection did not end")
	}

	m := regexp.MustCompile(`session ended.*to_target=(\d+) to_client=(\d+)`).FindStringSubmatch(p.out.String())
	if m == nil {
		t.Fatalf("no session line in the log:\n%s", p.out)
	}
	toTarget, _ := strconv.ParseInt(m[1], 10, 64)
	toClient, _ := strconv.ParseInt(m[2], 10, 64)
	if n, sum := atTarget.Result(); n != toTarget || sum != testnet.PrefixSum(n) {
		t.Errorf("the target got %d bytes (as sent: %v); the log counts %d", n, sum == testnet.PrefixSum(n), toTarget)
	}
	if n, sum := atClient.Result(); n != toClient || sum != testnet.PrefixSum(n) {
		t.Errorf("the client got %d bytes (as sent: %v); the log counts %d", n, sum == testnet.PrefixSum(n), toClient)
	}
	t.Logf("to_target %d, to_client %d", toTarget, toClient)
}

// readServerFrame reads one unmasked server frame.
func readServerFrame(t *testing.T, br *bufio.Reader) (op byte, payload []byte) {
	t.Helper()
	var h [2]byte
	if _, err := io.ReadFull(br, h[:]); err != nil {
		t.Fatalf("reading a frame: %v", err)
	}
	n := uint64(h[1] & 0x7f)
	switch n {
	case 126:
		var b [2]byte
		io.ReadFull(br, b[:])
		n = uint64(be.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		io.ReadFull(br, b[:])
		n = be.BigEndian.Uint64(b[:])
	}
	payload = make([]byte, n)
	if _, err := io.ReadFull(br, payload); err != nil {
		t.Fatalf("reading a frame's payload: %v", err)
	}
	return h[0] & 0x0f, payload
}
