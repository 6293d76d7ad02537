package app

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"

	"vncbridge/internal/testnet"
)

// fakes of the desktop

type fakeTray struct {
	mu   sync.Mutex
	icon Icon
	tip  string
	menu []MenuItem
	n    int
}

func (f *fakeTray) Show(icon Icon, tip string, menu []MenuItem) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.icon, f.tip, f.menu = icon, tip, menu
	f.n++
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
	mu sync.Mutex
	st ServiceState
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
	return f.st
}

type fakeAutostart struct{ on bool }

func (f *fakeAutostart) Enabled() bool            { return f.on }
func (f *fakeAutostart) SetEnabled(on bool) error { f.on = on; return nil }

// the harness

type harness struct {
	t       *testing.T
	app     *App
	tray    *fakeTray
	opener  *fakeOpener
	clip    *fakeClipboard
	service *fakeService
	paths   Paths
	done    chan error
}

func freePort(t *testing.T) int { return testnet.FreePort(t) }

// echoTarget is a TCP server that echoes, standing for a VNC server.
func echoTarget(t *testing.T) string { return testnet.Echo(t) }

func startApp(t *testing.T, s Settings, tweak ...func(*Options)) *harness {
	t.Helper()
	h := &harness{t: t, tray: &fakeTray{}, opener: &fakeOpener{}, clip: &fakeClipboard{}, service: &fakeService{},
		paths: testPaths(t), done: make(chan error, 1)}
	if err := SaveSettings(h.paths, s); err != nil {
		t.Fatal(err)
	}
	opt := Options{
		Paths: h.paths, Version: "test", Tray: h.tray, Opener: h.opener, Clipboard: h.clip,
		Prompter: fakePrompter{err: errNoDialog}, Autostart: &fakeAutostart{}, Service: h.service,
		Detect: func(context.Context, []string) []FoundServer { return nil },
	}
	for _, f := range tweak {
		f(&opt)
	}
	h.app = New(opt)
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

func (h *harness) waitStatus(what string, ok func(string) bool) string {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := h.tray.status()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("waiting for %s; status is %q", what, s)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (h *harness) click(id string) {
	h.t.Helper()
	if _, ok := findItem(h.menu(), id); !ok {
		h.t.Fatalf("no menu item %q", id)
	}
	h.app.Click(id)
}

func (h *harness) menu() []MenuItem {
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
	h := startApp(t, Settings{Port: port, Target: echoTarget(t)})
	h.waitStatus("Stopped", prefix("Stopped"))
	h.click(idStart)
	h.waitStatus("sharing", prefix("Sharing"))
	c := echoThrough(t, port)
	h.waitStatus("one viewer", func(s string) bool { return strings.HasSuffix(s, "— 1 viewer") })
	if h.tray.icon != IconSharing {
		t.Fatalf("icon %v", h.tray.icon)
	}
	c.Close()
	h.waitStatus("no viewers", func(s string) bool { return strings.HasSuffix(s, "— no viewers") })
	h.click(idStop)
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
	h := startApp(t, Settings{Port: port, Target: echoTarget(t)})
	h.click(idStart)
	want := "Port " + strconv.Itoa(port) + " is in use"
	h.waitStatus(want, prefix(want))
	if h.tray.icon != IconError {
		t.Fatalf("icon %v, want the error icon", h.tray.icon)
	}
}

func TestChangingPortWhileSharingMovesTheListener(t *testing.T) {
	target := echoTarget(t)
	h := startApp(t, Settings{Port: freePort(t), Target: target})
	h.click(idStart)
	h.waitStatus("sharing", prefix("Sharing"))
	newPort := freePort(t)
	h.app.Click(idPortPrefix + strconv.Itoa(newPort))
	h.waitStatus("sharing on the new port", func(s string) bool { return strings.Contains(s, ":"+strconv.Itoa(newPort)+" —") })
	echoThrough(t, newPort).Close()
	saved, _ := LoadSettings(h.paths)
	if saved.Port != newPort {
		t.Fatalf("saved port %d, want %d", saved.Port, newPort)
	}
	if p, ok := findItem(h.menu(), idPortPrefix+strconv.Itoa(newPort)); !ok || !p.Checked {
		t.Fatalf("new port not checked in the menu: %+v", p)
	}
}

func TestTargetChoiceAndOtherWithoutDialog(t *testing.T) {
	first, second := echoTarget(t), echoTarget(t)
	port := freePort(t)
	h := startApp(t, Settings{Port: port, Target: first}, func(o *Options) {
		o.Detect = func(context.Context, []string) []FoundServer { return []FoundServer{{Addr: second, Version: "3.8"}} }
	})
	h.waitStatus("the found server in the menu", func(string) bool { _, ok := findItem(h.menu(), idTargetPrefix+second); return ok })
	h.click(idTargetPrefix + second)
	h.waitStatus("the new target", func(string) bool { it, _ := findItem(h.menu(), idTargetPrefix+second); return it.Checked })
	if s, _ := LoadSettings(h.paths); s.Target != second || s.RecentTargets[1] != first {
		t.Fatalf("saved %+v", s)
	}
	// No native dialog: "Other…" opens the settings page; posting it sets the target.
	h.click(idTargetOther)
	deadline := time.Now().Add(5 * time.Second)
	for len(h.opener.list()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	pages := h.opener.list()
	if len(pages) != 1 || !strings.HasPrefix(pages[0], "http://127.0.0.1:") {
		t.Fatalf("opened %v, want the settings page", pages)
	}
	third := echoTarget(t)
	postSettings(t, pages[0], "", map[string]string{"port": strconv.Itoa(port), "target": third}, 303)
	h.waitStatus("the target from the page", func(string) bool { s, _ := LoadSettings(h.paths); return s.Target == third })
}

func TestOtherPortWithDialog(t *testing.T) {
	port := freePort(t)
	h := startApp(t, Settings{Port: freePort(t), Target: echoTarget(t)}, func(o *Options) {
		o.Prompter = fakePrompter{answer: " " + strconv.Itoa(port) + " "}
	})
	h.click(idPortOther)
	h.waitStatus("the asked port", func(string) bool { s, _ := LoadSettings(h.paths); return s.Port == port })
	h2 := startApp(t, DefaultSettings(), func(o *Options) { o.Prompter = fakePrompter{answer: "seventy"} })
	h2.click(idPortOther)
	h2.waitStatus("the refusal", func(s string) bool { return strings.Contains(s, `"seventy" is not a port`) })
}

func TestRecordingWritesAFile(t *testing.T) {
	port := freePort(t)
	h := startApp(t, Settings{Port: port, Target: echoTarget(t)})
	h.click(idRecord)
	h.click(idStart)
	h.waitStatus("sharing", prefix("Sharing"))
	echoThrough(t, port).Close()
	var files []string
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		files, _ = filepath.Glob(filepath.Join(h.paths.Recordings, "session-*"))
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
	h.click(idRecordings)
	waitList(t, &h.opener.recorder, h.paths.Recordings)
}

func waitList(t *testing.T, r *recorder, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		for _, g := range r.list() {
			if g == want {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("got %q, want %q among them", r.list(), want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestOpenInBrowserStartsSharing(t *testing.T) {
	port := freePort(t)
	h := startApp(t, Settings{Port: port, Target: echoTarget(t)})
	h.click(idOpen)
	waitList(t, &h.opener.recorder, "http://localhost:"+strconv.Itoa(port)+"/")
	h.waitStatus("sharing", prefix("Sharing"))
}

func TestRemoteAccessNeedsTLSAndTheToken(t *testing.T) {
	port := freePort(t)
	h := startApp(t, Settings{Port: port, Target: echoTarget(t)})
	h.click(idRemote)
	h.click(idStart)
	h.waitStatus("sharing", prefix("Sharing"))
	s, _ := LoadSettings(h.paths)
	if !s.AllowRemote || len(s.Token) < 20 {
		t.Fatalf("settings %+v", s)
	}
	h.click(idCopyLink)
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
	h.click(idStop)
	h.click(idRemote)
	h.click(idRemote)
	h.waitStatus("a new token", func(string) bool { s2, _ := LoadSettings(h.paths); return s2.Token != s.Token && s2.AllowRemote })
}

func TestServiceRunningTakesOverStartStop(t *testing.T) {
	h := startApp(t, Settings{Port: freePort(t), Target: echoTarget(t)})
	h.click(idSvcInstall)
	h.waitStatus("the service installed", func(string) bool { _, ok := findItem(h.menu(), idSvcUninstall); return ok })
	h.click(idStart) // installed, stopped: Start sharing starts the service
	h.waitStatus("the service running", func(s string) bool { return strings.Contains(s, "background service") })
	if h.app.share != nil {
		t.Fatal("a second proxy runs beside the service")
	}
	h.click(idStop)
	h.waitStatus("stopped", prefix("Stopped"))
	h.click(idSvcUninstall)
	h.waitStatus("uninstalled", func(string) bool { _, ok := findItem(h.menu(), idSvcInstall); return ok })
	if got := strings.Join(h.service.list(), ","); got != "install,start,stop,uninstall" {
		t.Fatalf("service calls %s", got)
	}
}

func TestServiceFailureIsShown(t *testing.T) {
	h := startApp(t, DefaultSettings(), func(o *Options) { o.Service = failingService{} })
	h.click(idSvcInstall)
	h.waitStatus("the failure", func(s string) bool { return strings.Contains(s, "Service install: needs rights") })
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
	h := startApp(t, Settings{Port: port, Target: echoTarget(t)}, func(o *Options) { o.Autostart = auto })
	h.click(idLogin)
	h.waitStatus("checked", func(string) bool { it, _ := findItem(h.menu(), idLogin); return it.Checked })
	if !auto.Enabled() {
		t.Fatal("autostart not enabled")
	}
	h.click(idStart)
	h.waitStatus("sharing", prefix("Sharing"))
	c := echoThrough(t, port)
	h.click(idQuit)
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
	h := startApp(t, Settings{Port: port, Target: echoTarget(t)}, func(o *Options) { o.Headless = true })
	h.waitStatus("sharing", prefix("Sharing"))
	echoThrough(t, port).Close()
}

func TestFirstRunSharesTheServerFound(t *testing.T) {
	found := FoundServer{Addr: "localhost:5903", Version: "3.8"}
	h := &harness{t: t, tray: &fakeTray{}, opener: &fakeOpener{}, paths: testPaths(t), done: make(chan error, 1)}
	h.app = New(Options{Paths: h.paths, Tray: h.tray, Opener: h.opener,
		Detect: func(context.Context, []string) []FoundServer { return []FoundServer{found} }})
	go func() { h.done <- h.app.Run(context.Background()) }()
	t.Cleanup(func() { h.app.Quit(); <-h.done })
	h.waitStatus("the found server chosen", func(string) bool {
		it, ok := findItem(h.menu(), idTargetPrefix+found.Addr)
		return ok && it.Checked
	})
	// Not on later runs: a saved target stays.
	p := testPaths(t)
	SaveSettings(p, DefaultSettings())
	h2 := &harness{t: t, tray: &fakeTray{}, paths: p, done: make(chan error, 1)}
	h2.app = New(Options{Paths: p, Tray: h2.tray, Detect: func(context.Context, []string) []FoundServer { return []FoundServer{found} }})
	go func() { h2.done <- h2.app.Run(context.Background()) }()
	t.Cleanup(func() { h2.app.Quit(); <-h2.done })
	h2.waitStatus("the found server listed", func(string) bool { _, ok := findItem(h2.menu(), idTargetPrefix+found.Addr); return ok })
	if it, _ := findItem(h2.menu(), idTargetPrefix+found.Addr); it.Checked {
		t.Fatal("a saved target was replaced by the server found")
	}
}

func TestMissingDesktopPartsAreSaidNotPanicked(t *testing.T) {
	h := &harness{t: t, tray: &fakeTray{}, paths: testPaths(t), done: make(chan error, 1)}
	h.app = New(Options{Paths: h.paths, Tray: h.tray, Detect: func(context.Context, []string) []FoundServer { return nil }})
	go func() { h.done <- h.app.Run(context.Background()) }()
	t.Cleanup(func() { h.app.Quit(); <-h.done })
	h.waitStatus("the menu", func(s string) bool { return s != "" })
	for id, want := range map[string]string{idSvcInstall: "No service manager", idLogin: "Start at login is not available",
		idRecordings: "No browser"} {
		h.app.Click(id)
		h.waitStatus(want, func(s string) bool { return strings.HasPrefix(s, want) })
	}
}
