package app

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"vncbridge/app/localvnc"
	"vncbridge/assets/icons"
	"vncbridge/internal/testnet"
)

func TestParseDesktopTarget(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"desktop:x11vnc": "desktop:x11vnc", " Desktop:WayVNC ": "desktop:wayvnc"} {
		if got, err := ParseTarget(in); err != nil || got != want {
			t.Errorf("ParseTarget(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, want := range map[string]string{"This desktop (x11vnc)": "desktop:x11vnc", "this desktop wayvnc": "desktop:wayvnc"} {
		if got, err := ParseTarget(in); err != nil || got != want {
			t.Errorf("ParseTarget(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseTarget("This desktop"); err == nil || !strings.Contains(err.Error(), "This desktop (x11vnc) or This desktop (x0vncserver) or This desktop (wayvnc)") {
		t.Errorf("This desktop alone: %v", err)
	}
	if got := targetInput("desktop:x11vnc"); got != "This desktop (x11vnc)" {
		t.Errorf("the target as typed: %q", got)
	}
	if _, err := ParseTarget("desktop:vino"); err == nil || !strings.Contains(err.Error(), "x11vnc or x0vncserver or wayvnc") {
		t.Errorf("desktop:vino: %v", err)
	}
	// One monitor, by the name the system gives it (its case kept), as the
	// command line and the page's field take it.
	for in, want := range map[string]string{"desktop:x11vnc:DP-1": "desktop:x11vnc:DP-1", "Desktop:X0VNCSERVER:HDMI-1": "desktop:x0vncserver:HDMI-1",
		"This desktop (x11vnc, monitor DP-1)": "desktop:x11vnc:DP-1"} {
		if got, err := ParseTarget(in); err != nil || got != want {
			t.Errorf("ParseTarget(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if got := targetInput("desktop:x11vnc:DP-1"); got != "This desktop (x11vnc, monitor DP-1)" {
		t.Errorf("a monitor as typed: %q", got)
	}
	if got, _ := ParseTarget("desktop"); got != "desktop:5900" {
		t.Errorf("a host named desktop: %q", got)
	}
	s, err := parseSettings([]byte(`{"port": 6080, "target": "desktop:x11vnc"}`))
	if err != nil || s.Target != "desktop:x11vnc" {
		t.Fatalf("settings %+v, %v", s, err)
	}
	if _, err := parseSettings([]byte(`{"port": 6080, "target": "desktop:vino"}`)); err == nil {
		t.Fatal("a desktop target of an unknown program was taken")
	}
}

// Sharing this desktop: the child starts with the share, the proxy reaches
// it on its socket, its restarts are in the status, and it stops with the
// share.
func TestDesktopTargetRunsTheChildWhileSharing(t *testing.T) {
	t.Parallel()
	d := newFakeDesktop(t)
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: "desktop:x11vnc"}, d.use, func(c *config) { c.every = 50 * time.Millisecond })
	if it, ok := h.item("Target VNC server", "This desktop (x11vnc)"); !ok || !it.Checked {
		t.Fatalf("the target menu: %q", titles(h.menu()[5].Children))
	}
	if len(d.children()) != 0 {
		t.Fatal("the VNC server started before sharing")
	}
	h.click("Start sharing")
	h.waitStatus("sharing this desktop", func(s string) bool {
		return s == "Sharing this desktop (x11vnc) at http://localhost:"+strconv.Itoa(port)+" — no viewers"
	})
	greetAndEcho(t, port)
	if h.tray.currentIcon() != icons.Sharing {
		t.Fatalf("icon %v, want sharing (the socket greets)", h.tray.currentIcon())
	}
	child := d.children()[0]
	child.opt.Status(localvnc.Note{Format: "%s stopped; starting it again", Args: []any{"x11vnc"}})
	h.waitStatus("the restart said", func(s string) bool { return strings.HasSuffix(s, "— x11vnc stopped; starting it again") })
	if h.tray.currentIcon() != icons.Warning {
		t.Fatalf("icon %v while it restarts, want the warning", h.tray.currentIcon())
	}
	child.opt.Status(localvnc.Note{})
	h.waitStatus("running again", func(s string) bool { return strings.HasSuffix(s, "— no viewers") })
	h.click("Stop sharing")
	h.waitStatus("Stopped", prefix("Stopped"))
	if !child.stopped.Load() {
		t.Fatal("the VNC server runs on after Stop sharing")
	}
}

// The child that stops answering on its socket makes the status honest.
func TestDesktopTargetThatStopsAnsweringWarns(t *testing.T) {
	t.Parallel()
	d := newFakeDesktop(t)
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: "desktop:x11vnc"}, d.use, func(c *config) { c.every = 50 * time.Millisecond })
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing this desktop"))
	d.children()[0].ln.Close()
	h.waitStatus("the warning", func(s string) bool { return strings.HasSuffix(s, "— x11vnc does not answer on its socket") })
	if h.tray.currentIcon() != icons.Warning {
		t.Fatalf("icon %v, want the warning", h.tray.currentIcon())
	}
}

// With nothing at a target nobody chose, a headless run shares this
// desktop, without saving the choice; a chosen target stays.
func TestNothingAnsweringSharesThisDesktop(t *testing.T) {
	t.Parallel()
	d := newFakeDesktop(t)
	port := freePort(t)
	target := "localhost:" + strconv.Itoa(freePort(t))
	h := startApp(t, settings{Port: port, Target: target}, d.use, func(c *config) {
		c.headless = true
		c.detect = func(context.Context, []string) []foundServer { return nil }
	})
	h.waitStatus("this desktop shared", prefix("Sharing this desktop (x11vnc) at"))
	greetAndEcho(t, port)
	if s, _ := loadSettings(h.paths); s.Target != target {
		t.Fatalf("the settings were changed to %q", s.Target)
	}

	// A first run (no settings file) picks it in the menu.
	p := testPaths(t)
	first := &harness{t: t, tray: &fakeTray{}, paths: p, done: make(chan error, 1)}
	first.app = newApp(config{paths: p, find: d.find, startLocal: d.start,
		detect: func(context.Context, []string) []foundServer { return nil }}, first.tray)
	go func() { first.done <- first.app.Run(context.Background()) }()
	t.Cleanup(func() { first.app.Quit(); <-first.done })
	first.waitStatus("this desktop picked", func(string) bool {
		it, ok := first.item("Target VNC server", "This desktop (x11vnc)")
		return ok && it.Checked
	})

	// A target chosen in vncbridge stays, and this desktop is offered.
	chosen := settings{Port: freePort(t), Target: target, RecentTargets: []string{target}}
	h2 := startApp(t, chosen, d.use, func(c *config) { c.detect = func(context.Context, []string) []foundServer { return nil } })
	h2.waitStatus("this desktop offered", func(string) bool { _, ok := h2.item("Target VNC server", "This desktop (x11vnc)"); return ok })
	// This desktop is offered once the first look everywhere is taken, and
	// the same step would have put it in the chosen target's place.
	if it, _ := h2.item("Target VNC server", "This desktop (x11vnc)"); it.Checked {
		t.Fatal("a chosen target was replaced by this desktop")
	}
	h2.click("Target VNC server", "This desktop (x11vnc)")
	testnet.WaitFor(t, "the choice saved", func() bool { s, _ := loadSettings(h2.paths); return s.Target == "desktop:x11vnc" })
}

var testAdvice = localvnc.Advice{
	Summary:     "No VNC server runs; install x11vnc: sudo apt install x11vnc",
	Steps:       []string{"vncbridge can share this desktop itself with x11vnc, which is not installed.", "Install it: sudo apt install x11vnc"},
	Commands:    []string{"sudo apt install x11vnc"},
	SettingsURL: "x-apple.systempreferences:com.apple.preferences.sharing?Services_ScreenSharing",
}

func adviceOnly() (localvnc.Program, bool, localvnc.Advice) {
	return localvnc.Program{}, false, testAdvice
}

// Without a program to serve this desktop, the status says what to do and
// its item opens the help page: the steps, the commands to copy, the
// system setting's button (which opens the advice's address, nothing else).
func TestNoProgramGivesTheAdviceAndItsPage(t *testing.T) {
	t.Parallel()
	h := startApp(t, settings{Port: freePort(t), Target: "desktop:x11vnc"}, func(c *config) { c.find = adviceOnly })
	h.click("Start sharing")
	h.waitStatus("the advice", func(s string) bool { return s == testAdvice.Summary })
	if h.tray.currentIcon() != icons.Error {
		t.Fatalf("icon %v", h.tray.currentIcon())
	}
	h.menu()[0].Action()
	testnet.WaitFor(t, "the help page opened", func() bool { return len(h.opener.list()) > 0 })
	help := h.opener.list()[0]
	if !strings.HasSuffix(help, "/help") {
		t.Fatalf("opened %s", help)
	}
	resp, err := http.Get(help)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range append(testAdvice.Steps, `<code>sudo apt install x11vnc</code>`, `data-text="sudo apt install x11vnc"`, `id="open-settings"`) {
		if !strings.Contains(string(body), want) {
			t.Errorf("the help page has no %q:\n%s", want, body)
		}
	}
	u, _ := url.Parse(help)
	postSettings(t, help, "http://evil.example", nil, 403)
	req, _ := http.NewRequest("GET", help, nil)
	req.Host = "evil.example:" + u.Port()
	if resp, _ := http.DefaultClient.Do(req); resp.StatusCode != 403 {
		t.Fatalf("foreign Host: %d", resp.StatusCode)
	}
	postSettings(t, help, "http://"+u.Host, nil, 303)
	testnet.WaitFor(t, "System Settings opened", func() bool {
		l := h.opener.list()
		return l[len(l)-1] == testAdvice.SettingsURL
	})
}

// A target on this computer where nothing answers, and no program to
// serve the desktop: the sharing status gives the advice.
func TestNothingAnsweringAndNoProgramSaysWhatToDo(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: "localhost:" + strconv.Itoa(freePort(t))}, func(c *config) {
		c.find = adviceOnly
		c.detect = func(context.Context, []string) []foundServer { return nil }
	})
	h.click("Start sharing")
	want := "Nothing to share at http://localhost:" + strconv.Itoa(port) + " — " + testAdvice.Summary
	h.waitStatus(want, func(s string) bool { return s == want })
	if it := h.menu()[0]; it.Action == nil || it.Disabled {
		t.Fatal("the status item does not open the help page")
	}
}

// A busy port starts no VNC server.
func TestBusyPortStartsNoDesktopServer(t *testing.T) {
	t.Parallel()
	d := newFakeDesktop(t)
	h := startApp(t, settings{Port: busyPort(t), Target: "desktop:x11vnc"}, d.use)
	h.click("Start sharing")
	h.waitStatus("the busy port", func(s string) bool { return strings.Contains(s, "is in use") })
	if n := len(d.children()); n != 0 {
		t.Fatalf("%d VNC servers started for a busy port", n)
	}
}
