//go:build linux

package main

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"vncbridge/internal/testnet"
)

func TestRecordingsPageOnLoopbackOnly(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "session.1"), []byte("var VNC_frame_data = [\n'{5{RFB 003.008\\x0a',\n'EOF'];\n"), 0o600)
	cmd := exec.Command(binary, "recordings", "--no-browser", dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill() })

	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := regexp.MustCompile(`http://127\.0\.0\.1:\d+/[0-9a-f]{32}/`).FindString(sc.Text()); m != "" {
				urls <- m
			}
		}
	}()
	var page string
	select {
	case page = <-urls:
	case <-time.After(10 * time.Second):
		t.Fatal("no address printed")
	}
	host := strings.Split(page, "/")[2]
	_, port, _ := net.SplitHostPort(host)

	if code, body := testnet.Do(t, "GET", page, nil); code != 200 || !strings.Contains(body, ">Recordings — vncbridge</title>") {
		t.Fatalf("the page: %d %.200s", code, body)
	}
	if code, body := testnet.Do(t, "GET", page+"api/recordings", nil); code != 200 || !strings.Contains(body, `"name":"session.1"`) || !strings.Contains(body, `"duration_ms":5`) {
		t.Fatalf("the list: %d %s", code, body)
	}
	if code, _ := testnet.Do(t, "GET", "http://"+host+"/api/recordings", nil); code != 404 {
		t.Fatalf("without the secret: %d", code)
	}
	if code, _ := testnet.Do(t, "GET", page+"api/recordings", map[string]string{"Host": "attacker.example:" + port}); code != 403 {
		t.Fatalf("another Host: %d", code)
	}
	// Not on the network: this computer's other addresses refuse.
	addrs, _ := net.InterfaceAddrs()
	tried := 0
	for _, a := range addrs {
		ip, _, _ := net.ParseCIDR(a.String())
		if ip == nil || ip.IsLoopback() || ip.IsLinkLocalUnicast() {
			continue
		}
		tried++
		if c, err := net.DialTimeout("tcp", net.JoinHostPort(ip.String(), port), 2*time.Second); err == nil {
			c.Close()
			t.Fatalf("the page answers on %s", ip)
		}
	}
	if tried == 0 {
		t.Log("this machine has no address but loopback: only the listening address was checked")
	}

	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("did not stop on SIGTERM")
	}
}

func TestRecordingsBadArguments(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"recordings", "/no/such/folder"}, 1, "is not a folder"},
		{[]string{"recordings", "a", "b"}, 2, "one folder at most"},
		{[]string{"recordings", "--bogus"}, 2, "unknown flag"},
	} {
		s := start(t, binary, c.args...)
		if code := s.exitCode(t); code != c.code || !strings.Contains(s.out.String(), c.says) {
			t.Errorf("%v: exit %d, said %q; want %d and %q", c.args, code, s.out, c.code, c.says)
		}
	}
	out, err := exec.Command(binary, "recordings", "--help").Output()
	if err != nil || !strings.Contains(string(out), "Usage: vncbridge recordings") {
		t.Fatalf("--help: %v %s", err, out)
	}
}
