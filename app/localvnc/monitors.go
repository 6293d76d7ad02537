package localvnc

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// A Monitor is one screen of the desktop, as the system names it: an X11
// monitor of RandR 1.5 ("DP-1"), or a Wayland output.
type Monitor struct {
	Name          string
	Width, Height int
	X, Y          int
	// Place is where it sits among the others ("left", "right", "top",
	// "bottom", "middle"); "" when it is the only one.
	Place string
}

// Geometry is the monitor's rectangle as x11vnc's -clip and x0vncserver's
// -Geometry take it: "WxH+X+Y".
func (m Monitor) Geometry() string { return fmt.Sprintf("%dx%d%+d%+d", m.Width, m.Height, m.X, m.Y) }

// Label is how a menu names it: "DP-1, 2560×1440, left".
func (m Monitor) Label() string {
	l := fmt.Sprintf("%s, %d×%d", m.Name, m.Width, m.Height)
	if m.Place != "" {
		l += ", " + m.Place
	}
	return l
}

// Monitors lists the monitors of this desktop: in a Wayland session (as
// Find takes it, WAYLAND_DISPLAY set) the compositor's outputs, else the
// monitors of the X display in DISPLAY, as RandR 1.5 has them (xrandr
// --listactivemonitors: the names the system gives, and the ones set with
// xrandr --setmonitor). X11's are read with xrandr, Debian's
// x11-xserver-utils, rather than a Go X11 client: x11vnc needs an X
// display anyway, and xrandr is installed wherever a desktop is.
func Monitors() ([]Monitor, error) {
	if d := os.Getenv("WAYLAND_DISPLAY"); d != "" {
		return waylandOutputs(d, os.Getenv("XDG_RUNTIME_DIR"))
	}
	out, err := exec.Command("xrandr", "--listactivemonitors").Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok && len(ee.Stderr) > 0 {
			return nil, fmt.Errorf("xrandr: %s", strings.TrimSpace(string(ee.Stderr)))
		}
		return nil, fmt.Errorf("xrandr: %w", err)
	}
	return parseMonitors(string(out))
}

// parseMonitors reads xrandr --listactivemonitors:
//
//	Monitors: 2
//	 0: +*DP-1 2560/597x1440/336+0+0  DP-1
//	 1: +HDMI-1 1920/527x1080/296+2560+0  HDMI-1
//
// "+" marks a monitor made by the server for an output, "*" the primary one.
func parseMonitors(out string) ([]Monitor, error) {
	var ms []Monitor
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 3 || !strings.HasSuffix(f[0], ":") || f[0] == "Monitors:" {
			continue
		}
		m, err := parseGeometry(f[2])
		if err != nil {
			return nil, fmt.Errorf("xrandr's monitor line %q: %w", strings.TrimSpace(line), err)
		}
		m.Name = strings.TrimLeft(f[1], "+*")
		ms = append(ms, m)
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("xrandr lists no monitors")
	}
	place(ms)
	return ms, nil
}

// parseGeometry reads "W/mmWxH/mmH+X+Y".
func parseGeometry(g string) (Monitor, error) {
	var m Monitor
	size, pos, ok := strings.Cut(g, "+")
	w, h, ok2 := strings.Cut(size, "x")
	x, y, ok3 := strings.Cut(pos, "+")
	if !ok || !ok2 || !ok3 {
		return m, fmt.Errorf("not W/mmxH/mm+X+Y")
	}
	w, _, _ = strings.Cut(w, "/")
	h, _, _ = strings.Cut(h, "/")
	var err error
	for _, p := range []struct {
		s string
		n *int
	}{{w, &m.Width}, {h, &m.Height}, {x, &m.X}, {y, &m.Y}} {
		if *p.n, err = strconv.Atoi(p.s); err != nil || *p.n < 0 {
			return m, fmt.Errorf("%q is not a size or place", p.s)
		}
	}
	if m.Width == 0 || m.Height == 0 {
		return m, fmt.Errorf("an empty monitor")
	}
	return m, nil
}

// place says where each monitor sits among the others: left or right of
// them all when its centre is, else top or bottom, else in the middle.
func place(ms []Monitor) {
	if len(ms) < 2 {
		return
	}
	cx := func(m Monitor) int { return 2*m.X + m.Width }
	cy := func(m Monitor) int { return 2*m.Y + m.Height }
	for i := range ms {
		left, right, top, bottom := true, true, true, true
		for j := range ms {
			if i == j {
				continue
			}
			left = left && cx(ms[i]) < cx(ms[j])
			right = right && cx(ms[i]) > cx(ms[j])
			top = top && cy(ms[i]) < cy(ms[j])
			bottom = bottom && cy(ms[i]) > cy(ms[j])
		}
		switch {
		case left:
			ms[i].Place = "left"
		case right:
			ms[i].Place = "right"
		case top:
			ms[i].Place = "top"
		case bottom:
			ms[i].Place = "bottom"
		default:
			ms[i].Place = "middle"
		}
	}
}
