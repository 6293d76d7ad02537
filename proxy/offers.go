package proxy

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// The person sharing offers files to every viewer (Server.OfferFile, on a
// share: Config.Share, where the pages follow the offers from the start): each
// page lists them with a Download button, view-only viewers' too, until the
// sharer withdraws the file or the server stops. A page hears of a change
// at once: its GET of FilesPath waits (?after=VERSION) until the list
// changes. The file is opened and hashed when it is offered; the viewers
// download what was hashed, through the session's rules, with the
// session's secret in the URL (a download is the browser's navigation).
//
// The same state tells how many viewers watch the same desktop (no names,
// no addresses): its version moves when a session opens or ends too, so a
// page hears at once that another viewer joined or left, and says so to a
// person using a screen reader.

// statePoll bounds how long a page's GET of FilesPath waits for a change.
const statePoll = 25 * time.Second

// OfferedFile is a file the person sharing offers to the viewers.
type OfferedFile struct {
	ID     string `json:"id"`
	Name   string `json:"name"` // SafeFileName of the file's own name
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// offers are a Server's offered files.
type offers struct {
	ever atomic.Bool // a file was offered: the endpoints are served from then on

	mu      sync.Mutex
	list    []*offeredFile
	version uint64
	changed chan struct{} // closed at the next change
}

type offeredFile struct {
	OfferedFile
	f      *os.File
	mod    time.Time
	ctx    context.Context // done when withdrawn: its downloads stop
	cancel context.CancelFunc
}

// OfferFile offers the file at path to every viewer, now and to come: it
// is opened and hashed now (in constant memory), and viewers download what
// was hashed until WithdrawFile or Shutdown.
func (s *Server) OfferFile(path string) (OfferedFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return OfferedFile{}, err
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = errors.New(path + " is not a regular file")
	}
	h := sha256.New()
	if err == nil {
		buf := uploadBuffers.Get().(*[]byte)
		var n int64
		n, err = io.CopyBuffer(h, io.NewSectionReader(f, 0, fi.Size()), *buf)
		uploadBuffers.Put(buf)
		if err == nil && n != fi.Size() {
			err = errors.New(path + " changed while it was read")
		}
	}
	if err != nil {
		f.Close()
		return OfferedFile{}, err
	}
	var b [16]byte
	rand.Read(b[:])
	ctx, cancel := context.WithCancel(context.Background())
	o := &offeredFile{OfferedFile: OfferedFile{ID: hex.EncodeToString(b[:]), Name: SafeFileName(filepath.Base(path)),
		Size: fi.Size(), SHA256: hex.EncodeToString(h.Sum(nil))}, f: f, mod: fi.ModTime(), ctx: ctx, cancel: cancel}
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		cancel()
		f.Close()
		return OfferedFile{}, ErrServerClosed
	}
	of := &s.files.offered
	of.mu.Lock()
	of.list = append(of.list, o)
	of.changedLocked()
	of.mu.Unlock()
	of.ever.Store(true)
	s.log.Info("file offered to viewers", "name", o.Name, "size", o.Size, "sha256", o.SHA256)
	return o.OfferedFile, nil
}

// WithdrawFile ends the offer id: pages stop listing it, downloads under
// way stop.
func (s *Server) WithdrawFile(id string) error {
	of := &s.files.offered
	of.mu.Lock()
	var found *offeredFile
	for i, o := range of.list {
		if o.ID == id {
			found = o
			of.list = append(of.list[:i:i], of.list[i+1:]...)
			of.changedLocked()
			break
		}
	}
	of.mu.Unlock()
	if found == nil {
		return errors.New("proxy: no such offered file")
	}
	found.cancel()
	found.f.Close()
	s.log.Info("file withdrawn from viewers", "name", found.Name)
	return nil
}

// OfferedFiles lists the files offered, oldest first.
func (s *Server) OfferedFiles() []OfferedFile {
	of := &s.files.offered
	of.mu.Lock()
	defer of.mu.Unlock()
	out := make([]OfferedFile, len(of.list))
	for i, o := range of.list {
		out[i] = o.OfferedFile
	}
	return out
}

// withdrawAll ends every offer (the server stops).
func (f *files) withdrawAll() {
	of := &f.offered
	of.mu.Lock()
	list := of.list
	of.list = nil
	if len(list) > 0 {
		of.changedLocked()
	}
	of.mu.Unlock()
	for _, o := range list {
		o.cancel()
		o.f.Close()
	}
}

// viewersChanged marks that a session opened or ended: the pages' state
// (its count of viewers) is not that of its version any more.
func (of *offers) viewersChanged() {
	of.mu.Lock()
	of.changedLocked()
	of.mu.Unlock()
}

// changedLocked marks a change of the state; of.mu is held.
func (of *offers) changedLocked() {
	of.version++
	close(of.changed)
	of.changed = make(chan struct{})
}

func (of *offers) state() (uint64, []OfferedFile, <-chan struct{}) {
	of.mu.Lock()
	defer of.mu.Unlock()
	list := make([]OfferedFile, len(of.list))
	for i, o := range of.list {
		list[i] = o.OfferedFile
	}
	return of.version, list, of.changed
}

func (of *offers) find(id string) *offeredFile {
	of.mu.Lock()
	defer of.mu.Unlock()
	for _, o := range of.list {
		if o.ID == id {
			return o
		}
	}
	return nil
}

// fileState answers a page's GET of FilesPath: whether it may send files,
// the files offered and how many viewers watch. With ?after=VERSION it
// waits until these are not those of VERSION any more (statePoll at most).
// The version is read before the count: a session that opens or ends in
// between moves the version on, so the page asks again at once.
func (s *Server) fileState(w http.ResponseWriter, r *http.Request, ss *session, sf *sessionFiles) {
	http.NewResponseController(w).SetReadDeadline(time.Time{}) // the wait is not a slow request
	version, list, changed := s.files.offered.state()
	if after := r.URL.Query().Get("after"); after != "" && after == strconv.FormatUint(version, 10) {
		t := time.NewTimer(statePoll)
		defer t.Stop()
		select {
		case <-changed:
		case <-t.C:
		case <-sf.ctx.Done():
		case <-s.done:
		case <-r.Context().Done():
			return
		}
		version, list, _ = s.files.offered.state()
	}
	state := map[string]any{"version": strconv.FormatUint(version, 10), "offers": list, "upload": false,
		"viewers": s.viewersOf(ss.dest)}
	switch {
	case ss.view != nil:
		state["reason"] = ReasonFileViewOnly
	case !s.files.uploads:
		state["reason"] = ReasonFileNoUploads
	default:
		state["upload"], state["maxSize"] = true, s.files.cfg.maxSize()
	}
	writeJSON(w, http.StatusOK, state)
}

// viewersOf counts the open sessions that watch dest, the page's own too.
func (s *Server) viewersOf(dest Target) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for ss := range s.sessions {
		if ss.dest == dest {
			n++
		}
	}
	return n
}

// fileDownload serves an offered file to a viewer, as an attachment.
func (s *Server) fileDownload(w http.ResponseWriter, r *http.Request, ss *session, sf *sessionFiles, id string) {
	o := s.files.offered.find(id)
	if o == nil {
		s.refuse(w, r, refused(http.StatusNotFound, "no such file: the person sharing withdrew it"))
		return
	}
	// What is sent must be what was hashed: a file changed since (its
	// size or time) is refused rather than sent under a wrong hash.
	if fi, err := o.f.Stat(); err != nil || fi.Size() != o.Size || !fi.ModTime().Equal(o.mod) {
		s.log.Warn("offered file changed; not sent", "session", ss.id, "name", o.Name)
		s.refuse(w, r, refused(http.StatusConflict, "the file changed since it was offered; ask the person sharing to offer it again"))
		return
	}
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Time{})
	stop := context.AfterFunc(sf.ctx, func() { rc.SetWriteDeadline(time.Now()) }) // the session ended
	defer stop()
	stopWithdrawn := context.AfterFunc(o.ctx, func() { rc.SetWriteDeadline(time.Now()) })
	defer stopWithdrawn()
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": o.Name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Vncbridge-Sha256", o.SHA256)
	s.log.Info("file downloaded", "session", ss.id, "client", ss.addr, "name", o.Name,
		"size", o.Size, "sha256", o.SHA256, "range", r.Header.Get("Range"))
	ss.noteFile("to viewer", o.Name, o.Size, o.SHA256, "download started")
	http.ServeContent(w, r, "", o.mod, io.NewSectionReader(o.f, 0, o.Size))
}
