//go:build linux

package localvnc

import (
	"context"
	"encoding/binary"
	"io"
	"net"
	"os/exec"
	"testing"
	"time"

	"vncbridge/internal/testnet"
)

// twoMonitors starts a 640×240 X display split into two RandR monitors,
// LEFT-1 and RIGHT-1, and points DISPLAY at it.
func twoMonitors(t *testing.T) {
	testnet.RequireTools(t, "xrandr")
	display := testnet.StartXvfb(t, "-screen", "0", "640x240x24", "-noreset")
	t.Setenv("DISPLAY", display)
	t.Setenv("WAYLAND_DISPLAY", "")
	for _, m := range [][]string{{"LEFT-1", "320/100x240/100+0+0", "screen"}, {"RIGHT-1", "320/100x240/100+320+0", "none"}} {
		if out, err := exec.Command("xrandr", "--setmonitor", m[0], m[1], m[2]).CombinedOutput(); err != nil {
			t.Fatalf("xrandr --setmonitor %s: %v %s", m[0], err, out)
		}
	}
}

// Each program serves one monitor of a real X display: its size, and the
// name viewers see.
func TestOneMonitorServed(t *testing.T) {
	twoMonitors(t)
	ms, err := Monitors()
	if err != nil || len(ms) != 2 || ms[1].Label() != "RIGHT-1, 320×240, right" {
		t.Fatalf("Monitors: %+v, %v", ms, err)
	}
	for _, name := range []string{"x11vnc", "x0vncserver"} {
		t.Run(name, func(t *testing.T) {
			testnet.RequireTools(t, name)
			env := Env{LookPath: func(p string) (string, error) {
				if name == "x0vncserver" && p == "x11vnc" {
					return "", exec.ErrNotFound
				}
				return exec.LookPath(p)
			}}
			prog, ok, _ := Find(env)
			if !ok || prog.Name != name {
				t.Fatalf("Find: %q, %v", prog.Name, ok)
			}
			srv, err := Start(context.Background(), prog, Options{RuntimeDir: t.TempDir(), Log: testLog(t),
				Monitor: &ms[1], DesktopName: "RIGHT-1 on test"})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Stop()
			w, h, desktop := serverInit(t, srv.Socket())
			if w != 320 || h != 240 || desktop != "RIGHT-1 on test" {
				t.Fatalf("ServerInit: %dx%d %q; want 320x240 \"RIGHT-1 on test\"", w, h, desktop)
			}
		})
	}
}

// serverInit shakes hands with the RFB server at socket (3.8, no
// authentication) and returns its ServerInit's size and name.
func serverInit(t *testing.T, socket string) (w, h int, name string) {
	t.Helper()
	c, err := net.Dial("unix", socket)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	must := func(err error) {
		if err != nil {
			t.Helper()
			t.Fatalf("RFB handshake: %v", err)
		}
	}
	buf := make([]byte, 12)
	_, err = io.ReadFull(c, buf)
	must(err)
	_, err = c.Write([]byte("RFB 003.008\n"))
	must(err)
	n := make([]byte, 1)
	_, err = io.ReadFull(c, n)
	must(err)
	types := make([]byte, n[0])
	_, err = io.ReadFull(c, types)
	must(err)
	_, err = c.Write([]byte{1}) // None
	must(err)
	result := make([]byte, 4)
	_, err = io.ReadFull(c, result)
	must(err)
	if binary.BigEndian.Uint32(result) != 0 {
		t.Fatalf("security result %v (types offered %v)", result, types)
	}
	_, err = c.Write([]byte{1}) // shared
	must(err)
	init := make([]byte, 24)
	_, err = io.ReadFull(c, init)
	must(err)
	nameBuf := make([]byte, binary.BigEndian.Uint32(init[20:]))
	_, err = io.ReadFull(c, nameBuf)
	must(err)
	return int(binary.BigEndian.Uint16(init[0:])), int(binary.BigEndian.Uint16(init[2:])), string(nameBuf)
}
