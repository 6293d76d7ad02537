package app

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"vncbridge/internal/testnet"
	"vncbridge/proxy"
)

// answerPage plays the person at the question's page at address: the page
// shows the question and its buttons; an answer posted from anywhere but
// the page itself (no Origin) is refused; the button answer posts it with
// the page's Origin.
func answerPage(t *testing.T, address, answer string) {
	t.Helper()
	resp, err := http.Get(address)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(b)
	for _, want := range []string{"192.168.1.20 wants to see and control your desktop",
		`<button type="submit" name="answer" value="allow">Allow</button>`, `value="view-only">View only<`, `value="deny">Deny<`} {
		if !strings.Contains(page, want) {
			t.Fatalf("the page lacks %q:\n%s", want, page)
		}
	}
	u, _ := url.Parse(address)
	form := url.Values{"answer": {answer}}.Encode()
	post := func(origin string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, address, strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := post(""); code != http.StatusForbidden {
		t.Fatalf("an answer without the page's Origin: %d", code)
	}
	if code, _ := post("http://evil.example"); code != http.StatusForbidden {
		t.Fatalf("an answer from another page: %d", code)
	}
	if code, body := post("http://" + u.Host); code != http.StatusOK || !strings.Contains(body, "Answered: ") {
		t.Fatalf("the answer: %d %s", code, body)
	}
}

// Where nothing else can ask, the tray asks in a page opened through its
// opener; a viewer's words reach it quoted, and the page's buttons answer.
func TestConsentPage(t *testing.T) {
	for _, answer := range []string{consentAllow, consentViewOnly, consentDeny} {
		t.Run(answer, func(t *testing.T) {
			opened := &fakeOpener{}
			done := make(chan proxy.Decision, 1)
			go func() {
				d, _ := pageConsenter{open: opened.Open}.Consent(context.Background(),
					proxy.Viewer{Address: "192.168.1.20:50123", Browser: "<script>x</script>"})
				done <- d
			}()
			var address string
			testnet.WaitFor(t, "the page to be opened", func() bool {
				if got := opened.list(); len(got) == 1 {
					address = got[0]
				}
				return address != ""
			})
			resp, err := http.Get(address)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Contains(string(b), "<script>") || !strings.Contains(string(b), "&lt;script&gt;x&lt;/script&gt;") {
				t.Fatalf("the viewer's words on the page:\n%s", b)
			}
			answerPage(t, address, answer)
			if got := <-done; got != decision(answer) {
				t.Fatalf("answered %v, want %v", got, decision(answer))
			}
		})
	}
}

// The tray asks in the language of its settings: the page opened is
// German, its buttons post their ids, and a label is no answer.
func TestConsentPageInTheTraysLanguage(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+t.TempDir()+"/no-bus")
	t.Setenv("PATH", t.TempDir())
	opened := &fakeOpener{}
	h := startApp(t, settings{Port: freePort(t), Target: echoTarget(t), Language: "de"}, func(cfg *config) {
		cfg.consenter = askSharer(opened.Open)
	})
	done := make(chan proxy.Decision, 1)
	go func() {
		d, _ := h.app.consent(context.Background(), proxy.Viewer{Address: "192.168.1.20:50123", Browser: "Firefox"})
		done <- d
	}()
	var address string
	testnet.WaitFor(t, "the page to be opened", func() bool {
		if got := opened.list(); len(got) == 1 {
			address = got[0]
		}
		return address != ""
	})
	resp, err := http.Get(address)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(b)
	for _, want := range []string{`<html lang="de">`, "<h1>Ein Zuschauer möchte dazukommen</h1>",
		"192.168.1.20 möchte Ihren Bildschirm sehen und steuern (Firefox)",
		`value="allow">Zulassen<`, `value="view-only">Nur ansehen<`, `value="deny">Ablehnen<`} {
		if !strings.Contains(page, want) {
			t.Fatalf("the page lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "Allow") || strings.Contains(page, "Deny") {
		t.Fatalf("English on the German page:\n%s", page)
	}
	u, _ := url.Parse(address)
	post := func(answer string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, address, strings.NewReader(url.Values{"answer": {answer}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "http://"+u.Host)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := post("Nur ansehen"); code != http.StatusBadRequest {
		t.Fatalf("a label taken as an answer: %d", code)
	}
	if code, body := post(consentViewOnly); code != http.StatusOK || !strings.Contains(body, "Beantwortet: Nur ansehen.") {
		t.Fatalf("the answer: %d %s", code, body)
	}
	if got := <-done; got != proxy.AllowViewOnly {
		t.Fatalf("answered %v", got)
	}
}

// When nothing can ask (no notification service, no dialog program, no
// browser), the viewer is refused at once, and the person sharing gets a
// notification that says why, and a status line that says asking is
// impossible here, until a question is shown again (and ends).
func TestNothingCanAsk(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+t.TempDir()+"/no-bus")
	t.Setenv("PATH", t.TempDir())
	browserWorks := make(chan bool, 1)
	browserWorks <- false
	openPage := func(string) error {
		ok := <-browserWorks
		browserWorks <- ok
		if !ok {
			return errNoBrowser
		}
		return nil
	}
	port := freePort(t)
	on := true
	h := startApp(t, settings{Port: port, Target: echoTarget(t), AskToJoin: &on}, func(cfg *config) {
		cfg.consenter = askSharer(openPage)
	})
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing"))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, br, _, err := ws.Dial(ctx, "ws://127.0.0.1:"+strconv.Itoa(port)+"/websockify?token="+testToken)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if got := testnet.CloseReason(t, conn, br); got != "The person sharing did not let you in" {
		t.Fatalf("refused with %q", got)
	}
	// The causes, in the person's words; the system's own errors are in the log.
	h.waitNote("127.0.0.1 was not let in: nothing here can ask you: no desktop notifications; no dialog program (zenity, kdialog, osascript or PowerShell); the browser could not be opened to ask")
	h.waitStatus("asking is impossible", func(s string) bool { return strings.HasSuffix(s, " — no viewers — "+askImpossible) })

	<-browserWorks
	browserWorks <- true // the page can be opened now: the question is shown
	ctx, cancel = context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn2, _, _, err := ws.Dial(ctx, "ws://127.0.0.1:"+strconv.Itoa(port)+"/websockify?token="+testToken)
	if err != nil {
		t.Fatal(err)
	}
	conn2.Close() // it leaves while asked
	h.waitStatus("asking is possible again", func(s string) bool { return strings.HasSuffix(s, " — no viewers") })
}

// A question nobody answered leaves a notification saying so.
func TestUnansweredQuestionIsNotified(t *testing.T) {
	h := startApp(t, settings{Port: freePort(t), Target: echoTarget(t)}, func(cfg *config) {
		cfg.consenter = waitingConsenter{}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 1100*time.Millisecond)
	defer cancel()
	if d, err := h.app.consent(ctx, proxy.Viewer{Address: "192.168.1.20:50123"}); d != proxy.Deny || err == nil {
		t.Fatalf("answered %v (%v)", d, err)
	}
	h.waitNote("192.168.1.20 was not let in: no answer in 1 s")
}

// waitingConsenter asks and gets no answer.
type waitingConsenter struct{}

func (waitingConsenter) Consent(ctx context.Context, _ proxy.Viewer) (proxy.Decision, error) {
	<-ctx.Done()
	return proxy.Deny, ctx.Err()
}

var errNoBrowser = errors.New("no browser")
