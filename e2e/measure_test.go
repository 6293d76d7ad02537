package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkDesktop measures what a person sees, for docs/BENCHMARKS.md (make
// bench runs it with -benchtime 1x and VNCBRIDGE_E2E_REPORT naming the file
// for its table):
//   - the time from starting `vncbridge proxy` to the first correct frame in
//     the browser (Chromium and the desktop already running);
//   - the frames per second of a full-screen update stream (a painter
//     repainting 1280x720 of noise without pause) shown through vncbridge and
//     through Debian's websockify, one after the other in the same run.
func BenchmarkDesktop(b *testing.B) {
	requireTools(b, "websockify")
	art := newArtifacts(b)
	bin := buildVncbridge(b)
	d := startDesktop(b, art)
	br := newBrowser(b, art)

	// Start-up to the first correct frame, a few times.
	var firsts []time.Duration
	for range 5 {
		addr := "127.0.0.1:" + strconv.Itoa(freePort(b))
		start := time.Now()
		cmd := exec.Command(bin, "proxy", addr, d.rfbAddr)
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		waitListen(b, addr)
		br.run(chromedpNavigate("http://" + addr + "/?password=" + vncPassword + "&resize=off"))
		br.waitFor("the connected state", `document.body.dataset.state === "connected"`, 20*time.Second)
		br.waitPixel(windowX+30, windowY+30, windowRGB)
		br.waitPixel(10, 10, backgroundRGB)
		firsts = append(firsts, time.Since(start))
		cmd.Process.Kill()
		cmd.Wait()
	}
	sort.Slice(firsts, func(i, j int) bool { return firsts[i] < firsts[j] })
	first := firsts[len(firsts)/2]
	b.ReportMetric(first.Seconds(), "s-to-first-frame")

	// Update rate through each proxy.
	big := startDesktopSized(b, art, 1280, 720)
	p := startPainter(b, big)
	webDir, err := filepath.Abs("../assets/web")
	if err != nil {
		b.Fatal(err)
	}
	const window = 8 * time.Second
	measure := func(addr string) (fps, painted float64) {
		br.run(chromedpNavigate("http://" + addr + "/vnc.html?autoconnect=true&resize=off&password=" + vncPassword))
		br.waitFor("the connected state", `document.body.dataset.state === "connected"`, 20*time.Second)
		time.Sleep(time.Second) // settle
		br.eval(`(() => {
			window.flips = 0;
			const display = window.vncbridge.rfb._display;
			const flip = display.flip.bind(display);
			display.flip = (...args) => { window.flips++; return flip(...args); };
			return true;
		})()`, nil)
		p0 := p.frames.Load()
		time.Sleep(window)
		var flips int
		br.eval(`window.flips`, &flips)
		painted = float64(p.frames.Load()-p0) / window.Seconds()
		br.eval(`window.vncbridge.disconnect(), true`, nil)
		return float64(flips) / window.Seconds(), painted
	}
	ours := startVncbridge(b, bin, art, "LISTEN", big.rfbAddr)
	oursFPS, oursPainted := measure(ours)
	theirs := startWebsockify(b, art, "--web", webDir, "LISTEN", big.rfbAddr)
	theirsFPS, theirsPainted := measure(theirs)
	b.ReportMetric(oursFPS, "fps-vncbridge")
	b.ReportMetric(theirsFPS, "fps-websockify")

	report := fmt.Sprintf(`| measure | vncbridge | websockify | ratio |
|---|---:|---:|---:|
| start-up to the first correct frame in the browser (median of %d; goal < 2 s) | %.2f s | — | — |
| frames per second shown, full-screen 1280x720 update stream | %.1f | %.1f | %.2f× |
| frames per second painted on the desktop meanwhile | %.1f | %.1f | — |

Start-up: from starting `+"`vncbridge proxy`"+` to the first frame with the right pixels in an already
running headless Chromium (the runs: %s). Frames: the page counts noVNC's completed
framebuffer updates for %s through each proxy in turn, while a painter repaints the whole
%dx%d screen of noise as fast as Xvnc takes it; Chromium, Xvnc, the painter and the proxy share the
machine's %d cores.
`, len(firsts), first.Seconds(), oursFPS, theirsFPS, oursFPS/theirsFPS, oursPainted, theirsPainted,
		durations(firsts), window, big.width, big.height, runtime.NumCPU())
	b.Log("\n" + report)
	if out := os.Getenv("VNCBRIDGE_E2E_REPORT"); out != "" {
		if err := os.WriteFile(out, []byte(report), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

func durations(ds []time.Duration) string {
	var s []string
	for _, d := range ds {
		s = append(s, fmt.Sprintf("%.2f s", d.Seconds()))
	}
	return strings.Join(s, ", ")
}
