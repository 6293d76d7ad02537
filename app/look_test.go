package app

import (
	"context"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"vncbridge/app/localvnc"
	"vncbridge/assets/icons"
	"vncbridge/internal/testnet"
)

func TestFirstRunSharesTheServerFound(t *testing.T) {
	t.Parallel()
	found := foundServer{Addr: "localhost:5903", Version: "3.8"}
	h := &harness{t: t, tray: &fakeTray{}, opener: &fakeOpener{}, paths: testPaths(t), done: make(chan error, 1)}
	h.app = newApp(config{paths: h.paths, opener: h.opener,
		detect: func(context.Context, []string) []foundServer { return []foundServer{found} }}, h.tray)
	go func() { h.done <- h.app.Run(context.Background()) }()
	t.Cleanup(func() { h.app.Quit(); <-h.done })
	h.waitStatus("the found server chosen", func(string) bool {
		it, ok := h.item("Target VNC server", found.Addr)
		return ok && it.Checked
	})
	// Not on later runs: a saved target stays.
	p := testPaths(t)
	saveSettings(p, defaultSettings())
	h2 := &harness{t: t, tray: &fakeTray{}, paths: p, done: make(chan error, 1)}
	h2.app = newApp(config{paths: p, detect: func(context.Context, []string) []foundServer { return []foundServer{found} }}, h2.tray)
	go func() { h2.done <- h2.app.Run(context.Background()) }()
	t.Cleanup(func() { h2.app.Quit(); <-h2.done })
	h2.waitStatus("the found server listed", func(string) bool { _, ok := h2.item("Target VNC server", found.Addr); return ok })
	if it, _ := h2.item("Target VNC server", found.Addr); it.Checked {
		t.Fatal("a saved target was replaced by the server found")
	}
}

// A target that does not greet like a VNC server is not "Sharing" in
// green: the status says so and the icon warns, until the server answers.
func TestHonestStatusWarnsWhileNoVNCServerAnswers(t *testing.T) {
	t.Parallel()
	var answers atomic.Bool
	port := freePort(t)
	target := echoTarget(t)
	h := startApp(t, settings{Port: port, Target: target}, func(o *config) {
		o.every = 50 * time.Millisecond
		o.detect = func(ctx context.Context, cands []string) []foundServer {
			if answers.Load() {
				return savedAnswer(ctx, cands)
			}
			return nil
		}
	})
	h.click("Start sharing")
	want := "Nothing to share at http://localhost:" + strconv.Itoa(port) + " — no VNC server answers at " + target
	h.waitStatus(want, func(s string) bool { return s == want })
	if icon := h.tray.currentIcon(); icon != icons.Warning {
		t.Fatalf("icon %v, want the warning", icon)
	}
	answers.Store(true) // the server appears: green by itself, at the next round
	h.waitStatus("sharing, green", prefix("Sharing "+target+" at "))
	if icon := h.tray.currentIcon(); icon != icons.Sharing {
		t.Fatalf("icon %v, want sharing", icon)
	}
}

// The rounds between menu openings look for VNC servers, not for the
// program that can serve this desktop (a search of PATH): the menu's
// opening does that.
func TestRoundsDoNotSearchForTheDesktopProgram(t *testing.T) {
	t.Parallel()
	var finds, looks atomic.Int32
	h := startApp(t, settings{Port: freePort(t), Target: echoTarget(t)}, func(o *config) {
		o.every = 20 * time.Millisecond
		o.find = func() (localvnc.Program, bool, localvnc.Advice) { finds.Add(1); return noDesktop() }
		o.detect = func(ctx context.Context, cands []string) []foundServer { looks.Add(1); return savedAnswer(ctx, cands) }
	})
	testnet.WaitFor(t, "ten rounds", func() bool { return looks.Load() >= 10 })
	if n := finds.Load(); n > 2 { // newApp's and the first full look's
		t.Fatalf("the desktop program was searched for %d times in %d looks", n, looks.Load())
	}
	before := finds.Load()
	h.app.menuOpened()
	testnet.WaitFor(t, "a search when the menu opens", func() bool { return finds.Load() > before })
}

// noDesktop is a system where vncbridge cannot serve the desktop itself,
// with no advice to give: the tests of other things see no change.
func noDesktop() (localvnc.Program, bool, localvnc.Advice) {
	return localvnc.Program{}, false, localvnc.Advice{}
}

// A headless first run says what it shares once it has looked: its first
// line names the server found, not the default it started from.
func TestHeadlessFirstLineSaysWhatIsShared(t *testing.T) {
	target := echoTarget(t) // stands for the VNC server found
	var out testnet.LogBuffer
	port := freePort(t)
	p := testPaths(t)
	a := newApp(config{paths: p, out: &out, headless: true, find: noDesktop,
		changes: func(s *settings) { s.Port = port }, // only the port: the target is the first run's
		detect:  func(context.Context, []string) []foundServer { return []foundServer{{Addr: target, Version: "3.8"}} }}, nil)
	a.firstRun = true
	done := make(chan error, 1)
	go func() { done <- a.Run(context.Background()) }()
	t.Cleanup(func() { a.Quit(); <-done })
	testnet.WaitFor(t, "the first line", func() bool { return strings.Contains(out.String(), "\n") })
	first, _, _ := strings.Cut(out.String(), "\n")
	if want := "vncbridge: sharing " + target + "; open http://localhost:" + strconv.Itoa(port) + "/?token="; !strings.HasPrefix(first, want) {
		t.Fatalf("the first line %q, want %q…", first, want)
	}
}
