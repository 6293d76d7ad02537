package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// browser is a headless Chromium driven through the DevTools protocol.
type browser struct {
	t   testing.TB
	ctx context.Context
	art *artifacts
}

// testHook is the test-only switch of the pages (web/page.js,
// exposeForTests): defined before a page's scripts run, it receives the
// page's live objects, which it puts on window for the tests to read:
// window.vncbridge (the viewer: rfb, ready, awake, connect, disconnect) and
// window.recordings (the recordings page: player).
const testHook = `window.vncbridgeTestHook = (name, objects) => { window[name] = objects; };`

// newBrowser starts Chromium with a fresh profile, with the pages' test
// hook in every document it opens. Its console goes to the artifacts; a
// failing test also leaves a screenshot there.
func newBrowser(t testing.TB, art *artifacts) *browser {
	t.Helper()
	b := newPlainBrowser(t, art)
	b.run(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: testHook})
		return err
	}))
	return b
}

// newPlainBrowser is newBrowser without the test hook: the pages as a
// person's browser shows them.
func newPlainBrowser(t testing.TB, art *artifacts) *browser {
	t.Helper()
	requireTools(t, "chromium")
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath("chromium"),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1000, 700),
		chromedp.Flag("ignore-certificate-errors", true), // the tests' own self-signed certificates
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	console := art.file("console.log")
	ctx, cancel := chromedp.NewContext(allocCtx, chromedp.WithListener(func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			var parts []string
			for _, a := range ev.Args {
				parts = append(parts, string(a.Value))
			}
			fmt.Fprintf(console, "%s %s\n", ev.Type, strings.Join(parts, " "))
		case *runtime.EventExceptionThrown:
			fmt.Fprintf(console, "exception %s %+v\n", ev.ExceptionDetails.Text, ev.ExceptionDetails.Exception)
		}
	}))
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		cancelAlloc()
		t.Fatalf("starting chromium: %v", err)
	}
	b := &browser{t: t, ctx: ctx, art: art}
	t.Cleanup(func() {
		if t.Failed() {
			b.screenshot("failure.png")
		}
		cancel()
		cancelAlloc()
	})
	return b
}

func (b *browser) run(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// eval runs a JavaScript expression and decodes its value into out.
func (b *browser) eval(expr string, out any) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[json.RawMessage](expr))
	if err != nil {
		b.t.Fatalf("%s: %v", expr, err)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			b.t.Fatalf("%s: %v (%s)", expr, err, raw)
		}
	}
}

// waitFor evaluates expr until it is true.
func (b *browser) waitFor(what, expr string, within time.Duration) {
	b.t.Helper()
	deadline := time.Now().Add(within)
	for {
		var ok bool
		b.eval("Boolean("+expr+")", &ok)
		if ok {
			return
		}
		if time.Now().After(deadline) {
			var state string
			b.eval(`document.body ? (document.body.dataset.state || "") + " / " + document.getElementById("status")?.textContent : "no body"`, &state)
			b.t.Fatalf("timed out waiting for %s (page state: %s)", what, state)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (b *browser) screenshot(name string) {
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		os.WriteFile(filepath.Join(b.art.dir, name), png, 0o644)
	}
}

// pixel is what the viewer shows at a point of the remote screen.
func (b *browser) pixel(x, y int) [3]int {
	b.t.Helper()
	return b.pixelOf("window.vncbridge.rfb", x, y)
}

// pixelOf is what the RFB client the expression rfb names shows at a point
// of the remote screen.
func (b *browser) pixelOf(rfb string, x, y int) [3]int {
	b.t.Helper()
	var rgb [3]int
	b.eval(fmt.Sprintf(`(() => {
		const d = %s.getImageData();
		const i = (%d * d.width + %d) * 4;
		return [d.data[i], d.data[i+1], d.data[i+2]];
	})()`, rfb, y, x), &rgb)
	return rgb
}

// waitPixel waits until the viewer shows colour want at (x, y).
func (b *browser) waitPixel(x, y int, want [3]int) {
	b.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		got := b.pixel(x, y)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("pixel (%d, %d) is %v, want %v", x, y, got, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// moveMouse moves the browser's mouse to (x, y) of the remote screen, shown
// unscaled in the canvas.
func (b *browser) moveMouse(x, y int) {
	b.t.Helper()
	px, py := b.onCanvas(x, y)
	b.run(chromedp.MouseEvent(chromedp.MouseMoved, px, py))
}

// click clicks at (x, y) of the remote screen, which also gives the canvas
// the keyboard.
func (b *browser) click(x, y int) {
	b.t.Helper()
	px, py := b.onCanvas(x, y)
	b.run(chromedp.MouseClickXY(px, py))
}

// onCanvas turns a point of the remote screen into one of the page.
func (b *browser) onCanvas(x, y int) (float64, float64) {
	b.t.Helper()
	var origin [2]float64
	b.eval(`(() => { const r = document.querySelector("#screen canvas").getBoundingClientRect(); return [r.left, r.top]; })()`, &origin)
	return origin[0] + float64(x) + 0.5, origin[1] + float64(y) + 0.5
}

func chromedpNavigate(url string) chromedp.Action[chromedp.Void] { return chromedp.Navigate(url) }

// chromedpKeys types text into whatever has the page's focus.
func chromedpKeys(text string) chromedp.Action[chromedp.Void] { return chromedp.KeyEvent(text) }
