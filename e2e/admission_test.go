package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"vncbridge/internal/testnet"
)

// The sharer's own browser, opened the way the tray opens it, gets in: the
// browser is given a private file (never the address with its token) that
// leads it to the share, whose cookie then admits the page without the
// token. Another user of this computer is refused, even with the token.
func TestSharersBrowserGetsInOthersDoNot(t *testing.T) {
	art := newArtifacts(t)
	d := startDesktop(t, art)
	// The desktop's browser opener, as the tray finds it on PATH: it
	// records what it was given.
	bin := t.TempDir()
	given := filepath.Join(bin, "given")
	os.WriteFile(filepath.Join(bin, "xdg-open"), []byte("#!/bin/sh\nprintf '%s\\n' \"$@\" >> "+given+"\n"), 0o755)

	config, port := t.TempDir(), strconv.Itoa(freePort(t))
	b, _ := json.Marshal(map[string]any{"port": mustInt(t, port), "target": d.rfbAddr, "token": trayToken})
	os.WriteFile(filepath.Join(config, "settings.json"), b, 0o600)
	env := append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "DBUS_SESSION_BUS_ADDRESS=", "XDG_RUNTIME_DIR="+t.TempDir())
	log := art.file("vncbridge-admission.log")
	tray := exec.Command(buildVncbridge(t), "--headless", "--config-dir", config)
	tray.Env, tray.Stdout, tray.Stderr = env, log, log
	if err := tray.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tray.Process.Kill(); tray.Wait() })
	waitListen(t, "127.0.0.1:"+port)

	// A second launch asks the running tray to open the browser.
	second := exec.Command(buildVncbridge(t), "--config-dir", config)
	second.Env = env
	if out, err := second.CombinedOutput(); !strings.Contains(string(out), "already running") {
		t.Fatalf("the second launch: %v\n%s", err, out)
	}
	var file string
	waitUntil(t, 10*time.Second, "the browser opener called", func() bool {
		b, _ := os.ReadFile(given)
		file = strings.TrimSpace(string(b))
		return file != ""
	})
	if strings.Contains(file, trayToken) || strings.Contains(file, "://") || !strings.HasPrefix(file, config) {
		t.Fatalf("the browser was given %q", file)
	}

	br := newBrowser(t, art)
	br.run(chromedpNavigate("file://" + file))
	// The page takes the token out of the address bar once its cookie
	// admits this browser.
	br.waitFor("the share's page", `location.href.startsWith("http://localhost:`+port+`/") && document.body.dataset.state && !location.search.includes("token=")`, 10*time.Second)
	// The page's cookie admits this browser without the token.
	connectAndCheckPicture(t, br, "http://localhost:"+port+"/?password="+vncPassword+"&resize=off")

	out := testnet.AsAnotherUser(t, "127.0.0.1:"+port, "GET /?token="+trayToken+" HTTP/1.1\r\nHost: localhost:"+port+"\r\n\r\n")
	if !strings.HasPrefix(out, "HTTP/1.1 403") {
		t.Fatalf("another user of this computer was answered:\n%s", out)
	}
}

func mustInt(t *testing.T, s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
