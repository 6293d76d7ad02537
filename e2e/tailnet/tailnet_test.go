// Package tailnet_test shares a real desktop on a tailnet: the headless tray
// with --tailnet, Tailscale's test coordination server and DERP relay
// in-process, and a second Tailscale node as the viewer. Everything runs in
// a network namespace that has only lo.
package tailnet_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/proxy"

	"vncbridge/internal/tailnet"
	"vncbridge/internal/tailnet/tailnettest"
	"vncbridge/internal/testnet"
)

func TestMain(m *testing.M) { testnet.MainInLoopbackNamespace(m) }

// The tests' network namespace has lo and nothing else: a Tailscale node
// here cannot send a packet off this computer.
func TestOnlyLoopbackInNamespace(t *testing.T) {
	ifs, err := net.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	if len(ifs) != 1 || ifs[0].Name != "lo" {
		t.Fatalf("interfaces %v in the test's network namespace; want lo alone", ifs)
	}
}

const token = "tailnet-e2e-token-0123456789"

// headless runs `vncbridge --headless` with settings and args; its printed
// lines arrive on lines.
type headless struct {
	cmd    *exec.Cmd
	config string
	port   int
	lines  chan string
	stderr testnet.LogBuffer
}

// buildVncbridge builds the command as the Makefile does.
func buildVncbridge(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "vncbridge")
	if out, err := exec.Command("go", "build", "-o", bin, "vncbridge/cmd/vncbridge").CombinedOutput(); err != nil {
		t.Fatalf("building vncbridge: %v\n%s", err, out)
	}
	return bin
}

func startHeadless(t testing.TB, target string, args ...string) *headless {
	t.Helper()
	bin := buildVncbridge(t)
	h := &headless{config: t.TempDir(), port: testnet.FreePort(t), lines: make(chan string, 64)}
	b, _ := json.Marshal(map[string]any{"port": h.port, "target": target, "token": token})
	if err := os.WriteFile(filepath.Join(h.config, "settings.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	h.cmd = exec.Command(bin, append([]string{"--headless", "-v", "--config-dir", h.config}, args...)...)
	// The namespace has lo alone, which Tailscale does not count as a
	// network: it would wait for one. (Its own tests are told so by
	// testenv; this is a separate program.)
	h.cmd.Env = append(os.Environ(), "TS_ASSUME_NETWORK_UP_FOR_TEST=1")
	stdout, err := h.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	h.cmd.Stderr = &h.stderr
	if err := h.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			h.lines <- sc.Text()
		}
		close(h.lines)
	}()
	t.Cleanup(func() {
		h.cmd.Process.Kill()
		h.cmd.Wait()
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(h.config, "vncbridge.log"))
			t.Logf("vncbridge.log:\n%s\nits standard error:\n%s", log, h.stderr.String())
		}
	})
	return h
}

// waitLine waits for a printed line that starts with prefix.
func (h *headless) waitLine(t testing.TB, prefix string) string {
	t.Helper()
	timeout := time.After(time.Minute)
	for {
		select {
		case l, ok := <-h.lines:
			if !ok {
				t.Fatalf("vncbridge exited before printing %q: %v", prefix, h.cmd.Wait())
			}
			t.Logf("vncbridge: %s", l)
			if strings.HasPrefix(l, prefix) {
				return l
			}
		case <-timeout:
			t.Fatalf("vncbridge did not print %q within a minute", prefix)
		}
	}
}

// openWebSocket opens the share's WebSocket over the viewer's tailnet node
// and returns the HTTP status, and the first 12 bytes (the RFB greeting)
// after a 101 or the body of a refusal.
func openWebSocket(t *testing.T, viewer *tailnet.Node, host, path string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, err := viewer.Dial(ctx, "tcp", host+":80")
	if err != nil {
		t.Fatalf("dialling the share over the tailnet: %v", err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary\r\n\r\n", path, host)
	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("the share's answer: %v", err)
	}
	if res.StatusCode != http.StatusSwitchingProtocols {
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	// One binary frame, unmasked from the server: 2 bytes of header.
	var hdr [2]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil {
		t.Fatalf("reading the first frame: %v", err)
	}
	p := make([]byte, hdr[1]&0x7f)
	if _, err := io.ReadFull(br, p); err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(p)
}

func TestHeadlessShareOnTheTailnet(t *testing.T) {
	c := tailnettest.Start(t, tailnettest.Options{})
	rfb := testnet.StartXvnc(t)
	h := startHeadless(t, rfb, "--tailnet", "--tailnet-hostname", "desk", "--tailnet-control-url", c.URL)
	host := "desk." + tailnettest.Domain
	line := h.waitLine(t, "vncbridge: sharing on the tailnet at ")
	if want := "https://" + host + "/?token=" + token; !strings.HasSuffix(line, " "+want) {
		t.Errorf("printed %q, want the link %s", line, want)
	}

	// The tailnet share listens on the node's own network: the process
	// listens on the host's TCP for the LAN/local share's port alone.
	for _, port := range listeningPorts(t, h.cmd.Process.Pid) {
		if port != h.port {
			t.Errorf("vncbridge listens on the host's TCP port %d: only its share's port %d may be there", port, h.port)
		}
	}

	// The flags are saved, as the menu's choices are.
	var saved map[string]any
	b, _ := os.ReadFile(filepath.Join(h.config, "settings.json"))
	json.Unmarshal(b, &saved)
	if saved["tailnet"] != true || saved["tailnet_hostname"] != "desk" || saved["tailnet_control_url"] != c.URL {
		t.Errorf("saved settings %s: want the tailnet's", b)
	}

	viewer, _ := c.Node(t, "viewer")

	// Each node of the test tailnet is a user of its own: the viewer is
	// someone else, refused by "only my own devices", with a reason.
	status, body := openWebSocket(t, viewer, host, "/websockify?token="+token)
	if status != http.StatusForbidden || !strings.Contains(body, "only with the devices of its owner's Tailscale account") {
		t.Fatalf("another user's node: %d %q, want 403 and the reason", status, body)
	}

	// The viewer becomes a device of the person sharing: let in, it reads
	// the desktop's RFB greeting, and vncbridge names it by Tailscale.
	c.GiveNodeTo(t, "viewer", "desk")
	var greeting string
	if !testnet.Poll(30*time.Second, 100*time.Millisecond, func() bool {
		status, greeting = openWebSocket(t, viewer, host, "/websockify?token="+token)
		return status == http.StatusSwitchingProtocols
	}) {
		t.Fatalf("the person's own device: %d %q, want 101", status, greeting)
	}
	if !strings.HasPrefix(greeting, "RFB 003.") {
		t.Errorf("greeting %q, want the RFB version", greeting)
	}
	// Without the token, nothing, as on the LAN.
	if status, body := openWebSocket(t, viewer, host, "/websockify"); status != http.StatusUnauthorized || !strings.Contains(body, "link") {
		t.Errorf("without the token: %d %q, want 401 and the link's reason", status, body)
	}
	// The page, by a client on this computer through the viewer node's
	// SOCKS5 proxy on loopback (what a browser would be pointed at).
	socks, cred, err := viewer.Loopback()
	if err != nil {
		t.Fatal(err)
	}
	dialer, err := proxy.SOCKS5("tcp", socks, &proxy.Auth{User: "tsnet", Password: cred}, proxy.Direct)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{
		DialContext: dialer.(proxy.ContextDialer).DialContext}}
	res, err := client.Get("http://" + host + "/?token=" + token)
	if err != nil {
		t.Fatalf("the page through the viewer node's SOCKS5 proxy: %v", err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(page), "<html") {
		t.Errorf("the page through SOCKS5: %s, %.200q", res.Status, page)
	}

	logFile := filepath.Join(h.config, "vncbridge.log")
	var named string
	testnet.WaitFor(t, "the log to name the tailnet viewer", func() bool {
		b, _ := os.ReadFile(logFile)
		for l := range strings.Lines(string(b)) {
			if strings.Contains(l, "session started") && strings.Contains(l, "viewer=") {
				named = l
				return true
			}
		}
		return false
	})
	if !strings.Contains(named, "on viewer") || !strings.Contains(named, "(user-") {
		t.Errorf("log line %q: want the viewer named \"Name (login) on viewer\"", named)
	}

	h.cmd.Process.Signal(os.Interrupt)
	if err := h.cmd.Wait(); err != nil {
		t.Errorf("vncbridge's exit: %v", err)
	}
}

// listeningPorts are the TCP ports process pid listens on, from /proc (the
// test's namespace is the process's).
func listeningPorts(t *testing.T, pid int) []int {
	t.Helper()
	mine := map[string]bool{}
	for _, ino := range testnet.TCPListenersOf(t, pid) {
		mine[ino] = true
	}
	var ports []int
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n")[1:] {
			fs := strings.Fields(line)
			if len(fs) <= 9 || !mine[fs[9]] {
				continue
			}
			_, hexPort, _ := strings.Cut(fs[1], ":")
			p, _ := strconv.ParseUint(hexPort, 16, 16)
			ports = append(ports, int(p))
		}
	}
	if len(ports) == 0 {
		t.Fatalf("vncbridge (pid %d) listens on no TCP port; its share's is %d", pid, 0)
	}
	return ports
}

// vncbridge proxy --tailnet-hostname: the websockify command serves on the
// tailnet too, for server setups; a node of the tailnet reaches the target.
func TestProxyOnTheTailnet(t *testing.T) {
	c := tailnettest.Start(t, tailnettest.Options{})
	target := testnet.Greeter(t, "RFB 003.008\n")
	state := filepath.Join(t.TempDir(), "state")
	cmd := exec.Command(buildVncbridge(t), "proxy", "--tailnet-hostname", "srv", "--tailnet-control-url", c.URL,
		"--tailnet-state", state, "127.0.0.1:"+strconv.Itoa(testnet.FreePort(t)), target)
	cmd.Env = append(os.Environ(), "TS_ASSUME_NETWORK_UP_FOR_TEST=1")
	logs := &testnet.LogBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
		if t.Failed() {
			t.Logf("vncbridge proxy's log:\n%s", logs)
		}
	}()
	testnet.WaitWithin(t, time.Minute, "the proxy to listen on the tailnet", func() bool {
		return strings.Contains(logs.String(), "listening on the tailnet")
	})
	if fi, err := os.Stat(state); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("the node's state folder: %v %v, want 0700", fi, err)
	}
	viewer, _ := c.Node(t, "viewer")
	status, greeting := openWebSocket(t, viewer, "srv."+tailnettest.Domain, "/websockify")
	if status != http.StatusSwitchingProtocols || greeting != "RFB 003.008\n" {
		t.Fatalf("through the proxy on the tailnet: %d %q, want 101 and the greeting", status, greeting)
	}
	testnet.WaitFor(t, "the log to name the viewer by Tailscale", func() bool {
		return strings.Contains(logs.String(), `viewer="User 2 (user-2@`) && strings.Contains(logs.String(), `on viewer"`)
	})
}
