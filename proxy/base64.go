package proxy

import (
	"encoding/base64"

	"github.com/gobwas/ws"
)

// base64Stream decodes base64 text that arrives in pieces of any length.
// Every message of the base64 subprotocol is whole base64 (padded to four
// characters), so the stream is decoded quantum by quantum and a message that
// ends mid-quantum is an error.
type base64Stream struct {
	carry [4]byte
	n     int
}

var errBadBase64 = &closeError{code: ws.StatusInvalidFramePayloadData, reason: "invalid base64 in a message"}

// decode decodes src into dst, keeping an incomplete quantum for the next
// call, and returns the number of bytes written. dst needs len(src)*3/4+3.
func (s *base64Stream) decode(dst, src []byte) (int, error) {
	w := 0
	if s.n > 0 {
		k := copy(s.carry[s.n:], src)
		s.n += k
		src = src[k:]
		if s.n < 4 {
			return 0, nil
		}
		m, err := base64.StdEncoding.Decode(dst, s.carry[:])
		if err != nil {
			return 0, errBadBase64
		}
		w, s.n = m, 0
	}
	whole := len(src) &^ 3
	if whole > 0 {
		m, err := base64.StdEncoding.Decode(dst[w:], src[:whole])
		w += m
		if err != nil {
			return w, errBadBase64
		}
	}
	s.n = copy(s.carry[:], src[whole:])
	return w, nil
}

// finish ends a message: it must not stop inside a quantum.
func (s *base64Stream) finish() error {
	if s.n != 0 {
		s.n = 0
		return errBadBase64
	}
	return nil
}

// base64Len is the encoded length of n bytes.
func base64Len(n int) int { return base64.StdEncoding.EncodedLen(n) }

// encodeBase64 encodes src into dst and returns the length written.
func encodeBase64(dst, src []byte) int {
	base64.StdEncoding.Encode(dst, src)
	return base64.StdEncoding.EncodedLen(len(src))
}
