package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"vncbridge/internal/testnet"
	"vncbridge/proxy"
)

// A viewer drops a 64 MiB file onto the page: after the person sharing
// accepts, it arrives byte for byte; after they decline, nothing arrives.
// The second file is picked with the Send file button.
func TestViewerSendsAFile(t *testing.T) {
	d := startDesktop(t, newArtifacts(t))
	const size = 64 << 20
	src := filepath.Join(t.TempDir(), "report.bin")
	f, err := os.Create(src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(f, testnet.Stream(size)); err != nil {
		t.Fatal(err)
	}
	f.Close()
	want := testnet.PrefixSum(size)

	for _, c := range []struct {
		name   string
		accept bool
		drop   bool
	}{{"accepted-dropped", true, true}, {"declined-picked", false, false}} {
		t.Run(c.name, func(t *testing.T) {
			art := newArtifacts(t)
			dir := filepath.Join(t.TempDir(), "received")
			var asked atomic.Value
			answer := make(chan struct{})
			addr := startProxy(t, d, art, func(cfg *proxy.Config) {
				cfg.Files = &proxy.FileTransfer{Dir: dir, Ask: func(ctx context.Context, o proxy.FileOffer) bool {
					asked.Store(o)
					<-answer
					return c.accept
				}}
			})
			b := newBrowser(t, art)
			connectAndCheckPicture(t, b, "http://"+addr+"/?password="+vncPassword+"&resize=off&autoconnect=1")
			b.waitFor("the Send file button", `!document.getElementById("send-file").hidden`, 10*time.Second)
			if c.drop {
				b.dropFile(src)
			} else {
				b.run(chromedp.SetUploadFiles(chromedp.CSS("#file-input"), []string{src}))
			}
			b.waitFor("the question", `document.getElementById("transfer-text").textContent.startsWith("Waiting for the person sharing to accept report.bin (67 MB)")`, 30*time.Second)
			b.shot("file-asking.png")
			checkAccessible(t, b, art, "the viewer with a file under way")
			close(answer)
			b.waitFor("the outcome", `["sent", "declined", "failed", "cancelled"].includes(document.body.dataset.transfer)`, 60*time.Second)
			var outcome, text string
			b.eval(`document.body.dataset.transfer`, &outcome)
			b.eval(`document.getElementById("transfer-text").textContent`, &text)
			b.shot("file-" + c.name + ".png")
			o, _ := asked.Load().(proxy.FileOffer)
			if o.Name != "report.bin" || o.Size != size {
				t.Fatalf("the person sharing was asked about %+v", o)
			}
			if !c.accept {
				if outcome != "declined" || text != "The person sharing declined report.bin" {
					t.Fatalf("the page says %s: %q", outcome, text)
				}
				if entries, _ := os.ReadDir(dir); len(entries) != 0 {
					t.Fatalf("declined, yet the folder has %v", entries)
				}
				return
			}
			if outcome != "sent" || text != "report.bin was sent" {
				t.Fatalf("the page says %s: %q", outcome, text)
			}
			got, err := os.Open(filepath.Join(dir, "report.bin"))
			if err != nil {
				t.Fatal(err)
			}
			defer got.Close()
			h := sha256.New()
			n, _ := io.Copy(h, got)
			if n != size || [32]byte(h.Sum(nil)) != want {
				t.Fatalf("arrived: %d bytes, sha256 %x; sent %d, %x", n, h.Sum(nil), size, want)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Fatalf("the folder has %v", entries)
			}
		})
	}
}

// A view-only viewer has no Send file button, and dropping a file onto its
// page sends nothing (the proxy would refuse it too: proxy's tests).
func TestViewOnlyViewerSendsNoFile(t *testing.T) {
	d := startDesktop(t, newArtifacts(t))
	art := newArtifacts(t)
	dir := t.TempDir()
	var asked atomic.Bool
	addr := startProxy(t, d, art, func(cfg *proxy.Config) {
		cfg.ViewOnly = true
		cfg.Files = &proxy.FileTransfer{Dir: dir, Ask: func(context.Context, proxy.FileOffer) bool { asked.Store(true); return true }}
	})
	b := newBrowser(t, art)
	connectAndCheckPicture(t, b, "http://"+addr+"/?password="+vncPassword+"&resize=off&autoconnect=1")
	src := filepath.Join(t.TempDir(), "a.txt")
	os.WriteFile(src, []byte("hello"), 0o600)
	// The page asked the proxy whether it may send, and heard no.
	b.waitFor("the proxy's answer", `document.body.dataset.files === "receive"`, 10*time.Second)
	b.dropFile(src)
	var hidden bool
	b.eval(`document.getElementById("send-file").hidden && document.getElementById("transfer").hidden && window.vncbridge.canSend === false`, &hidden)
	if !hidden || asked.Load() {
		t.Fatalf("a view-only page offers to send files (hidden %v, asked %v)", hidden, asked.Load())
	}
	if state := b.state(); state != "connected" {
		t.Fatalf("after the drop, the page is %q", state)
	}
}

// dropFile drops the file at path onto the middle of the page, as a person
// dragging it from their file manager does.
func (b *browser) dropFile(path string) {
	b.t.Helper()
	data := &input.DragData{Items: []*input.DragDataItem{}, Files: []string{path}, DragOperationsMask: 1}
	for _, typ := range []input.DispatchDragEventType{input.DispatchDragEventTypeDragEnter, input.DispatchDragEventTypeDragOver, input.DispatchDragEventTypeDrop} {
		b.run(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, input.DispatchDragEvent, input.DispatchDragEventParams{Type: typ, X: 500, Y: 400, Data: data})
			return err
		}))
	}
}

func (b *browser) state() string {
	var s string
	b.eval(`document.body.dataset.state`, &s)
	return s
}

// On a phone, Send file is in the menu; a file under way is cancelled with
// the panel's Cancel, and nothing of it stays on the person's disk.
func TestViewerCancelsAFileOnAPhone(t *testing.T) {
	art := newArtifacts(t)
	d := startDesktop(t, art)
	dir := filepath.Join(t.TempDir(), "received")
	addr := startProxy(t, d, art, func(cfg *proxy.Config) { cfg.Files = &proxy.FileTransfer{Dir: dir} })
	b := phoneBrowser(t, art)
	connectAndCheckPicture(t, b, "http://"+addr+"/?password="+vncPassword)
	b.waitFor("the page may send", `window.vncbridge.canSend`, 10*time.Second)
	b.tapID("menu-button")
	b.waitFor("the menu", `getComputedStyle(document.getElementById("tools")).display !== "none"`, 5*time.Second)
	var shown bool
	b.eval(`document.getElementById("send-file").getBoundingClientRect().width > 0`, &shown)
	if !shown {
		t.Fatal("the phone's menu has no Send file")
	}
	if off := b.offScreen(); len(off) > 0 {
		t.Errorf("off the phone's screen: %v", off)
	}
	b.shot("file-phone-menu.png")
	b.tapID("menu-button")

	src := filepath.Join(t.TempDir(), "big.bin")
	f, _ := os.Create(src)
	io.Copy(f, testnet.Stream(32<<20))
	f.Close()
	// 4 MB/s up: the 32 MiB take 8 s, time enough to cancel.
	b.run(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			MatchedNetworkConditions: []*network.Conditions{{DownloadThroughput: -1, UploadThroughput: 4e6}}})
		return err
	}))
	b.run(chromedp.SetUploadFiles(chromedp.CSS("#file-input"), []string{src}))
	b.waitFor("the file under way", `/Sending big.bin \(34 MB\)… ([1-9]\d*)%/.test(document.getElementById("transfer-text").textContent)`, 30*time.Second)
	waitUntil(t, 10*time.Second, "the partial file", func() bool {
		entries, _ := os.ReadDir(dir)
		return len(entries) == 1
	})
	b.shot("file-sending.png")
	b.tapID("transfer-cancel")
	b.waitFor("the outcome", `document.body.dataset.transfer === "cancelled"`, 10*time.Second)
	var text string
	b.eval(`document.getElementById("transfer-text").textContent`, &text)
	if text != "big.bin was not sent: cancelled" {
		t.Errorf("the page says %q", text)
	}
	waitUntil(t, 10*time.Second, "the partial file gone", func() bool {
		entries, _ := os.ReadDir(dir)
		return len(entries) == 0
	})
	if b.state() != "connected" {
		t.Fatalf("after the cancel, the page is %q", b.state())
	}
}

// The person sharing offers a file: a view-only viewer's page lists it at
// once, downloads it with the same hash, and forgets it when it is
// withdrawn.
func TestViewerDownloadsAnOfferedFile(t *testing.T) {
	art := newArtifacts(t)
	d := startDesktop(t, art)
	ln := listenLoopback(t)
	srv := serveProxy(t, art, ln, proxy.Config{Target: d.rfbAddr, ViewOnly: true, Share: true}, "vncbridge.log")
	b := newBrowser(t, art)
	downloads := t.TempDir()
	b.run(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads})
		return err
	}))
	connectAndCheckPicture(t, b, "http://"+ln.Addr().String()+"/?password="+vncPassword+"&resize=off&autoconnect=1")

	const size = 16 << 20
	src := filepath.Join(t.TempDir(), "handout.pdf")
	f, _ := os.Create(src)
	io.Copy(f, testnet.Stream(size))
	f.Close()
	o, err := srv.OfferFile(src)
	if err != nil {
		t.Fatal(err)
	}
	b.waitFor("the offer on the page", `document.querySelector("#offers-list a") !== null`, 10*time.Second)
	var text string
	b.eval(`document.getElementById("offers-list").textContent`, &text)
	if text != "handout.pdf (17 MB)Download" {
		t.Errorf("the page lists %q", text)
	}
	var hidden bool
	b.eval(`document.getElementById("send-file").hidden`, &hidden)
	if !hidden {
		t.Error("a view-only page offers to send files")
	}
	b.shot("file-offered.png")
	checkAccessible(t, b, art, "the viewer with a file offered")
	var at [2]float64
	b.eval(`(() => { const r = document.querySelector("#offers-list a").getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()`, &at)
	b.run(chromedp.MouseClickXY(at[0], at[1]))
	got := filepath.Join(downloads, "handout.pdf")
	waitUntil(t, 30*time.Second, "the download", func() bool {
		fi, err := os.Stat(got)
		return err == nil && fi.Size() == size
	})
	g, _ := os.Open(got)
	h := sha256.New()
	io.Copy(h, g)
	g.Close()
	if hex.EncodeToString(h.Sum(nil)) != o.SHA256 {
		t.Fatalf("downloaded sha256 %x, offered %s", h.Sum(nil), o.SHA256)
	}
	if err := srv.WithdrawFile(o.ID); err != nil {
		t.Fatal(err)
	}
	b.waitFor("the offer gone", `document.getElementById("offers").hidden`, 10*time.Second)
	if b.state() != "connected" {
		t.Fatalf("the page is %q", b.state())
	}
}

// The person sharing cancels a file on its way: the page says so, and
// nothing of it stays.
func TestSharerCancelsAFileOnItsWay(t *testing.T) {
	art := newArtifacts(t)
	d := startDesktop(t, art)
	dir := filepath.Join(t.TempDir(), "received")
	addr := startProxy(t, d, art, func(cfg *proxy.Config) {
		cfg.Files = &proxy.FileTransfer{Dir: dir, OnReceiving: func(r *proxy.Receiving) {
			go func() { // a megabyte in, the person changes their mind
				testnet.Poll(30*time.Second, 10*time.Millisecond, func() bool { return r.Received() >= 1<<20 })
				r.Cancel()
			}()
		}}
	})
	b := newBrowser(t, art)
	connectAndCheckPicture(t, b, "http://"+addr+"/?password="+vncPassword+"&resize=off&autoconnect=1")
	b.waitFor("the page may send", `window.vncbridge.canSend`, 10*time.Second)
	src := filepath.Join(t.TempDir(), "big.bin")
	f, _ := os.Create(src)
	io.Copy(f, testnet.Stream(32<<20))
	f.Close()
	b.run(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			MatchedNetworkConditions: []*network.Conditions{{DownloadThroughput: -1, UploadThroughput: 4e6}}})
		return err
	}))
	b.run(chromedp.SetUploadFiles(chromedp.CSS("#file-input"), []string{src}))
	b.waitFor("the outcome", `["sent", "failed", "cancelled", "sharerCancelled"].includes(document.body.dataset.transfer)`, 30*time.Second)
	var text string
	b.eval(`document.getElementById("transfer-text").textContent`, &text)
	b.shot("file-cancelled-by-sharer.png")
	if text != "big.bin was not sent: the person sharing cancelled it" {
		t.Errorf("the page says %q", text)
	}
	waitUntil(t, 10*time.Second, "no partial file", func() bool {
		entries, _ := os.ReadDir(dir)
		return len(entries) == 0
	})
}
