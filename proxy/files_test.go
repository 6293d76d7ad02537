package proxy

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"vncbridge/internal/testnet"
	"vncbridge/proxy/recordfmt"
)

func TestSafeFileName(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 150) + ".pdf"
	for _, c := range []struct{ in, want string }{
		{"report.pdf", "report.pdf"},
		{"../../x", "_.._x"},
		{"..", "file"},
		{".", "file"},
		{"", "file"},
		{"a/b", "a_b"},
		{`a\b`, "a_b"},
		{"C:evil", "C_evil"},
		{"CON", "_CON"},
		{"con.txt", "_con.txt"},
		{"NUL", "_NUL"},
		{"com1", "_com1"},
		{"LPT9.log", "_LPT9.log"},
		{"COM10", "COM10"},
		{"CONSOLE", "CONSOLE"},
		{"\x01", "_"},
		{"a\x00b\nc", "a_b_c"},
		{".bashrc", "bashrc"},
		{"...hidden", "hidden"},
		{"trailing. . ", "trailing"},
		{"evil\u202efdp.exe", "evil_fdp.exe"},
		{"bad\xffutf8", "bad_utf8"},
		{"résumé 日本.txt", "résumé 日本.txt"},
		{`what?<>|*".txt`, "what______.txt"},
	} {
		if got := SafeFileName(c.in); got != c.want {
			t.Errorf("SafeFileName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	got := SafeFileName(long)
	if len(got) > maxFileName || !strings.HasSuffix(got, ".pdf") || !strings.HasPrefix(got, "éé") {
		t.Errorf("a long name: %q (%d bytes)", got, len(got))
	}
	for _, in := range []string{"../../x", "CON", "a/b", "\x01", "..", "/etc/passwd", `..\..\windows`} {
		got := SafeFileName(in)
		if got != filepath.Base(got) || strings.ContainsAny(got, `/\`) || strings.HasPrefix(got, ".") {
			t.Errorf("SafeFileName(%q) = %q leaves the folder or hides", in, got)
		}
	}
}

func TestNumberedName(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{{"report.pdf", 1, "report.pdf"}, {"report.pdf", 2, "report (2).pdf"}, {"README", 3, "README (3)"}, {"a.tar.gz", 2, "a.tar (2).gz"}} {
		if got := numberedName(c.in, c.n); got != c.want {
			t.Errorf("numberedName(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}

// tokenAuth lets in the requests with ?token=good, for viewing only with
// &look=1: the tray's share, in short.
type tokenAuth struct{}

func (tokenAuth) Authenticate(r *http.Request) error {
	if r.URL.Query().Get("token") != "good" {
		return &AuthError{Status: http.StatusForbidden, Reason: "wrong token"}
	}
	return nil
}
func (tokenAuth) ViewOnly(r *http.Request) bool { return r.URL.Query().Get("look") == "1" }

// fileRig is a proxy with file transfer, a target, and a folder.
type fileRig struct {
	t    *testing.T
	srv  *Server
	addr string
	dir  string
	logs *testnet.LogBuffer

	mu     sync.Mutex
	asked  []FileOffer
	got    []string // OnFile: paths, or "error: …"
	errs   []error  // OnFile's errors
	answer func(ctx context.Context, o FileOffer) bool
}

func newFileRig(t *testing.T, ft FileTransfer, tweak ...func(*Config)) *fileRig {
	rig := &fileRig{t: t, dir: filepath.Join(t.TempDir(), "received")}
	ft.Dir = rig.dir
	if ft.Ask == nil {
		ft.Ask = func(ctx context.Context, o FileOffer) bool {
			rig.mu.Lock()
			rig.asked = append(rig.asked, o)
			answer := rig.answer
			rig.mu.Unlock()
			return answer == nil || answer(ctx, o)
		}
	}
	ft.OnFile = func(o FileOffer, path string, err error) {
		rig.mu.Lock()
		defer rig.mu.Unlock()
		if err != nil {
			path = "error: " + err.Error()
			rig.errs = append(rig.errs, err)
		}
		rig.got = append(rig.got, path)
	}
	cfg := Config{Target: startEcho(t), Auth: tokenAuth{}, Files: &ft}
	for _, f := range tweak {
		f(&cfg)
	}
	rig.srv, rig.addr, rig.logs = startServer(t, cfg)
	return rig
}

// open opens a session whose page names itself by key; query adds to the
// URL's.
func (rig *fileRig) open(key, query string) net.Conn {
	t := rig.t
	t.Helper()
	conn, err := net.Dial("tcp", rig.addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	before := rig.srv.Sessions()
	req := "GET /websockify?token=good&files=" + key + query + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
	io.WriteString(conn, req)
	if resp, err := http.ReadResponse(bufio.NewReader(conn), nil); err != nil || resp.StatusCode != 101 {
		t.Fatalf("handshake: %v %v", resp, err)
	}
	testnet.WaitFor(t, "the session", func() bool { return rig.srv.Sessions() == before+1 })
	return conn
}

// request sends a file request with the session's key and the token.
func (rig *fileRig) request(method, path, key, token string, body io.Reader, size int64, header ...string) (int, string) {
	rig.t.Helper()
	req, err := http.NewRequest(method, "http://"+rig.addr+FilesPath+path+"?token="+token, body)
	if err != nil {
		rig.t.Fatal(err)
	}
	req.ContentLength = size
	req.Header.Set(filesHeader, key)
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "Host" {
			req.Host = header[i+1]
			continue
		}
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// offer announces a file; it returns the status and the offer's id.
func (rig *fileRig) offer(key, token, name string, size int64, sum string) (int, string) {
	rig.t.Helper()
	b, _ := json.Marshal(offerJSON{Name: name, Size: size, SHA256: sum})
	status, body := rig.request(http.MethodPost, "offer", key, token, bytes.NewReader(b), int64(len(b)))
	if status != http.StatusOK {
		return status, body
	}
	var a struct{ ID string }
	json.Unmarshal([]byte(body), &a)
	return status, a.ID
}

// send offers data under name and sends it once accepted.
func (rig *fileRig) send(key, name string, data []byte) (int, string) {
	rig.t.Helper()
	sum := sha256.Sum256(data)
	status, id := rig.offer(key, "good", name, int64(len(data)), hex.EncodeToString(sum[:]))
	if status != http.StatusOK {
		return status, id
	}
	return rig.request(http.MethodPut, id, key, "good", bytes.NewReader(data), int64(len(data)))
}

// files lists the folder.
func (rig *fileRig) files() []string {
	es, _ := os.ReadDir(rig.dir)
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// setAnswer sets how the person sharing answers.
func (rig *fileRig) setAnswer(f func(ctx context.Context, o FileOffer) bool) {
	rig.mu.Lock()
	rig.answer = f
	rig.mu.Unlock()
}

func (rig *fileRig) askedCount() int {
	rig.mu.Lock()
	defer rig.mu.Unlock()
	return len(rig.asked)
}

// lastError is OnFile's last error.
func (rig *fileRig) lastError() error {
	rig.mu.Lock()
	defer rig.mu.Unlock()
	if len(rig.errs) == 0 {
		return nil
	}
	return rig.errs[len(rig.errs)-1]
}

func (rig *fileRig) outcomes() []string {
	rig.mu.Lock()
	defer rig.mu.Unlock()
	return append([]string(nil), rig.got...)
}

const key1 = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
const key2 = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"

func TestFileUpload(t *testing.T) {
	t.Parallel()
	rig := newFileRig(t, FileTransfer{})
	rig.open(key1, "")
	if status, body := rig.request(http.MethodGet, "", key1, "good", nil, 0); status != 200 || !strings.Contains(body, `"maxSize":2147483648`) ||
		!strings.Contains(body, `"upload":true`) {
		t.Fatalf("GET: %d %s", status, body)
	}
	data := bytes.Repeat([]byte("vncbridge "), 100_000)
	for i, want := range []string{"report.pdf", "report (2).pdf"} {
		status, body := rig.send(key1, "report.pdf", data)
		if status != http.StatusCreated || !strings.Contains(body, want) {
			t.Fatalf("upload %d: %d %s", i, status, body)
		}
		got, err := os.ReadFile(filepath.Join(rig.dir, want))
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("%s: %d bytes (%v), want %d", want, len(got), err, len(data))
		}
	}
	// Hostile names land inside the folder, as safe names.
	for _, name := range []string{"../../x", "CON", "a/b", "\x01"} {
		if status, body := rig.send(key1, name, []byte(name)); status != http.StatusCreated {
			t.Fatalf("%q: %d %s", name, status, body)
		}
	}
	if got, want := strings.Join(rig.files(), "|"), "_|_.._x|_CON|a_b|report (2).pdf|report.pdf"; got != want {
		t.Errorf("the folder has %s, want %s", got, want)
	}
	if entries, _ := os.ReadDir(filepath.Dir(rig.dir)); len(entries) != 1 {
		t.Errorf("files beside the folder: %v", entries)
	}
	rig.mu.Lock()
	if len(rig.asked) != 6 || rig.asked[0].Name != "report.pdf" || rig.asked[0].Size != int64(len(data)) || rig.asked[0].Viewer.ID == 0 {
		t.Errorf("asked %+v", rig.asked)
	}
	rig.mu.Unlock()
	if out := rig.outcomes(); len(out) != 6 || out[0] != filepath.Join(rig.dir, "report.pdf") {
		t.Errorf("OnFile: %q", out)
	}
	if l := rig.logs.String(); !strings.Contains(l, "file received") || !strings.Contains(l, "accepted=true") ||
		!strings.Contains(l, "sha256=") {
		t.Errorf("the log says no more:\n%s", l)
	}
}

func TestFileUploadViewOnlyRefused(t *testing.T) {
	t.Parallel()
	rig := newFileRig(t, FileTransfer{})
	rig.open(key1, "&look=1")
	if status, body := rig.request(http.MethodGet, "", key1, "good", nil, 0); status != 200 || !strings.Contains(body, `"upload":false`) ||
		!strings.Contains(body, ReasonFileViewOnly) {
		t.Fatalf("GET: %d %s", status, body)
	}
	if status, body := rig.send(key1, "x.txt", []byte("x")); status != 403 || !strings.Contains(body, ReasonFileViewOnly) {
		t.Fatalf("offer: %d %s", status, body)
	}
	if rig.askedCount() != 0 || len(rig.files()) != 0 {
		t.Fatalf("asked %d, files %v", rig.askedCount(), rig.files())
	}
}

// Without the token, the right Origin, or an open session of its own, a
// request gets nothing: not a question, not a byte on disk.
func TestFileUploadRefusals(t *testing.T) {
	t.Parallel()
	rig := newFileRig(t, FileTransfer{})
	conn := rig.open(key1, "")
	data := []byte("hello")
	sum := sha256.Sum256(data)
	offer, _ := json.Marshal(offerJSON{Name: "a.txt", Size: 5, SHA256: hex.EncodeToString(sum[:])})
	for _, c := range []struct {
		what, key, token string
		header           []string
		want             int
	}{
		{"wrong token", key1, "bad", nil, 403},
		{"no token", key1, "", nil, 403},
		{"no session key", "", "good", nil, 403},
		{"another key", key2, "good", nil, 403},
		{"another site's page", key1, "good", []string{"Origin", "http://evil.example"}, 403},
		{"a rebound name", key1, "good", []string{"Host", "evil.example"}, 403},
	} {
		status, body := rig.request(http.MethodPost, "offer", c.key, c.token, bytes.NewReader(offer), int64(len(offer)), c.header...)
		if status != c.want {
			t.Errorf("%s: %d %s, want %d", c.what, status, body, c.want)
		}
	}
	// The session ends: its key opens nothing any more.
	conn.Close()
	testnet.WaitFor(t, "the session's end", func() bool { return rig.srv.Sessions() == 0 })
	if status, body := rig.send(key1, "a.txt", data); status != 403 {
		t.Errorf("after the session: %d %s", status, body)
	}
	if rig.askedCount() != 0 || len(rig.files()) != 0 {
		t.Fatalf("asked %d, files %v", rig.askedCount(), rig.files())
	}
}

func TestFileDeclined(t *testing.T) {
	t.Parallel()
	rig := newFileRig(t, FileTransfer{})
	rig.setAnswer(func(context.Context, FileOffer) bool { return false })
	rig.open(key1, "")
	if status, body := rig.send(key1, "a.txt", []byte("hello")); status != 403 || !strings.Contains(body, ReasonFileDeclined) {
		t.Fatalf("declined: %d %s", status, body)
	}
	if len(rig.files()) != 0 {
		t.Fatalf("files %v", rig.files())
	}
}

func TestFileHashMismatchLeavesNothing(t *testing.T) {
	t.Parallel()
	rig := newFileRig(t, FileTransfer{})
	rig.open(key1, "")
	data := []byte("the real bytes")
	sum := sha256.Sum256([]byte("other bytes..."))
	status, id := rig.offer(key1, "good", "a.txt", int64(len(data)), hex.EncodeToString(sum[:]))
	if status != 200 {
		t.Fatalf("offer: %d %s", status, id)
	}
	if status, body := rig.request(http.MethodPut, id, key1, "good", bytes.NewReader(data), int64(len(data))); status != 400 ||
		!strings.Contains(body, "sha256") {
		t.Fatalf("upload: %d %s", status, body)
	}
	if len(rig.files()) != 0 {
		t.Fatalf("files %v", rig.files())
	}
	if out := rig.outcomes(); len(out) != 1 || !strings.HasPrefix(out[0], "error: ") || !errors.Is(rig.lastError(), ErrFileMismatch) {
		t.Fatalf("OnFile: %q", out)
	}
	// Its id was used: it cannot be sent again.
	if status, _ := rig.request(http.MethodPut, id, key1, "good", bytes.NewReader(data), int64(len(data))); status != 404 {
		t.Fatalf("again: %d", status)
	}
}

// An upload that stops half-way, by the viewer or with its session, leaves
// no partial file.
func TestFileCancelLeavesNothing(t *testing.T) {
	t.Parallel()
	for _, how := range []string{"viewer aborts", "session ends"} {
		rig := newFileRig(t, FileTransfer{})
		ws := rig.open(key1, "")
		size := int64(8 << 20)
		sum := testnet.PrefixSum(size)
		status, id := rig.offer(key1, "good", "big.bin", size, hex.EncodeToString(sum[:]))
		if status != 200 {
			t.Fatalf("offer: %d %s", status, id)
		}
		c, err := net.Dial("tcp", rig.addr)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(c, "PUT %s%s?token=good HTTP/1.1\r\nHost: localhost\r\n%s: %s\r\nContent-Length: %d\r\n\r\n", FilesPath, id, filesHeader, key1, size)
		io.Copy(c, testnet.Stream(size/2))
		testnet.WaitFor(t, "the partial file", func() bool { return len(rig.files()) == 1 })
		if how == "viewer aborts" {
			c.Close()
		} else {
			ws.Close()
		}
		testnet.WaitFor(t, "the upload's end", func() bool { return len(rig.outcomes()) == 1 })
		c.Close()
		if want := map[string]error{"viewer aborts": ErrFileInterrupted, "session ends": ErrFileSessionEnded}[how]; !errors.Is(rig.lastError(), want) {
			t.Errorf("%s: OnFile's error %v, want %v", how, rig.lastError(), want)
		}
		if files := rig.files(); len(files) != 0 {
			t.Fatalf("%s: files %v", how, files)
		}
	}
}

// The person sharing is asked one question at a time; more offers than
// MaxWaiting are refused unasked, as is a second one of the same viewer.
func TestFileOneQuestionAtATime(t *testing.T) {
	t.Parallel()
	rig := newFileRig(t, FileTransfer{MaxWaiting: 2})
	release := make(chan struct{})
	var asking, most atomic.Int32
	rig.setAnswer(func(ctx context.Context, o FileOffer) bool {
		n := asking.Add(1)
		if n > most.Load() {
			most.Store(n)
		}
		<-release
		asking.Add(-1)
		return true
	})
	rig.open(key1, "")
	rig.open(key2, "")
	sum := sha256.Sum256(nil)
	results := make(chan int, 2)
	for _, k := range []string{key1, key2} {
		go func() {
			status, _ := rig.offer(k, "good", "a", 0, hex.EncodeToString(sum[:]))
			results <- status
		}()
	}
	testnet.WaitFor(t, "both offers waiting", func() bool {
		rig.srv.files.mu.Lock()
		defer rig.srv.files.mu.Unlock()
		return rig.srv.files.waiting == 2
	})
	if status, body := rig.offer(key1, "good", "b", 0, hex.EncodeToString(sum[:])); status != 429 || !strings.Contains(body, ReasonFileBusy) {
		t.Fatalf("a third offer: %d %s", status, body)
	}
	close(release)
	for range 2 {
		if s := <-results; s != 200 {
			t.Fatalf("offer: %d", s)
		}
	}
	if most.Load() != 1 {
		t.Fatalf("%d questions at once", most.Load())
	}
}

// A 1 GiB upload goes through a constant amount of memory: the process's
// resident size (VmRSS) grows by less than 64 MiB while it is sent and
// saved. The body is made on the fly.
func TestFileUploadMemoryFlat(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc to read the memory from")
	}
	rig := newFileRig(t, FileTransfer{})
	rig.open(key1, "")
	const size = 1 << 30
	sum := testnet.PrefixSum(size)
	status, id := rig.offer(key1, "good", "big.bin", size, hex.EncodeToString(sum[:]))
	if status != 200 {
		t.Fatalf("offer: %d %s", status, id)
	}
	body := &rssWatch{r: testnet.Stream(size), t: t}
	start := time.Now()
	status, out := rig.request(http.MethodPut, id, key1, "good", body, size)
	if status != http.StatusCreated {
		t.Fatalf("upload: %d %s", status, out)
	}
	t.Logf("1 GiB in %v; VmRSS %d kB after the first 64 MiB, %d kB at most", time.Since(start).Round(time.Millisecond), body.base, body.most)
	if grew := body.most - body.base; grew > 64<<10 {
		t.Fatalf("VmRSS grew by %d kB during the upload", grew)
	}
	f, err := os.Open(filepath.Join(rig.dir, "big.bin"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if n, _ := io.Copy(h, f); n != size || !bytes.Equal(h.Sum(nil), sum[:]) {
		t.Fatalf("the file has %d bytes, hash %x", n, h.Sum(nil))
	}
}

// rssWatch reads r and notes the process's VmRSS every 16 MiB.
type rssWatch struct {
	r          io.Reader
	t          *testing.T
	n, next    int64
	base, most int64
}

func (w *rssWatch) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	w.n += int64(n)
	if w.n >= w.next {
		w.next += 16 << 20
		rss := vmRSS(w.t)
		if w.n >= 64<<20 && w.base == 0 {
			w.base = rss
		}
		if w.base != 0 {
			w.most = max(w.most, rss)
		}
	}
	return n, err
}

// vmRSS is this process's resident size in kB.
func vmRSS(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Error(err) // not Fatal: the HTTP client's goroutine reads
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	t.Error("no VmRSS in /proc/self/status")
	return 0
}

// A recorded session's sidecar lists its files: what was received, what
// was declined.
func TestFilesInTheRecordingSidecar(t *testing.T) {
	t.Parallel()
	recordings := t.TempDir()
	rig := newFileRig(t, FileTransfer{}, func(c *Config) { c.RecordDir = recordings })
	conn := rig.open(key1, "")
	conn.Write(maskedFrame(true, ws.OpBinary, []byte("RFB 003.008\n"))) // the recording starts with a frame
	testnet.WaitFor(t, "the recording", func() bool {
		m, _ := filepath.Glob(filepath.Join(recordings, "*"+recordfmt.Ext))
		return len(m) == 1
	})
	if status, body := rig.send(key1, "kept.txt", []byte("kept")); status != http.StatusCreated {
		t.Fatalf("upload: %d %s", status, body)
	}
	rig.setAnswer(func(context.Context, FileOffer) bool { return false })
	if status, _ := rig.send(key1, "refused.txt", []byte("refused")); status != http.StatusForbidden {
		t.Fatalf("declined: %d", status)
	}
	conn.Close()
	m, _ := filepath.Glob(filepath.Join(recordings, "*"+recordfmt.Ext))
	var side recordfmt.Sidecar
	testnet.WaitFor(t, "the completed sidecar", func() bool {
		side, _, _ = recordfmt.ReadSidecar(m[0])
		return side.End != nil
	})
	if len(side.Files) != 2 || side.Files[0].Name != "kept.txt" || side.Files[0].Outcome != "received as kept.txt" ||
		side.Files[0].Direction != "from viewer" || side.Files[0].Size != 4 ||
		side.Files[1].Name != "refused.txt" || side.Files[1].Outcome != ReasonFileDeclined {
		t.Fatalf("the sidecar's files: %+v", side.Files)
	}
}

// The person sharing cancels a file on its way: what came is removed, and
// the viewer hears why.
func TestSharerCancelsAFile(t *testing.T) {
	t.Parallel()
	receiving := make(chan *Receiving, 1)
	rig := newFileRig(t, FileTransfer{OnReceiving: func(r *Receiving) { receiving <- r }})
	rig.open(key1, "")
	size := int64(8 << 20)
	sum := testnet.PrefixSum(size)
	status, id := rig.offer(key1, "good", "big.bin", size, hex.EncodeToString(sum[:]))
	if status != 200 {
		t.Fatalf("offer: %d %s", status, id)
	}
	c, err := net.Dial("tcp", rig.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "PUT %s%s?token=good HTTP/1.1\r\nHost: localhost\r\n%s: %s\r\nContent-Length: %d\r\n\r\n", FilesPath, id, filesHeader, key1, size)
	io.Copy(c, testnet.Stream(size/2))
	r := <-receiving
	if r.Offer.Name != "big.bin" {
		t.Fatalf("receiving %+v", r.Offer)
	}
	testnet.WaitFor(t, "bytes coming", func() bool { return r.Received() > 0 })
	r.Cancel()
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(string(body), ReasonFileCancelled) {
		t.Fatalf("the viewer hears %d %s", resp.StatusCode, body)
	}
	<-r.Done()
	if files := rig.files(); len(files) != 0 {
		t.Fatalf("files %v", files)
	}
	if out := rig.outcomes(); len(out) != 1 || out[0] != "error: "+ReasonFileCancelled {
		t.Fatalf("OnFile: %q", out)
	}
}

// slowReader gives its bytes in two halves, the second after a pause.
type slowReader struct {
	data  []byte
	pause time.Duration
	half  bool
}

func (s *slowReader) Read(p []byte) (int, error) {
	if len(s.data) == 0 {
		return 0, io.EOF
	}
	if s.half {
		<-time.After(s.pause) // a slow viewer is what is tested here
	}
	n := len(s.data)
	if !s.half {
		n = n / 2
	}
	n = copy(p, s.data[:n])
	s.data, s.half = s.data[n:], true
	return n, nil
}

// A slow answer and a file slower than the handshake's timeout still
// arrive: that timeout is for requests, not for a person to answer or a
// file's bytes.
func TestSlowUploadOutlastsTheHandshakeTimeout(t *testing.T) {
	t.Parallel()
	rig := newFileRig(t, FileTransfer{}, func(c *Config) { c.HandshakeTimeout = 200 * time.Millisecond })
	rig.setAnswer(func(context.Context, FileOffer) bool {
		<-time.After(time.Second) // the person thinks it over
		return true
	})
	rig.open(key1, "")
	data := bytes.Repeat([]byte("slow "), 1000)
	sum := sha256.Sum256(data)
	status, id := rig.offer(key1, "good", "slow.txt", int64(len(data)), hex.EncodeToString(sum[:]))
	if status != 200 {
		t.Fatalf("offer: %d %s", status, id)
	}
	start := time.Now()
	if status, body := rig.request(http.MethodPut, id, key1, "good", &slowReader{data: data, pause: time.Second}, int64(len(data))); status != http.StatusCreated {
		t.Fatalf("after %v: %d %s", time.Since(start), status, body)
	}
}

// A viewer that withdraws its offer while the person sharing is asked (its
// page's Cancel ends the request) ends the question.
func TestOfferWithdrawnWhileAsked(t *testing.T) {
	t.Parallel()
	asked, ended := make(chan struct{}), make(chan struct{})
	rig := newFileRig(t, FileTransfer{}, func(c *Config) { c.HandshakeTimeout = 200 * time.Millisecond })
	rig.setAnswer(func(ctx context.Context, o FileOffer) bool {
		close(asked)
		<-ctx.Done()
		close(ended)
		return true
	})
	rig.open(key1, "")
	sum := sha256.Sum256(nil)
	offer, _ := json.Marshal(offerJSON{Name: "a", Size: 0, SHA256: hex.EncodeToString(sum[:])})
	c, err := net.Dial("tcp", rig.addr)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(c, "POST %soffer?token=good HTTP/1.1\r\nHost: localhost\r\n%s: %s\r\nContent-Length: %d\r\n\r\n%s", FilesPath, filesHeader, key1, len(offer), offer)
	<-asked
	select {
	case <-ended:
		t.Fatal("the question ended before the viewer left")
	default:
	}
	c.Close()
	<-ended
	testnet.WaitFor(t, "the log", func() bool { return strings.Contains(rig.logs.String(), "withdrawn by the viewer") })
}

// A viewer cannot pile up accepted offers it never sends (unasked, with
// --file-transfer, offers cost it nothing).
func TestAcceptedOffersAreBounded(t *testing.T) {
	t.Parallel()
	rig := newFileRig(t, FileTransfer{})
	rig.open(key1, "")
	sum := sha256.Sum256(nil)
	for i := range maxAcceptedPerSession + 1 {
		status, body := rig.offer(key1, "good", "a", 0, hex.EncodeToString(sum[:]))
		want := http.StatusOK
		if i == maxAcceptedPerSession {
			want = http.StatusTooManyRequests
		}
		if status != want {
			t.Fatalf("offer %d: %d %s, want %d", i, status, body, want)
		}
	}
}

// A file larger than the room left on the folder's disk is refused before
// the person sharing is asked.
func TestFileWithoutRoomRefused(t *testing.T) {
	t.Parallel()
	rig := newFileRig(t, FileTransfer{MaxSize: 1 << 62})
	if _, ok := freeSpaceFor(rig.dir); !ok {
		t.Skip("this system does not tell the free space")
	}
	rig.open(key1, "")
	sum := sha256.Sum256(nil)
	if status, body := rig.offer(key1, "good", "huge.bin", 1<<60, hex.EncodeToString(sum[:])); status != http.StatusInsufficientStorage ||
		!strings.Contains(body, "no room") {
		t.Fatalf("offer: %d %s", status, body)
	}
	if rig.askedCount() != 0 {
		t.Fatal("asked about a file there is no room for")
	}
}
