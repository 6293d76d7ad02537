package proxy

import (
	"encoding/binary"
	"fmt"
	"sync"
)

// viewOnlyFilter enforces a view-only session: it follows the RFB protocol
// (RFC 6143 and the extensions noVNC speaks) in both directions as far as
// needed to find where the client's messages start, then passes on only
// the client messages that cannot change the desktop.
//
// It is written here rather than taken from a VNC library because it must
// stream (any split of the bytes, constant memory, no copy of the server's
// picture) and must refuse what it cannot follow instead of guessing.
//
// The server side is only read during the handshake: once the filter knows
// everything the server decides (the version, the security type in RFB 3.3,
// the Tight and ARD parameters), serverDone says so and the downstream path
// stops calling server. A client only answers what the server sent, and the
// relay hands server bytes to the filter before it writes them to the
// client, so what the client side needs from the server is always known when
// the client's bytes arrive; a client that speaks out of turn ends the
// session.
type viewOnlyFilter struct {
	mu  sync.Mutex
	out []byte // client bytes to pass on, reused

	c, s side // the client's and the server's stream

	failed bool // the server refused the client: drop everything after

	clientVersion, serverVersion int // 33, 37 or 38; 0 until known
	secType                      int64
	secKnown                     bool
	tightTunnels, tightAuths     int64 // -1 until known
	ardKeyLen                    int64 // -1 until known

	encodings int64 // SetEncodings: encodings still to read
	encIndex  int64 // SetEncodings: index of the next encoding
	prevEnc   [4]byte
	msgType   byte // the client message being read
	msgPass   bool
}

// side is the parsing state of one direction: a stage, the header bytes it
// collects, and a run of bytes to skip (pass or drop) before the next stage.
type side struct {
	stage    rfbStage
	need     int // header bytes this stage wants (0: not yet decided)
	have     int
	hdr      [20]byte
	skip     int64
	skipPass bool
	next     rfbStage // the stage after the skip
}

type rfbStage uint8

// Stages of the client's stream.
const (
	cVersion       rfbStage = iota // ProtocolVersion, 12 bytes
	cSecurity                      // the chosen security type (3.7, 3.8)
	cAuth                          // the security type's own exchange
	cVeNCryptVer                   // VeNCrypt: version, 2 bytes
	cVeNCryptSub                   // VeNCrypt: chosen subtype, 4 bytes
	cCredLens                      // Plain / Unix login: two 32-bit lengths
	cXVPLens                       // XVP: two 8-bit lengths
	cTightTunnel                   // Tight: chosen tunnel, when offered
	cTightAuth                     // Tight: chosen authentication, when offered
	cClientInit                    // ClientInit, 1 byte
	cMessage                       // a message's type, 1 byte
	cMessageHeader                 // the rest of its fixed header
	cEncoding                      // SetEncodings: one encoding, 4 bytes
	cRefused                       // the server refused the client
)

// Stages of the server's stream.
const (
	sVersion      rfbStage = iota + 100 // ProtocolVersion, 12 bytes
	sSecurity                           // 3.3: the type (4 bytes); 3.7+: the count of types
	sChoice                             // waits for the client's choice
	sTightTunnels                       // Tight: number of tunnels, 4 bytes
	sTightAuths                         // Tight: number of authentication types, 4 bytes
	sARD                                // ARD: generator and key length, 4 bytes
	sDone
)

// RFB security types and client message types the filter knows.
const (
	secNone      = 1
	secVNCAuth   = 2
	secTight     = 16
	secVeNCrypt  = 19
	secXVP       = 22
	secARD       = 30
	secMSLogonII = 113
	secUnixLogon = 129 // Tight's Unix login
	secPlain     = 256 // a VeNCrypt subtype
)

// encExtendedMouseButtons is the pseudo-encoding that makes PointerEvent one
// byte longer once the server accepts it; the filter hides it from the
// server so that every PointerEvent keeps its length.
const encExtendedMouseButtons = -316

// maxFence bounds a ClientFence payload (RFB says 64 bytes).
const maxFence = 64

// viewOnlyError is why a view-only session must end.
type viewOnlyError struct{ reason string }

func (e *viewOnlyError) Error() string { return e.reason }

func viewErr(format string, a ...any) error {
	return &viewOnlyError{ReasonViewOnly + fmt.Sprintf(format, a...)}
}

func newViewOnlyFilter() *viewOnlyFilter {
	return &viewOnlyFilter{
		c:            side{stage: cVersion, need: 12},
		s:            side{stage: sVersion, need: 12},
		tightTunnels: -1,
		tightAuths:   -1,
		ardKeyLen:    -1,
	}
}

// server reads bytes the server sent. An error ends the session.
func (f *viewOnlyFilter) server(p []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.run(&f.s, p, f.serverStep)
}

// serverDone tells whether the filter has read the server's part of the
// handshake and needs no more of its bytes. Only the goroutine that calls
// server may ask: it alone moves the server's side.
func (f *viewOnlyFilter) serverDone() bool { return f.s.stage == sDone }

// client reads bytes the client sent and returns those to pass on to the
// server (valid until the next call). An error ends the session.
func (f *viewOnlyFilter) client(p []byte) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.out = f.out[:0]
	err := f.run(&f.c, p, f.clientStep)
	return f.out, err
}

// run feeds p through one side: header bytes are collected (and passed,
// for the client, only once the header is complete and judged), skipped
// runs are passed or dropped as they come. step is called with each
// complete header, or with none when a stage decides its size only once
// bytes come (when what the other side said is known).
func (f *viewOnlyFilter) run(sd *side, p []byte, step func(*side) error) error {
	emit := sd == &f.c
	for len(p) > 0 {
		if sd.skip > 0 {
			n := int(min(int64(len(p)), sd.skip))
			if emit && sd.skipPass {
				f.out = append(f.out, p[:n]...)
			}
			p, sd.skip = p[n:], sd.skip-int64(n)
			if sd.skip == 0 {
				sd.goTo(sd.next)
			}
			continue
		}
		if sd.need == 0 {
			stage := sd.stage
			if err := step(sd); err != nil {
				return err
			}
			if sd.need == 0 && sd.skip == 0 && sd.stage == stage {
				return nil // nothing more to read on this side
			}
			continue
		}
		n := copy(sd.hdr[sd.have:sd.need], p)
		p, sd.have = p[n:], sd.have+n
		if sd.have < sd.need {
			return nil
		}
		if err := step(sd); err != nil {
			return err
		}
	}
	return nil
}

// pass emits a complete header to the server.
func (f *viewOnlyFilter) pass(b []byte) { f.out = append(f.out, b...) }

// stageSize is the header size of the stages whose size is fixed; the
// others decide theirs when bytes come.
var stageSize = map[rfbStage]int{
	cVersion: 12, cVeNCryptVer: 2, cVeNCryptSub: 4, cCredLens: 8, cXVPLens: 2,
	cClientInit: 1, cMessage: 1, cEncoding: 4,
	sVersion: 12, sTightTunnels: 4, sTightAuths: 4, sARD: 4,
}

// goTo moves a side to stage.
func (sd *side) goTo(stage rfbStage) {
	sd.stage, sd.need, sd.have = stage, stageSize[stage], 0
}

// skipThen skips n bytes (passing them on when pass) and then goes to stage.
func (sd *side) skipThen(n int64, pass bool, stage rfbStage) {
	if n <= 0 {
		sd.goTo(stage)
		return
	}
	sd.skip, sd.skipPass, sd.next = n, pass, stage
	sd.need, sd.have = 0, 0
}

// parseVersion reads "RFB xxx.yyy\n" as 33, 37 or 38, mapping the versions
// some servers announce as their clients do.
func parseVersion(b []byte, who string) (int, error) {
	if len(b) != 12 || string(b[:4]) != "RFB " || b[7] != '.' || b[11] != '\n' {
		return 0, viewErr("the %s did not open with an RFB ProtocolVersion", who)
	}
	switch v := string(b[4:11]); v {
	case "003.003", "003.005", "003.006":
		return 33, nil
	case "003.007":
		return 37, nil
	case "003.008", "003.889", "004.000", "004.001", "005.000":
		return 38, nil
	default:
		return 0, viewErr("the %s speaks RFB %q, which view-only cannot follow", who, v)
	}
}

func (f *viewOnlyFilter) version() int { return min(f.clientVersion, f.serverVersion) }

// serverStep handles the server's stream.
func (f *viewOnlyFilter) serverStep(sd *side) error {
	h := sd.hdr[:sd.need]
	switch sd.stage {
	case sVersion:
		v, err := parseVersion(h, "server")
		if err != nil {
			return err
		}
		f.serverVersion = v
		sd.goTo(sSecurity)
	case sSecurity:
		if sd.need == 0 {
			if f.clientVersion == 0 {
				return viewErr("the server spoke before the client chose a version")
			}
			if f.version() == 33 {
				sd.need = 4
			} else {
				sd.need = 1
			}
			return nil
		}
		if f.version() == 33 {
			f.secType, f.secKnown = int64(binary.BigEndian.Uint32(h)), true
			if f.secType == 0 {
				f.failed = true
				sd.goTo(sDone)
				return nil
			}
			f.serverAuth(sd)
			return nil
		}
		if h[0] == 0 {
			f.failed = true
			sd.goTo(sDone)
			return nil
		}
		sd.skipThen(int64(h[0]), false, sChoice)
	case sChoice:
		if !f.secKnown {
			return viewErr("the server spoke before the client chose a security type")
		}
		f.serverAuth(sd)
	case sTightTunnels:
		n := int64(binary.BigEndian.Uint32(h))
		f.tightTunnels = n
		sd.skipThen(16*n, false, sTightAuths)
	case sTightAuths:
		n := int64(binary.BigEndian.Uint32(h))
		f.tightAuths = n
		sd.skipThen(16*n, false, sDone)
	case sARD:
		f.ardKeyLen = int64(binary.BigEndian.Uint16(h[2:4]))
		sd.goTo(sDone)
	case sDone:
		// Nothing more to learn; server is no longer called.
	}
	return nil
}

// serverAuth goes on with what the server sends for the chosen type.
func (f *viewOnlyFilter) serverAuth(sd *side) {
	switch f.secType {
	case secTight:
		sd.goTo(sTightTunnels)
	case secARD:
		sd.goTo(sARD)
	default:
		sd.goTo(sDone)
	}
}

// clientStep handles the client's stream.
func (f *viewOnlyFilter) clientStep(sd *side) error {
	h := sd.hdr[:sd.need]
	if f.failed && sd.stage != cRefused {
		sd.goTo(cRefused)
		return nil
	}
	switch sd.stage {
	case cVersion:
		if f.serverVersion == 0 {
			return viewErr("the client spoke before the server")
		}
		v, err := parseVersion(h, "client")
		if err != nil {
			return err
		}
		f.clientVersion = v
		f.pass(h)
		sd.goTo(cSecurity)
	case cSecurity:
		if sd.need == 0 {
			if f.version() != 33 {
				sd.need = 1
				return nil
			}
			if !f.secKnown {
				return viewErr("the client spoke before the server chose a security type")
			}
			sd.goTo(cAuth)
			return nil
		}
		f.secType, f.secKnown = int64(h[0]), true
		f.pass(h)
		if f.secType != secARD { // ARD's exchange depends on what the server sends next
			return f.clientAuth(sd, f.secType)
		}
		sd.goTo(cAuth)
	case cAuth:
		return f.clientAuth(sd, f.secType)
	case cVeNCryptVer:
		if h[0] != 0 || h[1] != 2 {
			return viewErr("VeNCrypt version %d.%d cannot be followed (only 0.2)", h[0], h[1])
		}
		f.pass(h)
		sd.goTo(cVeNCryptSub)
	case cVeNCryptSub:
		sub := int64(binary.BigEndian.Uint32(h))
		f.pass(h)
		switch sub {
		case secNone:
			sd.goTo(cClientInit)
		case secVNCAuth:
			sd.skipThen(16, true, cClientInit)
		case secPlain:
			sd.goTo(cCredLens)
		default:
			return viewErr("VeNCrypt subtype %d encrypts the connection, so view-only cannot read it", sub)
		}
	case cCredLens:
		f.pass(h)
		sd.skipThen(int64(binary.BigEndian.Uint32(h[:4]))+int64(binary.BigEndian.Uint32(h[4:])), true, cClientInit)
	case cXVPLens:
		f.pass(h)
		sd.skipThen(int64(h[0])+int64(h[1])+16, true, cClientInit)
	case cTightTunnel:
		if sd.need == 0 {
			if f.tightTunnels < 0 {
				return viewErr("the client spoke before the server listed its Tight tunnels")
			}
			if f.tightTunnels == 0 {
				sd.goTo(cTightAuth)
			} else {
				sd.need = 4
			}
			return nil
		}
		if t := binary.BigEndian.Uint32(h); t != 0 {
			return viewErr("Tight tunnel %d cannot be followed", t)
		}
		f.pass(h)
		sd.goTo(cTightAuth)
	case cTightAuth:
		if sd.need == 0 {
			if f.tightAuths < 0 {
				return viewErr("the client spoke before the server listed its Tight authentication types")
			}
			if f.tightAuths == 0 {
				sd.goTo(cClientInit)
			} else {
				sd.need = 4
			}
			return nil
		}
		f.pass(h)
		switch a := binary.BigEndian.Uint32(h); a {
		case secNone:
			sd.goTo(cClientInit)
		case secVNCAuth:
			sd.skipThen(16, true, cClientInit)
		case secUnixLogon:
			sd.goTo(cCredLens)
		default:
			return viewErr("Tight authentication %d cannot be followed", a)
		}
	case cClientInit:
		f.pass(h)
		sd.goTo(cMessage)
	case cMessage:
		return f.messageType(sd, h[0])
	case cMessageHeader:
		return f.messageHeader(sd, h)
	case cEncoding:
		f.encoding(sd, h)
	case cRefused:
		sd.skipThen(1<<62, false, cRefused)
	}
	return nil
}

// clientAuth goes on with what the client sends for security type t.
func (f *viewOnlyFilter) clientAuth(sd *side, t int64) error {
	switch t {
	case secNone:
		sd.goTo(cClientInit)
	case secVNCAuth:
		sd.skipThen(16, true, cClientInit)
	case secVeNCrypt:
		sd.goTo(cVeNCryptVer)
	case secTight:
		sd.goTo(cTightTunnel)
	case secXVP:
		sd.goTo(cXVPLens)
	case secARD:
		if f.ardKeyLen < 0 {
			return viewErr("the client spoke before the server sent its ARD key")
		}
		sd.skipThen(f.ardKeyLen+128, true, cClientInit)
	case secMSLogonII:
		sd.skipThen(8+256+64, true, cClientInit)
	default:
		return viewErr("security type %d (%s) cannot be followed", t, secName(t))
	}
	return nil
}

func secName(t int64) string {
	switch t {
	case 0:
		return "invalid"
	case 5, 6, 13, 129, 133, 134:
		return "encrypted RSA-AES"
	case 18:
		return "TLS"
	case 20:
		return "SASL"
	}
	return "unknown"
}

// clientMessage describes a client message type: the length of its fixed
// part (type byte included) and whether view-only passes it on.
type clientMessage struct {
	name   string
	header int
	pass   bool
}

// clientMessages lists every client message the filter can read. Those that
// pass ask for pictures or shape how they come; the others could change the
// desktop (keys, pointer, clipboard, size, power).
var clientMessages = map[byte]clientMessage{
	0:   {"SetPixelFormat", 20, true},
	2:   {"SetEncodings", 4, true},
	3:   {"FramebufferUpdateRequest", 10, true},
	4:   {"KeyEvent", 8, false},
	5:   {"PointerEvent", 6, false},
	6:   {"ClientCutText", 8, false},
	150: {"EnableContinuousUpdates", 10, true},
	248: {"ClientFence", 9, true},
	250: {"XVP", 4, false},
	251: {"SetDesktopSize", 8, false},
	252: {"gii", 4, false},
	255: {"QEMU", 4, false},
}

func (f *viewOnlyFilter) messageType(sd *side, t byte) error {
	m, ok := clientMessages[t]
	if !ok {
		return viewErr("the client sent RFB message type %d, which view-only cannot read", t)
	}
	f.msgType, f.msgPass = t, m.pass
	sd.stage, sd.need, sd.have = cMessageHeader, m.header, 1
	sd.hdr[0] = t
	return nil
}

// messageHeader judges a complete fixed part and skips the rest.
func (f *viewOnlyFilter) messageHeader(sd *side, h []byte) error {
	var body int64
	switch f.msgType {
	case 2: // SetEncodings
		f.pass(h)
		f.encodings, f.encIndex = int64(binary.BigEndian.Uint16(h[2:4])), 0
		if f.encodings > 0 {
			sd.goTo(cEncoding)
			return nil
		}
	case 6: // ClientCutText; a negative length is the extended clipboard
		n := int64(int32(binary.BigEndian.Uint32(h[4:8])))
		body = max(n, -n)
	case 248: // ClientFence
		body = int64(h[8])
		if body > maxFence {
			return viewErr("ClientFence of %d bytes (at most %d)", body, maxFence)
		}
	case 251: // SetDesktopSize
		body = 16 * int64(h[6])
	case 252: // gii: the length's byte order is the sub-type's top bit
		if h[1]&0x80 != 0 {
			body = int64(binary.BigEndian.Uint16(h[2:4]))
		} else {
			body = int64(binary.LittleEndian.Uint16(h[2:4]))
		}
	case 255: // QEMU
		switch {
		case h[1] == 0: // extended key event
			body = 8
		case h[1] == 1 && (h[3] == 0 || h[3] == 1) && h[2] == 0: // audio enable, disable
		case h[1] == 1 && h[3] == 2 && h[2] == 0: // audio format
			body = 6
		default:
			return viewErr("QEMU message %d/%d cannot be read", h[1], binary.BigEndian.Uint16(h[2:4]))
		}
	}
	if f.msgPass && f.msgType != 2 {
		f.pass(h)
	}
	sd.skipThen(body, f.msgPass, cMessage)
	return nil
}

// encoding passes one encoding of SetEncodings, hiding the extended mouse
// buttons behind a repeat of the encoding before it (a server ignores a
// repeat) or Raw when it comes first (Raw every server has).
func (f *viewOnlyFilter) encoding(sd *side, h []byte) {
	var e [4]byte
	copy(e[:], h)
	if int32(binary.BigEndian.Uint32(e[:])) == encExtendedMouseButtons {
		if f.encIndex == 0 {
			e = [4]byte{}
		} else {
			e = f.prevEnc
		}
	}
	f.pass(e[:])
	f.prevEnc = e
	f.encIndex++
	if f.encIndex < f.encodings {
		sd.goTo(cEncoding)
	} else {
		sd.goTo(cMessage)
	}
}
