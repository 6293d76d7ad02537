package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vncbridge/internal/testnet"
)

// The two monitors' colours: LEFT-1 the X display's left half, RIGHT-1 its
// right half.
const (
	monitorW, monitorH = 320, 240
	leftColour         = "#b22222" // rgb(178, 34, 34)
	rightColour        = "#1e90ff" // rgb(30, 144, 255)
)

var (
	leftRGB  = [3]int{0xb2, 0x22, 0x22}
	rightRGB = [3]int{0x1e, 0x90, 0xff}
)

// startTwoMonitors starts an X display of two RandR 1.5 monitors side by
// side, LEFT-1 and RIGHT-1, each painted its own colour, and returns its
// name.
func startTwoMonitors(t *testing.T) string {
	t.Helper()
	requireTools(t, "xsetroot", "xrandr")
	// -noreset: the monitors stay when xrandr leaves.
	display := testnet.StartXvfb(t, "-screen", "0", fmt.Sprintf("%dx%dx24", 2*monitorW, monitorH), "-noreset")
	env := append(os.Environ(), "DISPLAY="+display)
	run := func(name string, args ...string) {
		cmd := exec.Command(name, args...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %v: %v %s", name, args, err, out)
		}
	}
	run("xrandr", "--setmonitor", "LEFT-1", fmt.Sprintf("%d/100x%d/100+0+0", monitorW, monitorH), "screen")
	run("xrandr", "--setmonitor", "RIGHT-1", fmt.Sprintf("%d/100x%d/100+%d+0", monitorW, monitorH, monitorW), "none")
	// The root window's background: a bitmap as wide as the screen, its
	// left half set (the foreground colour), its right half clear.
	bitmap := filepath.Join(t.TempDir(), "halves.xbm")
	if err := os.WriteFile(bitmap, halvesXBM(2*monitorW, monitorH), 0o644); err != nil {
		t.Fatal(err)
	}
	run("xsetroot", "-bitmap", bitmap, "-fg", leftColour, "-bg", rightColour)
	return display
}

// halvesXBM is an X bitmap w×h whose left half is set.
func halvesXBM(w, h int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "#define halves_width %d\n#define halves_height %d\nstatic unsigned char halves_bits[] = {\n", w, h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x += 8 { // bytes, the least significant bit leftmost
			v := 0
			for i := 0; i < 8; i++ {
				if x+i < w/2 {
					v |= 1 << i
				}
			}
			fmt.Fprintf(&b, "0x%02x,", v)
		}
		b.WriteString("\n")
	}
	b.WriteString("};\n")
	return []byte(b.String())
}

// The tray told to share RIGHT-1 (--target desktop:x11vnc:RIGHT-1, as the
// settings file keeps it) runs x11vnc for that monitor alone: Chromium
// through the share shows its size and colour only, and the page's title
// names it. With RIGHT-1 unplugged, the next share falls back to all
// monitors, and says so.
func TestOneMonitorThroughTheShare(t *testing.T) {
	requireTools(t, "x11vnc")
	art := newArtifacts(t)
	display := startTwoMonitors(t)
	tr := startPlainTray(t, art, "vncbridge-monitor", display, os.Getenv("PATH"), map[string]any{"target": "desktop:x11vnc:RIGHT-1"})
	tr.waitSaid(t, 20*time.Second, "Sharing this desktop (x11vnc, monitor RIGHT-1) at http://localhost:"+tr.port)

	b := newBrowser(t, art)
	b.run(chromedpNavigate("http://localhost:" + tr.port + "/?token=" + trayToken + "&resize=off"))
	b.waitFor("the connected state", `document.body.dataset.state === "connected"`, 20*time.Second)
	var size [2]int
	b.eval(`(() => { const d = window.vncbridge.rfb.getImageData(); return [d.width, d.height]; })()`, &size)
	if size != [2]int{monitorW, monitorH} {
		t.Fatalf("remote screen is %v, want RIGHT-1's %dx%d", size, monitorW, monitorH)
	}
	b.waitPixel(5, 5, rightRGB)
	b.waitPixel(monitorW-5, monitorH-5, rightRGB)
	b.waitFor("the title naming the monitor", `document.title.startsWith("RIGHT-1 on ")`, 10*time.Second)
	b.screenshot("right-monitor.png")

	// Unplugged: the next run shares all monitors, and the status says so.
	cmd := exec.Command("xrandr", "--delmonitor", "RIGHT-1")
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("xrandr --delmonitor: %v %s", err, out)
	}
	again := startPlainTray(t, art, "vncbridge-monitor-gone", display, os.Getenv("PATH"), map[string]any{"target": "desktop:x11vnc:RIGHT-1"})
	again.waitSaid(t, 20*time.Second, "monitor RIGHT-1 is gone: sharing all monitors")
}

// Without x11vnc on PATH, TigerVNC's scraping server serves the desktop:
// both monitors, each its colour.
func TestX0vncserverServesTheDesktop(t *testing.T) {
	x0, err := exec.LookPath("X0tigervnc")
	if err != nil {
		requireTools(t, "x0vncserver")
		x0, _ = exec.LookPath("x0vncserver")
	}
	xrandr, _ := exec.LookPath("xrandr")
	art := newArtifacts(t)
	display := startTwoMonitors(t)
	path := t.TempDir() // the scraping server and xrandr, no x11vnc
	for _, p := range []string{x0, xrandr} {
		if err := os.Symlink(p, filepath.Join(path, filepath.Base(p))); err != nil {
			t.Fatal(err)
		}
	}
	tr := startPlainTray(t, art, "vncbridge-x0vncserver", display, path)
	tr.waitSaid(t, 20*time.Second, "Sharing this desktop (x0vncserver) at http://localhost:"+tr.port)
	b := newBrowser(t, art)
	b.run(chromedpNavigate("http://localhost:" + tr.port + "/?token=" + trayToken + "&resize=off"))
	b.waitFor("the connected state", `document.body.dataset.state === "connected"`, 20*time.Second)
	var size [2]int
	b.eval(`(() => { const d = window.vncbridge.rfb.getImageData(); return [d.width, d.height]; })()`, &size)
	if size != [2]int{2 * monitorW, monitorH} {
		t.Fatalf("remote screen is %v, want %dx%d", size, 2*monitorW, monitorH)
	}
	b.waitPixel(5, 5, leftRGB)
	b.waitPixel(2*monitorW-5, monitorH-5, rightRGB)
}

// x11vnc on an X display that does not answer: the status says why in
// words, not with x11vnc's last line (a link to its FAQ).
func TestX11vncOnADeadDisplaySaysWhy(t *testing.T) {
	requireTools(t, "x11vnc")
	art := newArtifacts(t)
	display := ""
	for n := 190; n < 290 && display == ""; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); os.IsNotExist(err) {
			display = fmt.Sprintf(":%d", n)
		}
	}
	tr := startPlainTray(t, art, "vncbridge-deaddisplay", display, os.Getenv("PATH"), map[string]any{"target": "desktop:x11vnc"})
	tr.waitSaid(t, 20*time.Second, "x11vnc cannot open the X display "+display+": is this an X11 session?")
	if strings.Contains(tr.out.String(), "See also: http") && !strings.Contains(tr.out.String(), "level=DEBUG") {
		t.Fatalf("the FAQ link is still the reason:\n%s", tr.out.String())
	}
}
