package tailnet

import (
	"bytes"
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// shutListeners shuts down, for reading, the sockets of this process that
// listen on one of ports on every address of the host (0.0.0.0 or ::),
// and returns how many. A listening socket shut so stops listening at
// once (Linux disconnects it), and its accept fails: Tailscale's peer API
// loop then closes it. Its sockets are found by their inode: the kernel's
// table of TCP sockets (/proc/net/tcp and tcp6) names the listening ones,
// and /proc/self/fd links each descriptor of this process to its socket's
// inode.
func shutListeners(ports []uint16) (int, error) {
	if len(ports) == 0 {
		return 0, nil
	}
	want := map[uint16]bool{}
	for _, p := range ports {
		want[p] = true
	}
	inodes := map[string]uint16{} // "socket:[inode]" → port
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		b, err := os.ReadFile(table)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) { // no IPv6
				continue
			}
			return 0, err
		}
		for _, line := range bytes.Split(b, []byte("\n"))[1:] {
			// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
			f := strings.Fields(string(line))
			if len(f) < 10 || f[3] != "0A" { // 0A: LISTEN
				continue
			}
			addr, hexPort, ok := strings.Cut(f[1], ":")
			p, err := strconv.ParseUint(hexPort, 16, 16)
			if !ok || err != nil || !want[uint16(p)] || strings.Trim(addr, "0") != "" {
				continue
			}
			inodes["socket:["+f[9]+"]"] = uint16(p)
		}
	}
	if len(inodes) == 0 {
		return 0, nil
	}
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return 0, err
	}
	shut := 0
	var errs []error
	for _, e := range fds {
		link, err := os.Readlink("/proc/self/fd/" + e.Name())
		if err != nil {
			continue // closed meanwhile
		}
		port, ok := inodes[link]
		if !ok {
			continue
		}
		fd, err := strconv.Atoi(e.Name())
		if err != nil || !listensOn(fd, port) { // the descriptor is another socket now
			continue
		}
		if err := syscall.Shutdown(fd, syscall.SHUT_RD); err != nil {
			errs = append(errs, err)
			continue
		}
		shut++
	}
	return shut, errors.Join(errs...)
}

// listensOn checks, just before the shutdown, that fd is still a listening
// socket on port (a descriptor closed and reused in between is left alone).
func listensOn(fd int, port uint16) bool {
	if v, err := syscall.GetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_ACCEPTCONN); err != nil || v != 1 {
		return false
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		return false
	}
	switch a := sa.(type) {
	case *syscall.SockaddrInet4:
		return a.Port == int(port)
	case *syscall.SockaddrInet6:
		return a.Port == int(port)
	}
	return false
}
