package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"vncbridge/assets"
	"vncbridge/internal/localpage"
	"vncbridge/proxy"
	"vncbridge/recordings"
)

// The colours the recorded desktop turns, two seconds apart.
var (
	redRGB   = [3]int{0xff, 0, 0}
	greenRGB = [3]int{0, 0xff, 0}
	blueRGB  = [3]int{0, 0, 0xff}
)

// setRoot paints the desktop's background.
func (d *desktop) setRoot(t testing.TB, colour string) {
	t.Helper()
	if out, err := d.command("xsetroot", "-solid", colour).CombinedOutput(); err != nil {
		t.Fatalf("xsetroot %s: %v %s", colour, err, out)
	}
}

// openRecordings serves dir's recordings page the way the tray and
// vncbridge recordings do, and returns its address.
func openRecordings(t testing.TB, dir string) string {
	t.Helper()
	s, err := localpage.Listen(&recordings.Handler{Dir: dir, Web: assets.Web()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s.URL()
}

// colourChanges records, inside the page, each change of the colour at
// (10, 10) as the player shows it: its name, the player's position and the
// page's clock, both in ms.
const colourChanges = `(() => {
	const p = window.recordings.player;
	window.changes = [];
	let last = "";
	const name = (d) => {
		const [r, g, b] = [d[0], d[1], d[2]];
		if (r > 200 && g < 60 && b < 60) return "red";
		if (g > 200 && r < 60 && b < 60) return "green";
		if (b > 200 && r < 60 && g < 60) return "blue";
		return "other";
	};
	const look = () => {
		if (!p.rfb) return;
		let d;
		try { d = p.rfb.getImageData(); } catch (e) { return; }
		if (d.width < 20) return;
		const i = (10 * d.width + 10) * 4;
		const c = name(d.data.slice(i, i + 3));
		if (c !== last) { last = c; window.changes.push({c, pos: p.position, wall: performance.now()}); }
	};
	p.addEventListener("change", look);
	window.resetChanges = () => { window.changes = []; last = ""; };
	return true;
})()`

type colourChange struct {
	C    string  `json:"c"`
	Pos  float64 `json:"pos"`
	Wall float64 `json:"wall"`
}

// changesOf reads the changes recorded so far, the first of each colour.
func changesOf(b *browser) map[string]colourChange {
	var cs []colourChange
	b.eval(`window.changes`, &cs)
	first := map[string]colourChange{}
	for _, c := range cs {
		if _, ok := first[c.C]; !ok {
			first[c.C] = c
		}
	}
	return first
}

func within(t *testing.T, what string, got, want, tolerance float64) {
	t.Helper()
	if got < want-tolerance || got > want+tolerance {
		t.Errorf("%s: %.0f ms, want %.0f ± %.0f", what, got, want, tolerance)
	}
}

func TestRecordingPlaysInTheBrowser(t *testing.T) {
	art := newArtifacts(t)
	d := startDesktop(t, art)
	dir := t.TempDir()
	addr := startProxy(t, d, art, func(c *proxy.Config) { c.RecordDir = dir; c.Version = "e2e" })
	b := newBrowser(t, art)
	connectAndCheckPicture(t, b, "http://"+addr+"/?password="+vncPassword+"&resize=off")

	// The desktop turns red, then green after 2 s, then blue after 2 more;
	// the viewer shows each, so the recording holds them, between the
	// moment the colour was set and the moment the viewer showed it.
	set, seen := map[string]time.Time{}, map[string]time.Time{}
	for i, c := range []struct {
		name string
		rgb  [3]int
	}{{"red", redRGB}, {"green", greenRGB}, {"blue", blueRGB}} {
		if i > 0 {
			time.Sleep(time.Until(set["red"].Add(time.Duration(i) * 2 * time.Second)))
		}
		set[c.name] = time.Now()
		d.setRoot(t, c.name)
		b.waitPixel(10, 10, c.rgb)
		seen[c.name] = time.Now()
	}
	time.Sleep(time.Second)
	b.eval(`window.vncbridge.disconnect(), true`, nil) // the session ends
	b.waitFor("the disconnected state", `document.body.dataset.state === "disconnected"`, 10*time.Second)

	var list []recordings.Recording
	waitUntil(t, 10*time.Second, "the recording to be complete", func() bool {
		list, _ = recordings.List(dir)
		return len(list) == 1 && !list[0].Open
	})
	rec := list[0]
	for _, f := range []string{rec.Name, rec.Name + ".json"} { // for a failure's artifacts
		if b, err := os.ReadFile(filepath.Join(dir, f)); err == nil {
			os.WriteFile(filepath.Join(art.dir, f), b, 0o644)
		}
	}
	if rec.Version != "e2e" || rec.Target != d.rfbAddr || !strings.HasPrefix(rec.Viewer, "127.0.0.1:") || rec.Duration < 5*time.Second || rec.Duration > 15*time.Second {
		t.Fatalf("recording %+v", rec)
	}
	// Where the colours are in the recording, by the clock of the session.
	ms := func(at time.Time) float64 { return float64(at.Sub(rec.Start).Milliseconds()) }
	at := func(c string) float64 { return ms(set[c]) }
	t.Logf("set at %.0f, %.0f, %.0f ms; seen at %.0f, %.0f, %.0f ms", at("red"), at("green"), at("blue"), ms(seen["red"]), ms(seen["green"]), ms(seen["blue"]))

	page := openRecordings(t, dir)
	b.run(chromedpNavigate(page + "#play=" + url.QueryEscape(rec.Name)))
	b.waitFor("the player", `window.recordings && window.recordings.player && window.recordings.player.rfb`, 20*time.Second)
	b.eval(colourChanges, nil)

	t.Run("1x at the right moments", func(t *testing.T) {
		b.waitFor("the end of the recording", `!window.recordings.player.playing && window.recordings.player.position >= window.recordings.player.duration`, 30*time.Second)
		got := changesOf(b)
		t.Logf("colour changes at 1x: %+v", got)
		b.screenshot("player.png")
		for _, c := range []string{"red", "green", "blue"} {
			if _, ok := got[c]; !ok {
				t.Fatalf("the player never showed %s: %+v", c, got)
			}
			// The player's clock is checked every 15 ms, or later on a
			// busy machine.
			if p := got[c].Pos; p < at(c)-50 || p > ms(seen[c])+250 {
				t.Errorf("%s shown at %.0f ms, not between %.0f and %.0f", c, p, at(c), ms(seen[c]))
			}
		}
		// At 1x, the page's clock runs as the recording's.
		within(t, "red to green, by the clock", got["green"].Wall-got["red"].Wall, got["green"].Pos-got["red"].Pos, 100)
		within(t, "green to blue, by the clock", got["blue"].Wall-got["green"].Wall, got["blue"].Pos-got["green"].Pos, 100)
		within(t, "red to blue, by the clock", got["blue"].Wall-got["red"].Wall, ms(seen["blue"])-ms(seen["red"]), 800)
		if got := playerPixel(b, windowX+30, windowY+30); got != windowRGB {
			t.Errorf("the xterm is not shown at the end: %v", got)
		}
	})

	t.Run("seek to 3 s after red is green", func(t *testing.T) {
		b.eval(fmt.Sprintf(`window.recordings.player.pause(), window.recordings.player.seek(%f).then(() => true)`, at("red")+3000), nil)
		if got := playerPixel(b, 10, 10); got != greenRGB {
			t.Fatalf("at red + 3 s the player shows %v", got)
		}
		// make screenshots: the page as the README shows it.
		if dir := os.Getenv("VNCBRIDGE_SCREENSHOTS"); dir != "" {
			ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
			defer cancel()
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "recordings.png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		// Back: replayed from the start.
		b.eval(fmt.Sprintf(`window.recordings.player.seek(%f).then(() => true)`, at("red")+1000), nil)
		if got := playerPixel(b, 10, 10); got != redRGB {
			t.Fatalf("back at red + 1 s the player shows %v", got)
		}
	})

	t.Run("4x is four times sooner", func(t *testing.T) {
		b.eval(`(async () => {
			const p = window.recordings.player;
			await p.seek(0);
			window.resetChanges();
			document.querySelector('#speeds button[data-speed="4"]').click();
			p.play();
			return true;
		})()`, nil)
		b.waitFor("the end of the recording", `!window.recordings.player.playing && window.recordings.player.position >= window.recordings.player.duration`, 30*time.Second)
		var speed float64
		b.eval(`window.recordings.player.speed`, &speed)
		if speed != 4 {
			t.Fatalf("speed %v", speed)
		}
		got := changesOf(b)
		t.Logf("colour changes at 4x: %+v", got)
		within(t, "red to green at 4x", got["green"].Wall-got["red"].Wall, (got["green"].Pos-got["red"].Pos)/4, 60)
		within(t, "green to blue at 4x", got["blue"].Wall-got["green"].Wall, (got["blue"].Pos-got["green"].Pos)/4, 60)
		within(t, "red to blue at 4x", got["blue"].Wall-got["red"].Wall, (ms(seen["blue"])-ms(seen["red"]))/4, 200)
	})

	t.Run("skip idle jumps over the still seconds", func(t *testing.T) {
		b.eval(`(async () => {
			const p = window.recordings.player;
			p.pause();
			document.querySelector('#speeds button[data-speed="1"]').click();
			if (!document.getElementById("skip-idle").checked) document.getElementById("skip-idle").click();
			await p.seek(0);
			window.resetChanges();
			p.play();
			return true;
		})()`, nil)
		b.waitFor("the end of the recording", `!window.recordings.player.playing && window.recordings.player.position >= window.recordings.player.duration`, 30*time.Second)
		b.eval(`document.getElementById("skip-idle").click(), true`, nil)
		got := changesOf(b)
		t.Logf("colour changes skipping idle: %+v", got)
		// Two seconds of stillness between the colours; half a second of
		// each is shown.
		if d := got["blue"].Wall - got["red"].Wall; d > 2500 || d < 900 || got["blue"].Pos < at("blue")-50 {
			t.Errorf("red to blue skipping idle: %.0f ms by the clock, blue at %.0f", d, got["blue"].Pos)
		}
	})

	t.Run("keys", func(t *testing.T) {
		b.eval(fmt.Sprintf(`window.recordings.player.seek(%f).then(() => true)`, at("red")+500), nil)
		b.run(chromedpKeys(" "))
		b.waitFor("space to play", `window.recordings.player.playing`, 5*time.Second)
		b.run(chromedpKeys(" "))
		b.waitFor("space to pause", `!window.recordings.player.playing`, 5*time.Second)
		b.run(chromedpKeys(kb.ArrowRight)) // 5 s on
		b.waitFor("→ to move on", fmt.Sprintf(`window.recordings.player.position >= %f && !window.recordings.player.seeking`, at("red")+4300), 5*time.Second)
		if got := playerPixel(b, 10, 10); got != blueRGB {
			t.Fatalf("5 s on from red the player shows %v", got)
		}
	})

	t.Run("in Japanese", func(t *testing.T) {
		b.run(chromedpNavigate(page + "?lang=ja#play=" + url.QueryEscape(rec.Name)))
		b.waitFor("the player", `window.recordings && window.recordings.player && window.recordings.player.rfb`, 20*time.Second)
		b.eval(fmt.Sprintf(`window.recordings.player.pause(), window.recordings.player.seek(%f).then(() => true)`, at("red")+3000), nil)
		if got := playerPixel(b, 10, 10); got != greenRGB {
			t.Fatalf("at red + 3 s the player shows %v", got)
		}
		var words []string
		b.eval(`[document.getElementById("play").textContent, document.getElementById("status").textContent, document.querySelector("#list th").textContent]`, &words)
		if len(words) != 3 || words[0] != "再生" || words[1] != "録画 1 件。" || words[2] != "開始" {
			t.Errorf("the page in Japanese says %q", words)
		}
		dir := os.Getenv("VNCBRIDGE_SCREENSHOTS")
		if dir == "" {
			dir = art.dir
		}
		ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
		defer cancel()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "recordings-ja.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("delete removes the file and its sidecar", func(t *testing.T) {
		b.run(chromedpNavigate(page))
		b.waitFor("the list", `document.querySelector("#list tbody tr .delete")`, 10*time.Second)
		b.eval(`document.querySelector("#list tbody tr .delete").click(), true`, nil)
		b.eval(`document.querySelector("#list tbody tr .delete").click(), true`, nil)
		b.waitFor("the empty list", `document.querySelectorAll("#list tbody tr").length === 0`, 10*time.Second)
		if left, _ := os.ReadDir(dir); len(left) != 0 {
			t.Fatalf("left after delete: %v", left)
		}
	})
}

// playerPixel is the colour the player shows at (x, y) of the recorded
// screen.
func playerPixel(b *browser, x, y int) [3]int {
	b.t.Helper()
	return b.pixelOf("window.recordings.player.rfb", x, y)
}

func TestWebsockifyRecordingPlays(t *testing.T) {
	requireTools(t, "websockify")
	art := newArtifacts(t)
	d := startDesktop(t, art)
	dir := t.TempDir()
	web, err := filepath.Abs("../assets/web")
	if err != nil {
		t.Fatal(err)
	}
	if !assets.HasNoVNC() {
		t.Skip("built without make assets: no noVNC library to play with (CI fails in startProxy's check instead)")
	}
	// websockify serves the same viewer page from the source tree and
	// records what it relays.
	addr := startWebsockify(t, art, "--web", web, "--record", filepath.Join(dir, "ws"), "LISTEN", d.rfbAddr)
	b := newBrowser(t, art)
	connectAndCheckPicture(t, b, "http://"+addr+"/vnc.html?autoconnect=true&password="+vncPassword+"&resize=off")
	d.setRoot(t, "green")
	b.waitPixel(10, 10, greenRGB)
	b.eval(`window.vncbridge.disconnect(), true`, nil)
	b.waitFor("the disconnected state", `document.body.dataset.state === "disconnected"`, 10*time.Second)

	// websockify numbers its files by request, the page's files included.
	var name string
	waitUntil(t, 10*time.Second, "websockify's recording to be complete", func() bool {
		files, _ := filepath.Glob(filepath.Join(dir, "ws.*"))
		if len(files) != 1 {
			return false
		}
		name = files[0]
		data, _ := os.ReadFile(name)
		return strings.HasSuffix(string(data), "'EOF'];\n")
	})
	data, _ := os.ReadFile(name)
	os.WriteFile(filepath.Join(art.dir, "websockify-recording.js"), data, 0o644)
	if !regexp.MustCompile(`\n'\}\d+\}`).Match(data) {
		t.Fatalf("websockify's client frames are not in its '}ms}' form: the test's premise is gone")
	}

	page := openRecordings(t, dir)
	b.run(chromedpNavigate(page))
	b.waitFor("the list", `document.querySelector("#list tbody tr")`, 10*time.Second)
	var row []string
	b.eval(`[...document.querySelector("#list tbody tr").cells].map(c => c.textContent)`, &row)
	if len(row) < 5 || row[3] != "—" || row[4] != "—" {
		t.Fatalf("websockify's recording is listed as %q", row)
	}
	b.eval(`document.querySelector("#list tbody tr button").click(), true`, nil) // Play
	b.waitFor("the player", `window.recordings.player && window.recordings.player.rfb`, 20*time.Second)
	b.eval(`window.recordings.player.seek(window.recordings.player.duration).then(() => true)`, nil)
	b.waitFor("the end", `window.recordings.player.position >= window.recordings.player.duration && !window.recordings.player.seeking`, 10*time.Second)
	if got := playerPixel(b, 10, 10); got != greenRGB {
		t.Fatalf("at the end of websockify's recording the player shows %v, want green", got)
	}
	if got := playerPixel(b, windowX+30, windowY+30); got != windowRGB {
		t.Fatalf("the xterm shows as %v", got)
	}
	var st string
	b.eval(`window.recordings.player.failed`, &st)
	if st != "" && !strings.Contains(st, "ended") {
		t.Fatalf("player: %s", st)
	}
	var js json.RawMessage
	b.eval(`window.recordings.player.replacedHandshake`, &js)
	if string(js) != "true" {
		t.Errorf("the recorded handshake was not replaced: %s", js)
	}
}
