//go:build linux

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// The real tray, on a private session bus: the test plays the panel (the
// StatusNotifierWatcher), reads the menu with com.canonical.dbusmenu and
// clicks it, as a desktop's tray host does.

// sessionBus starts a private dbus-daemon and returns its address.
func sessionBus(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("dbus-daemon"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("dbus-daemon is missing (scripts/deps.sh installs it)")
		}
		t.Skip("dbus-daemon is not installed (make deps installs it)")
	}
	addr := "unix:path=" + filepath.Join(t.TempDir(), "bus")
	cmd := exec.Command("dbus-daemon", "--session", "--nofork", "--nopidfile", "--address="+addr)
	var out bytes.Buffer
	cmd.Stderr = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := dbus.Connect(addr)
		if err == nil {
			c.Close()
			return addr
		}
		if time.Now().After(deadline) {
			t.Fatalf("dbus-daemon did not come up: %v\n%s", err, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
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
	t    *testing.T
	conn *dbus.Conn
	w    *watcher
}

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
	return &panel{t: t, conn: conn, w: w}
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
func (p *panel) menu() entry {
	p.t.Helper()
	obj := p.conn.Object(p.w.item(), "/StatusNotifierItem/menu")
	var rev uint32
	var layout struct {
		ID       int32
		Props    map[string]dbus.Variant
		Children []dbus.Variant
	}
	for range 2 {
		if err := obj.Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{}).Store(&rev, &layout); err != nil {
			p.t.Fatalf("GetLayout: %v", err)
		}
	}
	return decodeEntry([]any{layout.ID, layout.Props, layout.Children})
}

func (e entry) find(label string) (entry, bool) {
	for _, c := range e.children {
		if c.label == label {
			return c, true
		}
		if f, ok := c.find(label); ok {
			return f, true
		}
	}
	return entry{}, false
}

func (e entry) status() string {
	if len(e.children) == 0 {
		return ""
	}
	return e.children[0].label
}

// click clicks the item labelled label.
func (p *panel) click(label string) {
	p.t.Helper()
	e, ok := p.menu().find(label)
	if !ok {
		p.t.Fatalf("no menu item %q; the menu: %s", label, dump(p.menu(), ""))
	}
	obj := p.conn.Object(p.w.item(), "/StatusNotifierItem/menu")
	if err := obj.Call("com.canonical.dbusmenu.Event", 0, e.id, "clicked", dbus.MakeVariant(""), uint32(time.Now().Unix())).Err; err != nil {
		p.t.Fatalf("clicking %q: %v", label, err)
	}
}

func dump(e entry, indent string) string {
	s := ""
	for _, c := range e.children {
		s += fmt.Sprintf("\n%s%q enabled=%v checked=%v", indent, c.label, c.enabled, c.checked) + dump(c, indent+"  ")
	}
	return s
}

// waitMenu waits until cond holds for the menu.
func (p *panel) waitMenu(what string, cond func(entry) bool) entry {
	p.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if p.w.item() != "" {
			if m := p.menu(); cond(m) {
				return m
			}
		}
		if time.Now().After(deadline) {
			m := entry{}
			if p.w.item() != "" {
				m = p.menu()
			}
			p.t.Fatalf("waiting for %s; the menu:%s", what, dump(m, "  "))
		}
		time.Sleep(50 * time.Millisecond)
	}
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

func TestTrayOnARealSessionBus(t *testing.T) {
	bus := sessionBus(t)
	p := newPanel(t, bus)
	binDir, opened, answer := fakeDesktop(t)
	config := t.TempDir()
	port := freeAddr(t)[len("127.0.0.1:"):]
	target := echoServer(t)
	settings, _ := json.Marshal(map[string]any{"port": mustAtoi(t, port), "target": target})
	os.WriteFile(filepath.Join(config, "settings.json"), settings, 0o600)

	cmd := exec.Command(binary, "--config-dir", config)
	cmd.Env = append(os.Environ(), "DBUS_SESSION_BUS_ADDRESS="+bus, "PATH="+binDir+":"+os.Getenv("PATH"),
		"HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir())
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		if t.Failed() {
			t.Logf("the tray said:\n%s", out.String())
		}
	})

	m := p.waitMenu("the tray to register and show Stopped", func(m entry) bool { return m.status() == "Stopped" })
	if _, ok := m.find("Start sharing"); !ok {
		t.Fatalf("no Start sharing:%s", dump(m, ""))
	}

	// Start sharing: a WebSocket client reaches the TCP target through it.
	p.click("Start sharing")
	p.waitMenu("sharing", func(m entry) bool { return strings.HasPrefix(m.status(), "Sharing "+target) })
	conn, err := net.Dial("tcp", "127.0.0.1:"+port)
	if err != nil {
		t.Fatal(err)
	}
	echoThrough(t, conn, "through the tray")

	// Another port, asked with the (fake) dialog: the listener moves.
	newPort := freeAddr(t)[len("127.0.0.1:"):]
	os.WriteFile(answer, []byte(newPort+"\n"), 0o644)
	p.click("Other…") // the first Other… is the port's
	m = p.waitMenu("the new port", func(m entry) bool { return strings.Contains(m.status(), "localhost:"+newPort+" ") })
	if e, ok := m.find(newPort); !ok || !e.checked {
		t.Fatalf("port %s not checked:%s", newPort, dump(m, ""))
	}
	conn, err = net.Dial("tcp", "127.0.0.1:"+newPort)
	if err != nil {
		t.Fatal(err)
	}
	echoThrough(t, conn, "on the new port")

	// Another target, from the target menu's Other….
	second := echoServer(t)
	os.WriteFile(answer, []byte(second+"\n"), 0o644)
	targetMenu, _ := p.menu().find("Target VNC server")
	other, _ := targetMenu.find("Other…")
	obj := p.conn.Object(p.w.item(), "/StatusNotifierItem/menu")
	if err := obj.Call("com.canonical.dbusmenu.Event", 0, other.id, "clicked", dbus.MakeVariant(""), uint32(0)).Err; err != nil {
		t.Fatal(err)
	}
	p.waitMenu("the new target", func(m entry) bool { return strings.HasPrefix(m.status(), "Sharing "+second) })

	// Recording writes a file.
	p.click("Record sessions")
	p.waitMenu("recording on", func(m entry) bool { e, _ := m.find("Record sessions"); return e.checked })
	conn, err = net.Dial("tcp", "127.0.0.1:"+newPort)
	if err != nil {
		t.Fatal(err)
	}
	echoThrough(t, conn, "recorded")
	waitUntil(t, "a recording", func() bool {
		files, _ := filepath.Glob(filepath.Join(config, "recordings", "session-*"))
		if len(files) == 0 {
			return false
		}
		b, _ := os.ReadFile(files[0])
		return bytes.Contains(b, []byte("recorded"))
	})

	// Open in browser runs the opener with the viewer's address.
	p.click("Open in browser")
	waitUntil(t, "the browser", func() bool {
		b, _ := os.ReadFile(opened)
		return strings.Contains(string(b), "http://localhost:"+newPort+"/")
	})

	// A second launch asks this one to open the browser, and exits.
	second2 := exec.Command(binary, "--config-dir", config)
	second2.Env = cmd.Env
	if b, err := second2.CombinedOutput(); err != nil || !strings.Contains(string(b), "already running") {
		t.Fatalf("second launch: %v %s", err, b)
	}
	waitUntil(t, "the browser, twice", func() bool {
		b, _ := os.ReadFile(opened)
		return strings.Count(string(b), "http://localhost:"+newPort+"/") == 2
	})

	// Quit stops sharing and exits cleanly.
	p.click("Quit")
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v", err)
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
}

func TestNoTrayHostRunsHeadless(t *testing.T) {
	bus := sessionBus(t) // a bus with no StatusNotifierWatcher
	config := t.TempDir()
	addr := freeAddr(t)
	target := echoServer(t)
	settings, _ := json.Marshal(map[string]any{"port": mustAtoi(t, addr[len("127.0.0.1:"):]), "target": target})
	os.WriteFile(filepath.Join(config, "settings.json"), settings, 0o600)
	for _, args := range [][]string{{"--config-dir", config}, {"--headless", "--config-dir", config}} {
		cmd := exec.Command(binary, args...)
		cmd.Env = append(os.Environ(), "DBUS_SESSION_BUS_ADDRESS="+bus)
		var out syncBuffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waitUntil(t, "the address printed", func() bool {
			return strings.Contains(out.String(), "open http://localhost:"+addr[len("127.0.0.1:"):]+"/")
		})
		if len(args) == 2 && !strings.Contains(out.String(), "running without a tray icon") {
			t.Errorf("no word of the missing tray:\n%s", out.String())
		}
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		echoThrough(t, conn, "headless")
		cmd.Process.Signal(os.Interrupt)
		if err := cmd.Wait(); err != nil {
			t.Fatalf("%v: exit %v\n%s", args, err, out.String())
		}
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func mustAtoi(t *testing.T, s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
