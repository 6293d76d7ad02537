// Package e2e proves vncbridge's promise the way a person meets it: a real
// desktop (TigerVNC's Xvnc) shown through vncbridge in a real browser
// (headless Chromium), with a known picture checked pixel by pixel, and keys
// and the mouse reaching the X server.
package e2e

import (
	"fmt"
	"net"
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

// The desktop's known picture: a solid background and a red window placed
// where the test looks for it.
const (
	screenW, screenH = 640, 480
	background       = "#3366cc" // rgb(51, 102, 204)
	windowX, windowY = 100, 120  // the xterm's top-left corner
	vncPassword      = "e2e-secret"
)

var (
	backgroundRGB = [3]int{0x33, 0x66, 0xcc}
	windowRGB     = [3]int{0xff, 0x00, 0x00}
)

// desktop is a running Xvnc with its picture.
type desktop struct {
	width   int
	height  int
	display string // ":57"
	rfbAddr string // 127.0.0.1:port
	typed   string // the file the xterm writes what is typed into it
	dir     string
}

// requireTools is testnet.RequireTools, under the name the end-to-end tests
// use.
func requireTools(t testing.TB, names ...string) {
	t.Helper()
	testnet.RequireTools(t, names...)
}

func freePort(t testing.TB) int { return testnet.FreePort(t) }

// freeDisplay finds an X display number nobody uses. A lock file whose
// process is gone does not count.
func freeDisplay(t testing.TB) int {
	for n := 40; n < 100; n++ {
		lock, err := os.ReadFile(fmt.Sprintf("/tmp/.X%d-lock", n))
		if err == nil {
			pid, _ := strconv.Atoi(strings.TrimSpace(string(lock)))
			if pid > 0 && syscall.Kill(pid, 0) == nil {
				continue
			}
			os.Remove(fmt.Sprintf("/tmp/.X%d-lock", n))
			os.Remove(fmt.Sprintf("/tmp/.X11-unix/X%d", n))
		}
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); os.IsNotExist(err) {
			return n
		}
	}
	t.Fatal("no free X display")
	return 0
}

// startDesktop starts Xvnc with a password, paints the background and opens
// a red xterm that writes what is typed into it to a file.
func startDesktop(t testing.TB, art *artifacts) *desktop {
	return startDesktopSized(t, art, screenW, screenH)
}

// startDesktopSized is startDesktop with a screen of the given size.
func startDesktopSized(t testing.TB, art *artifacts, width, height int) *desktop {
	t.Helper()
	requireTools(t, "Xvnc", "vncpasswd", "xsetroot", "xterm", "xdotool")
	dir := t.TempDir()
	d := &desktop{width: width, height: height, dir: dir, typed: filepath.Join(dir, "typed.txt")}

	passwd := exec.Command("vncpasswd", "-f")
	passwd.Stdin = strings.NewReader(vncPassword + "\n")
	pw, err := passwd.Output()
	if err != nil {
		t.Fatalf("vncpasswd: %v", err)
	}
	pwFile := filepath.Join(dir, "passwd")
	os.WriteFile(pwFile, pw, 0o600)

	n := freeDisplay(t)
	port := freePort(t)
	d.display = ":" + strconv.Itoa(n)
	d.rfbAddr = "127.0.0.1:" + strconv.Itoa(port)
	xlog := art.file("xvnc.log")
	xvnc := exec.Command("Xvnc", d.display, "-geometry", fmt.Sprintf("%dx%d", width, height), "-depth", "24",
		"-rfbport", strconv.Itoa(port), "-SecurityTypes", "VncAuth", "-PasswordFile", pwFile,
		"-localhost", "-nolisten", "tcp", "-desktop", "vncbridge-e2e", "-AlwaysShared")
	xvnc.Stdout, xvnc.Stderr = xlog, xlog
	if err := xvnc.Start(); err != nil {
		t.Fatalf("Xvnc: %v", err)
	}
	t.Cleanup(func() {
		xvnc.Process.Signal(syscall.SIGTERM) // it removes its lock and socket
		done := make(chan struct{})
		go func() { xvnc.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			xvnc.Process.Kill()
			<-done
		}
	})
	waitUntil(t, 10*time.Second, "Xvnc to listen", func() bool {
		c, err := net.Dial("tcp", d.rfbAddr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})

	x := func(name string, args ...string) *exec.Cmd {
		cmd := d.command(name, args...)
		cmd.Stderr = xlog
		return cmd
	}
	if err := x("xsetroot", "-solid", background).Run(); err != nil {
		t.Fatalf("xsetroot: %v", err)
	}
	term := x("xterm", "-geometry", fmt.Sprintf("40x10+%d+%d", windowX, windowY), "-bg", "red", "-fg", "red",
		"-cr", "red", "-bw", "0", "-b", "0", "-title", "typing", "-e", "sh", "-c", "cat > "+d.typed)
	if err := term.Start(); err != nil {
		t.Fatalf("xterm: %v", err)
	}
	t.Cleanup(func() { term.Process.Kill(); term.Wait() })
	waitUntil(t, 10*time.Second, "the xterm window", func() bool {
		out, err := x("xdotool", "search", "--name", "typing").Output()
		return err == nil && len(strings.TrimSpace(string(out))) > 0
	})
	// The xterm takes the keyboard focus, so typed keys land in it.
	x("xdotool", "search", "--name", "typing", "windowfocus").Run()
	return d
}

// command is an X client to run on the desktop's display.
func (d *desktop) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+d.display)
	return cmd
}

// pointer reads the X pointer's position.
func (d *desktop) pointer(t testing.TB) (int, int) {
	t.Helper()
	out, err := d.command("xdotool", "getmouselocation", "--shell").Output()
	if err != nil {
		t.Fatalf("xdotool: %v", err)
	}
	var x, y int
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "X="); ok {
			x, _ = strconv.Atoi(v)
		}
		if v, ok := strings.CutPrefix(line, "Y="); ok {
			y, _ = strconv.Atoi(v)
		}
	}
	return x, y
}

// waitUntil is testnet.WaitWithin, under the name the end-to-end tests use.
func waitUntil(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	testnet.WaitWithin(t, within, what, cond)
}

// artifacts is where a failing test leaves what explains it: screenshots,
// the page's console, vncbridge's and Xvnc's logs.
type artifacts struct {
	t   testing.TB
	dir string
}

func newArtifacts(t testing.TB) *artifacts {
	root := os.Getenv("E2E_ARTIFACTS")
	if root == "" {
		root = filepath.Join(os.TempDir(), "vncbridge-e2e-artifacts")
	}
	dir := filepath.Join(root, strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()))
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	a := &artifacts{t: t, dir: dir}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("artifacts of this failure: %s", dir)
		}
	})
	return a
}

func (a *artifacts) file(name string) *os.File {
	f, err := os.Create(filepath.Join(a.dir, name))
	if err != nil {
		a.t.Fatal(err)
	}
	a.t.Cleanup(func() { f.Close() })
	return f
}
