package proxy

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The sharer's file, offered: every page lists it, a view-only one too,
// hears at once when it goes, and downloads exactly the bytes offered, with
// the session's secret; nobody else does.
func TestOfferedFileDownloads(t *testing.T) {
	t.Parallel()
	srv, addr, _ := startServer(t, Config{Target: startEcho(t), Auth: tokenAuth{}}) // takes no uploads
	rig := &fileRig{t: t, srv: srv, addr: addr}
	get := func(path, key string, header ...string) (int, string, http.Header) {
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+FilesPath+path, nil)
		if key != "" {
			req.Header.Set(filesHeader, key)
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header
	}
	if status, _, _ := get("?token=good", key1); status == http.StatusOK {
		t.Fatalf("the endpoints are served before anything is offered: %d", status)
	}

	data := bytes.Repeat([]byte("the sharer's report\n"), 200_000)
	path := filepath.Join(t.TempDir(), "../report.pdf")
	os.WriteFile(path, data, 0o600)
	sum := sha256.Sum256(data)
	o, err := srv.OfferFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if o.Name != "report.pdf" || o.Size != int64(len(data)) || o.SHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("offered %+v", o)
	}

	rig.open(key1, "&look=1") // view-only: seeing is what it is for
	status, body, _ := get("?token=good", key1)
	var state struct {
		Version string
		Upload  bool
		Reason  string
		Offers  []OfferedFile
	}
	json.Unmarshal([]byte(body), &state)
	if status != 200 || state.Upload || len(state.Offers) != 1 || state.Offers[0] != o {
		t.Fatalf("the state: %d %s", status, body)
	}
	if status, body := rig.send(key1, "x", []byte("x")); status != 403 || !strings.Contains(body, ReasonFileViewOnly) {
		t.Fatalf("a view-only viewer's upload: %d %s", status, body)
	}
	for _, c := range []struct {
		what, path, key string
		want            int
	}{
		{"no session", "download/" + o.ID + "?token=good", "", 403},
		{"another session", "download/" + o.ID + "?token=good&session=" + key2, "", 403},
		{"no token", "download/" + o.ID + "?session=" + key1, "", 403},
		{"no such file", "download/00?token=good&session=" + key1, "", 404},
	} {
		if status, body, _ := get(c.path, c.key); status != c.want {
			t.Errorf("%s: %d %s, want %d", c.what, status, body, c.want)
		}
	}
	status, body, h := get("download/"+o.ID+"?token=good&session="+key1, "")
	if got := sha256.Sum256([]byte(body)); status != 200 || got != sum {
		t.Fatalf("the download: %d, %d bytes", status, len(body))
	}
	if cd := h.Get("Content-Disposition"); cd != `attachment; filename=report.pdf` {
		t.Errorf("Content-Disposition %q", cd)
	}
	if status, body, _ := get("download/"+o.ID+"?token=good&session="+key1, "", "Range", "bytes=20-39"); status != 206 || body != "the sharer's report\n" {
		t.Errorf("a range: %d %q", status, body)
	}

	// A file changed since it was offered is not what its hash says: it is
	// not sent.
	os.WriteFile(path, []byte("changed after the offer"), 0o600)
	if status, body, _ := get("download/"+o.ID+"?token=good&session="+key1, ""); status != 409 || !strings.Contains(body, "changed") {
		t.Errorf("a changed file: %d %q", status, body)
	}

	// A page waiting for a change hears of the withdrawal at once.
	waited := make(chan string, 1)
	go func() {
		_, body, _ := get("?token=good&after="+state.Version, key1)
		waited <- body
	}()
	if err := srv.WithdrawFile(o.ID); err != nil {
		t.Fatal(err)
	}
	if body := <-waited; !strings.Contains(body, `"offers":[]`) {
		t.Fatalf("after the withdrawal: %s", body)
	}
	if status, _, _ := get("download/"+o.ID+"?token=good&session="+key1, ""); status != 404 {
		t.Fatalf("a withdrawn file downloads: %d", status)
	}
	if err := srv.WithdrawFile(o.ID); err == nil {
		t.Error("withdrawn twice")
	}
}

// A page hears at once when another viewer joins or leaves: the state's
// count of viewers moves, and a GET waiting on the old version returns.
func TestFileStateCountsViewers(t *testing.T) {
	t.Parallel()
	rig := newFileRig(t, FileTransfer{})
	type state struct {
		Version string
		Viewers *int
	}
	get := func(after string) state {
		t.Helper()
		token := "good"
		if after != "" {
			token += "&after=" + after
		}
		status, body := rig.request(http.MethodGet, "", key1, token, nil, 0)
		var s state
		if err := json.Unmarshal([]byte(body), &s); status != http.StatusOK || err != nil || s.Viewers == nil {
			t.Errorf("the state: %d %s", status, body)
			return state{Viewers: new(int)}
		}
		return s
	}
	rig.open(key1, "")
	first := get("")
	if *first.Viewers != 1 {
		t.Fatalf("one viewer alone: %d viewers", *first.Viewers)
	}

	waited := make(chan state, 1)
	go func() { waited <- get(first.Version) }()
	second := rig.open(key2, "&look=1") // a view-only viewer watches too
	joined := <-waited
	if *joined.Viewers != 2 || joined.Version == first.Version {
		t.Fatalf("after a second viewer joined: %d viewers, version %s (was %s)", *joined.Viewers, joined.Version, first.Version)
	}

	go func() { waited <- get(joined.Version) }()
	second.Close()
	left := <-waited
	if *left.Viewers != 1 || left.Version == joined.Version {
		t.Fatalf("after the second viewer left: %d viewers, version %s", *left.Viewers, left.Version)
	}
}
