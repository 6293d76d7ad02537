//go:build linux

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"vncbridge/internal/testnet"
)

// The real tray, on a private session bus: the test plays the panel (the
// StatusNotifierWatcher), reads the menu with com.canonical.dbusmenu and
// clicks it, as a desktop's tray host does.

// sessionBus starts a private dbus-daemon and returns its address.
func sessionBus(t *testing.T) string {
	t.Helper()
	daemon := testnet.RequireTools(t, "dbus-daemon")
	addr := "unix:path=" + filepath.Join(t.TempDir(), "bus")
	cmd := exec.Command(daemon, "--session", "--nofork", "--nopidfile", "--address="+addr)
	var out bytes.Buffer
	cmd.Stderr = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	testnet.WaitFor(t, "dbus-daemon to come up", func() bool {
		c, err := dbus.Connect(addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return addr
}

// watcher plays org.kde.StatusNotifierWatcher: it records who registers.
type watcher struct {
	mu    sync.Mutex
	items []string // bus names of registered items
}

func (w *watcher) RegisterStatusNotifierItem(sender dbus.Sender, service string) *dbus.Error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.items = append(w.items, string(sender))
	return nil
}

func (w *watcher) item() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.items) == 0 {
		return ""
	}
	return w.items[len(w.items)-1]
}

// panel is the test's side of the bus.
type panel struct {
	conn *dbus.Conn
	w    *watcher
	// out is what the tray said, when the test has told the panel
	// (follow): there a click on an item just replaced shows as lost.
	out *testnet.LogBuffer
}

// follow lets the panel read what tray says, to click again when a click
// went to an item that a rebuild of the menu had just replaced.
func (p *panel) follow(tray *started) { p.out = tray.out }

func newPanel(t *testing.T, addr string) *panel {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	w := &watcher{}
	if err := conn.Export(w, "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher"); err != nil {
		t.Fatal(err)
	}
	if reply, err := conn.RequestName("org.kde.StatusNotifierWatcher", dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("owning the watcher's name: %v %v", reply, err)
	}
	return &panel{conn: conn, w: w}
}

// entry is a dbusmenu item.
type entry struct {
	id       int32
	label    string
	enabled  bool
	checked  bool
	children []entry
}

func decodeEntry(v []any) entry {
	e := entry{id: v[0].(int32), enabled: true}
	props := v[1].(map[string]dbus.Variant)
	if l, ok := props["label"]; ok {
		e.label, _ = l.Value().(string)
	}
	if en, ok := props["enabled"]; ok {
		e.enabled, _ = en.Value().(bool)
	}
	if ts, ok := props["toggle-state"]; ok {
		n, _ := ts.Value().(int32)
		e.checked = n == 1
	}
	for _, c := range v[2].([]dbus.Variant) {
		e.children = append(e.children, decodeEntry(c.Value().([]any)))
	}
	return e
}

// menu reads the whole menu of the registered item. The first GetLayout
// after a menu is rebuilt answers one level only (fyne.io/systray does so
// for GTK hosts), so it asks twice, as those hosts end up doing.
func (p *panel) menu(t *testing.T) entry {
	t.Helper()
	obj := p.conn.Object(p.w.item(), "/StatusNotifierItem/menu")
	var rev uint32
	var layout struct {
		ID       int32
		Props    map[string]dbus.Variant
		Children []dbus.Variant
	}
	for range 2 {
		if err := obj.Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{}).Store(&rev, &layout); err != nil {
			t.Fatalf("GetLayout: %v", err)
		}
	}
	return decodeEntry([]any{layout.ID, layout.Props, layout.Children})
}

// sharing tells whether the menu says that target is shared: the status
// says sharing and the target is the one checked in the Target menu. The
// status names the target only until the tray finds that it does not
// greet like a VNC server (the echo servers of these tests do not): then
// it says there is nothing to share ("Nothing to share at … — no VNC
// server answers at …"), while the share still listens.
func (e entry) sharing(target string) bool {
	if !e.listening() {
		return false
	}
	targets, _ := e.path("Target VNC server")
	for _, c := range targets.children {
		if c.checked && (c.label == target || strings.HasPrefix(c.label, target+" ")) {
			return true
		}
	}
	return false
}

// listening tells whether the status says a share listens: sharing, or
// with nothing to share behind it (the tests' echo servers never greet).
func (e entry) listening() bool {
	return strings.HasPrefix(e.status(), "Sharing ") || strings.HasPrefix(e.status(), "Nothing to share ")
}

func (e entry) status() string {
	if len(e.children) == 0 {
		return ""
	}
	return e.children[0].label
}

// click clicks the item at the labels' path ("Listen port", "Other…").
func (p *panel) click(t *testing.T, labels ...string) {
	t.Helper()
	for try := 1; ; try++ {
		m := p.waitMenu(t, fmt.Sprintf("menu item %q", labels), func(m entry) bool { _, ok := m.path(labels...); return ok })
		e, _ := m.path(labels...)
		obj := p.conn.Object(p.w.item(), "/StatusNotifierItem/menu")
		if err := obj.Call("com.canonical.dbusmenu.Event", 0, e.id, "clicked", dbus.MakeVariant(""), uint32(time.Now().Unix())).Err; err != nil {
			t.Fatalf("clicking %q: %v", labels, err)
		}
		// The tray handles the event before it answers, and says so when
		// the item is gone (the menu was rebuilt in between): click again.
		lost := p.out != nil && strings.Contains(p.out.String(), fmt.Sprintf("no menu item with ID %d\n", e.id))
		if !lost {
			return
		}
		if try == 5 {
			t.Fatalf("clicking %q: lost %d times to a rebuild of the menu", labels, try)
		}
	}
}

func dump(e entry, indent string) string {
	s := ""
	for _, c := range e.children {
		s += fmt.Sprintf("\n%s%q enabled=%v checked=%v", indent, c.label, c.enabled, c.checked) + dump(c, indent+"  ")
	}
	return s
}

// waitMenu waits until cond holds for a menu that has not changed for a
// moment. A menu whose shape changes (a viewer joining, the status of the
// target) is rebuilt an item at a time, with new item IDs: read while it
// changes, it may lack items it will have, and its items may be about to
// be replaced.
func (p *panel) waitMenu(t *testing.T, what string, cond func(entry) bool) entry {
	t.Helper()
	var m entry
	defer func() {
		if t.Failed() {
			t.Logf("the menu:%s", dump(m, "  "))
		}
	}()
	last, since := "", time.Now()
	testnet.WaitFor(t, what+" in a still menu", func() bool {
		if p.w.item() == "" {
			return false
		}
		m = p.menu(t)
		if now := dump(m, ""); now != last {
			last, since = now, time.Now()
			return false
		}
		return time.Since(since) >= 100*time.Millisecond && cond(m)
	})
	return m
}

// path finds the item at the labels' path, from the top menu down.
func (e entry) path(labels ...string) (entry, bool) {
	for _, l := range labels {
		found := false
		for _, c := range e.children {
			if c.label == l {
				e, found = c, true
				break
			}
		}
		if !found {
			return entry{}, false
		}
	}
	return e, true
}

// aboutToShow calls AboutToShowGroup on the tray's menu as xfce4-panel does
// when the user opens it: for the root and the submenus, never the
// "opened" event.
func (p *panel) aboutToShow(t *testing.T) {
	t.Helper()
	m := p.menu(t)
	ids := []int32{m.id}
	for _, c := range m.children {
		if len(c.children) > 0 {
			ids = append(ids, c.id)
		}
	}
	obj := p.conn.Object(p.w.item(), "/StatusNotifierItem/menu")
	if err := obj.Call("com.canonical.dbusmenu.AboutToShowGroup", 0, ids).Err; err != nil {
		t.Fatalf("AboutToShowGroup: %v", err)
	}
}

// openedAddresses reads what the fake xdg-open was given, one line each:
// the tray gives it files that lead the browser to an address (no address
// may be in a program's arguments, where every user can read it), and
// these are read for the address; folders stay as they are.
func openedAddresses(t *testing.T, opened string) []byte {
	t.Helper()
	b, _ := os.ReadFile(opened)
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if strings.Contains(line, "://") {
			t.Errorf("an address in xdg-open's arguments: %s", line)
		}
		if !strings.HasSuffix(line, ".html") {
			out = append(out, line)
			continue
		}
		page, err := os.ReadFile(line)
		if m := regexp.MustCompile(`content="0;url=([^"]+)"`).FindSubmatch(page); err == nil && m != nil {
			out = append(out, html.UnescapeString(string(m[1])))
		}
	}
	return []byte(strings.Join(out, "\n"))
}

// fakeDesktop writes the programs the tray calls out to: xdg-open (records
// what it was asked to open) and zenity (answers the dialog with the
// contents of a file).
func fakeDesktop(t *testing.T) (binDir, opened, answer string) {
	t.Helper()
	binDir = t.TempDir()
	opened = filepath.Join(binDir, "opened.txt")
	answer = filepath.Join(binDir, "answer.txt")
	os.WriteFile(filepath.Join(binDir, "xdg-open"), []byte("#!/bin/sh\necho \"$1\" >> "+opened+"\n"), 0o755)
	os.WriteFile(filepath.Join(binDir, "zenity"), []byte("#!/bin/sh\ncat "+answer+"\n"), 0o755)
	return binDir, opened, answer
}

// trayEnv is the environment of a tray on bus with the fake desktop
// programs of binDir first in PATH and no desktop session: with one, a
// target where nothing answers (the echo servers) would be replaced by this
// desktop. The locale is C, so the tray speaks English whatever the
// machine's language. more is added last, so it overrides these.
func trayEnv(t *testing.T, bus, binDir string, more ...string) []string {
	return append([]string{"DBUS_SESSION_BUS_ADDRESS=" + bus, "PATH=" + binDir + ":" + os.Getenv("PATH"),
		"HOME=" + t.TempDir(), "XDG_CONFIG_HOME=" + t.TempDir(), "DISPLAY=", "WAYLAND_DISPLAY=",
		"LANG=C.UTF-8", "LC_ALL=", "LC_MESSAGES=", "LANGUAGE="}, more...)
}

// startTray runs the tray binary in env (see trayEnv) with the settings in
// a new config directory.
func startTray(t *testing.T, env []string, settings map[string]any, args ...string) (config string, s *started) {
	t.Helper()
	config = t.TempDir()
	if _, ok := settings["token"]; !ok {
		settings["token"] = shareToken
	}
	b, _ := json.Marshal(settings)
	os.WriteFile(filepath.Join(config, "settings.json"), b, 0o600)
	return config, startEnv(t, env, binary, append([]string{"--config-dir", config}, args...)...)
}

func TestTrayOnARealSessionBus(t *testing.T) {
	bus := sessionBus(t)
	p := newPanel(t, bus)
	binDir, opened, answer := fakeDesktop(t)
	port := freeAddr(t)[len("127.0.0.1:"):]
	target := echoServer(t)
	config, tray := startTray(t, trayEnv(t, bus, binDir), map[string]any{"port": mustAtoi(t, port), "target": target, "token": shareToken})
	p.follow(tray)
	newPort := freeAddr(t)[len("127.0.0.1:"):]
	second := echoServer(t)
	var kept *testnet.Viewer // a viewer that stays through every change of the settings

	step := func(name string, f func(t *testing.T)) {
		if !t.Run(name, f) {
			t.FailNow()
		}
	}
	step("registers and shows Stopped", func(t *testing.T) {
		// The menu is built an item at a time: wait for all of it.
		p.waitMenu(t, "Stopped, and Start sharing", func(m entry) bool {
			_, ok := m.path("Start sharing")
			return m.status() == "Stopped" && ok
		})
	})
	step("Start sharing relays a WebSocket to the target", func(t *testing.T) {
		p.click(t, "Start sharing")
		p.waitMenu(t, "sharing", func(m entry) bool { return m.sharing(target) })
		conn, err := net.Dial("tcp", "127.0.0.1:"+port)
		if err != nil {
			t.Fatal(err)
		}
		shareEchoThrough(t, conn, "through the tray")
		conn, err = net.Dial("tcp", "127.0.0.1:"+port)
		if err != nil {
			t.Fatal(err)
		}
		kept = testnet.OpenViewerAt(t, conn, "/websockify?token="+shareToken)
		kept.Echo(t, "a viewer that stays")
	})
	step("Listen port ▸ Other… moves the listener", func(t *testing.T) {
		os.WriteFile(answer, []byte(newPort+"\n"), 0o644)
		p.click(t, "Listen port", "Other…")
		m := p.waitMenu(t, "the new port", func(m entry) bool { return strings.Contains(m.status(), "localhost:"+newPort+" ") })
		if e, ok := m.path("Listen port", newPort); !ok || !e.checked {
			t.Fatalf("port %s not checked:%s", newPort, dump(m, ""))
		}
		conn, err := net.Dial("tcp", "127.0.0.1:"+newPort)
		if err != nil {
			t.Fatal(err)
		}
		shareEchoThrough(t, conn, "on the new port")
		kept.Echo(t, "still here after the port change")
	})
	step("Target VNC server ▸ Other… changes the target", func(t *testing.T) {
		os.WriteFile(answer, []byte(second+"\n"), 0o644)
		p.click(t, "Target VNC server", "Other…")
		p.waitMenu(t, "the new target", func(m entry) bool { return m.sharing(second) })
		kept.Echo(t, "still here after the target change")
	})
	step("Record sessions writes a file", func(t *testing.T) {
		p.click(t, "Record sessions")
		p.waitMenu(t, "recording on", func(m entry) bool { e, _ := m.path("Record sessions"); return e.checked })
		conn, err := net.Dial("tcp", "127.0.0.1:"+newPort)
		if err != nil {
			t.Fatal(err)
		}
		shareEchoThrough(t, conn, "recorded")
		kept.Echo(t, "still here after recording was turned on")
		testnet.WaitFor(t, "a recording", func() bool {
			files, _ := filepath.Glob(filepath.Join(config, "recordings", "session-*"))
			for _, f := range files {
				if b, _ := os.ReadFile(f); bytes.Contains(b, []byte("recorded")) {
					return true
				}
			}
			return false
		})
	})
	step("Recordings… opens the recordings page on loopback, with the recording", func(t *testing.T) {
		p.click(t, "Recordings…")
		var page string
		testnet.WaitFor(t, "the recordings page opened", func() bool {
			b := openedAddresses(t, opened)
			page = regexp.MustCompile(`http://127\.0\.0\.1:\d+/[0-9a-f]{32}/`).FindString(string(b))
			return page != ""
		})
		resp, err := http.Get(page + "api/recordings")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !bytes.Contains(body, []byte(`.vncrec"`)) || !bytes.Contains(body, []byte(`"sidecar":true`)) {
			t.Fatalf("the list: %d %s", resp.StatusCode, body)
		}
	})
	step("Open in browser runs the opener with the viewer's address", func(t *testing.T) {
		p.click(t, "Open in browser")
		testnet.WaitFor(t, "the browser", func() bool {
			b := openedAddresses(t, opened)
			return strings.Contains(string(b), "http://localhost:"+newPort+"/")
		})
	})
	step("a second launch asks this one to open the browser", func(t *testing.T) {
		second2 := exec.Command(binary, "--config-dir", config)
		second2.Env = tray.cmd.Env
		if b, err := second2.CombinedOutput(); err != nil || !strings.Contains(string(b), "already running") {
			t.Fatalf("second launch: %v %s", err, b)
		}
		testnet.WaitFor(t, "the browser, twice", func() bool {
			b := openedAddresses(t, opened)
			return strings.Count(string(b), "http://localhost:"+newPort+"/") == 2
		})
	})
	step("Quit stops sharing and exits cleanly", func(t *testing.T) {
		p.click(t, "Quit")
		select {
		case <-tray.exited:
			if tray.err != nil {
				t.Fatalf("exit: %v", tray.err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the tray did not quit")
		}
		if c, err := net.Dial("tcp", "127.0.0.1:"+newPort); err == nil {
			c.Close()
			t.Fatal("still listening after Quit")
		}
		var saved map[string]any
		b, _ := os.ReadFile(filepath.Join(config, "settings.json"))
		json.Unmarshal(b, &saved)
		if saved["port"] != float64(mustAtoi(t, newPort)) || saved["target"] != second || saved["record"] != true {
			t.Fatalf("saved settings %s", b)
		}
	})
}

// xfce4-panel opens the menu with AboutToShowGroup alone: the tray must
// look again then (here: a VNC server on another host that appeared since
// the last look), as it does for the "opened" event of other panels.
func TestAboutToShowGroupRefreshes(t *testing.T) {
	bus := sessionBus(t)
	p := newPanel(t, bus)
	binDir, _, _ := fakeDesktop(t)
	// 127.0.0.2 is this computer, but not "localhost" to the tray: a host
	// it greets only when the menu opens.
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("no 127.0.0.2 here: %v", err)
	}
	remote := ln.Addr().String()
	ln.Close()
	_, tray := startTray(t, trayEnv(t, bus, binDir), map[string]any{"port": testnet.FreePort(t), "target": remote}, "-v")
	p.follow(tray)
	p.waitMenu(t, "the menu, without the server", func(m entry) bool {
		e, ok := m.path("Target VNC server", remote+" (saved)")
		return ok && e.checked
	})
	testnet.WaitFor(t, "the first look, at start", func() bool {
		return strings.Contains(tray.out.String(), `msg="looked for VNC servers" everywhere=true`)
	})
	// A VNC server that greets and keeps the connection open a while, as
	// one does during a probe; the sleep is its life, not a wait.
	testnet.Serve(t, "tcp", remote, func(c net.Conn) { c.Write([]byte("RFB 003.008\n")); time.Sleep(time.Second); c.Close() })
	p.aboutToShow(t)
	p.waitMenu(t, "the server found after AboutToShowGroup", func(m entry) bool {
		_, ok := m.path("Target VNC server", remote+" (RFB 3.8)")
		return ok
	})
}

func TestNoTrayHostRunsHeadless(t *testing.T) {
	bus := sessionBus(t) // a bus with no StatusNotifierWatcher
	config := t.TempDir()
	addr := freeAddr(t)
	target := echoServer(t)
	settings, _ := json.Marshal(map[string]any{"port": mustAtoi(t, addr[len("127.0.0.1:"):]), "target": target, "token": shareToken})
	os.WriteFile(filepath.Join(config, "settings.json"), settings, 0o600)
	for _, args := range [][]string{{"--config-dir", config}, {"--headless", "--config-dir", config}} {
		p := startEnv(t, []string{"DBUS_SESSION_BUS_ADDRESS=" + bus}, binary, args...)
		out := p.out
		testnet.WaitFor(t, "the address printed", func() bool {
			return strings.Contains(out.String(), "open http://localhost:"+addr[len("127.0.0.1:"):]+"/")
		})
		if len(args) == 2 && !strings.Contains(out.String(), "running without a tray icon") {
			t.Errorf("no word of the missing tray:\n%s", out.String())
		}
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		shareEchoThrough(t, conn, "headless")
		p.cmd.Process.Signal(os.Interrupt)
		if code := p.exitCode(t); code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, code, out)
		}
	}
}

func mustAtoi(t *testing.T, s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
