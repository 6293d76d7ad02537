package e2e

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The viewer on a phone (zoom.js) and from the keyboard alone (F8 and Esc).

// view is how the page shows the remote desktop: the scale (page pixels per
// desktop pixel) and where the desktop's top-left corner is on the page.
type view struct {
	Scale, Left, Top float64
	ScrollLeft       float64 // how far noVNC's screen element is scrolled
}

func (b *browser) view() view {
	b.t.Helper()
	var v view
	b.eval(`(() => {
		const rfb = window.vncbridge.rfb, c = document.querySelector("#screen canvas");
		const r = c.getBoundingClientRect();
		return {Scale: rfb._display.scale, Left: r.left, Top: r.top, ScrollLeft: c.parentElement.scrollLeft};
	})()`, &v)
	return v
}

// desktopAt is the desktop point that the page point (x, y) shows.
func (v view) desktopAt(x, y float64) (float64, float64) {
	return (x - v.Left) / v.Scale, (y - v.Top) / v.Scale
}

// touch dispatches one touch event with the fingers (page points) down.
func (b *browser) touch(kind input.DispatchTouchEventType, fingers ...[2]float64) {
	b.t.Helper()
	points := []*input.TouchPoint{}
	for i, f := range fingers {
		id := float64(i + 1)
		points = append(points, &input.TouchPoint{X: f[0], Y: f[1], ID: &id})
	}
	b.run(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: kind, TouchPoints: points})
		return err
	}))
}

// twoFingers puts two fingers down at from and moves them, in steps, to to.
func (b *browser) twoFingers(from, to [2][2]float64) {
	b.t.Helper()
	b.touch(input.DispatchTouchEventTypeTouchStart, from[0], from[1])
	const steps = 8
	for i := 1; i <= steps; i++ {
		f := float64(i) / steps
		var at [2][2]float64
		for k := range at {
			for j := range 2 {
				at[k][j] = from[k][j] + (to[k][j]-from[k][j])*f
			}
		}
		b.touch(input.DispatchTouchEventTypeTouchMove, at[0], at[1])
	}
	b.touch(input.DispatchTouchEventTypeTouchEnd)
}

// tap touches the page point (x, y) with one finger and lifts it.
func (b *browser) tap(x, y float64) {
	b.t.Helper()
	b.touch(input.DispatchTouchEventTypeTouchStart, [2]float64{x, y})
	b.touch(input.DispatchTouchEventTypeTouchEnd)
}

// waitScale waits until the page's scale is one ok accepts and returns the
// view then.
func (b *browser) waitScale(what string, ok func(scale float64) bool) view {
	b.t.Helper()
	b.waitFor(what, `(() => { const r = window.vncbridge.rfb; return r && r._display.scale > 0; })()`, 5*time.Second)
	deadline := time.Now().Add(5 * time.Second)
	for {
		v := b.view()
		if ok(v.Scale) {
			return v
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("%s: the scale is %.3f", what, v.Scale)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func near(a, b, within float64) bool { return math.Abs(a-b) <= within }

// A 1280x800 desktop on a 390x844 phone: fitted at 0.3×, a pinch zooms in
// around the fingers, two fingers move the zoomed view, a tap then clicks
// the desktop pixel under the finger, a double-tap switches between the fit
// and 1:1 around the touched point, and the zoom survives a reload.
func TestViewerTouchZoom(t *testing.T) {
	art := newArtifacts(t)
	d := startDesktopSized(t, art, 1280, 800)
	// Text in the middle of the desktop, for the screenshots.
	showText(t, d, 480, 330, "On a phone in portrait this desktop\nfits at 0.3x: too small to read.\n\nPinch to zoom, drag with two fingers,\ndouble-tap for 1:1 and back.")
	addr := startProxy(t, d, art, nil)
	b := phoneBrowser(t, art)
	page := "http://" + addr + "/?password=" + vncPassword
	open := func() {
		b.run(chromedpNavigate(page))
		b.waitFor("the connected state", `document.body.dataset.state === "connected"`, 20*time.Second)
		b.waitFor("the desktop's picture", `window.vncbridge.rfb.getImageData().width === 1280`, 10*time.Second)
		b.waitPixel(windowX+30, windowY+30, windowRGB)
		b.waitPixel(484, 334, [3]int{0, 0, 0}) // the text's window
	}
	open()
	fit := b.waitScale("the fitted desktop", func(s float64) bool { return s > 0.25 && s < 0.35 })
	t.Logf("fitted at %.3f×", fit.Scale)
	b.screenshot("phone-fit.png")

	// A pinch: two fingers 60 px apart around the middle of the desktop
	// spread to 300 px.
	var box [4]float64
	b.eval(`(() => { const r = document.querySelector("#screen canvas").getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()`, &box)
	cx, cy := box[0]+box[2]/2, box[1]+box[3]/2
	wantX, wantY := fit.desktopAt(cx, cy)
	b.twoFingers([2][2]float64{{cx - 30, cy}, {cx + 30, cy}}, [2][2]float64{{cx - 150, cy}, {cx + 150, cy}})
	zoomed := b.waitScale("the zoom after the pinch", func(s float64) bool { return s > 3*fit.Scale })
	t.Logf("pinched to %.3f×", zoomed.Scale)
	if !near(zoomed.Scale, 5*fit.Scale, 0.2*fit.Scale) {
		t.Errorf("spreading the fingers five times as far apart zoomed from %.3f to %.3f", fit.Scale, zoomed.Scale)
	}
	if x, y := zoomed.desktopAt(cx, cy); !near(x, wantX, 2) || !near(y, wantY, 2) {
		t.Errorf("the pinch's centre showed desktop point (%.0f, %.0f); after it, (%.0f, %.0f)", wantX, wantY, x, y)
	}
	b.screenshot("phone-pinched.png")

	// Two fingers dragged 120 px to the left move the view 120 px right.
	b.twoFingers([2][2]float64{{cx + 20, cy - 40}, {cx + 20, cy + 40}}, [2][2]float64{{cx - 100, cy - 40}, {cx - 100, cy + 40}})
	panned := b.view()
	if !near(panned.ScrollLeft-zoomed.ScrollLeft, 120, 3) || panned.Scale != zoomed.Scale {
		t.Errorf("a two-finger drag of 120 px scrolled the view %.0f px (scale %.3f, was %.3f)", panned.ScrollLeft-zoomed.ScrollLeft, panned.Scale, zoomed.Scale)
	}

	// One finger is still the mouse: a tap clicks the desktop pixel under it.
	tx, ty := cx+50, cy+70
	px, py := panned.desktopAt(tx, ty)
	b.tap(tx, ty)
	waitUntil(t, 10*time.Second, fmt.Sprintf("the X pointer at (%.0f, %.0f)", px, py), func() bool {
		x, y := d.pointer(t)
		return near(float64(x), px, 1.5) && near(float64(y), py, 1.5)
	})

	// A double-tap (40 px away from that tap: not a double-tap with it) goes
	// back to the fit, another one to 1:1 around the touched point.
	b.tap(tx+40, ty)
	b.tap(tx+40, ty)
	b.waitScale("the fit after a double-tap", func(s float64) bool { return near(s, fit.Scale, 0.001) })
	before := b.view()
	dx, dy := before.desktopAt(cx+30, cy)
	b.tap(cx+30, cy)
	b.tap(cx+30, cy)
	one := b.waitScale("1:1 after a double-tap", func(s float64) bool { return s == 1 })
	if x, _ := one.desktopAt(cx+30, cy); !near(x, dx, 2) {
		t.Errorf("the double-tap touched desktop x %.0f; at 1:1 the point shows x %.0f", dx, x)
	}
	// Vertically the view moves as far as the 800 desktop pixels allow.
	var room [2]float64
	b.eval(`(() => { const s = document.querySelector("#screen canvas").parentElement; return [s.scrollTop, s.scrollHeight - s.clientHeight]; })()`, &room)
	if _, y := one.desktopAt(cx+30, cy); !near(y, dy, 2) && !(y < dy && near(room[0], room[1], 1)) && !(y > dy && room[0] == 0) {
		t.Errorf("the double-tap touched desktop y %.0f; at 1:1 the point shows y %.0f (scrolled %v)", dy, y, room)
	}
	b.screenshot("phone-1to1.png")

	// The zoom is remembered for this address.
	open()
	b.waitScale("1:1 after a reload", func(s float64) bool { return s == 1 })
}

// xevLog starts xev on the desktop with the keyboard focus and returns
// whether it saw an event of kind (KeyPress, KeyRelease) for keysym.
func xevLog(t *testing.T, d *desktop, art *artifacts) func(kind, keysym string) bool {
	t.Helper()
	requireTools(t, "xev", "stdbuf")
	events := art.file("xev.txt")
	xev := d.command("stdbuf", "-oL", "xev", "-geometry", "200x100+400+300", "-event", "keyboard")
	xev.Stdout = events
	if err := xev.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { xev.Process.Kill(); xev.Wait() })
	waitUntil(t, 10*time.Second, "xev's window to take the focus", func() bool {
		cmd := exec.Command("xdotool", "search", "--name", "Event Tester", "windowfocus", "--sync")
		cmd.Env = xev.Env
		return cmd.Run() == nil
	})
	return func(kind, keysym string) bool {
		got, _ := os.ReadFile(events.Name())
		for _, blk := range strings.Split(string(got), "\n\n") {
			if strings.HasPrefix(blk, kind+" event") && strings.Contains(blk, ", "+keysym+"),") {
				return true
			}
		}
		return false
	}
}

// F8 moves the keyboard from the desktop to the toolbar and back, Esc in
// the toolbar goes back too; the desktop sees neither key. The Keys strip
// still sends an F8.
func TestViewerToolbarFromTheKeyboard(t *testing.T) {
	art := newArtifacts(t)
	d := startDesktop(t, art)
	addr := startProxy(t, d, art, nil)
	seen := xevLog(t, d, art)
	b := newBrowser(t, art)
	connectAndCheckPicture(t, b, "http://"+addr+"/?password="+vncPassword)
	b.waitFor("the keyboard on the canvas", `document.activeElement.tagName === "CANVAS"`, 5*time.Second)
	const inBar = `document.activeElement.closest("#bar") !== null && document.activeElement.tagName === "BUTTON"`

	b.run(chromedpKeys(kb.F8))
	b.waitFor("the focus in the toolbar after F8", inBar, 5*time.Second)
	var focused string
	b.eval(`document.activeElement.id`, &focused)
	t.Logf("F8 focused #%s", focused)
	b.run(chromedpKeys("\t"))
	b.waitFor("Tab moving along the toolbar", inBar+` && document.activeElement.id !== `+fmt.Sprintf("%q", focused), 5*time.Second)
	b.run(chromedpKeys(kb.Escape))
	b.waitFor("the focus back on the desktop after Esc", `document.activeElement.tagName === "CANVAS"`, 5*time.Second)
	b.run(chromedpKeys(kb.F8))
	b.waitFor("the focus in the toolbar after F8", inBar, 5*time.Second)
	b.run(chromedpKeys(kb.F8))
	b.waitFor("the focus back on the desktop after a second F8", `document.activeElement.tagName === "CANVAS"`, 5*time.Second)

	// A key typed now reaches xev: what came before it did too, if it went.
	b.run(chromedpKeys("q"))
	waitUntil(t, 10*time.Second, "q in xev", func() bool { return seen("KeyRelease", "q") })
	for _, key := range []string{"F8", "Escape", "Tab"} {
		if seen("KeyPress", key) || seen("KeyRelease", key) {
			t.Errorf("%s reached the desktop", key)
		}
	}

	// On a narrow screen F8 opens the folded menu.
	b.run(chromedp.EmulateViewport(390, 844))
	b.waitFor("the folded menu", `getComputedStyle(document.getElementById("tools")).display === "none"`, 5*time.Second)
	b.run(chromedpKeys(kb.F8))
	b.waitFor("the focus in the opened menu", inBar+` && document.activeElement.closest("#tools") !== null`, 5*time.Second)
	b.run(chromedpKeys(kb.Escape))
	b.waitFor("the menu closed, the desktop focused", `document.activeElement.tagName === "CANVAS" && getComputedStyle(document.getElementById("tools")).display === "none"`, 5*time.Second)

	b.clickID("keys-button")
	b.clickID("key-f8")
	waitUntil(t, 10*time.Second, "the Keys strip's F8 in xev", func() bool { return seen("KeyPress", "F8") && seen("KeyRelease", "F8") })
}
