package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"vncbridge/proxy"
)

// share is the proxy core serving one set of settings.
type share struct {
	srv       *proxy.Server
	settings  Settings
	listeners []net.Listener
	ended     chan error // Serve's result on the main listener, once
}

// shareOptions are what a share needs besides the settings.
type shareOptions struct {
	paths      Paths
	web        fs.FS // the viewer; nil serves no files
	log        *slog.Logger
	onSessions func(int)
}

// startShare listens and serves s. Its errors are worded for the tray's status
// line ("Port 6080 is in use").
func startShare(s Settings, o shareOptions) (*share, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	cfg := proxy.Config{
		Target:     s.Target,
		Web:        o.web,
		Logger:     o.log,
		OnSessions: o.onSessions,
	}
	if s.Record {
		if err := os.MkdirAll(o.paths.Recordings, 0o700); err != nil {
			return nil, fmt.Errorf("recordings folder: %w", err)
		}
		cfg.Record = filepath.Join(o.paths.Recordings, "session-"+time.Now().Format("2006-01-02_15-04-05"))
	}
	addrs := []string{"127.0.0.1", "::1"}
	if s.AllowRemote {
		cert, err := loadOrCreateCertificate(o.paths.Dir)
		if err != nil {
			return nil, fmt.Errorf("TLS certificate: %w", err)
		}
		if s.Token == "" {
			return nil, errors.New("remote access needs a share token")
		}
		cfg.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
		cfg.TLSOnly = true
		// Nothing, not even the page, without the token; the proxy slows
		// down guessers.
		cfg.Auth, cfg.AuthWeb = newShareAuth(s.Token, s.Port), true
		addrs = []string{""} // every interface, IPv4 and IPv6
	}
	srv, err := proxy.New(cfg)
	if err != nil {
		return nil, err
	}
	sh := &share{srv: srv, settings: s, ended: make(chan error, 1)}
	for i, host := range addrs {
		ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(s.Port)))
		if err != nil {
			if i > 0 { // ::1 is a bonus: a machine without IPv6 still shares
				o.log.Debug("not listening on IPv6 loopback", "err", err)
				continue
			}
			srv.Shutdown(context.Background())
			if isAddrInUse(err) {
				return nil, fmt.Errorf("port %d is in use", s.Port)
			}
			return nil, fmt.Errorf("cannot listen on port %d: %v", s.Port, err)
		}
		sh.listeners = append(sh.listeners, ln)
	}
	for i, ln := range sh.listeners {
		go func() {
			err := srv.Serve(ln)
			if i == 0 {
				sh.ended <- err
			}
		}()
	}
	return sh, nil
}

// stop closes every session (1001) and the listeners.
func (sh *share) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	sh.srv.Shutdown(ctx)
}

// baseURL is the proxy's address for a browser on this computer, without
// the token: "http://localhost:6080".
func (s Settings) baseURL() string {
	scheme := "http"
	if s.AllowRemote {
		scheme = "https"
	}
	return scheme + "://localhost:" + strconv.Itoa(s.Port)
}

// localURL is the viewer's address for a browser on this computer, with the
// token when remote access needs one.
func (s Settings) localURL() string {
	u := s.baseURL() + "/"
	if s.AllowRemote {
		u += "?" + url.Values{"token": {s.Token}}.Encode()
	}
	return u
}

// shareURL is the link for other computers: this computer's address, TLS
// and the token. Empty when remote access is off.
func (s Settings) shareURL() string {
	if !s.AllowRemote {
		return ""
	}
	u := url.URL{Scheme: "https", Host: net.JoinHostPort(lanAddress(), strconv.Itoa(s.Port)), Path: "/",
		RawQuery: url.Values{"token": {s.Token}}.Encode()}
	return u.String()
}

// lanAddress is this computer's first non-loopback unicast address, IPv4
// preferred; its host name when it has none.
func lanAddress() string {
	addrs, _ := net.InterfaceAddrs()
	var v6 string
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok || ipn.IP.IsLoopback() || ipn.IP.IsLinkLocalUnicast() || !ipn.IP.IsGlobalUnicast() {
			continue
		}
		if ipn.IP.To4() != nil {
			return ipn.IP.String()
		}
		if v6 == "" {
			v6 = ipn.IP.String()
		}
	}
	if v6 != "" {
		return v6
	}
	if h, err := os.Hostname(); err == nil {
		return h
	}
	return "localhost"
}

// isAddrInUse tells whether a listen failed because the port is taken
// (EADDRINUSE; WSAEADDRINUSE, 10048, on Windows).
func isAddrInUse(err error) bool {
	var errno syscall.Errno
	return errors.As(err, &errno) && (errno == syscall.EADDRINUSE || errno == 10048)
}
