// Package tailnettest runs a tailnet for tests, on loopback: Tailscale's own
// test coordination server and DERP/STUN relay, in-process. Use it only in
// tests that run in a network namespace of their own
// (testnet.MainInLoopbackNamespace): a Tailscale node sends its NAT
// traversal's packets to every address it sees.
package tailnettest

import (
	"net/http/httptest"
	"testing"

	"tailscale.com/net/netns"
	"tailscale.com/tailcfg"
	"tailscale.com/tstest/integration"
	"tailscale.com/tstest/integration/testcontrol"
	"tailscale.com/types/logger"

	"vncbridge/internal/testnet"
)

// Domain is the test tailnet's MagicDNS domain: a node named NAME is
// NAME.Domain.
const Domain = "vncbridge-test.ts.net"

// Options shape the test tailnet.
type Options struct {
	// SameUser makes every node belong to one user (else each node is a
	// user of its own).
	SameUser bool
	// RequireAuth makes every node log in through its login URL
	// (Control.CompleteAuth plays the person).
	RequireAuth bool
	// Verbose logs the coordination server's and the relay's lines.
	Verbose bool
}

// Control is a running test tailnet.
type Control struct {
	*testcontrol.Server
	URL string // the coordination server's URL, for tsnet's ControlURL
}

// Start runs a coordination server and a DERP/STUN relay on 127.0.0.1 until
// the test ends. It fails the test outside a network namespace of its own.
func Start(t testing.TB, o Options) *Control {
	t.Helper()
	if !testnet.InLoopbackNamespace() {
		t.Fatal("tailnettest: a tailnet runs only in a test network namespace (testnet.MainInLoopbackNamespace)")
	}
	// Tailscale's sockets bypass its own routes with a socket mark in
	// production; tests have no such routes (tsnet's own tests do the same).
	netns.SetEnabled(false)
	logf := logger.Discard
	if o.Verbose {
		logf = t.Logf
	}
	derpMap := integration.RunDERPAndSTUN(t, logf, "127.0.0.1")
	c := &testcontrol.Server{
		DERPMap:          derpMap,
		DNSConfig:        &tailcfg.DNSConfig{Proxied: true},
		MagicDNSDomain:   Domain,
		RequireAuth:      o.RequireAuth,
		AllNodesSameUser: o.SameUser,
		Logf:             logf,
	}
	c.HTTPTestServer = httptest.NewUnstartedServer(c)
	c.HTTPTestServer.Start()
	t.Cleanup(c.HTTPTestServer.Close)
	return &Control{Server: c, URL: c.HTTPTestServer.URL}
}

// GiveNodeTo makes the node named hostname a device of the user of the node
// named owner (the coordination server tells every node): the person
// sharing's second device, in a tailnet where each node started as a user
// of its own.
func (c *Control) GiveNodeTo(t testing.TB, hostname, owner string) {
	t.Helper()
	var node, of *tailcfg.Node
	for _, n := range c.AllNodes() {
		switch n.Hostinfo.Hostname() {
		case hostname:
			node = n
		case owner:
			of = n
		}
	}
	if node == nil || of == nil {
		t.Fatalf("tailnettest: no node %q or %q on the test tailnet", hostname, owner)
	}
	node.User = of.User
	c.UpdateNode(node)
}
