package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"vncbridge/assets"
	"vncbridge/internal/testnet"
	"vncbridge/proxy"
)

// The viewer page's own features (assets/web): what it says when a
// connection fails, the password dialog, the clipboard, the extra keys, the
// phone layout, panning, reconnecting and remembered settings, each checked
// in headless Chromium against a real Xvnc.

// serveProxy runs a proxy with cfg (its web pages and log filled in) on ln.
func serveProxy(t testing.TB, art *artifacts, ln net.Listener, cfg proxy.Config, logName string) *proxy.Server {
	t.Helper()
	if !assets.HasNoVNC() {
		if os.Getenv("CI") != "" {
			t.Fatal("the noVNC library is not embedded: make build runs make assets first")
		}
		t.Skip("built without make assets: no noVNC library to show the desktop (CI fails here instead)")
	}
	cfg.Web = assets.Web()
	cfg.Logger = slog.New(slog.NewTextHandler(art.file(logName), &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := proxy.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Shutdown(context.Background()) })
	return srv
}

// deadTarget is a loopback address where nothing listens (a port that was
// free a moment ago).
func deadTarget(t testing.TB) string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(freePort(t)))
}

func listenLoopback(t testing.TB) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// viewerMessage is what the page's failure message says.
type viewerMessage struct {
	Title, Hint, Log, Details, Countdown string
	Shown                                bool
}

func (b *browser) message() viewerMessage {
	b.t.Helper()
	var m viewerMessage
	b.eval(`(() => {
		const text = (id) => { const e = document.getElementById(id); return e.hidden ? "" : e.textContent; };
		return {Title: text("message-title"), Hint: text("message-hint"), Log: text("message-log"),
			Details: text("message-details"), Countdown: text("message-countdown"),
			Shown: !document.getElementById("message").hidden};
	})()`, &m)
	return m
}

// waitMessage waits until the page's message has title.
func (b *browser) waitMessage(title string) viewerMessage {
	b.t.Helper()
	js, _ := json.Marshal(title)
	b.waitFor("the message "+string(js), `!document.getElementById("message").hidden && document.getElementById("message-title").textContent === `+string(js), 20*time.Second)
	return b.message()
}

// clickID clicks the element with id as a person would, through the mouse;
// on a narrow screen it first opens the menu the tools fold into.
func (b *browser) clickID(id string) {
	b.t.Helper()
	var folded bool
	b.eval(fmt.Sprintf(`(() => { const e = document.getElementById(%q); return !!e.closest("#tools") && e.getBoundingClientRect().width === 0; })()`, id), &folded)
	if folded {
		b.clickID("menu-button")
	}
	x, y := b.centreOf(id)
	b.run(chromedp.MouseClickXY(x, y))
}

// tapID taps the element with id with a finger (touch emulation on).
func (b *browser) tapID(id string) {
	b.t.Helper()
	x, y := b.centreOf(id)
	b.run(chromedp.TapXY(x, y))
}

// centreOf is where the element with id has its centre in the page.
func (b *browser) centreOf(id string) (x, y float64) {
	b.t.Helper()
	var c [2]float64
	b.eval(fmt.Sprintf(`(() => { const r = document.getElementById(%q).getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()`, id), &c)
	return c[0], c[1]
}

func mustSay(t testing.TB, what, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s: %q does not say %q", what, got, w)
		}
	}
}

const logWhere = "vncbridge.log in the settings folder, or the terminal running vncbridge proxy"

func TestViewerFailureTexts(t *testing.T) {
	art := newArtifacts(t)
	b := newBrowser(t, art)

	t.Run("no VNC server", func(t *testing.T) {
		b.t = t
		target := deadTarget(t)
		ln := listenLoopback(t)
		serveProxy(t, art, ln, proxy.Config{Target: target}, "no-server.log")
		b.run(chromedpNavigate("http://" + ln.Addr().String() + "/"))
		m := b.waitMessage("No VNC server answers at " + target)
		mustSay(t, "the hint", m.Hint, "Is a VNC server running on "+target+"?", "Target VNC server menu")
		mustSay(t, "the log line", m.Log, logWhere)
		mustSay(t, "the details", m.Details, "1011", "connection refused")
		// Reconnecting is on by default: a countdown, which Cancel stops.
		b.waitFor("the reconnect countdown", `/Reconnecting in \d+ s/.test(document.getElementById("message-countdown").textContent) && !document.getElementById("message-countdown").hidden`, 10*time.Second)
		b.clickID("cancel-reconnect")
		b.waitFor("the countdown to stop", `document.getElementById("message-countdown").hidden && document.body.dataset.state === "failed"`, 5*time.Second)
		b.screenshot("no-server.png")
	})

	t.Run("backoff", func(t *testing.T) {
		b.t = t
		target := deadTarget(t)
		ln := listenLoopback(t)
		serveProxy(t, art, ln, proxy.Config{Target: target}, "backoff.log")
		// Each failed attempt doubles the wait: 1 s, 2 s, 4 s.
		b.run(chromedpNavigate("http://" + ln.Addr().String() + "/?reconnect_delay=1000"))
		for _, s := range []string{"1", "2", "4"} {
			b.waitFor("a wait of "+s+" s", `document.getElementById("message-countdown").textContent === "Reconnecting in `+s+` s…"`, 10*time.Second)
		}
		b.clickID("cancel-reconnect")
	})

	t.Run("unknown host", func(t *testing.T) {
		b.t = t
		ln := listenLoopback(t)
		serveProxy(t, art, ln, proxy.Config{Target: "no-such-host.invalid:5900"}, "unknown-host.log")
		b.run(chromedpNavigate("http://" + ln.Addr().String() + "/"))
		m := b.waitMessage("Unknown host: no-such-host.invalid")
		mustSay(t, "the hint", m.Hint, "cannot be found", "Target VNC server menu")
		mustSay(t, "the log line", m.Log, logWhere)
	})

	t.Run("the server closes", func(t *testing.T) {
		b.t = t
		rude := newTarget(t, func(c net.Conn) { c.Close() })
		ln := listenLoopback(t)
		serveProxy(t, art, ln, proxy.Config{Target: rude}, "server-closes.log")
		b.run(chromedpNavigate("http://" + ln.Addr().String() + "/"))
		m := b.waitMessage("The VNC server closed the connection")
		mustSay(t, "the details", m.Details, "1000", "Target closed")
	})

	t.Run("no proxy", func(t *testing.T) {
		b.t = t
		d := startDesktop(t, art)
		ln := listenLoopback(t)
		// The page may follow ?port= elsewhere only with this option.
		serveProxy(t, art, ln, proxy.Config{Target: d.rfbAddr, WebConnectElsewhere: true}, "no-proxy.log")
		gone := listenLoopback(t)
		port := gone.Addr().(*net.TCPAddr).Port
		gone.Close()
		b.run(chromedpNavigate(fmt.Sprintf("http://%s/?port=%d", ln.Addr(), port)))
		m := b.waitMessage("Cannot reach the proxy")
		mustSay(t, "the hint", m.Hint, fmt.Sprintf("ws://127.0.0.1:%d/websockify", port))
	})

	// Refusals before the session: the proxy accepts the WebSocket and
	// closes it at once with 4000 + the HTTP status, since a browser cannot
	// read an HTTP error.
	for _, tc := range []struct {
		name, query, title string
	}{
		{"missing token", "", "This address needs a token"},
		{"unknown token", "?token=nobody-knows-this", "Unknown or expired token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b.t = t
			ln := listenLoopback(t)
			serveProxy(t, art, ln, proxy.Config{Tokens: fixedTokens{"known": "127.0.0.1:1"}}, "tokens.log")
			b.run(chromedpNavigate("http://" + ln.Addr().String() + "/" + tc.query))
			m := b.waitMessage(tc.title)
			mustSay(t, "the log line", m.Log, logWhere)
			if m.Countdown != "" {
				t.Errorf("the page retries a refusal that cannot change: %q", m.Countdown)
			}
		})
	}

	// A page of another origin (another port): the proxy refuses it.
	t.Run("origin refused", func(t *testing.T) {
		b.t = t
		pages := listenLoopback(t)
		serveProxy(t, art, pages, proxy.Config{Target: "127.0.0.1:1", WebConnectElsewhere: true}, "pages.log")
		other := listenLoopback(t)
		serveProxy(t, art, other, proxy.Config{Target: "127.0.0.1:1"}, "other.log")
		b.run(chromedpNavigate(fmt.Sprintf("http://%s/?port=%d", pages.Addr(), other.Addr().(*net.TCPAddr).Port)))
		m := b.waitMessage("The proxy refused this page")
		mustSay(t, "the hint", m.Hint, "Open the page at the proxy's address")
	})
}

// fixedTokens is a fixed token table.
type fixedTokens map[string]string

func (m fixedTokens) LookupTarget(_ context.Context, token string) (proxy.Target, error) {
	if a, ok := m[token]; ok {
		return proxy.Target{Network: "tcp", Address: a}, nil
	}
	return proxy.Target{}, proxy.ErrUnknownToken
}

func TestViewerPassword(t *testing.T) {
	art := newArtifacts(t)
	d := startDesktop(t, art)
	addr := startProxy(t, d, art, nil)
	b := newBrowser(t, art)
	b.run(chromedpNavigate("http://" + addr + "/?resize=off"))

	// The dialog asks for a password only; Enter sends it.
	b.waitFor("the password dialog", `document.getElementById("password-dialog").open && document.activeElement.id === "password"`, 20*time.Second)
	var userShown bool
	b.eval(`document.getElementById("username").getBoundingClientRect().height > 0`, &userShown)
	if userShown {
		t.Error("the user name field shows for a server that asks for a password only")
	}
	b.run(chromedpKeys("not-the-password\r"))

	// A wrong password says so and asks again.
	b.waitFor("the dialog again, saying the password was wrong",
		`document.getElementById("password-dialog").open && !document.getElementById("password-again").hidden && document.activeElement.id === "password"`, 20*time.Second)
	var again string
	b.eval(`document.getElementById("password-again").textContent`, &again)
	if !strings.HasPrefix(again, "Wrong password. Try again.") {
		t.Errorf("the dialog says %q", again)
	}
	b.run(chromedpKeys(vncPassword + "\r"))
	b.waitFor("the connected state", `document.body.dataset.state === "connected"`, 20*time.Second)
	b.waitPixel(windowX+30, windowY+30, windowRGB)
	var title string
	b.eval(`document.title`, &title)
	if !strings.HasPrefix(title, "vncbridge-e2e") {
		t.Errorf("the page's title is %q, want the desktop's name first", title)
	}
}

// xclip runs xclip on the desktop's display.
func (d *desktop) xclip(args ...string) *exec.Cmd {
	return d.command("xclip", append([]string{"-selection", "clipboard"}, args...)...)
}

func TestViewerClipboard(t *testing.T) {
	requireTools(t, "xclip")
	art := newArtifacts(t)
	d := startDesktop(t, art)
	addr := startProxy(t, d, art, nil)
	b := newBrowser(t, art)
	// This browser lets the page use its clipboard, as a person may allow.
	b.run(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		for _, name := range []string{"clipboard-read", "clipboard-write"} {
			if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
				Permission: &cdpbrowser.PermissionDescriptor{Name: name},
				Setting:    cdpbrowser.PermissionSettingGranted,
				Origin:     "http://" + addr,
			}); err != nil {
				return err
			}
		}
		return nil
	}))
	connectAndCheckPicture(t, b, "http://"+addr+"/?password="+vncPassword+"&resize=off")
	b.click(10, 10) // the person works in the page: it has the focus

	// Remote to browser: text copied on the desktop shows in the panel, and
	// goes to the browser's clipboard.
	const fromRemote = "copied on the remote desktop"
	owner := d.xclip("-quiet", "-i")
	owner.Stdin = strings.NewReader(fromRemote)
	if err := owner.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { owner.Process.Kill(); owner.Wait() })
	b.waitFor("the remote clipboard in the panel", `document.getElementById("clipboard-text").value === "`+fromRemote+`"`, 15*time.Second)
	var system string
	b.run(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		var err error
		system, err = chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise)(ctx, tg)
		return err
	}))
	if system != fromRemote {
		t.Errorf("the browser's clipboard holds %q, want the remote %q", system, fromRemote)
	}

	// Browser to remote: the panel's Send puts its text on the desktop's clipboard.
	const fromBrowser = "sent from the browser panel"
	b.clickID("clipboard")
	b.waitFor("the clipboard panel", `document.getElementById("clipboard-dialog").open`, 5*time.Second)
	b.eval(`document.getElementById("clipboard-text").value = "`+fromBrowser+`", true`, nil)
	b.clickID("clipboard-send")
	waitUntil(t, 15*time.Second, "the desktop's clipboard to hold the panel's text", func() bool {
		out, _ := d.xclip("-o").Output()
		return string(out) == fromBrowser
	})

	// Browser to remote without the panel: where the browser lets the page
	// read its clipboard, new text there goes to the desktop when the
	// desktop takes the keyboard.
	const copied = "copied in another browser tab"
	b.run(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Evaluate[any](`navigator.clipboard.writeText("`+copied+`")`, chromedp.EvalAwaitPromise)(ctx, tg)
		return err
	}))
	b.eval(`document.activeElement.blur(), true`, nil)
	b.click(10, 10)
	waitUntil(t, 15*time.Second, "the desktop's clipboard to hold the browser's", func() bool {
		out, _ := d.xclip("-o").Output()
		return string(out) == copied
	})
}

func TestViewerExtraKeys(t *testing.T) {
	requireTools(t, "xev", "stdbuf")
	art := newArtifacts(t)
	d := startDesktop(t, art)
	addr := startProxy(t, d, art, nil)

	// xev, an X client that prints every key event it receives, has the focus.
	events := art.file("xev.txt")
	xev := d.command("stdbuf", "-oL", "xev", "-geometry", "200x100+400+300", "-event", "keyboard")
	xev.Stdout = events
	if err := xev.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { xev.Process.Kill(); xev.Wait() })
	focus := func() bool {
		cmd := exec.Command("xdotool", "search", "--name", "Event Tester", "windowfocus", "--sync")
		cmd.Env = xev.Env
		return cmd.Run() == nil
	}
	waitUntil(t, 10*time.Second, "xev's window to take the focus", focus)

	b := newBrowser(t, art)
	connectAndCheckPicture(t, b, "http://"+addr+"/?password="+vncPassword+"&resize=off")
	b.clickID("keys-button")
	b.waitFor("the keys", `!document.getElementById("keys").hidden`, 5*time.Second)

	seen := func(kind, keysym string) func() bool {
		return func() bool {
			got, _ := os.ReadFile(events.Name())
			blocks := strings.Split(string(got), "\n\n")
			for _, blk := range blocks {
				if strings.HasPrefix(blk, kind+" event") && strings.Contains(blk, ", "+keysym+"),") {
					return true
				}
			}
			return false
		}
	}
	for _, k := range []struct{ id, keysym string }{
		{"key-tab", "Tab"}, {"key-esc", "Escape"},
	} {
		b.clickID(k.id)
		waitUntil(t, 10*time.Second, k.keysym+" pressed and released in xev", func() bool {
			return seen("KeyPress", k.keysym)() && seen("KeyRelease", k.keysym)()
		})
	}
	for _, k := range []struct{ id, keysym string }{
		{"key-ctrl", "Control_L"}, {"key-alt", "Alt_L"}, {"key-super", "Super_L"},
	} {
		b.clickID(k.id) // held down
		waitUntil(t, 10*time.Second, k.keysym+" held in xev", seen("KeyPress", k.keysym))
		var pressed string
		b.eval(fmt.Sprintf(`document.getElementById(%q).getAttribute("aria-pressed")`, k.id), &pressed)
		if pressed != "true" {
			t.Errorf("%s shows aria-pressed=%s while held", k.id, pressed)
		}
		if seen("KeyRelease", k.keysym)() {
			t.Errorf("%s was released before its second press", k.keysym)
		}
		b.clickID(k.id) // released
		waitUntil(t, 10*time.Second, k.keysym+" released in xev", seen("KeyRelease", k.keysym))
	}
	b.clickID("key-cad")
	waitUntil(t, 10*time.Second, "Ctrl+Alt+Del in xev", seen("KeyPress", "Delete"))
	got, _ := os.ReadFile(events.Name())
	for _, blk := range strings.Split(string(got), "\n\n") {
		if strings.HasPrefix(blk, "KeyPress event") && strings.Contains(blk, ", Delete),") {
			// state 0xc: Control (0x4) and Mod1, Alt (0x8), held with it.
			if !strings.Contains(blk, "state 0xc,") {
				t.Errorf("Delete arrived without Ctrl and Alt held:\n%s", blk)
			}
		}
	}
}

// phoneBrowser is a browser the size of a phone (390x844, touch).
func phoneBrowser(t testing.TB, art *artifacts) *browser {
	b := newBrowser(t, art)
	b.run(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait, chromedp.EmulateScale(2)))
	return b
}

// offScreen lists the visible buttons not wholly inside the viewport.
func (b *browser) offScreen() []string {
	b.t.Helper()
	var out []string
	b.eval(`(() => {
		const out = [];
		for (const e of document.querySelectorAll("button")) {
			const r = e.getBoundingClientRect();
			if (r.width === 0 || r.height === 0 || e.closest("dialog:not([open])")) continue;
			if (r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight) out.push(e.id + " " + JSON.stringify([r.left, r.top, r.right, r.bottom]));
		}
		if (document.documentElement.scrollWidth > innerWidth) out.push("page wider than the screen: " + document.documentElement.scrollWidth);
		return out;
	})()`, &out)
	return out
}

func TestViewerPhone(t *testing.T) {
	art := newArtifacts(t)
	d := startDesktop(t, art)
	addr := startProxy(t, d, art, nil)
	b := phoneBrowser(t, art)
	connectAndCheckPicture(t, b, "http://"+addr+"/?password="+vncPassword)
	var width int
	b.eval(`innerWidth`, &width)
	if width != 390 {
		t.Fatalf("the viewport is %d px wide, want 390", width)
	}
	var visible int
	b.eval(`[...document.querySelectorAll("#bar button")].filter(e => e.getBoundingClientRect().width > 0).length`, &visible)
	if visible < 2 {
		t.Fatalf("%d buttons show on the phone's toolbar, want the keyboard and the menu", visible)
	}
	if off := b.offScreen(); len(off) > 0 {
		t.Errorf("off the phone's screen: %v", off)
	}
	// The tools fold into a menu; every one of them is on screen when it opens.
	b.tapID("menu-button")
	b.waitFor("the menu", `getComputedStyle(document.getElementById("tools")).display !== "none"`, 5*time.Second)
	var tools []string
	b.eval(`[...document.querySelectorAll("#tools button")].filter(e => e.getBoundingClientRect().width > 0).map(e => e.id)`, &tools)
	for _, want := range []string{"disconnect", "keys-button", "clipboard", "settings", "fullscreen"} {
		if !strings.Contains(strings.Join(tools, " "), want) {
			t.Errorf("the menu lacks %s: %v", want, tools)
		}
	}
	if off := b.offScreen(); len(off) > 0 {
		t.Errorf("off the phone's screen with the menu open: %v", off)
	}
	b.screenshot("phone-menu.png")
	b.tapID("keys-button")
	b.waitFor("the keys", `!document.getElementById("keys").hidden`, 5*time.Second)
	if off := b.offScreen(); len(off) > 0 {
		t.Errorf("off the phone's screen with the keys shown: %v", off)
	}

	// The settings panel fits the phone too.
	b.clickID("settings")
	b.waitFor("the settings panel", `document.getElementById("settings-dialog").open`, 5*time.Second)
	var outside []string
	b.eval(`[...document.querySelectorAll("#settings-dialog input, #settings-dialog select, #settings-dialog button")].filter(e => {
		const r = e.getBoundingClientRect();
		return r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight;
	}).map(e => e.id)`, &outside)
	if len(outside) > 0 {
		t.Errorf("settings off the phone's screen: %v", outside)
	}
	b.screenshot("phone-settings.png")
	b.clickID("settings-close")
	b.waitFor("the settings panel closed", `!document.getElementById("settings-dialog").open`, 5*time.Second)

	// The keyboard button raises the on-screen keyboard: what it types
	// reaches the desktop.
	b.tapID("keyboard")
	b.waitFor("the typing area's focus", `document.activeElement.id === "typing"`, 5*time.Second)
	const line = "typed on a phone"
	b.run(chromedpKeys(line + "\r"))
	waitUntil(t, 10*time.Second, "the text typed on the phone in the X client", func() bool {
		got, _ := os.ReadFile(d.typed)
		return strings.Contains(string(got), line+"\n")
	})

	// A 360 px screen in German, whose words are the longest: still all on screen.
	b.run(chromedp.EmulateViewport(360, 640, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	b.run(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: "Mozilla/5.0 (Linux; Android 14) vncbridge-e2e", AcceptLanguage: "de-DE,de"})
		return err
	}))
	b.run(chromedpNavigate("http://" + addr + "/?password=" + vncPassword))
	b.waitFor("the connected state", `document.body.dataset.state === "connected"`, 20*time.Second)
	for _, open := range []string{"", "menu-button", "keys-button"} {
		if open != "" {
			b.tapID(open)
			time.Sleep(100 * time.Millisecond)
		}
		if off := b.offScreen(); len(off) > 0 {
			t.Errorf("off a 360 px screen in German (%s open): %v", open, off)
		}
	}
	b.screenshot("phone-360-de.png")
}

func TestViewerPan(t *testing.T) {
	art := newArtifacts(t)
	d := startDesktop(t, art)
	addr := startProxy(t, d, art, nil)
	b := newBrowser(t, art)
	b.run(chromedp.EmulateViewport(400, 320))
	connectAndCheckPicture(t, b, "http://"+addr+"/?password="+vncPassword+"&resize=off")
	b.waitFor("the drag button", `!document.getElementById("pan").hidden`, 5*time.Second)
	b.clickID("pan")
	var start [2]int
	viewport := `(() => { const l = window.vncbridge.rfb._display._viewportLoc; return [l.x, l.y]; })()`
	b.eval(viewport, &start)
	from, to := [2]float64{300, 250}, [2]float64{100, 120}
	leftHeld := func(p *input.DispatchMouseEventParams) { p.Buttons = 1 }
	b.run(chromedp.MouseEvent(chromedp.MousePressed, from[0], from[1], chromedp.ButtonLeft, leftHeld, chromedp.ClickCount(1)))
	for i := 1; i <= 10; i++ {
		f := float64(i) / 10
		b.run(chromedp.MouseEvent(chromedp.MouseMoved, from[0]+(to[0]-from[0])*f, from[1]+(to[1]-from[1])*f, chromedp.ButtonLeft, leftHeld))
	}
	b.run(chromedp.MouseEvent(chromedp.MouseReleased, to[0], to[1], chromedp.ButtonLeft, chromedp.ClickCount(1)))
	// The drag moved the view, and clicked nothing on the desktop.
	if x, y := d.pointer(t); abs(x-int(to[0])) <= 1 && abs(y-int(to[1])) <= 1 {
		t.Errorf("the drag moved the X pointer to (%d, %d)", x, y)
	}
	var moved [2]int
	b.eval(viewport, &moved)
	if moved[0] <= start[0] || moved[1] <= start[1] {
		t.Fatalf("dragging from %v to %v moved the view from %v to %v", from, to, start, moved)
	}
}

func TestViewerReconnectsAfterTheProxyRestarts(t *testing.T) {
	art := newArtifacts(t)
	d := startDesktop(t, art)
	ln := listenLoopback(t)
	addr := ln.Addr().String()
	first := serveProxy(t, art, ln, proxy.Config{Target: d.rfbAddr}, "first.log")
	b := newBrowser(t, art)
	connectAndCheckPicture(t, b, "http://"+addr+"/?password="+vncPassword+"&resize=off&reconnect_delay=500")

	// The tray restarts its proxy when a setting changes.
	first.Shutdown(context.Background())
	b.waitMessage("The proxy stopped or restarted")
	b.waitFor("the reconnect countdown", `!document.getElementById("message-countdown").hidden`, 10*time.Second)
	ln2, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	second := serveProxy(t, art, ln2, proxy.Config{Target: d.rfbAddr}, "second.log")
	b.waitFor("the connected state again", `document.body.dataset.state === "connected" && document.getElementById("message").hidden`, 30*time.Second)
	b.waitPixel(windowX+30, windowY+30, windowRGB)

	// A restart while the page waits for a password: the dialog goes, the
	// page says why.
	b.run(chromedpNavigate("http://" + addr + "/?resize=off"))
	b.waitFor("the password dialog", `document.getElementById("password-dialog").open`, 20*time.Second)
	second.Shutdown(context.Background())
	b.waitMessage("The proxy stopped or restarted")
	b.waitFor("the dialog closed", `!document.getElementById("password-dialog").open`, 5*time.Second)
}

func TestViewerSettingsRemembered(t *testing.T) {
	art := newArtifacts(t)
	d := startDesktop(t, art)
	addr := startProxy(t, d, art, nil)
	b := newBrowser(t, art)
	page := "http://" + addr + "/?password=" + vncPassword // the root page, as the tray opens it
	connectAndCheckPicture(t, b, page)

	b.clickID("settings")
	b.waitFor("the settings panel", `document.getElementById("settings-dialog").open`, 5*time.Second)
	b.eval(`(() => {
		const set = (id, v) => { const e = document.getElementById(id); if (e.type === "checkbox") e.checked = v; else e.value = v; e.dispatchEvent(new Event("change", {bubbles: true})); };
		set("set-quality", "3"); set("set-resize", "off"); set("set-show_dot", true);
		return true;
	})()`, nil)
	b.clickID("settings-close")
	var live [3]any
	b.eval(`(() => { const r = window.vncbridge.rfb; return [r.qualityLevel, r.clipViewport, r.showDotCursor]; })()`, &live)
	if fmt.Sprint(live) != "[3 true true]" {
		t.Errorf("the changed settings apply at once: quality, clip, dot = %v", live)
	}

	connectAndCheckPicture(t, b, page) // a reload
	var after [3]any
	b.eval(`(() => { const r = window.vncbridge.rfb; return [r.qualityLevel, r.clipViewport, r.showDotCursor]; })()`, &after)
	if fmt.Sprint(after) != "[3 true true]" {
		t.Errorf("after a reload: quality, clip, dot = %v, want the remembered [3 true true]", after)
	}
	b.clickID("settings")
	var shown string
	b.eval(`document.getElementById("set-quality").value + " " + document.getElementById("set-resize").value`, &shown)
	if shown != "3 off" {
		t.Errorf("the panel shows %q after a reload, want the remembered 3 off", shown)
	}

	connectAndCheckPicture(t, b, page+"&quality=8") // the address wins
	var q int
	b.eval(`window.vncbridge.rfb.qualityLevel`, &q)
	if q != 8 {
		t.Errorf("quality=8 in the address gives %d", q)
	}
}

func TestViewerSpeaksTheBrowsersLanguage(t *testing.T) {
	art := newArtifacts(t)
	b := newBrowser(t, art)
	target := deadTarget(t)
	ln := listenLoopback(t)
	serveProxy(t, art, ln, proxy.Config{Target: target}, "proxy.log")

	// Every language has every string.
	b.run(chromedpNavigate("http://" + ln.Addr().String() + "/vnc.html"))
	var missing map[string][]string
	b.run(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		v, err := chromedp.Evaluate[map[string][]string](`import("./i18n.js").then(m => m.missingKeys())`, chromedp.EvalAwaitPromise)(ctx, tg)
		missing = v
		return err
	}))
	if len(missing) > 0 {
		t.Errorf("missing translations: %v", missing)
	}

	for _, tc := range []struct{ accept, connect, noServer string }{
		{"de-DE,de;q=0.9,en;q=0.5", "Verbinden", "Kein VNC-Server antwortet unter " + target},
		{"fr-CH,fr", "Se connecter", "Aucun serveur VNC ne répond sur " + target},
		{"es-MX", "Conectar", "Ningún servidor VNC responde en " + target},
		{"zh-CN,zh", "连接", target + " 上没有 VNC 服务器响应"},
		{"ja-JP,ja;q=0.9", "接続", target + " で応答する VNC サーバーがありません"},
		{"pt-BR,en-GB", "Conectar", "Nenhum servidor VNC responde em " + target},
		{"pt-PT", "Conectar", "Nenhum servidor VNC responde em " + target},
		{"ru-RU,ru", "Подключиться", "VNC-сервер не отвечает по адресу " + target},
		{"it-IT", "Connetti", "Nessun server VNC risponde a " + target},
		{"sw-KE,sw", "Connect", "No VNC server answers at " + target},
	} {
		b.run(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: "Mozilla/5.0 vncbridge-e2e", AcceptLanguage: tc.accept})
			return err
		}))
		b.run(chromedpNavigate("http://" + ln.Addr().String() + "/vnc.html"))
		var connect string
		b.eval(`document.getElementById("connect").textContent`, &connect)
		if connect != tc.connect {
			t.Errorf("%s: the Connect button says %q, want %q", tc.accept, connect, tc.connect)
		}
		b.waitFor("the library", `window.vncbridge.ready`, 10*time.Second)
		b.eval(`window.vncbridge.connect(), true`, nil)
		b.waitMessage(tc.noServer)
	}
}

func TestViewerFullScreenHidesTheToolbar(t *testing.T) {
	art := newArtifacts(t)
	d := startDesktop(t, art)
	addr := startProxy(t, d, art, nil)
	b := newBrowser(t, art)
	connectAndCheckPicture(t, b, "http://"+addr+"/?password="+vncPassword)
	barBottom := `document.getElementById("bar").getBoundingClientRect().bottom`
	b.clickID("fullscreen")
	b.waitFor("full screen", `document.fullscreenElement !== null && document.body.classList.contains("fullscreen")`, 5*time.Second)
	b.waitFor("the toolbar to hide", barBottom+` <= 0`, 5*time.Second)
	var screenTop float64
	b.eval(`document.getElementById("screen").getBoundingClientRect().top`, &screenTop)
	if screenTop != 0 {
		t.Errorf("in full screen the desktop starts %v px down, want 0", screenTop)
	}
	// The handle brings the toolbar back, and with it the way out.
	b.clickID("bar-handle")
	b.waitFor("the toolbar back", `document.getElementById("bar").getBoundingClientRect().top === 0`, 5*time.Second)
	b.clickID("fullscreen")
	b.waitFor("the window again", `document.fullscreenElement === null && !document.body.classList.contains("fullscreen")`, 5*time.Second)
}

// The page's reading of every way the proxy ends a session, including the
// refusals whose end-to-end tests wait for the proxy's 4xxx closes: the
// close code and reason in, the title and whether it retries out.
func TestViewerExplainsEveryEnding(t *testing.T) {
	art := newArtifacts(t)
	ln := listenLoopback(t)
	serveProxy(t, art, ln, proxy.Config{Target: "127.0.0.1:1"}, "proxy.log")
	b := newBrowser(t, art)
	b.run(chromedpNavigate("http://" + ln.Addr().String() + "/vnc.html"))
	type ending struct {
		Code   int    `json:"code"`
		Reason string `json:"reason"`
		Opened bool   `json:"opened"`
		Conn   bool   `json:"conn"`
		Title  string `json:"-"`
		Retry  bool   `json:"-"`
	}
	refusal := proxy.RefusalCode
	cases := []ending{
		{1011, proxy.ReasonTargetUnreachable + "localhost:5900: dial tcp [::1]:5900: connect: connection refused", true, false, "No VNC server answers at localhost:5900", true},
		{1011, proxy.ReasonTargetUnreachable + "desk.example:5900: dial tcp: lookup desk.example: no such host", true, false, "Unknown host: desk.example", true},
		{1011, proxy.ReasonTargetUnreachable + "10.1.2.3:5900: dial tcp 10.1.2.3:5900: i/o timeout", true, false, "Cannot reach 10.1.2.3:5900", true},
		{1011, proxy.ReasonTargetLost + "read: connection reset by peer", true, true, "The connection to the VNC server was lost", true},
		{1000, proxy.ReasonTargetClosed, true, false, "The VNC server closed the connection", true},
		{1000, proxy.ReasonTargetClosed, true, true, "The VNC server closed the connection", true},
		{1001, proxy.ReasonShuttingDown, true, true, "The proxy stopped or restarted", true},
		{refusal(http.StatusServiceUnavailable), proxy.ReasonShuttingDown, true, false, "The proxy stopped or restarted", true},
		{refusal(http.StatusBadRequest), "no token", true, false, "This address needs a token", false},
		{refusal(http.StatusUnauthorized), "authentication failed", true, false, "The proxy refused your credentials", false},
		{refusal(http.StatusForbidden), "origin not allowed", true, false, "The proxy refused this page", false},
		{refusal(http.StatusNotFound), "unknown token", true, false, "Unknown or expired token", false},
		{refusal(http.StatusTooManyRequests), "too many failed attempts", true, false, "The proxy refused the connection", false},
		{refusal(http.StatusBadGateway), "the token lookup failed", true, false, "The proxy could not look up the token", true},
		{refusal(http.StatusGatewayTimeout), "the token lookup timed out", true, false, "The proxy could not look up the token", true},
		{refusal(http.StatusServiceUnavailable), "server full", true, false, "The proxy is busy", true},
		{refusal(http.StatusTeapot), "odd", true, false, "The proxy refused the connection", false},
		{1008, proxy.ReasonNotLetIn, true, false, "The person sharing did not let you in", false},
		{1008, proxy.ReasonNoAnswer + "30s", true, false, "The person sharing did not answer", false},
		{1008, "The person sharing disconnected you", true, true, "The person sharing disconnected you", false},
		{1008, proxy.ReasonViewOnly + "the client sent RFB message type 7, which view-only cannot read", true, true, "The view-only session ended", false},
		{1006, "", false, false, "Cannot reach the proxy", true},
		{1006, "", true, true, "The connection to the proxy was lost", true},
	}
	in, _ := json.Marshal(cases)
	var out []struct {
		Title string
		Retry bool
	}
	b.run(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		v, err := chromedp.Evaluate[json.RawMessage](`Promise.all([import("./failure.js"), import("./i18n.js")]).then(([f, i]) => {
			i.setLanguage("en");
			return `+string(in)+`.map(c => {
				const why = f.explain({code: c.code, reason: c.reason, opened: c.opened, connected: c.conn, url: "ws://x/websockify"});
				return {Title: i.t(why.title, why.vars), Retry: why.retry};
			});
		})`, chromedp.EvalAwaitPromise)(ctx, tg)
		if err == nil {
			err = json.Unmarshal(v, &out)
		}
		return err
	}))
	if len(out) != len(cases) {
		t.Fatalf("%d answers for %d cases", len(out), len(cases))
	}
	for i, c := range cases {
		if out[i].Title != c.Title || out[i].Retry != c.Retry {
			t.Errorf("close %d %q: the page says %q (retry %v), want %q (retry %v)", c.Code, c.Reason, out[i].Title, out[i].Retry, c.Title, c.Retry)
		}
	}
}

// The desktop's bell reaches the page: the view flashes (and beeps where
// the browser lets it). While connected the screen is kept awake.
func TestViewerBellAndWakeLock(t *testing.T) {
	art := newArtifacts(t)
	d := startDesktop(t, art)
	addr := startProxy(t, d, art, nil)
	b := newBrowser(t, art)
	connectAndCheckPicture(t, b, "http://"+addr+"/?password="+vncPassword+"&resize=off")
	var before bool
	b.eval(`document.getElementById("screen").classList.contains("bell")`, &before)
	if before {
		t.Fatal("the bell rang before anyone rang it")
	}
	// The screen is kept awake while connected (Wake Lock), and let go after.
	b.waitFor("the wake lock", `window.vncbridge.awake`, 5*time.Second)
	defer func() {
		b.eval(`window.vncbridge.disconnect(), true`, nil)
		b.waitFor("the wake lock released", `!window.vncbridge.awake`, 5*time.Second)
	}()
	var power bool
	b.eval(`document.getElementById("power").hidden`, &power)
	if !power {
		t.Error("the power menu shows for Xvnc, which offers no XVP")
	}
	ring := d.command("xterm", "-geometry", "20x2+300+300", "-e", "sh", "-c", `printf '\a'; exec sleep 600`)
	if err := ring.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ring.Process.Kill(); ring.Wait() })
	b.waitFor("the bell's flash", `document.getElementById("screen").classList.contains("bell")`, 10*time.Second)
}

// The power menu shows only when the server offers XVP, and its items send
// XVP's operations. Xvnc does not offer XVP, so fakeDesktop plays a server
// that does.
func TestViewerPowerMenu(t *testing.T) {
	art := newArtifacts(t)
	f := &fakeDesktop{xvp: true, ops: make(chan byte, 4)}
	ln := listenLoopback(t)
	serveProxy(t, art, ln, proxy.Config{Target: f.start(t)}, "proxy.log")
	b := newBrowser(t, art)
	b.run(chromedpNavigate("http://" + ln.Addr().String() + "/"))
	b.waitFor("the connected state", `document.body.dataset.state === "connected"`, 20*time.Second)
	b.waitFor("the power button", `!document.getElementById("power").hidden`, 10*time.Second)
	for _, item := range []struct {
		id string
		op byte
	}{{"power-shutdown", 2}, {"power-reboot", 3}, {"power-reset", 4}} {
		b.clickID("power")
		b.waitFor("the power menu", `!document.getElementById("power-menu").hidden`, 5*time.Second)
		b.clickID(item.id)
		select {
		case op := <-f.ops:
			if op != item.op {
				t.Errorf("%s sent XVP operation %d, want %d", item.id, op, item.op)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s sent no XVP operation", item.id)
		}
	}
}

// A server that asks for a user name and a password (VeNCrypt's Plain,
// which Xvnc checks against the system's accounts, so fakeDesktop plays it):
// the dialog shows the user field, and Enter sends both.
func TestViewerUserAndPassword(t *testing.T) {
	art := newArtifacts(t)
	f := &fakeDesktop{plain: true, creds: make(chan [2]string, 1)}
	ln := listenLoopback(t)
	serveProxy(t, art, ln, proxy.Config{Target: f.start(t)}, "proxy.log")
	b := newBrowser(t, art)
	b.run(chromedpNavigate("http://" + ln.Addr().String() + "/"))
	b.waitFor("the dialog asking for a user name first", `document.getElementById("password-dialog").open && document.activeElement.id === "username"`, 20*time.Second)
	var prompt string
	b.eval(`document.getElementById("password-prompt").textContent`, &prompt)
	if prompt != "This desktop asks for a user name and a password." {
		t.Errorf("the dialog says %q", prompt)
	}
	b.run(chromedpKeys("ada\t"))
	b.waitFor("the password field's focus", `document.activeElement.id === "password"`, 5*time.Second)
	b.run(chromedpKeys("lovelace\r"))
	select {
	case got := <-f.creds:
		if got != [2]string{"ada", "lovelace"} {
			t.Errorf("the server got %q", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server got no credentials")
	}
	b.waitFor("the connected state", `document.body.dataset.state === "connected"`, 20*time.Second)
}

// fakeDesktop is an RFB 3.8 server written for the viewer's tests of what
// Xvnc cannot show: security None (or VeNCrypt Plain with plain, reporting
// the user name and password on creds), a 64x48 desktop, XVP offered with
// xvp (XVP_INIT in answer to the client's encodings) and the client's XVP
// operation codes reported on ops.
type fakeDesktop struct {
	plain bool
	xvp   bool
	ops   chan byte
	creds chan [2]string
}

// start listens on loopback and serves every connection; it returns the address.
func (f *fakeDesktop) start(t testing.TB) string {
	return testnet.Serve(t, "tcp", "", f.serve)
}

func (f *fakeDesktop) serve(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Minute))
	read := func(n int) []byte {
		buf := make([]byte, n)
		if _, err := io.ReadFull(c, buf); err != nil {
			return nil
		}
		return buf
	}
	u32 := func(b []byte) int { return int(uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])) }
	c.Write([]byte("RFB 003.008\n"))
	if read(12) == nil {
		return
	}
	if f.plain {
		c.Write([]byte{1, 19}) // one security type: VeNCrypt
		if read(1) == nil {
			return
		}
		c.Write([]byte{0, 2}) // VeNCrypt 0.2
		if read(2) == nil {
			return
		}
		c.Write([]byte{0, 1, 0, 0, 1, 0}) // accepted; one subtype: Plain (256)
		if read(4) == nil {
			return
		}
		lens := read(8)
		if lens == nil {
			return
		}
		user, pass := read(u32(lens[:4])), read(u32(lens[4:]))
		if user == nil || pass == nil {
			return
		}
		f.creds <- [2]string{string(user), string(pass)}
	} else {
		c.Write([]byte{1, 1}) // one security type: None
		if read(1) == nil {
			return
		}
	}
	c.Write([]byte{0, 0, 0, 0}) // security result: OK
	if read(1) == nil {         // ClientInit
		return
	}
	name := "fake-e2e"
	init := []byte{0, 64, 0, 48, // 64x48
		32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0, // 32 bpp, depth 24, little endian, true colour
		0, 0, 0, byte(len(name))}
	c.Write(append(init, name...))
	// The client's messages, by type, to find its XVP operations.
	sizes := map[byte]int{0: 19, 3: 9, 4: 7, 5: 5} // after the type byte
	for {
		typ := read(1)
		if typ == nil {
			return
		}
		switch typ[0] {
		case 2: // SetEncodings
			h := read(3)
			if h == nil || read(4*(int(h[1])<<8|int(h[2]))) == nil {
				return
			}
			if f.xvp {
				c.Write([]byte{250, 0, 1, 1}) // XVP version 1: XVP_INIT
			}
		case 6: // ClientCutText
			h := read(7)
			if h == nil {
				return
			}
			n := int(int32(u32(h[3:])))
			if n < 0 {
				n = -n
			}
			if read(n) == nil {
				return
			}
		case 250: // XVP
			m := read(3)
			if m == nil {
				return
			}
			if f.ops != nil {
				f.ops <- m[2]
			}
		default:
			n, ok := sizes[typ[0]]
			if !ok || read(n) == nil {
				return
			}
		}
	}
}

// Scaling: fit shows the whole desktop in a smaller window; remote resizes
// the X screen to the window.
func TestViewerScalingModes(t *testing.T) {
	art := newArtifacts(t)
	d := startDesktop(t, art)
	addr := startProxy(t, d, art, nil)
	b := newBrowser(t, art)
	b.run(chromedp.EmulateViewport(500, 400))
	connectAndCheckPicture(t, b, "http://"+addr+"/?password="+vncPassword+"&resize=scale")
	var fit [2]float64
	b.eval(`(() => { const r = document.querySelector("#screen canvas").getBoundingClientRect(); return [r.width, r.height]; })()`, &fit)
	if fit[0] > 500 || fit[1] > 400 || (fit[0] < 499 && fit[1] < 300) {
		t.Errorf("fit shows the 640x480 desktop at %vx%v in a 500x400 window", fit[0], fit[1])
	}

	b.run(chromedp.EmulateViewport(800, 500))
	b.run(chromedpNavigate("http://" + addr + "/?password=" + vncPassword + "&resize=remote"))
	b.waitFor("the connected state", `document.body.dataset.state === "connected"`, 20*time.Second)
	var want [2]int
	b.eval(`(() => { const s = document.getElementById("screen"); return [s.clientWidth, s.clientHeight]; })()`, &want)
	waitUntil(t, 15*time.Second, fmt.Sprintf("the X screen resized to %dx%d", want[0], want[1]), func() bool {
		out, _ := d.x("xdotool", "getdisplaygeometry")
		return out == fmt.Sprintf("%d %d", want[0], want[1])
	})
}

// View only: no keys reach the desktop and the extra keys hide; turned off
// in the settings panel, typing works again without reconnecting.
func TestViewerViewOnly(t *testing.T) {
	art := newArtifacts(t)
	d := startDesktop(t, art)
	addr := startProxy(t, d, art, nil)
	b := newBrowser(t, art)
	connectAndCheckPicture(t, b, "http://"+addr+"/?password="+vncPassword+"&resize=off&view_only=1")
	var keys bool
	b.eval(`document.getElementById("keys-button").hidden`, &keys)
	if !keys {
		t.Error("the extra keys show in view only")
	}
	b.click(windowX+30, windowY+30)
	b.run(chromedpKeys("seen but not typed\r"))
	time.Sleep(time.Second) // what would arrive arrives well within this
	if got, _ := os.ReadFile(d.typed); strings.Contains(string(got), "seen") {
		t.Fatalf("view only typed into the desktop: %q", got)
	}

	b.clickID("settings")
	b.waitFor("the settings panel", `document.getElementById("settings-dialog").open`, 5*time.Second)
	b.clickID("set-view_only")
	b.clickID("settings-close")
	b.waitFor("the extra keys", `!document.getElementById("keys-button").hidden`, 5*time.Second)
	typeIntoDesktop(t, b, d, "typed once allowed")
}

// The pages a person's browser shows put none of their objects on window:
// the viewer's RFB client and the recordings player reach the tests only
// through the test hook (newBrowser), which this browser lacks.
func TestPagesExposeNothingWithoutTheTestHook(t *testing.T) {
	art := newArtifacts(t)
	b := newPlainBrowser(t, art)
	ln := listenLoopback(t)
	serveProxy(t, art, ln, proxy.Config{Target: deadTarget(t)}, "proxy.log")

	// What a page adds to window: its own properties that a blank document's
	// window (a new frame's) lacks.
	const added = `(() => {
		const f = document.createElement("iframe");
		document.body.append(f);
		const blank = new Set(Object.getOwnPropertyNames(f.contentWindow));
		f.remove();
		return Object.getOwnPropertyNames(window).filter((name) => !blank.has(name) && !/^\d+$/.test(name));
	})()`
	for _, tc := range []struct{ page, url, state, hook string }{
		// The library loaded and the page tried to connect: its script ran to the end.
		{"the viewer", "http://" + ln.Addr().String() + "/vnc.html?autoconnect=1", "failed", "vncbridge"},
		{"the recordings page", openRecordings(t, t.TempDir()), "ready", "recordings"},
	} {
		b.run(chromedpNavigate(tc.url))
		b.waitFor(tc.page+"'s state "+tc.state, `document.body.dataset.state === "`+tc.state+`"`, 10*time.Second)
		var hook string
		b.eval(`typeof window.`+tc.hook, &hook)
		if hook != "undefined" {
			t.Errorf("%s defines window.%s (%s) without the test hook", tc.page, tc.hook, hook)
		}
		var names []string
		b.eval(added, &names)
		if len(names) > 0 {
			t.Errorf("%s adds %v to window", tc.page, names)
		}
	}
}
