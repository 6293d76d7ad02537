package e2e

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vncbridge/proxy"
)

// TestViewerScreenshots takes the README's pictures of the viewer page
// (make screenshots writes them to docs/ through VNCBRIDGE_SCREENSHOTS;
// otherwise they go to the test's artifacts): a desktop in a desktop
// browser, the same on a phone with the menu open, a failure, and a wrong
// password. Each is
// taken once the page shows what the picture is about.
func TestViewerScreenshots(t *testing.T) {
	art := newArtifacts(t)
	dir := os.Getenv("VNCBRIDGE_SCREENSHOTS")
	if dir == "" {
		dir = art.dir
	}
	d := startDesktopSized(t, art, 1280, 800)
	showText(t, d, 470, 190, "Hello from the remote desktop.\n\nThis xterm runs on TigerVNC's Xvnc;\nvncbridge shows it in the browser.\n\n$ ")
	addr := startProxy(t, d, art, nil)
	page := "http://" + addr + "/?password=" + vncPassword

	shot := func(b *browser, name string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
		defer cancel()
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", filepath.Join(dir, name))
	}
	settle := func(b *browser) {
		b.waitPixel(470+20, 190+20, [3]int{0, 0, 0}) // the text terminal is drawn
		time.Sleep(300 * time.Millisecond)           // the scaled canvas is painted
	}

	desk := newBrowser(t, art)
	desk.run(chromedp.EmulateViewport(1280, 800))
	desk.run(chromedpNavigate(page))
	desk.waitFor("the connected state", `document.body.dataset.state === "connected"`, 20*time.Second)
	settle(desk)
	desk.clickID("keys-button")
	desk.waitFor("the keys", `!document.getElementById("keys").hidden`, 5*time.Second)
	shot(desk, "viewer-desktop.png")

	// The same in Japanese (the README shows the CJK font at work).
	ja := newBrowser(t, art)
	ja.run(chromedp.EmulateViewport(1280, 800))
	ja.run(chromedpNavigate(page + "&lang=ja"))
	ja.waitFor("the connected state", `document.body.dataset.state === "connected"`, 20*time.Second)
	settle(ja)
	ja.clickID("keys-button")
	ja.waitFor("the keys", `!document.getElementById("keys").hidden`, 5*time.Second)
	var keys string
	ja.eval(`document.getElementById("keys-button").textContent`, &keys)
	if keys != "キー" {
		t.Errorf("the Keys button in Japanese says %q", keys)
	}
	shot(ja, "viewer-ja.png")

	phone := phoneBrowser(t, art)
	phone.run(chromedpNavigate(page))
	phone.waitFor("the connected state", `document.body.dataset.state === "connected"`, 20*time.Second)
	settle(phone)
	phone.tapID("menu-button")
	phone.waitFor("the menu", `getComputedStyle(document.getElementById("tools")).display !== "none"`, 5*time.Second)
	if off := phone.offScreen(); len(off) > 0 {
		t.Errorf("off the phone's screen: %v", off)
	}
	shot(phone, "viewer-phone.png")

	// A failure: the proxy's target has no VNC server. A usual VNC port
	// reads better in the README than a random one, when nothing is there.
	target := "localhost:5999"
	if c, err := net.DialTimeout("tcp", target, time.Second); err == nil {
		c.Close()
		target = "localhost:" + strconv.Itoa(freePort(t))
	}
	ln := listenLoopback(t)
	serveProxy(t, art, ln, proxy.Config{Target: target}, "failing.log")
	desk.run(chromedpNavigate("http://" + ln.Addr().String() + "/"))
	desk.waitMessage("No VNC server answers at " + target)
	desk.waitFor("the reconnect countdown", `!document.getElementById("message-countdown").hidden`, 10*time.Second)
	shot(desk, "viewer-failure.png")

	// A wrong password: the dialog says so and asks again.
	desk.run(chromedpNavigate("http://" + addr + "/"))
	desk.waitFor("the password dialog", `document.getElementById("password-dialog").open`, 20*time.Second)
	desk.run(chromedpKeys("not-the-password\r"))
	desk.waitFor("the dialog again, saying the password was wrong",
		`document.getElementById("password-dialog").open && !document.getElementById("password-again").hidden`, 20*time.Second)
	shot(desk, "viewer-wrong-password.png")
}

// showText opens a black xterm at (x, y) of the desktop showing text.
func showText(t testing.TB, d *desktop, x, y int, text string) {
	t.Helper()
	cmd := d.command("xterm", "-geometry", fmt.Sprintf("52x9+%d+%d", x, y), "-bg", "black", "-fg", "#e0e0e0",
		"-bw", "0", "-b", "8", "-title", "text", "-e", "sh", "-c", `printf '%s' "$0"; exec sleep 3600`, text)
	if err := cmd.Start(); err != nil {
		t.Fatalf("xterm: %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
}
