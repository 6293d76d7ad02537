package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"vncbridge/internal/testnet"
)

// Independent clients — npm's ws in Node and Python's websockets — play the
// same scenarios through vncbridge and through Debian's websockify. Where
// the two proxies must agree, both are checked the same way; where vncbridge
// differs on purpose, each side's own behaviour is checked and the reason
// is given.

// clientResult is what a client script printed.
type clientResult struct {
	Protocol    string `json:"protocol"`
	Match       bool   `json:"match"`
	Sent        int    `json:"sent"`
	Received    int    `json:"received"`
	Echo        string `json:"echo"`
	Pong        string `json:"pong"`
	SHA256      string `json:"sha256"`
	CloseCode   int    `json:"closeCode"`
	CloseReason string `json:"closeReason"`
	Status      int    `json:"status"`
	Body        string `json:"body"`
	Error       string `json:"error"`
}

// runClient runs one client ("node" or "python") on a scenario.
func runClient(t *testing.T, lang, url, scenario, protocols string) clientResult {
	t.Helper()
	var cmd *exec.Cmd
	if lang == "node" {
		cmd = exec.Command("node", "clients/client.mjs", url, scenario, protocols)
	} else {
		cmd = exec.Command("/usr/bin/python3", "clients/client.py", url, scenario, protocols)
	}
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("%s %s: %v\n%s%s", lang, scenario, err, out, stderr)
	}
	var r clientResult
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("%s %s printed %q: %v", lang, scenario, out, err)
	}
	return r
}

// newTarget is a TCP target on loopback whose connections handle serves.
func newTarget(t testing.TB, handle func(net.Conn)) string {
	return testnet.Serve(t, "tcp", "", handle)
}

func echoHandler(c net.Conn) { io.Copy(c, c); c.Close() }

func TestRealClients(t *testing.T) {
	requireTools(t, "node", "websockify")
	if _, err := exec.LookPath("/usr/bin/python3"); err != nil {
		requireTools(t, "/usr/bin/python3")
	}
	if err := exec.Command("/usr/bin/python3", "-c", "import websockets").Run(); err != nil {
		requireTools(t, "python3-websockets")
	}
	check := exec.Command("node", "-e", "import('ws')")
	check.Dir = "clients"
	if err := check.Run(); err != nil {
		t.Fatalf("npm's ws is missing from e2e/clients (make deps runs npm ci there): %v", err)
	}
	bin := buildVncbridge(t)
	art := newArtifacts(t)

	echo := newTarget(t, echoHandler)
	got := make(chan []byte, 16) // what a recording target received
	recorder := newTarget(t, func(c net.Conn) {
		b, _ := io.ReadAll(c)
		got <- b
		c.Close()
	})
	payload := []byte(strings.Repeat("framebuffer update ", 50_000)) // ~1 MB, then the target closes
	sum := sha256.Sum256(payload)
	sender := newTarget(t, func(c net.Conn) {
		c.Write(payload)
		c.Close()
	})
	dead := "127.0.0.1:" + func() string {
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		defer ln.Close()
		_, p, _ := net.SplitHostPort(ln.Addr().String())
		return p
	}()

	type proxies struct{ ours, theirs string }
	start := func(target string) proxies {
		return proxies{
			ours:   "ws://" + startVncbridge(t, bin, art, "LISTEN", target) + "/websockify",
			theirs: "ws://" + startWebsockify(t, art, "LISTEN", target) + "/websockify",
		}
	}
	echoes, records, sends, deads := start(echo), start(recorder), start(sender), start(dead)

	for _, lang := range []string{"node", "python"} {
		t.Run(lang, func(t *testing.T) {
			t.Run("echo, ping and close agree with websockify", func(t *testing.T) {
				for side, url := range map[string]string{"vncbridge": echoes.ours, "websockify": echoes.theirs} {
					// Echo of binary messages, 1 byte to 4 MiB, then many more: both must agree.
					r := runClient(t, lang, url, "echo", "binary")
					if r.Protocol != "binary" || !r.Match || r.Received != r.Sent || r.Sent == 0 {
						t.Errorf("%s echo: %+v", side, r)
					}
					// Ping gets pong.
					if r = runClient(t, lang, url, "ping", "binary"); r.Pong != "tick" {
						t.Errorf("%s ping: %+v", side, r)
					}
					// The client's close code comes back.
					if r = runClient(t, lang, url, "close", "binary"); r.CloseCode != 4001 {
						t.Errorf("%s close: %+v", side, r)
					}
				}
			})

			t.Run("base64 subprotocol", func(t *testing.T) {
				// base64 offered alone: text frames of base64 both ways. vncbridge
				// keeps this for old clients; websockify 0.10 dropped it (400).
				r := runClient(t, lang, echoes.ours, "base64", "base64")
				if r.Protocol != "base64" || r.Echo != "UkZCIDAwMy4wMDgK" {
					t.Errorf("vncbridge base64: %+v", r)
				}
				if r = runClient(t, lang, echoes.theirs, "base64", "base64"); r.Protocol == "base64" {
					t.Logf("websockify speaks base64 again: %+v", r)
				}
			})

			t.Run("every byte before the target's close", func(t *testing.T) {
				// The target closes after 1 MB: every byte arrives, then the close.
				for side, url := range map[string]string{"vncbridge": sends.ours, "websockify": sends.theirs} {
					r := runClient(t, lang, url, "receive", "binary")
					if r.SHA256 != hex.EncodeToString(sum[:]) {
						t.Errorf("%s: %d of %d bytes arrived before the close: %+v", side, r.Received, len(payload), r)
					}
					if side == "vncbridge" && (r.CloseCode != 1000 || r.CloseReason != "Target closed") {
						t.Errorf("vncbridge: close %d %q, want 1000 \"Target closed\"", r.CloseCode, r.CloseReason)
					}
				}
			})

			if lang != "node" {
				return // the rest needs what only the Node client does
			}
			t.Run("text frame in binary mode", func(t *testing.T) {
				// vncbridge forwards its bytes; websockify refuses it (close
				// 1003), which breaks some clients.
				r := runClient(t, lang, records.ours, "text", "")
				select {
				case b := <-got:
					if string(b) != "typed text" {
						t.Errorf("vncbridge: the target got %q for a text frame", b)
					}
				case <-time.After(5 * time.Second):
					t.Error("vncbridge: the target got nothing for a text frame")
				}
				if r = runClient(t, lang, records.theirs, "text", ""); r.CloseCode != 1003 {
					t.Logf("websockify: a text frame in binary mode gave close %d (expected 1003)", r.CloseCode)
				}
				<-got
			})

			t.Run("unsupported subprotocols", func(t *testing.T) {
				// vncbridge answers 400 and names what it speaks; websockify's
				// bare refusal leaves the client with no reason.
				r := runClient(t, lang, echoes.ours, "echo", "chat,mqtt")
				if r.Status != 400 || !strings.Contains(r.Body, `"binary" and "base64"`) {
					t.Errorf("vncbridge, unsupported protocols: %+v", r)
				}
				if r = runClient(t, lang, echoes.theirs, "echo", "chat,mqtt"); r.Status != 400 && r.Error == "" {
					t.Errorf("websockify accepted unsupported protocols: %+v", r)
				}
			})

			t.Run("unreachable target", func(t *testing.T) {
				// vncbridge completes the handshake, then closes with 1011
				// and says which target and why.
				r := runClient(t, lang, deads.ours, "receive", "binary")
				if r.CloseCode != 1011 || !strings.Contains(r.CloseReason, dead) || !strings.Contains(r.CloseReason, "refused") {
					t.Errorf("vncbridge, unreachable target: %+v", r)
				}
				r = runClient(t, lang, deads.theirs, "receive", "binary")
				t.Logf("websockify, unreachable target: close %d %q, status %d", r.CloseCode, r.CloseReason, r.Status)
			})
		})
	}
}
