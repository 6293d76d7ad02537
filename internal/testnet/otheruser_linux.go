package testnet

import (
	"os"
	"os/exec"
	"syscall"
	"testing"
)

// AsAnotherUser sends request (raw bytes) to addr as the user nobody, from
// Debian's own Python (which every user may run), and returns what came
// back. Only root can act as another user: CI runs as root; elsewhere the
// test is skipped, saying why.
func AsAnotherUser(t testing.TB, addr, request string) string {
	t.Helper()
	if os.Getuid() != 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("CI runs as root, which acting as another user needs")
		}
		t.Skip("only root can act as another user (CI does)")
	}
	cmd := exec.Command("/usr/bin/python3", "-c", `
import socket, sys
host, _, port = sys.argv[1].rpartition(":")
s = socket.create_connection((host.strip("[]"), int(port)))
s.sendall(sys.argv[2].encode())
out = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    out += b
sys.stdout.write(out.decode("utf-8", "replace"))`, addr, request)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	cmd.Dir = "/"
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the other user's client: %v\n%s", err, out)
	}
	return string(out)
}
