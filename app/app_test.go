package app

import (
	"context"
	"errors"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"

	"vncbridge/app/localvnc"
	"vncbridge/assets/icons"
	"vncbridge/internal/testnet"
	"vncbridge/proxy"
)

// fakes of the desktop

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
func (f *fakeService) Install() error   { f.add("install"); return f.set(true, false) }
func (f *fakeService) Uninstall() error { f.add("uninstall"); return f.set(false, false) }
func (f *fakeService) Start() error     { f.add("start"); return f.set(true, true) }
func (f *fakeService) Stop() error      { f.add("stop"); return f.set(true, false) }
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

func (f *fakeAutostart) Enabled() bool            { return f.on }
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

func freePort(t *testing.T) int { return testnet.FreePort(t) }

// echoTarget is a TCP server that echoes, standing for a VNC server.
func echoTarget(t *testing.T) string { return testnet.Echo(t) }

func startApp(t *testing.T, s settings, tweak ...func(*config)) *harness {
	t.Helper()
	h := &harness{t: t, tray: &fakeTray{}, opener: &fakeOpener{}, clip: &fakeClipboard{}, service: &fakeService{},
		notes: &fakeNotifier{}, paths: testPaths(t), done: make(chan error, 1)}
	if err := saveSettings(h.paths, s); err != nil {
		t.Fatal(err)
	}
	cfg := config{
		paths: h.paths, version: "test", opener: h.opener, clipboard: h.clip,
		prompter: fakePrompter{err: errNoDialog}, autostart: &fakeAutostart{}, service: h.service, notifier: h.notes,
		detect: savedAnswer, find: noDesktop, consenter: fakeConsenter{answer: proxy.Allow},
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
	c, _, _, err := ws.Dial(ctx, "ws://127.0.0.1:"+strconv.Itoa(port)+"/websockify")
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

func TestStartShareCountStop(t *testing.T) {
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: echoTarget(t)})
	h.waitStatus("Stopped", prefix("Stopped"))
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing"))
	c := echoThrough(t, port)
	h.waitStatus("one viewer", func(s string) bool { return strings.HasSuffix(s, "— 1 viewer") })
	if h.tray.currentIcon() != icons.Sharing {
		t.Fatalf("icon %v", h.tray.icon)
	}
	c.Close()
	h.waitStatus("no viewers", func(s string) bool { return strings.HasSuffix(s, "— no viewers") })
	h.click("Stop sharing")
	h.waitStatus("Stopped", prefix("Stopped"))
	if _, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second); err == nil {
		t.Fatal("still listening after Stop sharing")
	}
}

func TestPortInUseIsTheStatus(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	port := busy.Addr().(*net.TCPAddr).Port
	h := startApp(t, settings{Port: port, Target: echoTarget(t)})
	h.click("Start sharing")
	want := "Port " + strconv.Itoa(port) + " is in use"
	h.waitStatus(want, prefix(want))
	if h.tray.currentIcon() != icons.Error {
		t.Fatalf("icon %v, want the error icon", h.tray.icon)
	}
}

func TestChangingPortWhileSharingMovesTheListener(t *testing.T) {
	target := echoTarget(t)
	h := startApp(t, settings{Port: freePort(t), Target: target})
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing"))
	newPort := freePort(t)
	h.app.cfg.prompter = fakePrompter{answer: strconv.Itoa(newPort)} // before the click: read by the loop
	h.click("Listen port", "Other…")
	h.waitStatus("sharing on the new port", func(s string) bool { return strings.Contains(s, ":"+strconv.Itoa(newPort)+" —") })
	echoThrough(t, newPort).Close()
	saved, _ := loadSettings(h.paths)
	if saved.Port != newPort {
		t.Fatalf("saved port %d, want %d", saved.Port, newPort)
	}
	if p, ok := h.item("Listen port", strconv.Itoa(newPort)); !ok || !p.Checked {
		t.Fatalf("new port not checked in the menu: %+v", p)
	}
}

func TestTargetChoiceAndOtherWithoutDialog(t *testing.T) {
	first, second := echoTarget(t), echoTarget(t)
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: first}, func(o *config) {
		o.detect = func(context.Context, []string) []foundServer { return []foundServer{{Addr: second, Version: "3.8"}} }
	})
	h.waitStatus("the found server in the menu", func(string) bool { _, ok := h.item("Target VNC server", second); return ok })
	h.click("Target VNC server", second)
	h.waitStatus("the new target", func(string) bool { it, _ := h.item("Target VNC server", second); return it.Checked })
	if s, _ := loadSettings(h.paths); s.Target != second || s.RecentTargets[1] != first {
		t.Fatalf("saved %+v", s)
	}
	// No native dialog: "Other…" opens the settings page; posting it sets the target.
	h.click("Target VNC server", "Other…")
	deadline := time.Now().Add(5 * time.Second)
	for len(h.opener.list()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	pages := h.opener.list()
	if len(pages) != 1 || !strings.HasPrefix(pages[0], "http://127.0.0.1:") {
		t.Fatalf("opened %v, want the settings page", pages)
	}
	third := echoTarget(t)
	u, _ := url.Parse(pages[0])
	postSettings(t, pages[0], "http://"+u.Host, map[string]string{"port": strconv.Itoa(port), "target": third}, 303)
	h.waitStatus("the target from the page", func(string) bool { s, _ := loadSettings(h.paths); return s.Target == third })
}

func TestOtherPortWithDialog(t *testing.T) {
	port := freePort(t)
	h := startApp(t, settings{Port: freePort(t), Target: echoTarget(t)}, func(o *config) {
		o.prompter = fakePrompter{answer: " " + strconv.Itoa(port) + " "}
	})
	h.click("Listen port", "Other…")
	h.waitStatus("the asked port", func(string) bool { s, _ := loadSettings(h.paths); return s.Port == port })
	h2 := startApp(t, defaultSettings(), func(o *config) { o.prompter = fakePrompter{answer: "seventy"} })
	h2.click("Listen port", "Other…")
	h2.waitNote(`"seventy" is not a port`)
	if s := h2.tray.status(); s != "Stopped" {
		t.Fatalf("a refused answer changed the status to %q", s)
	}
}

func TestRecordingWritesAFile(t *testing.T) {
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: echoTarget(t)})
	h.click("Record sessions")
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing"))
	echoThrough(t, port).Close()
	var files []string
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		files, _ = filepath.Glob(filepath.Join(h.paths.Recordings, "session-*.vncrec"))
		if len(files) > 0 {
			if b, _ := os.ReadFile(files[0]); strings.Contains(string(b), "RFB hello") {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(files) != 1 {
		t.Fatalf("recordings %v", files)
	}
	b, _ := os.ReadFile(files[0])
	if !strings.Contains(string(b), "VNC_frame_data") || !strings.Contains(string(b), "RFB hello") {
		t.Fatalf("recording %q", b)
	}
	if _, err := os.Stat(files[0] + ".json"); err != nil {
		t.Fatalf("no sidecar: %v", err)
	}
}

func waitList(t *testing.T, r *recorder, want string) {
	t.Helper()
	testnet.WaitFor(t, want, func() bool { return slices.Contains(r.list(), want) })
}

func TestOpenInBrowserStartsSharing(t *testing.T) {
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: echoTarget(t)})
	h.click("Open in browser")
	waitList(t, &h.opener.recorder, "http://localhost:"+strconv.Itoa(port)+"/")
	h.waitStatus("sharing", prefix("Sharing"))
}

func TestRemoteAccessNeedsTLSAndTheToken(t *testing.T) {
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: echoTarget(t)})
	h.click("Allow other computers")
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing"))
	s, _ := loadSettings(h.paths)
	if !s.AllowRemote || len(s.Token) < 20 {
		t.Fatalf("settings %+v", s)
	}
	h.click("Copy share link")
	waitList(t, &h.clip.recorder, s.shareURL())
	if _, err := os.Stat(filepath.Join(h.paths.Dir, "cert.pem")); err != nil {
		t.Fatal("no certificate kept:", err)
	}
	// Plain WebSocket: refused (TLS only).
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if c, _, _, err := ws.Dial(ctx, "ws://127.0.0.1:"+strconv.Itoa(port)+"/?token="+s.Token); err == nil {
		c.Close()
		t.Fatal("plain WebSocket accepted with remote access on")
	}
	d := ws.Dialer{TLSConfig: insecureTLS()}
	if c, _, _, err := d.Dial(ctx, "wss://127.0.0.1:"+strconv.Itoa(port)+"/?token=wrong"); err == nil {
		c.Close()
		t.Fatal("wrong token accepted")
	}
	c, _, _, err := d.Dial(ctx, "wss://127.0.0.1:"+strconv.Itoa(port)+"/?token="+s.Token)
	if err != nil {
		t.Fatalf("the share link's token refused: %v", err)
	}
	defer c.Close()
	wsutil.WriteClientBinary(c, []byte("over TLS"))
	if got, err := wsutil.ReadServerBinary(c); err != nil || string(got) != "over TLS" {
		t.Fatalf("echo %q %v", got, err)
	}
	// Off again: a new token next time.
	h.click("Stop sharing")
	h.click("Allow other computers")
	h.click("Allow other computers")
	h.waitStatus("a new token", func(string) bool { s2, _ := loadSettings(h.paths); return s2.Token != s.Token && s2.AllowRemote })
}

func TestServiceRunningTakesOverStartStop(t *testing.T) {
	h := startApp(t, settings{Port: freePort(t), Target: echoTarget(t)})
	h.click("Run in background", "Install as service")
	h.waitStatus("the service installed", func(string) bool { _, ok := h.item("Run in background", "Uninstall service"); return ok })
	h.click("Start sharing") // installed, stopped: Start sharing starts the service
	h.waitStatus("the service running", func(s string) bool { return strings.Contains(s, "background service") })
	if h.app.share != nil {
		t.Fatal("a second proxy runs beside the service")
	}
	h.click("Stop sharing")
	h.waitStatus("stopped", prefix("Stopped"))
	h.click("Run in background", "Uninstall service")
	h.waitStatus("uninstalled", func(string) bool { _, ok := h.item("Run in background", "Install as service"); return ok })
	if got := strings.Join(h.service.list(), ","); got != "install,start,stop,uninstall" {
		t.Fatalf("service calls %s", got)
	}
}

func TestServiceFailureIsShown(t *testing.T) {
	h := startApp(t, defaultSettings(), func(o *config) { o.service = failingService{} })
	h.click("Run in background", "Install as service")
	h.waitNote("The service could not install: needs rights")
}

type failingService struct{}

func (failingService) Install() error       { return errors.New("needs rights") }
func (failingService) Uninstall() error     { return errors.New("needs rights") }
func (failingService) Start() error         { return errors.New("needs rights") }
func (failingService) Stop() error          { return errors.New("needs rights") }
func (failingService) Status() ServiceState { return ServiceState{} }

func TestStartAtLoginAndQuit(t *testing.T) {
	auto := &fakeAutostart{}
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: echoTarget(t)}, func(o *config) { o.autostart = auto })
	h.click("Run in background", "Start at login")
	h.waitStatus("checked", func(string) bool { it, _ := h.item("Run in background", "Start at login"); return it.Checked })
	if !auto.Enabled() {
		t.Fatal("autostart not enabled")
	}
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing"))
	c := echoThrough(t, port)
	h.click("Quit")
	select {
	case err := <-h.done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Quit did not end Run")
	}
	h.done <- nil // for the cleanup
	// The viewer was told the server is going away.
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err := wsutil.ReadServerBinary(c)
	var closed wsutil.ClosedError
	if !errors.As(err, &closed) || closed.Code != ws.StatusGoingAway {
		t.Fatalf("viewer got %v, want a 1001 close", err)
	}
}

func TestHeadlessSharesAtOnce(t *testing.T) {
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: echoTarget(t)}, func(o *config) { o.headless = true })
	h.waitStatus("sharing", prefix("Sharing"))
	echoThrough(t, port).Close()
}

func TestFirstRunSharesTheServerFound(t *testing.T) {
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

func TestMissingDesktopPartsAreSaidNotPanicked(t *testing.T) {
	h := &harness{t: t, tray: &fakeTray{}, paths: testPaths(t), done: make(chan error, 1)}
	h.app = newApp(config{paths: h.paths, detect: func(context.Context, []string) []foundServer { return nil }}, h.tray)
	go func() { h.done <- h.app.Run(context.Background()) }()
	t.Cleanup(func() { h.app.Quit(); <-h.done })
	h.waitStatus("the menu", func(s string) bool { return s != "" })
	for _, c := range []struct {
		path []string
		want string
	}{
		{[]string{"Run in background", "Install as service"}, "No service manager"},
		{[]string{"Run in background", "Start at login"}, "Start at login is not available"},
		{[]string{"Recordings…"}, "No program to open the browser was found: open http://127.0.0.1:"},
	} {
		h.click(c.path...)
		h.waitStatus(c.want, func(s string) bool { return strings.HasPrefix(s, c.want) })
	}
}

// A target that does not greet like a VNC server is not "Sharing" in
// green: the status says so and the icon warns, until the server answers.
func TestHonestStatusWarnsWhileNoVNCServerAnswers(t *testing.T) {
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
	want := "Sharing at http://localhost:" + strconv.Itoa(port) + " — no VNC server answers at " + target
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

// Recording, the target and the port change while a viewer watches: the
// viewer stays, new viewers get the new settings.
func TestSettingsChangesNeverDropAViewer(t *testing.T) {
	port, newPort := freePort(t), freePort(t)
	first, second := echoTarget(t), echoTarget(t)
	prompt := &answerPrompter{}
	h := startApp(t, settings{Port: port, Target: first}, func(o *config) { o.prompter = prompt })
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing "+first))
	viewer := echoThrough(t, port)
	defer viewer.Close()
	stillThere := func(step string) {
		t.Helper()
		if err := wsutil.WriteClientBinary(viewer, []byte(step)); err != nil {
			t.Fatalf("after %s: %v", step, err)
		}
		viewer.SetReadDeadline(time.Now().Add(5 * time.Second))
		if got, err := wsutil.ReadServerBinary(viewer); err != nil || string(got) != step {
			t.Fatalf("after %s the first viewer got %q, %v", step, got, err)
		}
	}

	h.click("Record sessions")
	h.waitStatus("recording on", func(string) bool { it, _ := h.item("Record sessions"); return it.Checked })
	stillThere("record on")
	echoThrough(t, port).Close() // a new viewer, recorded
	testnet.WaitFor(t, "a recording of the new viewer", func() bool {
		files, _ := filepath.Glob(filepath.Join(h.paths.Recordings, "session-*.vncrec"))
		return len(files) > 0
	})

	prompt.set(second)
	h.click("Target VNC server", "Other…")
	h.waitStatus("the new target", prefix("Sharing "+second))
	stillThere("target changed")

	prompt.set(strconv.Itoa(newPort))
	h.click("Listen port", "Other…")
	h.waitStatus("the new port", func(s string) bool { return strings.Contains(s, ":"+strconv.Itoa(newPort)+" —") })
	stillThere("port changed")
	echoThrough(t, newPort).Close()
	if c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second); err == nil {
		c.Close()
		t.Fatal("the old port still takes new viewers")
	}
	h.waitStatus("the old viewer counted", func(s string) bool { return strings.HasSuffix(s, "— 1 viewer") })

	// Stop sharing ends every session, the old share's too.
	h.click("Stop sharing")
	viewer.SetReadDeadline(time.Now().Add(5 * time.Second))
	var closed wsutil.ClosedError
	if _, err := wsutil.ReadServerBinary(viewer); !errors.As(err, &closed) || closed.Code != ws.StatusGoingAway {
		t.Fatalf("the first viewer got %v at Stop sharing, want a 1001 close", err)
	}
}

type answerPrompter struct {
	mu     sync.Mutex
	answer string
}

func (p *answerPrompter) set(a string) { p.mu.Lock(); p.answer = a; p.mu.Unlock() }

func (p *answerPrompter) Ask(context.Context, string, string, string) (string, bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.answer, true, nil
}

// A browser that does not open is said once, in a notification, with what
// to do; the status line goes on saying that sharing works.
func TestOneOffFailuresAreNotifications(t *testing.T) {
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: echoTarget(t)})
	h.opener.err = &exec.ExitError{ProcessState: exitStatus(t, 4)}
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing"))
	h.click("Open in browser")
	h.waitNote("The browser could not be opened: open http://localhost:" + strconv.Itoa(port) + "/ yourself")
	if s := h.tray.status(); !strings.HasPrefix(s, "Sharing") || h.tray.currentIcon() != icons.Sharing {
		t.Fatalf("status %q icon %v after a one-off failure", s, h.tray.currentIcon())
	}
	h.opener.err = &exec.ExitError{ProcessState: exitStatus(t, 3)}
	h.click("Recordings…")
	h.waitNote("No program to open the browser was found: open http://127.0.0.1:")
	for _, n := range h.notes.list() {
		if strings.Contains(n, "exit status") {
			t.Fatalf("a notification says %q", n)
		}
	}
}

// exitStatus runs a shell that exits with code, for a real ExitError.
func exitStatus(t *testing.T, code int) *os.ProcessState {
	err := exec.Command("sh", "-c", "exit "+strconv.Itoa(code)).Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("sh: %v", err)
	}
	return exit.ProcessState
}

func TestQuitSaysHowManyViewersWereDisconnected(t *testing.T) {
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: echoTarget(t)})
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing"))
	a, b := echoThrough(t, port), echoThrough(t, port)
	defer a.Close()
	defer b.Close()
	h.waitStatus("two viewers", func(s string) bool { return strings.HasSuffix(s, "— 2 viewers") })
	h.click("Quit")
	h.waitNote("2 viewers were disconnected when vncbridge quit")
}

func TestShareWhenVncbridgeStarts(t *testing.T) {
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: echoTarget(t)})
	h.click("Run in background", "Share when vncbridge starts")
	h.waitStatus("the choice saved", func(string) bool { s, _ := loadSettings(h.paths); return s.ShareOnStart })
	h.app.Quit()
	<-h.done
	h.done <- nil
	// The next start shares at once.
	s, _ := loadSettings(h.paths)
	h2 := &harness{t: t, tray: &fakeTray{}, paths: h.paths, done: make(chan error, 1)}
	h2.app = newApp(config{paths: h.paths, detect: savedAnswer}, h2.tray)
	go func() { h2.done <- h2.app.Run(context.Background()) }()
	t.Cleanup(func() { h2.app.Quit(); <-h2.done })
	h2.waitStatus("sharing at start", prefix("Sharing "+s.Target))
	echoThrough(t, port).Close()
}

// Between menu openings the service is watched cheaply: the service manager
// is asked again when its definition file changes, not at every round.
func TestServiceWatchAsksOnlyOnAChange(t *testing.T) {
	if _, known := platform.listeningPorts(); !known {
		t.Skip("this system does not tell which ports listen: the service manager is asked every round")
	}
	unit := filepath.Join(t.TempDir(), "vncbridge.service")
	h := startApp(t, settings{Port: freePort(t), Target: echoTarget(t)}, func(o *config) {
		o.every = 20 * time.Millisecond
		o.serviceFiles = []string{unit}
	})
	time.Sleep(300 * time.Millisecond) // some fifteen rounds
	if n := h.service.timesAsked(); n > 2 {
		t.Fatalf("the service manager was asked %d times with nothing changed", n)
	}
	h.service.set(true, true) // installed and started behind the tray's back
	os.WriteFile(unit, []byte("[Unit]\n"), 0o644)
	h.waitStatus("the service seen running", func(s string) bool { return strings.Contains(s, "(background service)") })
	if _, ok := h.item("Run in background", "Install as service"); ok {
		t.Fatal("Install as service offered while the service runs")
	}
}

// The rounds between menu openings look for VNC servers, not for the
// program that can serve this desktop (a search of PATH): the menu's
// opening does that.
func TestRoundsDoNotSearchForTheDesktopProgram(t *testing.T) {
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

// A service installed with another settings directory shares on its own
// port: the tray says that one, and opens it.
func TestRunningServiceWithOtherSettingsIsShownAsItIs(t *testing.T) {
	other := t.TempDir()
	if err := saveSettings(Paths{Dir: other}, settings{Port: 22086, Target: "localhost:5901"}); err != nil {
		t.Fatal(err)
	}
	svc := &fakeService{st: ServiceState{Installed: true, Running: true, ConfigDir: other}}
	h := startApp(t, settings{Port: 22082, Target: "localhost:5900"}, func(o *config) { o.service = svc })
	h.waitStatus("the service's own settings", func(s string) bool {
		return s == "Sharing localhost:5901 at http://localhost:22086 (background service)"
	})
	h.click("Open in browser")
	waitList(t, &h.opener.recorder, "http://localhost:22086/")
}

// A new port that is busy is refused while sharing: the share goes on where
// it was, the status says so truly, and nothing is saved.
func TestBusyNewPortKeepsTheShare(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	busyPort := busy.Addr().(*net.TCPAddr).Port
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: echoTarget(t)}, func(o *config) {
		o.prompter = fakePrompter{answer: strconv.Itoa(busyPort)}
	})
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing"))
	viewer := echoThrough(t, port)
	defer viewer.Close()
	h.click("Listen port", "Other…")
	h.waitNote("Port " + strconv.Itoa(busyPort) + " is in use")
	if s := h.tray.status(); !strings.Contains(s, "localhost:"+strconv.Itoa(port)+" —") {
		t.Fatalf("status %q, want the share on port %d still", s, port)
	}
	if s, _ := loadSettings(h.paths); s.Port != port {
		t.Fatalf("saved port %d, want %d", s.Port, port)
	}
	echoThrough(t, port).Close()
}

// noDesktop is a system where vncbridge cannot serve the desktop itself,
// with no advice to give: the tests of other things see no change.
func noDesktop() (localvnc.Program, bool, localvnc.Advice) {
	return localvnc.Program{}, false, localvnc.Advice{}
}
