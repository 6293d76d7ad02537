package e2e

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vncbridge/assets"
	"vncbridge/internal/testnet"
	"vncbridge/proxy"
)

// The page's own guards: it is never shown in another site's frame, and it
// connects only to the proxy it came from.

// countingTarget is a server that counts the connections it accepts, and
// closes them.
func countingTarget(t *testing.T) (addr string, accepted *atomic.Int64) {
	accepted = new(atomic.Int64)
	addr = testnet.Serve(t, "tcp", "", func(c net.Conn) {
		accepted.Add(1)
		c.Close()
	})
	return addr, accepted
}

// servePage serves html at / of a new loopback origin on host (another
// origin than the proxy's) and returns that origin.
func servePage(t *testing.T, host, html string) string {
	t.Helper()
	ln, err := net.Listen("tcp", host+":0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, html)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// A page of another site frames the viewer with autoconnect: Chromium does
// not render the frame, and no session starts.
func TestAnotherSiteCannotFrameTheViewer(t *testing.T) {
	art := newArtifacts(t)
	target, accepted := countingTarget(t)
	var sessions atomic.Int64
	ln := listenLoopback(t)
	srv := serveProxy(t, art, ln, proxy.Config{Target: target, OnSessions: func(open int) {
		if open > 0 {
			sessions.Add(1)
		}
	}}, "vncbridge.log")
	viewer := "http://" + ln.Addr().String() + "/vnc.html?autoconnect=1"
	other := servePage(t, "127.0.0.2", `<!DOCTYPE html><title>framing</title>
<iframe id="f" src="`+viewer+`" onload="document.title = 'loaded'" style="opacity: 0"></iframe>`)

	b := newBrowser(t, art)
	b.run(chromedpNavigate(other + "/"))
	b.waitFor("the frame's load", `document.title === "loaded"`, 10*time.Second)
	// Chromium shows its error page in the frame instead.
	if shows := framedDocument(b, viewer); !strings.HasPrefix(shows, "chrome-error:") {
		t.Errorf("another site's frame shows %s", shows)
	}
	if n, c := sessions.Load(), accepted.Load(); n != 0 || c != 0 || srv.Sessions() != 0 {
		t.Errorf("a framed viewer started %d sessions, %d connections to the desktop", n, c)
	}
}

// framedDocument tells what the frame that loaded url shows: its location
// and whether the viewer's status bar is there. Another site's frame is a
// target of its own in Chromium (a process of its own).
func framedDocument(b *browser, url string) string {
	b.t.Helper()
	infos, err := chromedp.Targets(b.ctx)
	if err != nil {
		b.t.Fatal(err)
	}
	for _, in := range infos {
		if in.Type != "iframe" || in.URL != url {
			continue
		}
		ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithTargetID(in.TargetID))
		defer cancel()
		ctx, cancelTimeout := context.WithTimeout(ctx, 10*time.Second)
		defer cancelTimeout()
		shows, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + (document.getElementById("status") ? " with the viewer" : " without the viewer")`))
		if err != nil {
			b.t.Fatalf("reading the frame of %s: %v", url, err)
		}
		return shows
	}
	b.t.Fatalf("no frame of %s in Chromium's targets", url)
	return ""
}

// The page itself refuses to connect when it is not the top window, even
// served by a server that sends no headers against framing.
func TestViewerInAFrameDoesNotConnect(t *testing.T) {
	art := newArtifacts(t)
	if !assets.HasNoVNC() {
		t.Skip("built without make assets: no noVNC library")
	}
	var websockets atomic.Int64
	files := http.FileServerFS(assets.Web())
	ln := listenLoopback(t)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/websockify":
			websockets.Add(1)
			http.Error(w, "no desktop here", http.StatusNotFound)
		case "/framing.html":
			io.WriteString(w, `<!DOCTYPE html><iframe id="f" src="/vnc.html?autoconnect=1"></iframe>`)
		default:
			files.ServeHTTP(w, r)
		}
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	b := newBrowser(t, art)
	b.run(chromedpNavigate("http://" + ln.Addr().String() + "/framing.html"))
	frame := `document.getElementById("f").contentDocument`
	b.waitFor("the framed page's refusal", frame+`?.body?.dataset.state === "failed"`, 10*time.Second)
	var title string
	b.eval(frame+`.getElementById("message-title").textContent`, &title)
	if title != "This page does not open inside another page" {
		t.Errorf("the framed page says %q", title)
	}
	if n := websockets.Load(); n != 0 {
		t.Errorf("the framed page opened %d WebSockets", n)
	}
}

// vnc.html?host=…&port=… names another server: the page opens no WebSocket
// there and says why, naming the option that allows it; with that option
// (--web-connect-elsewhere) it connects there.
func TestViewerConnectsOnlyWhereItCameFrom(t *testing.T) {
	art := newArtifacts(t)
	// The other server: anything listening, that counts who connects.
	elsewhere, accepted := countingTarget(t)
	host, port, _ := net.SplitHostPort(elsewhere)
	target, _ := countingTarget(t)

	for _, tc := range []struct {
		name    string
		allowed bool
	}{
		{"confined", false},
		{"allowed by --web-connect-elsewhere", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			accepted.Store(0)
			ln := listenLoopback(t)
			serveProxy(t, art, ln, proxy.Config{Target: target, WebConnectElsewhere: tc.allowed}, "vncbridge-"+strings.Fields(tc.name)[0]+".log")
			b := newBrowser(t, art)
			b.run(chromedpNavigate("http://" + ln.Addr().String() + "/vnc.html?autoconnect=1&host=" + host + "&port=" + port))
			if tc.allowed {
				testnet.WaitFor(t, "the page's connection to the other server", func() bool { return accepted.Load() > 0 })
				return
			}
			b.waitFor("the page's refusal", `document.body.dataset.state === "failed"`, 10*time.Second)
			var message string
			b.eval(`document.getElementById("message-title").textContent + " " + document.getElementById("message-hint").textContent`, &message)
			for _, want := range []string{"only to the proxy it came from", elsewhere, "--web-connect-elsewhere"} {
				if !strings.Contains(message, want) {
					t.Errorf("the page says %q, without %q", message, want)
				}
			}
			// The Connect button does not go there either.
			b.eval(`document.getElementById("connect").click()`, nil)
			b.waitFor("the refusal again", `document.body.dataset.state === "failed"`, 5*time.Second)
			if n := accepted.Load(); n != 0 {
				t.Errorf("the page opened %d connections to %s", n, elsewhere)
			}
		})
	}
}
