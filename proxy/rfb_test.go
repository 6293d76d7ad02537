package proxy

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

// rfbSegment is what one side sends in one go; pass (for the client) says
// what the filter must pass on, byte for byte (nil: all of it).
type rfbSegment struct {
	server bool
	b      []byte
	want   []byte
}

func srv(b ...[]byte) rfbSegment { return rfbSegment{server: true, b: bytes.Join(b, nil)} }
func cli(b ...[]byte) rfbSegment {
	j := bytes.Join(b, nil)
	return rfbSegment{b: j, want: j}
}

// filtered is client bytes of which only want goes on.
func filtered(b, want []byte) rfbSegment { return rfbSegment{b: b, want: want} }

func u32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
func u16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func n(k int, c byte) []byte {
	return bytes.Repeat([]byte{c}, k)
}
func by(b ...byte) []byte { return b }

var (
	v33 = []byte("RFB 003.003\n")
	v37 = []byte("RFB 003.007\n")
	v38 = []byte("RFB 003.008\n")
	ok  = u32(0)
	// ServerInit: 640x480, a pixel format, the name "x".
	serverInit = bytes.Join([][]byte{u16(640), u16(480), n(16, 7), u32(1), []byte("x")}, nil)
)

// clientMessagesSample is one of every client message the filter reads, and
// what of it must reach the server.
func clientMessagesSample() rfbSegment {
	type m struct {
		b    []byte
		pass bool
	}
	encs := bytes.Join([][]byte{by(2, 0), u16(3), u32(7), u32(uint32(0xFFFFFEC4)) /* -316 */, u32(uint32(0xFFFFFF21))}, nil)
	encsOut := bytes.Join([][]byte{by(2, 0), u16(3), u32(7), u32(7), u32(uint32(0xFFFFFF21))}, nil)
	ms := []m{
		{append(by(0, 0, 0, 0), n(16, 1)...), true},
		{by(3, 1, 0, 0, 0, 0, 2, 128, 1, 224), true},
		{by(4, 1, 0, 0, 0, 0, 0, 'a'), false},
		{by(5, 1, 0, 10, 0, 20), false},
		{by(5, 0x80, 0, 10, 0, 20), false}, // marker bit: still 6 bytes, the extension being hidden
		{append(append(by(6, 0, 0, 0), u32(5)...), "hello"...), false},
		{append(append(by(6, 0, 0, 0), u32(uint32(0xFFFFFFF8))...), n(8, 9)...), false}, // extended clipboard
		{by(150, 1, 0, 0, 0, 0, 2, 128, 1, 224), true},
		{append(append(by(248, 0, 0, 0), u32(1<<31)...), 3, 'a', 'b', 'c'), true},
		{by(250, 0, 1, 2), false},
		{append(by(251, 0, 3, 0, 2, 0, 2, 0), n(32, 4)...), false},
		{append(by(252, 0x80, 0, 4), n(4, 5)...), false},
		{append(by(252, 0x00, 3, 0), n(3, 5)...), false},
		{append(by(255, 0, 0, 1), n(8, 6)...), false},
		{by(255, 1, 0, 0), false},
		{append(by(255, 1, 0, 2), n(6, 6)...), false},
		{by(3, 0, 0, 0, 0, 0, 0, 1, 0, 1), true},
	}
	var in, want []byte
	in = append(in, encs...)
	want = append(want, encsOut...)
	for _, x := range ms {
		in = append(in, x.b...)
		if x.pass {
			want = append(want, x.b...)
		}
	}
	return filtered(in, want)
}

// rfbSessions are whole conversations through the handshake of each
// security type, then every message.
func rfbSessions() map[string][]rfbSegment {
	msgs := clientMessagesSample()
	return map[string][]rfbSegment{
		"3.8 None": {srv(v38), cli(v38), srv(by(2, 1, 2)), cli(by(1)), srv(ok), cli(by(1)), srv(serverInit), msgs},
		"3.7 None": {srv(v38), cli(v37), srv(by(1, 1)), cli(by(1)), cli(by(0)), srv(serverInit), msgs},
		"3.3 VncAuth": {srv(v33), cli(v33), srv(u32(2), n(16, 3)), cli(n(16, 4)), srv(ok), cli(by(1)),
			srv(serverInit), msgs},
		"3.3 None":    {srv([]byte("RFB 003.889\n")), cli(v33), srv(u32(1)), cli(by(1)), srv(serverInit), msgs},
		"3.8 VncAuth": {srv(v38), cli(v38), srv(by(1, 2)), cli(by(2)), srv(n(16, 3)), cli(n(16, 4)), srv(ok), cli(by(0)), msgs},
		"VeNCrypt Plain": {srv(v38), cli(v38), srv(by(1, 19)), cli(by(19)), srv(by(0, 2)), cli(by(0, 2)),
			srv(by(0, 2), u32(256), u32(2)), cli(u32(256)), cli(u32(4), u32(3), []byte("userpwd")), srv(ok), cli(by(1)), msgs},
		"VeNCrypt VncAuth": {srv(v38), cli(v38), srv(by(1, 19)), cli(by(19)), srv(by(0, 2)), cli(by(0, 2)),
			srv(by(0, 1), u32(2)), cli(u32(2)), srv(n(16, 1)), cli(n(16, 2)), srv(ok), cli(by(1)), msgs},
		"Tight tunnels VncAuth": {srv(v38), cli(v38), srv(by(1, 16)), cli(by(16)), srv(u32(1), n(16, 'T')), cli(u32(0)),
			srv(u32(2), n(32, 'A')), cli(u32(2)), srv(n(16, 3)), cli(n(16, 4)), srv(ok), cli(by(1)),
			srv(serverInit, u16(0), u16(0), u16(0), u16(0)), msgs},
		"Tight no tunnels no auth": {srv(v38), cli(v38), srv(by(1, 16)), cli(by(16)), srv(u32(0)), srv(u32(0)), srv(ok),
			cli(by(1)), msgs},
		"Tight Unix login": {srv(v38), cli(v38), srv(by(1, 16)), cli(by(16)), srv(u32(0)), srv(u32(1), n(16, 'A')),
			cli(u32(129)), cli(u32(2), u32(2), []byte("abcd")), srv(ok), cli(by(1)), msgs},
		"XVP": {srv(v38), cli(v38), srv(by(1, 22)), cli(by(22)), cli(by(2, 3), []byte("meabc")), srv(n(16, 1)), cli(n(16, 2)),
			srv(ok), cli(by(1)), msgs},
		"ARD": {srv(v38), cli(v38), srv(by(1, 30)), cli(by(30)), srv(by(0, 2), u16(64), n(128, 5)), cli(n(64+128, 6)), srv(ok),
			cli(by(1)), msgs},
		"MSLogonII": {srv(v38), cli(v38), srv(by(1, 113)), cli(by(113)), srv(n(24, 1)), cli(n(328, 2)), srv(ok), cli(by(1)), msgs},
		"no security types": {srv(v38), cli(v38), srv(by(0), u32(3), []byte("bad")),
			filtered(bytes.Join([][]byte{by(1), by(4, 1, 0, 0, 0, 0, 0, 'a')}, nil), nil)},
		"3.3 refused": {srv(v33), cli(v33), srv(u32(0), u32(3), []byte("bad")), filtered(by(4, 1, 0, 0, 0, 0, 0, 'a'), nil)},
	}
}

// feed runs segs through a new filter, each segment cut at cuts (offsets
// into the whole conversation), and returns what reached the server.
func feed(t *testing.T, segs []rfbSegment, cut func(off, n int) []int) ([]byte, error) {
	t.Helper()
	f := newViewOnlyFilter()
	var got []byte
	off := 0
	for _, sg := range segs {
		prev := 0
		for _, at := range append(cut(off, len(sg.b)), len(sg.b)) {
			piece := sg.b[prev:at]
			prev = at
			if len(piece) == 0 {
				continue
			}
			if sg.server {
				if f.serverDone() {
					continue // the relay stops calling server
				}
				if err := f.server(piece); err != nil {
					return got, err
				}
				continue
			}
			out, err := f.client(piece)
			got = append(got, out...)
			if err != nil {
				return got, err
			}
		}
		off += len(sg.b)
	}
	return got, nil
}

func wantOf(segs []rfbSegment) []byte {
	var w []byte
	for _, sg := range segs {
		if !sg.server {
			w = append(w, sg.want...)
		}
	}
	return w
}

func TestViewOnlyFilterEverySplit(t *testing.T) {
	t.Parallel()
	for name, segs := range rfbSessions() {
		t.Run(name, func(t *testing.T) {
			want := wantOf(segs)
			total := 0
			for _, sg := range segs {
				total += len(sg.b)
			}
			check := func(how string, cut func(off, n int) []int) {
				got, err := feed(t, segs, cut)
				if err != nil {
					t.Fatalf("%s: %v", how, err)
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("%s: passed\n%x\nwant\n%x", how, got, want)
				}
			}
			check("whole", func(int, int) []int { return nil })
			check("byte by byte", func(_, n int) []int {
				var c []int
				for i := 1; i < n; i++ {
					c = append(c, i)
				}
				return c
			})
			for k := 1; k < total; k++ {
				check("cut", func(off, n int) []int {
					if k > off && k < off+n {
						return []int{k - off}
					}
					return nil
				})
			}
		})
	}
}

func TestViewOnlyFilterRefuses(t *testing.T) {
	t.Parallel()
	pre := []rfbSegment{srv(v38), cli(v38), srv(by(1, 1)), cli(by(1)), srv(ok), cli(by(1))}
	cases := []struct {
		name string
		segs []rfbSegment
		want string
	}{
		{"unknown message", append(pre[:6:6], cli(by(3, 1, 0, 0, 0, 0, 0, 1, 0, 1)), cli(by(7, 0))), "message type 7"},
		{"long fence", append(pre[:6:6], cli(by(248, 0, 0, 0, 0, 0, 0, 0, 65))), "ClientFence of 65 bytes"},
		{"QEMU unknown", append(pre[:6:6], cli(by(255, 9, 0, 0))), "QEMU message 9/0"},
		{"TLS", []rfbSegment{srv(v38), cli(v38), srv(by(1, 18)), cli(by(18))}, "security type 18 (TLS)"},
		{"RA2ne", []rfbSegment{srv(v38), cli(v38), srv(by(1, 6)), cli(by(6))}, "security type 6"},
		{"VeNCrypt TLS", []rfbSegment{srv(v38), cli(v38), srv(by(1, 19)), cli(by(19)), srv(by(0, 2)), cli(by(0, 2)),
			srv(by(0, 1), u32(259)), cli(u32(259))}, "VeNCrypt subtype 259 encrypts"},
		{"VeNCrypt 0.1", []rfbSegment{srv(v38), cli(v38), srv(by(1, 19)), cli(by(19)), srv(by(0, 1)), cli(by(0, 1))}, "VeNCrypt version 0.1"},
		{"Tight tunnel", []rfbSegment{srv(v38), cli(v38), srv(by(1, 16)), cli(by(16)), srv(u32(1), n(16, 1)), cli(u32(1))}, "Tight tunnel 1"},
		{"client first", []rfbSegment{cli(v38)}, "client spoke before the server"},
		{"3.3 client first", []rfbSegment{srv(v33), cli(v33), cli(by(1))}, "before the server chose a security type"},
		{"bad version", []rfbSegment{srv([]byte("RFB 003.004\n"))}, `RFB "003.004"`},
		{"not RFB", []rfbSegment{srv([]byte("HTTP/1.1 200"))}, "did not open with an RFB ProtocolVersion"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := feed(t, c.segs, func(int, int) []int { return nil })
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one saying %q", err, c.want)
			}
			if len(err.Error()) > 123 {
				t.Errorf("reason %q is longer than a close frame holds", err)
			}
		})
	}
}

// TestViewOnlyFilterDropsLongRuns checks that a long clipboard is dropped
// without being held: the filter's memory does not grow with it.
func TestViewOnlyFilterDropsLongRuns(t *testing.T) {
	t.Parallel()
	f := newViewOnlyFilter()
	for _, s := range []rfbSegment{srv(v38), cli(v38), srv(by(1, 1)), cli(by(1)), srv(ok), cli(by(1))} {
		if s.server {
			f.server(s.b)
		} else if _, err := f.client(s.b); err != nil {
			t.Fatal(err)
		}
	}
	out, err := f.client(append(by(6, 0, 0, 0), u32(64<<20)...))
	if err != nil || len(out) != 0 {
		t.Fatalf("header: %x %v", out, err)
	}
	chunk := n(64<<10, 'x')
	for i := 0; i < 1024; i++ {
		out, err := f.client(chunk)
		if err != nil || len(out) != 0 {
			t.Fatalf("chunk %d passed %d bytes, %v", i, len(out), err)
		}
	}
	if cap(f.out) > 64 {
		t.Errorf("the output buffer grew to %d bytes for dropped data", cap(f.out))
	}
	fbur := by(3, 1, 0, 0, 0, 0, 0, 1, 0, 1)
	out, err = f.client(fbur)
	if err != nil || !bytes.Equal(out, fbur) {
		t.Fatalf("after the clipboard: %x %v", out, err)
	}
}

// FuzzViewOnlyMessages feeds arbitrary client messages after a handshake,
// whole and cut at one place: the filter must not panic, must say the same
// either way, and what it passes must pass through a second filter
// unchanged (nothing it passes is something it would drop).
func FuzzViewOnlyMessages(f *testing.F) {
	f.Add(clientMessagesSample().b, uint16(7))
	f.Add(by(4, 1, 0, 0, 0, 0, 0, 'a', 3, 0, 0, 0, 0, 0, 0, 1, 0, 1), uint16(3))
	f.Add(append(by(6, 0, 0, 0), u32(0x80000000)...), uint16(2))
	f.Add(by(2, 0, 0xff, 0xff, 0, 0), uint16(5))
	f.Add(by(252, 0, 0xff, 0xff), uint16(1))
	pre := []rfbSegment{srv(v38), cli(v38), srv(by(1, 1)), cli(by(1)), srv(ok), cli(by(1))}
	f.Fuzz(func(t *testing.T, msgs []byte, at uint16) {
		segs := append(pre[:6:6], cli(msgs))
		whole, errWhole := feed(t, segs, func(int, int) []int { return nil })
		cut, errCut := feed(t, segs, func(off, n int) []int {
			if k := int(at) % (n + 1); off == 32 {
				return []int{k}
			}
			return nil
		})
		if (errWhole == nil) != (errCut == nil) || !bytes.Equal(whole, cut) {
			t.Fatalf("whole: %x %v; cut at %d: %x %v", whole, errWhole, at, cut, errCut)
		}
		again, err := feed(t, append(pre[:6:6], cli(whole[len(v38)+2:])), func(int, int) []int { return nil })
		if err != nil && errWhole == nil {
			t.Fatalf("the filtered stream fails a second filter: %v", err)
		}
		if errWhole == nil && !bytes.Equal(again, whole) {
			t.Fatalf("the second filter changed\n%x\ninto\n%x", whole, again)
		}
	})
}

// FuzzViewOnlyHandshake plays arbitrary server and client bytes against each
// other, turn by turn: no panic, no hang, and a refusal is a view-only error.
func FuzzViewOnlyHandshake(f *testing.F) {
	f.Add(append(v38, 1, 19, 0, 2, 0, 1, 0, 0, 1, 0), append(v38, 19, 0, 2, 0, 0, 1, 0, 0, 0, 0, 4, 0, 0, 0, 0), uint8(12))
	f.Add(append(v33, 0, 0, 0, 16), append(v33, 1, 4), uint8(5))
	f.Add(append(v38, 1, 30, 0, 2, 0, 4, 1, 2, 3, 4, 5, 6, 7, 8), append(v38, 30), uint8(13))
	f.Fuzz(func(t *testing.T, server, client []byte, turn uint8) {
		step := int(turn)%16 + 1
		fl := newViewOnlyFilter()
		for len(server) > 0 || len(client) > 0 {
			k := min(step, len(server))
			if !fl.serverDone() {
				if err := fl.server(server[:k]); err != nil {
					var ve *viewOnlyError
					if !errors.As(err, &ve) {
						t.Fatalf("not a view-only error: %v", err)
					}
					return
				}
			}
			server = server[k:]
			k = min(step, len(client))
			out, err := fl.client(client[:k])
			if len(out) > k+20 {
				t.Fatalf("passed %d bytes for %d", len(out), k)
			}
			if err != nil {
				return
			}
			client = client[k:]
		}
	})
}
