//go:build linux

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vncbridge/internal/testnet"
)

// The real tray on an X display of two RandR monitors: This desktop
// (x11vnc) is a menu of All monitors and both; clicking one saves it, and
// the next run has it checked.
func TestTrayPicksAMonitor(t *testing.T) {
	testnet.RequireTools(t, "x11vnc", "xrandr")
	display := testnet.StartXvfb(t, "-screen", "0", "640x240x24", "-noreset") // monitors outlive xrandr
	for _, m := range [][]string{{"LEFT-1", "320/100x240/100+0+0", "screen"}, {"RIGHT-1", "320/100x240/100+320+0", "none"}} {
		cmd := exec.Command("xrandr", "--setmonitor", m[0], m[1], m[2])
		cmd.Env = append(os.Environ(), "DISPLAY="+display)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("xrandr --setmonitor %s: %v %s", m[0], err, out)
		}
	}
	bus := sessionBus(t)
	p := newPanel(t, bus)
	binDir, _, _ := fakeDesktop(t)
	rt, err := os.MkdirTemp("", "rt") // short: a socket's path has room for 107 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(rt) })
	env := trayEnv(t, bus, binDir, "XDG_RUNTIME_DIR="+rt, "DISPLAY="+display, "XDG_CURRENT_DESKTOP=")
	config, tray := startTray(t, env, map[string]any{"port": testnet.FreePort(t), "target": "desktop:x11vnc"})
	p.follow(tray)

	desktop := []string{"Target VNC server", "This desktop (x11vnc)"}
	right := append(desktop, "RIGHT-1, 320×240, on the right")
	m := p.waitMenu(t, "the monitors", func(m entry) bool { _, ok := m.path(right...); return ok })
	d, _ := m.path(desktop...)
	var labels []string
	for _, c := range d.children {
		labels = append(labels, c.label)
	}
	if want := "All monitors|LEFT-1, 320×240, on the left|RIGHT-1, 320×240, on the right"; strings.Join(labels, "|") != want {
		t.Fatalf("This desktop's menu: %q; want %q", labels, want)
	}
	if all, _ := m.path(append(desktop, "All monitors")...); !all.checked {
		t.Fatal("All monitors is not checked at first")
	}

	p.click(t, right...)
	p.waitMenu(t, "RIGHT-1 checked", func(m entry) bool { e, _ := m.path(right...); return e.checked })
	var saved struct{ Target string }
	b, _ := os.ReadFile(filepath.Join(config, "settings.json"))
	if err := json.Unmarshal(b, &saved); err != nil || saved.Target != "desktop:x11vnc:RIGHT-1" {
		t.Fatalf("settings.json after the click: %s (%v)", b, err)
	}

	p.click(t, "Quit")
	select {
	case <-tray.exited:
	case <-time.After(10 * time.Second):
		t.Fatal("the tray did not quit")
	}
	again := startEnv(t, env, binary, "--config-dir", config)
	p.follow(again)
	testnet.WaitFor(t, "the second tray's item", func() bool { p.w.mu.Lock(); defer p.w.mu.Unlock(); return len(p.w.items) == 2 })
	p.waitMenu(t, "RIGHT-1 checked after a restart", func(m entry) bool {
		e, _ := m.path(right...)
		all, _ := m.path(append(desktop, "All monitors")...)
		return e.checked && !all.checked
	})
}
