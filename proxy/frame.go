package proxy

import (
	"encoding/binary"
	"unicode/utf8"

	"github.com/gobwas/ws"
)

// RFC 6455 framing. Unmasking uses gobwas/ws's Cipher; the parser is written
// here because the relay works in place in its read buffer: every frame that a
// read brought in is parsed, unmasked and packed together so that many small
// frames cost one read and one write to the target, and a frame of any size
// streams through without being held whole.

const (
	maxServerHeader  = 10  // 2 bytes + 64-bit length; server frames are not masked
	maxClientHeader  = 14  // 2 bytes + 64-bit length + mask key
	maxControlLength = 125 // RFC 6455 5.5
	maxCloseReason   = maxControlLength - 2
)

// closeError is a reason to end a session with a close frame.
type closeError struct {
	code   ws.StatusCode
	reason string
}

func (e *closeError) Error() string { return e.reason }

func protocolError(reason string) error {
	return &closeError{code: ws.StatusProtocolError, reason: reason}
}

// control is a complete control frame received from the client.
type control struct {
	op      ws.OpCode
	payload []byte // valid until the next call of frameReader.feed
}

// frameReader parses the client's frames out of successive reads.
type frameReader struct {
	// The header of the current frame, possibly split across reads.
	hdr    [maxClientHeader]byte
	hdrLen int

	inFrame   bool // between a parsed header and the end of its payload
	op        ws.OpCode
	fin       bool
	remaining uint64 // payload bytes still to come
	mask      [4]byte
	maskPos   int

	inMessage bool // a fragmented data message awaits its continuation
	msgText   bool // the message in progress is a text message

	ctrl    [maxControlLength]byte
	ctrlLen int

	// base64 decodes the payload of data messages (the base64 subprotocol)
	// into out, which the caller provides before each feed: at least
	// len(p)*3/4+3 bytes.
	base64 bool
	b64    base64Stream
	out    []byte
}

// feed parses frames from p, unmasking in place. The payload of data frames
// is packed at the front of p and returned as data (decoded into r.out when
// base64 is on). feed stops after a control frame, returned as ctrl, or when
// p is used up; rest is the part of p not yet parsed, to be fed again.
func (r *frameReader) feed(p []byte) (data []byte, ctrl *control, rest []byte, err error) {
	dst := p
	if r.base64 {
		dst = r.out
	}
	w := 0 // end of the data packed into dst
	i := 0 // parse position
	for i < len(p) {
		if !r.inFrame {
			n, err := r.readHeader(p[i:])
			i += n
			if err != nil {
				return dst[:w], nil, p[i:], err
			}
			if !r.inFrame {
				break // header incomplete: wait for more
			}
			if r.remaining > 0 {
				continue
			}
		}
		// Payload.
		take := uint64(len(p) - i)
		if take > r.remaining {
			take = r.remaining
		}
		chunk := p[i : i+int(take)]
		ws.Cipher(chunk, r.mask, r.maskPos)
		r.maskPos = (r.maskPos + len(chunk)) & 3
		r.remaining -= take
		i += int(take)

		if r.op.IsControl() {
			r.ctrlLen += copy(r.ctrl[r.ctrlLen:], chunk)
		} else if r.base64 {
			m, err := r.b64.decode(dst[w:], chunk)
			w += m
			if err != nil {
				return dst[:w], nil, p[i:], err
			}
		} else {
			w += copy(dst[w:], chunk)
		}
		if r.remaining > 0 {
			continue
		}
		// End of frame.
		r.inFrame = false
		if r.op.IsControl() {
			c := &control{op: r.op, payload: r.ctrl[:r.ctrlLen]}
			r.ctrlLen = 0
			return dst[:w], c, p[i:], nil
		}
		if r.fin && r.base64 {
			if err := r.b64.finish(); err != nil {
				return dst[:w], nil, p[i:], err
			}
		}
	}
	return dst[:w], nil, p[i:], nil
}

// readHeader takes header bytes from p, which may complete the header started
// by an earlier read. It returns how many bytes of p it used and sets
// r.inFrame once the header is complete and valid.
func (r *frameReader) readHeader(p []byte) (int, error) {
	used := 0
	need := 2
	if r.hdrLen >= 2 {
		need = clientHeaderLen(r.hdr[1])
	}
	for r.hdrLen < need {
		if used == len(p) {
			return used, nil
		}
		k := copy(r.hdr[r.hdrLen:need], p[used:])
		r.hdrLen += k
		used += k
		if r.hdrLen == 2 && need == 2 {
			// The first two bytes say what is wrong early, and how long
			// the rest of the header is.
			if err := r.checkStart(r.hdr[0], r.hdr[1]); err != nil {
				r.hdrLen = 0
				return used, err
			}
			need = clientHeaderLen(r.hdr[1])
		}
	}
	h := r.hdr[:r.hdrLen]
	r.hdrLen = 0

	fin := h[0]&0x80 != 0
	op := ws.OpCode(h[0] & 0x0f)
	var length uint64
	switch h[1] & 0x7f {
	case 126:
		length = uint64(binary.BigEndian.Uint16(h[2:]))
	case 127:
		length = binary.BigEndian.Uint64(h[2:])
		if length>>63 != 0 {
			return used, protocolError("frame length has its most significant bit set")
		}
	default:
		length = uint64(h[1] & 0x7f)
	}
	copy(r.mask[:], h[len(h)-4:])

	switch op {
	case ws.OpContinuation:
		r.inMessage = !fin
	case ws.OpText, ws.OpBinary:
		r.inMessage = !fin
		r.msgText = op == ws.OpText
	}
	r.op, r.fin, r.remaining, r.maskPos = op, fin, length, 0
	r.inFrame = true
	return used, nil
}

// clientHeaderLen is the length of a masked frame's header, from its second
// byte.
func clientHeaderLen(b1 byte) int {
	switch b1 & 0x7f {
	case 126:
		return 2 + 2 + 4
	case 127:
		return 2 + 8 + 4
	}
	return 2 + 4
}

// checkStart checks the first two bytes of a frame header.
func (r *frameReader) checkStart(b0, b1 byte) error {
	if b0&0x70 != 0 {
		return protocolError("reserved bits set with no extension negotiated")
	}
	if b1&0x80 == 0 {
		return protocolError("client frame not masked")
	}
	fin := b0&0x80 != 0
	switch op := ws.OpCode(b0 & 0x0f); op {
	case ws.OpClose, ws.OpPing, ws.OpPong:
		if !fin {
			return protocolError("fragmented control frame")
		}
		if b1&0x7f > maxControlLength {
			return protocolError("control frame longer than 125 bytes")
		}
	case ws.OpContinuation:
		if !r.inMessage {
			return protocolError("continuation frame with no message to continue")
		}
	case ws.OpText, ws.OpBinary:
		if r.inMessage {
			return protocolError("new data frame inside a fragmented message")
		}
	default:
		return protocolError("unknown opcode " + opName(op))
	}
	return nil
}

func opName(op ws.OpCode) string {
	const hex = "0123456789abcdef"
	return "0x" + string(hex[op&0xf])
}

// parseClose reads the status code and reason of a close frame's payload.
// An empty payload means no status (1005).
func parseClose(p []byte) (ws.StatusCode, string, error) {
	switch {
	case len(p) == 0:
		return ws.StatusNoStatusRcvd, "", nil
	case len(p) == 1:
		return 0, "", protocolError("close frame with a one-byte payload")
	}
	code := ws.StatusCode(binary.BigEndian.Uint16(p))
	if !validCloseCode(code) {
		return 0, "", protocolError("invalid close code")
	}
	reason := p[2:]
	if !utf8.Valid(reason) {
		return 0, "", &closeError{code: ws.StatusInvalidFramePayloadData, reason: "close reason is not UTF-8"}
	}
	return code, string(reason), nil
}

// validCloseCode tells whether a peer may send code in a close frame
// (RFC 6455 7.4).
func validCloseCode(c ws.StatusCode) bool {
	switch {
	case c >= 1000 && c <= 1003, c >= 1007 && c <= 1011, c >= 3000 && c <= 4999:
		return true
	}
	return false
}

// putHeader writes the header of an unmasked server frame carrying n payload
// bytes so that it ends just before b[end], and returns where it starts.
func putHeader(b []byte, end int, op ws.OpCode, n int) int {
	switch {
	case n <= 125:
		b[end-2] = 0x80 | byte(op)
		b[end-1] = byte(n)
		return end - 2
	case n <= 0xffff:
		b[end-4] = 0x80 | byte(op)
		b[end-3] = 126
		binary.BigEndian.PutUint16(b[end-2:], uint16(n))
		return end - 4
	default:
		b[end-10] = 0x80 | byte(op)
		b[end-9] = 127
		binary.BigEndian.PutUint64(b[end-8:], uint64(n))
		return end - 10
	}
}

// appendControl appends a complete control frame (payload ≤ 125 bytes).
func appendControl(b []byte, op ws.OpCode, payload []byte) []byte {
	b = append(b, 0x80|byte(op), byte(len(payload)))
	return append(b, payload...)
}

// closePayload is the payload of a close frame: the code and the reason,
// cut to fit a control frame without splitting a character.
func closePayload(b []byte, code ws.StatusCode, reason string) []byte {
	if len(reason) > maxCloseReason {
		cut := maxCloseReason
		for cut > 0 && !utf8.RuneStart(reason[cut]) {
			cut--
		}
		reason = reason[:cut]
	}
	b = binary.BigEndian.AppendUint16(b, uint16(code))
	return append(b, reason...)
}
