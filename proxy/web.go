package proxy

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// serveWeb answers plain HTTP requests: static files from Config.Web, or 405
// when there is none (as websockify does).
func (s *Server) serveWeb(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Web == nil {
		s.refuse(w, r, refused(http.StatusMethodNotAllowed, "this port serves WebSocket connections only (no web directory is configured)"))
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		s.refuse(w, r, refused(http.StatusMethodNotAllowed, r.Method+" is not served here; files answer GET and HEAD"))
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if name == "" {
		name = "."
	}
	fi, err := fs.Stat(s.cfg.Web, name)
	if err == nil && fi.IsDir() {
		if _, err := fs.Stat(s.cfg.Web, path.Join(name, "index.html")); err != nil && !s.cfg.WebListing {
			s.refuse(w, r, refused(http.StatusNotFound, "directory listing is turned off"))
			return
		}
	}
	rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	if err == nil && fi.Mode().IsRegular() {
		s.web.serveFile(rec, r, name, fi) // index.html too: by name it answers 200, as websockify does
	} else {
		s.web.files.ServeHTTP(rec, r) // directories, redirects, index pages, errors
	}
	// One line per page view at Info (a page, a directory, a failure); the
	// files a page loads (noVNC's fifty-odd modules) at Debug.
	level := slog.LevelDebug
	if rec.status >= 400 || strings.HasSuffix(name, ".html") || err == nil && fi.IsDir() {
		level = slog.LevelInfo
	}
	s.log.Log(r.Context(), level, "web", "client", r.RemoteAddr, "method", r.Method, "path", redactQuery(r.URL), "status", rec.status)
}

// webFiles serves the files of a Config.Web: net/http's file server does the
// conditional and range requests; this adds an ETag (a hash of the content
// for files that cannot change, such as embedded ones, whose times are
// zero), gzip for text where the browser takes it, and JavaScript types that
// do not depend on the system's MIME table (browsers load ES modules only
// with a JavaScript type).
type webFiles struct {
	fsys  fs.FS
	files http.Handler
	cache sync.Map // name → *immutableFile, for files with a zero time
}

// immutableFile is what is kept of a file that cannot change.
type immutableFile struct {
	etag string
	gz   []byte // the content compressed, when worth it
}

// gzipMinSize is the size under which compressing is not worth a thing.
const gzipMinSize = 1024

func newWebFiles(fsys fs.FS) *webFiles {
	return &webFiles{fsys: fsys, files: http.FileServerFS(fsys)}
}

func (wf *webFiles) serveFile(w http.ResponseWriter, r *http.Request, name string, fi fs.FileInfo) {
	h := w.Header()
	if ct := contentType(name); ct != "" {
		h.Set("Content-Type", ct)
	}
	if !fi.ModTime().IsZero() {
		h.Set("Etag", `W/"`+strconv.FormatInt(fi.Size(), 36)+"-"+strconv.FormatInt(fi.ModTime().UnixNano(), 36)+`"`)
		wf.serveContent(w, r, name, fi)
		return
	}
	f, err := wf.immutable(name)
	if err != nil {
		wf.files.ServeHTTP(w, r)
		return
	}
	h.Set("Cache-Control", "no-cache") // revalidate: the ETag makes that a 304
	if f.gz == nil {
		h.Set("Etag", f.etag)
		wf.serveContent(w, r, name, fi)
		return
	}
	h.Add("Vary", "Accept-Encoding")
	if r.Header.Get("Range") != "" || !acceptsGzip(r) {
		h.Set("Etag", f.etag)
		wf.serveContent(w, r, name, fi)
		return
	}
	h.Set("Etag", strings.TrimSuffix(f.etag, `"`)+`-gz"`)
	h.Set("Content-Encoding", "gzip")
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(f.gz))
}

// serveContent answers with the file itself. net/http's file server would
// redirect a request for …/index.html to its directory; a file asked for by
// name is served under that name.
func (wf *webFiles) serveContent(w http.ResponseWriter, r *http.Request, name string, fi fs.FileInfo) {
	f, err := wf.fsys.Open(name)
	if err != nil {
		wf.files.ServeHTTP(w, r) // its own error answer
		return
	}
	defer f.Close()
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		wf.files.ServeHTTP(w, r)
		return
	}
	http.ServeContent(w, r, name, fi.ModTime(), rs)
}

// immutable reads a file that cannot change once, for its hash and its
// compressed form.
func (wf *webFiles) immutable(name string) (*immutableFile, error) {
	if f, ok := wf.cache.Load(name); ok {
		return f.(*immutableFile), nil
	}
	content, err := fs.ReadFile(wf.fsys, name)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(content)
	f := &immutableFile{etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
	if len(content) >= gzipMinSize && compressible(name) {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		zw.Write(content)
		zw.Close()
		if b.Len() < len(content) {
			f.gz = b.Bytes()
		}
	}
	actual, _ := wf.cache.LoadOrStore(name, f)
	return actual.(*immutableFile), nil
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	}
	return ""
}

func compressible(name string) bool {
	switch path.Ext(name) {
	case ".html", ".htm", ".js", ".mjs", ".css", ".json", ".svg", ".txt", ".md", ".xml", ".map":
		return true
	}
	return path.Base(name) == "LICENSE" || path.Base(name) == "AUTHORS"
}

// acceptsGzip tells whether the request's Accept-Encoding takes gzip (and
// does not refuse it with q=0).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(part, ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		for _, p := range strings.Split(params, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if q, err := strconv.ParseFloat(v, 64); strings.EqualFold(k, "q") && err == nil && q == 0 {
				return false
			}
		}
		return true
	}
	return false
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
