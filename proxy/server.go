package proxy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ErrServerClosed is returned by Serve after Shutdown.
var ErrServerClosed = errors.New("proxy: server closed")

// Server relays WebSocket sessions to one target. Create it with New; serve
// listeners with Serve; stop with Shutdown.
type Server struct {
	cfg Config
	log *slog.Logger

	// HTTP requests (handshakes and static files) are parsed by net/http,
	// fed with connections that have been sniffed for TLS.
	http         *http.Server
	conns        *connQueue
	web          *webFiles // nil without Config.Web
	metrics      *counters
	guesses      *guessLimit // failed authentications per client address
	tokenGuesses *guessLimit // unknown tokens per client address

	contentPolicy string   // the Content-Security-Policy of every answer
	page          pageInfo // what the web answers tell the viewer page
	files         *files   // nil without Config.Files

	startHTTP sync.Once // the HTTP server starts with the first Serve

	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	sessions  map[*session]struct{}
	noneOpen  chan struct{}  // closed while no session is open (Shutdown waits on it)
	upgrading sync.WaitGroup // handshakes taken from net/http, not yet in sessions
	closed    bool
	done      chan struct{} // closed when serving ends
	endErr    error         // what Serve returns once done is closed

	// reportMu keeps the calls of Config.OnSessions in order; s.mu is not
	// held during them.
	reportMu sync.Mutex

	nextID atomic.Uint64
}

// New checks cfg and returns a Server for it.
func New(cfg Config) (*Server, error) {
	if cfg.Target == "" && cfg.UnixTarget == "" && cfg.Tokens == nil {
		return nil, errors.New("proxy: no target: set Target, UnixTarget or Tokens")
	}
	if cfg.Target != "" && cfg.UnixTarget == "" && cfg.Tokens == nil {
		if _, _, err := net.SplitHostPort(cfg.Target); err != nil {
			return nil, fmt.Errorf("proxy: target %q: %v", cfg.Target, err)
		}
	}
	if cfg.Files != nil && cfg.Files.Dir == "" {
		return nil, errors.New("proxy: file transfer needs a folder")
	}
	if cfg.TLSOnly && cfg.TLS == nil {
		return nil, errors.New("proxy: TLS only, but no certificate")
	}
	if cfg.TLS != nil {
		// WebSocket upgrades are HTTP/1.1: never offer h2 through ALPN.
		cfg.TLS = cfg.TLS.Clone()
		cfg.TLS.NextProtos = []string{"http/1.1"}
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		cfg:          cfg,
		log:          logger,
		conns:        newConnQueue(),
		listeners:    make(map[net.Listener]struct{}),
		sessions:     make(map[*session]struct{}),
		noneOpen:     make(chan struct{}),
		done:         make(chan struct{}),
		metrics:      newCounters(),
		guesses:      newGuessLimit(logger, "failed authentication"),
		tokenGuesses: newGuessLimit(logger, "unknown token"),
	}
	close(s.noneOpen)
	s.contentPolicy = "frame-ancestors 'none'"
	if !cfg.WebConnectElsewhere {
		// 'self' takes in ws: and wss: to this host and port (CSP level 3).
		s.contentPolicy += "; connect-src 'self'"
	}
	s.page = newPageInfo(&cfg)
	s.warnSharedRecordingFolder()
	if cfg.Web != nil {
		s.web = newWebFiles(cfg.Web)
	}
	s.files = newFiles(cfg.Files)
	s.files.share = cfg.Share
	maxHeader := cfg.maxHeaderBytes() - 4096 // net/http allows 4096 bytes more
	if maxHeader < 1024 {
		maxHeader = 1024
	}
	s.http = &http.Server{
		Handler:           http.HandlerFunc(s.serveHTTP),
		ReadHeaderTimeout: cfg.handshakeTimeout(),
		ReadTimeout:       cfg.handshakeTimeout(), // no request here has a body worth waiting for
		IdleTimeout:       cfg.handshakeTimeout(), // a kept-alive connection waits no longer than a new one
		MaxHeaderBytes:    maxHeader,
		ErrorLog:          log.New(debugWriter{logger}, "", 0),
	}
	return s, nil
}

// Serve accepts connections on ln until Shutdown or a listener error (a
// listener closed by the caller is one). It closes ln when it returns. Several
// listeners may be served at once. Sessions already open go on after Serve
// returns, until they end or Shutdown closes them.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ln.Close()
		return ErrServerClosed
	}
	s.listeners[ln] = struct{}{}
	s.mu.Unlock()
	s.startHTTP.Do(func() { go s.http.Serve(s.conns) })
	var backoff time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			select {
			case <-s.done:
				return s.endErr
			default:
			}
			if isTemporary(err) {
				// Out of file descriptors, say: wait and retry, as a
				// server under load should.
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				s.log.Warn("accept failed; retrying", "error", err, "in", backoff)
				time.Sleep(backoff)
				continue
			}
			s.stop(err)
			return err
		}
		backoff = 0
		go s.accept(c)
	}
}

// Shutdown stops accepting, closes every open session with status 1001
// (going away) and waits for them to end or for ctx to be done.
func (s *Server) Shutdown(ctx context.Context) error {
	s.stop(ErrServerClosed)
	s.mu.Lock()
	for ss := range s.sessions {
		go ss.goAway()
	}
	s.mu.Unlock()
	s.files.withdrawAll() // the offers end with the share, and their downloads
	s.http.Shutdown(ctx)
	s.guesses.stop() // the failures of the last minute are logged now
	s.tokenGuesses.stop()
	upgraded := make(chan struct{})
	go func() { s.upgrading.Wait(); close(upgraded) }()
	select {
	case <-upgraded: // every handshake under way is a session now, or refused
	case <-ctx.Done():
	}
	s.mu.Lock()
	none := s.noneOpen // no session can open any more: this is the last one
	s.mu.Unlock()
	select {
	case <-none:
		return nil
	case <-ctx.Done():
		s.mu.Lock()
		for ss := range s.sessions {
			ss.abort()
		}
		s.mu.Unlock()
		return ctx.Err()
	}
}

// Sessions returns the number of open WebSocket sessions.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// serveHTTP routes every HTTP request: WebSocket handshakes, metrics and
// files. Every answer, refusals included, forbids being framed: a site that
// put the viewer in an invisible frame would have the visitor's clicks and
// keys reach the desktop (its WebSocket carries the page's own Origin).
// Unless Config.WebConnectElsewhere, the pages may also connect nowhere but
// here.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", s.contentPolicy)
	h.Set("X-Frame-Options", "DENY")
	if s.refuseBody(w, r) {
		return
	}
	if isUpgrade(r) {
		s.upgrade(w, r)
		return
	}
	if err := s.checkHost(r); err != nil {
		s.refuse(w, r, asRefusal(err))
		return
	}
	if s.files.serving() && strings.HasPrefix(r.URL.Path, FilesPath) {
		s.serveFiles(w, r)
		return
	}
	if s.cfg.AuthWeb {
		if err := s.authenticate(w, r); err != nil {
			s.refuse(w, r, asRefusal(err))
			return
		}
	}
	if s.cfg.Metrics && r.URL.Path == "/metrics" {
		s.serveMetrics(w)
		return
	}
	s.page.setHeaders(h, r)
	s.serveWeb(w, r)
}

// stop ends serving: Serve returns err (once), listeners close.
func (s *Server) stop(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.closed = true
	s.endErr = err
	close(s.done)
	for ln := range s.listeners {
		ln.Close()
	}
	s.conns.Close()
}

// sessionStarted registers a session; it fails when the server is closing.
func (s *Server) sessionStarted(ss *session) bool {
	s.reportMu.Lock()
	defer s.reportMu.Unlock()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return false
	}
	if len(s.sessions) == 0 {
		s.noneOpen = make(chan struct{})
	}
	s.sessions[ss] = struct{}{}
	s.metrics.sessions.Add(1)
	n := len(s.sessions)
	s.mu.Unlock()
	s.files.offered.viewersChanged() // the pages hear that a viewer joined
	s.reportSessions(n)
	s.reportViewer(ss, true)
	return true
}

// sessionEnded unregisters a session.
func (s *Server) sessionEnded(ss *session) {
	s.reportMu.Lock()
	defer s.reportMu.Unlock()
	s.mu.Lock()
	delete(s.sessions, ss)
	s.metrics.endedToTarget.Add(ss.toTarget.Load())
	s.metrics.endedToClient.Add(ss.toClient.Load())
	n := len(s.sessions)
	if n == 0 {
		close(s.noneOpen)
	}
	s.mu.Unlock()
	s.files.endSession(ss)           // its file requests end with it
	s.files.offered.viewersChanged() // the pages hear that a viewer left
	s.reportSessions(n)
	s.reportViewer(ss, false)
}

// reportSessions calls Config.OnSessions with the number of open sessions.
// s.reportMu is held, so the calls come in order; s.mu is not, so the
// callback may call the Server's methods.
func (s *Server) reportSessions(open int) {
	if s.cfg.OnSessions != nil {
		s.cfg.OnSessions(open)
	}
}

func isTemporary(err error) bool {
	var ne interface{ Temporary() bool }
	return errors.As(err, &ne) && ne.Temporary()
}

// debugWriter turns net/http's own complaints into debug log lines.
type debugWriter struct{ log *slog.Logger }

func (w debugWriter) Write(p []byte) (int, error) {
	w.log.Debug("http", "message", string(trimNewline(p)))
	return len(p), nil
}

func trimNewline(p []byte) []byte {
	for len(p) > 0 && (p[len(p)-1] == '\n' || p[len(p)-1] == '\r') {
		p = p[:len(p)-1]
	}
	return p
}

var _ io.Writer = debugWriter{}
