//go:build linux

package main

import (
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"vncbridge/internal/testnet"
)

// greetingThrough opens a WebSocket to the proxy at addr and returns the
// first binary message: the VNC server's greeting.
func greetingThrough(t *testing.T, addr string) string {
	t.Helper()
	conn, br := testnet.OpenWebSocket(t, addr, "/websockify?token="+shareToken)
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	got := make([]byte, 14)
	if _, err := io.ReadFull(br, got); err != nil || got[0] != 0x82 || got[1] != 12 {
		t.Fatalf("first frame %q, %v", got, err)
	}
	return string(got[2:])
}

// startDesktopTray runs the tray on bus and display with a fresh config
// whose target has nothing behind it, and PATH as given (the fake desktop
// programs first).
func startDesktopTray(t *testing.T, bus, display, path string) (port string, tray *started) {
	t.Helper()
	rt, err := os.MkdirTemp("", "rt") // short: a socket's path has room for 107 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(rt) })
	n := testnet.FreePort(t)
	_, tray = startTray(t, trayEnv(t, bus, "", "PATH="+path, "XDG_RUNTIME_DIR="+rt, "DISPLAY="+display, "XDG_CURRENT_DESKTOP="),
		map[string]any{"port": n, "target": freeAddr(t)})
	return strconv.Itoa(n), tray
}

// The real tray on an X display with no VNC server: it picks this desktop,
// Start sharing runs x11vnc and the proxy reaches it, Stop sharing ends it.
func TestTrayServesThisDesktop(t *testing.T) {
	testnet.RequireTools(t, "x11vnc")
	display := testnet.StartXvfb(t, "-screen", "0", "320x240x24")
	bus := sessionBus(t)
	p := newPanel(t, bus)
	binDir, _, _ := fakeDesktop(t)
	port, tray := startDesktopTray(t, bus, display, binDir+":"+os.Getenv("PATH"))
	p.follow(tray)
	cmd := tray.cmd
	p.waitMenu(t, "this desktop picked", func(m entry) bool {
		e, ok := m.path("Target VNC server", "This desktop (x11vnc)")
		return ok && e.checked && m.status() == "Stopped"
	})
	if kids := testnet.ChildrenNamed(cmd.Process.Pid, "x11vnc"); len(kids) != 0 {
		t.Fatalf("x11vnc runs before sharing: %v", kids)
	}
	p.click(t, "Start sharing")
	p.waitMenu(t, "sharing this desktop", func(m entry) bool {
		return m.status() == "Sharing this desktop (x11vnc) at http://localhost:"+port+" — no viewers"
	})
	if g := greetingThrough(t, "127.0.0.1:"+port); !strings.HasPrefix(g, "RFB 003.") {
		t.Fatalf("greeting %q", g)
	}
	kids := testnet.ChildrenNamed(cmd.Process.Pid, "x11vnc")
	if len(kids) != 1 {
		t.Fatalf("x11vnc children while sharing: %v", kids)
	}
	p.click(t, "Stop sharing")
	p.waitMenu(t, "Stopped", func(m entry) bool { return m.status() == "Stopped" })
	testnet.WaitFor(t, "x11vnc ended", func() bool { return len(testnet.ChildrenNamed(cmd.Process.Pid, "x11vnc")) == 0 })
}

// Without x11vnc, Start sharing on a desktop target says how to install
// it, and the status line opens the help page with the command.
func TestTrayWithoutX11vncOpensTheHelpPage(t *testing.T) {
	display := testnet.StartXvfb(t, "-screen", "0", "320x240x24")
	bus := sessionBus(t)
	p := newPanel(t, bus)
	binDir, opened, _ := fakeDesktop(t)
	// Only the fake desktop programs: x11vnc is not found (/bin may be
	// /usr/bin, where it is).
	_, tray := startDesktopTray(t, bus, display, binDir)
	p.follow(tray)
	p.waitMenu(t, "Stopped", func(m entry) bool { return m.status() == "Stopped" })
	p.click(t, "Start sharing")
	m := p.waitMenu(t, "the advice", func(m entry) bool {
		return strings.Contains(m.status(), "No VNC server runs; install x11vnc")
	})
	if !m.children[0].enabled {
		t.Fatalf("the status line cannot be clicked:%s", dump(m, ""))
	}
	p.click(t, m.status())
	var help string
	testnet.WaitFor(t, "the help page opened", func() bool {
		b := openedAddresses(t, opened)
		help = strings.TrimSpace(string(b))
		return strings.HasSuffix(help, "/help")
	})
	resp, err := http.Get(help)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	// A known distribution gets its command, with a copy button.
	if !strings.Contains(string(body), "install x11vnc") || strings.Contains(m.status(), ": sudo") && !strings.Contains(string(body), `class="copy"`) {
		t.Fatalf("the help page:\n%s", body)
	}
}
