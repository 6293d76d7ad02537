package proxy

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStaticFiles(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "app", "empty"), 0o755)
	os.WriteFile(filepath.Join(dir, "vnc.html"), []byte("<title>vnc</title>"), 0o644)
	os.WriteFile(filepath.Join(dir, "app", "ui.js"), []byte("export default 1;"), 0o644)
	os.WriteFile(filepath.Join(dir, "app", "mod.mjs"), []byte("export {};"), 0o644)
	os.WriteFile(filepath.Join(filepath.Dir(dir), "secret.txt"), []byte("secret"), 0o644)
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()

	for _, listing := range []bool{false, true} {
		_, addr, _ := startServer(t, Config{Target: startEcho(t), Web: root.FS(), WebListing: listing})
		get := func(method, path string) (int, string, http.Header) {
			req, _ := http.NewRequest(method, "http://"+addr+path, nil)
			r, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Body.Close()
			b, _ := io.ReadAll(r.Body)
			return r.StatusCode, string(b), r.Header
		}
		if code, body, _ := get("GET", "/vnc.html"); code != 200 || body != "<title>vnc</title>" {
			t.Errorf("GET /vnc.html: %d %q", code, body)
		}
		if code, body, h := get("HEAD", "/vnc.html"); code != 200 || body != "" || h.Get("Content-Length") != "18" {
			t.Errorf("HEAD /vnc.html: %d %q %v", code, body, h)
		}
		for _, js := range []string{"/app/ui.js", "/app/mod.mjs"} {
			if code, _, h := get("GET", js); code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/javascript") {
				t.Errorf("GET %s: %d %q", js, code, h.Get("Content-Type"))
			}
		}
		if code, _, h := get("POST", "/vnc.html"); code != 405 || h.Get("Allow") != "GET, HEAD" {
			t.Errorf("POST: %d, Allow %q", code, h.Get("Allow"))
		}
		for _, escape := range []string{"/../secret.txt", "/%2e%2e/secret.txt", "/app/../../secret.txt"} {
			if code, body, _ := get("GET", escape); code == 200 || strings.Contains(body, "secret") {
				t.Errorf("GET %s escaped the directory: %d %q", escape, code, body)
			}
		}
		code, body, _ := get("GET", "/app/")
		if listing && (code != 200 || !strings.Contains(body, "ui.js")) {
			t.Errorf("listing on: GET /app/: %d %q", code, body)
		}
		if !listing && (code != 404 || strings.Contains(body, "ui.js")) {
			t.Errorf("listing off: GET /app/: %d %q", code, body)
		}
	}
}

func TestSymlinkOutOfWebDirIsNotFollowed(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(t.TempDir(), "secret.txt")
	os.WriteFile(outside, []byte("secret"), 0o644)
	if err := os.Symlink(outside, filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	_, addr, _ := startServer(t, Config{Target: startEcho(t), Web: root.FS()})
	r, err := http.Get("http://" + addr + "/link.txt")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode == 200 || strings.Contains(string(b), "secret") {
		t.Fatalf("symlink followed out of the web directory: %d %q", r.StatusCode, b)
	}
}
