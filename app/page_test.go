package app

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"vncbridge/internal/testnet"
)

func insecureTLS() *tls.Config { return &tls.Config{InsecureSkipVerify: true} }

// postSettings posts the settings form to page with origin ("" for none)
// and checks the status.
func postSettings(t *testing.T, page, origin string, form map[string]string, want int) *http.Response {
	t.Helper()
	v := url.Values{}
	for k, x := range form {
		v.Set(k, x)
	}
	req, _ := http.NewRequest("POST", page, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != want {
		t.Fatalf("POST %s: %d, want %d", page, resp.StatusCode, want)
	}
	return resp
}

func TestSettingsPageGuards(t *testing.T) {
	h := startApp(t, DefaultSettings())
	h.click(idAbout)
	waitFor := func() string {
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			if l := h.opener.list(); len(l) > 0 {
				return l[0]
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatal("no page opened")
		return ""
	}
	about := waitFor()
	if !strings.HasSuffix(about, "/about") {
		t.Fatalf("opened %s", about)
	}
	resp, err := http.Get(about)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "vncbridge test") {
		t.Fatalf("about: %d %s", resp.StatusCode, body)
	}
	page := strings.TrimSuffix(about, "about")
	u, _ := url.Parse(page)
	// Another site's page cannot change the settings.
	postSettings(t, page, "http://evil.example", map[string]string{"port": "7001", "target": "x:1"}, 403)
	// Without the secret, nothing.
	resp, _ = http.Get("http://" + u.Host + "/")
	if resp.StatusCode != 404 {
		t.Fatalf("no secret: %d", resp.StatusCode)
	}
	// A rebound DNS name is refused.
	req, _ := http.NewRequest("GET", page, nil)
	req.Host = "evil.example:" + u.Port()
	resp, _ = http.DefaultClient.Do(req)
	if resp.StatusCode != 403 {
		t.Fatalf("foreign Host: %d", resp.StatusCode)
	}
	// A bad port is refused with a reason; the settings stay.
	resp = postSettings(t, page, "http://"+u.Host, map[string]string{"port": "0", "target": "x:1"}, 303)
	if loc := resp.Header.Get("Location"); !strings.Contains(loc, "msg=The+port+must") {
		t.Fatalf("redirect %s", loc)
	}
	if s, _ := LoadSettings(h.paths); s.Port != DefaultPort {
		t.Fatalf("settings changed to %+v", s)
	}
	postSettings(t, page, "http://"+u.Host, map[string]string{"port": "7001", "target": "desk"}, 303)
	if s, _ := LoadSettings(h.paths); s.Port != 7001 || s.Target != "desk:5900" {
		t.Fatalf("settings %+v", s)
	}
}

// rfbServer answers like a VNC server: the greeting, then nothing.
func rfbServer(t *testing.T, greeting string) string { return testnet.Greeter(t, greeting) }

func TestDetectVNC(t *testing.T) {
	vnc38 := rfbServer(t, "RFB 003.008\n")
	vnc33 := rfbServer(t, "RFB 003.003\n")
	http := rfbServer(t, "HTTP/1.1 400 Bad Request\r\n\r\n")
	silent := rfbServer(t, "")
	closed := func() string {
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		a := ln.Addr().String()
		ln.Close()
		return a
	}()
	start := time.Now()
	found := detectVNC(context.Background(), []string{http, vnc38, silent, closed, vnc33})
	if len(found) != 2 || found[0] != (FoundServer{vnc38, "3.8"}) || found[1] != (FoundServer{vnc33, "3.3"}) {
		t.Fatalf("found %+v", found)
	}
	if d := time.Since(start); d > 3*probeTimeout {
		t.Fatalf("probing took %v: the probes are not concurrent or not bounded", d)
	}
	if got := localCandidates([]string{"localhost:5901", "desk:5900"}); len(got) != 11 || got[10] != "desk:5900" {
		t.Fatalf("candidates %v", got)
	}
}

func TestOneTrayPerUser(t *testing.T) {
	p := testPaths(t)
	opened := make(chan struct{}, 1)
	first, err := Claim(p, func() { opened <- struct{}{} })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Claim(p, func() { t.Error("the second one was asked") }); err != ErrAlreadyRunning {
		t.Fatalf("second claim: %v", err)
	}
	select {
	case <-opened:
	case <-time.After(5 * time.Second):
		t.Fatal("the first tray was not asked to open the browser")
	}
	first.Release()
	again, err := Claim(p, func() {})
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	again.Release()
}

func TestDetectorGreetsALocalServerOnce(t *testing.T) {
	if _, known := listeningPorts(); !known {
		t.Skip("this system does not tell which ports listen; every look connects")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var greetings atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			greetings.Add(1)
			c.Write([]byte("RFB 003.008\n"))
			go func() { io.Copy(io.Discard, c); c.Close() }()
		}
	}()
	addr := ln.Addr().String()
	d := newDetector()
	for range 3 {
		if found := d.detect(context.Background(), []string{addr}); len(found) != 1 || found[0].Addr != addr {
			t.Fatalf("found %+v", found)
		}
	}
	if n := greetings.Load(); n != 1 {
		t.Fatalf("the server was visited %d times, want once", n)
	}
	// A server that stops listening is forgotten without a visit.
	ln.Close()
	if found := d.detect(context.Background(), []string{addr}); len(found) != 0 {
		t.Fatalf("a closed server found: %+v", found)
	}
	if _, ok := d.greeted[addr]; ok {
		t.Fatal("a closed server is still remembered")
	}
}
