package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"vncbridge/internal/tailnet"
	"vncbridge/proxy"
)

// serveTailnet serves srv on a tailnet too (`vncbridge proxy
// --tailnet-hostname NAME`, for server setups): it starts the node, logs its
// login URL when it needs one, waits until it is on the tailnet, and serves
// its listeners. The caller closes the node.
func serveTailnet(srv *proxy.Server, o *proxyOptions, logger *slog.Logger) (*tailnet.Node, error) {
	key, err := tailnetAuthKey(o.tailnetAuthKeyFile)
	if err != nil {
		return nil, fmt.Errorf("--tailnet-authkey-file: %w", err)
	}
	dir := o.tailnetState
	if dir == "" {
		conf, err := os.UserConfigDir()
		if err != nil {
			return nil, fmt.Errorf("--tailnet-hostname: no config directory for the node's state (give --tailnet-state): %w", err)
		}
		dir = filepath.Join(conf, "vncbridge", "tailnet-"+o.tailnetHostname)
	}
	node, err := tailnet.Start(tailnet.Config{
		Dir: dir, Hostname: o.tailnetHostname, ControlURL: o.tailnetControlURL, AuthKey: key,
		OnLoginURL: func(u string) { logger.Warn("to serve on the tailnet, log the node in at " + u) },
		Logf:       func(format string, args ...any) { logger.Debug("tailscale: " + fmt.Sprintf(format, args...)) },
	})
	if err != nil {
		return nil, err
	}
	// A login by a person may take a while; an auth key, seconds.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	sh, err := node.Listen(ctx)
	if err != nil {
		node.Close()
		if errors.Is(err, context.DeadlineExceeded) {
			err = errors.New("the node was not logged in to the tailnet within 10 minutes")
		}
		return nil, fmt.Errorf("--tailnet-hostname: %w", err)
	}
	for _, ln := range sh.Listeners {
		go srv.Serve(ln)
	}
	logger.Info("listening on the tailnet", "url", sh.URL, "https", sh.HTTPS)
	return node, nil
}

// tailnetNamer names a tailnet viewer by Tailscale, "Ann (ann@example.com)
// on ann-phone", for the proxy's log and /metrics (proxy.Config.ViewerName);
// "" for a viewer from elsewhere.
type tailnetNamer struct{ node atomic.Pointer[tailnet.Node] }

func (n *tailnetNamer) name(r *http.Request) string {
	node := n.node.Load()
	if node == nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	id, err := node.WhoIs(ctx, r.RemoteAddr)
	if err != nil {
		return "" // not a tailnet address
	}
	return id.String()
}
