//go:build linux

package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"vncbridge/internal/testnet"
)

// binary is vncbridge built once for these tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "vncbridge-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "vncbridge")
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building vncbridge: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// echoServer is a TCP target that echoes.
func echoServer(t *testing.T) string { return testnet.Echo(t) }

func freeAddr(t *testing.T) string { return "127.0.0.1:" + strconv.Itoa(testnet.FreePort(t)) }

// started is a running vncbridge: killed when the test ends, and what it
// said (stdout and stderr) logged if the test failed.
type started struct {
	cmd    *exec.Cmd
	out    *testnet.LogBuffer
	exited chan struct{} // closed when it has ended; err is then what Wait returned
	err    error
}

// start runs path with args in the test's environment.
func start(t *testing.T, path string, args ...string) *started {
	t.Helper()
	return startEnv(t, nil, path, args...)
}

// startEnv runs path with args, env added to the test's environment (an
// entry there overrides the same variable of the test's).
func startEnv(t *testing.T, env []string, path string, args ...string) *started {
	t.Helper()
	cmd := exec.Command(path, args...)
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	s := &started{cmd: cmd, out: &testnet.LogBuffer{}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = s.out, s.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		s.err = cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-s.exited
		if t.Failed() {
			t.Logf("%v said:\n%s", args, s.out)
		}
	})
	return s
}

// exitCode waits for the process to end and returns its exit status.
func (s *started) exitCode(t *testing.T) int {
	t.Helper()
	select {
	case <-s.exited:
		if ee, ok := s.err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		if s.err != nil {
			t.Fatal(s.err)
		}
		return 0
	case <-time.After(15 * time.Second):
		t.Fatal("vncbridge did not exit")
		return -1
	}
}

func waitListening(t *testing.T, network, addr string) {
	t.Helper()
	testnet.WaitFor(t, "vncbridge to listen on "+addr, func() bool {
		c, err := net.Dial(network, addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
}

// echoThrough opens a WebSocket on conn and checks an echo through it.
func echoThrough(t *testing.T, conn net.Conn, msg string) { testnet.EchoThrough(t, conn, msg) }

// shareToken is the token of the tray's and the service's shares in the
// settings the tests write: every share needs one.
const shareToken = "cmd-test-share-token-0123456789"

// shareEchoThrough is echoThrough on a share of the tray or the service,
// with its token.
func shareEchoThrough(t *testing.T, conn net.Conn, msg string) {
	t.Helper()
	v := testnet.OpenViewerAt(t, conn, "/websockify?token="+shareToken)
	v.Echo(t, msg)
	v.Close()
}

func TestProxyRelaysAndStopsOnSIGTERM(t *testing.T) {
	t.Parallel()
	listen := freeAddr(t)
	p := start(t, binary, "proxy", listen, echoServer(t))
	waitListening(t, "tcp", listen)
	conn, _ := net.Dial("tcp", listen)
	echoThrough(t, conn, "through the binary")

	p.cmd.Process.Signal(syscall.SIGTERM)
	if code := p.exitCode(t); code != 0 {
		t.Fatalf("exit %d after SIGTERM", code)
	}
	log := p.out.String()
	for _, want := range []string{"listening", "TLS is off: certificate file self.pem not found (--cert)", "session ended", "to_target=18", "stopping"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q:\n%s", want, log)
		}
	}
}

func TestStartedAsWebsockify(t *testing.T) {
	t.Parallel()
	link := filepath.Join(t.TempDir(), "websockify")
	if err := os.Symlink(binary, link); err != nil {
		t.Fatal(err)
	}
	listen := freeAddr(t)
	start(t, link, listen, echoServer(t))
	waitListening(t, "tcp", listen)
	conn, _ := net.Dial("tcp", listen)
	echoThrough(t, conn, "websockify's name")
}

func TestBadArgumentsExit2(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"proxy", "--no-such-option", "6080", "h:1"},
		{"proxy", "6080"},
		{"proxy", "--token-plugin=TokenFile", "6080"},
		{"proxy", "--ssl-only", "--cert=/nonexistent.pem", "6080", "h:1"},
		{"proxy", "--web=/nonexistent-dir", "6080", "h:1"},
		{"nonsense"},
		{"--no-such-flag"},
		{"--headless", "extra"},
	} {
		cmd := exec.Command(binary, args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != 2 {
			t.Errorf("%q: %v, want exit 2", args, err)
		}
		if stderr.Len() == 0 {
			t.Errorf("%q: said nothing", args)
		}
	}
}

func TestVersionAndHelp(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--version"}, {"proxy", "--version"}} {
		out, err := exec.Command(binary, args...).Output()
		if err != nil || !strings.HasPrefix(string(out), "vncbridge ") {
			t.Errorf("%q: %q %v", args, out, err)
		}
	}
	for _, args := range [][]string{{"--help"}, {"proxy", "--help"}} {
		out, err := exec.Command(binary, args...).Output()
		if err != nil || !strings.Contains(string(out), "vncbridge proxy") {
			t.Errorf("%q: %q %v", args, out, err)
		}
	}
}

func TestRunOnceExitsAfterTheSession(t *testing.T) {
	t.Parallel()
	listen := freeAddr(t)
	p := start(t, binary, "proxy", "--run-once", listen, echoServer(t))
	waitListening(t, "tcp", listen)
	conn, _ := net.Dial("tcp", listen)
	echoThrough(t, conn, "once") // closes the connection
	if code := p.exitCode(t); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

func TestDaemonDetaches(t *testing.T) {
	listen := freeAddr(t)
	logFile := filepath.Join(t.TempDir(), "vncbridge.log")
	cmd := exec.Command(binary, "proxy", "-D", "--log-file", logFile, listen, echoServer(t))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the parent: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`process (\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("the parent did not say the child's process: %s", out)
	}
	pid, _ := strconv.Atoi(string(m[1]))
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGTERM) })
	// The child listens already: the parent waited for it.
	conn, err := net.Dial("tcp", listen)
	if err != nil {
		t.Fatalf("the daemon does not listen: %v", err)
	}
	echoThrough(t, conn, "daemon")
	if sid, _ := getsid(pid); sid != pid {
		t.Errorf("the daemon is not a session leader: sid %d, pid %d", sid, pid)
	}
	stat, _ := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if fields := strings.Fields(string(stat)); len(fields) > 6 && fields[6] != "0" {
		t.Errorf("the daemon has a terminal: tty_nr %s", fields[6])
	}
	testnet.WaitFor(t, "the daemon's log", func() bool {
		b, _ := os.ReadFile(logFile)
		return strings.Contains(string(b), "session ended")
	})
}

func TestDaemonReportsWhyItCouldNotStart(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	out, err := exec.Command(binary, "proxy", "-D", busy.Addr().String(), "h:1").CombinedOutput()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "address already in use") {
		t.Fatalf("%v: %s", err, out)
	}
}

func TestUnixListenAndInetd(t *testing.T) {
	t.Parallel()
	sock := filepath.Join(t.TempDir(), "proxy.sock")
	start(t, binary, "proxy", "--unix-listen", sock, "--unix-listen-mode", "640", echoServer(t))
	waitListening(t, "unix", sock)
	if fi, _ := os.Stat(sock); fi.Mode().Perm() != 0o640 {
		t.Errorf("socket mode %v, want 0640", fi.Mode().Perm())
	}
	conn, _ := net.Dial("unix", sock)
	echoThrough(t, conn, "unix socket")

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	lnFile, _ := ln.(*net.TCPListener).File()
	ln.Close() // the file keeps the socket listening
	cmd := exec.Command(binary, "proxy", "--inetd", echoServer(t))
	cmd.Stdin = lnFile
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lnFile.Close()
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	conn, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	echoThrough(t, conn, "inetd")
}

func TestServesTheViewer(t *testing.T) {
	t.Parallel()
	listen := freeAddr(t)
	start(t, binary, "proxy", listen, echoServer(t))
	waitListening(t, "tcp", listen)
	r, err := http.Get("http://" + listen + "/vnc.html")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != 200 || !strings.Contains(string(body), "vncbridge.js") {
		t.Fatalf("%d %q", r.StatusCode, body)
	}

	noWeb := freeAddr(t)
	start(t, binary, "proxy", "--no-web", noWeb, echoServer(t))
	waitListening(t, "tcp", noWeb)
	if r, err := http.Get("http://" + noWeb + "/"); err != nil || r.StatusCode != 405 {
		t.Fatalf("--no-web: %v %v", r, err)
	}
}

func TestSIGTERMClosesOpenSessionsWith1001(t *testing.T) {
	t.Parallel()
	listen := freeAddr(t)
	p := start(t, binary, "proxy", listen, echoServer(t))
	waitListening(t, "tcp", listen)
	conn, err := net.Dial("tcp", listen)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	br := testnet.Handshake(t, conn, "/")
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	p.cmd.Process.Signal(syscall.SIGTERM)
	var h [4]byte
	if _, err := io.ReadFull(br, h[:]); err != nil {
		t.Fatalf("no close frame before the exit: %v", err)
	}
	if h[0] != 0x88 || int(h[2])<<8|int(h[3]) != 1001 {
		t.Fatalf("got % x, want a close frame with 1001", h)
	}
	conn.Write([]byte{0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe9}) // answer the close
	if code := p.exitCode(t); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(p.out.String(), "server shutting down") {
		t.Fatalf("the session's end is not in the log:\n%s", p.out)
	}
}
