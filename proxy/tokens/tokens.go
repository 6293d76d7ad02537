// Package tokens holds the token plugins of websockify, under the same names
// and reading the same sources, so that a setup moves over unchanged: one
// proxy, many desktops, the URL's token choosing which.
//
// Each plugin is a proxy.TargetLookup; New makes one from the names and
// arguments of --token-plugin and --token-source.
package tokens

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"vncbridge/proxy"
)

// Names lists the plugins New knows, as websockify names them.
var Names = []string{
	"TokenFile", "ReadOnlyTokenFile", "TokenFileName", "BaseTokenAPI", "JSONTokenApi",
	"JWTTokenApi", "TokenRedis", "UnixDomainSocketDirectory",
}

// New makes the plugin called name (bare, or as websockify's module path
// websockify.token_plugins.NAME) reading source.
func New(name, source string) (proxy.TargetLookup, error) {
	bare := strings.TrimPrefix(name, "websockify.token_plugins.")
	if source == "" {
		return nil, fmt.Errorf("token plugin %s needs --token-source", bare)
	}
	switch bare {
	case "TokenFile":
		return NewFile(source, true)
	case "ReadOnlyTokenFile":
		return NewFile(source, false)
	case "TokenFileName":
		return NewFileName(source)
	case "BaseTokenAPI":
		return NewAPI(source, false)
	case "JSONTokenApi":
		return NewAPI(source, true)
	case "JWTTokenApi":
		return NewJWT(source)
	case "TokenRedis":
		return NewRedis(source)
	case "UnixDomainSocketDirectory":
		return NewUnixSocketDir(source)
	}
	return nil, fmt.Errorf("unknown token plugin %q (known: %s)", name, strings.Join(Names, ", "))
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
// address without brackets keeps its colons.
func splitHostPort(s string) (proxy.Target, error) {
	s = strings.TrimSpace(s)
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return proxy.Target{}, fmt.Errorf("target %q is not host:port", s)
	}
	return tcpTarget(s[:i], s[i+1:])
}
