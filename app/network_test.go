package app

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"

	"vncbridge/internal/testnet"
)

// listensEverywhere tells whether something listens on port on every
// interface, from the kernel's socket tables.
func listensEverywhere(t *testing.T, port int) bool {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the socket tables are read on Linux")
	}
	hexPort := fmt.Sprintf(":%04X", port)
	for file, any := range map[string]string{"/proc/net/tcp": "00000000", "/proc/net/tcp6": strings.Repeat("0", 32)} {
		b, _ := os.ReadFile(file)
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) > 3 && f[1] == any+hexPort && f[3] == "0A" {
				return true
			}
		}
	}
	return false
}

// viewerAt opens a WebSocket to the share at url (ws:// or wss://, with
// its token) and checks an echo through it.
func viewerAt(t *testing.T, url string) net.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	d := ws.Dialer{TLSConfig: &tls.Config{InsecureSkipVerify: true}}
	c, _, _, err := d.Dial(ctx, url)
	if err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	echoOn(t, c, "hello from "+url)
	return c
}

func echoOn(t *testing.T, c net.Conn, msg string) {
	t.Helper()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	defer c.SetDeadline(time.Time{})
	if err := wsutil.WriteClientBinary(c, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	if got, err := wsutil.ReadServerBinary(c); err != nil || string(got) != msg {
		t.Fatalf("echo %q, %v", got, err)
	}
}

// Allow other computers works while sharing, both ways: on, the share
// takes every interface over from loopback and this computer's viewer goes
// on; off, the network listener closes at once, the viewers of other
// computers are disconnected (and told), this computer's stay, and the old
// link no longer opens anything.
func TestAllowOtherComputersWhileSharing(t *testing.T) {
	port := freePort(t)
	// Viewers over IPv4 loopback stand for other computers, those over
	// IPv6 loopback for this one: every viewer of a test is on loopback.
	h := startApp(t, settings{Port: port, Target: echoTarget(t)}, func(c *config) {
		c.thisComputer = func(host string) bool { return host == "::1" }
	})
	h.click("Start sharing")
	h.waitStatus("sharing on loopback", prefix("Sharing"))
	p := strconv.Itoa(port)
	local := viewerAt(t, "ws://127.0.0.1:"+p+"/websockify?token="+testToken)
	defer local.Close()

	h.click("Allow other computers")
	h.waitStatus("sharing on the network", func(s string) bool { return strings.Contains(s, "on the network") })
	if !listensEverywhere(t, port) {
		t.Fatal("no listener on every interface")
	}
	echoOn(t, local, "still here") // the viewer of the local share goes on
	token := h.app.settingsNow().Token
	if token == testToken {
		t.Fatal("the share kept its token when it went on the network")
	}
	far := viewerAt(t, "wss://127.0.0.1:"+p+"/websockify?token="+token)
	defer far.Close()
	near := viewerAt(t, "wss://[::1]:"+p+"/websockify?token="+token)
	defer near.Close()

	h.click("Allow other computers")
	h.waitStatus("sharing on loopback again", func(s string) bool { return strings.HasPrefix(s, "Sharing") && !strings.Contains(s, "network") })
	if listensEverywhere(t, port) {
		t.Fatal("the network listener is still open")
	}
	if got := testnet.CloseReason(t, far, nil); got != networkGone {
		t.Fatalf("the other computer's viewer was closed with %q", got)
	}
	h.waitNote("1 viewer on another computer was disconnected")
	echoOn(t, near, "this computer's viewer goes on")
	echoOn(t, local, "and the first one")
	status, _ := testnet.Do(t, "GET", "http://localhost:"+p+"/?token="+token, nil)
	if status != http.StatusForbidden {
		t.Fatalf("the old link: %d, want 403", status)
	}
}

// settingsNow reads the settings through the event loop.
func (a *trayApp) settingsNow() settings {
	ch := make(chan settings, 1)
	a.post(func() { ch <- a.st.Settings })
	return <-ch
}
