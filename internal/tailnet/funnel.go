package tailnet

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"

	"tailscale.com/ipn"
	"tailscale.com/tsnet"
)

// Funnel is a share's public listener: Tailscale Funnel's relays bring it
// the connections of anyone on the internet who has the link, as TLS to
// the node's own name. Each accepted connection's RemoteAddr is the public
// address of the person on the other end (not the relay's).
type Funnel struct {
	net.Listener
	// URL is the public address: https://NAME.TAILNET.ts.net/.
	URL string
}

// FunnelUnavailableError says that the tailnet does not let this node use
// Funnel (its policy lacks Funnel, or HTTPS is off), and where a person
// turns it on.
type FunnelUnavailableError struct {
	Err error
	// URL is Tailscale's page that says how to allow it ("" when the
	// refusal names none).
	URL string
	// NeedsHTTPS: what is missing is HTTPS in the tailnet (Funnel needs
	// its certificates).
	NeedsHTTPS bool
}

func (e *FunnelUnavailableError) Error() string { return e.Err.Error() }
func (e *FunnelUnavailableError) Unwrap() error { return e.Err }

// tailscalePage finds the Tailscale page a refusal names
// ("… See https://tailscale.com/s/no-funnel.").
var tailscalePage = regexp.MustCompile(`https://[^\s"]+`)

// ListenFunnel opens the public listener on the running node, on port
// 443 of Funnel alone (the tailnet's own listeners stay those of Listen).
// A tailnet that does not allow it gives a *FunnelUnavailableError.
func (n *Node) ListenFunnel(ctx context.Context) (*Funnel, error) {
	if err := n.Running(ctx); err != nil {
		return nil, err
	}
	conf := n.cfg.FunnelTLS
	if conf == nil {
		conf = &tls.Config{GetCertificate: n.lc.GetCertificate}
	}
	ln, err := n.srv.ListenFunnel("tcp", ":443", tsnet.FunnelOnly(), tsnet.FunnelTLSConfig(conf))
	if err != nil {
		if page := tailscalePage.FindString(err.Error()); page != "" || strings.Contains(err.Error(), "Funnel not available") {
			return nil, &FunnelUnavailableError{Err: err, URL: strings.TrimRight(page, "."), NeedsHTTPS: strings.Contains(err.Error(), "HTTPS must be enabled")}
		}
		return nil, fmt.Errorf("listening on the internet (Funnel): %w", err)
	}
	domains := n.srv.CertDomains()
	if len(domains) == 0 { // ListenFunnel checked it: the map changed since
		ln.Close()
		return nil, &FunnelUnavailableError{Err: errors.New("the tailnet gives this node no HTTPS name"), URL: "https://tailscale.com/s/https", NeedsHTTPS: true}
	}
	return &Funnel{Listener: publicListener{Listener: ln, conf: conf}, URL: "https://" + domains[0] + "/"}, nil
}

// publicListener gives its connections the public address of the person
// on the other end as their RemoteAddr (ipn.FunnelConn.Src), under the same
// TLS.
type publicListener struct {
	net.Listener
	conf *tls.Config
}

func (l publicListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	tc, ok := c.(*tls.Conn)
	if !ok {
		return c, nil
	}
	fc, ok := tc.NetConn().(*ipn.FunnelConn)
	if !ok || !fc.Src.IsValid() {
		return c, nil
	}
	// The handshake has not begun: the same connection under a TLS server
	// of its own, that tells the public address.
	return tls.Server(publicConn{FunnelConn: fc}, l.conf), nil
}

// publicConn is a Funnel connection that names the public source as its
// remote address.
type publicConn struct{ *ipn.FunnelConn }

func (c publicConn) RemoteAddr() net.Addr { return net.TCPAddrFromAddrPort(c.Src) }
