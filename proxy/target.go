package proxy

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"
)

// Target is where a session is relayed to.
type Target struct {
	// Network is "tcp" or "unix".
	Network string
	// Address is host:port for tcp, a socket path for unix.
	Address string
	// ViewOnly makes the sessions relayed here view-only (Config.ViewOnly).
	ViewOnly bool
}

func (t Target) String() string {
	if t.Network == "unix" {
		return "unix:" + t.Address
	}
	return t.Address
}

// A TargetLookup maps the token a client presents to its session's target:
// one proxy, many desktops (websockify's token plugins).
type TargetLookup interface {
	LookupTarget(ctx context.Context, token string) (Target, error)
}

// ErrUnknownToken is what a TargetLookup returns for a token it does not
// know. Other errors mean the lookup itself failed.
var ErrUnknownToken = errors.New("unknown token")

// tokenOf finds a request's token: the token query parameter, or with
// HostToken the host named by the Host header.
func (s *Server) tokenOf(r *http.Request) (string, bool) {
	if s.cfg.HostToken {
		h := hostOnly(r.Host)
		return h, h != ""
	}
	v := r.URL.Query()["token"]
	if len(v) == 0 || v[0] == "" {
		return "", false
	}
	return strings.TrimRight(v[0], "\n"), true
}

// redactToken is a token (or any secret) as logs show it: enough to tell
// long tokens apart, never enough to use one. A short one shows nothing: its
// first characters would be most of it.
func redactToken(t string) string {
	if len(t) < redactShownMin {
		return "…"
	}
	return t[:4] + "…"
}

// redactShownMin is the length from which a token's first 4 bytes are shown.
const redactShownMin = 12

// sessionTarget chooses the target of a request: the fixed one, or the one
// its token names. It refuses a request without a token, or with one the
// lookup does not know or could not look up. An unknown token is a failed
// guess (see guessLimit): its refusal is held back once the client address
// has made a few.
func (s *Server) sessionTarget(r *http.Request) (Target, error) {
	if s.cfg.Tokens == nil {
		if s.cfg.UnixTarget != "" {
			return Target{Network: "unix", Address: s.cfg.UnixTarget}, nil
		}
		return Target{Network: "tcp", Address: s.cfg.Target}, nil
	}
	token, ok := s.tokenOf(r)
	if !ok {
		if s.cfg.HostToken {
			return Target{}, refused(http.StatusBadRequest, "no token: the Host header names none")
		}
		return Target{}, refused(http.StatusBadRequest, "no token: add ?token=… to the URL")
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.lookupTimeout())
	defer cancel()
	start := time.Now()
	t, err := s.cfg.Tokens.LookupTarget(ctx, token)
	s.metrics.lookup(time.Since(start), err)
	switch {
	case err == nil:
		s.log.Debug("token resolved", "token", redactToken(token), "target", t.String())
		return t, nil
	case errors.Is(err, ErrUnknownToken):
		return Target{}, s.tokenGuesses.failed(r.Context(), clientKey(r.RemoteAddr),
			refused(http.StatusNotFound, "unknown token "+quote(redactToken(token))))
	case errors.Is(err, context.DeadlineExceeded):
		s.log.Warn("token lookup timed out", "token", redactToken(token), "timeout", s.cfg.lookupTimeout())
		return Target{}, refused(http.StatusGatewayTimeout, "the token lookup timed out")
	default:
		s.log.Warn("token lookup failed", "token", redactToken(token), "error", err)
		return Target{}, refused(http.StatusBadGateway, "the token lookup failed")
	}
}

// dialTarget connects to t, over TLS when configured.
func (s *Server) dialTarget(ctx context.Context, t Target) (net.Conn, error) {
	d := net.Dialer{KeepAlive: targetKeepAlive}
	if t.Network == "unix" {
		return d.DialContext(ctx, "unix", t.Address)
	}
	c, err := s.dialTCP(ctx, &d, t.Address)
	if err != nil {
		return nil, err
	}
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetNoDelay(true)
	}
	if s.cfg.TargetTLS == nil {
		return c, nil
	}
	cfg := s.cfg.TargetTLS
	if cfg.ServerName == "" && !cfg.InsecureSkipVerify {
		cfg = cfg.Clone()
		cfg.ServerName, _, _ = net.SplitHostPort(t.Address)
	}
	tc := tls.Client(c, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		c.Close()
		return nil, err
	}
	return tc, nil
}

// dialTCP dials addr, trying its IPv6 addresses first when PreferIPv6 is
// set.
func (s *Server) dialTCP(ctx context.Context, d *net.Dialer, addr string) (net.Conn, error) {
	if !s.cfg.PreferIPv6 {
		return d.DialContext(ctx, "tcp", addr)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	addrs, err := net.DefaultResolver.LookupIPAddr(ctx, host)
	if err != nil {
		return nil, err
	}
	var v6, v4 []net.IPAddr
	for _, a := range addrs {
		if a.IP.To4() == nil {
			v6 = append(v6, a)
		} else {
			v4 = append(v4, a)
		}
	}
	var firstErr error
	for _, a := range append(v6, v4...) {
		c, err := d.DialContext(ctx, "tcp", net.JoinHostPort(a.String(), port))
		if err == nil {
			return c, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, firstErr
}
