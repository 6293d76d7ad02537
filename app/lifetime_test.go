package app

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"vncbridge/internal/testnet"
)

// A look for VNC servers that ends after a newer one never overwrites what
// the newer one found.
func TestALateLookNeverOverwritesANewerOne(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var calls atomic.Int32
	var log testnet.LogBuffer
	h := startApp(t, settings{Port: freePort(t), Target: echoTarget(t), RecentTargets: []string{"x:1"}}, func(c *config) {
		c.log = slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
		c.detect = func(ctx context.Context, _ []string) []foundServer {
			if calls.Add(1) == 1 { // the look at start: slow, and finds the old server
				select {
				case <-release:
				case <-ctx.Done():
				}
				return []foundServer{{Addr: "localhost:5901", Version: "3.8"}}
			}
			return []foundServer{{Addr: "localhost:5902", Version: "3.8"}}
		}
	})
	h.app.menuOpened() // a newer look, which ends first
	testnet.WaitFor(t, "the newer look's server in the menu", func() bool {
		_, ok := h.item("Target VNC server", "localhost:5902")
		return ok
	})
	close(release)
	testnet.WaitFor(t, "the late look taken", func() bool { return strings.Contains(log.String(), "was overtaken") })
	h.app.post(func() {}) // a render after the late look
	if _, ok := h.item("Target VNC server", "localhost:5901"); ok {
		t.Fatal("the late look's server replaced the newer look's")
	}
	if _, ok := h.item("Target VNC server", "localhost:5902"); !ok {
		t.Fatalf("the newer look's server is gone: %q", titles(h.menu()))
	}
}

// blockingPrompter is a dialog that stays open until its context ends.
type blockingPrompter struct {
	opened chan struct{}
	closed atomic.Bool
}

func (p *blockingPrompter) Ask(ctx context.Context, _, _, _ string) (string, bool, error) {
	close(p.opened)
	<-ctx.Done()
	p.closed.Store(true)
	return "", false, ctx.Err()
}

// Quit closes the dialogs the tray opened before Run returns.
func TestQuitClosesAnOpenDialog(t *testing.T) {
	t.Parallel()
	p := &blockingPrompter{opened: make(chan struct{})}
	h := startApp(t, settings{Port: freePort(t), Target: echoTarget(t)}, func(c *config) { c.prompter = p })
	h.click("Listen port", "Other…")
	<-p.opened
	h.app.Quit()
	err := <-h.done
	h.done <- err // for the harness's own wait
	if !p.closed.Load() {
		t.Fatal("the dialog was still open when Run returned")
	}
}

// Quit stops every share at once, not one after the other: a share being
// drained (with its viewer) and the share now each stop their desktop
// server, and each Stop waits to see the other begin.
func TestQuitStopsTheSharesTogether(t *testing.T) {
	t.Parallel()
	d := newFakeDesktop(t)
	var both sync.WaitGroup
	both.Add(2)
	var together atomic.Int32
	d.onStop = func() {
		both.Done()
		done := make(chan struct{})
		go func() { both.Wait(); close(done) }()
		select {
		case <-done:
			together.Add(1)
		case <-time.After(5 * time.Second):
		}
	}
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: "desktop:x11vnc"}, d.use)
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing"))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, _, _, err := ws.Dial(ctx, "ws://127.0.0.1:"+strconv.Itoa(port)+"/websockify?token="+testToken) // a viewer keeps the first share
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	testnet.WaitFor(t, "the viewer in the menu", func() bool { _, ok := h.item("Viewers", "Disconnect all"); return ok && len(h.app.viewersSeen()) == 1 })
	h.app.post(func() { h.app.setPort(freePort(t)) })
	testnet.WaitFor(t, "two shares", func() bool {
		ch := make(chan int, 1)
		h.app.post(func() { ch <- len(h.app.draining) })
		return <-ch == 1
	})
	h.app.Quit()
	err = <-h.done
	h.done <- err
	if n := together.Load(); n != 2 {
		t.Fatalf("%d of 2 shares stopped while the other was stopping", n)
	}
}

// viewersSeen reads the viewers the tray lists, through its event loop.
func (a *trayApp) viewersSeen() []watcher {
	ch := make(chan []watcher, 1)
	a.post(func() { ch <- a.st.Watching })
	select {
	case w := <-ch:
		return w
	case <-a.life.Done():
		return nil
	}
}
