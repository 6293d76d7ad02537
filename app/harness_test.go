package app

import (
	"context"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"

	"vncbridge/app/localvnc"
	"vncbridge/assets/icons"
	"vncbridge/internal/testnet"
	"vncbridge/proxy"
)

// The fakes of the desktop and the harness that runs a trayApp on them.

type fakeTray struct {
	mu   sync.Mutex
	icon icons.State
	tip  string
	menu []menuItem
	n    int
}

func (f *fakeTray) Show(icon icons.State, tip string, menu []menuItem) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.icon, f.tip, f.menu = icon, tip, menu
	f.n++
}

func (f *fakeTray) currentIcon() icons.State {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.icon
}

func (f *fakeTray) status() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.menu) == 0 {
		return ""
	}
	return f.menu[0].Title
}

type recorder struct {
	mu  sync.Mutex
	got []string
	err error
}

func (r *recorder) add(s string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, s)
	return r.err
}

func (r *recorder) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.got...)
}

type fakeOpener struct{ recorder }

func (f *fakeOpener) Open(u string) error { return f.add(u) }

type fakeClipboard struct{ recorder }

func (f *fakeClipboard) Copy(s string) error { return f.add(s) }

type fakePrompter struct {
	answer string
	err    error
}

func (f fakePrompter) Ask(context.Context, string, string, string) (string, bool, error) {
	return f.answer, f.err == nil, f.err
}

type fakeService struct {
	mu    sync.Mutex
	st    ServiceState
	asked int
	recorder
}

func (f *fakeService) set(installed, running bool) error {
	f.mu.Lock()
	f.st = ServiceState{Installed: installed, Running: running}
	f.mu.Unlock()
	return nil
}

func (f *fakeService) Install() error { f.add("install"); return f.set(true, false) }

func (f *fakeService) Uninstall() error { f.add("uninstall"); return f.set(false, false) }

func (f *fakeService) Start() error { f.add("start"); return f.set(true, true) }

func (f *fakeService) Stop() error { f.add("stop"); return f.set(true, false) }

func (f *fakeService) Status() ServiceState {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked++
	return f.st
}

func (f *fakeService) timesAsked() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.asked
}

type fakeNotifier struct{ recorder }

func (f *fakeNotifier) Notify(title, body string) error { return f.add(body) }

type fakeAutostart struct{ on bool }

func (f *fakeAutostart) Enabled() bool { return f.on }

func (f *fakeAutostart) SetEnabled(on bool) error { f.on = on; return nil }

// the harness

type harness struct {
	t       *testing.T
	app     *trayApp
	tray    *fakeTray
	opener  *fakeOpener
	clip    *fakeClipboard
	notes   *fakeNotifier
	service *fakeService
	paths   Paths
	done    chan error
}

// item finds a menu item by its titles, from the top menu down: "Listen
// port", "Other…". A title matches exactly, or up to a parenthesis
// ("localhost:5901" is "localhost:5901 (display :1, RFB 3.8)").
func (h *harness) item(path ...string) (menuItem, bool) {
	items := h.menu()
	var found menuItem
	for _, title := range path {
		ok := false
		for _, it := range items {
			if !it.Separator && (it.Title == title || strings.HasPrefix(it.Title, title+" (")) {
				found, items, ok = it, it.Children, true
				break
			}
		}
		if !ok {
			return menuItem{}, false
		}
	}
	return found, true
}

// click clicks the item at path, as the tray does: its action, from another
// goroutine than the event loop.
func (h *harness) click(path ...string) {
	h.t.Helper()
	it, ok := h.item(path...)
	if !ok {
		h.t.Fatalf("no menu item %q in %q", path, titles(h.menu()))
	}
	if it.Action == nil || it.Disabled {
		h.t.Fatalf("menu item %q cannot be clicked: %+v", path, it)
	}
	it.Action()
}

// The tokens of the tests' shares, unless a test gives its own.
const (
	testToken     = "test-share-token-0123456789"
	testViewToken = "test-view-token-0123456789"
)

// busyPort is a port something else listens on, for the test's life.
func busyPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln.Addr().(*net.TCPAddr).Port
}

func freePort(t *testing.T) int { return testnet.FreePort(t) }

// echoTarget is a TCP server that echoes, standing for a VNC server.
func echoTarget(t *testing.T) string { return testnet.Echo(t) }

func startApp(t *testing.T, s settings, tweak ...func(*config)) *harness {
	t.Helper()
	h := &harness{t: t, tray: &fakeTray{}, opener: &fakeOpener{}, clip: &fakeClipboard{}, service: &fakeService{},
		notes: &fakeNotifier{}, paths: testPaths(t), done: make(chan error, 1)}
	if s.Token == "" {
		s.Token, s.ViewOnlyToken = testToken, testViewToken
	}
	if err := saveSettings(h.paths, s); err != nil {
		t.Fatal(err)
	}
	cfg := config{
		paths: h.paths, version: "test", opener: h.opener, clipboard: h.clip,
		prompter: fakePrompter{err: errNoDialog}, autostart: &fakeAutostart{}, service: h.service, notifier: h.notes,
		detect: savedAnswer, find: noDesktop, consenter: fakeConsenter{answer: proxy.Allow},
		monitors: func() ([]localvnc.Monitor, error) { return nil, nil }, // not this machine's
	}
	for _, f := range tweak {
		f(&cfg)
	}
	h.app = newApp(cfg, h.tray)
	go func() { h.done <- h.app.Run(context.Background()) }()
	h.waitStatus("the first menu", func(s string) bool { return s != "" })
	t.Cleanup(func() {
		h.app.Quit()
		select {
		case <-h.done:
		case <-time.After(10 * time.Second):
			t.Error("Run did not return after Quit")
		}
	})
	return h
}

func (h *harness) waitStatus(what string, ok func(string) bool) {
	h.t.Helper()
	testnet.WaitFor(h.t, what, func() bool { return ok(h.tray.status()) })
}

// savedAnswer is a look for VNC servers that finds the saved targets
// (the tests' echo servers stand for VNC servers) and nothing on the
// displays of this computer.
func savedAnswer(_ context.Context, cands []string) []foundServer {
	var out []foundServer
	for _, c := range cands {
		if !strings.HasPrefix(c, "localhost:59") {
			out = append(out, foundServer{Addr: c, Version: "3.8"})
		}
	}
	return out
}

// waitNote waits for a notification containing want.
func (h *harness) waitNote(want string) {
	h.t.Helper()
	testnet.WaitFor(h.t, "a notification saying "+want, func() bool {
		return slices.ContainsFunc(h.notes.list(), func(n string) bool { return strings.Contains(n, want) })
	})
}

func (h *harness) menu() []menuItem {
	h.tray.mu.Lock()
	defer h.tray.mu.Unlock()
	return h.tray.menu
}

func prefix(p string) func(string) bool {
	return func(s string) bool { return strings.HasPrefix(s, p) }
}

// echoThrough opens a WebSocket to the proxy on port and checks a message
// comes back from the target.
func echoThrough(t *testing.T, port int) net.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, _, _, err := ws.Dial(ctx, "ws://127.0.0.1:"+strconv.Itoa(port)+"/websockify?token="+testToken)
	if err != nil {
		t.Fatalf("WebSocket to port %d: %v", port, err)
	}
	if err := wsutil.WriteClientBinary(c, []byte("RFB hello")); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	got, err := wsutil.ReadServerBinary(c)
	if err != nil || string(got) != "RFB hello" {
		t.Fatalf("echo %q, %v", got, err)
	}
	return c
}
