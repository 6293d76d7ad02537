//go:build linux

package main

import (
	"bufio"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"vncbridge/internal/tailnet/tailnettest"
	"vncbridge/internal/testnet"
)

// The real tray shares on a test tailnet (alone in a network namespace with
// lo): a node of the same person opens the share by its MagicDNS name, and
// the tray's Viewers menu, read over a private session bus, names it by
// Tailscale.
func TestTrayTailnetViewerOnARealSessionBus(t *testing.T) {
	if !testnet.RunInLoopbackNamespace(t) {
		return
	}
	c := tailnettest.Start(t, tailnettest.Options{SameUser: true})
	bus := sessionBus(t)
	p := newPanel(t, bus)
	binDir, _, _ := fakeDesktop(t)
	// Tailscale does not count lo as a network: the tray's node is told to
	// go on (Tailscale's own tests are, by testenv).
	_, tray := startTray(t, trayEnv(t, bus, binDir, "TS_ASSUME_NETWORK_UP_FOR_TEST=1"), map[string]any{
		"port": testnet.FreePort(t), "target": echoServer(t), "share_on_start": true, "ask_to_join": false,
		"tailnet": true, "tailnet_hostname": "desk", "tailnet_control_url": c.URL})
	p.follow(tray)
	m := p.waitMenu(t, "the tailnet link", func(m entry) bool { _, ok := m.path("Copy tailnet link"); return ok })
	if it, ok := m.path("Share on my tailnet"); !ok || !it.checked {
		t.Fatalf("Share on my tailnet: %+v, want it checked", it)
	}

	viewer, ctx := c.Node(t, "viewer")
	host := "desk." + tailnettest.Domain
	conn, err := viewer.Dial(ctx, "tcp", host+":80")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /websockify?token=%s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary\r\n\r\n", shareToken, host)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil || res.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("the WebSocket over the tailnet: %v %v", res, err)
	}
	p.waitMenu(t, "the viewer named by Tailscale", func(m entry) bool {
		v, _ := m.path("Viewers")
		for _, e := range v.children {
			if strings.HasPrefix(e.label, "User 123 (user-123@") && strings.Contains(e.label, " on viewer — ") {
				return true
			}
		}
		return false
	})
}
