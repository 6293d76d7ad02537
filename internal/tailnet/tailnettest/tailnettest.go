// Package tailnettest runs a tailnet for tests, on loopback: Tailscale's own
// test coordination server and DERP/STUN relay, in-process. Use it only in
// tests that run in a network namespace of their own
// (testnet.MainInLoopbackNamespace): a Tailscale node sends its NAT
// traversal's packets to every address it sees.
package tailnettest

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"tailscale.com/net/netns"
	"tailscale.com/tailcfg"
	"tailscale.com/tstest/integration"
	"tailscale.com/tstest/integration/testcontrol"
	"tailscale.com/types/logger"

	"vncbridge/internal/tailnet"
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
	// NoFunnel is a tailnet whose policy lacks Funnel: its nodes have
	// HTTPS and not the "funnel" attribute.
	NoFunnel bool
	// NoHTTPS is a tailnet with HTTPS off: its nodes have MagicDNS names
	// and no certificate names (nor the https attribute, nor DNS settings).
	NoHTTPS bool
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
	if o.NoHTTPS {
		c.DNSConfig = nil // testcontrol gives certificate names with DNS settings
		c.DefaultNodeCapabilities = &tailcfg.NodeCapMap{tailcfg.NodeAttrFunnel: nil}
	}
	if o.NoFunnel {
		c.DefaultNodeCapabilities = &tailcfg.NodeCapMap{
			tailcfg.CapabilityHTTPS:                      nil,
			tailcfg.CapabilityFunnelPorts + "?ports=443": nil,
		}
	}
	c.HTTPTestServer = httptest.NewUnstartedServer(c)
	c.HTTPTestServer.Start()
	t.Cleanup(c.HTTPTestServer.Close)
	return &Control{Server: c, URL: c.HTTPTestServer.URL}
}

// Node starts a node named hostname on the test tailnet, its state in a
// folder of the test's, logs it in (as a person would, where the tailnet
// requires it) and waits until it runs; it stops with the test. The
// context, for its dials, ends with the test too, a minute at most.
func (c *Control) Node(t testing.TB, hostname string) (*tailnet.Node, context.Context) {
	t.Helper()
	n, err := tailnet.Start(tailnet.Config{Dir: filepath.Join(t.TempDir(), hostname), Hostname: hostname, ControlURL: c.URL,
		OnLoginURL: func(u string) { c.CompleteAuth(u) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	if err := n.Running(ctx); err != nil {
		t.Fatalf("the node %s: %v (state %s)", hostname, err, n.State())
	}
	return n, ctx
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

// MakeIngress makes the node named hostname a Funnel ingress node, as
// Tailscale's relays are: the other nodes see it as a peer that reaches
// their peer API alone (UnsignedPeerAPIOnly).
func (c *Control) MakeIngress(t testing.TB, hostname string) {
	t.Helper()
	for _, n := range c.AllNodes() {
		if n.Hostinfo.Hostname() == hostname {
			c.SetUnsignedPeerAPIOnly(n.Key, true)
			return
		}
	}
	t.Fatalf("tailnettest: no node %q on the test tailnet", hostname)
}

// A Dialer dials over a tailnet (a node).
type Dialer interface {
	Dial(ctx context.Context, network, addr string) (net.Conn, error)
}

// DialIngress plays a Funnel relay: from an ingress node, it asks the
// peer API at peerAPI ("http://100.64.0.1:45678", the target node's) for a
// connection to target ("NAME.TAILNET.ts.net:443") on behalf of the
// public address src, as Tailscale's relays do (POST /v0/ingress); the
// connection returned carries what the person on the internet sends (TLS
// to the target's name). A refusal is an error with the peer API's status
// and answer.
func DialIngress(ctx context.Context, from Dialer, peerAPI, src, target string) (net.Conn, error) {
	u, err := url.Parse(peerAPI)
	if err != nil {
		return nil, err
	}
	conn, err := from.Dial(ctx, "tcp", u.Host)
	if err != nil {
		return nil, err
	}
	if d, ok := ctx.Deadline(); ok {
		conn.SetDeadline(d)
	}
	req, _ := http.NewRequest("POST", "/v0/ingress", nil)
	req.Host = u.Host
	req.Header.Set("Tailscale-Ingress-Src", src)
	req.Header.Set("Tailscale-Ingress-Target", target)
	if err := req.Write(conn); err != nil {
		conn.Close()
		return nil, err
	}
	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, req)
	if err != nil {
		conn.Close()
		return nil, err
	}
	if res.StatusCode != http.StatusSwitchingProtocols {
		body := make([]byte, 512)
		n, _ := res.Body.Read(body)
		conn.Close()
		return nil, fmt.Errorf("ingress refused: %s %q", res.Status, body[:n])
	}
	conn.SetDeadline(time.Time{})
	return &bufferedConn{Conn: conn, r: br}, nil
}

type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// Certificate makes a certificate authority and, signed by it, a
// certificate for the names (the test tailnet has no authority of its
// own): the certificate for a node's listener, and the pool a client
// trusts it by. Both are valid for an hour.
func Certificate(t testing.TB, names ...string) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "vncbridge test tailnet CA"},
		NotBefore: time.Now().Add(-time.Minute), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: names[0]}, DNSNames: names,
		NotBefore: time.Now().Add(-time.Minute), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return tls.Certificate{Certificate: [][]byte{der, caDER}, PrivateKey: key}, pool
}

// PeerAPI is the address of the peer API of the node named hostname
// ("http://100.64.0.1:45678"), as the node told the coordination server;
// it waits up to a minute for the node to tell it.
func (c *Control) PeerAPI(t testing.TB, hostname string) string {
	t.Helper()
	var found string
	testnet.WaitWithin(t, time.Minute, "the peer API of "+hostname, func() bool {
		for _, n := range c.AllNodes() {
			if n.Hostinfo.Hostname() != hostname || len(n.Addresses) == 0 {
				continue
			}
			for _, s := range n.Hostinfo.Services().All() {
				if s.Proto == tailcfg.PeerAPI4 && s.Port != 0 {
					found = "http://" + net.JoinHostPort(n.Addresses[0].Addr().String(), strconv.Itoa(int(s.Port)))
					return true
				}
			}
		}
		return false
	})
	return found
}
