package main

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestParsePositional(t *testing.T) {
	tests := []struct {
		args       []string
		host, port string
		target     string
	}{
		{[]string{"6080", "localhost:5900"}, "", "6080", "localhost:5900"},
		{[]string{"127.0.0.1:6080", "host:5900"}, "127.0.0.1", "6080", "host:5900"},
		{[]string{"[::1]:6080", "[::1]:5900"}, "::1", "6080", "[::1]:5900"},
		{[]string{"::1:6080", "::1:5900"}, "::1", "6080", "[::1]:5900"},
		{[]string{"--verbose", "6080", "--traffic", "h:1"}, "", "6080", "h:1"}, // options between arguments
		{[]string{"--unix-target=/run/vnc.sock", "6080"}, "", "6080", ""},
		{[]string{"--token-plugin", "TokenFile", "--token-source", "/etc/tokens", "6080"}, "", "6080", ""},
		{[]string{"--target-config=/etc/tokens", "0.0.0.0:6080"}, "0.0.0.0", "6080", ""},
		{[]string{"--unix-listen=/tmp/p.sock", "h:5900"}, "", "", "h:5900"},
		{[]string{"--inetd", "h:5900"}, "", "", "h:5900"},
	}
	for _, tt := range tests {
		o, err := parseProxyArgs(tt.args)
		if err != nil {
			t.Errorf("%q: %v", tt.args, err)
			continue
		}
		if o.listenHost != tt.host || o.listenPort != tt.port || o.target != tt.target {
			t.Errorf("%q: listen %q %q target %q", tt.args, o.listenHost, o.listenPort, o.target)
		}
	}
}

func TestParseOptionForms(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"--record=/tmp/rec", "--timeout=30", "--heartbeat=5", "-v", "-D", "6080", "h:1"},
		{"--record", "/tmp/rec", "--timeout", "30", "--heartbeat", "5", "--verbose", "--daemon", "6080", "h:1"},
	} {
		o, err := parseProxyArgs(args)
		if err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		if o.record != "/tmp/rec" || o.timeout != 30 || o.heartbeat != 5 || !o.verbose || !o.daemon {
			t.Errorf("%q: %+v", args, o)
		}
	}
	o, err := parseProxyArgs([]string{"--allow-origin", "https://a", "--allow-origin=https://b", "-6", "-f", "6080", "h:1"})
	if err != nil || len(o.allowOrigins) != 2 || !o.preferIPv6 || !o.foreground {
		t.Errorf("%+v %v", o, err)
	}
	if o, _ := parseProxyArgs([]string{"6080", "h:1"}); o.cert != "self.pem" || o.sslVersion != "default" || o.handshakeTimeout != 10 {
		t.Errorf("defaults: %+v", o)
	}
}

// Every error names what is wrong.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--bogus", "6080", "h:1"}, "--bogus"},
		{[]string{"--timeout=soon", "6080", "h:1"}, "--timeout"},
		{[]string{"--record"}, "--record"},
		{[]string{}, "source"},
		{[]string{"6080"}, "target"},
		{[]string{"port", "h:1"}, `"port"`},
		{[]string{"6080", "h:99999"}, `"99999"`},
		{[]string{"6080", "nohostport"}, `"nohostport"`},
		{[]string{"6080", ":5900"}, "no address"},
		{[]string{"6080", "h:1", "extra"}, `"extra"`},
		{[]string{"--token-source=x", "6080"}, "--token-plugin"},
		{[]string{"--host-token", "6080", "h:1"}, "--host-token"},
		{[]string{"--auth-source=x", "6080", "h:1"}, "--auth-plugin"},
		{[]string{"--web-auth", "--auth-plugin=BasicHTTPAuth", "6080", "h:1"}, "--web"},
		{[]string{"--legacy-syslog", "6080", "h:1"}, "--syslog"},
		{[]string{"--ssl-version=sslv3", "6080", "h:1"}, "sslv3"},
		{[]string{"--unix-listen-mode=999", "--unix-listen=/tmp/x", "h:1"}, "999"},
		{[]string{"--heartbeat=-1", "6080", "h:1"}, "--heartbeat"},
		{[]string{"--wrap-mode=exit", "6080", "h:1"}, "not supported yet"},
		{[]string{"6080", "--", "x11vnc", "-rfbport", "5900"}, "not supported yet"},
		{[]string{"--ssl-target-insecure", "6080", "h:1"}, "--ssl-target"},
		{[]string{"--web=/x", "--no-web", "6080", "h:1"}, "--no-web"},
		{[]string{"--web-connect-elsewhere", "--no-web", "6080", "h:1"}, "--no-web"},
	}
	for _, tt := range tests {
		_, err := parseProxyArgs(tt.args)
		var ue *usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want a usage error naming %s", tt.args, err, tt.want)
		}
	}
}

func TestUsageListsEveryOption(t *testing.T) {
	t.Parallel()
	usage := proxyUsage()
	for _, opt := range []string{"--verbose", "--traffic", "--record", "--daemon", "--run-once", "--timeout", "--idle-timeout",
		"--cert", "--key", "--key-password", "--ssl-only", "--ssl-target", "--verify-client", "--cafile", "--ssl-version",
		"--ssl-ciphers", "--unix-listen", "--unix-listen-mode", "--unix-target", "--inetd", "--web", "--file-only",
		"--prefer-ipv6", "--heartbeat", "--log-file", "--syslog", "--legacy-syslog", "--foreground", "--version",
		"--token-plugin", "--token-source", "--auth-plugin", "--auth-source", "--web-auth", "--host-token", "--target-config",
		"--allow-origin", "--allow-host", "--no-legacy", "--metrics", "--web-connect-elsewhere", "--file-transfer"} {
		if !strings.Contains(usage, opt+" ") {
			t.Errorf("usage lacks %s", opt)
		}
	}
}

// --web-connect-elsewhere lets the pages connect to other servers; without
// it they may not.
func TestWebConnectElsewhere(t *testing.T) {
	t.Parallel()
	for _, allowed := range []bool{false, true} {
		args := []string{"6080", "h:1"}
		if allowed {
			args = append([]string{"--web-connect-elsewhere"}, args...)
		}
		o, err := parseProxyArgs(args)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := o.config(slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.WebConnectElsewhere != allowed {
			t.Errorf("%q: WebConnectElsewhere %v", args, cfg.WebConnectElsewhere)
		}
	}
}
