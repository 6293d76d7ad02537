// Package tokens holds the token plugins of websockify, under the same names
// and reading the same sources, so that a setup moves over unchanged: one
// proxy, many desktops, the URL's token choosing which.
//
// Each plugin is a proxy.TargetLookup; New makes one from a plugin's name
// and source, Names lists them.
package tokens

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"

	"vncbridge/proxy"
)

// A plugin is one token plugin: its name as websockify spells it, what its
// source is (the command line's help and the README say the same), and how
// it is made.
type plugin struct {
	name   string
	source string
	open   func(source string, log *slog.Logger) (proxy.TargetLookup, error)
}

// plugins is every token plugin, in the order help texts show them.
var plugins = []plugin{
	{"TokenFile", "a file of token: host:port lines, or a directory of them; read again when it changes",
		func(s string, log *slog.Logger) (proxy.TargetLookup, error) { return newFile(s, true, log) }},
	{"ReadOnlyTokenFile", "the same, read once",
		func(s string, log *slog.Logger) (proxy.TargetLookup, error) { return newFile(s, false, log) }},
	{"TokenFileName", "a directory; the token names a file holding host:port",
		func(s string, _ *slog.Logger) (proxy.TargetLookup, error) { return NewFileName(s) }},
	{"BaseTokenAPI", "a URL with %s where the token goes, answering host:port",
		func(s string, _ *slog.Logger) (proxy.TargetLookup, error) { return NewAPI(s, false) }},
	{"JSONTokenApi", "the same, answering {\"host\": …, \"port\": …}",
		func(s string, _ *slog.Logger) (proxy.TargetLookup, error) { return NewAPI(s, true) }},
	{"JWTTokenApi", "a key file; the token is a signed or encrypted JWT whose claims hold host and port",
		func(s string, _ *slog.Logger) (proxy.TargetLookup, error) { return NewJWT(s) }},
	{"TokenRedis", "host[:port[:db[:password[:namespace]]]]; values host:port or {\"host\": \"host:port\"}",
		func(s string, _ *slog.Logger) (proxy.TargetLookup, error) { return NewRedis(s) }},
	{"UnixDomainSocketDirectory", "a directory; the token names a Unix socket in it",
		func(s string, _ *slog.Logger) (proxy.TargetLookup, error) { return NewUnixSocketDir(s) }},
}

// Names lists the names of the plugins.
func Names() []string {
	names := make([]string, len(plugins))
	for i, p := range plugins {
		names[i] = p.name
	}
	return names
}

// New makes the plugin called name (bare, or as websockify's module path
// websockify.token_plugins.NAME) reading source; it logs to log (nil
// discards). A lookup that holds connections (TokenRedis) is an io.Closer:
// whoever calls New closes it.
func New(name, source string, log *slog.Logger) (proxy.TargetLookup, error) {
	bare := strings.TrimPrefix(name, "websockify.token_plugins.")
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	for _, p := range plugins {
		if p.name != bare {
			continue
		}
		if source == "" {
			return nil, fmt.Errorf("token plugin %s needs a source: %s", bare, p.source)
		}
		return p.open(source, log)
	}
	return nil, fmt.Errorf("unknown token plugin %q (known: %s)", name, strings.Join(Names(), ", "))
}

// tcpTarget makes a target of a host and port as sources give them: the
// host may be an IPv6 address without brackets.
func tcpTarget(host, port string) (proxy.Target, error) {
	host = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(host), "["), "]")
	port = strings.TrimSpace(port)
	if host == "" {
		return proxy.Target{}, errors.New("target has no host")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return proxy.Target{}, fmt.Errorf("target port %q is not a port number", port)
	}
	return proxy.Target{Network: "tcp", Address: net.JoinHostPort(host, port)}, nil
}

// splitHostPort splits "host:port" at its last colon, so that an IPv6
// address without brackets keeps its colons. Words after it are vncbridge's
// own options (websockify has none there): "view-only" makes the target's
// sessions view-only.
func splitHostPort(s string) (proxy.Target, error) {
	fields := strings.Fields(s)
	if len(fields) == 0 {
		return proxy.Target{}, errors.New("empty target")
	}
	hp := fields[0]
	i := strings.LastIndexByte(hp, ':')
	if i < 0 {
		return proxy.Target{}, fmt.Errorf("target %q is not host:port", hp)
	}
	t, err := tcpTarget(hp[:i], hp[i+1:])
	if err != nil {
		return t, err
	}
	for _, opt := range fields[1:] {
		switch opt {
		case ViewOnlyMarker:
			t.ViewOnly = true
		default:
			return proxy.Target{}, fmt.Errorf("unknown option %q after the target (known: %s)", opt, ViewOnlyMarker)
		}
	}
	return t, nil
}

// ViewOnlyMarker, after a target in a token source ("token: host:port
// view-only"), makes the sessions of that token view-only.
const ViewOnlyMarker = "view-only"
