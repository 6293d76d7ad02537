package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"vncbridge/app/localvnc"
	"vncbridge/internal/peeruser"
	"vncbridge/internal/words"
	"vncbridge/proxy"
)

// share is the proxy core serving one set of settings.
type share struct {
	srv       *proxy.Server
	settings  settings
	listeners []net.Listener
	ended     chan error // Serve's result on the main listener, once
	// local is the VNC server vncbridge started for a desktop target; nil
	// for a host:port one.
	local localServer
	// fingerprint is the short form of the TLS certificate's, when the share
	// is open to other computers.
	fingerprint string
	// monitorGone is the monitor the target names when the desktop has it
	// no more: the share serves all monitors instead.
	monitorGone string
}

// A localServer is a VNC server child serving this desktop on a private
// Unix socket (localvnc.Server).
type localServer interface {
	Socket() string
	Stop()
}

// desktopFinder tells which program can serve this desktop, or what to do
// without one (localvnc.Find).
type desktopFinder func() (localvnc.Program, bool, localvnc.Advice)

// monitorLister lists the monitors of this desktop (localvnc.Monitors).
type monitorLister func() ([]localvnc.Monitor, error)

// localStarter starts a program on a private socket (localvnc.Start).
type localStarter func(ctx context.Context, prog localvnc.Program, opt localvnc.Options) (localServer, error)

func findDesktop() (localvnc.Program, bool, localvnc.Advice) { return localvnc.Find(localvnc.Env{}) }

func startLocal(ctx context.Context, prog localvnc.Program, opt localvnc.Options) (localServer, error) {
	return localvnc.Start(ctx, prog, opt)
}

// adviceError is the refusal to share this desktop when no program can
// serve it: its text is the advice's summary, and the help page the rest.
type adviceError struct{ advice localvnc.Advice }

func (e adviceError) Error() string { return e.advice.Summary }

// errPortInUse: another program listens on the share's port.
var errPortInUse = errors.New("in use")

// errNobodyToAsk refuses a viewer where the settings ask before one joins and
// no person is there to answer.
var errNobodyToAsk = errors.New("nobody is here to answer")

// shareOptions are what a share needs besides the settings.
type shareOptions struct {
	// life ends with the app or the service: a desktop server still
	// starting gives up.
	life  context.Context
	paths Paths
	web   fs.FS // the viewer; nil serves no files
	log   *slog.Logger
	// find, start and monitors serve a desktop target; nil: localvnc's.
	find     desktopFinder
	start    localStarter
	monitors monitorLister
	// onLocal is told when the desktop's VNC server restarts or gives up
	// ("" when it runs again), from the server's own goroutine.
	onLocal func(sh *share, status localvnc.Note)
	version string // written into the recordings' sidecars
	// onRecordError: a recording stopped (a full disk), the session goes on.
	onRecordError func(file string, err error)
	// onViewer hears viewers join and leave (proxy.Config.OnViewer), maybe
	// with the proxy's lock held.
	onViewer func(v proxy.Viewer, joined bool)
	// sharerOnly refuses the loopback connections of this computer's other
	// users, where the system can tell (the tray; a service running as
	// root or SYSTEM shares for everyone, and its token decides).
	sharerOnly bool
	// keptOut are the viewers the person sharing disconnected, asked about
	// when they come back (nil: nobody is kept out); thisComputer tells
	// their addresses (nil: loopback).
	keptOut      *keptOut
	thisComputer func(host string) bool
	// consent asks before a viewer joins, where someone can answer (nil for a
	// headless run and the service); used when the settings say so.
	consent func(ctx context.Context, v proxy.Viewer) (proxy.Decision, error)
	// askFile asks about a file a viewer sends, and onFile tells of its
	// arrival (files.go); nil where nobody can answer: no files then.
	askFile     func(ctx context.Context, o proxy.FileOffer) bool
	onFile      func(o proxy.FileOffer, path string, err error)
	onReceiving func(r *proxy.Receiving)
	// words words the errors for the status line (the zero Printer:
	// English).
	words words.Printer
}

// startShare listens and serves s. Its errors are worded for the tray's status
// line ("Port 6080 is in use").
func startShare(s settings, o shareOptions) (*share, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	sh := &share{settings: s, ended: make(chan error, 1)}
	cfg := proxy.Config{
		Target: s.Target,
		Web:    o.web,
		Logger: o.log,
		Share:  true, // the page says "stopped sharing" when the share stops
	}
	ok := false
	defer func() { // a failure leaves nothing behind
		if !ok {
			sh.closeListeners()
			if sh.local != nil {
				sh.local.Stop()
			}
		}
	}()
	cfg.OnViewer = o.onViewer
	cfg.Consent, cfg.ViewerKey = consentPolicy(s, o), browserKey(s.Port)
	cfg.Files = fileTransfer(s, o)
	if s.Record {
		if err := os.MkdirAll(o.paths.Recordings, 0o700); err != nil {
			o.log.Warn("the recordings folder cannot be made", "err", err)
			return nil, errors.New(o.words.Sprintf("the recordings folder cannot be made: %s", reason(o.words, err)))
		}
		// Each session's file is named by its start, with a sidecar.
		cfg.RecordDir, cfg.Version, cfg.OnRecordError = o.paths.Recordings, o.version, o.onRecordError
	}
	addrs := []string{"127.0.0.1", "::1"}
	if s.AllowRemote {
		cert, err := loadOrCreateCertificate(o.paths.Dir)
		if err != nil {
			o.log.Warn("the TLS certificate cannot be made or read", "err", err)
			return nil, errors.New(o.words.Sprintf("the TLS certificate cannot be made or read: %s", reason(o.words, err)))
		}
		cfg.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
		sh.fingerprint = proxy.CertificateFingerprint(cert.Certificate[0])
		cfg.TLSOnly = true
		addrs = []string{""} // every interface, IPv4 and IPv6
	}
	// Nothing, not even the page, without the token, local shares too; the
	// proxy slows down guessers.
	if s.Token == "" {
		return nil, errors.New("the share has no token")
	}
	cfg.Auth, cfg.AuthWeb = newShareAuth(s.Token, s.ViewOnlyToken, s.Port, !s.AllowRemote), true
	if s.Tailnet { // who a tailnet viewer is, first (tailnet.go)
		cfg.Auth = tailnetAuth{shareAuth: cfg.Auth.(shareAuth), ownOnly: s.tailnetOwnOnly()}
		cfg.ViewerName = func(r *http.Request) string { return tailnetViewers.name(r.RemoteAddr) }
	}
	for i, host := range addrs {
		ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(s.Port)))
		if err != nil {
			if i > 0 { // ::1 is a bonus: a machine without IPv6 still shares
				o.log.Debug("not listening on IPv6 loopback", "err", err)
				continue
			}
			if isAddrInUse(err) {
				return nil, fmt.Errorf("port %d is %w", s.Port, errPortInUse)
			}
			o.log.Warn("cannot listen", "port", s.Port, "err", err)
			return nil, errors.New(o.words.Sprintf("cannot listen on port %s: %s", strconv.Itoa(s.Port), reason(o.words, err)))
		}
		if o.sharerOnly { // other users of this computer reach loopback too
			ln = peeruser.Guard(ln, !s.AllowRemote, o.log)
		}
		sh.listeners = append(sh.listeners, ln)
	}
	// This desktop's VNC server starts once the port is had: a busy port
	// starts nothing.
	if _, _, isDesktop := desktopTarget(s.Target); isDesktop {
		local, err := startDesktopServer(sh, s.Target, o)
		if err != nil {
			return nil, err
		}
		sh.local = local
		cfg.Target, cfg.UnixTarget, cfg.TargetName = "", local.Socket(), sentence(targetLabel(words.English, s.Target))
	}
	srv, err := proxy.New(cfg)
	if err != nil {
		return nil, err
	}
	sh.srv = srv
	ok = true
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

// closeListeners stops taking new viewers; the open sessions go on until
// they end or stop is called.
func (sh *share) closeListeners() {
	for _, ln := range sh.listeners {
		ln.Close()
	}
}

// stop closes every session (1001) and the listeners.
func (sh *share) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	sh.srv.Shutdown(ctx)
	if sh.local != nil {
		sh.local.Stop()
	}
}

// startDesktopServer starts the program named by a desktop target, when it
// is the one that can serve this desktop; otherwise the error says what to
// do (an adviceError when there is none). A monitor the desktop has no
// more falls back to all of them (sh.monitorGone says so).
func startDesktopServer(sh *share, target string, o shareOptions) (localServer, error) {
	name, monitor, _ := desktopTarget(target)
	find, start := o.find, o.start
	if find == nil {
		find = findDesktop
	}
	if start == nil {
		start = startLocal
	}
	prog, ok, advice := find()
	switch {
	case !ok:
		return nil, adviceError{advice}
	case prog.Name != name:
		return nil, errors.New(o.words.Sprintf("%s cannot serve this desktop; %s can: choose %s in Target VNC server", name, prog.Name, prog.Label()))
	}
	opt := localvnc.Options{Log: o.log}
	if monitor != "" {
		m, err := findMonitor(monitor, o.monitors)
		if err != nil {
			o.log.Warn("sharing all monitors", "monitor", monitor, "err", err)
			sh.monitorGone = monitor
		} else {
			opt.Monitor = &m
			opt.DesktopName = monitorOnHost(monitor)
		}
	}
	if o.onLocal != nil {
		opt.Status = func(n localvnc.Note) { o.onLocal(sh, n) }
	}
	life := o.life
	if life == nil {
		life = context.Background()
	}
	ctx, cancel := context.WithTimeout(life, 15*time.Second)
	defer cancel()
	local, err := start(ctx, prog, opt)
	if se := (*localvnc.StartError)(nil); errors.As(err, &se) {
		return nil, adviceError{se.Advice} // the help page has the steps
	}
	return local, err
}

// findMonitor finds this desktop's monitor by its name.
func findMonitor(name string, list monitorLister) (localvnc.Monitor, error) {
	if list == nil {
		list = localvnc.Monitors
	}
	ms, err := list()
	if err != nil {
		return localvnc.Monitor{}, err
	}
	for _, m := range ms {
		if m.Name == name {
			return m, nil
		}
	}
	return localvnc.Monitor{}, fmt.Errorf("this desktop has no monitor named %s now", name)
}

// monitorOnHost is the desktop's name viewers see for one monitor: "DP-1
// on desk".
func monitorOnHost(monitor string) string {
	if host, err := os.Hostname(); err == nil && host != "" {
		host, _, _ = strings.Cut(host, ".")
		return monitor + " on " + host
	}
	return monitor
}

// isAddrInUse tells whether a listen failed because the port is taken
// (EADDRINUSE; WSAEADDRINUSE, 10048, on Windows).
func isAddrInUse(err error) bool {
	var errno syscall.Errno
	return errors.As(err, &errno) && (errno == syscall.EADDRINUSE || errno == 10048)
}

// consentPolicy is the share's proxy.Config.Consent: the person sharing is
// asked about each viewer when the settings say so, and about a viewer they
// disconnected (o.keptOut) whatever they say; nil when nobody is ever asked.
// Where nobody can answer (headless, the service), those viewers are
// refused, and the log says why.
func consentPolicy(s settings, o shareOptions) func(ctx context.Context, v proxy.Viewer) proxy.Decision {
	always := s.askToJoin(o.consent != nil)
	// A viewer from the internet (Funnel) is asked about whenever someone
	// can answer, whatever the settings say (funnel.go).
	askPublic := s.Tailnet && s.Funnel && o.consent != nil
	if !always && !askPublic && o.keptOut == nil {
		return nil
	}
	ask := o.consent
	if ask == nil {
		if always {
			o.log.Warn("ask_to_join is on, and nobody is here to answer (a headless run or the service): every viewer is refused")
		}
		ask = func(context.Context, proxy.Viewer) (proxy.Decision, error) { return proxy.Deny, errNobodyToAsk }
	}
	thisComputer := o.thisComputer
	if thisComputer == nil {
		thisComputer = isLoopback
	}
	return func(ctx context.Context, v proxy.Viewer) proxy.Decision {
		var keys []string
		kept := false
		if o.keptOut != nil {
			keys = keptOutKeys(v, thisComputer)
			kept = o.keptOut.has(keys)
		}
		if !always && !kept && !(askPublic && funnelViewers.has(v.Address)) {
			return proxy.Allow
		}
		d, err := ask(ctx, v)
		if err != nil && d != proxy.DenyBusy { // the proxy logs those, and a flood is many
			o.log.Warn("asking before a viewer joins", "viewer", v.Address, "err", err)
		}
		if kept && (d == proxy.Allow || d == proxy.AllowViewOnly) {
			o.keptOut.forget(keys) // let in again by the person sharing
		}
		return d
	}
}
