package tailnet_test

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"vncbridge/internal/tailnet"
	"vncbridge/internal/tailnet/tailnettest"
	"vncbridge/internal/testnet"
)

// startNodeWith starts a node of cfg (its Dir and ControlURL filled) and
// waits until it runs.
func startNodeWith(t *testing.T, c *tailnettest.Control, cfg tailnet.Config) *tailnet.Node {
	t.Helper()
	cfg.Dir, cfg.ControlURL = filepath.Join(t.TempDir(), "state"), c.URL
	n, err := tailnet.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := n.Running(ctx); err != nil {
		t.Fatalf("%s: %v (state %s)", cfg.Hostname, err, n.State())
	}
	return n
}

// hostListeners are the host's TCP sockets that listen on every address
// ("0.0.0.0:PORT", "[::]:PORT") on one of the ports of urls (the peer API's).
func hostListeners(t *testing.T, urls []string) []string {
	t.Helper()
	ports := map[uint64]bool{}
	for _, u := range urls {
		pu, err := url.Parse(u)
		if err != nil {
			t.Fatal(err)
		}
		p, _ := strconv.ParseUint(pu.Port(), 10, 16)
		ports[p] = true
	}
	var out []string
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n")[1:] {
			fs := strings.Fields(line)
			if len(fs) < 10 || fs[3] != "0A" {
				continue
			}
			addr, hexPort, _ := strings.Cut(fs[1], ":")
			p, _ := strconv.ParseUint(hexPort, 16, 16)
			if ports[p] && strings.Trim(addr, "0") == "" {
				out = append(out, f+" "+fs[1])
			}
		}
	}
	return out
}

// Funnel on the test tailnet: a node its coordination server marks as an
// ingress node (as Tailscale's relays are) reaches the share's public
// listener through the share's peer API, over the tailnet, though that API
// listens on no port of the host; the listener names the public address;
// closed, it takes no new connection.
func TestFunnel(t *testing.T) {
	c := tailnettest.Start(t, tailnettest.Options{})
	host := "share." + tailnettest.Domain
	cert, pool := tailnettest.Certificate(t, host)
	share := startNodeWith(t, c, tailnet.Config{Hostname: "share", FunnelTLS: &tls.Config{Certificates: []tls.Certificate{cert}}})
	relay := startNodeWith(t, c, tailnet.Config{Hostname: "relay"})
	c.MakeIngress(t, "relay")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	peerAPI, err := share.PeerAPI(ctx)
	if err != nil || len(peerAPI) == 0 {
		t.Fatalf("the share's peer API: %v %v", peerAPI, err)
	}
	// Tailscale's peer API would listen on every interface of the host; the
	// node took it off the host's network by the time it ran.
	if l := hostListeners(t, peerAPI); len(l) > 0 {
		t.Fatalf("the peer API listens on the host: %v", l)
	}

	f, err := share.ListenFunnel(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := "https://" + host + "/"; f.URL != want {
		t.Errorf("Funnel URL %s, want %s", f.URL, want)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil {
			http.Error(w, "not over TLS", http.StatusBadRequest)
			return
		}
		io.WriteString(w, r.RemoteAddr)
	})}
	go srv.Serve(f)
	defer srv.Close()

	const src = "203.0.113.7:4321" // someone on the internet
	get := func() (string, error) {
		dctx, dcancel := context.WithTimeout(ctx, 10*time.Second)
		defer dcancel()
		client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
			DialContext: func(context.Context, string, string) (net.Conn, error) {
				return tailnettest.DialIngress(dctx, relay, peerAPI[0], src, host+":443")
			},
			TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: host},
		}}
		defer client.CloseIdleConnections()
		res, err := client.Get("https://" + host + "/")
		if err != nil {
			return "", err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		return string(b), err
	}
	var body string
	if !testnet.Poll(30*time.Second, 100*time.Millisecond, func() bool {
		body, err = get()
		return err == nil
	}) {
		t.Fatalf("through Funnel: %v", err)
	}
	if body != src {
		t.Errorf("the connection's address %q, want the public source %s", body, src)
	}

	// The peer API still listens on the host for no one, after the netmap
	// changes Funnel brought.
	if l := hostListeners(t, peerAPI); len(l) > 0 {
		t.Errorf("the peer API listens on the host: %v", l)
	}

	f.Close()
	if body, err := get(); err == nil {
		t.Errorf("through Funnel after its listener closed: %q, want a refusal", body)
	}
}

// A tailnet whose policy lacks Funnel: the refusal says so and names the
// page that tells how to allow it.
func TestFunnelNotAllowed(t *testing.T) {
	c := tailnettest.Start(t, tailnettest.Options{NoFunnel: true})
	share := startNodeWith(t, c, tailnet.Config{Hostname: "share"})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	f, err := share.ListenFunnel(ctx)
	if err == nil {
		f.Close()
		t.Fatal("Funnel listens in a tailnet whose policy lacks it")
	}
	var fe *tailnet.FunnelUnavailableError
	if !errors.As(err, &fe) || fe.URL != "https://tailscale.com/s/no-funnel" {
		t.Fatalf("error %v (%#v), want a FunnelUnavailableError naming https://tailscale.com/s/no-funnel", err, fe)
	}
}
