// Package proxy is vncbridge's WebSocket-to-TCP proxy: it accepts WebSocket
// clients (and, on the same port, TLS and plain HTTP for static files) and
// relays each session's bytes to a fixed target, usually a VNC server.
//
// The package knows nothing of trays, menus or services: the command line
// (`vncbridge proxy`) and the tray application are two faces over one Server.
package proxy

import (
	"context"
	"crypto/tls"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"time"
)

// Defaults for the zero values of Config.
const (
	DefaultHandshakeTimeout = 10 * time.Second
	DefaultMaxHeaderBytes   = 16 << 10
	DefaultDialTimeout      = 10 * time.Second
	// DefaultLookupTimeout bounds a token lookup (Config.LookupTimeout).
	DefaultLookupTimeout = 5 * time.Second
	// DefaultMaxLegacyFrame bounds one Hixie frame from a client
	// (Config.MaxLegacyFrame).
	DefaultMaxLegacyFrame = 1 << 20
	// DefaultConsentTimeout bounds an answer of Config.Consent
	// (Config.ConsentTimeout).
	DefaultConsentTimeout = 30 * time.Second
)

// Fixed times, not configurable.
const (
	// closeGrace is how long a session waits for the client to answer a
	// close frame, and how long a close frame may take to be written.
	closeGrace = 3 * time.Second
	// drainGrace is how long a released target may go on sending before
	// its connection is closed (see releaseTarget).
	drainGrace = time.Second
	// targetKeepAlive is the TCP keep-alive period of target connections.
	targetKeepAlive = 30 * time.Second
)

// Config says where a Server relays to and how it treats its clients.
// The zero value of every field is a safe default.
type Config struct {
	// Target is the host:port every session is relayed to (unless Tokens
	// is set).
	Target string
	// UnixTarget, when set, is a Unix socket path used instead of Target.
	UnixTarget string
	// TargetName, when set, names the fixed target (Target or UnixTarget)
	// where a person reads it: the recordings' sidecars ("This desktop
	// (x11vnc)" rather than a socket's path).
	TargetName string
	// TargetTLS, when not nil, makes the Server speak TLS to the target.
	TargetTLS *tls.Config
	// PreferIPv6 dials the target's IPv6 addresses before its IPv4 ones.
	PreferIPv6 bool
	// DialTimeout bounds the connection to the target (DefaultDialTimeout).
	DialTimeout time.Duration

	// Tokens, when set, chooses each session's target by the token its
	// request presents (the token query parameter, or the Host with
	// HostToken); Target and UnixTarget are then unused. A request with no
	// token or an unknown one is refused with an HTTP error saying so.
	Tokens TargetLookup
	// HostToken takes the token from the Host header instead of the URL.
	HostToken bool
	// LookupTimeout bounds a token lookup (DefaultLookupTimeout).
	LookupTimeout time.Duration
	// Auth, when set, must accept a request before its session opens.
	Auth Authenticator
	// AuthWeb makes Auth guard the web files too.
	AuthWeb bool
	// Metrics serves counters in the Prometheus text format at /metrics.
	Metrics bool

	// TLS, when not nil, lets clients that open with a TLS ClientHello
	// (first byte 0x16) use wss:// and https:// on the same port.
	TLS *tls.Config
	// TLSOnly refuses clients that do not open with TLS, but on
	// connections encrypted below (Sealed).
	TLSOnly bool

	// Web, when not nil, is served as static files (GET and HEAD) to plain
	// HTTP requests on the same port. Without it such requests get 405.
	Web fs.FS
	// WebListing allows directory listings under Web.
	WebListing bool
	// WebConnectElsewhere lets the pages served connect to other servers:
	// the viewer then follows the host, port and path of its address (as
	// noVNC's page does) where it otherwise connects only to this proxy.
	WebConnectElsewhere bool

	// AllowOrigins lists the browser origins (scheme://host[:port]) that may
	// open a WebSocket besides the proxy's own origin; "*" allows any.
	AllowOrigins []string
	// AllowHosts lists extra Host header values accepted when the Server
	// listens on loopback (where only loopback names are accepted, against
	// DNS rebinding); "*" allows any.
	AllowHosts []string

	// Record, when set, is a path prefix: session N is recorded to Record.N
	// in the playback format of noVNC (see package recordfmt), or to the
	// next free number when that file exists. A recording never replaces a
	// file nor follows a link; New warns when other users can write to the
	// folder.
	Record string
	// RecordDir, when set and Record is not, records each session into this
	// folder, in a file named by the session's start time with the
	// extension recordfmt.Ext. Either way a JSON sidecar (recordfmt.Sidecar)
	// tells the session's start, end, viewer and target, and a session that
	// never reached its target leaves no file.
	RecordDir string
	// OnRecordError, when set, is called when a recording stops before its
	// session: it cannot be written (a full disk), or the disk does not keep
	// up. The session goes on, unrecorded. It is called from the session's
	// or the recording's goroutine and must not block.
	OnRecordError func(file string, err error)
	// openRecording, when set (by tests), replaces the creation of a
	// recording's file; it returns an error matching os.ErrExist when the
	// name is taken.
	openRecording func(name string) (io.WriteCloser, error)
	// Version is the program's version, written into recordings' sidecars.
	Version string

	// Heartbeat, when positive, pings every client at this interval; a
	// client that sends nothing (not even a pong) for two intervals is
	// dropped.
	Heartbeat time.Duration
	// HandshakeTimeout bounds the time from accept to a complete handshake
	// (DefaultHandshakeTimeout).
	HandshakeTimeout time.Duration
	// MaxHeaderBytes bounds the request line and headers of a handshake
	// (DefaultMaxHeaderBytes).
	MaxHeaderBytes int

	// NoLegacy refuses the legacy protocols: Hixie-75/76 handshakes and the
	// Flash policy request.
	NoLegacy bool
	// MaxLegacyFrame bounds one Hixie frame from a client
	// (DefaultMaxLegacyFrame).
	MaxLegacyFrame int

	// OnSessions, when set, is called with the number of open sessions each
	// time it changes, in order, from the proxy's goroutines. It may call
	// the Server's methods, but must return quickly and must not wait for a
	// session to end (call Shutdown from another goroutine). The command
	// line's --run-once, --timeout and --idle-timeout are built on it (the
	// tray follows its viewers with OnViewer).
	OnSessions func(open int)

	// ViewOnly makes every session view-only: the proxy follows the RFB
	// protocol and drops what the viewer sends that could change the desktop
	// (keys, pointer, clipboard, resizing, power), and ends a session whose
	// RFB it cannot follow (an encrypted security type, an unknown message).
	// A Target can make its own sessions view-only (Target.ViewOnly).
	ViewOnly bool
	// Consent, when set, is asked about each viewer after the WebSocket
	// handshake and before the target is dialed: nothing from the target
	// reaches a viewer before it answers Allow or AllowViewOnly. Deny, a
	// panic, or no answer within ConsentTimeout closes the session with a
	// reason its page shows. The page hears nothing while it waits (noVNC
	// shows its "connecting" state; vncbridge's page says it is waiting).
	// ctx is done when the time is up or the server stops.
	Consent func(ctx context.Context, v Viewer) Decision
	// ViewerKey, when set, names the client of a session's request (say, by
	// a cookie of the embedder's that tells one browser from another), in
	// Viewer.Key: the person sharing can then recognise a viewer that comes
	// back.
	ViewerKey func(r *http.Request) string
	// ViewerName, when set, names the person behind a session's request as
	// the embedder knows them (say, a tailnet's user and device), in
	// Viewer.Name, the session's log lines and /metrics; "" when it does
	// not know. It is asked after Auth admitted the request.
	ViewerName func(r *http.Request) string
	// ConsentTimeout bounds Consent (DefaultConsentTimeout).
	ConsentTimeout time.Duration
	// OnViewer, when set, is called when a viewer joins (joined true) and
	// when it leaves, in order, from the proxy's goroutines; it must return
	// quickly.
	OnViewer func(v Viewer, joined bool)

	// Share says that the server shares a person's desktop (the tray's
	// share, not a proxy in front of a VNC server that runs on its own):
	// its pages say so (HeaderShare), and the viewer then tells its user
	// that the person stopped sharing when the server shuts down, rather
	// than trying again, and keeps the link's token out of its address bar.
	Share bool

	// Files, when set, lets viewers with control send files to the person
	// sharing, beside their sessions (files.go); nil refuses them.
	Files *FileTransfer

	// Traffic logs a mark per frame (websockify's --traffic).
	Traffic bool
	// Logger receives the Server's log; nil discards it.
	Logger *slog.Logger
}

// orDefault is v where it is set (above zero), else the default d.
func orDefault[T ~int | ~int64](v, d T) T {
	if v > 0 {
		return v
	}
	return d
}

func (c *Config) handshakeTimeout() time.Duration {
	return orDefault(c.HandshakeTimeout, DefaultHandshakeTimeout)
}

func (c *Config) maxHeaderBytes() int { return orDefault(c.MaxHeaderBytes, DefaultMaxHeaderBytes) }

func (c *Config) maxLegacyFrame() int { return orDefault(c.MaxLegacyFrame, DefaultMaxLegacyFrame) }

func (c *Config) dialTimeout() time.Duration { return orDefault(c.DialTimeout, DefaultDialTimeout) }

func (c *Config) lookupTimeout() time.Duration {
	return orDefault(c.LookupTimeout, DefaultLookupTimeout)
}

func (c *Config) consentTimeout() time.Duration {
	return orDefault(c.ConsentTimeout, DefaultConsentTimeout)
}
