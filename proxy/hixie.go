package proxy

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"errors"
	"net/http"
	"strconv"

	"github.com/gobwas/ws"
)

// The legacy protocols of draft-hixie-thewebsocketprotocol-75 and -76, which
// old browsers and the Flash WebSocket emulator speak. No maintained library
// implements them any more, so they are written here.
//
// A message is 0x00, UTF-8 text, 0xFF, both ways; the text is base64, since
// nothing else can carry binary data. 0xFF 0x00 closes the connection.

// hixieChallenge computes the 16-byte answer of a Hixie-76 handshake.
func hixieChallenge(key1, key2 string, key3 []byte) ([16]byte, error) {
	n1, err := hixieKeyNumber(key1)
	if err != nil {
		return [16]byte{}, errors.New("Sec-WebSocket-Key1: " + err.Error())
	}
	n2, err := hixieKeyNumber(key2)
	if err != nil {
		return [16]byte{}, errors.New("Sec-WebSocket-Key2: " + err.Error())
	}
	var in [16]byte
	binary.BigEndian.PutUint32(in[0:], n1)
	binary.BigEndian.PutUint32(in[4:], n2)
	copy(in[8:], key3)
	return md5.Sum(in[:]), nil
}

// hixieKeyNumber is a key's digits read as a number, divided by its number of
// spaces, which must divide it exactly.
func hixieKeyNumber(key string) (uint32, error) {
	var digits uint64
	var spaces uint64
	ndigits := 0
	for i := 0; i < len(key); i++ {
		switch c := key[i]; {
		case c >= '0' && c <= '9':
			ndigits++
			if ndigits > 19 {
				return 0, errors.New("too many digits")
			}
			digits = digits*10 + uint64(c-'0')
		case c == ' ':
			spaces++
		}
	}
	switch {
	case ndigits == 0:
		return 0, errors.New("no digits")
	case spaces == 0:
		return 0, errors.New("no spaces")
	case digits%spaces != 0:
		return 0, errors.New("the number is not a multiple of the spaces")
	case digits/spaces > 0xffffffff:
		return 0, errors.New("the number is too large")
	}
	return uint32(digits / spaces), nil
}

// hixieReader parses a Hixie client's frames out of successive reads,
// decoding their base64 as it comes: a frame is never held whole, and one
// longer than max ends the session.
type hixieReader struct {
	inFrame bool // after 0x00, before 0xFF
	closing bool // saw 0xFF where a frame should start: 0x00 must follow
	size    int  // bytes of the current frame so far
	max     int
	b64     base64Stream
	out     []byte // where decoded data goes (set by the caller)
}

var errHixieFrame = protocolError("malformed legacy close (0xFF not followed by 0x00)")

// feed has frameReader.feed's contract; the only control it reports is the
// close (0xFF 0x00).
func (r *hixieReader) feed(p []byte) (data []byte, ctrl *control, rest []byte, err error) {
	w, i := 0, 0
	for i < len(p) {
		switch {
		case r.closing:
			if p[i] != 0x00 {
				return r.out[:w], nil, p[i:], errHixieFrame
			}
			r.closing = false
			return r.out[:w], &control{op: ws.OpClose}, p[i+1:], nil
		case !r.inFrame:
			switch p[i] {
			case 0x00:
				r.inFrame, r.size = true, 0
			case 0xff:
				r.closing = true
			default:
				return r.out[:w], nil, p[i:], protocolError("unsupported legacy frame type 0x" + strconv.FormatUint(uint64(p[i]), 16))
			}
			i++
		default:
			end := bytes.IndexByte(p[i:], 0xff)
			chunk := p[i:]
			if end >= 0 {
				chunk = p[i : i+end]
			}
			r.size += len(chunk)
			if r.size > r.max {
				return r.out[:w], nil, p[i:], &closeError{code: ws.StatusMessageTooBig, reason: "legacy frame longer than " + strconv.Itoa(r.max) + " bytes"}
			}
			m, err := r.b64.decode(r.out[w:], chunk)
			w += m
			if err != nil {
				return r.out[:w], nil, p[i:], &closeError{code: ws.StatusInvalidFramePayloadData, reason: "invalid base64 in a legacy frame"}
			}
			i += len(chunk)
			if end >= 0 {
				i++ // the 0xFF
				r.inFrame = false
				if err := r.b64.finish(); err != nil {
					return r.out[:w], nil, p[i:], &closeError{code: ws.StatusInvalidFramePayloadData, reason: "legacy frame ends inside a base64 quantum"}
				}
			}
		}
	}
	return r.out[:w], nil, p[i:], nil
}

// isLegacyHandshake tells a Hixie-75/76 upgrade from an RFC 6455 one: it has
// neither a version nor a Sec-WebSocket-Key.
func isLegacyHandshake(r *http.Request) bool {
	return r.Header.Get("Sec-WebSocket-Version") == "" && r.Header.Get("Sec-WebSocket-Key") == ""
}

// legacyOpening checks a Hixie-75 or -76 handshake.
func (s *Server) legacyOpening(r *http.Request) (opening, error) {
	if s.cfg.NoLegacy {
		return opening{}, refused(http.StatusBadRequest, "legacy WebSocket handshakes (Hixie-75/76) are turned off on this server; use a client that speaks RFC 6455")
	}
	key1, key2 := r.Header.Get("Sec-WebSocket-Key1"), r.Header.Get("Sec-WebSocket-Key2")
	fr := framingHixie75
	if key1 != "" || key2 != "" {
		fr = framingHixie76
		if _, err := hixieChallenge(key1, key2, nil); err != nil {
			return opening{}, refused(http.StatusBadRequest, "bad Hixie-76 handshake: "+err.Error())
		}
	}
	scheme := "ws://"
	if r.TLS != nil {
		scheme = "wss://"
	}
	location := scheme + r.Host + r.URL.RequestURI()
	origin := r.Header.Get("Origin")

	var a []byte
	if fr == framingHixie76 {
		a = append(a, "HTTP/1.1 101 WebSocket Protocol Handshake\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\nSec-WebSocket-Origin: "...)
		a = append(a, origin...)
		a = append(a, "\r\nSec-WebSocket-Location: "...)
		a = append(a, location...)
		if p := r.Header.Get("Sec-WebSocket-Protocol"); p != "" {
			a = append(a, "\r\nSec-WebSocket-Protocol: "...)
			a = append(a, p...)
		}
	} else {
		a = append(a, "HTTP/1.1 101 Web Socket Protocol Handshake\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\nWebSocket-Origin: "...)
		a = append(a, origin...)
		a = append(a, "\r\nWebSocket-Location: "...)
		a = append(a, location...)
		if p := r.Header.Get("WebSocket-Protocol"); p != "" {
			a = append(a, "\r\nWebSocket-Protocol: "...)
			a = append(a, p...)
		}
	}
	a = append(a, "\r\n\r\n"...)
	return opening{framing: fr, answer: a, key1: key1, key2: key2}, nil
}
