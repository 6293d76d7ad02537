//go:build linux

package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"unsafe"
)

// Everything the bench learns about a proxy process comes from /proc: its
// descendants, its memory (PSS) and its CPU time. Linux only, as the figures
// are meant to be taken on the machine the proxy runs on.

// raiseFileLimit sets the soft RLIMIT_NOFILE to the hard limit. The children
// the bench starts inherit it (setting it explicitly also stops the Go
// runtime from restoring the original soft limit in children).
func raiseFileLimit() (uint64, error) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0, err
	}
	rl.Cur = rl.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0, err
	}
	return rl.Cur, nil
}

// procStat is the part of /proc/PID/stat the bench uses.
type procStat struct {
	ppid int
	// cpuTicks is utime+stime+cutime+cstime, in clock ticks.
	cpuTicks int64
}

// clockTicks is USER_HZ, the unit of the times in /proc/PID/stat; Linux
// reports them in hundredths of a second on every architecture it runs on.
const clockTicks = 100

func readProcStat(pid int) (procStat, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procStat{}, err
	}
	// The command name (field 2) is in parentheses and may hold spaces:
	// the fields after the last ')' are plain.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return procStat{}, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	// f[0] is field 3 (state); ppid is field 4, utime..cstime fields 14..17.
	if len(f) < 15 {
		return procStat{}, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	var st procStat
	st.ppid, _ = strconv.Atoi(f[1])
	for _, s := range f[11:15] {
		v, _ := strconv.ParseInt(s, 10, 64)
		st.cpuTicks += v
	}
	return st, nil
}

// processTree returns pid and all its living descendants.
func processTree(pid int) []int {
	ents, _ := os.ReadDir("/proc")
	children := map[int][]int{}
	for _, e := range ents {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		st, err := readProcStat(p)
		if err != nil {
			continue
		}
		children[st.ppid] = append(children[st.ppid], p)
	}
	tree := []int{pid}
	for i := 0; i < len(tree); i++ {
		tree = append(tree, children[tree[i]]...)
	}
	return tree
}

// treePSS sums the proportional set size of pid and its descendants, in
// bytes, and says how many processes it summed.
func treePSS(pid int) (int64, int, error) {
	var total int64
	n := 0
	for _, p := range processTree(pid) {
		kb, err := pssKiB(p)
		if err != nil {
			if p == pid {
				return 0, 0, err
			}
			continue // a descendant that just ended
		}
		total += kb << 10
		n++
	}
	return total, n, nil
}

func pssKiB(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "Pss:"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("/proc/%d/smaps_rollup: no Pss line", pid)
}

// treeCPU sums the CPU time (user and system, with reaped children) of pid
// and its living descendants, in seconds.
func treeCPU(pid int) float64 {
	var ticks int64
	for _, p := range processTree(pid) {
		if st, err := readProcStat(p); err == nil {
			ticks += st.cpuTicks
		}
	}
	return float64(ticks) / clockTicks
}

// listening reports whether some socket listens on 127.0.0.1:port, from
// /proc/net/tcp, without connecting to it (a probe connection would cost
// websockify a fork and put noise in every proxy's log).
func listening(port int) bool {
	b, err := os.ReadFile("/proc/net/tcp")
	if err != nil {
		return false
	}
	want := fmt.Sprintf("0100007F:%04X", port)
	for _, line := range strings.Split(string(b), "\n")[1:] {
		f := strings.Fields(line)
		if len(f) > 3 && f[1] == want && f[3] == "0A" {
			return true
		}
	}
	return false
}

// machine describes the computer the figures come from.
type machine struct {
	CPUs      int
	CPUModel  string
	Kernel    string
	GoVersion string
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func kernelRelease() string {
	b, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(b))
}

// absPath resolves p against the working directory, for error messages.
func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// cpuSample is the machine's CPU time (from /proc/stat) and the bench's own
// (with every child it has waited for), in clock ticks.
type cpuSample struct {
	busy, steal, total, self int64
}

func sampleCPU() cpuSample {
	var s cpuSample
	if b, err := os.ReadFile("/proc/stat"); err == nil {
		line, _, _ := strings.Cut(string(b), "\n")
		f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal ...
		for i, v := range f[1:] {
			n, _ := strconv.ParseInt(v, 10, 64)
			if i >= 8 {
				break // guest time is already in user
			}
			s.total += n
			switch i {
			case 0, 1, 2: // user, nice, system
				s.busy += n
			case 7:
				s.steal += n
			}
			// Interrupts are left out: the loopback traffic of the bench
			// itself is handled there, charged to no process.
		}
	}
	if st, err := readProcStat(os.Getpid()); err == nil {
		s.self = st.cpuTicks
	}
	return s
}

// otherLoad says how busy the machine was, between a and b, with work that
// was not the bench's (nor the proxies' it started and has ended), and how
// much time the hypervisor stole: both as a share of the machine's CPU time.
func otherLoad(a, b cpuSample) (other, steal float64) {
	total := float64(b.total - a.total)
	if total <= 0 {
		return 0, 0
	}
	o := float64((b.busy - a.busy) - (b.self - a.self))
	return max(o, 0) / total, float64(b.steal-a.steal) / total
}

// loadAverage is the first three fields of /proc/loadavg.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// cpuMask is a set of CPUs for sched_setaffinity, up to 1024 of them.
type cpuMask [16]uint64

func (m *cpuMask) first() int {
	for i, w := range m {
		for b := 0; b < 64; b++ {
			if w&(1<<b) != 0 {
				return i*64 + b
			}
		}
	}
	return -1
}

func getAffinity(tid int) (cpuMask, error) {
	var m cpuMask
	_, _, e := syscall.RawSyscall(syscall.SYS_SCHED_GETAFFINITY, uintptr(tid), unsafe.Sizeof(m), uintptr(unsafe.Pointer(&m)))
	if e != 0 {
		return m, e
	}
	return m, nil
}

func setAffinity(tid int, m cpuMask) error {
	_, _, e := syscall.RawSyscall(syscall.SYS_SCHED_SETAFFINITY, uintptr(tid), unsafe.Sizeof(m), uintptr(unsafe.Pointer(&m)))
	if e != 0 {
		return e
	}
	return nil
}

// pinProcesses sets the CPU affinity of every thread of every process in
// pids (and of their descendants). Threads started later inherit it from
// the thread that starts them. Twice, for threads started meanwhile.
func pinProcesses(pids []int, m cpuMask) error {
	var first error
	for range 2 {
		for _, pid := range pids {
			for _, p := range processTree(pid) {
				ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", p))
				if err != nil {
					continue // ended
				}
				for _, e := range ents {
					tid, err := strconv.Atoi(e.Name())
					if err != nil {
						continue
					}
					if err := setAffinity(tid, m); err != nil && first == nil && !errors.Is(err, syscall.ESRCH) {
						first = fmt.Errorf("sched_setaffinity(%d): %w", tid, err)
					}
				}
			}
		}
	}
	return first
}

// treeFDs counts the open file descriptors of pid and its descendants, and
// among them the pipes' ends.
func treeFDs(pid int) (fds, pipes int, err error) {
	for _, p := range processTree(pid) {
		dir := fmt.Sprintf("/proc/%d/fd", p)
		ents, err := os.ReadDir(dir)
		if err != nil {
			if p == pid {
				return 0, 0, err
			}
			continue // a child that has just ended
		}
		for _, e := range ents {
			fds++
			if l, err := os.Readlink(filepath.Join(dir, e.Name())); err == nil && strings.HasPrefix(l, "pipe:") {
				pipes++
			}
		}
	}
	return fds, pipes, nil
}

// treeRuntime sums the time on CPU of every thread of pid and its living
// descendants, in seconds, from /proc/PID/task/TID/schedstat (nanoseconds).
// Unlike /proc/PID/stat, whose clock ticks are cut per process, it adds up
// many processes that each ran a few milliseconds: websockify's sessions
// under the desktop-like load.
func treeRuntime(pid int) float64 {
	var ns int64
	for _, p := range processTree(pid) {
		tasks, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", p))
		for _, t := range tasks {
			b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/schedstat", p, t.Name()))
			if err != nil {
				continue
			}
			f := strings.Fields(string(b))
			if len(f) == 0 {
				continue
			}
			if v, err := strconv.ParseInt(f[0], 10, 64); err == nil {
				ns += v
			}
		}
	}
	return float64(ns) / 1e9
}
