package recordings

import (
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"strings"
)

// Handler serves the recordings page of one folder:
//
//	GET    /                        the page (recordings.html from web)
//	GET    /…                       the rest of web (the player's scripts, noVNC)
//	GET    /api/recordings          the list, as JSON, newest first
//	GET    /api/recordings/NAME     a recording (?download=1: as an attachment)
//	DELETE /api/recordings/NAME     delete it and its sidecar
//	POST   /api/open-folder         open the folder on the desktop (when OpenFolder is set)
//
// It checks nothing about who asks: Server puts it behind loopback, a
// secret path and the Host and Origin checks.
type Handler struct {
	// Dir is the recordings folder.
	Dir string
	// Web holds recordings.html, its scripts and novnc/.
	Web fs.FS
	// OpenFolder, when set, shows Dir in the desktop's file manager.
	OpenFolder func() error
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	switch p := r.URL.Path; {
	case p == "/api/recordings":
		if !method(w, r, http.MethodGet) {
			return
		}
		list, err := List(h.Dir)
		if err != nil {
			http.Error(w, "Cannot read the recordings folder: "+err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(struct {
			Dir        string      `json:"dir"`
			CanOpen    bool        `json:"can_open"`
			Recordings []Recording `json:"recordings"`
		}{h.Dir, h.OpenFolder != nil, append([]Recording{}, list...)})
	case strings.HasPrefix(p, "/api/recordings/"):
		h.one(w, r, strings.TrimPrefix(p, "/api/recordings/"))
	case p == "/api/open-folder":
		if !method(w, r, http.MethodPost) {
			return
		}
		if h.OpenFolder == nil {
			http.Error(w, "Opening the folder is not available here", http.StatusNotFound)
			return
		}
		os.MkdirAll(h.Dir, 0o700)
		if err := h.OpenFolder(); err != nil {
			http.Error(w, "Cannot open the folder: "+err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	case strings.HasPrefix(p, "/api/"):
		http.NotFound(w, r)
	default:
		if !method(w, r, http.MethodGet, http.MethodHead) {
			return
		}
		if h.Web == nil {
			http.Error(w, "This build has no recordings page", http.StatusNotFound)
			return
		}
		if p == "/" {
			r = r.Clone(r.Context())
			r.URL.Path = "/recordings.html"
		}
		if p == "/recordings.html" || strings.HasSuffix(p, "/") {
			// FileServer would redirect /recordings.html to ./, and list folders.
			if strings.HasSuffix(p, "/") && p != "/" {
				http.NotFound(w, r)
				return
			}
			http.ServeFileFS(w, r, h.Web, "recordings.html")
			return
		}
		http.FileServerFS(h.Web).ServeHTTP(w, r)
	}
}

// one serves or deletes one recording.
func (h *Handler) one(w http.ResponseWriter, r *http.Request, name string) {
	if !method(w, r, http.MethodGet, http.MethodHead, http.MethodDelete) {
		return
	}
	f, fi, err := open(h.Dir, name)
	if err != nil {
		status := http.StatusInternalServerError
		if errors.Is(err, ErrNotRecording) || errors.Is(err, os.ErrNotExist) {
			status = http.StatusNotFound
		}
		http.Error(w, "No such recording: "+name, status)
		return
	}
	if r.Method == http.MethodDelete {
		f.Close() // Windows removes no open file
		if err := remove(f.Name()); err != nil {
			http.Error(w, "Cannot delete "+name+": "+err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "text/plain; charset=iso-8859-1")
	if r.URL.Query().Get("download") != "" {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", `attachment; filename="`+strings.NewReplacer(`"`, "", `\`, "").Replace(name)+`"`)
	}
	http.ServeContent(w, r, name, fi.ModTime(), f)
}

// method answers 405 unless r's method is one of ms.
func method(w http.ResponseWriter, r *http.Request, ms ...string) bool {
	for _, m := range ms {
		if r.Method == m {
			return true
		}
	}
	w.Header().Set("Allow", strings.Join(ms, ", "))
	http.Error(w, r.Method+" is not allowed here", http.StatusMethodNotAllowed)
	return false
}
