package e2e

import (
	"crypto/tls"
	"encoding/json"
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

	"vncbridge/internal/testcert"
	"vncbridge/proxy"
)

// startProxy runs vncbridge's proxy in front of the desktop, serving the
// embedded viewer, and returns its address.
func startProxy(t testing.TB, d *desktop, art *artifacts, change func(*proxy.Config)) string {
	t.Helper()
	cfg := proxy.Config{Target: d.rfbAddr}
	if change != nil {
		change(&cfg)
	}
	ln := listenLoopback(t)
	serveProxy(t, art, ln, cfg, "vncbridge.log")
	return ln.Addr().String()
}

// connectAndCheckPicture opens the viewer at url, connects with the password
// and checks the known picture.
func connectAndCheckPicture(t testing.TB, b *browser, url string) {
	t.Helper()
	b.run(chromedpNavigate(url))
	b.waitFor("the connected state", `document.body.dataset.state === "connected"`, 20*time.Second)
	var size [2]int
	b.eval(`(() => { const d = window.vncbridge.rfb.getImageData(); return [d.width, d.height]; })()`, &size)
	if size != [2]int{screenW, screenH} {
		t.Fatalf("remote screen is %v, want %dx%d", size, screenW, screenH)
	}
	b.waitPixel(10, 10, backgroundRGB)
	b.waitPixel(screenW-5, screenH-5, backgroundRGB)
	b.waitPixel(windowX+30, windowY+30, windowRGB)
}

// typeIntoDesktop clicks into the xterm, as a person would, types a line in
// the page and checks that it reached the X client.
func typeIntoDesktop(t testing.TB, b *browser, d *desktop, line string) {
	t.Helper()
	b.click(windowX+30, windowY+30)
	b.waitFor("the keyboard focus on the canvas", `document.activeElement && document.activeElement.tagName === "CANVAS"`, 5*time.Second)
	b.run(chromedpKeys(line + "\r"))
	waitUntil(t, 10*time.Second, "the typed text in the X client", func() bool {
		got, _ := os.ReadFile(d.typed)
		return strings.Contains(string(got), line)
	})
}

func TestDesktopInBrowser(t *testing.T) {
	art := newArtifacts(t)
	d := startDesktop(t, art)
	addr := startProxy(t, d, art, nil)
	b := newBrowser(t, art)

	// The root page forwards to the viewer with this proxy's defaults.
	connectAndCheckPicture(t, b, "http://"+addr+"/?password="+vncPassword+"&resize=off")
	var url string
	b.eval(`location.pathname + location.search`, &url)
	if !strings.HasPrefix(url, "/vnc.html?") || !strings.Contains(url, "autoconnect=true") {
		t.Fatalf("the root page led to %s", url)
	}

	// The mouse: moving it over the canvas moves the X pointer.
	for _, p := range [][2]int{{300, 200}, {37, 411}} {
		b.moveMouse(p[0], p[1])
		waitUntil(t, 5*time.Second, "the X pointer to follow", func() bool {
			x, y := d.pointer(t)
			return abs(x-p[0]) <= 1 && abs(y-p[1]) <= 1
		})
	}

	// The keyboard: text typed in the page reaches the xterm.
	typeIntoDesktop(t, b, d, "hello from the browser")
	b.screenshot("connected.png")
}

func TestDesktopOverTLS(t *testing.T) {
	art := newArtifacts(t)
	d := startDesktop(t, art)
	cert := testcert.SelfSigned(t)
	addr := startProxy(t, d, art, func(c *proxy.Config) {
		c.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	})
	b := newBrowser(t, art)
	connectAndCheckPicture(t, b, "https://"+addr+"/?password="+vncPassword+"&resize=off")
	var wsURL string
	b.eval(`window.vncbridge.rfb._url || ""`, &wsURL)
	if wsURL != "" && !strings.HasPrefix(wsURL, "wss://") {
		t.Fatalf("the page over https connected to %s", wsURL)
	}
}

func TestRecordingOfARealSession(t *testing.T) {
	requireTools(t, "node")
	art := newArtifacts(t)
	d := startDesktop(t, art)
	prefix := filepath.Join(t.TempDir(), "session")
	addr := startProxy(t, d, art, func(c *proxy.Config) { c.Record = prefix })
	b := newBrowser(t, art)
	connectAndCheckPicture(t, b, "http://"+addr+"/?password="+vncPassword+"&resize=off")
	b.eval(`window.vncbridge.disconnect(), true`, nil)
	b.waitFor("the disconnected state", `document.body.dataset.state === "disconnected"`, 10*time.Second)

	const check = `
const fs = require('fs'), vm = require('vm');
const ctx = {};
vm.runInNewContext(fs.readFileSync(process.argv[1], 'latin1') + '; this.frames = VNC_frame_data;', ctx);
const f = ctx.frames;
if (f[f.length - 1] !== 'EOF') throw new Error('no EOF');
let down = '', up = '';
for (const s of f.slice(0, -1)) {
  const i = s.indexOf('{', 1);
  if (s[0] === '{') down += s.slice(i + 1); else up += s.slice(i + 1);
}
console.log(JSON.stringify({frames: f.length - 1, greeting: down.slice(0, 12), up: up.slice(0, 12), named: down.includes('vncbridge-e2e')}));
`
	var out []byte
	waitUntil(t, 10*time.Second, "the recording to be complete", func() bool {
		var err error
		out, err = exec.Command("node", "-e", check, prefix+".1").CombinedOutput()
		return err == nil
	})
	s := string(out)
	if !strings.Contains(s, `"greeting":"RFB 003.008\n"`) || !strings.Contains(s, `"up":"RFB 003.008\n"`) {
		t.Fatalf("recording does not hold the RFB greetings: %s", s)
	}
	if !strings.Contains(s, `"named":true`) { // the ServerInit message carries the desktop's name
		t.Fatalf("recording does not hold the server's init message: %s", s)
	}
}

func TestOtherOriginCannotOpenTheDesktop(t *testing.T) {
	art := newArtifacts(t)
	d := startDesktop(t, art)

	// A page of another site (another port is another origin). The desktop
	// must say nothing to it: its WebSocket is closed with 4403 (the refusal
	// a page can read) before any byte of the desktop.
	other, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	otherOrigin := "http://" + other.Addr().String()
	var target string
	go http.Serve(other, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `<!DOCTYPE html><title>waiting</title><script>
const ws = new WebSocket("ws://`+target+`/websockify", ["binary"]);
ws.onmessage = () => { document.title = "open"; };
ws.onclose = (e) => { if (document.title !== "open") document.title = e.code === 4403 ? "refused" : "closed " + e.code; };
</script>`)
	}))
	t.Cleanup(func() { other.Close() })

	for _, tc := range []struct {
		name  string
		allow []string
		want  string
	}{
		{"origin checked", nil, "refused"},
		{"origin allowed", []string{otherOrigin}, "open"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			target = startProxy(t, d, art, func(c *proxy.Config) { c.AllowOrigins = tc.allow })
			b := newBrowser(t, art)
			b.run(chromedpNavigate(otherOrigin + "/"))
			b.waitFor("the page's verdict", `document.title !== "waiting"`, 10*time.Second)
			var title string
			b.eval(`document.title`, &title)
			if title != tc.want {
				t.Fatalf("a page from %s: the WebSocket was %s, want %s", otherOrigin, title, tc.want)
			}
		})
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// The same desktop through the command a user runs: vncbridge proxy.
func TestDesktopThroughTheCommand(t *testing.T) {
	art := newArtifacts(t)
	d := startDesktop(t, art)
	bin := buildVncbridge(t)
	addr := startVncbridge(t, bin, art, "LISTEN", d.rfbAddr)
	b := newBrowser(t, art)
	connectAndCheckPicture(t, b, "http://"+addr+"/?password="+vncPassword+"&resize=off")
	typeIntoDesktop(t, b, d, "typed through the command")
}

// trayToken is the token of the trays' shares in the settings the tests
// write: every share needs one, local ones too.
const trayToken = "e2e-tray-token-0123456789"

// headlessTray is the tray application without a tray icon (--headless),
// sharing with the settings given (JSON), on a free port.
type headlessTray struct {
	cmd    *exec.Cmd
	config string // its settings' directory
	port   string
}

func startHeadlessTray(t *testing.T, art *artifacts, name string, settings map[string]any) *headlessTray {
	t.Helper()
	tr := &headlessTray{config: t.TempDir(), port: strconv.Itoa(freePort(t))}
	settings["port"], _ = strconv.Atoi(tr.port)
	if _, ok := settings["token"]; !ok {
		settings["token"] = trayToken
	}
	b, _ := json.Marshal(settings)
	if err := os.WriteFile(filepath.Join(tr.config, "settings.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	log := art.file(name + ".log")
	tr.cmd = exec.Command(buildVncbridge(t), "--headless", "--config-dir", tr.config)
	tr.cmd.Stdout, tr.cmd.Stderr = log, log
	if err := tr.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tr.cmd.Process.Kill(); tr.cmd.Wait() })
	waitListen(t, "127.0.0.1:"+tr.port)
	return tr
}

// The tray application without a tray icon: it shares with the saved
// settings, the page it serves shows the desktop, and it stops cleanly.
func TestDesktopThroughTheHeadlessTray(t *testing.T) {
	art := newArtifacts(t)
	d := startDesktop(t, art)
	tr := startHeadlessTray(t, art, "vncbridge-headless", map[string]any{"target": d.rfbAddr})
	b := newBrowser(t, art)
	connectAndCheckPicture(t, b, "http://localhost:"+tr.port+"/?token="+trayToken+"&password="+vncPassword+"&resize=off")
	typeIntoDesktop(t, b, d, "typed through the tray")
	tr.cmd.Process.Signal(os.Interrupt)
	if err := tr.cmd.Wait(); err != nil {
		t.Fatalf("the headless tray's exit: %v", err)
	}
}

// "Allow other computers": the tray listens on every interface with TLS and
// a token. The share link's page shows the desktop; without the token
// nothing is served.
func TestRemoteShareNeedsTheToken(t *testing.T) {
	art := newArtifacts(t)
	d := startDesktop(t, art)
	const token = "e2e-share-token-0123456789"
	tr := startHeadlessTray(t, art, "vncbridge-remote", map[string]any{"target": d.rfbAddr, "allow_remote": true, "token": token})
	addr := "127.0.0.1:" + tr.port
	b := newBrowser(t, art)

	// Without the token nothing is served: not the page, not noVNC.
	for _, path := range []string{"/?password=" + vncPassword + "&resize=off", "/vnc.html", "/novnc/core/rfb.js"} {
		b.run(chromedpNavigate("https://" + addr + path))
		var text string
		b.eval(`document.body ? document.body.innerText : ""`, &text)
		if !strings.Contains(text, "401") || strings.Contains(text, "RFB") {
			t.Errorf("%s without the token: %.80q", path, text)
		}
	}

	// The share link shows the desktop: its token admits the browser, whose
	// page then loads noVNC's modules (which carry no token) by a cookie.
	connectAndCheckPicture(t, b, "https://"+addr+"/?token="+token+"&password="+vncPassword+"&resize=off")
	var cookie string
	b.eval(`document.cookie`, &cookie)
	if cookie != "" {
		t.Errorf("the admission cookie is visible to scripts: %q", cookie)
	}
	if _, err := os.Stat(filepath.Join(tr.config, "cert.pem")); err != nil {
		t.Errorf("the certificate is not kept: %v", err)
	}
}
