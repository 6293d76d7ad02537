package e2e

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/proxy"

	"vncbridge/internal/tailnet/tailnettest"
	"vncbridge/internal/testnet"
)

// The desktop on a tailnet, in Chromium: the headless tray shares an Xvnc
// desktop with --tailnet on a test tailnet (Tailscale's test coordination
// server and DERP relay, in-process), and Chromium on this computer reaches
// it through a second node, the viewer, by its SOCKS5 proxy on loopback.
// Chromium speaks SOCKS5 without a password only, and the node's proxy
// wants one: a relay of the test's, on loopback, dials through it.
// The test runs alone in a network namespace that has only lo.
func TestDesktopOnTheTailnetInChromium(t *testing.T) {
	if !testnet.RunInLoopbackNamespace(t) {
		return
	}
	art := newArtifacts(t)
	c := tailnettest.Start(t, tailnettest.Options{SameUser: true})
	d := startDesktop(t, art)

	bin := filepath.Join(t.TempDir(), "vncbridge")
	if out, err := exec.Command("go", "build", "-o", bin, "vncbridge/cmd/vncbridge").CombinedOutput(); err != nil {
		t.Fatalf("building vncbridge: %v\n%s", err, out)
	}
	config := t.TempDir()
	b, _ := json.Marshal(map[string]any{"port": freePort(t), "target": d.rfbAddr, "token": trayToken})
	if err := os.WriteFile(filepath.Join(config, "settings.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	tray := exec.Command(bin, "--headless", "--config-dir", config, "--tailnet", "--tailnet-hostname", "desk", "--tailnet-control-url", c.URL)
	// Tailscale does not count lo as a network; its own tests are told so
	// by testenv, this separate program by its knob.
	tray.Env = append(os.Environ(), "TS_ASSUME_NETWORK_UP_FOR_TEST=1")
	tray.Stderr = art.file("vncbridge-tailnet.log")
	out, err := tray.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := tray.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tray.Process.Kill(); tray.Wait() })
	shared := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if l, ok := strings.CutPrefix(sc.Text(), "vncbridge: sharing on the tailnet at "); ok {
				shared <- l
			}
		}
		close(shared)
	}()
	var link string
	select {
	case l, ok := <-shared:
		if !ok {
			t.Fatalf("vncbridge ended before sharing on the tailnet: %v", tray.Wait())
		}
		link = l
	case <-time.After(time.Minute):
		t.Fatal("vncbridge did not share on the tailnet within a minute")
	}
	host := "desk." + tailnettest.Domain
	if !strings.HasPrefix(link, "https://"+host+"/?token=") {
		t.Fatalf("tailnet link %q", link)
	}

	viewer, _ := c.Node(t, "viewer")
	socks, cred, err := viewer.Loopback()
	if err != nil {
		t.Fatal(err)
	}
	dialer, err := proxy.SOCKS5("tcp", socks, &proxy.Auth{User: "tsnet", Password: cred}, proxy.Direct)
	if err != nil {
		t.Fatal(err)
	}
	relay := testnet.Serve(t, "tcp", "127.0.0.1:0", func(in net.Conn) {
		defer in.Close()
		up, err := dialer.Dial("tcp", host+":80")
		if err != nil {
			t.Logf("relay: %v", err)
			return
		}
		defer up.Close()
		go io.Copy(up, in)
		io.Copy(in, up)
	})

	br := newBrowser(t, art)
	connectAndCheckPicture(t, br, "http://"+relay+"/?token="+trayToken+"&password="+vncPassword+"&resize=off")
	br.screenshot("tailnet.png") // what a person would see
}
