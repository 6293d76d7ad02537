package proxy

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"vncbridge/proxy/recordfmt"
)

// A viewer with control hands a file to the person sharing beside its
// session, never inside the RFB stream (the relay stays as it is): plain
// HTTP requests to FilesPath on the proxy's own port, under the rules of the
// session's WebSocket (Host, Origin, Config.Auth, the token), and only while
// that viewer's session is open:
//
//   - The page makes a secret of its own for each session and opens the
//     WebSocket with it (?files=SECRET); every file request carries it in
//     the Vncbridge-Session header, which names the open session it belongs
//     to. No session, no files: the endpoints die with the session, and
//     the offers and uploads under way with it.
//   - GET FilesPath: may this session send files? 200 with the limit, or
//     403 with the reason (view-only).
//   - POST FilesPath+"offer" announces a file (JSON: name, size, sha256);
//     the answer waits for FileTransfer.Ask (one question at a time) and is
//     200 with the offer's id, or 403 declined.
//   - PUT FilesPath+ID sends the accepted file's bytes: streamed to a
//     temporary file in FileTransfer.Dir through a hash, renamed to its
//     safe name (never over another file) once its length and hash match
//     what was announced, removed otherwise.
//   - DELETE FilesPath+ID withdraws an accepted offer before it is sent.

// FilesPath is where the file endpoints are served (with FileTransfer).
const FilesPath = "/vncbridge/files/"

// Defaults for the zero values of FileTransfer.
const (
	DefaultMaxFileSize    = 2 << 30
	DefaultFileAskTimeout = 2 * time.Minute
	DefaultMaxFileOffers  = 4
)

const (
	// filesHeader carries the session's secret in every file request.
	filesHeader = "Vncbridge-Session"
	// filesParam is the WebSocket URL's query parameter with that secret.
	filesParam = "files"
	// fileStartTimeout bounds the time from an accepted offer to its bytes.
	fileStartTimeout = time.Minute
	// fileIdleTimeout bounds a pause in an upload's bytes.
	fileIdleTimeout = 30 * time.Second
	// maxOfferBytes bounds an offer's JSON.
	maxOfferBytes = 8 << 10
)

// Reasons of the file endpoints' refusals, for the page.
const (
	ReasonFileViewOnly  = "view-only: this viewer may not send files"
	ReasonFileDeclined  = "declined: the person sharing did not accept the file"
	ReasonFileNoAnswer  = "no answer: the person sharing did not answer in time"
	ReasonFileBusy      = "busy: the person sharing has other files to answer; try again later"
	ReasonFileNoUploads = "no uploads: this server takes no files"
	ReasonFileCancelled = "cancelled by the person sharing"
)

// Why a file did not arrive, besides ErrFileMismatch and the system's own
// errors (FileTransfer.OnFile's error, with errors.Is).
var (
	// ErrFileCancelled: the person sharing cancelled it (Receiving.Cancel).
	ErrFileCancelled = errors.New(ReasonFileCancelled)
	// ErrFileSessionEnded: the viewer's session ended while it came.
	ErrFileSessionEnded = errors.New("the session ended")
	// ErrFileInterrupted: the viewer's upload stopped before its end.
	ErrFileInterrupted = errors.New("the upload stopped")
)

// FileTransfer lets viewers with control send files to the person sharing
// (Config.Files).
type FileTransfer struct {
	// Dir is the folder files are saved in; it is made when missing.
	Dir string
	// MaxSize bounds one file's size in bytes (DefaultMaxFileSize).
	MaxSize int64
	// MaxWaiting bounds the offers waiting for an answer, all viewers
	// together (DefaultMaxFileOffers); more are refused as busy.
	MaxWaiting int
	// Ask, when set, is asked about each offer, one at a time: true saves
	// the file. ctx is done when the viewer withdraws the offer or leaves,
	// or after AskTimeout. Nil accepts every offer.
	Ask func(ctx context.Context, o FileOffer) bool
	// AskTimeout bounds Ask (DefaultFileAskTimeout).
	AskTimeout time.Duration
	// OnReceiving, when set, is told when an accepted file's bytes start
	// to come: r says how many came, and can stop them. OnFile follows
	// when the file is in, or is not. It must return quickly.
	OnReceiving func(r *Receiving)
	// OnFile, when set, is called when an accepted file arrived (path is
	// where it was saved) or did not (err says why). It must return quickly.
	OnFile func(o FileOffer, path string, err error)
}

// Receiving is an accepted file on its way (FileTransfer.OnReceiving).
type Receiving struct {
	// Offer is the file.
	Offer FileOffer

	got       atomic.Int64
	cancel    context.CancelFunc
	cancelled atomic.Bool
	done      chan struct{}
}

// Received tells how many of the file's bytes have come.
func (r *Receiving) Received() int64 { return r.got.Load() }

// Cancel stops the file on the sharer's word: what came is removed, and
// the viewer's page is told.
func (r *Receiving) Cancel() {
	r.cancelled.Store(true)
	r.cancel()
}

// Done is closed when the file is in, or is not.
func (r *Receiving) Done() <-chan struct{} { return r.done }

// FileOffer is a file a viewer offers to send.
type FileOffer struct {
	// Viewer is the viewer that offers it.
	Viewer Viewer
	// Name is the name it will be saved under (SafeFileName of the name
	// the page announced), before a number is added to keep it from
	// another file's.
	Name string
	// Size is its length in bytes.
	Size int64
	// SHA256 is its hash as the page announced it, in lowercase hex.
	SHA256 string
}

func (ft *FileTransfer) maxSize() int64 { return orDefault(ft.MaxSize, DefaultMaxFileSize) }

func (ft *FileTransfer) maxWaiting() int { return orDefault(ft.MaxWaiting, DefaultMaxFileOffers) }

func (ft *FileTransfer) askTimeout() time.Duration {
	return orDefault(ft.AskTimeout, DefaultFileAskTimeout)
}

// files is a Server's file transfers.
type files struct {
	cfg     FileTransfer
	uploads bool          // Config.Files is set: viewers may send files
	share   bool          // Config.Share
	turn    chan struct{} // held while Ask is asked: one question at a time
	offered offers        // the sharer's files, offered to every viewer (offers.go)

	mu       sync.Mutex
	waiting  int                        // offers waiting for an answer
	sessions map[*session]*sessionFiles // sessions that used the endpoints
	accepted map[string]*acceptedFile   // by id
}

// sessionFiles is one session's part: done when the session ends.
type sessionFiles struct {
	ctx     context.Context
	cancel  context.CancelFunc
	waiting bool // an offer of this session waits for its answer
}

// acceptedFile is an accepted offer whose bytes have not come yet.
type acceptedFile struct {
	ss    *session
	offer FileOffer
	timer *time.Timer
}

func newFiles(cfg *FileTransfer) *files {
	f := &files{turn: make(chan struct{}, 1), offered: offers{changed: make(chan struct{})},
		sessions: make(map[*session]*sessionFiles), accepted: make(map[string]*acceptedFile)}
	if cfg != nil {
		f.cfg, f.uploads = *cfg, true
	}
	return f
}

// serving tells whether the file endpoints are served: with Config.Files,
// on a share (its person may offer files), or once a file was offered.
func (f *files) serving() bool { return f.uploads || f.share || f.offered.ever.Load() }

// sessionFiles returns ss's part, made on first use. The caller holds s.mu
// and has seen ss open, so endSession has not run for it yet.
func (f *files) sessionFiles(ss *session) *sessionFiles {
	f.mu.Lock()
	defer f.mu.Unlock()
	sf := f.sessions[ss]
	if sf == nil {
		ctx, cancel := context.WithCancel(context.Background())
		sf = &sessionFiles{ctx: ctx, cancel: cancel}
		f.sessions[ss] = sf
	}
	return sf
}

// endSession ends what ss has under way: its offers and its uploads.
func (f *files) endSession(ss *session) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if sf := f.sessions[ss]; sf != nil {
		sf.cancel()
		delete(f.sessions, ss)
	}
	for id, a := range f.accepted {
		if a.ss == ss {
			a.timer.Stop()
			delete(f.accepted, id)
		}
	}
}

// maxAcceptedPerSession bounds a session's accepted files not sent yet:
// without a question (FileTransfer.Ask nil), offers cost nothing to make.
const maxAcceptedPerSession = 4

// acceptedOf counts ss's accepted files not sent yet; f.mu is held.
func (f *files) acceptedOf(ss *session) int {
	n := 0
	for _, a := range f.accepted {
		if a.ss == ss {
			n++
		}
	}
	return n
}

// take removes and returns ss's accepted offer id, or nil.
func (f *files) take(id string, ss *session) *acceptedFile {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.accepted[id]
	if a == nil || a.ss != ss {
		return nil
	}
	a.timer.Stop()
	delete(f.accepted, id)
	return a
}

// freeMargin is the space an upload leaves free on the folder's disk.
const freeMargin = 64 << 20

// freeSpaceFor is the space free where dir is, or would be made: on the
// disk of its nearest folder that is there.
func freeSpaceFor(dir string) (int64, bool) {
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			return freeSpace(d)
		}
		if filepath.Dir(d) == d {
			return 0, false
		}
	}
}

// validFilesKey tells whether k can be a session's secret: 22 to 128
// characters of base64url (at least 128 bits).
func validFilesKey(k string) bool {
	if len(k) < 22 || len(k) > 128 {
		return false
	}
	for _, c := range []byte(k) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// filesKeyOf is the secret a WebSocket request names its session by, or "".
func filesKeyOf(r *http.Request) string {
	if k := r.URL.Query().Get(filesParam); validFilesKey(k) {
		return k
	}
	return ""
}

// serveFiles serves the file endpoints. Every request passes the checks of
// a WebSocket handshake first (its Host was checked by serveHTTP), then
// names an open session.
func (s *Server) serveFiles(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if err := s.checkOrigin(r); err != nil {
		s.refuse(w, r, asRefusal(err))
		return
	}
	if err := s.authenticate(w, r); err != nil {
		s.refuse(w, r, asRefusal(err))
		return
	}
	target, err := s.sessionTarget(r)
	if err != nil {
		s.refuse(w, r, asRefusal(err))
		return
	}
	ss, sf := s.fileSession(r, target)
	if ss == nil {
		s.refuse(w, r, refused(http.StatusForbidden, "no open session: files go only with a session of this viewer"))
		return
	}
	rest := strings.TrimPrefix(r.URL.Path, FilesPath)
	reading := r.Method == http.MethodGet || r.Method == http.MethodHead
	switch {
	case rest == "" && reading:
		s.fileState(w, r, ss, sf)
		return
	case strings.HasPrefix(rest, "download/") && reading: // view-only viewers too: seeing is what they are for
		s.fileDownload(w, r, ss, sf, strings.TrimPrefix(rest, "download/"))
		return
	case ss.view != nil:
		s.refuse(w, r, refused(http.StatusForbidden, ReasonFileViewOnly))
		return
	case !s.files.uploads:
		s.refuse(w, r, refused(http.StatusForbidden, ReasonFileNoUploads))
		return
	}
	switch {
	case rest == "offer" && r.Method == http.MethodPost:
		s.fileOffer(w, r, ss, sf)
	case rest != "offer" && r.Method == http.MethodPut:
		s.fileUpload(w, r, ss, sf, rest)
	case rest != "offer" && r.Method == http.MethodDelete:
		if a := s.files.take(rest, ss); a != nil {
			s.log.Info("file withdrawn", "session", ss.id, "client", ss.addr, "name", a.offer.Name)
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		s.refuse(w, r, refused(http.StatusMethodNotAllowed, "not a file request: "+r.Method+" "+quote(r.URL.Path)))
	}
}

// fileSession finds the open session r names by its secret, and its part.
// The session must have been opened with the same target (the same token)
// and, with Config.ViewerKey, by the same client.
func (s *Server) fileSession(r *http.Request, target Target) (*session, *sessionFiles) {
	key := r.Header.Get(filesHeader)
	if key == "" && strings.HasPrefix(r.URL.Path, FilesPath+"download/") {
		// A download is the browser's own navigation, which cannot carry a
		// header: there, the secret may be in the URL (logs redact it).
		key = r.URL.Query().Get("session")
	}
	if !validFilesKey(key) {
		return nil, nil
	}
	viewerKey := ""
	if s.cfg.ViewerKey != nil {
		viewerKey = s.cfg.ViewerKey(r)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var found *session
	for ss := range s.sessions {
		if ss.filesKey == "" || subtle.ConstantTimeCompare([]byte(ss.filesKey), []byte(key)) != 1 {
			continue
		}
		if found != nil {
			return nil, nil // two sessions claim the secret: neither is meant
		}
		found = ss
	}
	if found == nil || found.dest != target || (s.cfg.ViewerKey != nil && found.key != viewerKey) {
		return nil, nil
	}
	return found, s.files.sessionFiles(found)
}

// offerJSON is what a page announces of a file.
type offerJSON struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// fileOffer reads an offer and answers it once the person sharing has.
func (s *Server) fileOffer(w http.ResponseWriter, r *http.Request, ss *session, sf *sessionFiles) {
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Now().Add(s.cfg.handshakeTimeout()))
	var o offerJSON
	body := io.LimitReader(r.Body, maxOfferBytes)
	err := json.NewDecoder(body).Decode(&o)
	// Read to the end: net/http then watches the connection, and ends the
	// request's context when the viewer withdraws the offer (the question
	// goes with it).
	io.Copy(io.Discard, body)
	// No deadline from now on: net/http's watch of the connection, which
	// tells when the viewer withdraws the offer, would end the request at it.
	rc.SetReadDeadline(time.Time{})
	if err != nil {
		s.refuse(w, r, refused(http.StatusBadRequest, "the offer is not JSON with name, size and sha256: "+err.Error()))
		return
	}
	sum, err := hex.DecodeString(o.SHA256)
	switch {
	case err != nil || len(sum) != 32:
		s.refuse(w, r, refused(http.StatusBadRequest, "the offer's sha256 is not 64 hexadecimal digits"))
		return
	case o.Size < 0:
		s.refuse(w, r, refused(http.StatusBadRequest, "the offer's size is negative"))
		return
	case o.Size > s.files.cfg.maxSize():
		s.refuse(w, r, refused(http.StatusRequestEntityTooLarge, "too large: the file has "+strconv.FormatInt(o.Size, 10)+
			" bytes, more than the limit of "+strconv.FormatInt(s.files.cfg.maxSize(), 10)))
		return
	}
	if free, ok := freeSpaceFor(s.files.cfg.Dir); ok && o.Size > free-freeMargin {
		s.refuse(w, r, refused(http.StatusInsufficientStorage, "no room: the file has "+strconv.FormatInt(o.Size, 10)+
			" bytes, and the folder's disk "+strconv.FormatInt(max(free, 0), 10)+" free"))
		return
	}
	offer := FileOffer{Viewer: ss.viewer(), Name: SafeFileName(o.Name), Size: o.Size, SHA256: hex.EncodeToString(sum)}
	who := []any{"session", ss.id, "client", ss.addr, "browser", ss.browser,
		"name", offer.Name, "size", offer.Size, "sha256", offer.SHA256}

	f := s.files
	f.mu.Lock()
	busy := sf.waiting || f.waiting >= f.cfg.maxWaiting() || f.acceptedOf(ss) >= maxAcceptedPerSession
	if !busy {
		sf.waiting = true
		f.waiting++
	}
	f.mu.Unlock()
	if busy {
		s.log.Info("file refused unasked", append(who, "reason", ReasonFileBusy)...)
		s.refuse(w, r, refused(http.StatusTooManyRequests, ReasonFileBusy))
		return
	}
	defer func() {
		f.mu.Lock()
		sf.waiting = false
		f.waiting--
		f.mu.Unlock()
	}()
	s.log.Info("file offered", who...)

	ctx, cancel := context.WithTimeout(r.Context(), f.cfg.askTimeout())
	defer cancel()
	stop := context.AfterFunc(sf.ctx, cancel) // the session ended
	defer stop()
	ok, why := s.askFile(ctx, offer)
	if !ok {
		status := http.StatusForbidden
		switch {
		case sf.ctx.Err() != nil:
			why = "the session ended"
		case r.Context().Err() != nil:
			why = "withdrawn by the viewer"
		case ctx.Err() != nil:
			why, status = ReasonFileNoAnswer, http.StatusGatewayTimeout
		}
		s.log.Info("file not accepted", append(who, "accepted", false, "reason", why)...)
		ss.noteFile("from viewer", offer.Name, offer.Size, offer.SHA256, why)
		s.refuse(w, r, refused(status, why))
		return
	}
	var b [16]byte
	rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	f.mu.Lock()
	if sf.ctx.Err() != nil { // the session ended as the answer came
		f.mu.Unlock()
		s.refuse(w, r, refused(http.StatusForbidden, "the session ended"))
		return
	}
	f.accepted[id] = &acceptedFile{ss: ss, offer: offer, timer: time.AfterFunc(fileStartTimeout, func() {
		if a := f.take(id, ss); a != nil {
			s.log.Info("file not sent in time", who...)
		}
	})}
	f.mu.Unlock()
	s.log.Info("file accepted", append(who, "accepted", true)...)
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "name": offer.Name})
}

// askFile asks FileTransfer.Ask, one question at a time; a panic is a no.
func (s *Server) askFile(ctx context.Context, o FileOffer) (ok bool, why string) {
	ask := s.files.cfg.Ask
	if ask == nil {
		return true, ""
	}
	select {
	case s.files.turn <- struct{}{}:
		defer func() { <-s.files.turn }()
	case <-ctx.Done():
		return false, ReasonFileNoAnswer
	}
	defer func() {
		if v := recover(); v != nil {
			s.log.Error("file question panic", "session", o.Viewer.ID, "panic", v)
			ok, why = false, ReasonFileDeclined
		}
	}()
	if ask(ctx, o) && ctx.Err() == nil {
		return true, ""
	}
	return false, ReasonFileDeclined
}

// fileUpload receives an accepted file's bytes.
func (s *Server) fileUpload(w http.ResponseWriter, r *http.Request, ss *session, sf *sessionFiles, id string) {
	a := s.files.take(id, ss)
	if a == nil {
		s.refuse(w, r, refused(http.StatusNotFound, "no such accepted file: it was withdrawn, or not sent in time"))
		return
	}
	o := a.offer
	who := []any{"session", ss.id, "client", ss.addr, "name", o.Name, "size", o.Size, "sha256", o.SHA256}
	if r.ContentLength != o.Size {
		err := errors.Join(ErrFileMismatch, errors.New("the request has "+strconv.FormatInt(r.ContentLength, 10)+" bytes, the offer said "+
			strconv.FormatInt(o.Size, 10)))
		s.fileFailed(w, r, o, who, err, http.StatusBadRequest)
		return
	}
	// The file's bytes may take longer than the server's read timeout:
	// each read has fileIdleTimeout, and the session's end or the sharer's
	// Cancel stops them.
	ctx, cancel := context.WithCancel(sf.ctx)
	defer cancel()
	rec := &Receiving{Offer: o, cancel: cancel, done: make(chan struct{})}
	defer close(rec.done)
	rc := http.NewResponseController(w)
	body := &uploadBody{r: r.Body, rc: rc, ctx: ctx, got: &rec.got}
	stop := context.AfterFunc(ctx, func() { rc.SetReadDeadline(time.Now()) })
	defer stop()
	if s.files.cfg.OnReceiving != nil {
		s.files.cfg.OnReceiving(rec)
	}
	path, err := s.files.receive(body, o)
	if err != nil {
		status := http.StatusBadRequest
		if rec.cancelled.Load() {
			err, status = ErrFileCancelled, http.StatusConflict
		} else if sf.ctx.Err() != nil {
			err = ErrFileSessionEnded
		} else if !errors.Is(err, ErrFileMismatch) {
			status = http.StatusInternalServerError
			var re *uploadReadError
			if errors.As(err, &re) {
				status = http.StatusBadRequest
			}
		}
		ss.noteFile("from viewer", o.Name, o.Size, o.SHA256, err.Error())
		s.fileFailed(w, r, o, who, err, status)
		return
	}
	s.log.Info("file received", append(who, "path", path)...)
	ss.noteFile("from viewer", o.Name, o.Size, o.SHA256, "received as "+baseName(path))
	if s.files.cfg.OnFile != nil {
		s.files.cfg.OnFile(o, path, nil)
	}
	writeJSON(w, http.StatusCreated, map[string]any{"name": baseName(path)})
}

func (s *Server) fileFailed(w http.ResponseWriter, r *http.Request, o FileOffer, who []any, err error, status int) {
	s.log.Warn("file not received", append(who, "error", err.Error())...)
	if s.files.cfg.OnFile != nil {
		s.files.cfg.OnFile(o, "", err)
	}
	w.Header().Set("Connection", "close") // the rest of the body is not read
	s.refuse(w, r, refused(status, err.Error()))
}

// uploadBody reads an upload's body, giving each read fileIdleTimeout, and
// stops when ctx is done.
type uploadBody struct {
	r   io.Reader
	rc  *http.ResponseController
	ctx context.Context
	got *atomic.Int64 // bytes read
}

// uploadReadError is an error reading an upload's body: the viewer's, not ours.
type uploadReadError struct{ err error }

func (e *uploadReadError) Error() string   { return ErrFileInterrupted.Error() + ": " + e.err.Error() }
func (e *uploadReadError) Unwrap() []error { return []error{ErrFileInterrupted, e.err} }

func (b *uploadBody) Read(p []byte) (int, error) {
	if err := b.ctx.Err(); err != nil {
		return 0, &uploadReadError{err}
	}
	b.rc.SetReadDeadline(time.Now().Add(fileIdleTimeout))
	if b.ctx.Err() != nil { // ended as the deadline moved: stop the read now
		b.rc.SetReadDeadline(time.Now())
	}
	n, err := b.r.Read(p)
	b.got.Add(int64(n))
	if err != nil && err != io.EOF {
		err = &uploadReadError{err}
	}
	return n, err
}

// noteFile keeps a file event for the session's recording, if any.
func (ss *session) noteFile(direction string, name string, size int64, sha256, outcome string) {
	if ss.rec == nil {
		return
	}
	ss.filesMu.Lock()
	ss.fileLog = append(ss.fileLog, recordfmt.FileEvent{Time: time.Now(), Direction: direction, Name: name, Size: size,
		SHA256: sha256, Outcome: outcome})
	ss.filesMu.Unlock()
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
