package testnet

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"regexp"
	"sync"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// inNamespace is set in the environment of a test binary that runs in its own
// network namespace.
const inNamespace = "VNCBRIDGE_TEST_NETNS"

// InLoopbackNamespace reports whether this process runs in the network
// namespace that MainInLoopbackNamespace made.
func InLoopbackNamespace() bool { return os.Getenv(inNamespace) == "1" }

// MainInLoopbackNamespace runs a package's tests in a network namespace of
// their own that has only the loopback interface, and exits. Tests that start
// a Tailscale node need it: its NAT traversal sends packets to every address
// of every interface it sees, and there the only one is loopback. The test
// binary runs itself again in the new namespace (a user namespace too when
// not root, where root maps to this user), brings lo up there, and runs the
// tests.
func MainInLoopbackNamespace(m *testing.M) {
	if InLoopbackNamespace() {
		if err := loopbackUp(); err != nil {
			fmt.Fprintln(os.Stderr, "testnet: bringing lo up in the test's network namespace:", err)
			os.Exit(2)
		}
		os.Exit(m.Run())
	}
	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	cmd := inNewNamespace(exe, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			os.Exit(ee.ExitCode())
		}
		// No namespace, no test: a Tailscale node must not see the host's
		// network.
		fmt.Fprintln(os.Stderr, "testnet: cannot run the tests in a network namespace of their own:", err)
		os.Exit(2)
	}
	os.Exit(0)
}

// loopbackUp sets the IFF_UP flag of lo, as `ip link set lo up` does.
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return err
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	return unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr)
}

// inNewNamespace is the command that runs exe with args in a new network
// namespace (and a user namespace, when not root), told so by inNamespace.
func inNewNamespace(exe string, args ...string) *exec.Cmd {
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), inNamespace+"=1")
	attr := &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET, Pdeathsig: syscall.SIGKILL}
	if uid, gid := os.Getuid(), os.Getgid(); uid != 0 {
		attr.Cloneflags |= syscall.CLONE_NEWUSER
		attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: uid, Size: 1}}
		attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: gid, Size: 1}}
	}
	cmd.SysProcAttr = attr
	return cmd
}

var loopbackOnce = sync.OnceValue(loopbackUp)

// RunInLoopbackNamespace runs the calling top-level test alone in a network
// namespace with only lo (a test binary of its own, run again), for a package
// whose other tests run on the host. It reports whether the caller is that
// run, and goes on; otherwise the test's result is the run's, and the caller
// returns at once:
//
//	if !testnet.RunInLoopbackNamespace(t) {
//		return
//	}
func RunInLoopbackNamespace(t *testing.T) bool {
	t.Helper()
	if InLoopbackNamespace() {
		if err := loopbackOnce(); err != nil {
			t.Fatalf("bringing lo up in the test's network namespace: %v", err)
		}
		// Nothing of the host's network is here: lo alone.
		if ifs, err := net.Interfaces(); err != nil || len(ifs) != 1 || ifs[0].Name != "lo" {
			t.Fatalf("the test's network namespace has %v (%v), want lo alone", ifs, err)
		}
		return true
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := inNewNamespace(exe, "-test.run=^"+regexp.QuoteMeta(t.Name())+"$", "-test.count=1", "-test.v")
	out, err := cmd.CombinedOutput()
	t.Logf("%s in a network namespace of its own:\n%s", t.Name(), out)
	if err != nil {
		t.Fatalf("%s failed in its network namespace: %v", t.Name(), err)
	}
	return false
}
