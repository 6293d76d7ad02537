//go:build linux

package localvnc

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"vncbridge/internal/testnet"
)

// startCage starts cage, a wlroots kiosk compositor, headless, and returns
// the path of its Wayland socket; env adds to its environment
// ("WLR_HEADLESS_OUTPUTS=2"). wlroots refuses to run as root, so as root
// (CI) it runs as nobody, in a runtime folder of nobody's.
func startCage(t *testing.T, env ...string) string {
	t.Helper()
	testnet.RequireTools(t, "cage", "wayvnc", "Xwayland")
	dir, err := os.MkdirTemp("", "vncbridge-cage-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	args := []string{"--", "sleep", "120"}
	cmd := exec.Command("cage", args...)
	if os.Getuid() == 0 {
		testnet.RequireTools(t, "setpriv")
		if err := os.Chown(dir, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		cmd = exec.Command("setpriv", append([]string{"--reuid=nobody", "--regid=nogroup", "--clear-groups", "cage"}, args...)...)
	}
	os.Chmod(dir, 0o700)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "XDG_RUNTIME_DIR=" + dir,
		"WLR_BACKENDS=headless", "WLR_LIBINPUT_NO_DEVICES=1", "WLR_RENDERER=pixman"}
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = testWriter{t}, testWriter{t}
	cmd.WaitDelay = time.Second // cage's client (sleep) keeps the output open after cage ends
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	sock := filepath.Join(dir, "wayland-0")
	testnet.WaitWithin(t, 15*time.Second, "cage's Wayland socket", func() bool { _, err := os.Stat(sock); return err == nil })
	return sock
}

// wayvnc serves a wlroots session on a private socket. cage offers no
// virtual pointer or keyboard, so input is off here; on sway or labwc it is on.
func TestWayvncOnAPrivateSocket(t *testing.T) {
	sock := startCage(t)
	t.Setenv("WAYLAND_DISPLAY", sock)
	t.Setenv("XDG_CURRENT_DESKTOP", "")
	prog, ok, adv := Find(Env{})
	if !ok || prog.Name != "wayvnc" {
		t.Fatalf("Find in a wlroots session with wayvnc installed: %q, %v (%s)", prog.Name, ok, adv.Summary)
	}
	prog.args = func(s string, o Options) []string { return append([]string{"--disable-input"}, wayvncArgs(s, o)...) }
	srv, err := Start(context.Background(), prog, Options{RuntimeDir: t.TempDir(), Log: testLog(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	if !greets(srv.Socket()) {
		t.Fatal("no RFB greeting on wayvnc's socket")
	}
	if inos := testnet.TCPListenersOf(t, srv.PID()); len(inos) > 0 {
		t.Fatalf("wayvnc (pid %d) listens on a TCP port (socket inodes %v)", srv.PID(), inos)
	}
}

// In a wlroots session of two outputs, Monitors lists both with their
// sizes and places, and wayvnc given the second serves it alone.
func TestWayvncServesOneOutput(t *testing.T) {
	sock := startCage(t, "WLR_HEADLESS_OUTPUTS=2")
	t.Setenv("WAYLAND_DISPLAY", sock)
	t.Setenv("XDG_CURRENT_DESKTOP", "")
	ms, err := Monitors()
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	for _, m := range ms {
		labels = append(labels, m.Label())
	}
	slices.Sort(labels)
	// cage lays its outputs out side by side, the last one added on the
	// left; wlroots' headless ones are 1280×720.
	if want := []string{"HEADLESS-1, 1280×720, right", "HEADLESS-2, 1280×720, left"}; !slices.Equal(labels, want) {
		t.Fatalf("Monitors: %q; want %q", labels, want)
	}
	prog, ok, adv := Find(Env{})
	if !ok || prog.Name != "wayvnc" {
		t.Fatalf("Find: %q, %v (%s)", prog.Name, ok, adv.Summary)
	}
	prog.args = func(s string, o Options) []string { return append([]string{"--disable-input"}, wayvncArgs(s, o)...) }
	srv, err := Start(context.Background(), prog, Options{RuntimeDir: t.TempDir(), Log: testLog(t), Monitor: &ms[1]})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	if w, h, _ := serverInit(t, srv.Socket()); w != ms[1].Width || h != ms[1].Height {
		t.Fatalf("wayvnc --output %s serves %dx%d; want %dx%d", ms[1].Name, w, h, ms[1].Width, ms[1].Height)
	}
	// Both outputs have one size: that wayvnc takes the name shows in an
	// output the compositor lacks.
	gone := Monitor{Name: "HEADLESS-9", Width: 1280, Height: 720}
	if srv, err := Start(context.Background(), prog, Options{RuntimeDir: t.TempDir(), Log: testLog(t), Monitor: &gone}); err == nil {
		srv.Stop()
		t.Fatal("wayvnc served an output the compositor does not have")
	} else if !strings.Contains(err.Error(), "no such monitor") {
		t.Fatalf("wayvnc on a missing output: %v", err)
	}
}
