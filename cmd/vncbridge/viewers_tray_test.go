//go:build linux

package main

import (
	"bufio"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"vncbridge/internal/testnet"
)

// openViewer opens a WebSocket to the tray's share; it may wait for the
// consent dialog before anything comes.
func openViewer(t *testing.T, port string) (net.Conn, *bufio.Reader) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, br, _, err := ws.Dial(ctx, "ws://127.0.0.1:"+port+"/websockify?token="+shareToken)
	if err != nil {
		t.Fatalf("WebSocket: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c, br
}

// viewerEntries are the viewers listed under Viewers.
func viewerEntries(m entry) []entry {
	v, _ := m.path("Viewers")
	var out []entry
	for _, c := range v.children {
		if strings.HasPrefix(c.label, "This computer — ") {
			out = append(out, c)
		}
	}
	return out
}

// TestTrayViewersOnARealSessionBus: the tray asks before each viewer joins
// through the dialog program (a fake zenity answering allow, view only,
// deny), lists the viewers, and its Disconnect closes exactly the chosen
// session with a reason the page reads.
func TestTrayViewersOnARealSessionBus(t *testing.T) {
	bus := sessionBus(t)
	p := newPanel(t, bus)
	binDir := t.TempDir()
	answer := filepath.Join(binDir, "answer.sh")
	os.WriteFile(filepath.Join(binDir, "zenity"), []byte("#!/bin/sh\n. "+answer+"\n"), 0o755)
	say := func(script string) { os.WriteFile(answer, []byte(script+"\n"), 0o644) }
	port := freeAddr(t)[len("127.0.0.1:"):]
	_, tray := startTray(t, trayEnv(t, bus, binDir), map[string]any{"port": mustAtoi(t, port), "target": echoServer(t),
		"share_on_start": true, "ask_to_join": true})
	p.follow(tray)
	p.waitMenu(t, "sharing", func(m entry) bool { return m.listening() })

	say("exit 0") // Allow
	control, _ := openViewer(t, port)
	p.waitMenu(t, "the first viewer", func(m entry) bool { return len(viewerEntries(m)) == 1 })

	say("echo 'View only'; exit 1")
	openViewer(t, port)
	m := p.waitMenu(t, "the second viewer", func(m entry) bool { return len(viewerEntries(m)) == 2 })
	es := viewerEntries(m)
	if !strings.Contains(es[0].label, " can control, ") || !strings.Contains(es[1].label, " view only, ") {
		t.Fatalf("viewers %q, %q", es[0].label, es[1].label)
	}

	say("exit 1") // Deny
	denied, br := openViewer(t, port)
	if got := testnet.CloseReason(t, denied, br); got != "The person sharing did not let you in" {
		t.Fatalf("a denied viewer's page reads %q", got)
	}

	p.click(t, "Viewers", es[0].label, "Disconnect")
	if got := testnet.CloseReason(t, control, nil); got != "The person sharing disconnected you" {
		t.Fatalf("a disconnected viewer's page reads %q", got)
	}
	m = p.waitMenu(t, "one viewer left", func(m entry) bool { return len(viewerEntries(m)) == 1 })
	if left := viewerEntries(m)[0].label; left != es[1].label {
		t.Fatalf("the viewer left is %q, want %q", left, es[1].label)
	}
}
