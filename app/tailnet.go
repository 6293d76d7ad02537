package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"vncbridge/internal/tailnet"
	"vncbridge/proxy"
)

// Sharing on the person's tailnet: an embedded Tailscale node runs while the
// share does and the tailnet setting is on; its listeners (on the node's
// own network, nothing on the host's) feed the share's proxy, so a tailnet
// viewer meets the same token rules as a viewer on the LAN, and is named by
// Tailscale (WhoIs). Nothing of Tailscale starts while the setting is off.

// tailnetState is what the tray shows of the tailnet.
type tailnetState struct {
	// URL is the share's tailnet address, without the token, once served.
	URL string
	// LoginURL is where the person logs the node in, while it waits.
	LoginURL string
	// HTTPSOff: the tailnet has no HTTPS, so the share is plain HTTP over
	// WireGuard.
	HTTPSOff bool
	// Err says why the tailnet share does not run.
	Err string
	// Funnel is the share on the internet, when its setting is on.
	Funnel funnelState
}

// tailnetRun is the running node and the share's listeners on it.
type tailnetRun struct {
	node     *tailnet.Node
	hostname string
	control  string
	// listeners are served by share (nil until the node runs).
	listeners []net.Listener
	share     *share
	// seen hears when the node first runs.
	seen bool
}

// tailnetViewers knows the viewers that came over a tailnet, by their
// address: the share's admission reads it, and names them for the proxy
// (proxy.Config.ViewerName, so Viewer.Name in the Viewers menu, the
// notifications, the consent question, the log). The proxy knows nothing of
// Tailscale.
var tailnetViewers = &tailnetBook{}

// tailnetBook knows the tailnet connections (marked as they are accepted)
// and who is behind them.
type tailnetBook struct {
	mu    sync.Mutex
	node  *tailnet.Node
	self  tailnet.Identity
	conns map[string]*tailnet.Identity // remote address → who (nil: not asked yet)
	order []string                     // oldest first, to forget the oldest names
}

// maxTailnetNames bounds the names kept after their connections closed (a
// viewer's leave notification comes after its connection closed).
const maxTailnetNames = 1024

// use sets the node that admits tailnet viewers (nil: none).
func (b *tailnetBook) use(n *tailnet.Node, self tailnet.Identity) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.node, b.self = n, self
}

// mark records addr as a connection that came over the tailnet.
func (b *tailnetBook) mark(addr string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.conns == nil {
		b.conns = map[string]*tailnet.Identity{}
	}
	if _, ok := b.conns[addr]; !ok {
		b.order = append(b.order, addr)
	}
	b.conns[addr] = nil
	for len(b.order) > maxTailnetNames {
		delete(b.conns, b.order[0])
		b.order = b.order[1:]
	}
}

// name is the tailnet name of the viewer at addr, "Ann (ann@example.com)
// on phone", each part as plain text of a viewer's (viewerText); "" for one
// not on the tailnet, or not admitted yet.
func (b *tailnetBook) name(addr string) string {
	b.mu.Lock()
	id := b.conns[addr]
	b.mu.Unlock()
	if id == nil {
		return ""
	}
	return tailnet.Identity{DisplayName: viewerText(id.DisplayName), Login: viewerText(id.Login), Device: viewerText(id.Device)}.String()
}

// has tells whether addr is a connection that came over the tailnet.
func (b *tailnetBook) has(addr string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	_, ok := b.conns[addr]
	return ok
}

// errOwnDevicesOnly refuses a tailnet viewer of another Tailscale user.
var errOwnDevicesOnly = errors.New("this desktop is shared only with the devices of its owner's Tailscale account")

// admit checks a request that came over the tailnet: who it is (WhoIs),
// and, with ownOnly, that it is the person sharing on another device. A
// request from elsewhere passes.
func (b *tailnetBook) admit(r *http.Request, ownOnly bool) (isTailnet bool, err error) {
	b.mu.Lock()
	_, isTailnet = b.conns[r.RemoteAddr]
	node, self := b.node, b.self
	b.mu.Unlock()
	if !isTailnet {
		return false, nil
	}
	if node == nil {
		return true, &proxy.AuthError{Status: http.StatusForbidden, Reason: "the desktop is no longer shared on the tailnet"}
	}
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	id, err := node.WhoIs(ctx, r.RemoteAddr)
	if err != nil {
		return true, &proxy.AuthError{Status: http.StatusForbidden, Reason: "vncbridge cannot tell who you are on the tailnet"}
	}
	if ownOnly && id.UserID != self.UserID {
		return true, &proxy.AuthError{Status: http.StatusForbidden, Reason: errOwnDevicesOnly.Error()}
	}
	b.mu.Lock()
	if _, ok := b.conns[r.RemoteAddr]; ok {
		b.conns[r.RemoteAddr] = &id
	}
	b.mu.Unlock()
	return true, nil
}

// markedListener marks the connections it accepts as the tailnet's.
// With sealed (the tailnet's own listeners), its plain connections are
// told to the proxy as encrypted below (WireGuard): a share that takes TLS
// only on its port (Allow other computers) serves them too.
type markedListener struct {
	net.Listener
	book   *tailnetBook
	sealed bool
}

func (l markedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.book.mark(c.RemoteAddr().String())
	if _, isTLS := c.(*tls.Conn); l.sealed && !isTLS {
		return sealedConn{c}, nil
	}
	return c, nil
}

// sealedConn is a connection over the tailnet's WireGuard
// (proxy.Sealed).
type sealedConn struct{ net.Conn }

func (sealedConn) Sealed() bool { return true }

// tailnetAuth is the share's admission with the tailnet's check before it.
// A tailnet viewer is a viewer on another computer: the share's link lets
// it in, as on the LAN.
type tailnetAuth struct {
	shareAuth
	ownOnly bool
}

// Authenticate implements proxy.Authenticator.
func (a tailnetAuth) Authenticate(r *http.Request) error {
	isTailnet, err := tailnetViewers.admit(r, a.ownOnly)
	if err != nil {
		return err
	}
	auth := a.shareAuth
	if isTailnet || funnelViewers.has(r.RemoteAddr) {
		auth.local = false // its refusals speak of the link, not of this computer's menu
	}
	return auth.Authenticate(r)
}

// tailnetURL is the share's tailnet link, with the token; "" until served.
func (a *trayApp) tailnetURL() string {
	if a.st.Tailnet.URL == "" {
		return ""
	}
	return a.st.Tailnet.URL + "?" + url.Values{"token": {a.st.Settings.Token}}.Encode()
}

// syncTailnet brings the tailnet to what the settings and the share say:
// a node while sharing with the tailnet setting on (started again for a new
// name or coordination server), its listeners feeding the current share;
// nothing otherwise. On the event loop.
func (a *trayApp) syncTailnet() {
	s := a.st.Settings
	want := a.share != nil && s.Tailnet
	hostname := s.tailnetHostname()
	if a.tn != nil && (!want || a.tn.hostname != hostname || a.tn.control != s.TailnetControlURL) {
		a.stopTailnet()
	}
	if !want {
		a.st.Tailnet = tailnetState{}
		return
	}
	if a.tn == nil {
		a.startTailnet(hostname, s.TailnetControlURL)
		return
	}
	if a.tn.seen && a.tn.share != a.share {
		a.listenTailnet()
	}
}

// startTailnet starts the node; it serves the share once it runs.
func (a *trayApp) startTailnet(hostname, control string) {
	tn := &tailnetRun{hostname: hostname, control: control}
	node, err := tailnet.Start(tailnet.Config{
		Dir:        tailnet.StateDir(a.cfg.paths.Dir),
		Hostname:   hostname,
		ControlURL: control,
		AuthKey:    a.cfg.tailnetAuthKey,
		FunnelTLS:  a.cfg.funnelTLS,
		OnLoginURL: func(u string) { a.post(func() { a.tailnetLogin(tn, u) }) },
		Logf:       func(format string, args ...any) { a.log.Debug("tailscale: " + fmt.Sprintf(format, args...)) },
	})
	if err != nil {
		a.st.Tailnet = tailnetState{Err: err.Error()}
		a.log.Warn("cannot share on the tailnet", "err", err)
		return
	}
	tn.node = node
	a.tn = tn
	a.st.Tailnet = tailnetState{}
	a.log.Info("tailnet node started", "hostname", hostname)
	life := a.life
	a.background(func() {
		err := node.Running(life)
		a.post(func() { a.tailnetRunning(tn, err) })
	})
}

// tailnetLogin tells where to log the node in.
func (a *trayApp) tailnetLogin(tn *tailnetRun, u string) {
	if a.tn != tn || u == a.st.Tailnet.LoginURL {
		return
	}
	a.st.Tailnet.LoginURL = u
	a.log.Info("the tailnet node needs a login", "url", u)
	if a.cfg.headless {
		fmt.Fprintln(a.cfg.out, a.st.Words.Sprintf("vncbridge: to share on your tailnet, log in to Tailscale at %s", u))
		return
	}
	if err := a.cfg.opener.Open(u); err != nil { // the person just asked to share on the tailnet
		a.log.Warn("cannot open the Tailscale login page", "err", err)
	}
}

// tailnetRunning serves the share once the node is on the tailnet.
func (a *trayApp) tailnetRunning(tn *tailnetRun, err error) {
	if a.tn != tn {
		return
	}
	if err != nil {
		a.st.Tailnet.Err = a.reasonOf(err)
		return
	}
	tn.seen = true
	a.st.Tailnet.LoginURL = ""
	a.listenTailnet()
}

// listenTailnet moves the tailnet listeners to the current share.
func (a *trayApp) listenTailnet() {
	tn := a.tn
	for _, ln := range tn.listeners {
		ln.Close()
	}
	tn.listeners, tn.share = nil, nil
	ctx, cancel := context.WithTimeout(a.life, 30*time.Second)
	defer cancel()
	lns, sh, self, err := serveTailnet(ctx, tn.node, a.share.srv)
	if err != nil {
		a.st.Tailnet.Err = reason(a.st.Words, err)
		a.log.Warn("cannot share on the tailnet", "err", err)
		return
	}
	tn.listeners, tn.share = lns, a.share
	first := a.st.Tailnet.URL == ""
	a.st.Tailnet = tailnetState{URL: sh.URL, HTTPSOff: !sh.HTTPS, Funnel: a.st.Tailnet.Funnel}
	a.log.Info("sharing on the tailnet", "url", sh.URL, "as", self.Login)
	if first && a.cfg.headless {
		fmt.Fprintln(a.cfg.out, a.st.Words.Sprintf("vncbridge: sharing on the tailnet at %s", a.tailnetURL()))
	}
	a.listenFunnel()
}

// serveTailnet opens the share's tailnet listeners on a running node and
// serves srv on them, its connections marked as the tailnet's (and sealed
// by WireGuard); the tray and the service share it.
func serveTailnet(ctx context.Context, node *tailnet.Node, srv *proxy.Server) ([]net.Listener, *tailnet.Share, tailnet.Identity, error) {
	self, err := node.Self(ctx)
	if err != nil {
		return nil, nil, self, err
	}
	tailnetViewers.use(node, self)
	sh, err := node.Listen(ctx)
	if err != nil {
		return nil, nil, self, err
	}
	var lns []net.Listener
	for _, ln := range sh.Listeners {
		ml := markedListener{Listener: ln, book: tailnetViewers, sealed: true}
		lns = append(lns, ml)
		go srv.Serve(ml)
	}
	return lns, sh, self, nil
}

// serveFunnel opens the public listener on a running node and serves srv
// on it, its connections marked as Funnel's.
func serveFunnel(ctx context.Context, node *tailnet.Node, srv *proxy.Server) (net.Listener, string, error) {
	f, err := node.ListenFunnel(ctx)
	if err != nil {
		return nil, "", err
	}
	ml := markedListener{Listener: f, book: funnelViewers}
	go srv.Serve(ml)
	return ml, f.URL, nil
}

// tailnetGone is the reason the page of a tailnet viewer shows when the
// desktop is taken off the tailnet.
const tailnetGone = "The person sharing stopped sharing on the tailnet"

// stopTailnet closes the tailnet listeners, ends the tailnet's sessions
// (the desktop is off that network) and then closes the node.
func (a *trayApp) stopTailnet() {
	a.detachTailnet(func(n *tailnet.Node) { n.Close() })
	a.log.Info("stopped sharing on the tailnet")
}

// detachTailnet takes the desktop off the tailnet: the listeners close, the
// tailnet's and Funnel's sessions end, and then, in the background, done
// gets the node (to close it or log it out). On the event loop.
func (a *trayApp) detachTailnet(done func(*tailnet.Node)) {
	tn := a.tn
	a.tn = nil
	for _, ln := range tn.listeners {
		ln.Close()
	}
	ended := a.endTailnetSessions()
	tailnetViewers.use(nil, tailnet.Identity{})
	a.background(func() {
		ended()
		done(tn.node)
	})
	a.st.Tailnet = tailnetState{}
}

// endTailnetSessions disconnects the viewers that came over the tailnet,
// from every share, with tailnetGone; it returns a wait for their ends (a
// closed node would no longer carry their close frames), bounded.
func (a *trayApp) endTailnetSessions() (wait func()) {
	type open struct {
		srv *proxy.Server
		id  uint64
	}
	var ending []open
	for _, sh := range append([]*share{a.share}, a.draining...) {
		if sh == nil {
			continue
		}
		for _, v := range sh.srv.Viewers() {
			if (tailnetViewers.has(v.Address) || funnelViewers.has(v.Address)) && sh.srv.Disconnect(v.ID, tailnetGone) == nil {
				ending = append(ending, open{sh.srv, v.ID})
			}
		}
	}
	if len(ending) > 0 {
		a.log.Info("the desktop is off the tailnet", "disconnected", len(ending))
	}
	return func() {
		deadline := time.Now().Add(3 * time.Second)
		for _, o := range ending {
			for time.Now().Before(deadline) && slices.ContainsFunc(o.srv.Viewers(), func(v proxy.Viewer) bool { return v.ID == o.id }) {
				time.Sleep(20 * time.Millisecond) // the proxy has no signal for one session's end
			}
		}
	}
}

// tailnetHostname is the node's name: the setting, else vncbridge-HOST.
func (s settings) tailnetHostname() string {
	if s.TailnetHostname != "" {
		return s.TailnetHostname
	}
	return tailnet.DefaultHostname()
}

// tailnetOwnOnly: only the devices of the person sharing (on unless
// turned off).
func (s settings) tailnetOwnOnly() bool { return s.TailnetAnyUser == nil || !*s.TailnetAnyUser }

// validateTailnet checks the tailnet's settings.
func (s settings) validateTailnet() error {
	if s.TailnetHostname != "" {
		if err := tailnet.ValidHostname(s.TailnetHostname); err != nil {
			return err
		}
	}
	if s.TailnetControlURL != "" {
		u, err := url.Parse(s.TailnetControlURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return knownError{say: "the tailnet's coordination server %s is not an http(s) URL", args: []any{fmt.Sprintf("%q", s.TailnetControlURL)}}
		}
	}
	return nil
}
