package app

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"vncbridge/assets/icons"
	"vncbridge/internal/testnet"
)

// writeRecording puts a recording that started at start into dir, with its
// sidecar.
func writeRecording(t *testing.T, dir, name string, start time.Time) {
	t.Helper()
	os.MkdirAll(dir, 0o700)
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte("var VNC_frame_data = [\n'{5{RFB 003.008\\x0a',\n'EOF'];\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	j, _ := json.Marshal(map[string]any{"start": start, "end": start.Add(time.Second), "viewer": "127.0.0.1:1", "target": "localhost:5900"})
	os.WriteFile(p+".json", j, 0o600)
}

func TestRecordingsPageFromTheMenu(t *testing.T) {
	t.Parallel()
	web := fstest.MapFS{"recordings.html": {Data: []byte("<title>Recordings</title>")}}
	h := startApp(t, settings{Port: freePort(t), Target: echoTarget(t)}, func(c *config) { c.web = web })
	writeRecording(t, h.paths.Recordings, "a.vncrec", time.Now().Add(-time.Hour))

	h.click("Recordings…")
	var page string
	testnet.WaitFor(t, "the page opened", func() bool {
		for _, u := range h.opener.list() {
			if strings.HasPrefix(u, "http://127.0.0.1:") {
				page = u
				return true
			}
		}
		return false
	})
	get := func(u string) (int, string) {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get(page); code != 200 || !strings.Contains(body, "<title>Recordings") {
		t.Fatalf("%s: %d %q", page, code, body)
	}
	if code, body := get(page + "api/recordings"); code != 200 || !strings.Contains(body, `"name":"a.vncrec"`) || !strings.Contains(body, `"can_open":true`) {
		t.Fatalf("the list: %d %s", code, body)
	}
	if code, _ := get(strings.SplitN(page, "/", 4)[0] + "//" + strings.SplitN(page, "/", 4)[2] + "/api/recordings"); code != 404 {
		t.Fatalf("without the secret: %d", code)
	}

	// The page's link to the folder opens it on the desktop.
	req, _ := http.NewRequest("POST", page+"api/open-folder", nil)
	req.Header.Set("Origin", "http://"+strings.SplitN(page, "/", 4)[2])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 204 {
		t.Fatalf("open folder: %d", resp.StatusCode)
	}
	waitList(t, &h.opener.recorder, h.paths.Recordings)

	// A second time, the same page.
	h.click("Recordings…")
	testnet.WaitFor(t, "the page opened again", func() bool {
		n := 0
		for _, u := range h.opener.list() {
			if u == page {
				n++
			}
		}
		return n == 2
	})
}

func TestKeepRecordingsRemovesTheOldestFirst(t *testing.T) {
	t.Parallel()
	day := 24 * time.Hour
	s := defaultSettings()
	s.Port, s.Target = freePort(t), echoTarget(t)
	if s.RecordKeepDays != 30 || s.RecordMaxGiB != 10 {
		t.Fatalf("default limits %d days, %d GiB", s.RecordKeepDays, s.RecordMaxGiB)
	}
	h := startApp(t, s)
	if it, _ := h.item("Keep recordings", "For 30 days"); !it.Checked {
		t.Fatal("the default limit is not checked")
	}
	for i, age := range []time.Duration{100 * day, 40 * day, 10 * day, 2 * day} {
		writeRecording(t, h.paths.Recordings, fmt.Sprintf("r%d.vncrec", i), time.Now().Add(-age))
	}
	left := func() []string {
		var out []string
		files, _ := filepath.Glob(filepath.Join(h.paths.Recordings, "*"))
		for _, f := range files {
			out = append(out, filepath.Base(f))
		}
		return out
	}

	// Sharing applies the limits: 30 days.
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing"))
	testnet.WaitFor(t, "the recordings older than 30 days removed", func() bool {
		return slices.Equal(left(), []string{"r2.vncrec", "r2.vncrec.json", "r3.vncrec", "r3.vncrec.json"})
	})
	// A shorter time applies at once, and is saved.
	h.click("Keep recordings", "For 7 days")
	testnet.WaitFor(t, "the recordings older than 7 days removed", func() bool {
		return slices.Equal(left(), []string{"r3.vncrec", "r3.vncrec.json"})
	})
	h.click("Keep recordings", "Without a size limit")
	testnet.WaitFor(t, "the settings saved", func() bool {
		saved, _ := loadSettings(h.paths)
		return saved.RecordKeepDays == 7 && saved.RecordMaxGiB == 0
	})
	if it, _ := h.item("Keep recordings", "For 7 days"); !it.Checked {
		t.Fatal("7 days is not checked")
	}
	if lim := (settings{RecordKeepDays: 7, RecordMaxGiB: 5}).recordLimits(); lim.MaxAge != 7*day || lim.MaxBytes != 5<<30 {
		t.Fatalf("limits %+v", lim)
	}
}

func TestFullDiskStopsRecordingNotSharing(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: echoTarget(t), Record: true})
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing"))
	// What the proxy reports when a recording's write fails.
	h.app.recordingFailed(filepath.Join(h.paths.Recordings, "x.vncrec"), &os.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC})
	h.waitStatus("the stopped recording", func(s string) bool {
		return strings.HasPrefix(s, "Sharing") && strings.HasSuffix(s, "— recording stopped: disk full")
	})
	h.waitNote("Recording stopped (disk full); sharing goes on.")
	if h.tray.currentIcon() != icons.Sharing {
		t.Fatalf("icon %v", h.tray.currentIcon())
	}
	echoThrough(t, port).Close() // sharing goes on
	// Turning recording off clears it.
	h.click("Record sessions")
	h.waitStatus("recording off", func(s string) bool {
		return strings.HasPrefix(s, "Sharing") && !strings.Contains(s, "recording stopped")
	})
}
