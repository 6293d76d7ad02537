package proxy

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"vncbridge/internal/testnet"
)

// startServer runs a Server for cfg on a loopback port.
func startServer(t testing.TB, cfg Config) (*Server, string, *testnet.LogBuffer) {
	t.Helper()
	tl := &testnet.LogBuffer{}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.MultiWriter(tl, tWriter{t}), &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan struct{})
	go func() { srv.Serve(ln); close(served) }()
	t.Cleanup(func() {
		srv.Shutdown(contextWithTimeout(t, 5*time.Second))
		<-served
	})
	return srv, ln.Addr().String(), tl
}

type tWriter struct{ t testing.TB }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// target is a TCP server on loopback whose connections the test handles.
type target struct {
	ln    net.Listener
	conns chan net.Conn
}

func startTarget(t testing.TB) *target {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tg := &target{ln: ln, conns: make(chan net.Conn, 16)}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			tg.conns <- c
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return tg
}

func (tg *target) addr() string { return tg.ln.Addr().String() }

func (tg *target) accept(t testing.TB) net.Conn {
	t.Helper()
	select {
	case c := <-tg.conns:
		t.Cleanup(func() { c.Close() })
		return c
	case <-time.After(5 * time.Second):
		t.Fatal("target got no connection")
		return nil
	}
}

// startEcho is a target that echoes every connection.
func startEcho(t testing.TB) string {
	tg := startTarget(t)
	go func() {
		for c := range tg.conns {
			go func() { io.Copy(c, c); c.Close() }()
		}
	}()
	return tg.addr()
}

// closedPort returns a loopback address nobody listens on.
func closedPort(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a := ln.Addr().String()
	ln.Close()
	return a
}

// wsClient is a minimal RFC 6455 client written for the tests, so that they
// can send what no well-behaved library would.
type wsClient struct {
	t    testing.TB
	conn net.Conn
	br   *bufio.Reader
	resp *http.Response
}

// handshake sends an upgrade request with the given extra header lines.
func handshake(t testing.TB, conn net.Conn, extra ...string) (*http.Response, *bufio.Reader) {
	t.Helper()
	req := "GET /websockify HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
	hasVersion := false
	for _, h := range extra {
		if strings.HasPrefix(strings.ToLower(h), "sec-websocket-version:") {
			hasVersion = true
		}
	}
	if !hasVersion {
		req += "Sec-WebSocket-Version: 13\r\n"
	}
	for _, h := range extra {
		req += h + "\r\n"
	}
	req += "\r\n"
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("reading the handshake answer: %v", err)
	}
	conn.SetDeadline(time.Time{})
	return resp, br
}

// dialWS opens a WebSocket session and fails the test unless it gets 101.
func dialWS(t testing.TB, addr string, extra ...string) *wsClient {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	resp, br := handshake(t, conn, extra...)
	if resp.StatusCode != http.StatusSwitchingProtocols {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("handshake: %s %s", resp.Status, body)
	}
	return &wsClient{t: t, conn: conn, br: br, resp: resp}
}

// maskedFrame builds a client frame.
func maskedFrame(fin bool, op ws.OpCode, payload []byte) []byte {
	var b []byte
	b0 := byte(op)
	if fin {
		b0 |= 0x80
	}
	b = append(b, b0)
	switch n := len(payload); {
	case n <= 125:
		b = append(b, 0x80|byte(n))
	case n <= 0xffff:
		b = append(b, 0x80|126)
		b = binary.BigEndian.AppendUint16(b, uint16(n))
	default:
		b = append(b, 0x80|127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	var mask [4]byte
	rand.Read(mask[:])
	b = append(b, mask[:]...)
	start := len(b)
	b = append(b, payload...)
	ws.Cipher(b[start:], mask, 0)
	return b
}

func (c *wsClient) send(op ws.OpCode, payload []byte) {
	c.t.Helper()
	c.write(maskedFrame(true, op, payload))
}

func (c *wsClient) write(b []byte) {
	c.t.Helper()
	c.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.conn.Write(b); err != nil {
		c.t.Fatalf("client write: %v", err)
	}
}

// frame is a frame the server sent.
type frame struct {
	fin     bool
	op      ws.OpCode
	payload []byte
}

// next reads the server's next frame, checking that it is well formed.
func (c *wsClient) next() (frame, error) {
	c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	var h [2]byte
	if _, err := io.ReadFull(c.br, h[:]); err != nil {
		return frame{}, err
	}
	if h[0]&0x70 != 0 || h[1]&0x80 != 0 {
		return frame{}, fmt.Errorf("server frame with reserved bits or mask: % x", h)
	}
	n := uint64(h[1] & 0x7f)
	switch n {
	case 126:
		var b [2]byte
		if _, err := io.ReadFull(c.br, b[:]); err != nil {
			return frame{}, err
		}
		n = uint64(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		if _, err := io.ReadFull(c.br, b[:]); err != nil {
			return frame{}, err
		}
		n = binary.BigEndian.Uint64(b[:])
	}
	p := make([]byte, n)
	if _, err := io.ReadFull(c.br, p); err != nil {
		return frame{}, err
	}
	return frame{fin: h[0]&0x80 != 0, op: ws.OpCode(h[0] & 0xf), payload: p}, nil
}

// readData reads data frames until n payload bytes have come.
func (c *wsClient) readData(n int) []byte {
	c.t.Helper()
	var got []byte
	for len(got) < n {
		f, err := c.next()
		if err != nil {
			c.t.Fatalf("after %d of %d bytes: %v", len(got), n, err)
		}
		if f.op != ws.OpBinary && f.op != ws.OpText {
			c.t.Fatalf("after %d of %d bytes: unexpected frame %v %q", len(got), n, f.op, f.payload)
		}
		got = append(got, f.payload...)
	}
	return got
}

// expectClose reads until a close frame and returns its code and reason.
func (c *wsClient) expectClose() (ws.StatusCode, string) {
	c.t.Helper()
	for {
		f, err := c.next()
		if err != nil {
			c.t.Fatalf("waiting for a close frame: %v", err)
		}
		if f.op == ws.OpClose {
			if len(f.payload) < 2 {
				return ws.StatusNoStatusRcvd, ""
			}
			return ws.StatusCode(binary.BigEndian.Uint16(f.payload)), string(f.payload[2:])
		}
	}
}

// expectEOF checks that the server closes the TCP connection.
func (c *wsClient) expectEOF() {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	b, err := io.ReadAll(c.br)
	if err != nil {
		c.t.Fatalf("waiting for the server to close: %v (after %q)", err, b)
	}
}

func closeFrame(code ws.StatusCode, reason string) []byte {
	return maskedFrame(true, ws.OpClose, closePayload(nil, code, reason))
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

func contextWithLocalAddr(r *http.Request, a net.Addr) context.Context {
	return context.WithValue(r.Context(), http.LocalAddrContextKey, a)
}

// isReset tells a connection reset, which is a fine way to end a session.
func isReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET)
}
