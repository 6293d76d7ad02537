package proxy

import (
	"bytes"
	"encoding/base64"
	"errors"
	"testing"

	"github.com/gobwas/ws"
)

// parsed is everything a frameReader made of a byte stream.
type parsed struct {
	data  []byte
	ctrls []control
	err   error
}

// feedAll feeds stream to a new frameReader in pieces of the given sizes
// (the last size repeats), the way successive reads would.
func feedAll(b64 bool, stream []byte, sizes ...int) parsed {
	r := frameReader{base64: b64}
	var out parsed
	for i := 0; len(stream) > 0; i++ {
		n := sizes[min(i, len(sizes)-1)]
		n = min(n, len(stream))
		piece := append([]byte(nil), stream[:n]...) // feed works in place
		stream = stream[n:]
		if b64 {
			r.out = make([]byte, len(piece)+3)
		}
		for len(piece) > 0 {
			data, ctrl, rest, err := r.feed(piece)
			out.data = append(out.data, data...)
			if ctrl != nil {
				out.ctrls = append(out.ctrls, control{op: ctrl.op, payload: append([]byte(nil), ctrl.payload...)})
			}
			if err != nil {
				out.err = err
				return out
			}
			piece = rest
		}
	}
	return out
}

func concat(frames ...[]byte) []byte { return bytes.Join(frames, nil) }

func TestFrameReaderStreams(t *testing.T) {
	t.Parallel()
	big := bytes.Repeat([]byte("0123456789abcdef"), 5000) // 80,000 bytes: 64-bit length
	mid := big[:300]                                      // 16-bit length
	stream := concat(
		maskedFrame(true, ws.OpBinary, []byte("hello")),
		maskedFrame(true, ws.OpText, []byte(" text")), // text in binary mode: bytes pass
		maskedFrame(true, ws.OpPing, []byte("are you there")),
		maskedFrame(false, ws.OpBinary, mid),
		maskedFrame(true, ws.OpPong, nil), // control inside a fragmented message
		maskedFrame(true, ws.OpContinuation, big),
		maskedFrame(true, ws.OpBinary, nil),
		maskedFrame(true, ws.OpClose, closePayload(nil, 1000, "bye")),
	)
	want := concat([]byte("hello text"), mid, big)

	// Every way of cutting the stream in two, and reads of many sizes.
	cuts := [][]int{{len(stream)}, {1}, {2}, {3}, {7}, {13}, {64}, {4096}}
	for cut := 1; cut < 40; cut++ {
		cuts = append(cuts, []int{cut, len(stream)})
	}
	for _, sizes := range cuts {
		got := feedAll(false, stream, sizes...)
		if got.err != nil {
			t.Fatalf("sizes %v: %v", sizes, got.err)
		}
		if !bytes.Equal(got.data, want) {
			t.Fatalf("sizes %v: data differs (%d bytes, want %d)", sizes, len(got.data), len(want))
		}
		if len(got.ctrls) != 3 || got.ctrls[0].op != ws.OpPing || string(got.ctrls[0].payload) != "are you there" ||
			got.ctrls[1].op != ws.OpPong || got.ctrls[2].op != ws.OpClose {
			t.Fatalf("sizes %v: control frames %+v", sizes, got.ctrls)
		}
	}
}

func TestFrameReaderEveryByteBoundary(t *testing.T) {
	t.Parallel()
	stream := concat(
		maskedFrame(true, ws.OpBinary, bytes.Repeat([]byte{0xaa}, 200)),
		maskedFrame(true, ws.OpPing, []byte("p")),
		maskedFrame(true, ws.OpBinary, []byte{1, 2, 3}),
	)
	want := append(bytes.Repeat([]byte{0xaa}, 200), 1, 2, 3)
	for cut := 1; cut < len(stream); cut++ {
		got := feedAll(false, stream, cut, len(stream))
		if got.err != nil || !bytes.Equal(got.data, want) || len(got.ctrls) != 1 {
			t.Fatalf("cut at %d: err %v, %d bytes, %d controls", cut, got.err, len(got.data), len(got.ctrls))
		}
	}
}

func TestFrameReaderBase64(t *testing.T) {
	t.Parallel()
	msg1 := []byte("RFB 003.008\n")
	msg2 := bytes.Repeat([]byte{0, 1, 2, 0xff}, 1000)
	enc2 := []byte(base64.StdEncoding.EncodeToString(msg2))
	stream := concat(
		maskedFrame(true, ws.OpText, []byte(base64.StdEncoding.EncodeToString(msg1))),
		maskedFrame(false, ws.OpText, enc2[:101]), // fragments split mid-quantum
		maskedFrame(true, ws.OpPing, nil),
		maskedFrame(true, ws.OpContinuation, enc2[101:]),
		maskedFrame(true, ws.OpText, []byte("QQ==")), // padding, then another message
		maskedFrame(true, ws.OpText, []byte("Qg==")),
	)
	want := concat(msg1, msg2, []byte("AB"))
	for _, sizes := range [][]int{{len(stream)}, {1}, {5}, {17}, {333}} {
		got := feedAll(true, stream, sizes...)
		if got.err != nil {
			t.Fatalf("sizes %v: %v", sizes, got.err)
		}
		if !bytes.Equal(got.data, want) {
			t.Fatalf("sizes %v: got %d bytes, want %d", sizes, len(got.data), len(want))
		}
	}
	for name, payload := range map[string]string{
		"bad character":       "QU!D",
		"message mid-quantum": "QUJDR",
	} {
		got := feedAll(true, maskedFrame(true, ws.OpText, []byte(payload)), 100)
		var ce *closeError
		if !errors.As(got.err, &ce) || ce.code != ws.StatusInvalidFramePayloadData {
			t.Errorf("%s: err %v, want close 1007", name, got.err)
		}
	}
}

func TestFrameReaderProtocolErrors(t *testing.T) {
	t.Parallel()
	unmasked := []byte{0x82, 0x01, 'x'}
	long := make([]byte, 2+4)
	long[0], long[1] = 0x82, 0x80|127
	msb := concat(long[:2], []byte{0x80, 0, 0, 0, 0, 0, 0, 1}, []byte{0, 0, 0, 0})
	rsv := maskedFrame(true, ws.OpBinary, []byte("x"))
	rsv[0] |= 0x40
	tests := []struct {
		name   string
		stream []byte
		code   ws.StatusCode
	}{
		{"unmasked", unmasked, ws.StatusProtocolError},
		{"reserved bit", rsv, ws.StatusProtocolError},
		{"length MSB", msb, ws.StatusProtocolError},
		{"long ping", maskedFrame(true, ws.OpPing, make([]byte, 126)), ws.StatusProtocolError},
		{"fragmented ping", maskedFrame(false, ws.OpPing, nil), ws.StatusProtocolError},
		{"lone continuation", maskedFrame(true, ws.OpContinuation, []byte("x")), ws.StatusProtocolError},
		{"data inside message", concat(maskedFrame(false, ws.OpBinary, []byte("a")), maskedFrame(true, ws.OpBinary, []byte("b"))), ws.StatusProtocolError},
		{"opcode 3", maskedFrame(true, 3, nil), ws.StatusProtocolError},
		{"opcode 0xb", maskedFrame(true, 0xb, nil), ws.StatusProtocolError},
	}
	for _, tt := range tests {
		got := feedAll(false, tt.stream, 1)
		var ce *closeError
		if !errors.As(got.err, &ce) || ce.code != tt.code {
			t.Errorf("%s: err %v, want close %d", tt.name, got.err, tt.code)
		}
	}
}

func TestParseClose(t *testing.T) {
	t.Parallel()
	tests := []struct {
		payload []byte
		code    ws.StatusCode
		reason  string
		errCode ws.StatusCode
	}{
		{nil, ws.StatusNoStatusRcvd, "", 0},
		{[]byte{3, 0xe8}, 1000, "", 0},
		{append([]byte{0x0f, 0xa0}, "app"...), 4000, "app", 0},
		{[]byte{3}, 0, "", ws.StatusProtocolError},
		{[]byte{3, 0xed}, 0, "", ws.StatusProtocolError}, // 1005 may not be sent
		{[]byte{0x03, 0xe7}, 0, "", ws.StatusProtocolError},
		{[]byte{3, 0xe8, 0xff}, 0, "", ws.StatusInvalidFramePayloadData},
	}
	for _, tt := range tests {
		code, reason, err := parseClose(tt.payload)
		if tt.errCode != 0 {
			var ce *closeError
			if !errors.As(err, &ce) || ce.code != tt.errCode {
				t.Errorf("% x: err %v, want close %d", tt.payload, err, tt.errCode)
			}
			continue
		}
		if err != nil || code != tt.code || reason != tt.reason {
			t.Errorf("% x: %d %q %v", tt.payload, code, reason, err)
		}
	}
}

func TestPutHeader(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 125, 126, 65535, 65536, relayBufferSize} {
		b := make([]byte, frameHeaderRoom+n)
		start := putHeader(b, frameHeaderRoom, ws.OpBinary, n)
		h, err := ws.ReadHeader(bytes.NewReader(b[start:]))
		if err != nil || h.Length != int64(n) || !h.Fin || h.OpCode != ws.OpBinary || h.Masked {
			t.Errorf("n=%d: header %+v, %v", n, h, err)
		}
	}
}

func TestClosePayloadCutsReasonAtCharacter(t *testing.T) {
	t.Parallel()
	reason := string(bytes.Repeat([]byte("é"), 100)) // 200 bytes
	p := closePayload(nil, 1011, reason)
	if len(p) > maxControlLength {
		t.Fatalf("payload of %d bytes", len(p))
	}
	if _, r, err := parseClose(p); err != nil || len(r) != 122 {
		t.Fatalf("reason of %d bytes, err %v", len(r), err)
	}
}

// FuzzFrameReader feeds arbitrary bytes, cut anywhere, and checks that the
// reader neither panics nor gives more data than it was given.
func FuzzFrameReader(f *testing.F) {
	f.Add(maskedFrame(true, ws.OpBinary, []byte("hello")), uint8(3), false)
	f.Add(concat(maskedFrame(false, ws.OpText, []byte("QU")), maskedFrame(true, ws.OpContinuation, []byte("JD"))), uint8(1), true)
	f.Add(maskedFrame(true, ws.OpClose, []byte{3, 0xe8}), uint8(2), false)
	f.Add([]byte{0x82, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4}, uint8(5), false)
	f.Fuzz(func(t *testing.T, stream []byte, size uint8, b64 bool) {
		got := feedAll(b64, stream, int(size)+1)
		if len(got.data) > len(stream) {
			t.Fatalf("%d bytes of data out of %d in", len(got.data), len(stream))
		}
		for _, c := range got.ctrls {
			if len(c.payload) > maxControlLength {
				t.Fatalf("control payload of %d bytes", len(c.payload))
			}
		}
	})
}

func FuzzBase64Stream(f *testing.F) {
	f.Add([]byte("QUJDRA=="), uint8(3))
	f.Add([]byte("not base64"), uint8(1))
	f.Fuzz(func(t *testing.T, text []byte, size uint8) {
		var s base64Stream
		var out []byte
		var err error
		for rest := text; len(rest) > 0 && err == nil; {
			n := min(int(size)+1, len(rest))
			dst := make([]byte, n+3)
			var m int
			m, err = s.decode(dst, rest[:n])
			out = append(out, dst[:m]...)
			rest = rest[n:]
		}
		if err == nil {
			err = s.finish()
		}
		want, werr := base64.StdEncoding.DecodeString(string(text))
		if werr == nil && !bytes.ContainsAny(text, "\r\n=") && (err != nil || !bytes.Equal(out, want)) {
			t.Fatalf("%q: got %q, %v; want %q", text, out, err, want)
		}
	})
}
