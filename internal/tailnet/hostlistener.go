package tailnet

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// Tailscale's peer API (how other nodes reach this one: Funnel's ingress
// comes through it) is served on a port of every interface of the host by
// a userspace node, besides the node's own network. The node's own
// network does not need that socket: its packets to the port reach the
// peer API in-process. Where the system lets vncbridge take the host's
// socket away (hostlistener_linux.go), it does, once the node runs, after
// each change of the node in the network map (new addresses bring the
// peer API new listeners), and before a share listens (Listen).

// shutHostListener takes the peer API's listeners off the host's network,
// where the system allows it; failures are logged (the listener then
// stays, and admits nothing but the tailnet's nodes).
func (n *Node) shutHostListener() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ports, err := n.peerAPIPorts(ctx)
	if err == nil {
		var shut int
		shut, err = shutListeners(ports)
		if shut > 0 {
			n.logf("vncbridge: took the peer API's listener on port(s) %v off the host's network (%d sockets)", ports, shut)
		}
	}
	if err != nil {
		n.logf("vncbridge: the peer API's listener on the host stays: %v", err)
	}
}

// peerAPIPorts are the ports of this node's peer API.
func (n *Node) peerAPIPorts(ctx context.Context) ([]uint16, error) {
	urls, err := n.PeerAPI(ctx)
	if err != nil {
		return nil, err
	}
	var ports []uint16
	for _, u := range urls {
		pu, err := url.Parse(u)
		if err != nil {
			continue
		}
		if p, err := strconv.ParseUint(pu.Port(), 10, 16); err == nil && p != 0 && !slices.Contains(ports, uint16(p)) {
			ports = append(ports, uint16(p))
		}
	}
	return ports, nil
}

// PeerAPI are the node's peer API addresses on the tailnet
// ("http://100.64.0.1:45678"), once it runs.
func (n *Node) PeerAPI(ctx context.Context) ([]string, error) {
	st, err := n.lc.StatusWithoutPeers(ctx)
	if err != nil {
		return nil, err
	}
	if st.Self == nil {
		return nil, nil
	}
	return st.Self.PeerAPIURL, nil
}

func (n *Node) logf(format string, args ...any) {
	if n.cfg.Logf != nil {
		n.cfg.Logf(format, args...)
	}
}
