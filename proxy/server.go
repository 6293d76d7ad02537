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
	"sync"
	"sync/atomic"
	"time"
)

// ErrServerClosed is returned by Serve after Shutdown.
var ErrServerClosed = errors.New("proxy: server closed")

// ErrIdleTimeout is returned by Serve when Config.IdleTimeout ran out.
var ErrIdleTimeout = errors.New("proxy: no session within the idle timeout")

// Server relays WebSocket sessions to one target. Create it with New; serve
// listeners with Serve; stop with Shutdown.
type Server struct {
	cfg Config
	log *slog.Logger

	// HTTP requests (handshakes and static files) are parsed by net/http,
	// fed with connections that have been sniffed for TLS.
	http    *http.Server
	conns   *connQueue
	web     *webFiles // nil without Config.Web
	metrics *counters
	guesses *guessLimit // failed authentications per client address

	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	sessions  map[*session]struct{}
	closed    bool
	draining  bool          // listeners closed by Timeout: Serve waits for the end
	done      chan struct{} // closed when serving ends
	endErr    error         // what Serve returns once done is closed
	changed   chan struct{} // the number of sessions changed (lifecycle wake-up)
	ended     int           // sessions ended so far

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
	if cfg.TLSOnly && cfg.TLS == nil {
		why := cfg.TLSUnavailable
		if why == "" {
			why = "no certificate"
		}
		return nil, fmt.Errorf("proxy: TLS only, but %s", why)
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
		cfg:       cfg,
		log:       logger,
		conns:     newConnQueue(),
		listeners: make(map[net.Listener]struct{}),
		sessions:  make(map[*session]struct{}),
		done:      make(chan struct{}),
		changed:   make(chan struct{}, 1),
		metrics:   newCounters(),
		guesses:   newGuessLimit(logger),
	}
	if cfg.Web != nil {
		s.web = newWebFiles(cfg.Web)
	}
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
	go s.http.Serve(s.conns)
	return s, nil
}

// Serve accepts connections on ln until Shutdown, a listener error, or the
// end set by RunOnce, Timeout or IdleTimeout (then it returns nil, or
// ErrIdleTimeout). It closes ln when it returns. Several listeners may be
// served at once.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ln.Close()
		return ErrServerClosed
	}
	first := len(s.listeners) == 0
	s.listeners[ln] = struct{}{}
	s.mu.Unlock()
	if first {
		go s.lifecycle()
	}
	var backoff time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			s.mu.Lock()
			draining := s.draining
			s.mu.Unlock()
			if draining {
				<-s.done
			}
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
	s.http.Shutdown(ctx)
	for {
		if s.Sessions() == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			s.mu.Lock()
			for ss := range s.sessions {
				ss.abort()
			}
			s.mu.Unlock()
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// Sessions returns the number of open WebSocket sessions.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// serveHTTP routes every HTTP request: WebSocket handshakes, metrics and
// files.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
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

// lifecycle ends serving when RunOnce, Timeout or IdleTimeout says so.
func (s *Server) lifecycle() {
	cfg := &s.cfg
	var timeout, idle <-chan time.Time
	if cfg.Timeout > 0 {
		timeout = time.After(cfg.Timeout)
	}
	var idleTimer *time.Timer
	if cfg.IdleTimeout > 0 {
		idleTimer = time.NewTimer(cfg.IdleTimeout)
		defer idleTimer.Stop()
		idle = idleTimer.C
	}
	draining := false // the timeout passed: end when the last session does
	for {
		select {
		case <-s.done:
			return
		case <-timeout:
			s.log.Info("timeout reached; no new connections", "timeout", cfg.Timeout)
			timeout = nil
			draining = true
			s.closeListeners()
		case <-idle:
			if s.Sessions() == 0 {
				s.log.Info("idle timeout reached; exiting", "idle_timeout", cfg.IdleTimeout)
				s.stop(ErrIdleTimeout)
				return
			}
		case <-s.changed:
		}
		s.mu.Lock()
		n, ended := len(s.sessions), s.ended
		s.mu.Unlock()
		if idleTimer != nil && n == 0 && idle != nil {
			// Restart the idle countdown from the last session's end.
			if !idleTimer.Stop() {
				select {
				case <-idleTimer.C:
				default:
				}
			}
			idleTimer.Reset(cfg.IdleTimeout)
		}
		switch {
		case cfg.RunOnce && ended > 0 && n == 0:
			s.log.Info("run once: session over; exiting")
			s.stop(nil)
			return
		case draining && n == 0:
			s.stop(nil)
			return
		}
	}
}

func (s *Server) closeListeners() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.draining = true
	for ln := range s.listeners {
		ln.Close()
	}
}

// sessionStarted registers a session; it fails when the server is closing.
func (s *Server) sessionStarted(ss *session) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.sessions[ss] = struct{}{}
	s.metrics.sessions.Add(1)
	s.notify()
	s.reportSessions()
	return true
}

func (s *Server) sessionEnded(ss *session) {
	s.mu.Lock()
	delete(s.sessions, ss)
	s.metrics.endedToTarget.Add(ss.toTarget.Load())
	s.metrics.endedToClient.Add(ss.toClient.Load())
	s.ended++
	s.notify()
	s.reportSessions()
	s.mu.Unlock()
}

// reportSessions calls Config.OnSessions with the open sessions; s.mu is
// held, so the calls come in order.
func (s *Server) reportSessions() {
	if s.cfg.OnSessions != nil {
		s.cfg.OnSessions(len(s.sessions))
	}
}

func (s *Server) notify() {
	select {
	case s.changed <- struct{}{}:
	default:
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
