package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"vncbridge/internal/testnet"
)

// The colour of the bare X display the tray shares by itself.
const (
	plainBackground = "#2e8b57" // rgb(46, 139, 87)
)

var plainBackgroundRGB = [3]int{0x2e, 0x8b, 0x57}

// startXvfb starts a bare X display (no VNC server) with a known
// background and returns its name (":12").
func startXvfb(t *testing.T) string {
	t.Helper()
	requireTools(t, "xsetroot")
	// -noreset: the background stays when xsetroot leaves.
	display := testnet.StartXvfb(t, "-screen", "0", fmt.Sprintf("%dx%dx24", screenW, screenH), "-noreset")
	set := exec.Command("xsetroot", "-solid", plainBackground)
	set.Env = append(os.Environ(), "DISPLAY="+display)
	if out, err := set.CombinedOutput(); err != nil {
		t.Fatalf("xsetroot: %v %s", err, out)
	}
	return display
}

// plainTray is the headless tray started on an X display with a fresh
// configuration: a free port to listen on, and a target port where nothing
// answers (other tests may run VNC servers at 5900).
type plainTray struct {
	cmd     *exec.Cmd
	out     *testnet.LogBuffer
	port    string
	runtime string // its XDG_RUNTIME_DIR
	done    chan error
}

// startPlainTray starts it; settings, when given, go in its settings file
// over the fresh ones ("target": "desktop:x11vnc:RIGHT-1").
func startPlainTray(t *testing.T, art *artifacts, name, display, path string, settings ...map[string]any) *plainTray {
	t.Helper()
	config := t.TempDir()
	port := freePort(t)
	tr := &plainTray{out: &testnet.LogBuffer{}, port: strconv.Itoa(port), done: make(chan error, 1)}
	// A short runtime folder: a Unix socket's path has room for 107 bytes.
	rt, err := os.MkdirTemp("", "rt")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(rt, 0o700)
	t.Cleanup(func() { os.RemoveAll(rt) })
	tr.runtime = rt
	fresh := map[string]any{"port": port, "target": "localhost:" + strconv.Itoa(freePort(t)), "token": trayToken}
	for _, extra := range settings {
		maps.Copy(fresh, extra)
	}
	b, _ := json.Marshal(fresh)
	if err := os.WriteFile(filepath.Join(config, "settings.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	tr.cmd = exec.Command(buildVncbridge(t), "--headless", "--config-dir", config)
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "DISPLAY", "WAYLAND_DISPLAY", "XDG_RUNTIME_DIR", "XDG_CURRENT_DESKTOP", "PATH":
			continue
		}
		env = append(env, kv)
	}
	tr.cmd.Env = append(env, "DISPLAY="+display, "XDG_RUNTIME_DIR="+rt, "PATH="+path)
	log := art.file(name + ".log")
	tr.cmd.Stdout = io.MultiWriter(tr.out, log)
	tr.cmd.Stderr = tr.cmd.Stdout
	if err := tr.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { tr.done <- tr.cmd.Wait() }()
	t.Cleanup(func() {
		tr.cmd.Process.Kill()
		<-tr.done
	})
	return tr
}

func (tr *plainTray) waitSaid(t *testing.T, within time.Duration, want string) {
	t.Helper()
	waitUntil(t, within, "vncbridge to say "+want, func() bool { return strings.Contains(tr.out.String(), want) })
}

// children returns the process IDs of the tray's children named comm.
func (tr *plainTray) children(comm string) []int {
	return testnet.ChildrenNamed(tr.cmd.Process.Pid, comm)
}

// No VNC server runs, only a bare X display and x11vnc installed: the
// headless tray with a fresh configuration shares this desktop by itself,
// through x11vnc on a private socket (0700 folder, no TCP port), restarts
// it when it is killed, and ends it when it stops sharing.
func TestTrayStartsX11vncForThisDesktop(t *testing.T) {
	requireTools(t, "x11vnc")
	art := newArtifacts(t)
	display := startXvfb(t)
	tr := startPlainTray(t, art, "vncbridge-thisdesktop", display, os.Getenv("PATH"))
	tr.waitSaid(t, 20*time.Second, "Sharing this desktop (x11vnc) at http://localhost:"+tr.port)
	var pid int
	waitUntil(t, 10*time.Second, "x11vnc, a child of vncbridge", func() bool {
		p := tr.children("x11vnc")
		if len(p) == 1 {
			pid = p[0]
		}
		return len(p) == 1
	})

	// Its socket's folder is this user's alone, and it listens on no TCP port.
	dirs, _ := filepath.Glob(filepath.Join(tr.runtime, "vncbridge-x11vnc-*"))
	if len(dirs) != 1 {
		t.Fatalf("socket folders in %s: %v", tr.runtime, dirs)
	}
	fi, err := os.Stat(dirs[0])
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("the socket's folder %s: %v, %v; want 0700", dirs[0], fi.Mode(), err)
	}
	if inos := testnet.TCPListenersOf(t, pid); len(inos) > 0 {
		t.Fatalf("x11vnc (pid %d) listens on a TCP port (socket inodes %v)", pid, inos)
	}

	// Chromium through vncbridge's page shows the display's colour.
	b := newBrowser(t, art)
	b.run(chromedpNavigate("http://localhost:" + tr.port + "/?token=" + trayToken + "&resize=off"))
	b.waitFor("the connected state", `document.body.dataset.state === "connected"`, 20*time.Second)
	var size [2]int
	b.eval(`(() => { const d = window.vncbridge.rfb.getImageData(); return [d.width, d.height]; })()`, &size)
	if size != [2]int{screenW, screenH} {
		t.Fatalf("remote screen is %v, want %dx%d", size, screenW, screenH)
	}
	b.waitPixel(10, 10, plainBackgroundRGB)
	b.waitPixel(screenW-5, screenH-5, plainBackgroundRGB)

	// Killed, it comes back, and the status said so.
	syscall.Kill(pid, syscall.SIGKILL)
	waitUntil(t, 15*time.Second, "a new x11vnc", func() bool {
		p := tr.children("x11vnc")
		return len(p) == 1 && p[0] != pid
	})
	tr.waitSaid(t, 10*time.Second, "x11vnc stopped; starting it again")
	pid = tr.children("x11vnc")[0]

	// Stopping sharing (the headless tray quits) ends it and its folder.
	tr.cmd.Process.Signal(os.Interrupt)
	select {
	case err := <-tr.done:
		tr.done <- err
		if err != nil {
			t.Fatalf("the headless tray's exit: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the headless tray did not stop")
	}
	if err := syscall.Kill(pid, 0); err == nil {
		t.Fatalf("x11vnc (pid %d) runs on after vncbridge stopped sharing", pid)
	}
	if _, err := os.Stat(dirs[0]); !os.IsNotExist(err) {
		t.Fatalf("the socket's folder is left: %v", err)
	}
}

// Without x11vnc, the status names the command that installs it.
func TestTrayWithoutX11vncNamesTheInstallCommand(t *testing.T) {
	art := newArtifacts(t)
	display := startXvfb(t)
	tr := startPlainTray(t, art, "vncbridge-nox11vnc", display, t.TempDir())
	tr.waitSaid(t, 20*time.Second, "No VNC server runs; install x11vnc")
	if os, _ := os.ReadFile("/etc/os-release"); strings.Contains(string(os), "ID=debian") {
		tr.waitSaid(t, time.Second, "install x11vnc: sudo apt install x11vnc")
	}
	if strings.Contains(tr.out.String(), "Sharing this desktop") {
		t.Fatalf("shared this desktop without x11vnc:\n%s", tr.out.String())
	}
}
