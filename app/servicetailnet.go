package app

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sync"
	"time"

	"vncbridge/internal/tailnet"
)

// The service shares on the tailnet as the tray does, from the settings
// file (tailnet, tailnet_hostname, tailnet_control_url, and TS_AUTHKEY in
// its environment for a login without a person): a node that starts with
// the service, the page that logs it in and the share's tailnet address in
// the log, its listeners serving whichever share runs now; with funnel, its
// public (Funnel) listener too.

// serviceTailnet is the service's node and its listeners.
type serviceTailnet struct {
	node    *tailnet.Node
	log     *slog.Logger
	current func() *share // the share now; nil while it starts again

	mu        sync.Mutex
	running   bool // the node is on the tailnet
	listeners []net.Listener
	closed    bool
}

// startServiceTailnet starts the node; once it runs, it serves the
// current share.
func startServiceTailnet(life context.Context, paths Paths, s settings, log *slog.Logger, current func() *share, funnelTLS *tls.Config) (*serviceTailnet, error) {
	st := &serviceTailnet{log: log, current: current}
	node, err := tailnet.Start(tailnet.Config{
		Dir:        tailnet.StateDir(paths.Dir),
		Hostname:   s.tailnetHostname(),
		ControlURL: s.TailnetControlURL,
		AuthKey:    os.Getenv("TS_AUTHKEY"),
		OnLoginURL: func(u string) { log.Warn("the tailnet node needs a login: open this page to log it in", "url", u) },
		Logf:       func(format string, args ...any) { log.Debug("tailscale: " + fmt.Sprintf(format, args...)) },
		FunnelTLS:  funnelTLS,
	})
	if err != nil {
		return nil, err
	}
	st.node = node
	go func() {
		if err := node.Running(life); err != nil {
			return // the service stopped first
		}
		st.mu.Lock()
		st.running = true
		st.mu.Unlock()
		st.serve(life)
	}()
	return st, nil
}

// serve moves the listeners to the current share, once the node runs: a
// share that started again after a failure calls it.
func (st *serviceTailnet) serve(life context.Context) {
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, ln := range st.listeners {
		ln.Close()
	}
	st.listeners = nil
	sh := st.current()
	if !st.running || sh == nil {
		return // its serve comes when both are there
	}
	ctx, cancel := context.WithTimeout(life, 30*time.Second)
	defer cancel()
	lns, ts, self, err := serveTailnet(ctx, st.node, sh.srv)
	if err != nil {
		st.log.Warn("cannot share on the tailnet", "err", err)
		return
	}
	st.listeners = lns
	st.log.Info("service sharing on the tailnet", "url", ts.URL, "as", self.Login)
	if !sh.settings.Funnel {
		return
	}
	// On the internet too (funnel.go): nobody is there to ask, so the
	// token alone lets a viewer in, as in a headless run.
	ln, u, err := serveFunnel(ctx, st.node, sh.srv)
	if err != nil {
		st.log.Warn("cannot share on the internet (Funnel)", "err", err)
		return
	}
	st.listeners = append(st.listeners, ln)
	st.log.Info("service sharing on the internet (Funnel)", "url", u)
}

// close ends the listeners and the node; once.
func (st *serviceTailnet) close() {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.closed {
		return
	}
	st.closed = true
	st.running = false // no serve after this
	for _, ln := range st.listeners {
		ln.Close()
	}
	st.listeners = nil
	tailnetViewers.use(nil, tailnet.Identity{})
	st.node.Close()
}
