package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"vncbridge/proxy"
)

// Two viewers of a share (issue #26): the first page's polite live region
// says nothing of its own joining, then that another viewer joined, then
// that one left when the second page closes: a count, no names.
func TestViewerHearsOthersJoinAndLeave(t *testing.T) {
	art := newArtifacts(t)
	d := startDesktop(t, art)
	ln := listenLoopback(t)
	serveProxy(t, art, ln, proxy.Config{Target: d.rfbAddr, Share: true}, "vncbridge.log")
	url := "http://" + ln.Addr().String() + "/?password=" + vncPassword + "&resize=off&autoconnect=1"
	b := newBrowser(t, art)
	connectAndCheckPicture(t, b, url)
	b.waitFor("the page's first file state", `document.body.dataset.files !== undefined`, 10*time.Second)
	const news = `document.getElementById("viewers-news")`
	var region struct {
		Role, Live, Text string
	}
	b.eval(`(() => { const e = `+news+`; return { role: e.getAttribute("role"), live: e.getAttribute("aria-live"), text: e.textContent }; })()`, &region)
	if region.Role != "status" || region.Live != "polite" || region.Text != "" {
		t.Fatalf("the live region before anyone else came: %+v", region)
	}

	second, closeSecond := b.newTab()
	connectAndCheckPicture(t, second, url)
	b.waitFor("the news of the second viewer", news+`.textContent === "Another viewer joined: 2 people are watching"`, 10*time.Second)
	var status string
	b.eval(`document.getElementById("status").textContent`, &status)
	if status != "Connected" {
		t.Errorf("the connection's status became %q", status)
	}
	b.shot("viewers-two.png")
	checkAccessible(t, b, art, "the viewer told another viewer joined")

	closeSecond() // the tab closes, its WebSocket with it
	b.waitFor("the news of the second viewer leaving", news+`.textContent === "A viewer left: you are the only one watching"`, 10*time.Second)
}

// newTab opens another tab of the same Chromium, with the test hook; close
// closes it, as a person closes a tab.
func (b *browser) newTab() (*browser, func()) {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		b.t.Fatalf("a new tab: %v", err)
	}
	b.t.Cleanup(cancel)
	tab := &browser{t: b.t, ctx: ctx, art: b.art}
	tab.run(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: testHook})
		return err
	}))
	return tab, cancel
}
