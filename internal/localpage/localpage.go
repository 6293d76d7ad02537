// Package localpage serves the pages vncbridge opens in this computer's
// browser (the tray's settings and help pages, the recordings page) on a
// loopback port of their own, never on a share open to other computers.
package localpage

import (
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/http"
	"strings"
	"time"
	"vncbridge/internal/peeruser"
)

// headerTimeout is how long a request's headers may take: a connection that
// sends none is not held open. idleTimeout is how long a kept-alive
// connection may wait for its next request.
var (
	headerTimeout = 10 * time.Second
	idleTimeout   = 30 * time.Second
)

// Server serves a Handler on a loopback port of its own. Its address holds a
// random secret, so no other page or user of this computer can guess it,
// and it checks Host (against DNS rebinding) and, for any method but GET
// and HEAD, Origin: browsers send it with every form and fetch that
// changes something, so a request from another page, or from none, is
// refused. Every answer, refusals included, forbids being framed by another
// page (clickjacking). The handler sees the path after the secret ("/",
// "/api/…").
type Server struct {
	h      http.Handler
	ln     net.Listener
	srv    *http.Server
	secret string
}

// Listen starts serving h on 127.0.0.1 at a free port.
func Listen(h http.Handler) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	b := make([]byte, 16)
	rand.Read(b)
	s := &Server{h: h, ln: ln, secret: hex.EncodeToString(b)}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: headerTimeout, IdleTimeout: idleTimeout}
	go s.srv.Serve(peeruser.Guard(ln, true, nil)) // other users of this computer reach loopback too
	return s, nil
}

// URL is the page's address, secret included, ending in "/".
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() + "/" + s.secret + "/" }

// Close stops the server and its connections.
func (s *Server) Close() error { return s.srv.Close() }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Security-Policy", "frame-ancestors 'none'")
	w.Header().Set("X-Frame-Options", "DENY")
	self := s.ln.Addr().String()
	_, port, _ := net.SplitHostPort(self)
	if r.Host != self && r.Host != "localhost:"+port {
		http.Error(w, "wrong Host", http.StatusForbidden)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/"+s.secret+"/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		if o := r.Header.Get("Origin"); o != "http://"+r.Host {
			http.Error(w, "only this page may make changes here (the request came from another page, or from none)", http.StatusForbidden)
			return
		}
	}
	r = r.Clone(r.Context())
	r.URL.Path = "/" + rest
	r.URL.RawPath = ""
	s.h.ServeHTTP(w, r)
}
