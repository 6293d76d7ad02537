package proxy

import (
	"io/fs"
	"net/http"
	"path"
	"strings"
)

// serveWeb answers plain HTTP requests: static files from Config.Web, or 405
// when there is none (as websockify does).
func (s *Server) serveWeb(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Web == nil {
		s.refuse(w, r, http.StatusMethodNotAllowed, "this port serves WebSocket connections only (no web directory is configured)")
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		s.refuse(w, r, http.StatusMethodNotAllowed, r.Method+" is not served here; files answer GET and HEAD")
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if name == "" {
		name = "."
	}
	if fi, err := fs.Stat(s.cfg.Web, name); err == nil && fi.IsDir() && !s.cfg.WebListing {
		if _, err := fs.Stat(s.cfg.Web, path.Join(name, "index.html")); err != nil {
			s.refuse(w, r, http.StatusNotFound, "directory listing is turned off")
			return
		}
	}
	// Browsers load ES modules only with a JavaScript type; do not leave it
	// to the system's MIME table.
	switch path.Ext(name) {
	case ".js", ".mjs":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	}
	rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	http.FileServerFS(s.cfg.Web).ServeHTTP(rec, r)
	s.log.Info("web", "client", r.RemoteAddr, "method", r.Method, "path", redactQuery(r.URL), "status", rec.status)
}

// statusWriter keeps the status of a response for the log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}
