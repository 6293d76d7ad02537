//go:build linux

package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"vncbridge/internal/testnet"
)

// listensEverywhere tells whether something listens on port on every
// interface, from the kernel's socket tables.
func listensEverywhere(port string) bool {
	var p int
	fmt.Sscan(port, &p)
	for file, any := range map[string]string{"/proc/net/tcp": "00000000", "/proc/net/tcp6": strings.Repeat("0", 32)} {
		b, _ := os.ReadFile(file)
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) > 3 && f[1] == fmt.Sprintf("%s:%04X", any, p) && f[3] == "0A" {
				return true
			}
		}
	}
	return false
}

// The real tray on the session bus takes the desktop onto the network and
// off it while sharing: the listener on every interface appears and goes,
// this computer's viewer stays, and the old link opens nothing afterwards.
func TestTrayAllowsOtherComputersWhileSharing(t *testing.T) {
	bus := sessionBus(t)
	p := newPanel(t, bus)
	binDir, _, _ := fakeDesktop(t)
	port := freeAddr(t)[len("127.0.0.1:"):]
	config, tray := startTray(t, trayEnv(t, bus, binDir), map[string]any{"port": mustAtoi(t, port), "target": echoServer(t)})
	p.follow(tray)
	p.waitMenu(t, "Stopped", func(m entry) bool { return m.status() == "Stopped" })
	p.click(t, "Start sharing")
	p.waitMenu(t, "sharing on loopback", func(m entry) bool { return m.listening() })
	conn, err := net.Dial("tcp", "127.0.0.1:"+port)
	if err != nil {
		t.Fatal(err)
	}
	local := testnet.OpenViewerAt(t, conn, "/websockify?token="+shareToken)
	defer local.Close()
	local.Echo(t, "before")

	p.click(t, "Allow other computers")
	p.waitMenu(t, "on the network", func(m entry) bool { return strings.Contains(m.status(), "on the network") })
	testnet.WaitFor(t, "a listener on every interface", func() bool { return listensEverywhere(port) })
	local.Echo(t, "still here")
	var saved struct{ Token string }
	b, _ := os.ReadFile(filepath.Join(config, "settings.json"))
	json.Unmarshal(b, &saved)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	d := ws.Dialer{TLSConfig: &tls.Config{InsecureSkipVerify: true}}
	c, _, _, err := d.Dial(ctx, "wss://127.0.0.1:"+port+"/websockify?token="+saved.Token)
	if err != nil {
		t.Fatalf("the network share's link: %v", err)
	}
	c.Close()

	p.click(t, "Allow other computers")
	p.waitMenu(t, "on loopback again", func(m entry) bool { return m.listening() && !strings.Contains(m.status(), "network") })
	testnet.WaitFor(t, "the network listener gone", func() bool { return !listensEverywhere(port) })
	local.Echo(t, "after")
	if status, _ := testnet.Do(t, "GET", "http://localhost:"+port+"/?token="+saved.Token, nil); status != http.StatusForbidden {
		t.Fatalf("the old link: %d, want 403", status)
	}
}
