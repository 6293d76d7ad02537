package app

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"strconv"
	"sync"
	"time"
)

// A foundServer is a VNC server that answered the probe.
type foundServer struct {
	Addr    string // host:port
	Version string // RFB protocol version, "3.8"
}

// Label is the server as the menu shows it: "localhost:5901 (display :1, RFB 3.8)".
func (f foundServer) Label() string {
	_, port, _ := net.SplitHostPort(f.Addr)
	if p, err := strconv.Atoi(port); err == nil && p >= 5900 && p < 6000 {
		return fmt.Sprintf("%s (display :%d, RFB %s)", f.Addr, p-5900, f.Version)
	}
	return fmt.Sprintf("%s (RFB %s)", f.Addr, f.Version)
}

// rfbGreeting is the 12 bytes a VNC server sends first: "RFB 003.008\n".
var rfbGreeting = regexp.MustCompile(`^RFB (\d{3})\.(\d{3})\n$`)

// probeTimeout bounds one probe: a loopback server answers at once.
const probeTimeout = 700 * time.Millisecond

// probeVNC reads the greeting of the server at addr ("tcp" or "unix"), and
// hangs up before any authentication.
func probeVNC(ctx context.Context, network, addr string) (foundServer, bool) {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return foundServer{}, false
	}
	defer c.Close()
	deadline, _ := ctx.Deadline()
	c.SetReadDeadline(deadline)
	buf := make([]byte, 12)
	n := 0
	for n < len(buf) {
		m, err := c.Read(buf[n:])
		n += m
		if err != nil {
			break
		}
	}
	m := rfbGreeting.FindSubmatch(buf[:n])
	if m == nil {
		return foundServer{}, false
	}
	major, _ := strconv.Atoi(string(m[1]))
	minor, _ := strconv.Atoi(string(m[2]))
	return foundServer{Addr: addr, Version: fmt.Sprintf("%d.%d", major, minor)}, true
}

// localCandidates are the addresses probed for VNC servers: displays :0 to
// :9 on this computer, then the extra ones (saved targets), without repeats.
func localCandidates(extra []string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(a string) {
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	for p := 5900; p <= 5909; p++ {
		add("localhost:" + strconv.Itoa(p))
	}
	for _, a := range extra {
		add(a)
	}
	return out
}

// A detector finds VNC servers and remembers those on this computer: where
// the system tells which ports listen (Linux), a server is greeted once, when
// its port appears, not at every look.
type detector struct {
	mu      sync.Mutex
	greeted map[string]foundServer // local servers, while their port listens
}

func newDetector() *detector { return &detector{greeted: map[string]foundServer{}} }

// detect returns the servers among addrs, in the order given.
func (d *detector) detect(ctx context.Context, addrs []string) []foundServer {
	listening, known := platform.listeningPorts()
	var probe []string
	var out []foundServer
	d.mu.Lock()
	for _, a := range addrs {
		host, portStr, err := net.SplitHostPort(a)
		port, _ := strconv.Atoi(portStr)
		if err != nil || !known || !isLocalHost(host) {
			probe = append(probe, a)
			continue
		}
		if !listening[port] {
			delete(d.greeted, a)
			continue
		}
		if _, ok := d.greeted[a]; !ok {
			probe = append(probe, a)
		}
	}
	d.mu.Unlock()
	fresh := detectVNC(ctx, probe)
	d.mu.Lock()
	defer d.mu.Unlock()
	if known {
		for _, f := range fresh {
			if host, _, _ := net.SplitHostPort(f.Addr); isLocalHost(host) {
				d.greeted[f.Addr] = f
			}
		}
	}
	byAddr := map[string]foundServer{}
	for _, f := range fresh {
		byAddr[f.Addr] = f
	}
	for _, a := range addrs {
		if f, ok := byAddr[a]; ok {
			out = append(out, f)
		} else if f, ok := d.greeted[a]; ok {
			out = append(out, f)
		}
	}
	return out
}

// isLocalHost tells whether a target's host is this computer.
func isLocalHost(h string) bool { return h == "localhost" || isLoopback(h) }

// isLoopback tells whether a connection's address (an IP) is this
// computer's: any loopback address, IPv4-mapped ones too.
func isLoopback(ip string) bool {
	a, err := netip.ParseAddr(ip)
	return err == nil && a.Unmap().IsLoopback()
}

// detectVNC probes addrs at once and returns those that greeted, in the
// order given.
func detectVNC(ctx context.Context, addrs []string) []foundServer {
	found := make([]*foundServer, len(addrs))
	var wg sync.WaitGroup
	for i, a := range addrs {
		wg.Go(func() {
			if f, ok := probeVNC(ctx, "tcp", a); ok {
				found[i] = &f
			}
		})
	}
	wg.Wait()
	var out []foundServer
	for _, f := range found {
		if f != nil {
			out = append(out, *f)
		}
	}
	return out
}
