package localvnc

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"time"
)

// waylandOutputs lists the outputs of the Wayland compositor at display
// (WAYLAND_DISPLAY: a socket's path, or its name in runtimeDir), as
// wl_output and xdg-output tell them: the names wayvnc's --output takes,
// each output's current mode and its place in the layout. Spoken here
// rather than read from wlr-randr: wlr-output-management is missing from
// some wlroots compositors (cage), xdg-output is in all of them, and wayvnc
// finds its output by the same name.
func waylandOutputs(display, runtimeDir string) ([]Monitor, error) {
	path := display
	if !filepath.IsAbs(path) {
		if runtimeDir == "" {
			return nil, errors.New("the Wayland display " + display + " is a name, and XDG_RUNTIME_DIR is not set")
		}
		path = filepath.Join(runtimeDir, display)
	}
	c, err := net.DialTimeout("unix", path, 5*time.Second)
	if err != nil {
		return nil, fmt.Errorf("cannot reach the Wayland compositor: %w", err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	w := &wlConn{w: c, r: bufio.NewReader(c), next: wlDisplay}
	outs, err := w.outputs()
	if err != nil {
		return nil, fmt.Errorf("the Wayland compositor's outputs: %w", err)
	}
	var ms []Monitor
	for _, o := range outs {
		if o.name == "" || o.width <= 0 || o.height <= 0 {
			continue
		}
		m := Monitor{Name: o.name, Width: o.width, Height: o.height, X: o.x, Y: o.y}
		if o.transform%2 == 1 { // turned a quarter
			m.Width, m.Height = m.Height, m.Width
		}
		ms = append(ms, m)
	}
	if len(ms) == 0 {
		return nil, errors.New("the Wayland compositor lists no named outputs")
	}
	place(ms)
	return ms, nil
}

// wlOutput is what the compositor says of one output.
type wlOutput struct {
	id, xdgID     uint32
	name          string
	xdgNamed      bool // name is xdg-output's, which wayvnc takes first
	x, y          int  // in the layout (xdg-output's logical place when known)
	width, height int  // the current mode, in pixels
	transform     int
}

// wlConn speaks the Wayland wire protocol: messages of an object id, the
// size and opcode, and 32-bit words in the machine's byte order.
type wlConn struct {
	w    io.Writer
	r    *bufio.Reader
	next uint32 // the last object id given; ids go up one by one from wl_display's
}

const wlDisplay = 1

// outputs binds every wl_output and asks xdg-output of each, then reads
// the events until the compositor has answered them all.
func (w *wlConn) outputs() ([]*wlOutput, error) {
	registry := w.newID()
	if err := w.send(wlDisplay, 1, registry); err != nil { // get_registry
		return nil, err
	}
	type global struct {
		name    uint32
		version uint32
	}
	var outputGlobals []global
	var xdgManager *global
	err := w.roundtrip(func(obj uint32, op uint16, a *wlArgs) {
		if obj != registry || op != 0 { // global
			return
		}
		name, iface, version := a.uint(), a.string(), a.uint()
		switch iface {
		case "wl_output":
			outputGlobals = append(outputGlobals, global{name, version})
		case "zxdg_output_manager_v1":
			xdgManager = &global{name, version}
		}
	})
	if err != nil {
		return nil, err
	}
	bind := func(g global, iface string, max uint32) (uint32, error) {
		id := w.newID()
		return id, w.send(registry, 0, g.name, iface, min(g.version, max), id)
	}
	var outs []*wlOutput
	byID := map[uint32]*wlOutput{}
	byXdgID := map[uint32]*wlOutput{}
	var manager uint32
	if xdgManager != nil {
		if manager, err = bind(*xdgManager, "zxdg_output_manager_v1", 3); err != nil {
			return nil, err
		}
	}
	for _, g := range outputGlobals {
		o := &wlOutput{}
		if o.id, err = bind(g, "wl_output", 4); err != nil {
			return nil, err
		}
		if manager != 0 {
			o.xdgID = w.newID()
			if err := w.send(manager, 1, o.xdgID, o.id); err != nil { // get_xdg_output
				return nil, err
			}
			byXdgID[o.xdgID] = o
		}
		byID[o.id] = o
		outs = append(outs, o)
	}
	err = w.roundtrip(func(obj uint32, op uint16, a *wlArgs) {
		if o := byID[obj]; o != nil {
			switch op {
			case 0: // geometry: x, y, mm, mm, subpixel, make, model, transform
				x, y := a.int(), a.int()
				a.uint()
				a.uint()
				a.uint()
				a.string()
				a.string()
				o.transform = a.int()
				if manager == 0 {
					o.x, o.y = x, y
				}
			case 1: // mode: flags, width, height, refresh
				if flags := a.uint(); flags&1 == 1 { // the current one
					o.width, o.height = a.int(), a.int()
				}
			case 4: // name (version 4)
				if !o.xdgNamed {
					o.name = a.string()
				}
			}
		}
		if o := byXdgID[obj]; o != nil {
			switch op {
			case 0: // logical_position
				o.x, o.y = a.int(), a.int()
			case 3: // name (version 2)
				o.name, o.xdgNamed = a.string(), true
			}
		}
	})
	return outs, err
}

func (w *wlConn) newID() uint32 { w.next++; return w.next }

// roundtrip asks for a callback and hands on every event until it comes:
// the compositor answers requests in order.
func (w *wlConn) roundtrip(event func(obj uint32, op uint16, a *wlArgs)) error {
	done := w.newID()
	if err := w.send(wlDisplay, 0, done); err != nil { // sync
		return err
	}
	for {
		obj, op, a, err := w.read()
		if err != nil {
			return err
		}
		switch {
		case obj == done:
			return nil
		case obj == wlDisplay && op == 0: // error: object, code, message
			a.uint()
			code := a.uint()
			return fmt.Errorf("the compositor refused a request (error %d): %s", code, a.string())
		case obj != wlDisplay:
			event(obj, op, a)
		}
	}
}

// send writes one request; args are uint32 words and strings.
func (w *wlConn) send(obj uint32, op uint16, args ...any) error {
	b := make([]byte, 8, 64)
	for _, arg := range args {
		switch v := arg.(type) {
		case uint32:
			b = binary.NativeEndian.AppendUint32(b, v)
		case string:
			b = binary.NativeEndian.AppendUint32(b, uint32(len(v)+1))
			b = append(b, v...)
			b = append(b, make([]byte, 4-len(v)%4)...) // the NUL, and the padding to a word
		}
	}
	binary.NativeEndian.PutUint32(b, obj)
	binary.NativeEndian.PutUint32(b[4:], uint32(len(b))<<16|uint32(op))
	_, err := w.w.Write(b)
	return err
}

// read reads one event.
func (w *wlConn) read() (obj uint32, op uint16, a *wlArgs, err error) {
	var h [8]byte
	if _, err = io.ReadFull(w.r, h[:]); err != nil {
		return 0, 0, nil, err
	}
	obj = binary.NativeEndian.Uint32(h[:])
	sizeOp := binary.NativeEndian.Uint32(h[4:])
	size := int(sizeOp >> 16)
	if size < 8 || size%4 != 0 {
		return 0, 0, nil, fmt.Errorf("the compositor sent a message of %d bytes", size)
	}
	body := make([]byte, size-8)
	if _, err = io.ReadFull(w.r, body); err != nil {
		return 0, 0, nil, err
	}
	return obj, uint16(sizeOp), &wlArgs{b: body}, nil
}

// wlArgs reads an event's arguments in turn; past the end they read as
// zero and "".
type wlArgs struct{ b []byte }

func (a *wlArgs) uint() uint32 {
	if len(a.b) < 4 {
		a.b = nil
		return 0
	}
	v := binary.NativeEndian.Uint32(a.b)
	a.b = a.b[4:]
	return v
}

func (a *wlArgs) int() int { return int(int32(a.uint())) }

func (a *wlArgs) string() string {
	n := int(a.uint())
	padded := (n + 3) &^ 3
	if n == 0 || padded > len(a.b) {
		a.b = nil
		return ""
	}
	s := string(a.b[:n-1]) // without its NUL
	a.b = a.b[padded:]
	return s
}
