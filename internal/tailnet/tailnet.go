// Package tailnet puts a share on the person's tailnet: an embedded Tailscale
// node (tailscale.com/tsnet, a library, so nothing of Tailscale needs to be
// installed), its listeners on the node's own userspace network (nothing
// listens on the host for them), and the identity of whoever connects.
//
// Nothing of Tailscale runs until Start is called. The node never uploads
// logs to Tailscale's log service: Start turns on Tailscale's "no logs, no
// support" mode and its log upload's process-wide off switch first.
package tailnet

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"tailscale.com/client/local"
	"tailscale.com/envknob"
	"tailscale.com/ipn"
	"tailscale.com/logtail"
	"tailscale.com/tsnet"
)

// Config says which node to start.
type Config struct {
	// Dir keeps the node's state (its keys, so it logs in once); it is made
	// private (0700).
	Dir string
	// Hostname is the node's name on the tailnet ("vncbridge-laptop").
	Hostname string
	// ControlURL is the coordination server; "" is Tailscale's.
	ControlURL string
	// AuthKey logs the node in without a person (a Tailscale auth key); ""
	// asks for an interactive login (OnLoginURL).
	AuthKey string
	// OnLoginURL is told the page where a person logs the node in, each time
	// the coordination server gives a new one; from the node's goroutine.
	OnLoginURL func(url string)
	// OnState is told the node's state as it changes ("NeedsLogin",
	// "Starting", "Running"…); from the node's goroutine.
	OnState func(state string)
	// Logf receives Tailscale's own (verbose) log; nil discards it.
	Logf func(format string, args ...any)
	// FunnelTLS is the TLS of the public (Funnel) listener; nil is the
	// node's own certificate from the tailnet (tests give one of their
	// own: the test tailnet has no certificate authority).
	FunnelTLS *tls.Config
}

// Node is a running tailnet node.
type Node struct {
	cfg  Config
	srv  *tsnet.Server
	lc   *local.Client
	stop context.CancelFunc
	done chan struct{} // the bus watcher ended

	mu      sync.Mutex
	state   string
	authURL string
	running chan struct{} // closed when the node first runs
}

// noUploads turns off every log upload to Tailscale, for the process: their
// documented switches, set before any node starts.
var noUploads = sync.OnceFunc(func() {
	envknob.SetNoLogsNoSupport()
	logtail.Disable()
})

// Start starts a node; it runs in the background (Running waits for it to
// be on the tailnet). A node that needs a person to log in says where
// (Config.OnLoginURL, LoginURL).
func Start(cfg Config) (*Node, error) {
	if cfg.Dir == "" {
		return nil, errors.New("tailnet: no state folder")
	}
	if err := ValidHostname(cfg.Hostname); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("tailnet state folder: %w", err)
	}
	if err := os.Chmod(cfg.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("tailnet state folder: %w", err)
	}
	noUploads()
	logf := func(string, ...any) {}
	if cfg.Logf != nil {
		logf = cfg.Logf
	}
	s := &tsnet.Server{
		Dir:        cfg.Dir,
		Hostname:   cfg.Hostname,
		ControlURL: cfg.ControlURL,
		AuthKey:    cfg.AuthKey,
		Logf:       logf,
		UserLogf:   logf, // the login URL reaches the person through OnLoginURL
	}
	if err := s.Start(); err != nil {
		s.Close()
		return nil, fmt.Errorf("starting the Tailscale node: %w", err)
	}
	lc, err := s.LocalClient()
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("starting the Tailscale node: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n := &Node{cfg: cfg, srv: s, lc: lc, stop: cancel, done: make(chan struct{}), running: make(chan struct{})}
	w, err := lc.WatchIPNBus(ctx, ipn.NotifyInitialState)
	if err != nil {
		cancel()
		s.Close()
		return nil, fmt.Errorf("watching the Tailscale node: %w", err)
	}
	go n.watch(w)
	return n, nil
}

// watch follows the node's state and login URL until Close.
func (n *Node) watch(w *local.IPNBusWatcher) {
	defer close(n.done)
	defer w.Close()
	for {
		note, err := w.Next()
		if err != nil {
			return
		}
		if note.BrowseToURL != nil && *note.BrowseToURL != "" {
			n.mu.Lock()
			n.authURL = *note.BrowseToURL
			n.mu.Unlock()
			if n.cfg.OnLoginURL != nil {
				n.cfg.OnLoginURL(*note.BrowseToURL)
			}
		}
		running := note.State != nil && *note.State == ipn.Running
		if running || note.SelfChange != nil { // a new map may bring the peer API new listeners
			n.shutHostListener()
		}
		if note.State != nil {
			st := note.State.String()
			n.mu.Lock()
			n.state = st
			if running {
				n.authURL = ""
				select {
				case <-n.running:
				default:
					close(n.running)
				}
			}
			n.mu.Unlock()
			if n.cfg.OnState != nil {
				n.cfg.OnState(st)
			}
		}
	}
}

// LoginURL is where a person logs the node in, while it waits for one; "".
func (n *Node) LoginURL() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.authURL
}

// State is the node's state: "NeedsLogin", "Starting", "Running"…
func (n *Node) State() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.state
}

// Running waits until the node is on the tailnet (logged in and connected
// to the coordination server), or ctx is done.
func (n *Node) Running(ctx context.Context) error {
	select {
	case <-n.running:
		return nil
	case <-n.done:
		return errors.New("tailnet: the node stopped")
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Share is where a share is served on the tailnet.
type Share struct {
	// Listeners are tailnet :80 (plain HTTP over WireGuard) and, when the
	// tailnet has HTTPS, :443 with the tailnet's certificate.
	Listeners []net.Listener
	// URL is the share's address: https://NAME.TAILNET.ts.net/ when the
	// tailnet has HTTPS, else http://NAME.TAILNET.ts.net/ (or the node's
	// short name when the tailnet has no MagicDNS).
	URL string
	// HTTPS is whether the tailnet gives the node a certificate.
	HTTPS bool
}

// Close closes the listeners.
func (sh *Share) Close() {
	for _, ln := range sh.Listeners {
		ln.Close()
	}
}

// Listen opens the share's listeners on a running node.
func (n *Node) Listen(ctx context.Context) (*Share, error) {
	if err := n.Running(ctx); err != nil {
		return nil, err
	}
	n.shutHostListener() // again, should the peer API have listened since it ran
	st, err := n.lc.StatusWithoutPeers(ctx)
	if err != nil {
		return nil, fmt.Errorf("tailnet status: %w", err)
	}
	plain, err := n.srv.Listen("tcp", ":80")
	if err != nil {
		return nil, fmt.Errorf("listening on the tailnet: %w", err)
	}
	sh := &Share{Listeners: []net.Listener{plain}}
	name := n.cfg.Hostname
	if st.Self != nil && st.Self.DNSName != "" {
		name = strings.TrimSuffix(st.Self.DNSName, ".")
	}
	sh.URL = "http://" + name + "/"
	if domains := n.srv.CertDomains(); len(domains) > 0 {
		tl, err := n.srv.ListenTLS("tcp", ":443")
		if err != nil {
			sh.Close()
			return nil, fmt.Errorf("listening on the tailnet with HTTPS: %w", err)
		}
		sh.Listeners = append(sh.Listeners, tl)
		sh.URL, sh.HTTPS = "https://"+domains[0]+"/", true
	}
	return sh, nil
}

// Identity is who is on the other end of a tailnet connection.
type Identity struct {
	UserID      int64
	Login       string // "alice@example.com"
	DisplayName string // "Alice Smith"
	Device      string // the device's name on the tailnet: "alices-phone"
}

// String is "Alice Smith (alice@example.com) on alices-phone".
func (id Identity) String() string {
	who := id.DisplayName
	switch {
	case who == "":
		who = id.Login
	case id.Login != "" && id.Login != who:
		who += " (" + id.Login + ")"
	}
	if id.Device != "" {
		who += " on " + id.Device
	}
	return who
}

// WhoIs tells who connected from remoteAddr ("100.64.0.2:41234"), a
// connection accepted on one of the node's listeners.
func (n *Node) WhoIs(ctx context.Context, remoteAddr string) (Identity, error) {
	r, err := n.lc.WhoIs(ctx, remoteAddr)
	if err != nil {
		return Identity{}, err
	}
	var id Identity
	if r.UserProfile != nil {
		id.UserID = int64(r.UserProfile.ID)
		id.Login, id.DisplayName = r.UserProfile.LoginName, r.UserProfile.DisplayName
	}
	if r.Node != nil {
		id.Device = r.Node.ComputedName
		if id.Device == "" {
			id.Device, _, _ = strings.Cut(r.Node.Name, ".")
		}
	}
	return id, nil
}

// Self is the user the node is logged in as (its device: this node).
func (n *Node) Self(ctx context.Context) (Identity, error) {
	st, err := n.lc.StatusWithoutPeers(ctx)
	if err != nil {
		return Identity{}, err
	}
	if st.Self == nil {
		return Identity{}, errors.New("tailnet: not logged in")
	}
	id := Identity{UserID: int64(st.Self.UserID), Device: st.Self.HostName}
	if u, ok := st.User[st.Self.UserID]; ok {
		id.Login, id.DisplayName = u.LoginName, u.DisplayName
	}
	return id, nil
}

// Dial opens a connection over the tailnet (for tests and the viewer side).
func (n *Node) Dial(ctx context.Context, network, addr string) (net.Conn, error) {
	return n.srv.Dial(ctx, network, addr)
}

// Loopback starts the node's SOCKS5 proxy on the host's loopback (for a
// browser that goes through the tailnet); it returns its address and the
// proxy's password (user "tsnet").
func (n *Node) Loopback() (addr, password string, err error) {
	addr, password, _, err = n.srv.Loopback()
	return addr, password, err
}

// Close stops the node; its state stays (it logs in again by itself).
func (n *Node) Close() error {
	n.stop()
	err := n.srv.Close()
	<-n.done
	return err
}

// LogOut logs the node out of the tailnet, stops it and removes its state:
// the next Start asks for a login again.
func (n *Node) LogOut(ctx context.Context) error {
	err := n.lc.Logout(ctx)
	n.Close()
	if rmErr := os.RemoveAll(n.cfg.Dir); rmErr != nil && err == nil {
		err = rmErr
	}
	return err
}

// DefaultHostname is the node's name when none is given: "vncbridge-" and this
// computer's short host name.
func DefaultHostname() string {
	h, _ := os.Hostname()
	h, _, _ = strings.Cut(h, ".")
	h = strings.ToLower(h)
	var b strings.Builder
	for _, r := range h {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	h = strings.Trim(b.String(), "-")
	if h == "" {
		return "vncbridge"
	}
	return strings.TrimRight(truncate("vncbridge-"+h, 63), "-")
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// ValidHostname checks a node name: a DNS label (letters, digits, hyphens,
// at most 63, not starting or ending with a hyphen).
func ValidHostname(h string) error {
	if h == "" || len(h) > 63 || h[0] == '-' || h[len(h)-1] == '-' {
		return fmt.Errorf("%q is not a host name for the tailnet (letters, digits and hyphens, at most 63)", h)
	}
	for _, r := range h {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return fmt.Errorf("%q is not a host name for the tailnet (letters, digits and hyphens, at most 63)", h)
		}
	}
	return nil
}

// StateDir is the node's state folder in a config folder.
func StateDir(configDir string) string { return filepath.Join(configDir, "tailnet") }
