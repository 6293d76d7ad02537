//go:build linux

// Package wine runs the Windows build of vncbridge under Wine on a private
// Xvfb display: the command line, a proxy session, the web files, the
// installer, the service and the tray. One fresh Wine prefix serves the
// whole run; nothing reaches the host's desktop, browser or session bus.
//
// Wine 8 lacks bcryptprimitives.dll!ProcessPrng, which every Go program of
// Go 1.24 and later imports at start; the prefix gets a small one, built
// here with mingw-w64 from bcryptprimitives/bcryptprimitives.c. It is for
// the tests alone and never ships.
package wine

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"vncbridge/internal/testnet"
)

// The run's Wine: its prefix, display and the binaries under test.
var (
	root    string // temporary directory of the run
	prefix  string // WINEPREFIX
	display string // the Xvfb display, ":N"
	cliExe  string // vncbridge-cli.exe (console)
	trayExe string // vncbridge.exe (-H windowsgui)
	linux   string // the Linux build, for comparisons
	wineEnv []string
)

// The tools a run needs, all from Debian (scripts/deps.sh).
var tools = []string{"wine", "wineserver", "x86_64-w64-mingw32-gcc", "Xvfb", "xdotool"}

func TestMain(m *testing.M) {
	var missing []string
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) > 0 {
		if os.Getenv("CI") == "true" {
			fmt.Fprintf(os.Stderr, "wine: %s missing in CI (make deps installs them)\n", strings.Join(missing, ", "))
			os.Exit(1)
		}
		fmt.Printf("wine: skipped, %s not installed (make deps installs them)\n", strings.Join(missing, ", "))
		os.Exit(0)
	}
	code := 1
	if err := setUp(); err == nil {
		code = m.Run()
	} else {
		fmt.Fprintf(os.Stderr, "wine: %v\n", err)
	}
	tearDown()
	os.Exit(code)
}

var xvfb *testnet.Xvfb

func setUp() error {
	var err error
	if root, err = os.MkdirTemp("", "vncbridge-wine"); err != nil {
		return err
	}
	prefix = filepath.Join(root, "prefix")
	cliExe = filepath.Join(root, "vncbridge-cli.exe")
	trayExe = filepath.Join(root, "vncbridge.exe")
	linux = filepath.Join(root, "vncbridge")
	builds := []*exec.Cmd{
		exec.Command("go", "build", "-trimpath", "-o", cliExe, "../cmd/vncbridge"),
		exec.Command("go", "build", "-trimpath", "-ldflags", "-H windowsgui", "-o", trayExe, "../cmd/vncbridge"),
		exec.Command("go", "build", "-trimpath", "-o", linux, "../cmd/vncbridge"),
	}
	for i, b := range builds {
		b.Env = os.Environ()
		if i < 2 {
			b.Env = append(b.Env, "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
		}
		if out, err := b.CombinedOutput(); err != nil {
			return fmt.Errorf("%s: %v\n%s", b, err, out)
		}
	}

	if xvfb, err = testnet.LaunchXvfb("-screen", "0", "1024x768x24"); err != nil {
		return err
	}
	display = xvfb.Display
	wineEnv = append(os.Environ(),
		"WINEPREFIX="+prefix,
		"WINEARCH=win64",
		"WINEDEBUG=-all",
		// No menu entries or file associations on the host, no browser
		// opened there, no prompt for Mono or Gecko.
		"WINEDLLOVERRIDES=winemenubuilder.exe=d;winebrowser.exe=d;mscoree=d;mshtml=d",
		// Nothing reaches the host's session bus (notifications, portals).
		"DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/vncbridge-wine",
		"DISPLAY="+display,
	)
	// wineboot -i makes the prefix; wineserver -w waits until it is done,
	// or two services.exe answer at once.
	if _, err := runWine(2*time.Minute, "wineboot", "-i"); err != nil {
		return fmt.Errorf("wineboot: %v", err)
	}
	if err := wineserver(2*time.Minute, "-w"); err != nil {
		return err
	}
	dll := filepath.Join(prefix, "drive_c", "windows", "system32", "bcryptprimitives.dll")
	if out, err := exec.Command("x86_64-w64-mingw32-gcc", "-shared", "-O2", "-s", "-o", dll,
		"bcryptprimitives/bcryptprimitives.c", "-ladvapi32").CombinedOutput(); err != nil {
		return fmt.Errorf("building bcryptprimitives.dll: %v\n%s", err, out)
	}
	return nil
}

func tearDown() {
	if prefix != "" {
		wineserver(30*time.Second, "-k")
	}
	if xvfb != nil {
		xvfb.Stop()
	}
	if root != "" {
		os.RemoveAll(root)
	}
}

func wineserver(timeout time.Duration, arg string) error {
	cmd := exec.Command("wineserver", arg)
	cmd.Env = wineEnv
	return waitFor(cmd, timeout)
}

// result is what a finished Windows program left.
type result struct {
	code           int
	stdout, stderr string
}

// runWine runs a Windows program (a path or a name Wine knows) to its end.
// Its output goes to files, never to pipes: Wine's background processes
// inherit the pipes and would hold them open.
func runWine(timeout time.Duration, program string, args ...string) (result, error) {
	p, err := startWine(program, args...)
	if err != nil {
		return result{}, err
	}
	err = waitFor(p.cmd, timeout)
	res := result{stdout: p.out(), stderr: p.err()}
	if ee, ok := err.(*exec.ExitError); ok {
		res.code = ee.ExitCode()
		err = nil
	}
	return res, err
}

// run is runWine for a test: it fails the test when the program hangs.
func run(t *testing.T, program string, args ...string) result {
	t.Helper()
	res, err := runWine(time.Minute, program, args...)
	if err != nil {
		t.Fatalf("%s %q: %v\nstdout: %s\nstderr: %s", filepath.Base(program), args, err, res.stdout, res.stderr)
	}
	return res
}

// proc is a Windows program started under Wine.
type proc struct {
	cmd              *exec.Cmd
	outPath, errPath string // where its output goes
	done             chan struct{}
	exit             error
}

func startWine(program string, args ...string) (*proc, error) {
	return startWineWith(nil, program, args...)
}

// startWineWith is startWine with more environment variables (LANG=…).
func startWineWith(env []string, program string, args ...string) (*proc, error) {
	dir, err := os.MkdirTemp(root, "proc")
	if err != nil {
		return nil, err
	}
	p := &proc{outPath: filepath.Join(dir, "stdout"), errPath: filepath.Join(dir, "stderr"), done: make(chan struct{})}
	stdout, err := os.Create(p.outPath)
	if err != nil {
		return nil, err
	}
	defer stdout.Close() // the program has its own descriptor once started
	stderr, err := os.Create(p.errPath)
	if err != nil {
		return nil, err
	}
	defer stderr.Close()
	p.cmd = exec.Command("wine", append([]string{program}, args...)...)
	p.cmd.Env = append(slices.Clip(wineEnv), env...)
	p.cmd.Dir = root
	p.cmd.Stdout, p.cmd.Stderr = stdout, stderr
	if err := p.cmd.Start(); err != nil {
		return nil, err
	}
	return p, nil
}

// start starts a Windows program for a test, killed when the test ends.
func start(t *testing.T, program string, args ...string) *proc {
	t.Helper()
	p, err := startWine(program, args...)
	if err != nil {
		t.Fatal(err)
	}
	go func() { p.exit = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
		if t.Failed() {
			t.Logf("%s %q said:\n%s%s", filepath.Base(program), args, p.out(), p.err())
		}
	})
	return p
}

func (p *proc) out() string { b, _ := os.ReadFile(p.outPath); return string(b) }
func (p *proc) err() string { b, _ := os.ReadFile(p.errPath); return string(b) }

// exitCode waits for the program's end.
func (p *proc) exitCode(t *testing.T, timeout time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(timeout):
		t.Fatalf("still running after %v", timeout)
	}
	if ee, ok := p.exit.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if p.exit != nil {
		t.Fatal(p.exit)
	}
	return 0
}

// waitFor runs cmd to its end, or kills it after timeout.
func waitFor(cmd *exec.Cmd, timeout time.Duration) error {
	if cmd.Process == nil {
		if err := cmd.Start(); err != nil {
			return err
		}
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(timeout):
		cmd.Process.Kill()
		<-done
		return fmt.Errorf("%s: still running after %v", strings.Join(cmd.Args, " "), timeout)
	}
}

// winPath is a Linux path as Windows programs under Wine see it.
func winPath(p string) string { return "Z:" + strings.ReplaceAll(p, "/", `\`) }

// userDir is the Windows user's profile folder in the prefix.
func userDir(t *testing.T) string {
	t.Helper()
	dirs, _ := filepath.Glob(filepath.Join(prefix, "drive_c", "users", "*", "AppData"))
	for _, d := range dirs {
		if !strings.Contains(d, "Public") {
			return filepath.Dir(d)
		}
	}
	t.Fatal("no user profile in the prefix")
	return ""
}

// regQuery is the data of a registry value, and whether it is there.
func regQuery(t *testing.T, key, value string) (string, bool) {
	t.Helper()
	res := run(t, "reg", "query", key, "/v", value)
	if res.code != 0 {
		return "", false
	}
	for _, line := range strings.Split(res.stdout, "\n") {
		f := strings.Fields(line)
		if len(f) >= 3 && strings.EqualFold(f[0], value) {
			i := strings.Index(line, f[1])
			return strings.TrimSpace(line[i+len(f[1]):]), true
		}
	}
	return "", true
}

// linuxRun runs the Linux build and returns its standard output.
func linuxRun(args ...string) (string, error) {
	out, err := exec.Command(linux, args...).Output()
	return string(out), err
}

// linuxStart starts the Linux build, killed when the test ends.
func linuxStart(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(linux, args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd
}
