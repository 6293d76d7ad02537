package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"vncbridge/assets"
	"vncbridge/proxy"
	"vncbridge/proxy/auth"
	"vncbridge/proxy/tokens"
)

// runProxy is `vncbridge proxy` (and a binary named websockify). It returns
// the exit status: 0 after a clean end, 1 when serving fails, 2 for a bad
// command line.
func runProxy(args []string, stdout, stderr io.Writer) int {
	o, err := parseProxyArgs(args)
	if err != nil {
		fmt.Fprintf(stderr, "vncbridge proxy: %v\n\n%s", err, proxyUsage())
		return 2
	}
	switch {
	case o.help:
		fmt.Fprint(stdout, proxyUsage())
		return 0
	case o.version:
		fmt.Fprintln(stdout, "vncbridge", version)
		return 0
	}
	if o.daemon && !isDaemonChild() {
		return daemonize(stderr)
	}

	logger, closeLog, err := newLogger(o, stderr)
	if err != nil {
		return fail(stderr, 2, err)
	}
	defer closeLog()
	cfg, err := o.config(logger)
	if err != nil {
		return fail(stderr, 2, err)
	}
	if c, ok := cfg.Tokens.(io.Closer); ok {
		defer c.Close() // whoever opens a lookup closes it (TokenRedis holds connections)
	}
	if o.libserver {
		logger.Info("--libserver chooses websockify's Python server engine; it has no meaning here and is ignored")
	}
	watch := newSessionWatch()
	cfg.OnSessions = watch.onSessions
	var tn tailnetNamer
	if o.tailnetHostname != "" {
		cfg.ViewerName = tn.name
	}
	srv, err := proxy.New(cfg)
	if err != nil {
		return fail(stderr, 2, err)
	}
	ln, err := o.listen()
	if err != nil {
		return fail(stderr, 1, err)
	}
	announce(logger, o, cfg, ln)
	if o.tailnetHostname != "" {
		node, err := serveTailnet(srv, o, logger)
		if err != nil {
			ln.Close()
			return fail(stderr, 1, err)
		}
		defer node.Close()
		tn.node.Store(node)
	}
	daemonReady(nil)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(stop)
	return serveUntilDone(srv, ln, watch, policy{runOnce: o.runOnce, timeout: seconds(o.timeout), idle: seconds(o.idleTimeout)}, stop, logger)
}

// serveUntilDone serves ln until a signal, a serving error, or the end the
// policy sets, then shuts the server down (closing the open sessions with
// 1001), and returns the exit status.
func serveUntilDone(srv *proxy.Server, ln net.Listener, watch *sessionWatch, p policy, stop <-chan os.Signal, logger *slog.Logger) int {
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	shutdown := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		if served != nil {
			<-served
		}
	}
	var timeout <-chan time.Time
	if p.timeout > 0 {
		t := time.NewTimer(p.timeout)
		defer t.Stop()
		timeout = t.C
	}
	idle := newIdleTimer(p.idle)
	defer idle.stop()
	draining := false // --timeout passed: the listener is closed, the last session ends the process
	wasOpen := 0
	for {
		select {
		case s := <-stop:
			logger.Info("stopping", "signal", s.String())
			shutdown()
			return 0
		case err := <-served:
			served = nil
			if !draining {
				logger.Error("serving failed", "error", err)
				shutdown()
				return 1
			}
		case <-timeout:
			logger.Info("timeout reached; no new connections", "timeout", p.timeout)
			timeout, draining = nil, true
			ln.Close()
		case <-idle.C:
			if open, _ := watch.counts(); open == 0 {
				logger.Info("idle timeout reached; exiting", "idle_timeout", p.idle)
				shutdown()
				return 0
			}
		case <-watch.poke:
		}
		open, ended := watch.counts()
		idle.sessionsChanged(wasOpen, open)
		wasOpen = open
		switch {
		case p.runOnce && ended > 0 && open == 0:
			logger.Info("run once: session over; exiting")
			shutdown()
			return 0
		case draining && open == 0:
			shutdown()
			return 0
		}
	}
}

func fail(stderr io.Writer, code int, err error) int {
	daemonReady(err)
	fmt.Fprintf(stderr, "vncbridge proxy: %v\n", err)
	return code
}

// config turns the options into the proxy's Config.
func (o *proxyOptions) config(logger *slog.Logger) (proxy.Config, error) {
	cfg := proxy.Config{
		Target:           o.target,
		UnixTarget:       o.unixTarget,
		PreferIPv6:       o.preferIPv6,
		TLSOnly:          o.sslOnly,
		Record:           o.record,
		Version:          version,
		Heartbeat:        seconds(o.heartbeat),
		HandshakeTimeout: seconds(o.handshakeTimeout),
		LookupTimeout:    seconds(o.lookupTimeout),
		AllowOrigins:     o.allowOrigins,
		AllowHosts:       o.allowHosts,
		NoLegacy:         o.noLegacy,
		HostToken:        o.hostToken,
		AuthWeb:          o.webAuth,
		Metrics:          o.metrics,
		ViewOnly:         o.viewOnly,
		Traffic:          o.traffic,
		Logger:           logger,
		OnViewer:         logViewer(logger),
	}
	var err error
	var unavailable string
	if cfg.TLS, unavailable, err = o.serverTLS(); err != nil {
		return cfg, err
	}
	if o.sslOnly && cfg.TLS == nil {
		return cfg, fmt.Errorf("--ssl-only: %s", unavailable)
	}
	if cfg.TLS == nil {
		logger.Info("TLS is off: " + unavailable + "; wss:// and https:// clients are refused")
	}
	if o.sslTarget {
		cfg.TargetTLS = o.targetTLS()
	}
	switch {
	case o.web != "":
		root, err := os.OpenRoot(o.web)
		if err != nil {
			return cfg, fmt.Errorf("--web: %w", err)
		}
		cfg.Web, cfg.WebListing = root.FS(), !o.fileOnly
	case !o.noWeb:
		cfg.Web = assets.Web()
		if !assets.HasNoVNC() {
			logger.Warn("this build has no noVNC library: the viewer page will say so (build with make build, or use --web DIR)")
		}
	}
	cfg.WebConnectElsewhere = o.webElsewhere
	if o.fileTransfer != "" {
		// No one is asked here: the token and auth plugins decide who
		// connects, and so who may upload.
		if fi, err := os.Stat(o.fileTransfer); err != nil {
			return cfg, fmt.Errorf("--file-transfer: %w", err)
		} else if !fi.IsDir() {
			return cfg, fmt.Errorf("--file-transfer: %s is not a folder", o.fileTransfer)
		}
		cfg.Files = &proxy.FileTransfer{Dir: o.fileTransfer, MaxSize: int64(o.fileMaxMiB) << 20}
	}
	plugin, source := o.tokenPlugin, o.tokenSource
	if o.targetConfig != "" {
		plugin, source = "TokenFile", o.targetConfig
	}
	if plugin != "" {
		if cfg.Tokens, err = tokens.New(plugin, source, logger); err != nil {
			return cfg, fmt.Errorf("--token-plugin: %w", err)
		}
	}
	if o.authPlugin != "" {
		if cfg.Auth, err = auth.New(o.authPlugin, o.authSource); err != nil {
			if c, ok := cfg.Tokens.(io.Closer); ok {
				c.Close()
			}
			return cfg, fmt.Errorf("--auth-plugin: %w", err)
		}
	}
	return cfg, nil
}

func seconds(n int) time.Duration { return time.Duration(n) * time.Second }

// listen opens the listening socket: a port, a Unix socket, or inetd's.
func (o *proxyOptions) listen() (net.Listener, error) {
	switch {
	case o.inetd:
		ln, err := net.FileListener(os.Stdin)
		if err != nil {
			return nil, fmt.Errorf("--inetd: standard input is not a listening socket: %w", err)
		}
		return ln, nil
	case o.unixListen != "":
		return listenUnix(o.unixListen, o.unixListenMode)
	}
	host := o.listenHost
	if host != "" && o.preferIPv6 && net.ParseIP(host) == nil {
		if ips, err := net.LookupIP(host); err == nil {
			for _, ip := range ips {
				if ip.To4() == nil {
					host = ip.String()
					break
				}
			}
		}
	}
	return net.Listen("tcp", net.JoinHostPort(host, o.listenPort))
}

// listenUnix listens on a Unix socket, replacing a stale one, with the mode
// given in octal (0600 by default).
func listenUnix(path, mode string) (net.Listener, error) {
	perm := fs.FileMode(0o600)
	if mode != "" {
		m, _ := strconv.ParseUint(mode, 8, 32) // checked with the options
		perm = fs.FileMode(m)
	}
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSocket != 0 {
		os.Remove(path)
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(path, perm); err != nil {
		ln.Close()
		return nil, err
	}
	return ln, nil
}

// announce says where the proxy listens and what to open.
func announce(logger *slog.Logger, o *proxyOptions, cfg proxy.Config, ln net.Listener) {
	target := cfg.Target
	switch {
	case cfg.UnixTarget != "":
		target = "unix:" + cfg.UnixTarget
	case cfg.Tokens != nil:
		target = "the target of each token (" + o.tokenPlugin + o.targetConfig + ")"
	}
	where := ln.Addr().String()
	if a, ok := ln.Addr().(*net.TCPAddr); ok {
		host := a.IP.String()
		if a.IP.IsUnspecified() {
			host = "localhost" // and every other address of this machine
		}
		where = net.JoinHostPort(host, strconv.Itoa(a.Port))
	}
	scheme, page := "ws", "http"
	if cfg.TLSOnly {
		scheme, page = "wss", "https"
	}
	logger.Info("listening", "address", ln.Addr().String(), "websocket", scheme+"://"+where+"/", "target", target,
		"tls", cfg.TLS != nil, "record", cfg.Record)
	if _, ok := ln.Addr().(*net.TCPAddr); ok && cfg.Web != nil {
		logger.Info("open " + page + "://" + where + "/ in a browser")
	}
}

// logViewer logs viewers joining and leaving, who they are and how they
// watch.
func logViewer(logger *slog.Logger) func(proxy.Viewer, bool) {
	return func(v proxy.Viewer, joined bool) {
		if joined {
			logger.Info("viewer joined", "session", v.ID, "address", v.Address, "mode", v.Mode(), "browser", v.Browser)
			return
		}
		logger.Info("viewer left", "session", v.ID, "address", v.Address, "mode", v.Mode(), "browser", v.Browser,
			"watched", time.Since(v.Start).Round(time.Second))
	}
}
