package recordings

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"vncbridge/internal/testnet"
	"vncbridge/proxy"
	"vncbridge/proxy/recordfmt"
)

// write makes a recording of frames at the given milliseconds, with a
// sidecar when start is not zero.
func write(t *testing.T, dir, name string, start time.Time, open bool, ms ...int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("var VNC_frame_data = [\n")
	for i, m := range ms {
		dir := "{"
		if i%2 == 1 {
			dir = "}"
		}
		fmt.Fprintf(&b, "'%s%d{frame\\x0a\\'%d',\n", dir, m, i)
	}
	if !open {
		b.WriteString("'EOF'];\n")
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if !start.IsZero() {
		m := map[string]any{"start": start, "viewer": "127.0.0.1:40000", "target": "localhost:5900", "version": "9.9"}
		if !open {
			m["end"] = start.Add(time.Duration(ms[len(ms)-1]+500) * time.Millisecond)
		}
		j, _ := json.Marshal(m)
		os.WriteFile(p+".json", j, 0o600)
	}
	return p
}

func names(rs []Recording) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return out
}

func TestListReadsSidecarsAndFilesWithout(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	t0 := time.Now().Add(-10 * time.Minute).UTC().Truncate(time.Millisecond)
	write(t, dir, "a.vncrec", t0, false, 0, 10, 2500)
	p := write(t, dir, "websockify.1", time.Time{}, false, 0, 7, 1234)
	old := time.Now().Add(-time.Hour)
	os.Chtimes(p, old, old)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a recording"), 0o600)
	os.Mkdir(filepath.Join(dir, "sub"), 0o700)

	list, err := List(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(list); !slices.Equal(got, []string{"a.vncrec", "websockify.1"}) {
		t.Fatalf("listed %v", got)
	}
	a, w := list[0], list[1]
	if !a.Start.Equal(t0) || a.Duration != 3000*time.Millisecond || a.Viewer != "127.0.0.1:40000" ||
		a.Target != "localhost:5900" || a.Version != "9.9" || a.Open || !a.Sidecar {
		t.Fatalf("with a sidecar: %+v", a)
	}
	fa, _ := os.Stat(filepath.Join(dir, "a.vncrec"))
	fj, _ := os.Stat(filepath.Join(dir, "a.vncrec.json"))
	if a.Size != fa.Size()+fj.Size() {
		t.Fatalf("size %d, want %d", a.Size, fa.Size()+fj.Size())
	}
	if w.Sidecar || w.Viewer != "" || w.Duration != 1234*time.Millisecond || !w.Start.Equal(old.Add(-1234*time.Millisecond)) {
		t.Fatalf("without a sidecar: %+v", w)
	}
	var js map[string]any
	b, _ := json.Marshal(a)
	json.Unmarshal(b, &js)
	if js["duration_ms"] != 3000.0 || js["name"] != "a.vncrec" {
		t.Fatalf("JSON %s", b)
	}
	if l, err := List(filepath.Join(dir, "missing")); err != nil || len(l) != 0 {
		t.Fatalf("a missing folder: %v, %v", l, err)
	}
}

func TestDurationOfALongRecordingIsReadFromItsEnd(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("var VNC_frame_data = [\n")
	big := strings.Repeat(`\x00`, 50_000) // frames longer than the chunks read backwards
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&b, "'{%d{%s',\n", i*1000, big)
	}
	fmt.Fprintf(&b, "'}39500}%s',\n", big) // websockify's form of a client frame
	b.WriteString("'EOF'];\n")
	os.WriteFile(filepath.Join(dir, "long"), []byte(b.String()), 0o600)
	r, err := Stat(dir, "long")
	if err != nil || r.Duration != 39500*time.Millisecond {
		t.Fatalf("%+v, %v", r, err)
	}
}

func TestDeleteRemovesFileAndSidecarOnly(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write(t, dir, "a.vncrec", time.Now(), false, 0, 5)
	write(t, dir, "b.vncrec", time.Now(), false, 0, 5)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o600)
	if err := Delete(dir, "a.vncrec"); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a.vncrec", "a.vncrec.json"} {
		if _, err := os.Stat(filepath.Join(dir, n)); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("%s is still there", n)
		}
	}
	for _, bad := range []string{"notes.txt", "b.vncrec.json", "../b.vncrec", "", ".", "sub/b.vncrec", "missing"} {
		if err := Delete(dir, bad); err == nil {
			t.Fatalf("Delete(%q) worked", bad)
		}
	}
	left, _ := os.ReadDir(dir)
	if len(left) != 3 {
		t.Fatalf("left %v", left)
	}
}

func TestPruneRemovesTheOldestFirst(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	var sizes []int64
	for i, age := range []time.Duration{10 * day, 5 * day, 3 * day, 2 * day, time.Hour} {
		p := write(t, dir, fmt.Sprintf("r%d.vncrec", i), now.Add(-age), false, 0, 10, 20)
		fi, _ := os.Stat(p)
		fj, _ := os.Stat(p + ".json")
		sizes = append(sizes, fi.Size()+fj.Size())
	}
	// A recording still being written is kept whatever its age.
	op := write(t, dir, "open.vncrec", now.Add(-20*day), true, 0, 10)
	fi, _ := os.Stat(op)
	fj, _ := os.Stat(op + ".json")
	openSize := fi.Size() + fj.Size()

	removed, err := Prune(dir, Limits{MaxAge: 7 * day}, now)
	if err != nil || !slices.Equal(removed, []string{"r0.vncrec"}) {
		t.Fatalf("by age: removed %v, %v", removed, err)
	}
	// Room for the two newest only: the two oldest left go, oldest first.
	removed, err = Prune(dir, Limits{MaxAge: 7 * day, MaxBytes: sizes[3] + sizes[4] + openSize}, now)
	if err != nil || !slices.Equal(removed, []string{"r1.vncrec", "r2.vncrec"}) {
		t.Fatalf("by size: removed %v, %v", removed, err)
	}
	list, _ := List(dir)
	if got := names(list); !slices.Equal(got, []string{"r4.vncrec", "r3.vncrec", "open.vncrec"}) {
		t.Fatalf("kept %v", got)
	}
	if removed, _ := Prune(dir, Limits{}, now); len(removed) != 0 {
		t.Fatalf("no limits removed %v", removed)
	}
}

// TestSidecarOfTheProxy records a session through the proxy and lists it:
// the proxy's sidecar and this package agree on the format.
func TestSidecarOfTheProxy(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	target, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer target.Close()
	go func() {
		c, err := target.Accept()
		if err == nil {
			c.Write([]byte("RFB 003.008\n"))
			// Not a wait for anything: the session lasts this long, and
			// its recording must say so.
			time.Sleep(300 * time.Millisecond)
			c.Write([]byte("more"))
			io.Copy(io.Discard, c)
			c.Close()
		}
	}()
	srv, err := proxy.New(proxy.Config{Target: target.Addr().String(), RecordDir: dir, Version: "7.7", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(ln)
	defer srv.Shutdown(t.Context())

	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", ln.Addr())
	buf := make([]byte, 4096)
	var got []byte
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	for !strings.Contains(string(got), "more") {
		n, err := c.Read(buf)
		if err != nil {
			t.Fatalf("read %q: %v", got, err)
		}
		got = append(got, buf[:n]...)
	}
	c.Close()
	var list []Recording
	testnet.WaitFor(t, "one closed recording in the list", func() bool {
		list, _ = List(dir)
		return len(list) == 1 && !list[0].Open
	})
	r := list[0]
	if r.Open || !r.Sidecar || r.Version != "7.7" || r.Target != target.Addr().String() || r.Viewer != c.LocalAddr().String() ||
		r.Duration < 250*time.Millisecond || r.Duration > 5*time.Second || !strings.HasSuffix(r.Name, recordfmt.Ext) {
		t.Fatalf("recorded %+v (viewer %s)", r, c.LocalAddr())
	}
}

func TestIsDiskFull(t *testing.T) {
	t.Parallel()
	f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full on this system")
	}
	defer f.Close()
	_, err = f.Write([]byte("x"))
	if !IsDiskFull(err) {
		t.Fatalf("writing /dev/full: %v is not a full disk", err)
	}
	if IsDiskFull(os.ErrPermission) || IsDiskFull(nil) {
		t.Fatal("other errors are a full disk")
	}
}
