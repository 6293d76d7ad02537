package app

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"vncbridge/internal/tailnet"
	"vncbridge/internal/tailnet/tailnettest"
	"vncbridge/internal/testnet"
	"vncbridge/proxy"
)

// Share on the internet (Funnel), in a network namespace with lo alone: a
// node the test tailnet marks as a Funnel ingress node plays Tailscale's
// relays, bringing the connections of someone on the internet (a public
// address) to the share's public listener through its peer API. Without
// the token they are refused, and told why; with it the person sharing is
// asked first (though the settings ask about nobody), the viewer is named
// by its public address and gets a real desktop (Xvnc). Turning Funnel off
// ends the public listener at once, and the open session goes on.
// The same with Allow other computers on (a share that takes TLS only on
// its port): Funnel's connections are TLS too.
func TestShareOnTheInternet(t *testing.T) {
	if !testnet.RunInLoopbackNamespace(t) {
		return
	}
	t.Run("this computer only", func(t *testing.T) { shareOnTheInternet(t, false) })
	t.Run("other computers allowed", func(t *testing.T) { shareOnTheInternet(t, true) })
}

func shareOnTheInternet(t *testing.T, allowRemote bool) {
	c := tailnettest.Start(t, tailnettest.Options{SameUser: true})
	host := "desk." + tailnettest.Domain
	cert, pool := tailnettest.Certificate(t, host)
	asked := &recorder{}
	no := false
	h := startApp(t, settings{Port: freePort(t), Target: testnet.StartXvnc(t), TailnetHostname: "desk", TailnetControlURL: c.URL, AskToJoin: &no, AllowRemote: allowRemote},
		func(cfg *config) {
			cfg.funnelTLS = &tls.Config{Certificates: []tls.Certificate{cert}}
			cfg.consenter = fakeConsenter{answer: proxy.Allow, asked: asked}
		})
	if it, ok := h.item("Share on the internet (Funnel)"); !ok || !it.Disabled || it.Checked {
		t.Fatalf("Funnel while tailnet sharing is off: %+v (found %v), want it there, disabled", it, ok)
	}
	h.click("Share on my tailnet")
	testnet.WaitFor(t, "Copy tailnet link", func() bool { _, ok := h.item("Copy tailnet link"); return ok })
	if _, ok := h.item("Copy internet link"); ok {
		t.Fatal("Copy internet link before Funnel was turned on")
	}
	h.click("Share on the internet (Funnel)")
	testnet.WaitFor(t, "Copy internet link", func() bool { _, ok := h.item("Copy internet link"); return ok })
	h.click("Copy internet link")
	link := "https://" + host + "/?token=" + testToken
	testnet.WaitFor(t, "the internet link in the clipboard", func() bool { return slices.Contains(h.clip.list(), link) })
	if s, _ := loadSettings(h.paths); !s.Funnel {
		t.Error("the Funnel setting is not saved")
	}

	relay, ctx := c.Node(t, "viewer")
	c.MakeIngress(t, "viewer")
	nodes := make(chan *tailnet.Node, 1)
	h.app.post(func() { nodes <- h.app.tn.node })
	peerAPI, err := (<-nodes).PeerAPI(ctx)
	if err != nil || len(peerAPI) == 0 {
		t.Fatalf("the share's peer API: %v %v", peerAPI, err)
	}
	const public = "203.0.113.7" // someone on the internet
	open := func(path string) (net.Conn, *bufio.Reader, *http.Response, error) {
		return openPublic(ctx, relay, peerAPI[0], public+":4321", host, pool, path)
	}

	// Without the token: refused, with the reason.
	var res *http.Response
	if !testnet.Poll(30*time.Second, 100*time.Millisecond, func() bool {
		var conn net.Conn
		conn, _, res, err = open("/websockify")
		if err != nil {
			return false
		}
		conn.Close()
		return true
	}) {
		t.Fatalf("through Funnel: %v", err)
	}
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(string(body), "this share is opened with its link, which carries the token") {
		t.Fatalf("without the token: %s %q, want 401 and the reason", res.Status, body)
	}
	if got := asked.list(); len(got) > 0 {
		t.Errorf("asked about %v, refused for want of the token", got)
	}

	// With it: asked about, named by the public address, on the desktop.
	conn, br, res, err := open("/websockify?token=" + testToken)
	if err != nil || res.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("with the token: %v %v, want 101", res, err)
	}
	defer conn.Close()
	frame := make([]byte, 2+12)
	if _, err := io.ReadFull(br, frame); err != nil || string(frame[2:]) != "RFB 003.008\n" {
		t.Fatalf("greeting %q (%v), want Xvnc's", frame, err)
	}
	if got := asked.list(); len(got) != 1 || !strings.HasPrefix(got[0], public+":") {
		t.Errorf("asked about %v, want the viewer from the internet once", got)
	}
	if !testnet.Poll(10*time.Second, 10*time.Millisecond, func() bool {
		it, _ := h.item("Viewers")
		return slices.ContainsFunc(it.Children, func(v menuItem) bool { return strings.Contains(v.Title, public) })
	}) {
		it, _ := h.item("Viewers")
		t.Fatalf("the Viewers menu %q: want the viewer named by %s", titles(it.Children), public)
	}

	// Off: the public listener is gone at once; the open session goes on.
	h.click("Share on the internet (Funnel)")
	testnet.WaitFor(t, "Copy internet link to go", func() bool { _, ok := h.item("Copy internet link"); return !ok })
	if c2, _, res, err := open("/websockify?token=" + testToken); err == nil {
		c2.Close()
		t.Fatalf("a new viewer through Funnel after it was turned off: %s", res.Status)
	}
	if _, ok := h.item("Copy tailnet link"); !ok {
		t.Error("sharing on the tailnet stopped with Funnel")
	}
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if err := ws.WriteFrame(conn, ws.MaskFrame(ws.NewBinaryFrame([]byte("RFB 003.008\n")))); err != nil {
		t.Fatalf("the open session after Funnel was turned off: %v", err)
	}
	hdr, err := ws.ReadHeader(br)
	if err != nil {
		t.Fatalf("the open session after Funnel was turned off: %v", err)
	}
	types := make([]byte, hdr.Length)
	if _, err := io.ReadFull(br, types); err != nil || hdr.OpCode != ws.OpBinary || len(types) < 2 || types[0] == 0 {
		t.Fatalf("the desktop's security types %q (%v %v), want them after Funnel was turned off", types, hdr.OpCode, err)
	}
}

// openPublic plays someone on the internet at src reaching host through
// Funnel (relay is the ingress node; peerAPI the share's peer API): TLS to
// host, trusted by pool, and a WebSocket request for path. The reader
// holds what follows the answer.
func openPublic(ctx context.Context, relay *tailnet.Node, peerAPI, src, host string, pool *x509.CertPool, path string) (net.Conn, *bufio.Reader, *http.Response, error) {
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	raw, err := tailnettest.DialIngress(dctx, relay, peerAPI, src, host+":443")
	if err != nil {
		return nil, nil, nil, err
	}
	conn := tls.Client(raw, &tls.Config{RootCAs: pool, ServerName: host})
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if err := conn.HandshakeContext(dctx); err != nil {
		raw.Close()
		return nil, nil, nil, err
	}
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary\r\n\r\n", path, host)
	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		conn.Close()
		return nil, nil, nil, err
	}
	conn.SetDeadline(time.Time{})
	return conn, br, res, nil
}

// A tailnet whose policy lacks Funnel: the menu says so in plain words, and
// its item opens the page that tells how to allow it.
func TestFunnelNotAllowedInTheTailnet(t *testing.T) {
	if !testnet.RunInLoopbackNamespace(t) {
		return
	}
	c := tailnettest.Start(t, tailnettest.Options{SameUser: true, NoFunnel: true})
	h := startApp(t, settings{Port: freePort(t), Target: testnet.Echo(t), TailnetHostname: "desk", TailnetControlURL: c.URL, Tailnet: true, Funnel: true})
	h.click("Start sharing")
	const why = "Your tailnet does not allow Funnel: allow it in Tailscale"
	testnet.WaitFor(t, "the menu to say Funnel is not allowed", func() bool { _, ok := h.item(why); return ok })
	if _, ok := h.item("Copy tailnet link"); !ok {
		t.Error("sharing on the tailnet stopped for want of Funnel")
	}
	h.click(why)
	testnet.WaitFor(t, "Tailscale's page on Funnel to open", func() bool {
		return slices.Contains(h.opener.list(), "https://tailscale.com/s/no-funnel")
	})
}

// A tailnet with HTTPS off: the share is at http://NAME.TAILNET.ts.net/
// over WireGuard, the menu says HTTPS is off and opens the admin page that
// turns it on, and Funnel (which needs HTTPS) says where to turn it on.
func TestTailnetWithoutHTTPS(t *testing.T) {
	if !testnet.RunInLoopbackNamespace(t) {
		return
	}
	c := tailnettest.Start(t, tailnettest.Options{SameUser: true, NoHTTPS: true})
	host := "desk." + tailnettest.Domain
	h := startApp(t, settings{Port: freePort(t), Target: testnet.Greeter(t, "RFB 003.008\n"), TailnetHostname: "desk", TailnetControlURL: c.URL})
	h.click("Share on my tailnet")
	testnet.WaitFor(t, "Copy tailnet link", func() bool { _, ok := h.item("Copy tailnet link"); return ok })
	h.click("Copy tailnet link")
	link := "http://" + host + "/?token=" + testToken
	testnet.WaitFor(t, "the plain HTTP link in the clipboard", func() bool { return slices.Contains(h.clip.list(), link) })
	const off = "On the tailnet without HTTPS: turn it on in Tailscale's admin console"
	if _, ok := h.item(off); !ok {
		t.Fatalf("the menu %q does not say HTTPS is off", titles(h.menu()))
	}
	h.click(off)
	testnet.WaitFor(t, "the admin page to open", func() bool { return slices.Contains(h.opener.list(), tailscaleDNSAdmin) })

	viewer, ctx := c.Node(t, "viewer")
	greetOverTailnet(t, ctx, viewer, host) // plain HTTP on the tailnet

	h.click("Share on the internet (Funnel)")
	const why = "Funnel needs HTTPS in your tailnet: turn it on in Tailscale"
	testnet.WaitFor(t, "the menu to say Funnel needs HTTPS", func() bool { _, ok := h.item(why); return ok })
	h.click(why)
	testnet.WaitFor(t, "Tailscale's page on HTTPS to open", func() bool {
		return slices.Contains(h.opener.list(), "https://tailscale.com/s/https")
	})
}

// Allow other computers makes the share's port take TLS only; the tailnet's
// plain HTTP (a tailnet without HTTPS) is encrypted by WireGuard below,
// and is served too.
func TestTailnetPlainWithOtherComputersAllowed(t *testing.T) {
	if !testnet.RunInLoopbackNamespace(t) {
		return
	}
	c := tailnettest.Start(t, tailnettest.Options{SameUser: true, NoHTTPS: true})
	host := "desk." + tailnettest.Domain
	h := startApp(t, settings{Port: freePort(t), Target: testnet.Greeter(t, "RFB 003.008\n"), TailnetHostname: "desk", TailnetControlURL: c.URL,
		Tailnet: true, AllowRemote: true})
	h.click("Start sharing")
	testnet.WaitFor(t, "Copy tailnet link", func() bool { _, ok := h.item("Copy tailnet link"); return ok })
	viewer, ctx := c.Node(t, "viewer")
	greetOverTailnet(t, ctx, viewer, host)
}

// The service shares on the internet too with the funnel setting: its log
// names the public address; a viewer from the internet gets in with the
// token (nobody is there to ask), and without it is refused.
func TestServiceSharesOnTheInternet(t *testing.T) {
	if !testnet.RunInLoopbackNamespace(t) {
		return
	}
	c := tailnettest.Start(t, tailnettest.Options{SameUser: true})
	host := "desk." + tailnettest.Domain
	cert, pool := tailnettest.Certificate(t, host)
	p := testPaths(t)
	if err := saveSettings(p, settings{Port: freePort(t), Token: testToken, Target: testnet.Greeter(t, "RFB 003.008\n"),
		Tailnet: true, Funnel: true, TailnetHostname: "desk", TailnetControlURL: c.URL}); err != nil {
		t.Fatal(err)
	}
	var log testnet.LogBuffer
	prog := &serviceProgram{paths: p, log: slog.New(slog.NewTextHandler(&log, nil)), find: noDesktop,
		funnelTLS: &tls.Config{Certificates: []tls.Certificate{cert}}}
	if err := prog.Start(nil); err != nil {
		t.Fatal(err)
	}
	defer prog.Stop(nil)
	testnet.WaitFor(t, "the log to name the public address", func() bool {
		return strings.Contains(log.String(), `msg="service sharing on the internet (Funnel)" url=https://`+host+"/")
	})

	relay, ctx := c.Node(t, "viewer")
	c.MakeIngress(t, "viewer")
	peerAPI := c.PeerAPI(t, "desk")
	var (
		res *http.Response
		err error
	)
	if !testnet.Poll(30*time.Second, 100*time.Millisecond, func() bool {
		var conn net.Conn
		conn, _, res, err = openPublic(ctx, relay, peerAPI, "203.0.113.9:4000", host, pool, "/websockify")
		if err != nil {
			return false
		}
		conn.Close()
		return true
	}) {
		t.Fatalf("through Funnel: %v", err)
	}
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("without the token: %s, want 401", res.Status)
	}
	conn, br, res, err := openPublic(ctx, relay, peerAPI, "203.0.113.9:4001", host, pool, "/websockify?token="+testToken)
	if err != nil || res.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("with the token: %v %v, want 101", res, err)
	}
	defer conn.Close()
	frame := make([]byte, 2+12)
	if _, err := io.ReadFull(br, frame); err != nil || string(frame[2:]) != "RFB 003.008\n" {
		t.Fatalf("greeting %q (%v), want the target's", frame, err)
	}
}
