package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"vncbridge/internal/testnet"
	"vncbridge/proxy"
)

// fakeChooser chooses path.
type fakeChooser struct{ path string }

func (f fakeChooser) Choose(context.Context, string) (string, bool, error) { return f.path, true, nil }

// Viewers ▸ Send a file to viewers… offers the file chosen to every
// viewer's page, with a notification; Withdraw ends the offer.
func TestOfferFileToViewers(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	src := filepath.Join(t.TempDir(), "handout.pdf")
	os.WriteFile(src, []byte("the handout"), 0o600)
	h := startApp(t, settings{Port: port, Target: echoTarget(t)}, func(cfg *config) { cfg.chooser = fakeChooser{src} })
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing"))

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	base := "127.0.0.1:" + strconv.Itoa(port)
	conn, _, _, err := ws.Dial(ctx, "ws://"+base+"/websockify?token="+testToken+"&files="+filesKey)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	offers := func() []proxy.OfferedFile {
		req, _ := http.NewRequest(http.MethodGet, "http://"+base+proxy.FilesPath+"?token="+testToken, nil)
		req.Header.Set("Vncbridge-Session", filesKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var state struct{ Offers []proxy.OfferedFile }
		json.Unmarshal(b, &state)
		return state.Offers
	}

	h.click("Viewers", "Send a file to viewers…")
	h.waitNote("handout.pdf is offered to every viewer until you withdraw it or stop sharing.")
	testnet.WaitFor(t, "Withdraw in the menu", func() bool { _, ok := h.item("Viewers", "Withdraw handout.pdf"); return ok })
	if got := offers(); len(got) != 1 || got[0].Name != "handout.pdf" || got[0].Size != 11 {
		t.Fatalf("the page sees %+v", got)
	}
	h.click("Viewers", "Withdraw handout.pdf")
	testnet.WaitFor(t, "Withdraw gone from the menu", func() bool { _, ok := h.item("Viewers", "Withdraw handout.pdf"); return !ok })
	if got := offers(); len(got) != 0 {
		t.Fatalf("withdrawn, the page still sees %+v", got)
	}
}

// noChooser is a desktop without a file chooser (no zenity, no kdialog).
type noChooser struct{}

func (noChooser) Choose(context.Context, string) (string, bool, error) { return "", false, errNoDialog }

// Where no file chooser runs, Send a file to viewers… opens a page whose
// form sends the file to the tray, which offers it; its copy goes when
// sharing stops.
func TestOfferFileThroughThePage(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: echoTarget(t)}, func(cfg *config) { cfg.chooser = noChooser{} })
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing"))
	h.click("Viewers", "Send a file to viewers…")
	testnet.WaitFor(t, "the offer page opened", func() bool {
		return slices.ContainsFunc(h.opener.list(), func(u string) bool { return strings.HasSuffix(u, "/offer") })
	})
	page := h.opener.list()[len(h.opener.list())-1]
	u, _ := url.Parse(page)
	post := func(name, content string, origin string) *http.Response {
		t.Helper()
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", name)
		io.WriteString(fw, content)
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, page, &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Origin", origin)
		req.Header.Set("Accept-Language", "de")
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	if resp := post("x.txt", "x", "http://evil.example"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("another site's form: %d", resp.StatusCode)
	}
	resp := post("../Hand\u202eout.pdf", "the handout", "http://"+u.Host)
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), url.QueryEscape("wird jedem Zuschauer angeboten")) {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("the offer: %d %s %s", resp.StatusCode, resp.Header.Get("Location"), b)
	}
	var name string
	testnet.WaitFor(t, "Withdraw in the menu", func() bool {
		it, _ := h.item("Viewers")
		for _, c := range it.Children {
			if n, ok := strings.CutPrefix(c.Title, "Withdraw "); ok {
				name = n
				return true
			}
		}
		return false
	})
	if name != "Hand_out.pdf" {
		t.Errorf("offered as %q, want the safe name Hand_out.pdf", name)
	}
	copies, _ := filepath.Glob(filepath.Join(h.paths.Dir, "offers", "*", "*"))
	if len(copies) != 1 {
		t.Fatalf("the copies: %q", copies)
	}
	if b, _ := os.ReadFile(copies[0]); string(b) != "the handout" {
		t.Errorf("the copy holds %q", b)
	}
	h.click("Stop sharing")
	h.waitStatus("stopped", prefix("Stopped"))
	if _, err := os.Stat(filepath.Join(h.paths.Dir, "offers")); !os.IsNotExist(err) {
		t.Errorf("the copies stay after sharing stopped: %v", err)
	}
	// Not sharing: the page says so, in the browser's language.
	resp = post("y.txt", "y", "http://"+u.Host)
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(b), "Keine Freigabe") {
		t.Errorf("an offer while not sharing: %d %s", resp.StatusCode, b)
	}
}
