package testnet

import (
	"fmt"
	"os"
	"os/exec"
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
	cmd := exec.Command(exe, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), inNamespace+"=1")
	attr := &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET, Pdeathsig: syscall.SIGKILL}
	if uid, gid := os.Getuid(), os.Getgid(); uid != 0 {
		attr.Cloneflags |= syscall.CLONE_NEWUSER
		attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: uid, Size: 1}}
		attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: gid, Size: 1}}
	}
	cmd.SysProcAttr = attr
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
