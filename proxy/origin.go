package proxy

import (
	"net"
	"net/http"
	"net/url"
	"strings"
)

// A desktop sits behind this proxy, so a web page the user happens to visit
// must not reach it. Two checks stand in the way:
//
//   - Host: on a loopback connection the Host header must name a loopback
//     host. A page on evil.example that rebinds its DNS name to 127.0.0.1
//     still sends Host: evil.example, and is refused (DNS rebinding).
//   - Origin: a browser names the page that opens a WebSocket; it must be
//     the proxy's own origin or one allowed by Config.AllowOrigins
//     (cross-site WebSocket hijacking). Clients that are not browsers send no
//     Origin and are not concerned.

// checkHost refuses r if its Host is not acceptable.
func (s *Server) checkHost(r *http.Request) error {
	if r.Host == "" || allowedBy(s.cfg.AllowHosts, r.Host) {
		return nil
	}
	local, _ := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	tcp, ok := local.(*net.TCPAddr)
	if !ok || !tcp.IP.IsLoopback() {
		return nil
	}
	if isLoopbackHost(hostOnly(r.Host)) {
		return nil
	}
	return refused(http.StatusForbidden, "Host "+quote(r.Host)+" is not a loopback name; this server only answers to localhost "+
		"(allow other names with --allow-host)")
}

// checkOrigin refuses r if its Origin is not acceptable.
func (s *Server) checkOrigin(r *http.Request) error {
	origin := r.Header.Get("Origin")
	if origin == "" {
		origin = r.Header.Get("Sec-WebSocket-Origin") // versions 7 and 8
	}
	if origin == "" || allowedBy(s.cfg.AllowOrigins, origin) {
		return nil
	}
	u, err := url.Parse(origin)
	if err == nil && u.Host != "" && sameHostPort(u, r) {
		return nil
	}
	return refused(http.StatusForbidden, "Origin "+quote(origin)+" is not this server's; a page from another site may not open "+
		"a WebSocket here (allow it with --allow-origin "+quote(origin)+")")
}

// sameHostPort tells whether origin u names the host and port r was sent to.
func sameHostPort(u *url.URL, r *http.Request) bool {
	originPort := u.Port()
	if originPort == "" {
		originPort = defaultPort(u.Scheme == "https" || u.Scheme == "wss")
	}
	host, port := hostOnly(r.Host), ""
	if h, p, err := net.SplitHostPort(r.Host); err == nil {
		host, port = h, p
	}
	if port == "" {
		port = defaultPort(r.TLS != nil)
	}
	return strings.EqualFold(u.Hostname(), host) && originPort == port
}

func defaultPort(secure bool) string {
	if secure {
		return "443"
	}
	return "80"
}

// allowedBy tells whether v is in list (case-insensitive), or list has "*".
// An entry without a port allows every port of its host.
func allowedBy(list []string, v string) bool {
	for _, a := range list {
		if a == "*" || strings.EqualFold(a, v) {
			return true
		}
		if !strings.Contains(strings.TrimPrefix(strings.TrimPrefix(a, "http://"), "https://"), ":") &&
			strings.EqualFold(a, stripPort(v)) {
			return true
		}
	}
	return false
}

func stripPort(v string) string {
	if i := strings.LastIndexByte(v, ':'); i >= 0 && !strings.HasSuffix(v, "]") && strings.Count(v[i:], "/") == 0 {
		if j := strings.Index(v, "://"); j < 0 || i > j+2 {
			return v[:i]
		}
	}
	return v
}

// hostOnly strips the port and IPv6 brackets from a Host header value.
func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return strings.TrimSuffix(strings.TrimPrefix(hostport, "["), "]")
}

func isLoopbackHost(h string) bool {
	h = strings.TrimSuffix(strings.ToLower(h), ".")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// redactQuery is a request's path for the log: query values (which may carry
// tokens) are redacted as tokens are (see redactToken).
func redactQuery(u *url.URL) string {
	if u.RawQuery == "" {
		return u.Path
	}
	q := u.Query()
	for k, vs := range q {
		for i, v := range vs {
			vs[i] = redactToken(v)
		}
		q[k] = vs
	}
	return u.Path + "?" + q.Encode()
}

func quote(s string) string {
	if len(s) > 100 {
		s = s[:100] + "…"
	}
	return "\"" + strings.ReplaceAll(s, "\"", "\\\"") + "\""
}
