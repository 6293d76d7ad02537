package tailnet_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vncbridge/internal/tailnet/tailnettest"
	"vncbridge/internal/testnet"
)

// The headless tray with --tailnet --funnel: it prints the public link;
// Tailscale's peer API, which Funnel's relays reach, listens on no port of
// the host and still answers over the tailnet (a node the test tailnet
// marks as an ingress node gets its connection: 101). The flag is saved.
// (The TLS that follows needs the tailnet's certificate, which only
// Tailscale's real service gives: app's TestShareOnTheInternet goes on
// with a test certificate.)
func TestHeadlessFunnel(t *testing.T) {
	c := tailnettest.Start(t, tailnettest.Options{})
	h := startHeadless(t, testnet.StartXvnc(t), "--tailnet", "--funnel", "--tailnet-hostname", "desk", "--tailnet-control-url", c.URL)
	host := "desk." + tailnettest.Domain
	line := h.waitLine(t, "vncbridge: sharing on the internet at ")
	if want := "https://" + host + "/?token=" + token; !strings.HasSuffix(line, " "+want) {
		t.Errorf("printed %q, want the link %s", line, want)
	}
	for _, port := range listeningPorts(t, h.cmd.Process.Pid) {
		if port != h.port {
			t.Errorf("vncbridge listens on the host's TCP port %d: only its share's port %d may be there", port, h.port)
		}
	}
	var saved map[string]any
	b, _ := os.ReadFile(filepath.Join(h.config, "settings.json"))
	json.Unmarshal(b, &saved)
	if saved["funnel"] != true {
		t.Errorf("saved settings %s: want funnel", b)
	}

	relay, ctx := c.Node(t, "relay")
	var err error
	c.MakeIngress(t, "relay")
	peerAPI := c.PeerAPI(t, "desk")
	if !testnet.Poll(30*time.Second, 100*time.Millisecond, func() bool {
		dctx, dcancel := context.WithTimeout(ctx, 5*time.Second)
		defer dcancel()
		conn, err2 := tailnettest.DialIngress(dctx, relay, peerAPI, "203.0.113.7:4321", host+":443")
		if err2 != nil {
			err = err2
			return false
		}
		conn.Close()
		return true
	}) {
		t.Fatalf("Funnel's ingress through the peer API at %s: %v", peerAPI, err)
	}
}

// --funnel on a tailnet whose policy lacks Funnel: the tailnet share goes
// on, and the headless mode says Funnel is not allowed and where to allow it.
func TestHeadlessFunnelNotAllowed(t *testing.T) {
	c := tailnettest.Start(t, tailnettest.Options{NoFunnel: true})
	h := startHeadless(t, testnet.Greeter(t, "RFB 003.008\n"), "--tailnet", "--funnel", "--tailnet-hostname", "desk", "--tailnet-control-url", c.URL)
	h.waitLine(t, "vncbridge: sharing on the tailnet at ")
	line := h.waitLine(t, "vncbridge: your tailnet does not allow sharing on the internet (Funnel)")
	if !strings.HasSuffix(line, " https://tailscale.com/s/no-funnel") {
		t.Errorf("printed %q, want Tailscale's page on allowing Funnel", line)
	}
}
