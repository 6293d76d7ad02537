//go:build linux

package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/gobwas/ws"
)

// The bench's client side: a raw TCP client for the relay and a WebSocket
// client for the proxies. github.com/gobwas/ws does the client handshake and
// builds the masked frames; counting downstream payload is a small state
// machine here, so that the client reads large blocks and stays cheap next
// to the proxy it measures.

// client is one connection through a proxy (or the relay).
type client struct {
	conn net.Conn
	// r reads what the server sent, starting with anything the handshake
	// read ahead.
	r  io.Reader
	ws bool
}

// dialClient connects to addr: plain TCP when raw, else a WebSocket
// handshake offering the subprotocol binary, which the server must choose;
// over TLS (wss://) when secure. The bench trusts any certificate: it made
// the proxies' certificate itself.
func dialClient(ctx context.Context, addr string, raw, secure bool) (*client, error) {
	if raw {
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return nil, err
		}
		return &client{conn: c, r: c}, nil
	}
	d := ws.Dialer{Protocols: []string{"binary"}}
	scheme := "ws://"
	if secure {
		scheme = "wss://"
		d.TLSConfig = &tls.Config{InsecureSkipVerify: true}
	}
	c, br, hs, err := d.Dial(ctx, scheme+addr+"/")
	if err != nil {
		return nil, err
	}
	if hs.Protocol != "binary" {
		c.Close()
		return nil, fmt.Errorf("server chose subprotocol %q, not binary", hs.Protocol)
	}
	cl := &client{conn: c, r: c, ws: true}
	if br != nil {
		// The server spoke right after its handshake: keep those bytes.
		ahead, _ := br.Peek(br.Buffered())
		cl.r = io.MultiReader(bytes.NewReader(bytes.Clone(ahead)), c)
		ws.PutReader(br)
	}
	return cl, nil
}

func (c *client) Close() error { return c.conn.Close() }

// maskedFrames returns count binary frames of size bytes of payload each,
// masked as a client must, one after the other in one buffer: the bench
// writes that buffer again and again without touching it.
func maskedFrames(size, count int) []byte {
	var out bytes.Buffer
	for i := 0; i < count; i++ {
		p := make([]byte, size)
		for j := range p {
			p[j] = byte(j * 7)
		}
		f := ws.MaskFrameInPlace(ws.NewBinaryFrame(p))
		if err := ws.WriteFrame(&out, f); err != nil {
			panic(err) // a bytes.Buffer does not fail
		}
	}
	return out.Bytes()
}

// payloadCounter follows a stream of server frames (unmasked) given in
// arbitrary pieces and counts the payload bytes of data frames.
type payloadCounter struct {
	hdr     [14]byte
	hn      int   // header bytes gathered
	left    int64 // payload bytes of the current frame not yet seen
	data    bool  // the current frame carries data (not a control frame)
	payload int64 // data payload counted so far
	closed  bool  // a close frame arrived
}

var errMaskedServerFrame = errors.New("server sent a masked frame")

// feed counts the frames in p.
func (pc *payloadCounter) feed(p []byte) error {
	for len(p) > 0 {
		if pc.left > 0 {
			n := min(int64(len(p)), pc.left)
			if pc.data {
				pc.payload += n
			}
			pc.left -= n
			p = p[n:]
			continue
		}
		// Gather the header: 2 bytes, then the extended length if any.
		if pc.hn < 2 {
			k := copy(pc.hdr[pc.hn:2], p)
			pc.hn += k
			p = p[k:]
			if pc.hn < 2 {
				continue // out of input
			}
		}
		if pc.hdr[1]&0x80 != 0 {
			return errMaskedServerFrame
		}
		need := 2
		switch pc.hdr[1] & 0x7f {
		case 126:
			need = 4
		case 127:
			need = 10
		}
		if pc.hn < need {
			k := copy(pc.hdr[pc.hn:need], p)
			pc.hn += k
			p = p[k:]
			if pc.hn < need {
				continue // out of input
			}
		}
		var length int64
		switch l := pc.hdr[1] & 0x7f; l {
		case 126:
			length = int64(pc.hdr[2])<<8 | int64(pc.hdr[3])
		case 127:
			for _, b := range pc.hdr[2:10] {
				length = length<<8 | int64(b)
			}
		default:
			length = int64(l)
		}
		op := ws.OpCode(pc.hdr[0] & 0x0f)
		pc.data = !op.IsControl()
		if op == ws.OpClose {
			pc.closed = true
		}
		pc.left = length
		pc.hn = 0
	}
	return nil
}

// readPayload reads one data message of exactly n bytes of payload (in one
// frame or several), for the round-trip test.
func (c *client) readPayload(br *bufio.Reader, buf []byte) error {
	if !c.ws {
		_, err := io.ReadFull(br, buf)
		return err
	}
	got := 0
	for got < len(buf) {
		h, err := ws.ReadHeader(br)
		if err != nil {
			return err
		}
		if h.OpCode.IsControl() {
			if h.OpCode == ws.OpClose {
				return errors.New("server closed the connection")
			}
			if _, err := io.CopyN(io.Discard, br, h.Length); err != nil {
				return err
			}
			continue
		}
		if h.Length > int64(len(buf)-got) {
			return fmt.Errorf("frame of %d bytes, %d expected", h.Length, len(buf)-got)
		}
		if _, err := io.ReadFull(br, buf[got:got+int(h.Length)]); err != nil {
			return err
		}
		got += int(h.Length)
	}
	return nil
}

// dialTimeout bounds a connection with its handshake.
const dialTimeout = 15 * time.Second
