package proxy

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestStaticFiles(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "app", "empty"), 0o755)
	os.MkdirAll(filepath.Join(dir, "docs"), 0o755)
	os.WriteFile(filepath.Join(dir, "vnc.html"), []byte("<title>vnc</title>"), 0o644)
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("<title>index</title>"), 0o644)
	os.WriteFile(filepath.Join(dir, "docs", "index.html"), []byte("<title>docs</title>"), 0o644)
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
		// An index page asked for by name is the file (200), as websockify
		// serves it, not a redirect to its directory.
		for path, want := range map[string]string{"/index.html": "<title>index</title>", "/docs/index.html": "<title>docs</title>",
			"/": "<title>index</title>", "/docs/": "<title>docs</title>"} {
			if code, body, h := get("GET", path); code != 200 || body != want {
				t.Errorf("GET %s: %d %q (Location %q)", path, code, body, h.Get("Location"))
			}
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
	t.Parallel()
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

func TestEmbeddedFilesCacheAndCompress(t *testing.T) {
	script := strings.Repeat("export const x = 1;\n", 200) // 4 KB: worth compressing
	web := fstest.MapFS{
		"index.html":       {Data: []byte("<script>location.replace('vnc.html')</script>")},
		"app/rfb.js":       {Data: []byte(script)},
		"app/tiny.css":     {Data: []byte("b{}")},
		"app/picture.png":  {Data: bytes.Repeat([]byte{0x89}, 4096)},
		"app/sub/file.txt": {Data: []byte("x")},
	}
	_, addr, _ := startServer(t, Config{Target: startEcho(t), Web: web})
	get := func(path string, headers ...string) (*http.Response, []byte) {
		req, _ := http.NewRequest("GET", "http://"+addr+path, nil)
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		r, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r, b
	}

	plain, body := get("/app/rfb.js", "Accept-Encoding", "identity") // else the transport asks for gzip itself
	etag := plain.Header.Get("Etag")
	if plain.StatusCode != 200 || string(body) != script || etag == "" || strings.HasPrefix(etag, "W/") ||
		plain.Header.Get("Content-Encoding") != "" || !strings.HasPrefix(plain.Header.Get("Content-Type"), "text/javascript") {
		t.Fatalf("plain: %d %v", plain.StatusCode, plain.Header)
	}
	gz, body := get("/app/rfb.js", "Accept-Encoding", "gzip, deflate")
	if gz.Header.Get("Content-Encoding") != "gzip" || gz.Header.Get("Vary") != "Accept-Encoding" || gz.Header.Get("Etag") == etag {
		t.Fatalf("gzip: %v", gz.Header)
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if unzipped, _ := io.ReadAll(zr); string(unzipped) != script || len(body) >= len(script) {
		t.Fatalf("gzip body of %d bytes does not hold the script", len(body))
	}
	if r, _ := get("/app/rfb.js", "Accept-Encoding", "gzip;q=0"); r.Header.Get("Content-Encoding") != "" {
		t.Fatal("gzip sent although refused with q=0")
	}
	if r, _ := get("/app/rfb.js", "Accept-Encoding", "identity", "If-None-Match", etag); r.StatusCode != http.StatusNotModified {
		t.Fatalf("If-None-Match: %d", r.StatusCode)
	}
	if r, _ := get("/app/rfb.js", "Accept-Encoding", "gzip", "If-None-Match", gz.Header.Get("Etag")); r.StatusCode != http.StatusNotModified {
		t.Fatalf("If-None-Match on the gzip form: %d", r.StatusCode)
	}
	if r, b := get("/app/rfb.js", "Range", "bytes=0-5", "Accept-Encoding", "gzip"); r.StatusCode != 206 || string(b) != script[:6] {
		t.Fatalf("range: %d %q", r.StatusCode, b)
	}
	for _, small := range []string{"/app/tiny.css", "/app/picture.png"} {
		if r, _ := get(small, "Accept-Encoding", "gzip"); r.Header.Get("Content-Encoding") != "" || r.Header.Get("Etag") == "" {
			t.Fatalf("%s: %v", small, r.Header)
		}
	}
	if r, b := get("/"); r.StatusCode != 200 || !strings.Contains(string(b), "vnc.html") {
		t.Fatalf("index: %d %q", r.StatusCode, b)
	}
	if r, b := get("/index.html"); r.StatusCode != 200 || !strings.Contains(string(b), "vnc.html") || r.Header.Get("Etag") == "" {
		t.Fatalf("index by name: %d %q %v", r.StatusCode, b, r.Header)
	}
	if r, _ := get("/app/sub/"); r.StatusCode != 404 {
		t.Fatalf("listing: %d", r.StatusCode)
	}
}

// A page view is one line at Info; the files the page loads are at Debug.
func TestOneInfoLinePerPageView(t *testing.T) {
	t.Parallel()
	web := fstest.MapFS{
		"vnc.html":  {Data: []byte("<title>vnc</title>")},
		"app/ui.js": {Data: []byte("export default 1;")},
		"app/a.css": {Data: []byte("body{}")},
	}
	_, addr, tl := startServer(t, Config{Target: startEcho(t), Web: web})
	for _, p := range []string{"/vnc.html", "/app/ui.js", "/app/a.css", "/missing.js"} {
		r, err := http.Get("http://" + addr + p)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	var info, debug []string
	for _, line := range strings.Split(tl.String(), "\n") {
		if !strings.Contains(line, "msg=web") {
			continue
		}
		if strings.Contains(line, "level=INFO") {
			info = append(info, line)
		} else if strings.Contains(line, "level=DEBUG") {
			debug = append(debug, line)
		}
	}
	if len(info) != 2 || !strings.Contains(info[0], "path=/vnc.html") || !strings.Contains(info[1], "path=/missing.js") || len(debug) != 2 {
		t.Fatalf("info lines %q, debug lines %q; want the page and the failure at Info, the two files at Debug", info, debug)
	}
}

// Every answer forbids framing, refusals and handshake errors as much as
// files, and confines the pages' connections to this proxy unless
// WebConnectElsewhere.
func TestEveryAnswerRefusesToBeFramed(t *testing.T) {
	t.Parallel()
	guarded := func(cfg Config) string {
		_, addr, _ := startServer(t, cfg)
		return addr
	}
	web := guarded(Config{Target: startEcho(t), Web: webDirFS(t), Metrics: true})
	noWeb := guarded(Config{Target: startEcho(t)})
	authWeb := guarded(Config{Target: startEcho(t), Web: webDirFS(t), Auth: password("right"), AuthWeb: true})
	elsewhere := guarded(Config{Target: startEcho(t), Web: webDirFS(t), WebConnectElsewhere: true})
	const confined = "frame-ancestors 'none'; connect-src 'self'"
	for _, c := range []struct {
		name, addr, request string
		status              int
		policy              string
	}{
		{"file", web, "GET /vnc.html HTTP/1.1\r\nHost: localhost\r\n\r\n", 200, confined},
		{"missing file", web, "GET /nothing HTTP/1.1\r\nHost: localhost\r\n\r\n", 404, confined},
		{"metrics", web, "GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n", 200, confined},
		{"post", web, "POST /vnc.html HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n", 405, confined},
		{"rebound Host", web, "GET /vnc.html HTTP/1.1\r\nHost: evil.example\r\n\r\n", 403, confined},
		{"no web directory", noWeb, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", 405, confined},
		{"no password", authWeb, "GET /vnc.html HTTP/1.1\r\nHost: localhost\r\n\r\n", 401, confined},
		{"bad handshake", web, upgradeRequest("/websockify", "Sec-WebSocket-Version: 99"), 426, confined},
		{"handshake from another Host", web, strings.Replace(upgradeRequest("/websockify", "Sec-WebSocket-Version: 13"), "Host: localhost", "Host: evil.example", 1), 403, confined},
		{"connecting elsewhere allowed", elsewhere, "GET /vnc.html HTTP/1.1\r\nHost: localhost\r\n\r\n", 200, "frame-ancestors 'none'"},
	} {
		t.Run(c.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", c.addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(10 * time.Second))
			io.WriteString(conn, c.request)
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != c.status {
				t.Errorf("status %d, want %d", resp.StatusCode, c.status)
			}
			if csp, xfo := resp.Header.Get("Content-Security-Policy"), resp.Header.Get("X-Frame-Options"); csp != c.policy || xfo != "DENY" {
				t.Errorf("Content-Security-Policy %q, X-Frame-Options %q; want %q and DENY", csp, xfo, c.policy)
			}
		})
	}
}
