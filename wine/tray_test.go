//go:build linux

package wine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"

	"vncbridge/internal/testnet"
)

// xdo runs xdotool on the test's display.
func xdo(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command("xdotool", args...)
	cmd.Env = wineEnv
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("xdotool %q: %v %s", args, err, out)
	}
}

// iconColour is the colour most of an icon's opaque pixels have: its
// state's colour.
func iconColour(t *testing.T, name string) color.RGBA {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "assets", "icons", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[color.RGBA]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			if c.A == 255 && !(c.R == c.G && c.G == c.B) { // the state's colour is not grey
				counts[color.RGBA{c.R, c.G, c.B, 255}]++
			}
		}
	}
	var best color.RGBA
	for c, n := range counts {
		if n > counts[best] {
			best = c
		}
	}
	return best
}

// tray is vncbridge.exe on Wine's desktop.
type tray struct {
	t              *testing.T
	proc           *proc
	config         string
	settings       map[string]any
	addr           string
	idleC, shareC  color.RGBA
	iconX, iconY   int
	lastScreenshot *image.RGBA
}

// count counts the pixels of colour c at the right end of the taskbar,
// where the notification area is, and sums their coordinates.
func (tr *tray) count(img *image.RGBA, c color.RGBA) (n, sx, sy int) {
	b := img.Bounds()
	for y := b.Max.Y - 24; y < b.Max.Y; y++ {
		for x := b.Max.X - 120; x < b.Max.X; x++ {
			if img.RGBAAt(x, y) == c {
				n, sx, sy = n+1, sx+x, sy+y
			}
		}
	}
	return n, sx, sy
}

// waitIcon waits until the tray icon shows colour c, and notes where it is.
func (tr *tray) waitIcon(c color.RGBA, what string) {
	tr.t.Helper()
	testnet.WaitWithin(tr.t, 20*time.Second, "the "+what+" icon", func() bool {
		tr.lastScreenshot = screenshot(tr.t)
		n, sx, sy := tr.count(tr.lastScreenshot, c)
		if n >= 20 {
			tr.iconX, tr.iconY = sx/n, sy/n
			return true
		}
		return false
	})
}

// rows are the menu's items found on the screen: the middle of each line
// of text, from the top, separators left out.
type rows struct {
	left, x int // the menu's left edge, and where to click
	ys      []int
}

// menuRows finds a menu that appeared since before, in the screen's
// columns [minX, maxX): its bounding box is what changed, and its items are
// the bands of text in the left part of it (the right part may hold a
// tooltip), a separator being a line across it.
func menuRows(before, after *image.RGBA, minX, maxX int) (rows, bool) {
	b := after.Bounds()
	x0, y0, x1, y1 := b.Max.X, b.Max.Y, -1, -1
	for y := 0; y < b.Max.Y-24; y++ {
		row := y * after.Stride
		if bytes.Equal(before.Pix[row+minX*4:row+maxX*4], after.Pix[row+minX*4:row+maxX*4]) {
			continue
		}
		for x := minX; x < maxX; x++ {
			if before.RGBAAt(x, y) != after.RGBAAt(x, y) {
				x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
			}
		}
	}
	if x1-x0 < 60 || y1-y0 < 20 {
		return rows{}, false
	}
	dark := func(c color.RGBA) bool { return int(c.R)+int(c.G)+int(c.B) < 3*150 }
	left, right := x0+4, x0+(x1-x0)*3/10
	r := rows{left: x0, x: x0 + (x1-x0)/4}
	start := -1
	for y := y0 + 2; y <= y1-2+1; y++ {
		n := 0
		if y <= y1-2 {
			for x := left; x < right; x++ {
				if dark(after.RGBAAt(x, y)) {
					n++
				}
			}
		}
		text := n > 0 && n < (right-left)*8/10
		switch {
		case text && start < 0:
			start = y
		case !text && start >= 0:
			if y-start >= 4 { // a line of text, not a stray pixel
				r.ys = append(r.ys, (start+y-1)/2)
			}
			start = -1
		}
	}
	return r, true
}

// openMenu right-clicks the icon and returns the menu's items.
func (tr *tray) openMenu(items int) rows {
	tr.t.Helper()
	before := screenshot(tr.t)
	xdo(tr.t, "mousemove", strconv.Itoa(tr.iconX), strconv.Itoa(tr.iconY), "click", "3")
	if r, ok := tr.findMenu(before, 0, before.Bounds().Max.X, items, 6*time.Second); ok {
		return r
	}
	// Under load, Wine's desktop has been seen to drop a right-click on
	// the notification area (one menu in three runs of these tests): a
	// person clicks again.
	tr.t.Logf("no menu %v after a right-click on the icon: right-clicking again", 6*time.Second)
	xdo(tr.t, "mousemove", strconv.Itoa(tr.iconX), strconv.Itoa(tr.iconY), "click", "3")
	return tr.waitMenu(before, 0, before.Bounds().Max.X, items)
}

// waitMenu waits 10 seconds for a menu of that many items to appear between
// minX and maxX, and fails the test without one.
func (tr *tray) waitMenu(before *image.RGBA, minX, maxX, items int) rows {
	tr.t.Helper()
	r, ok := tr.findMenu(before, minX, maxX, items, 10*time.Second)
	if !ok {
		saveScreenshot(tr.t, tr.lastScreenshot, tr.t.Name()+"-menu")
		tr.t.Fatalf("no menu of %d items (found %v)", items, r.ys)
	}
	return r
}

// findMenu looks for a menu of that many items between minX and maxX for
// as long as within, in screenshots compared with before.
func (tr *tray) findMenu(before *image.RGBA, minX, maxX, items int, within time.Duration) (rows, bool) {
	tr.t.Helper()
	var r rows
	// Every 100 ms: a screenshot of the whole desktop costs.
	found := testnet.Poll(within, 100*time.Millisecond, func() bool {
		after := screenshot(tr.t)
		tr.lastScreenshot = after
		var ok bool
		r, ok = menuRows(before, after, minX, maxX)
		return ok && len(r.ys) == items
	})
	return r, found
}

// click clicks item i of the menu.
func (tr *tray) click(r rows, i int) {
	tr.t.Helper()
	xdo(tr.t, "mousemove", strconv.Itoa(r.x), strconv.Itoa(r.ys[i]), "click", "1")
}

// The tray's menu (app/menu.go) for an idle tray with no service
// installed, separators left out, as the test finds it on the screen.
var (
	mainMenu = []string{"(status)", "Start sharing", "Open in browser", "Listen port", "Target VNC server",
		"Record sessions", "Recordings…", "Keep recordings", "Allow other computers", "Share on my tailnet",
		"Share on the internet (Funnel)", "Run in background",
		"About vncbridge", "Quit"}
	// sharingMenu is mainMenu while sharing: Stop sharing, and the viewers.
	sharingMenu    = slices.Insert(slices.Replace(slices.Clone(mainMenu), 1, 2, "Stop sharing"), 3, "Viewers")
	backgroundMenu = []string{"Install as service", "Start at login", "Share when vncbridge starts"}
)

// menuIndex is where the item titled title is in menu, and how many items
// menu has.
func menuIndex(t *testing.T, menu []string, title string) (index, items int) {
	t.Helper()
	i := slices.Index(menu, title)
	if i < 0 {
		t.Fatalf("no item %q in the menu %q", title, menu)
	}
	return i, len(menu)
}

func (tr *tray) port() int { return tr.settings["port"].(int) }

func (tr *tray) sharing() bool {
	got, err := greetingThrough(tr.addr)
	return err == nil && got == rfbGreeting
}

func (tr *tray) refused() bool {
	c, err := net.DialTimeout("tcp", tr.addr, time.Second)
	if err == nil {
		c.Close()
	}
	return err != nil
}

// startTray starts vncbridge.exe on Wine's desktop (a virtual desktop with
// a taskbar), sharing a fake VNC server on a free port, and waits for its
// idle icon.
func startTray(t *testing.T) *tray {
	t.Helper()
	run(t, "reg", "add", `HKCU\Software\Wine\Explorer`, "/v", "Desktop", "/d", "shell", "/f")
	run(t, "reg", "add", `HKCU\Software\Wine\Explorer\Desktops`, "/v", "shell", "/d", "1024x768", "/f")
	t.Cleanup(func() { run(t, "reg", "delete", `HKCU\Software\Wine\Explorer`, "/v", "Desktop", "/f") })
	start(t, "explorer", "/desktop=shell,1024x768")

	config := t.TempDir()
	port := testnet.FreePort(t)
	settings := map[string]any{"port": port, "target": testnet.Greeter(t, rfbGreeting), "token": shareToken}
	b, _ := json.Marshal(settings)
	if err := os.WriteFile(filepath.Join(config, "settings.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	tr := &tray{t: t, config: config, addr: "127.0.0.1:" + strconv.Itoa(port), settings: settings,
		idleC: iconColour(t, "tray-idle-16.png"), shareC: iconColour(t, "tray-sharing-16.png")}
	if tr.idleC == tr.shareC {
		t.Fatal("the idle and sharing icons have one colour")
	}
	tr.proc = start(t, trayExe, "--config-dir", winPath(config))
	t.Cleanup(func() {
		if t.Failed() {
			saveScreenshot(t, tr.lastScreenshot, t.Name())
			log, _ := os.ReadFile(filepath.Join(config, "vncbridge.log"))
			t.Logf("vncbridge.log:\n%s", log)
		}
	})
	tr.waitIcon(tr.idleC, "idle")
	return tr
}

// TestTrayOnWinesDesktop clicks through the tray's menu on Wine's desktop:
// start and stop sharing 20 times, start at login on and off, Quit. Every
// action is checked where it shows (the port, the icon, the registry), and
// the settings must end as they began: no menu item acted by itself.
func TestTrayOnWinesDesktop(t *testing.T) {
	tr := startTray(t)
	config, port, settings := tr.config, tr.port(), tr.settings

	startStop, mainItems := menuIndex(t, mainMenu, "Start sharing")
	background, _ := menuIndex(t, mainMenu, "Run in background")
	login, subItems := menuIndex(t, backgroundMenu, "Start at login")
	quit, _ := menuIndex(t, mainMenu, "Quit")

	const sessions = 20
	began := time.Now()
	for i := range sessions {
		tr.click(tr.openMenu(mainItems), startStop)
		testnet.WaitWithin(t, 20*time.Second, fmt.Sprintf("session %d: the share", i), tr.sharing)
		tr.waitIcon(tr.shareC, "sharing (green)")
		stop, sharingItems := menuIndex(t, sharingMenu, "Stop sharing")
		tr.click(tr.openMenu(sharingItems), stop)
		testnet.WaitWithin(t, 20*time.Second, fmt.Sprintf("session %d: the share to stop", i), tr.refused)
		tr.waitIcon(tr.idleC, "idle")
	}
	t.Logf("%d sessions started and stopped from the menu in %v", sessions, time.Since(began).Round(time.Millisecond))

	for _, want := range []bool{true, false} {
		main := tr.openMenu(mainItems)
		tr.click(main, background)
		// The submenu opens on the left: the menu is at the screen's right edge.
		sub := tr.waitMenu(tr.lastScreenshot, 0, main.left, subItems)
		tr.click(sub, login)
		testnet.WaitWithin(t, 20*time.Second, fmt.Sprintf("the Run value there: %v", want), func() bool {
			_, ok := regQuery(t, runKey, "vncbridge")
			return ok == want
		})
	}

	var after map[string]any
	b, err := os.ReadFile(filepath.Join(config, "settings.json"))
	if err == nil {
		err = json.Unmarshal(b, &after)
	}
	if err != nil {
		t.Fatal(err)
	}
	if after["port"] != float64(port) || after["target"] != settings["target"] || after["allow_remote"] == true || after["record"] == true {
		t.Errorf("the settings changed without being asked: %s", b)
	}

	tr.click(tr.openMenu(mainItems), quit)
	if code := tr.proc.exitCode(t, 20*time.Second); code != 0 {
		t.Errorf("Quit: exit %d", code)
	}
}

// TestOneTrayPerUser starts vncbridge.exe a second time: it finds the first
// (a named mutex), asks it through a named pipe to open the page (which
// starts sharing), and exits, leaving one icon.
func TestOneTrayPerUser(t *testing.T) {
	tr := startTray(t)
	icon, _, _ := tr.count(tr.lastScreenshot, tr.idleC)
	second := start(t, trayExe, "--config-dir", winPath(tr.config))
	if code := second.exitCode(t, 20*time.Second); code != 0 || !strings.Contains(second.out(), "already running") {
		t.Fatalf("the second launch: exit %d, %q %q", code, second.out(), second.err())
	}
	testnet.WaitWithin(t, 20*time.Second, "the first tray to share", tr.sharing)
	tr.waitIcon(tr.shareC, "sharing (green)")
	if n, _, _ := tr.count(tr.lastScreenshot, tr.shareC); n > icon*3/2 {
		t.Errorf("%d green pixels in the notification area, %d in one icon: a second icon?", n, icon)
	}
	select {
	case <-tr.proc.done:
		t.Fatal("the first tray ended")
	default:
	}
}

// TestTrayStopsWhenWindowsAsks ends a sharing tray as Windows does: with
// taskkill (without /F: its windows are asked to close) and by ending the
// session (WM_QUERYENDSESSION, WM_ENDSESSION, as at logoff). The open
// session is closed with 1001 and the tray exits 0.
func TestTrayStopsWhenWindowsAsks(t *testing.T) {
	for name, ask := range map[string][]string{
		"taskkill":    {"taskkill", "/IM", "vncbridge.exe"},
		"end session": {"wineboot", "--end-session"},
	} {
		t.Run(name, func(t *testing.T) { trayStopsWhenAsked(t, ask) })
	}
}

func trayStopsWhenAsked(t *testing.T, ask []string) {
	tr := startTray(t)
	startStop, mainItems := menuIndex(t, mainMenu, "Start sharing")
	tr.click(tr.openMenu(mainItems), startStop)
	testnet.WaitWithin(t, 20*time.Second, "the share", tr.sharing)

	conn := openSession(t, tr.addr)
	defer conn.Close()
	if res := run(t, ask[0], ask[1:]...); res.code != 0 {
		t.Fatalf("%s: exit %d %s%s", ask[0], res.code, res.stdout, res.stderr)
	}
	h, err := ws.ReadHeader(conn)
	if err != nil {
		t.Fatalf("no close frame: %v", err)
	}
	payload := make([]byte, h.Length)
	io.ReadFull(conn, payload)
	if h.OpCode != ws.OpClose || len(payload) < 2 || int(payload[0])<<8|int(payload[1]) != 1001 {
		t.Fatalf("got %v % x, want a close frame with 1001", h.OpCode, payload)
	}
	wsutil.WriteClientMessage(conn, ws.OpClose, ws.NewCloseFrameBody(1001, ""))
	if code := tr.proc.exitCode(t, 20*time.Second); code != 0 {
		t.Errorf("exit %d after %s", code, ask[0])
	}
}

// openSession opens a WebSocket session through the tray and reads the
// target's greeting. Under Wine on a loaded machine a session's first bytes
// were once never delivered (1 run in 3 while the end-to-end tests ran
// beside it; not seen on Linux); a second session is tried then, and said.
func openSession(t *testing.T, addr string) net.Conn {
	t.Helper()
	var last error
	for try := 1; try <= 2; try++ {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		conn, _, _, err := ws.Dialer{Protocols: []string{"binary"}}.Dial(ctx, "ws://"+addr+"/websockify?token="+shareToken)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		data, _, err := wsutil.ReadServerData(conn)
		if err == nil && string(data) == rfbGreeting {
			conn.SetDeadline(time.Now().Add(20 * time.Second))
			return conn
		}
		conn.Close()
		last = fmt.Errorf("greeting %q, %v", data, err)
		t.Logf("session %d through the tray: %v", try, last)
	}
	t.Fatal(last)
	return nil
}
