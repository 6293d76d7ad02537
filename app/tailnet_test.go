package app

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"vncbridge/internal/tailnet"
	"vncbridge/internal/tailnet/tailnettest"
	"vncbridge/internal/testnet"
)

// The tray's Share on my tailnet, in a network namespace with lo alone: a
// click shares on a test tailnet, Copy tailnet link gives the link, a
// viewer node of the same person gets the desktop and is named by
// Tailscale in the Viewers menu and the notification; a second click ends
// the tailnet listener and its sessions; Log out of Tailscale removes the
// node's state.
func TestShareOnMyTailnet(t *testing.T) {
	if !testnet.RunInLoopbackNamespace(t) {
		return
	}
	c := tailnettest.Start(t, tailnettest.Options{SameUser: true})
	target := testnet.Greeter(t, "RFB 003.008\n")
	h := startApp(t, settings{Port: freePort(t), Target: target, TailnetHostname: "desk", TailnetControlURL: c.URL})
	stateDir := tailnet.StateDir(h.paths.Dir)
	if it, ok := h.item("Share on my tailnet"); !ok || it.Checked {
		t.Fatalf("Share on my tailnet: %+v (found %v), want it unchecked", it, ok)
	}
	if _, err := os.Stat(stateDir); !os.IsNotExist(err) {
		t.Fatalf("a tailnet node's state before sharing on the tailnet: %v", err)
	}

	h.click("Share on my tailnet")
	testnet.WaitFor(t, "Copy tailnet link", func() bool { _, ok := h.item("Copy tailnet link"); return ok })
	h.click("Copy tailnet link")
	host := "desk." + tailnettest.Domain
	want := "https://" + host + "/?token=" + testToken
	testnet.WaitFor(t, "the tailnet link in the clipboard", func() bool { return slices.Contains(h.clip.list(), want) })
	if fi, err := os.Stat(stateDir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("the node's state folder: %v %v, want 0700", fi, err)
	}

	viewer, ctx := c.Node(t, "viewer")
	conn, br := greetOverTailnet(t, ctx, viewer, host)
	name := "User 123 (user-123@"
	if !testnet.Poll(10*time.Second, 10*time.Millisecond, func() bool {
		it, _ := h.item("Viewers")
		return slices.ContainsFunc(it.Children, func(v menuItem) bool {
			return strings.HasPrefix(v.Title, name) && strings.Contains(v.Title, " on viewer")
		})
	}) {
		it, _ := h.item("Viewers")
		t.Fatalf("the Viewers menu %q: want the viewer named %s… on viewer", titles(it.Children), name)
	}
	h.waitNote(name)

	// Off: the tailnet listener closes, and its viewers are off that
	// network at once.
	h.click("Share on my tailnet")
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.Copy(io.Discard, br); err != nil && strings.Contains(err.Error(), "timeout") {
		t.Fatalf("the tailnet session goes on after sharing on the tailnet was turned off: %v", err)
	}
	testnet.WaitFor(t, "the tailnet items to go", func() bool { _, ok := h.item("Copy tailnet link"); return !ok })
	dctx, dcancel := context.WithTimeout(ctx, 3*time.Second)
	defer dcancel()
	if c2, err := viewer.Dial(dctx, "tcp", host+":80"); err == nil {
		c2.Close()
		t.Fatal("the share still answers on the tailnet after it was turned off")
	}

	// Log out: the node's state goes.
	h.click("Share on my tailnet")
	testnet.WaitFor(t, "Copy tailnet link again", func() bool { _, ok := h.item("Copy tailnet link"); return ok })
	h.click("Log out of Tailscale")
	testnet.WaitFor(t, "the node's state to be removed", func() bool {
		_, err := os.Stat(stateDir)
		return os.IsNotExist(err)
	})
	if it, _ := h.item("Share on my tailnet"); it.Checked {
		t.Error("Share on my tailnet still checked after logging out")
	}
}

func TestTailnetSettings(t *testing.T) {
	for _, c := range []struct {
		s  settings
		ok bool
	}{
		{settings{Tailnet: true}, true},
		{settings{TailnetHostname: "desk-1"}, true},
		{settings{TailnetHostname: "desk.example"}, false},
		{settings{TailnetHostname: "-desk"}, false},
		{settings{TailnetControlURL: "https://headscale.example.net"}, true},
		{settings{TailnetControlURL: "ftp://x"}, false},
		{settings{TailnetControlURL: "headscale.example.net"}, false},
	} {
		s := defaultSettings()
		s.Tailnet, s.TailnetHostname, s.TailnetControlURL = c.s.Tailnet, c.s.TailnetHostname, c.s.TailnetControlURL
		if err := s.validate(); (err == nil) != c.ok {
			t.Errorf("%+v: validate() = %v, want ok %v", c.s, err, c.ok)
		}
	}
	if !defaultSettings().tailnetOwnOnly() {
		t.Error("Only my own devices is off by default")
	}
	if s := defaultSettings(); !s.askToJoin(true) {
		s.Tailnet = true
		if !s.askToJoin(true) {
			t.Error("a share on the tailnet does not ask before a viewer joins, where a tray can")
		}
	}
}

// Only my own devices: a tailnet request of another user is refused with the
// reason; one from elsewhere is not the tailnet's to judge.
func TestTailnetBookAdmitsLocalRequests(t *testing.T) {
	b := &tailnetBook{}
	r, _ := http.NewRequest("GET", "/", nil)
	r.RemoteAddr = "127.0.0.1:5000"
	if isTailnet, err := b.admit(r, true); isTailnet || err != nil {
		t.Fatalf("a request not from the tailnet: %v %v", isTailnet, err)
	}
	b.mark("100.64.0.2:4000")
	r.RemoteAddr = "100.64.0.2:4000"
	if isTailnet, err := b.admit(r, true); !isTailnet || err == nil {
		t.Fatalf("a tailnet request with no node to ask: %v %v, want a refusal", isTailnet, err)
	}
	for i := range maxTailnetNames + 10 {
		b.mark(fmt.Sprintf("100.64.1.%d:1", i))
	}
	if len(b.conns) > maxTailnetNames || len(b.order) > maxTailnetNames {
		t.Errorf("%d names kept, at most %d", len(b.conns), maxTailnetNames)
	}
}

// The first share on the tailnet opens Tailscale's login page; while the
// node waits, the status says so and opens the page again; once logged in,
// the link is there.
func TestTailnetLogin(t *testing.T) {
	if !testnet.RunInLoopbackNamespace(t) {
		return
	}
	c := tailnettest.Start(t, tailnettest.Options{RequireAuth: true})
	h := startApp(t, settings{Port: freePort(t), Target: testnet.Echo(t), TailnetHostname: "desk", TailnetControlURL: c.URL})
	h.click("Share on my tailnet")
	login := func() string {
		for _, u := range h.opener.list() {
			if strings.HasPrefix(u, c.URL+"/auth/") {
				return u
			}
		}
		return ""
	}
	testnet.WaitFor(t, "the login page to open", func() bool { return login() != "" })
	const status = "Log in to Tailscale to share on your tailnet"
	h.waitStatus("the status to ask for a login", func(string) bool {
		m := h.menu()
		return len(m) > 0 && m[0].Title == status
	})
	h.click(status)
	testnet.WaitFor(t, "the login page to open again", func() bool {
		n := 0
		for _, u := range h.opener.list() {
			if u == login() {
				n++
			}
		}
		return n == 2
	})
	if !c.CompleteAuth(login()) {
		t.Fatal("the control server does not know the login URL")
	}
	testnet.WaitFor(t, "Copy tailnet link", func() bool { _, ok := h.item("Copy tailnet link"); return ok })
	if m := h.menu(); m[0].Title == status {
		t.Error("the status still asks for a login")
	}
}

// Only my own devices, turned off in the menu, lets in another Tailscale
// user's device (the tailnet's ACLs decide then); on, the default, refuses
// it with the reason.
func TestOnlyMyOwnDevicesOff(t *testing.T) {
	if !testnet.RunInLoopbackNamespace(t) {
		return
	}
	c := tailnettest.Start(t, tailnettest.Options{}) // each node a user of its own
	target := testnet.Greeter(t, "RFB 003.008\n")
	h := startApp(t, settings{Port: freePort(t), Target: target, TailnetHostname: "desk", TailnetControlURL: c.URL})
	h.click("Share on my tailnet")
	testnet.WaitFor(t, "Copy tailnet link", func() bool { _, ok := h.item("Copy tailnet link"); return ok })
	viewer, ctx := c.Node(t, "viewer")
	host := "desk." + tailnettest.Domain
	open := func() int {
		conn, err := viewer.Dial(ctx, "tcp", host+":80")
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_, res, err := openShare(conn, host)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if status := open(); status != http.StatusForbidden {
		t.Fatalf("another user's device with Only my own devices on: %d, want 403", status)
	}
	if it, ok := h.item("Only my own devices"); !ok || !it.Checked {
		t.Fatalf("Only my own devices: %+v (found %v), want it checked", it, ok)
	}
	h.click("Only my own devices")
	testnet.WaitFor(t, "Only my own devices off", func() bool { it, _ := h.item("Only my own devices"); return !it.Checked })
	if !testnet.Poll(30*time.Second, 100*time.Millisecond, func() bool { return open() == http.StatusSwitchingProtocols }) {
		t.Fatalf("another user's device with Only my own devices off: %d, want 101", open())
	}
}

// greetOverTailnet opens the share's WebSocket at host from the viewer
// node and reads the target's RFB greeting; the connection closes with the
// test.
func greetOverTailnet(t *testing.T, ctx context.Context, viewer *tailnet.Node, host string) (net.Conn, *bufio.Reader) {
	t.Helper()
	conn, err := viewer.Dial(ctx, "tcp", host+":80")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	br, res, err := openShare(conn, host)
	if err != nil || res.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("the WebSocket over the tailnet: %v %v", res, err)
	}
	frame := make([]byte, 2+12)
	if _, err := io.ReadFull(br, frame); err != nil || string(frame[2:]) != "RFB 003.008\n" {
		t.Fatalf("greeting %q (%v), want the target's", frame, err)
	}
	return conn, br
}

// openShare asks for the share's WebSocket, with the test's token, over
// conn to host; the reader holds what follows the answer.
func openShare(conn net.Conn, host string) (*bufio.Reader, *http.Response, error) {
	fmt.Fprintf(conn, "GET /websockify?token=%s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary\r\n\r\n", testToken, host)
	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, nil)
	return br, res, err
}
