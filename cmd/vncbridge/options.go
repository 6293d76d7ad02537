package main

import (
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"vncbridge/proxy/auth"
	"vncbridge/proxy/tokens"
)

// proxyOptions are the options of `vncbridge proxy`: websockify's, under the
// same names, and a few of vncbridge's own.
type proxyOptions struct {
	verbose, traffic, daemon, foreground, runOnce bool
	record                                        string
	timeout, idleTimeout, heartbeat               int
	handshakeTimeout                              int

	cert, key, keyPassword                string
	sslOnly, sslTarget, sslTargetInsecure bool
	verifyClient                          bool
	cafile, sslVersion, sslCiphers        string

	unixListen, unixListenMode, unixTarget string
	inetd                                  bool

	web          string
	fileOnly     bool
	noWeb        bool
	webElsewhere bool // the pages may connect to other servers

	preferIPv6   bool
	logFile      string
	syslog       string
	legacySyslog bool

	allowOrigins, allowHosts []string
	noLegacy                 bool
	metrics                  bool
	viewOnly                 bool
	fileTransfer             string // viewers upload files into this folder
	fileMaxMiB               int    // the largest file they may upload, in MiB

	tokenPlugin, tokenSource, targetConfig string
	hostToken                              bool
	authPlugin, authSource                 string
	webAuth                                bool
	lookupTimeout                          int

	// The tailnet: serve on an embedded Tailscale node too.
	tailnetHostname, tailnetControlURL, tailnetAuthKeyFile, tailnetState string

	wrapMode  string
	libserver bool
	version   bool
	help      bool

	// Positional arguments, parsed.
	listenHost, listenPort string // host "" listens on all addresses
	target                 string // host:port, "" with --unix-target or a token plugin
	wrapCommand            []string
}

// usageError is a bad command line: the message names what is wrong, and
// the usage follows it.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

const proxyUsageHead = `Usage:
  vncbridge proxy [options] [source_addr:]source_port target_addr:target_port
  vncbridge proxy [options] --token-plugin=NAME --token-source=ARG [source_addr:]source_port
  vncbridge proxy [options] --unix-target=FILE [source_addr:]source_port
  vncbridge proxy [options] --unix-listen=FILE|--inetd target_addr:target_port

A WebSocket-to-TCP proxy, compatible with websockify: browsers (noVNC and
others) connect with WebSocket, TLS or plain, on one port, and each session is
relayed to the target. A source with no address listens on all addresses.
Without --web, the port also serves vncbridge's VNC viewer at /.

Options:
`

// newProxyFlags declares every option into o.
func newProxyFlags(o *proxyOptions) *pflag.FlagSet {
	fs := pflag.NewFlagSet("vncbridge proxy", pflag.ContinueOnError)
	fs.SortFlags = false
	fs.SetOutput(io.Discard)

	fs.BoolVarP(&o.verbose, "verbose", "v", false, "verbose messages (debug level)")
	fs.BoolVar(&o.traffic, "traffic", false, "log a mark per frame relayed")
	fs.StringVar(&o.record, "record", "", "record sessions to `FILE`.N, in noVNC's playback format")
	fs.BoolVarP(&o.daemon, "daemon", "D", false, "become a daemon (background process)")
	fs.BoolVarP(&o.foreground, "foreground", "f", false, "stay in the foreground (the default; for old scripts)")
	fs.BoolVar(&o.runOnce, "run-once", false, "handle a single WebSocket session and exit")
	fs.IntVar(&o.timeout, "timeout", 0, "after `SECONDS`, stop accepting and exit once no session is open")
	fs.IntVar(&o.idleTimeout, "idle-timeout", 0, "exit after `SECONDS` with no open session")
	fs.IntVar(&o.heartbeat, "heartbeat", 0, "ping clients every `SECONDS`; drop one silent for two intervals")
	fs.IntVar(&o.handshakeTimeout, "handshake-timeout", 10, "drop clients that have not finished the handshake after `SECONDS`")

	fs.StringVar(&o.cert, "cert", "self.pem", "TLS certificate `FILE` (with the key, unless --key)")
	fs.StringVar(&o.key, "key", "", "TLS key `FILE`, if not in the certificate file")
	fs.StringVar(&o.keyPassword, "key-password", "", "`PASSWORD` of an encrypted TLS key")
	fs.BoolVar(&o.sslOnly, "ssl-only", false, "refuse clients that do not use TLS")
	fs.BoolVar(&o.sslTarget, "ssl-target", false, "speak TLS to the target, verifying its certificate")
	fs.BoolVar(&o.sslTargetInsecure, "ssl-target-insecure", false, "with --ssl-target, accept any target certificate")
	fs.BoolVar(&o.verifyClient, "verify-client", false, "require TLS clients to present a certificate the CAs trust")
	fs.StringVar(&o.cafile, "cafile", "", "`FILE` of CA certificates for --verify-client (default: the system's)")
	fs.StringVar(&o.sslVersion, "ssl-version", "default", "minimum TLS `VERSION`: default, tlsv1_1, tlsv1_2 or tlsv1_3")
	fs.StringVar(&o.sslCiphers, "ssl-ciphers", "", "`LIST` of TLS 1.2 cipher suites, OpenSSL or IANA names, colon-separated")

	fs.StringVar(&o.unixListen, "unix-listen", "", "listen on the Unix socket `FILE` instead of a port")
	fs.StringVar(&o.unixListenMode, "unix-listen-mode", "", "octal `MODE` of the --unix-listen socket (default 0600)")
	fs.StringVar(&o.unixTarget, "unix-target", "", "relay to the Unix socket `FILE` instead of target_addr:target_port")
	fs.BoolVar(&o.inetd, "inetd", false, "inetd mode: the listening socket is standard input")

	fs.StringVar(&o.web, "web", "", "serve static files from `DIR` on the same port (instead of the built-in viewer)")
	fs.BoolVar(&o.fileOnly, "file-only", false, "no directory listings in --web")
	fs.BoolVar(&o.noWeb, "no-web", false, "serve no files at all (plain HTTP gets 405)")
	fs.BoolVar(&o.webElsewhere, "web-connect-elsewhere", false, "let the pages served connect to other servers (the viewer then follows host, port and path in its address)")

	fs.BoolVarP(&o.preferIPv6, "prefer-ipv6", "6", false, "prefer IPv6 when resolving source_addr and the target")
	fs.StringVar(&o.logFile, "log-file", "", "also write the log to `FILE`")
	fs.StringVar(&o.syslog, "syslog", "", "also log to syslog at `SERVER`: a local socket (/dev/log) or UDP host:port")
	fs.BoolVar(&o.legacySyslog, "legacy-syslog", false, "use the old syslog format (RFC 3164) instead of RFC 5424")

	fs.StringArrayVar(&o.allowOrigins, "allow-origin", nil, "also accept WebSockets from pages of `ORIGIN` (repeatable; * for any)")
	fs.StringArrayVar(&o.allowHosts, "allow-host", nil, "on loopback, also answer to Host `NAME` (repeatable; * for any)")
	fs.BoolVar(&o.noLegacy, "no-legacy", false, "refuse the legacy protocols (Hixie-75/76, Flash policy requests)")
	fs.BoolVar(&o.metrics, "metrics", false, "serve counters at /metrics (Prometheus text format)")
	fs.BoolVar(&o.viewOnly, "view-only", false, "make every session view-only: the proxy drops keys, pointer, clipboard and resizing (RFB targets only)")
	fs.StringVar(&o.fileTransfer, "file-transfer", "", "let viewers with control upload files into `DIR` from the viewer page, unasked (off by default)")
	fs.IntVar(&o.fileMaxMiB, "file-max-mib", 0, "with --file-transfer, refuse files larger than `MIB` mebibytes (default 2048)")

	fs.StringVar(&o.tokenPlugin, "token-plugin", "", "choose targets by token with plugin `NAME` ("+strings.Join(tokens.Names(), ", ")+")")
	fs.StringVar(&o.tokenSource, "token-source", "", "`ARG` of the token plugin (a file, directory, URL, key file or Redis address)")
	fs.BoolVar(&o.hostToken, "host-token", false, "take the token from the Host header instead of ?token=")
	fs.StringVar(&o.targetConfig, "target-config", "", "token `FILE` or directory (old name of --token-plugin TokenFile)")
	fs.IntVar(&o.lookupTimeout, "lookup-timeout", 5, "give up a token lookup after `SECONDS`")
	fs.StringVar(&o.authPlugin, "auth-plugin", "", "check clients with plugin `NAME` ("+strings.Join(auth.Names(), ", ")+")")
	fs.StringVar(&o.authSource, "auth-source", "", "`ARG` of the auth plugin")
	fs.BoolVar(&o.webAuth, "web-auth", false, "the auth plugin guards the web files too")

	fs.StringVar(&o.tailnetHostname, "tailnet-hostname", "", "serve on a tailnet too, as the Tailscale node `NAME` (on its own network: http://NAME/ and, with the tailnet's HTTPS, https://NAME.TAILNET.ts.net/)")
	fs.StringVar(&o.tailnetControlURL, "tailnet-control-url", "", "with --tailnet-hostname, the coordination server `URL` (default: Tailscale's; Headscale works too)")
	fs.StringVar(&o.tailnetAuthKeyFile, "tailnet-authkey-file", "", "with --tailnet-hostname, log the node in with the auth key in `FILE` (default: $TS_AUTHKEY, else a login URL in the log)")
	fs.StringVar(&o.tailnetState, "tailnet-state", "", "with --tailnet-hostname, the node's state `DIR` (default: vncbridge/tailnet-NAME in the user's config directory)")
	fs.StringVar(&o.wrapMode, "wrap-mode", "", "`MODE` of a wrapped program (wrap mode is not supported yet)")
	fs.BoolVar(&o.libserver, "libserver", false, "websockify's choice of Python server engine (no meaning here)")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")
	fs.BoolVarP(&o.help, "help", "h", false, "show this help")
	return fs
}

// proxyUsage is the complete help of `vncbridge proxy`.
func proxyUsage() string {
	var o proxyOptions
	return proxyUsageHead + newProxyFlags(&o).FlagUsagesWrapped(100)
}

// parseProxyArgs reads the command line of `vncbridge proxy`.
func parseProxyArgs(args []string) (*proxyOptions, error) {
	o := &proxyOptions{}
	fs := newProxyFlags(o)
	if err := fs.Parse(args); err != nil {
		return nil, usagef("%s", strings.TrimSpace(err.Error()))
	}
	if o.help || o.version {
		return o, nil
	}
	pos := fs.Args()
	if dash := fs.ArgsLenAtDash(); dash >= 0 {
		o.wrapCommand = pos[dash:]
		pos = pos[:dash]
	}
	if err := o.check(fs); err != nil {
		return nil, err
	}
	return o, o.parsePositional(pos)
}

// check refuses options that cannot go together, as websockify does.
func (o *proxyOptions) check(fs *pflag.FlagSet) error {
	switch {
	case len(o.wrapCommand) > 0:
		return usagef("wrap mode (-- COMMAND) is not supported yet")
	case fs.Changed("wrap-mode"):
		return usagef("--wrap-mode is not supported yet (wrap mode is not)")
	case o.tokenSource != "" && o.tokenPlugin == "":
		return usagef("--token-source needs --token-plugin")
	case o.hostToken && o.tokenPlugin == "" && o.targetConfig == "":
		return usagef("--host-token needs --token-plugin")
	case o.authSource != "" && o.authPlugin == "":
		return usagef("--auth-source needs --auth-plugin")
	case o.webAuth && o.authPlugin == "":
		return usagef("--web-auth needs --auth-plugin")
	case o.webAuth && o.web == "":
		return usagef("--web-auth needs --web")
	case o.legacySyslog && o.syslog == "":
		return usagef("--legacy-syslog needs --syslog")
	case o.targetConfig != "" && o.tokenPlugin != "":
		return usagef("--target-config and --token-plugin cannot be used together")
	case o.inetd && o.unixListen != "":
		return usagef("--inetd and --unix-listen cannot be used together")
	case o.webElsewhere && o.noWeb:
		return usagef("--web-connect-elsewhere and --no-web cannot be used together")
	case o.web != "" && o.noWeb:
		return usagef("--web and --no-web cannot be used together")
	case o.sslTargetInsecure && !o.sslTarget:
		return usagef("--ssl-target-insecure needs --ssl-target")
	case o.unixTarget != "" && (o.tokenPlugin != "" || o.targetConfig != ""):
		return usagef("--unix-target and a token plugin cannot be used together")
	case fs.Changed("file-max-mib") && o.fileTransfer == "":
		return usagef("--file-max-mib needs --file-transfer")
	case fs.Changed("file-max-mib") && o.fileMaxMiB <= 0:
		return usagef("--file-max-mib must be positive, got %d", o.fileMaxMiB)
	}
	for name, v := range map[string]int{"--timeout": o.timeout, "--idle-timeout": o.idleTimeout, "--heartbeat": o.heartbeat} {
		if v < 0 {
			return usagef("%s must not be negative, got %d", name, v)
		}
	}
	if o.handshakeTimeout <= 0 {
		return usagef("--handshake-timeout must be positive, got %d", o.handshakeTimeout)
	}
	if o.lookupTimeout <= 0 {
		return usagef("--lookup-timeout must be positive, got %d", o.lookupTimeout)
	}
	switch o.sslVersion {
	case "default", "tlsv1_1", "tlsv1_2", "tlsv1_3":
	default:
		return usagef("--ssl-version %q: choose default, tlsv1_1, tlsv1_2 or tlsv1_3", o.sslVersion)
	}
	if o.unixListenMode != "" {
		if _, err := strconv.ParseUint(o.unixListenMode, 8, 32); err != nil {
			return usagef("--unix-listen-mode %q is not an octal mode", o.unixListenMode)
		}
	}
	return nil
}

// parsePositional reads [source_addr:]source_port and target_addr:target_port.
func (o *proxyOptions) parsePositional(pos []string) error {
	if o.inetd || o.unixListen != "" {
		// No source: the listening socket comes from elsewhere.
	} else {
		if len(pos) == 0 {
			return usagef("missing the source: [source_addr:]source_port")
		}
		host, port, err := parseSource(pos[0])
		if err != nil {
			return err
		}
		o.listenHost, o.listenPort = host, port
		pos = pos[1:]
	}
	needTarget := o.unixTarget == "" && o.tokenPlugin == "" && o.targetConfig == ""
	if needTarget {
		if len(pos) == 0 {
			return usagef("missing the target: target_addr:target_port")
		}
		t, err := parseTarget(pos[0])
		if err != nil {
			return err
		}
		o.target = t
		pos = pos[1:]
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	return nil
}

// parseSource reads [source_addr:]source_port; brackets around an IPv6
// address are optional.
func parseSource(arg string) (host, port string, err error) {
	if i := strings.LastIndexByte(arg, ':'); i >= 0 {
		host, port = strings.Trim(arg[:i], "[]"), arg[i+1:]
	} else {
		port = arg
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return "", "", usagef("source %q: %q is not a port number", arg, port)
	}
	return host, port, nil
}

// parseTarget reads target_addr:target_port.
func parseTarget(arg string) (string, error) {
	i := strings.LastIndexByte(arg, ':')
	if i < 0 {
		return "", usagef("target %q is not target_addr:target_port", arg)
	}
	host, port := strings.Trim(arg[:i], "[]"), arg[i+1:]
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", usagef("target %q: %q is not a port number", arg, port)
	}
	if host == "" {
		return "", usagef("target %q has no address", arg)
	}
	return net.JoinHostPort(host, port), nil
}
