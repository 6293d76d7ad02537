package recordings

import (
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"vncbridge/internal/localpage"
	"vncbridge/internal/testnet"
)

func startPage(t *testing.T) (*localpage.Server, string) {
	t.Helper()
	dir := t.TempDir()
	web := fstest.MapFS{"recordings.html": {Data: []byte("<title>recordings</title>")}, "player.js": {Data: []byte("// js")}}
	s, err := localpage.Listen(&Handler{Dir: dir, Web: web})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir
}

func TestPageOnLoopbackBehindItsSecret(t *testing.T) {
	t.Parallel()
	s, dir := startPage(t)
	write(t, dir, "a.vncrec", time.Now().Add(-time.Minute), false, 0, 1500)
	u := s.URL()
	host := strings.TrimPrefix(strings.SplitN(u, "/", 4)[2], "")
	if h, _, _ := net.SplitHostPort(host); h != "127.0.0.1" {
		t.Fatalf("listens on %s", host)
	}
	origin := map[string]string{"Origin": "http://" + host}

	for _, c := range []struct {
		name, method, url string
		header            map[string]string
		status            int
		body              string
	}{
		{"page", "GET", u, nil, 200, "<title>recordings</title>"},
		{"page by name", "GET", u + "recordings.html", nil, 200, "<title>recordings</title>"},
		{"script", "GET", u + "player.js", nil, 200, "// js"},
		{"list", "GET", u + "api/recordings", nil, 200, `"name":"a.vncrec"`},
		{"recording", "GET", u + "api/recordings/a.vncrec", nil, 200, "var VNC_frame_data"},
		{"no secret", "GET", "http://" + host + "/api/recordings", nil, 404, ""},
		{"wrong secret", "GET", "http://" + host + "/0123/api/recordings", nil, 404, ""},
		{"other Host", "GET", u + "api/recordings", map[string]string{"Host": "evil.example:" + strings.Split(host, ":")[1]}, 403, "wrong Host"},
		{"localhost Host", "GET", u + "api/recordings", map[string]string{"Host": "localhost:" + strings.Split(host, ":")[1]}, 200, "a.vncrec"},
		{"sidecar", "GET", u + "api/recordings/a.vncrec.json", nil, 404, ""},
		{"outside", "GET", u + "api/recordings/..%2f..%2fetc%2fpasswd", nil, 404, ""},
		{"delete from another site", "DELETE", u + "api/recordings/a.vncrec", map[string]string{"Origin": "http://evil.example"}, 403, ""},
		{"delete without Origin", "DELETE", u + "api/recordings/a.vncrec", nil, 403, ""},
		{"open folder unavailable", "POST", u + "api/open-folder", origin, 404, ""},
		{"post to the list", "POST", u + "api/recordings", origin, 405, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, body := testnet.Do(t, c.method, c.url, c.header)
			if status != c.status || !strings.Contains(body, c.body) {
				t.Fatalf("%s %s: %d %q, want %d with %q", c.method, c.url, status, body, c.status, c.body)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "a.vncrec")); err != nil {
		t.Fatal("a refused delete deleted")
	}
	t.Run("download", func(t *testing.T) {
		resp, err := http.Get(u + "api/recordings/a.vncrec?download=1")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename="a.vncrec"` {
			t.Fatalf("Content-Disposition %q", cd)
		}
	})
	t.Run("delete", func(t *testing.T) {
		if status, body := testnet.Do(t, "DELETE", u+"api/recordings/a.vncrec", origin); status != 204 {
			t.Fatalf("%d %s", status, body)
		}
		if left, _ := os.ReadDir(dir); len(left) != 0 {
			t.Fatalf("left %v", left)
		}
		_, body := testnet.Do(t, "GET", u+"api/recordings", nil)
		var l struct{ Recordings []Recording }
		if json.Unmarshal([]byte(body), &l); len(l.Recordings) != 0 {
			t.Fatalf("listed after delete: %s", body)
		}
	})
}
