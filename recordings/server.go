package recordings

import (
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/http"
	"strings"
	"time"
)

// Server serves a Handler on a loopback port of its own, never on a share
// open to other computers. Its address holds a random secret, so no other
// page or user of this computer can guess it, and it checks Host (against
// DNS rebinding) and, for what changes anything, Origin.
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
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(ln)
	return s, nil
}

// URL is the page's address, secret included.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() + "/" + s.secret + "/" }

// Close stops the server and its connections.
func (s *Server) Close() error { return s.srv.Close() }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
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
			http.Error(w, "only this page may change the recordings", http.StatusForbidden)
			return
		}
	}
	r = r.Clone(r.Context())
	r.URL.Path = "/" + rest
	r.URL.RawPath = ""
	s.h.ServeHTTP(w, r)
}
