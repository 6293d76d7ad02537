package localpage

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"vncbridge/internal/testnet"
)

func start(t *testing.T) (*Server, string) {
	t.Helper()
	s, err := Listen(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.Method+" "+r.URL.Path)
	}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, s.ln.Addr().String()
}

// The handler is reached only behind the secret, with this server's Host,
// and, to change anything, with this page's Origin; it sees the path after
// the secret.
func TestServerGuards(t *testing.T) {
	s, self := start(t)
	_, port, _ := net.SplitHostPort(self)
	u := s.URL()
	if !strings.HasPrefix(u, "http://127.0.0.1:") || !strings.HasSuffix(u, "/") {
		t.Fatalf("URL %s", u)
	}
	for _, c := range []struct {
		name, method, url, host, origin string
		status                          int
		body                            string
	}{
		{"page", "GET", u + "about", "", "", 200, "GET /about"},
		{"localhost", "GET", u, "localhost:" + port, "", 200, "GET /"},
		{"no secret", "GET", "http://" + self + "/about", "", "", 404, ""},
		{"wrong secret", "GET", "http://" + self + "/0123/about", "", "", 404, ""},
		{"rebound name", "GET", u, "evil.example:" + port, "", 403, "wrong Host"},
		{"post from this page", "POST", u, "", "http://" + self, 200, "POST /"},
		{"post from another site", "POST", u, "", "http://evil.example", 403, "only this page"},
		{"post from no page", "POST", u, "", "", 403, "only this page"},
		{"delete from no page", "DELETE", u + "x", "", "", 403, "only this page"},
	} {
		t.Run(c.name, func(t *testing.T) {
			header := map[string]string{}
			if c.host != "" {
				header["Host"] = c.host
			}
			if c.origin != "" {
				header["Origin"] = c.origin
			}
			status, body := testnet.Do(t, c.method, c.url, header)
			if status != c.status || !strings.Contains(body, c.body) {
				t.Fatalf("%d %q, want %d with %q", status, body, c.status, c.body)
			}
		})
	}
}

// A connection that never finishes its headers is closed, not held open.
func TestServerClosesAConnectionWithoutHeaders(t *testing.T) {
	defer func(d time.Duration) { headerTimeout = d }(headerTimeout)
	headerTimeout = 200 * time.Millisecond
	s, self := start(t)
	c, err := net.Dial("tcp", self)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /"+s.secret+"/ HTTP/1.1\r\nHost: "+self+"\r\n")
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	began := time.Now()
	io.Copy(io.Discard, c) // until the server closes, or the deadline
	if waited := time.Since(began); waited > 3*time.Second {
		t.Fatalf("the connection was still open after %v", waited.Round(time.Millisecond))
	}
}

// Every answer forbids framing, the refusals as much as the page: another
// site must not show any of these pages in a frame of its own.
func TestEveryAnswerRefusesToBeFramed(t *testing.T) {
	s, self := start(t)
	u := s.URL()
	for _, c := range []struct{ name, method, url, host string }{
		{"page", "GET", u + "about", ""},
		{"no secret", "GET", "http://" + self + "/about", ""},
		{"rebound name", "GET", u, "evil.example"},
		{"post from no page", "POST", u, ""},
	} {
		req, _ := http.NewRequest(c.method, c.url, nil)
		if c.host != "" {
			req.Host = c.host
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if csp, xfo := resp.Header.Get("Content-Security-Policy"), resp.Header.Get("X-Frame-Options"); csp != "frame-ancestors 'none'" || xfo != "DENY" {
			t.Errorf("%s (%d): Content-Security-Policy %q, X-Frame-Options %q", c.name, resp.StatusCode, csp, xfo)
		}
	}
}

// A kept-alive connection that sends no further request is closed after a
// while, not held open for as long as the client likes.
func TestServerClosesAnIdleKeptAliveConnection(t *testing.T) {
	defer func(d time.Duration) { idleTimeout = d }(idleTimeout)
	idleTimeout = 200 * time.Millisecond
	s, self := start(t)
	c, err := net.Dial("tcp", self)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /"+s.secret+"/ HTTP/1.1\r\nHost: "+self+"\r\n\r\n")
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.Close {
		t.Fatal("the server closed the connection after the answer; the test needs it kept alive")
	}
	began := time.Now()
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("waiting on the idle connection: %v after %v, want the server to close it", err, time.Since(began).Round(time.Millisecond))
	}
}

// Another user of this computer is refused, even with the secret address.
func TestAnotherUserIsRefused(t *testing.T) {
	s, err := Listen(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "the page") }))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	u, _ := url.Parse(s.URL())
	out := testnet.AsAnotherUser(t, u.Host, "GET "+u.Path+" HTTP/1.1\r\nHost: "+u.Host+"\r\n\r\n")
	if !strings.HasPrefix(out, "HTTP/1.1 403") || strings.Contains(out, "the page") {
		t.Fatalf("another user was answered:\n%s", out)
	}
}
