package e2e

import (
	"context"
	"crypto/tls"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"vncbridge/internal/testcert"
	"vncbridge/proxy"
)

// The person viewing a share (the "friend") is told what happens, in their
// words (issue 24): the share stopped, they were not let in or not answered,
// the link is old; the wait for the person sharing shows in the middle of the
// page; a recorded session says so; the certificate's fingerprint shows; and
// no page shows the share's token.

// desktopSize sets the browser's viewport, for screenshots.
func (b *browser) desktopSize() {
	b.run(chromedp.EmulateViewport(1280, 800))
}

// shot saves a screenshot into the test's artifacts and logs where it is;
// make screenshots (VNCBRIDGE_SCREENSHOTS) also takes it for the README, as
// friend-NAME.
func (b *browser) shot(name string) {
	b.screenshot(name)
	b.t.Logf("screenshot: %s", filepath.Join(b.art.dir, name))
	if dir := os.Getenv("VNCBRIDGE_SCREENSHOTS"); dir != "" {
		if png, err := os.ReadFile(filepath.Join(b.art.dir, name)); err == nil {
			os.WriteFile(filepath.Join(dir, "friend-"+name), png, 0o644)
		}
	}
}

// When the person sharing stops, the page says so with the desktop's name and
// does not try again; the link's token left the address bar at load.
func TestFriendStoppedSharing(t *testing.T) {
	art := newArtifacts(t)
	d := startDesktop(t, art)
	tr := startHeadlessTray(t, art, "vncbridge-headless", map[string]any{"target": d.rfbAddr})
	b := newBrowser(t, art)
	b.desktopSize()
	connectAndCheckPicture(t, b, "http://localhost:"+tr.port+"/?token="+trayToken+"&password="+vncPassword+"&resize=off&autoconnect=1")
	var href string
	b.eval(`location.href`, &href)
	if strings.Contains(href, trayToken) || strings.Contains(href, "token=") {
		t.Errorf("the address bar shows the token: %s", href)
	}

	tr.cmd.Process.Signal(os.Interrupt) // the tray quits: the share stops
	m := b.waitMessage("vncbridge-e2e stopped sharing")
	b.shot("stopped-sharing.png")
	var reconnect string
	b.eval(`document.body.dataset.reconnect || ""`, &reconnect)
	if reconnect != "" || m.Countdown != "" {
		t.Errorf("the page tries again after the share stopped: reconnect %q, countdown %q", reconnect, m.Countdown)
	}
	if m.Log != "" || m.Details != "" || strings.Contains(m.Hint, "proxy") || strings.Contains(m.Hint, "settings") {
		t.Errorf("the page speaks of the proxy: %+v", m)
	}
	var text string
	b.eval(`document.body.innerText + " " + location.href`, &text)
	if strings.Contains(text, trayToken) {
		t.Errorf("the page shows the token: %q", text)
	}
	tr.cmd.Wait()
}

// startConsentProxy serves the viewer for a share whose person answers
// with consent; the target is a desktop or nothing.
func startConsentProxy(t *testing.T, art *artifacts, target string, change func(*proxy.Config)) string {
	t.Helper()
	cfg := proxy.Config{Target: target, Share: true}
	change(&cfg)
	ln := listenLoopback(t)
	serveProxy(t, art, ln, cfg, "vncbridge.log")
	return ln.Addr().String()
}

// Denied or not answered, the page says so in the person's words and offers
// to ask again (the link is fine).
func TestFriendNotLetIn(t *testing.T) {
	for _, c := range []struct {
		name, title string
		consent     func(ctx context.Context, v proxy.Viewer) proxy.Decision
	}{
		{"denied", "The person sharing did not let you in", func(context.Context, proxy.Viewer) proxy.Decision { return proxy.Deny }},
		{"no-answer", "The person sharing did not answer", func(ctx context.Context, v proxy.Viewer) proxy.Decision { <-ctx.Done(); return proxy.Deny }},
	} {
		t.Run(c.name, func(t *testing.T) {
			art := newArtifacts(t)
			addr := startConsentProxy(t, art, deadTarget(t), func(cfg *proxy.Config) {
				cfg.Consent, cfg.ConsentTimeout = c.consent, 2*time.Second
			})
			b := newBrowser(t, art)
			b.desktopSize()
			b.run(chromedpNavigate("http://" + addr + "/?autoconnect=1"))
			m := b.waitMessage(c.title)
			b.shot(c.name + ".png")
			var again string
			b.eval(`document.getElementById("retry").textContent`, &again)
			if m.Hint != "You can ask them again." || again != "Ask again" || strings.Contains(m.Hint, "link") {
				t.Errorf("the page offers %q, %q; want to ask again", m.Hint, again)
			}
		})
	}
}

// A wrong or old link gets the viewer's look, in the viewer's language,
// saying the link has expired; the local share without its token says to
// open it from the menu.
func TestFriendExpiredLink(t *testing.T) {
	art := newArtifacts(t)
	tr := startHeadlessTray(t, art, "vncbridge-headless", map[string]any{"target": deadTarget(t)})
	b := newPlainBrowser(t, art)
	b.desktopSize()
	b.run(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": "de-DE,de;q=0.9"}})
		return err
	}))
	for _, c := range []struct{ path, want, shot string }{
		{"/?token=an-old-token-0123456789", "Dieser Link ist abgelaufen oder falsch Bitten Sie die teilende Person um einen neuen.", "expired-link-de.png"},
		{"/", "Öffnen Sie diese Freigabe über das vncbridge-Menü Wählen Sie im vncbridge-Menü „Im Browser öffnen“.", "open-from-menu-de.png"},
	} {
		b.run(chromedpNavigate("http://localhost:" + tr.port + c.path))
		var page struct{ Text, Lang, Background string }
		b.eval(`({Text: document.body.innerText, Lang: document.documentElement.lang, Background: getComputedStyle(document.body).backgroundColor})`, &page)
		b.shot(c.shot)
		page.Text = strings.Join(strings.Fields(page.Text), " ")
		if !strings.Contains(page.Text, c.want) || page.Lang != "de" || page.Background != "rgb(40, 40, 40)" || strings.Contains(page.Text, "token") {
			t.Errorf("%s: %+v, want the viewer's look in German saying %q", c.path, page, c.want)
		}
	}
}

// While the person sharing is asked, the page shows it in the middle, with a
// spinner, the seconds left, that the session is recorded, the certificate's
// fingerprint, and Cancel, which ends the question at the proxy.
func TestFriendWaiting(t *testing.T) {
	for _, c := range []struct {
		name          string
		width, height int64
	}{{"desktop", 1280, 800}, {"phone", 390, 844}} {
		t.Run(c.name, func(t *testing.T) {
			art := newArtifacts(t)
			cert := testcert.SelfSigned(t)
			asked, ended := make(chan struct{}, 1), make(chan struct{})
			addr := startConsentProxy(t, art, deadTarget(t), func(cfg *proxy.Config) {
				cfg.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
				cfg.RecordDir = t.TempDir()
				cfg.Consent = func(ctx context.Context, v proxy.Viewer) proxy.Decision {
					asked <- struct{}{}
					<-ctx.Done()
					close(ended)
					return proxy.Deny
				}
			})
			b := newBrowser(t, art)
			if c.width < 1000 {
				b.run(chromedp.EmulateViewport(c.width, c.height, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2)))
			} else {
				b.desktopSize()
			}
			b.run(chromedpNavigate("https://" + addr + "/?autoconnect=1"))
			<-asked
			b.waitFor("the waiting panel", `!document.getElementById("waiting").hidden`, 10*time.Second)
			var w struct {
				Title, Seconds, Recorded, Certificate string
				Spinning, Centred                     bool
			}
			b.eval(`(() => {
				const text = (id) => { const e = document.getElementById(id); return e.hidden ? "" : e.textContent; };
				const panel = document.getElementById("waiting").getBoundingClientRect();
				const spinner = document.querySelector("#waiting .spinner");
				return {Title: document.querySelector("#waiting h2").textContent, Seconds: text("waiting-seconds"),
					Recorded: text("waiting-recorded"), Certificate: text("waiting-certificate"),
					Spinning: getComputedStyle(spinner).animationName === "spin" && spinner.getBoundingClientRect().width > 0,
					Centred: Math.abs(panel.left + panel.width / 2 - innerWidth / 2) < 2 && Math.abs(panel.top + panel.height / 2 - innerHeight / 2) < 2};
			})()`, &w)
			b.shot("waiting-" + c.name + ".png")
			if w.Title != "Waiting for the person sharing to let you in…" || !w.Spinning || !w.Centred {
				t.Errorf("the waiting panel: %+v", w)
			}
			if m := regexp.MustCompile(`^(\d+) seconds left$`).FindStringSubmatch(w.Seconds); m == nil || m[1] > "30" || len(m[1]) != 2 {
				t.Errorf("the seconds left: %q, want some 20-30 of the proxy's 30", w.Seconds)
			}
			if w.Recorded != "This session is recorded." {
				t.Errorf("the waiting panel says of recording: %q", w.Recorded)
			}
			if want := "Certificate fingerprint: " + proxy.CertificateFingerprint(cert.Certificate[0]); w.Certificate != want {
				t.Errorf("the waiting panel's certificate: %q, want %q", w.Certificate, want)
			}
			b.clickID("waiting-cancel")
			select {
			case <-ended:
			case <-time.After(10 * time.Second):
				t.Fatal("Cancel did not end the question at the proxy")
			}
			b.waitFor("the disconnected state", `document.body.dataset.state === "disconnected" && document.getElementById("waiting").hidden`, 10*time.Second)
		})
	}
}

// A recorded session shows a Recorded badge while it shows the desktop.
func TestFriendRecordedBadge(t *testing.T) {
	art := newArtifacts(t)
	d := startDesktop(t, art)
	addr := startProxy(t, d, art, func(cfg *proxy.Config) { cfg.RecordDir = t.TempDir() })
	b := newBrowser(t, art)
	b.desktopSize()
	connectAndCheckPicture(t, b, "http://"+addr+"/?password="+vncPassword+"&resize=off&autoconnect=1")
	var badge string
	b.eval(`(() => { const e = document.getElementById("recorded"); return e && !e.hidden && e.getBoundingClientRect().width > 0 ? e.textContent : ""; })()`, &badge)
	b.shot("recorded.png")
	if badge != "Recorded" {
		t.Errorf("the Recorded badge: %q", badge)
	}
}
