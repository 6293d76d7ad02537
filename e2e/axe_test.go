package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vncbridge/proxy"
)

// axeViolation is one rule axe-core finds broken, with the elements.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// explainedModerate are the moderate findings that stay, each with why.
var explainedModerate = map[string]string{
	// none: the Keys button's name is its text now, the recordings page
	// has a main landmark, and its actions column a header.
}

// checkAccessible runs axe-core (npm, e2e/clients) on the page b shows:
// no violation of impact serious or critical, and no moderate one that is
// not explained in explainedModerate. The report goes to the artifacts.
func checkAccessible(t *testing.T, b *browser, art *artifacts, what string) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("clients", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatalf("npm's axe-core is missing from e2e/clients (make deps runs npm ci there): %v", err)
	}
	b.eval(string(src)+"\n;true", nil)
	var found []axeViolation
	b.run(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		v, err := chromedp.Evaluate[[]axeViolation](`axe.run(document, { resultTypes: ["violations"] }).then(r => r.violations)`, chromedp.EvalAwaitPromise)(ctx, tg)
		found = v
		return err
	}))
	var report strings.Builder
	for _, v := range found {
		report.WriteString(v.Impact + " " + v.ID + ": " + v.Help + "\n")
		for _, n := range v.Nodes {
			report.WriteString("    " + n.HTML + "\n")
		}
		_, explained := explainedModerate[v.ID]
		switch {
		case v.Impact == "serious" || v.Impact == "critical":
			t.Errorf("%s: %s violation %s (%s) on %d elements, the first %s", what, v.Impact, v.ID, v.Help, len(v.Nodes), v.Nodes[0].HTML)
		case v.Impact == "moderate" && !explained:
			t.Errorf("%s: moderate violation %s (%s) on %d elements, the first %s", what, v.ID, v.Help, len(v.Nodes), v.Nodes[0].HTML)
		}
	}
	os.WriteFile(filepath.Join(art.dir, "axe-"+strings.ReplaceAll(what, " ", "-")+".txt"), []byte(report.String()), 0o644)
	t.Logf("%s: %d axe findings", what, len(found))
}

// The viewer page asking for the password, connected, with its settings
// open and with a failure shown, and the recordings page with the player
// open, pass axe-core. The viewer's connection state is told by a live
// region (#status, role status), checked here too.
func TestPagesAreAccessible(t *testing.T) {
	art := newArtifacts(t)
	t.Run("viewer connected", func(t *testing.T) {
		d := startDesktop(t, art)
		addr := startProxy(t, d, art, nil)
		b := newBrowser(t, art)
		b.run(chromedpNavigate("http://" + addr + "/?autoconnect=true&resize=off"))
		b.waitFor("the password dialog", `document.body.dataset.state === "password"`, 20*time.Second)
		checkAccessible(t, b, art, "viewer password")
		connectAndCheckPicture(t, b, "http://"+addr+"/?password="+vncPassword+"&resize=off")
		checkAccessible(t, b, art, "viewer connected")
		var live []string
		b.eval(`(() => { const s = document.getElementById("status"); return [s.getAttribute("role"), s.getAttribute("aria-live"), s.textContent]; })()`, &live)
		if len(live) != 3 || live[0] != "status" || live[1] != "polite" || !strings.HasPrefix(live[2], "Connected") {
			t.Errorf("the connection state's live region: %q", live)
		}
		b.eval(`document.getElementById("settings").click(), true`, nil)
		b.waitFor("the settings dialog", `document.getElementById("settings-dialog").open`, 5*time.Second)
		checkAccessible(t, b, art, "viewer settings")
	})
	t.Run("viewer failure", func(t *testing.T) {
		b := newBrowser(t, art)
		ln := listenLoopback(t)
		target := deadTarget(t)
		serveProxy(t, art, ln, proxy.Config{Target: target}, "proxy.log")
		b.run(chromedpNavigate("http://" + ln.Addr().String() + "/vnc.html"))
		b.waitFor("the library", `window.vncbridge.ready`, 10*time.Second)
		b.eval(`window.vncbridge.connect(), true`, nil)
		b.waitMessage("No VNC server answers at " + target)
		checkAccessible(t, b, art, "viewer failure")
	})
	t.Run("recordings player", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "ws.1"), []byte("var VNC_frame_data = [\n'EOF'];\n"), 0o644)
		b := newBrowser(t, art)
		b.run(chromedpNavigate(openRecordings(t, dir)))
		b.waitFor("the list", `document.body.dataset.state === "ready"`, 10*time.Second)
		checkAccessible(t, b, art, "recordings list")
		b.eval(`document.querySelector("#list tbody tr button").click(), true`, nil) // Play
		b.waitFor("the player", `!document.getElementById("player").hidden`, 10*time.Second)
		// Play on this empty recording, whether or not its client has ended
		// yet, leaves the page able to answer (it once seeked for ever).
		b.waitFor("the player's object", `window.recordings && window.recordings.player`, 10*time.Second)
		b.eval(`(() => { const p = window.recordings.player; p.failed = ""; p.play(); return true; })()`, nil)
		var alive bool
		if b.eval(`true`, &alive); !alive { // a page seeking for ever answers nothing
			t.Fatal("the page does not answer after Play on an empty recording")
		}
		checkAccessible(t, b, art, "recordings player")
	})
}
