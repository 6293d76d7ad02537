package e2e

import (
	"bufio"
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

// The scale-out of docs/SCALING.md, on loopback: two vncbridge processes
// share their tokens through one Redis and sit behind HAProxy. Stopping one
// sends new sessions to the other, and the sessions on the survivor go on.

// buildVncbridge builds the command once per test binary.
func buildVncbridge(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "vncbridge")
	out, err := exec.Command("go", "build", "-o", bin, "vncbridge/cmd/vncbridge").CombinedOutput()
	if err != nil {
		t.Fatalf("building vncbridge: %v\n%s", err, out)
	}
	return bin
}

// greeter is a TCP target that says its name, then echoes.
func greeter(t testing.TB, name string) string { return testnet.Greeter(t, name+"\n") }

// redisServer starts a real redis-server and stores the tokens.
func redisServer(t *testing.T, tokens map[string]string) string {
	t.Helper()
	port := freePort(t)
	cmd := exec.Command("redis-server", "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr := "127.0.0.1:" + strconv.Itoa(port)
	waitUntil(t, 5*time.Second, "redis-server", func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	for k, v := range tokens {
		fmt.Fprintf(c, "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", len(k), k, len(v), v)
		if line, _ := br.ReadString('\n'); !strings.HasPrefix(line, "+OK") {
			t.Fatalf("redis SET: %q", line)
		}
	}
	return addr
}

// instance is one vncbridge process.
type instance struct {
	addr string
	cmd  *exec.Cmd
	log  *os.File
}

func startInstance(t *testing.T, bin, redisAddr string, art *artifacts, name string) *instance {
	t.Helper()
	addr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	log := art.file(name + ".log")
	cmd := exec.Command(bin, "proxy", "--token-plugin", "TokenRedis", "--token-source", redisAddr, "--metrics", "--no-web", addr)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	waitUntil(t, 10*time.Second, name+" to listen", func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return &instance{addr: addr, cmd: cmd, log: log}
}

// sessionsTotal reads an instance's vncbridge_sessions_total.
func (in *instance) sessionsTotal(t *testing.T) int {
	t.Helper()
	r, err := http.Get("http://" + in.addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	m := regexp.MustCompile(`(?m)^vncbridge_sessions_total (\d+)$`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no sessions_total in %s", b)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// haproxy starts HAProxy in front of the instances.
func haproxy(t *testing.T, art *artifacts, backends ...*instance) string {
	t.Helper()
	addr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	cfg := "global\n  maxconn 1000\n" +
		"defaults\n  mode http\n  timeout connect 2s\n  timeout client 1h\n  timeout server 1h\n  timeout tunnel 1h\n" +
		"  option redispatch\n  retries 3\n" +
		"frontend desks\n  bind " + addr + "\n  default_backend vncbridge\n" +
		"backend vncbridge\n  balance roundrobin\n  option httpchk GET /metrics\n"
	for i, b := range backends {
		cfg += fmt.Sprintf("  server v%d %s check inter 200ms fall 1 rise 1\n", i, b.addr)
	}
	path := filepath.Join(t.TempDir(), "haproxy.cfg")
	os.WriteFile(path, []byte(cfg), 0o644)
	os.WriteFile(filepath.Join(art.dir, "haproxy.cfg"), []byte(cfg), 0o644)
	log := art.file("haproxy.log")
	cmd := exec.Command("haproxy", "-db", "-f", path)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	waitUntil(t, 10*time.Second, "haproxy to listen", func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return addr
}

// desk is a WebSocket session through the load balancer.
type desk struct {
	t    *testing.T
	conn net.Conn
	br   *bufio.Reader
}

func openDesk(t *testing.T, addr, token string) *desk {
	t.Helper()
	conn, br := testnet.OpenWebSocket(t, addr, "/websockify?token="+token)
	return &desk{t: t, conn: conn, br: br}
}

// read reads n payload bytes of the server's binary frames.
func (d *desk) read(n int) string {
	d.t.Helper()
	d.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	var got []byte
	for len(got) < n {
		var h [2]byte
		if _, err := io.ReadFull(d.br, h[:]); err != nil {
			d.t.Fatalf("reading: %v", err)
		}
		if h[0]&0x0f != 2 {
			d.t.Fatalf("frame opcode %d", h[0]&0x0f)
		}
		p := make([]byte, h[1]&0x7f)
		io.ReadFull(d.br, p)
		got = append(got, p...)
	}
	return string(got)
}

// echo sends a message and checks it comes back.
func (d *desk) echo(msg string) {
	d.t.Helper()
	frame := append([]byte{0x82, 0x80 | byte(len(msg)), 0, 0, 0, 0}, msg...) // zero mask
	if _, err := d.conn.Write(frame); err != nil {
		d.t.Fatalf("writing: %v", err)
	}
	if got := d.read(len(msg)); got != msg {
		d.t.Fatalf("echo %q, want %q", got, msg)
	}
}

func TestScaleOutBehindHAProxy(t *testing.T) {
	requireTools(t, "redis-server", "haproxy")
	art := newArtifacts(t)
	bin := buildVncbridge(t)
	redisAddr := redisServer(t, map[string]string{
		"desk-a": `{"host": "` + greeter(t, "desk-a") + `"}`,
		"desk-b": greeter(t, "desk-b"),
	})
	one := startInstance(t, bin, redisAddr, art, "one")
	two := startInstance(t, bin, redisAddr, art, "two")
	lb := haproxy(t, art, one, two)

	// Sessions spread over both instances; each reaches its token's desktop.
	var open []*desk
	for i := 0; i < 4; i++ {
		token := []string{"desk-a", "desk-b"}[i%2]
		d := openDesk(t, lb, token)
		if got := d.read(len(token) + 1); got != token+"\n" {
			t.Fatalf("token %s reached %q", token, got)
		}
		open = append(open, d)
	}
	if a, b := one.sessionsTotal(t), two.sessionsTotal(t); a == 0 || b == 0 || a+b != 4 {
		t.Fatalf("sessions per instance: %d and %d", a, b)
	}

	// Stop one instance.
	one.cmd.Process.Signal(syscall.SIGTERM)
	if err := one.cmd.Wait(); err != nil {
		t.Fatalf("instance one did not stop cleanly: %v", err)
	}
	before := two.sessionsTotal(t)

	// New sessions all land on the survivor.
	for i := 0; i < 4; i++ {
		d := openDesk(t, lb, "desk-b")
		if got := d.read(7); got != "desk-b\n" {
			t.Fatalf("after the stop: %q", got)
		}
		d.echo("after the stop")
	}
	if got := two.sessionsTotal(t) - before; got != 4 {
		t.Fatalf("the survivor took %d of 4 new sessions", got)
	}

	// Sessions on the survivor kept running; those on the stopped instance
	// were closed with 1001 (going away).
	survived := 0
	for _, d := range open {
		frame := append([]byte{0x82, 0x80 | 5, 0, 0, 0, 0}, "still"...)
		d.conn.Write(frame)
		d.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		var h [2]byte
		if _, err := io.ReadFull(d.br, h[:]); err != nil {
			continue
		}
		p := make([]byte, h[1]&0x7f)
		io.ReadFull(d.br, p)
		switch op := h[0] & 0x0f; {
		case op == 2 && string(p) == "still":
			survived++
		case op == 8 && len(p) >= 2 && int(p[0])<<8|int(p[1]) == 1001:
		default:
			t.Fatalf("an old session got opcode %d %q", op, p)
		}
	}
	if survived != 2 {
		t.Fatalf("%d of the 2 sessions on the survivor kept running", survived)
	}
}
