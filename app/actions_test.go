package app

import (
	"context"
	"errors"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"

	"vncbridge/assets/icons"
	"vncbridge/internal/testnet"
)

func TestTargetChoiceAndOtherWithoutDialog(t *testing.T) {
	t.Parallel()
	first, second := echoTarget(t), echoTarget(t)
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: first}, func(o *config) {
		o.detect = func(context.Context, []string) []foundServer { return []foundServer{{Addr: second, Version: "3.8"}} }
	})
	h.waitStatus("the found server in the menu", func(string) bool { _, ok := h.item("Target VNC server", second); return ok })
	h.click("Target VNC server", second)
	h.waitStatus("the new target", func(string) bool { it, _ := h.item("Target VNC server", second); return it.Checked })
	if s, _ := loadSettings(h.paths); s.Target != second || s.RecentTargets[1] != first {
		t.Fatalf("saved %+v", s)
	}
	// No native dialog: "Other…" opens the settings page; posting it sets the target.
	h.click("Target VNC server", "Other…")
	testnet.WaitFor(t, "a page opened", func() bool { return len(h.opener.list()) > 0 })
	pages := h.opener.list()
	if len(pages) != 1 || !strings.HasPrefix(pages[0], "http://127.0.0.1:") {
		t.Fatalf("opened %v, want the settings page", pages)
	}
	third := echoTarget(t)
	u, _ := url.Parse(pages[0])
	postSettings(t, pages[0], "http://"+u.Host, map[string]string{"port": strconv.Itoa(port), "target": third}, 303)
	h.waitStatus("the target from the page", func(string) bool { s, _ := loadSettings(h.paths); return s.Target == third })
}

func TestOtherPortWithDialog(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	h := startApp(t, settings{Port: freePort(t), Target: echoTarget(t)}, func(o *config) {
		o.prompter = fakePrompter{answer: " " + strconv.Itoa(port) + " "}
	})
	h.click("Listen port", "Other…")
	h.waitStatus("the asked port", func(string) bool { s, _ := loadSettings(h.paths); return s.Port == port })
}

func TestOpenInBrowserStartsSharing(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: echoTarget(t)})
	h.click("Open in browser")
	waitList(t, &h.opener.recorder, "http://localhost:"+strconv.Itoa(port)+"/?token="+testToken)
	h.waitStatus("sharing", prefix("Sharing"))
}

func TestStartAtLoginAndQuit(t *testing.T) {
	t.Parallel()
	auto := &fakeAutostart{}
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: echoTarget(t)}, func(o *config) { o.autostart = auto })
	h.click("Run in background", "Start at login")
	h.waitStatus("checked", func(string) bool { it, _ := h.item("Run in background", "Start at login"); return it.Checked })
	if !auto.Enabled() {
		t.Fatal("autostart not enabled")
	}
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing"))
	c := echoThrough(t, port)
	h.click("Quit")
	select {
	case err := <-h.done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Quit did not end Run")
	}
	h.done <- nil // for the cleanup
	// The viewer was told the server is going away.
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err := wsutil.ReadServerBinary(c)
	var closed wsutil.ClosedError
	if !errors.As(err, &closed) || closed.Code != ws.StatusGoingAway {
		t.Fatalf("viewer got %v, want a 1001 close", err)
	}
}

func TestMissingDesktopPartsAreSaidNotPanicked(t *testing.T) {
	t.Parallel()
	h := &harness{t: t, tray: &fakeTray{}, paths: testPaths(t), done: make(chan error, 1)}
	h.app = newApp(config{paths: h.paths, detect: func(context.Context, []string) []foundServer { return nil }}, h.tray)
	go func() { h.done <- h.app.Run(context.Background()) }()
	t.Cleanup(func() { h.app.Quit(); <-h.done })
	h.waitStatus("the menu", func(s string) bool { return s != "" })
	if it, ok := h.item("Run in background", "No background service here: use Start at login"); !ok || !it.Disabled {
		t.Fatalf("without a service manager, the menu offers %q", titles(h.menu()))
	}
	if _, ok := h.item("Run in background", "Install as service"); ok {
		t.Fatal("Install as service offered without a service manager")
	}
	for _, c := range []struct {
		path []string
		want string
	}{
		{[]string{"Run in background", "Start at login"}, "Start at login is not available"},
		{[]string{"Recordings…"}, "No program to open the browser was found: open http://127.0.0.1:"},
	} {
		h.click(c.path...)
		h.waitStatus(c.want, func(s string) bool { return strings.HasPrefix(s, c.want) })
	}
}

type answerPrompter struct {
	mu     sync.Mutex
	answer string
}

func (p *answerPrompter) set(a string) { p.mu.Lock(); p.answer = a; p.mu.Unlock() }

func (p *answerPrompter) Ask(context.Context, string, string, string) (string, bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.answer, true, nil
}

// A browser that does not open is said once, in a notification, with what
// to do; the status line goes on saying that sharing works.
func TestOneOffFailuresAreNotifications(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: echoTarget(t)})
	h.opener.err = &exec.ExitError{ProcessState: exitStatus(t, 4)}
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing"))
	h.click("Open in browser")
	h.waitNote("The browser could not be opened: its address is on the clipboard")
	if got := h.clip.list(); len(got) != 1 || got[0] != "http://localhost:"+strconv.Itoa(port)+"/?token="+testToken {
		t.Fatalf("the clipboard holds %q", got)
	}
	if s := h.tray.status(); !strings.HasPrefix(s, "Sharing") || h.tray.currentIcon() != icons.Sharing {
		t.Fatalf("status %q icon %v after a one-off failure", s, h.tray.currentIcon())
	}
	h.opener.err = &exec.ExitError{ProcessState: exitStatus(t, 3)}
	h.click("Recordings…")
	h.waitNote("No program to open the browser was found: its address is on the clipboard")
	h.clip.err = errors.New("no clipboard")
	h.click("Recordings…")
	h.waitNote("No program to open the browser was found: open http://127.0.0.1:")
	for _, n := range h.notes.list() {
		if strings.Contains(n, "exit status") || strings.Contains(n, testToken) || strings.Count(n, "/") > 2 {
			t.Fatalf("a notification says %q (a secret, or an error code)", n)
		}
	}
}

// exitStatus runs a shell that exits with code, for a real ExitError.
func exitStatus(t *testing.T, code int) *os.ProcessState {
	err := exec.Command("sh", "-c", "exit "+strconv.Itoa(code)).Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("sh: %v", err)
	}
	return exit.ProcessState
}

func TestQuitSaysHowManyViewersWereDisconnected(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: echoTarget(t)})
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing"))
	a, b := echoThrough(t, port), echoThrough(t, port)
	defer a.Close()
	defer b.Close()
	h.waitStatus("two viewers", func(s string) bool { return strings.HasSuffix(s, "— 2 viewers") })
	h.click("Quit")
	h.waitNote("2 viewers were disconnected when vncbridge quit")
}

// scriptedPrompter answers each question with the next of its answers, and
// keeps the questions' prompts and values.
type scriptedPrompter struct {
	mu      sync.Mutex
	answers []string
	asked   []string
}

func (p *scriptedPrompter) Ask(_ context.Context, _, prompt, value string) (string, bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.asked = append(p.asked, prompt+" ["+value+"]")
	if len(p.answers) == 0 {
		return "", false, nil // Cancel
	}
	a := p.answers[0]
	p.answers = p.answers[1:]
	return a, true, nil
}

func (p *scriptedPrompter) questions() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.asked)
}

// A value that is not a port asks again, keeping what was typed and saying
// why; the next good one is taken.
func TestOtherPortAsksAgain(t *testing.T) {
	good := freePort(t)
	p := &scriptedPrompter{answers: []string{"60 80", strconv.Itoa(good)}}
	h := startApp(t, settings{Port: freePort(t), Target: echoTarget(t)}, func(c *config) { c.prompter = p })
	h.click("Listen port", "Other…")
	testnet.WaitFor(t, "the port taken", func() bool { return h.app.settingsNow().Port == good })
	if s := h.tray.status(); s != "Stopped" {
		t.Fatalf("a refused answer changed the status to %q", s)
	}
	q := p.questions()
	if len(q) != 2 || !strings.HasPrefix(q[1], `"60 80" is not a port between 1 and 65535.`) || !strings.HasSuffix(q[1], "[60 80]") {
		t.Fatalf("the questions: %q", q)
	}
}
