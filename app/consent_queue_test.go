//go:build !windows

package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"

	"vncbridge/internal/testnet"
	"vncbridge/proxy"
)

// dialogProgram is a fake dialog program (zenity or kdialog) on an
// otherwise empty PATH. Each run records its arguments, notes when another
// run is on screen at the same time, and waits for its answer (an exit
// code) from answer.
type dialogProgram struct {
	dir string
}

func newDialogProgram(t *testing.T, name string) *dialogProgram {
	t.Helper()
	d := &dialogProgram{dir: t.TempDir()}
	if err := syscall.Mkfifo(d.path("answers"), 0o600); err != nil {
		t.Fatal(err)
	}
	script := fmt.Sprintf(`#!/bin/sh
printf '%%s\0' "$@" > %[1]s/args.$$
/bin/mkdir %[1]s/onscreen 2>/dev/null || echo $$ >> %[1]s/overlaps
echo $$ >> %[1]s/started
read code < %[1]s/answers
/bin/rmdir %[1]s/onscreen
exit $code
`, d.dir)
	if err := os.WriteFile(d.path(name), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", d.dir)
	return d
}

func (d *dialogProgram) path(name string) string { return filepath.Join(d.dir, name) }

// started is how many runs have begun.
func (d *dialogProgram) started() int {
	b, _ := os.ReadFile(d.path("started"))
	return strings.Count(string(b), "\n")
}

// answer ends the run on screen with exit code.
func (d *dialogProgram) answer(t *testing.T, code int) {
	t.Helper()
	f, err := os.OpenFile(d.path("answers"), os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(f, code)
	f.Close()
}

// runs are the arguments of each run so far.
func (d *dialogProgram) runs() [][]string {
	files, _ := filepath.Glob(d.path("args.*"))
	var out [][]string
	for _, f := range files {
		b, _ := os.ReadFile(f)
		out = append(out, strings.Split(strings.TrimSuffix(string(b), "\x00"), "\x00"))
	}
	return out
}

// A viewer's browser word reaches the dialog as plain text: zenity is
// told --no-markup (it then reads neither markup nor backslash escapes),
// kdialog gets it quoted as HTML, and neither gets control or bidi
// characters, or more than a bounded length.
func TestConsentQuestionIsPlainText(t *testing.T) {
	v := proxy.Viewer{Address: "192.168.1.20:50123",
		Browser: "\u202e&bogus <big>HACK</big>\x1b[2J\r\n\\n\u200b" + strings.Repeat("x", 60)}
	const shown = "192.168.1.20 wants to see and control your desktop (&bogus <big>HACK</big>[2J\\nxxxxxxxxxxxxx…)"
	for _, c := range []struct {
		program string
		want    []string
	}{
		{"zenity", []string{"--question", "--no-markup", "--title", "vncbridge", "--text", shown,
			"--ok-label", "Allow", "--cancel-label", "Deny", "--extra-button", "View only"}},
		{"kdialog", []string{"--title", "vncbridge", "--yesnocancel",
			"<qt>192.168.1.20 wants to see and control your desktop (&amp;bogus &lt;big&gt;HACK&lt;/big&gt;[2J&#92;nxxxxxxxxxxxxx…)</qt>",
			"--yes-label", "Allow", "--no-label", "View only", "--cancel-label", "Deny"}},
	} {
		t.Run(c.program, func(t *testing.T) {
			d := newDialogProgram(t, c.program)
			done := make(chan proxy.Decision, 1)
			go func() {
				got, _ := dialogConsenter{}.Consent(context.Background(), v)
				done <- got
			}()
			testnet.WaitFor(t, "the dialog", func() bool { return d.started() == 1 })
			d.answer(t, 0)
			if got := <-done; got != proxy.Allow {
				t.Fatalf("answer %v", got)
			}
			if runs := d.runs(); len(runs) != 1 || !slices.Equal(runs[0], c.want) {
				t.Fatalf("%s ran with\n%q\nwant\n%q", c.program, runs, c.want)
			}
		})
	}
}

// frameOrClose reads what the proxy sends a viewer first: "close: reason",
// or "data: payload".
func frameOrClose(conn net.Conn, r io.Reader) string {
	h, err := ws.ReadHeader(r)
	if err != nil {
		return "error: " + err.Error()
	}
	p := make([]byte, h.Length)
	if _, err := io.ReadFull(r, p); err != nil {
		return "error: " + err.Error()
	}
	if h.OpCode == ws.OpClose {
		_, reason := ws.ParseCloseFrameData(p)
		return "close: " + reason
	}
	return "data: " + string(p)
}

// Fifty viewers at once, whose User-Agent holds markup, make one dialog:
// three more wait in line and are asked one after the other, and the rest
// are refused at once, while the first dialog is still up.
func TestFiftyViewersMakeOneDialog(t *testing.T) {
	d := newDialogProgram(t, "zenity")
	port := freePort(t)
	on := true
	h := startApp(t, settings{Port: port, Target: echoTarget(t), AskToJoin: &on}, func(cfg *config) {
		cfg.consenter = oneAtATime(dialogConsenter{})
	})
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing"))

	const viewers = 50
	type heard struct {
		viewer int
		what   string // what the proxy sent first (frameOrClose)
	}
	heards := make(chan heard, viewers)
	conns := make([]net.Conn, viewers)
	var wg sync.WaitGroup
	for i := range conns {
		conn, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		conns[i] = conn
		wg.Go(func() {
			fmt.Fprintf(conn, "GET /websockify?token="+testToken+" HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"+
				"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"+
				"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary\r\n"+
				"User-Agent: &bogus<big>HACK\r\n\r\n")
			br := bufio.NewReader(conn)
			resp, err := http.ReadResponse(br, nil)
			if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
				heards <- heard{i, fmt.Sprintf("handshake: %v %v", resp, err)}
				return
			}
			heards <- heard{i, frameOrClose(conn, br)}
		})
	}
	defer wg.Wait()

	// The refusals come while the first dialog is still up: the line is
	// full, or (once those refusals have counted as failed guesses of the
	// address) the address has tried too often.
	refused := func(what string) bool {
		return what == "close: "+proxy.ReasonAnsweringAnother || strings.HasPrefix(what, "close: too many refused attempts from this address")
	}
	held := map[int]bool{}
	for i := range conns {
		held[i] = true
	}
	timeout := time.After(10 * time.Second)
	for len(held) > 1+maxWaitingQuestions {
		select {
		case h := <-heards:
			if !refused(h.what) {
				t.Fatalf("viewer %d: %q, want a refusal", h.viewer, h.what)
			}
			delete(held, h.viewer)
		case <-timeout:
			t.Fatalf("%d viewers neither let in nor refused, want %d waiting; %d dialogs", len(held),
				1+maxWaitingQuestions, d.started())
		}
	}
	if n := d.started(); n != 1 {
		t.Fatalf("%d dialogs for %d viewers, want one", n, viewers)
	}

	for n := 1; n <= 1+maxWaitingQuestions; n++ {
		testnet.WaitFor(t, fmt.Sprintf("dialog %d", n), func() bool { return d.started() == n })
		d.answer(t, 0)
	}
	for i := range held {
		wsutil.WriteClientBinary(conns[i], []byte("RFB hello"))
	}
	for range held {
		if h := <-heards; !held[h.viewer] || h.what != "data: RFB hello" {
			t.Fatalf("viewer %d, let in: %q", h.viewer, h.what)
		}
	}
	if b, err := os.ReadFile(d.path("overlaps")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("dialogs on screen together (runs %s)", b)
	}
	const question = "This computer wants to see and control your desktop (&bogus<big>HACK)"
	for _, args := range d.runs() {
		if !slices.Contains(args, "--no-markup") || !slices.Contains(args, question) {
			t.Fatalf("zenity ran with %q, want --no-markup and %q", args, question)
		}
	}
	if n := len(d.runs()); n != 1+maxWaitingQuestions {
		t.Fatalf("%d dialogs, want %d", n, 1+maxWaitingQuestions)
	}
}

// blockingConsenter answers Allow when told, and tells whom it asks about.
type blockingConsenter struct {
	asked   chan string
	release chan struct{}
}

func (b blockingConsenter) Consent(ctx context.Context, v proxy.Viewer) (proxy.Decision, error) {
	b.asked <- v.Address
	<-b.release
	return proxy.Allow, nil
}

// The line keeps its order; a viewer that leaves while waiting leaves the
// line and makes room for another; a full line refuses at once.
func TestQuestionLine(t *testing.T) {
	t.Parallel()
	b := blockingConsenter{asked: make(chan string, 10), release: make(chan struct{})}
	line := oneAtATime(b).(*questionLine)
	type result struct {
		who string
		err error
	}
	results := make(chan result, 10)
	ask := func(ctx context.Context, who string) {
		go func() {
			_, err := line.Consent(ctx, proxy.Viewer{Address: who})
			results <- result{who, err}
		}()
	}
	waiting := func(n int) {
		t.Helper()
		testnet.WaitFor(t, strconv.Itoa(n)+" waiting", func() bool {
			line.mu.Lock()
			defer line.mu.Unlock()
			return len(line.waiting) == n
		})
	}
	ask(context.Background(), "a")
	if got := <-b.asked; got != "a" {
		t.Fatalf("asked about %s first", got)
	}
	ask(context.Background(), "b")
	waiting(1)
	leaving, leave := context.WithCancel(context.Background())
	ask(leaving, "c")
	waiting(2)
	ask(context.Background(), "d")
	waiting(3)
	if _, err := line.Consent(context.Background(), proxy.Viewer{Address: "e"}); err != errAnsweringAnother {
		t.Fatalf("a fourth waiting: %v, want a refusal", err)
	}
	leave()
	if r := <-results; r.who != "c" || r.err != context.Canceled {
		t.Fatalf("%s left with %v, want c with its context's end", r.who, r.err)
	}
	waiting(2)
	ask(context.Background(), "f")
	waiting(3)
	for _, want := range []string{"b", "d", "f"} {
		b.release <- struct{}{}
		if got := <-b.asked; got != want {
			t.Fatalf("asked about %s, want %s", got, want)
		}
	}
	b.release <- struct{}{}
	for range 4 {
		if r := <-results; r.err != nil {
			t.Fatalf("%s: %v", r.who, r.err)
		}
	}
	if line.asking || len(line.waiting) != 0 {
		t.Fatalf("the line after: asking %v, %d waiting", line.asking, len(line.waiting))
	}
}
