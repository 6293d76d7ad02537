//go:build linux

// Command bench measures vncbridge against a plain TCP relay and against
// websockify, side by side in one run on loopback, and writes the figures
// to docs/BENCHMARKS.md (make bench).
//
// Usage:
//
//	go run ./bench [-proxy bin/vncbridge] [-websockify websockify] [-out docs/BENCHMARKS.md]
//	               [-quick] [-strict] [-only down,up,rtt,mem] [-n 5000] [-websockify-n 300]
//	bench -relay LISTEN_ADDR TARGET_ADDR   (the plain relay, started by the bench itself)
//
// The bench reads /proc and is built on Linux only. It installs nothing: websockify is measured when it is installed
// (scripts/deps.sh installs it) and left out with a line saying so when not.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// config is one bench run.
type config struct {
	proxyBin   string // vncbridge's binary
	websockify string // websockify's command; empty skips it
	self       string // this program, which plays the relays

	runs      int   // throughput runs per proxy and direction
	downBytes int64 // bytes per downstream run
	upBytes   int64 // bytes per upstream run
	warmBytes int64 // bytes of the warm-up run in each direction
	limit     time.Duration

	rttWarm, rttN int

	memConns, websockifyConns int
	settle                    time.Duration

	desktop string // the end-to-end desktop figures (Markdown), from make bench's e2e run
	tailnet string // the tailnet path's line, from make bench's e2e/tailnet run

	load              loadConfig // the desktop-like load
	certFile, keyFile string     // the certificate of the wss:// figures

	recordDir string // where the recording figures' proxies record

	quick bool
	only  map[string]bool // the figures to measure (down, up, rtt, mem); empty: all
	args  []string        // the command line, for the report
	log   io.Writer       // progress
}

func fullConfig() config {
	return config{
		runs:            15,
		downBytes:       512 << 20,
		upBytes:         256 << 20,
		warmBytes:       64 << 20,
		limit:           5 * time.Second,
		rttWarm:         2000,
		rttN:            20000,
		memConns:        5000,
		websockifyConns: 300,
		settle:          2 * time.Second,
		load:            loadConfig{sessions: 200, burst: 100_000, interval: 50 * time.Millisecond, duration: 3 * time.Second},
	}
}

func quickConfig() config {
	return config{
		runs:            1,
		downBytes:       128 << 20,
		upBytes:         64 << 20,
		warmBytes:       16 << 20,
		limit:           2 * time.Second,
		rttWarm:         200,
		rttN:            2000,
		memConns:        200,
		websockifyConns: 30,
		settle:          300 * time.Millisecond,
		load:            loadConfig{sessions: 50, burst: 100_000, interval: 50 * time.Millisecond, duration: time.Second},
		quick:           true,
	}
}

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "-relay", "--relay":
			os.Exit(relayMain(os.Args[2:], false))
		case "-splice-relay", "--splice-relay":
			os.Exit(relayMain(os.Args[2:], true))
		}
	}
	var (
		proxyBin   = flag.String("proxy", "bin/vncbridge", "vncbridge `binary` to measure (run as: BINARY proxy LISTEN TARGET)")
		websockify = flag.String("websockify", "websockify", "websockify `command` to compare with; empty to leave it out")
		out        = flag.String("out", "", "write the report (Markdown) to `file`, e.g. docs/BENCHMARKS.md")
		quick      = flag.Bool("quick", false, "a short smoke run (figures too rough to quote)")
		strict     = flag.Bool("strict", false, "exit 1 when vncbridge misses a target")
		conns      = flag.Int("n", 0, "connections for the memory test of vncbridge and the relay (default 5000; quick 200)")
		wsConns    = flag.Int("websockify-n", 0, "connections for the memory test of websockify (default 300; quick 30)")
		desktop    = flag.String("desktop", "", "include the end-to-end desktop figures from `file` (written by e2e's BenchmarkDesktop)")
		tailnet    = flag.String("tailnet", "", "include the tailnet path's figures from `file` (written by e2e/tailnet's BenchmarkTailnetPath)")
		runs       = flag.Int("runs", 0, "throughput runs per proxy and direction (default 15; quick 1)")
		only       = flag.String("only", "", "measure only these figures, comma-separated: down, up, rtt, mem, load, tls, record (for profiling a proxy)")
	)
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: bench [flags]\n       bench -relay LISTEN_ADDR TARGET_ADDR\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "bench: unexpected argument %q\n", flag.Arg(0))
		flag.Usage()
		os.Exit(2)
	}
	cfg := fullConfig()
	if *quick {
		cfg = quickConfig()
	}
	if *runs > 0 {
		cfg.runs = *runs
	}
	if *conns > 0 {
		cfg.memConns = *conns
	}
	if *wsConns > 0 {
		cfg.websockifyConns = *wsConns
	}
	if *only != "" {
		cfg.only = map[string]bool{}
		for _, f := range strings.Split(*only, ",") {
			switch f = strings.TrimSpace(f); f {
			case "down", "up", "rtt", "mem", "load", "tls", "record":
				cfg.only[f] = true
			default:
				fmt.Fprintf(os.Stderr, "bench: -only: unknown figure %q (down, up, rtt, mem, load, tls, record)\n", f)
				os.Exit(2)
			}
		}
	}
	cfg.proxyBin = *proxyBin
	if *desktop != "" {
		md, err := os.ReadFile(*desktop)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench: -desktop:", err)
			os.Exit(1)
		}
		cfg.desktop = string(md)
	}
	if *tailnet != "" {
		line, err := os.ReadFile(*tailnet)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench: -tailnet:", err)
			os.Exit(1)
		}
		cfg.tailnet = strings.TrimSpace(string(line))
	}
	cfg.websockify = *websockify
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	cfg.self = self
	if cfg.wants("tls") {
		dir, err := os.MkdirTemp("", "vncbridge-bench-")
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		defer os.RemoveAll(dir)
		if cfg.certFile, cfg.keyFile, err = writeCert(dir); err != nil {
			fmt.Fprintln(os.Stderr, "bench: making a certificate:", err)
			os.Exit(1)
		}
	}
	if cfg.wants("record") {
		dir, err := os.MkdirTemp("", "vncbridge-bench-recordings-")
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		defer os.RemoveAll(dir)
		cfg.recordDir = dir
	}
	cfg.log = os.Stderr
	cfg.args = os.Args[1:]

	// Stop the proxies (and websockify's forks) when interrupted.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		s := <-sig
		fmt.Fprintf(os.Stderr, "bench: %v: stopping the proxies\n", s)
		stopAll()
		os.Exit(130)
	}()

	rep, err := run(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	md := rep.markdown()
	fmt.Print(md)
	if *out != "" {
		if err := os.WriteFile(*out, []byte(md), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		fmt.Fprintf(os.Stderr, "bench: wrote %s\n", *out)
	}
	if *strict && !rep.allPass() {
		os.Exit(1)
	}
}

// result is what one proxy measured; skipped says why it was not.
type result struct {
	kind    *proxyKind
	skipped string
	ended   error // the proxy ended by itself during the run

	down, up       []runResult
	downErr, upErr error
	rtt            rttResult // scheduled freely
	rttErr         error
	rtt1           rttResult // everything on one CPU
	rtt1Err        error
	mem            memResult
	memErr         error
	load           loadResult
	loadErr        error
	record         loadResult // the recording figures' load (see recordLoad)
	recordErr      error
	recorded       int64 // the bytes its recordings took on disk after the load
}

// report is a whole run.
type report struct {
	cfg               config
	when              time.Time
	mach              machine
	vncbridgeVersion  string
	websockifyVersion string
	fileLimit         uint64
	elapsed           time.Duration
	cpuStart, cpuEnd  cpuSample
	loadStart         string     // /proc/loadavg when the run began
	lowered           string     // why the memory test opened fewer connections
	results           []*result  // relays, vncbridge (both paths), websockify, the wss:// ones
	direct            loadResult // the load with no proxy
	directErr         error
}

func (r *report) get(name string) *result {
	for _, res := range r.results {
		if res.kind.name == name {
			return res
		}
	}
	return nil
}

// errNotWanted marks the figures that -only left out.
var errNotWanted = errors.New("not measured (-only)")

// errLeftOut marks the figures a variant does not take: the wss:// proxies
// take throughput alone, vncbridge's ordinary path no memory test (the
// same process as vncbridge's while idle).
var errLeftOut = errors.New("not measured for this variant")

// ordinaryName is vncbridge with its splice path turned off: the path of
// TLS, recorded, legacy and base64 sessions, and of other systems.
const ordinaryName = "vncbridge, no splice"

// recordingName and slowRecordingName are vncbridge recording every session
// (--record) to the bench's temporary folder, and to a deliberately slow
// writer: each recording is written at slowRecordingRate bytes per second,
// while the recording's load sends 2 MB/s per session, which take about
// 3.5 times as much once escaped.
const (
	recordingName     = "vncbridge, recording"
	slowRecordingName = "vncbridge, recording to a slow disk"
	slowRecordingRate = 1_000_000
)

// recordLoad is the desktop-like load of the recording figures: fewer
// sessions than the load's, so that the recordings stay a few hundred MB.
func (cfg *config) recordLoad() loadConfig {
	lc := cfg.load
	lc.sessions = max(lc.sessions/10, 5)
	return lc
}

// viewOnlyKind is vncbridge with --view-only: its sessions carry RFB, so
// only the picture's direction (downstream) is measured, after a handshake.
const viewOnlyKind = "vncbridge view-only"

// errViewOnlyDownOnly marks the figures the view-only kind does not have.
var errViewOnlyDownOnly = errors.New("not measured (view-only: downstream only)")

// wants reports whether cfg measures figure (down, up, rtt or mem).
func (cfg *config) wants(figure string) bool { return len(cfg.only) == 0 || cfg.only[figure] }

// run measures every proxy of cfg.
func run(cfg config) (*report, error) {
	logf := func(format string, a ...any) {
		if cfg.log != nil {
			fmt.Fprintf(cfg.log, "bench: "+format+"\n", a...)
		}
	}
	rep := &report{cfg: cfg, when: time.Now(), cpuStart: sampleCPU(), loadStart: loadAverage()}
	limit, err := raiseFileLimit()
	if err != nil {
		return nil, fmt.Errorf("raising RLIMIT_NOFILE: %w", err)
	}
	rep.fileLimit = limit
	rep.mach = machine{CPUs: runtime.NumCPU(), CPUModel: cpuModel(), Kernel: kernelRelease(), GoVersion: runtime.Version()}
	// The bench holds both ends of every connection it opens; so does the
	// proxy (websockify: across its processes).
	if most := (int(min(limit, 1<<30)) - 200) / 2; cfg.memConns > most {
		rep.lowered = fmt.Sprintf("RLIMIT_NOFILE is %d: the memory test opens %d connections instead of %d", limit, most, cfg.memConns)
		logf("%s", rep.lowered)
		cfg.memConns = most
		cfg.websockifyConns = min(cfg.websockifyConns, most)
		rep.cfg = cfg
	}

	kinds := []*proxyKind{
		{name: "relay", raw: true, memConns: cfg.memConns, argv: func(l, t string) []string {
			return []string{cfg.self, "-relay", l, t}
		}},
		// The splice relay holds a pipe per direction while a copy waits:
		// six descriptors per connection, so fewer fit under the limit.
		{name: "splice relay", raw: true, memConns: min(cfg.memConns, (int(min(limit, 1<<30))-200)/6), argv: func(l, t string) []string {
			return []string{cfg.self, "-splice-relay", l, t}
		}},
	}
	if cfg.proxyBin != "" {
		kinds = append(kinds, &proxyKind{name: "vncbridge", memConns: cfg.memConns, argv: func(l, t string) []string {
			return []string{cfg.proxyBin, "proxy", l, t}
		}}, &proxyKind{name: ordinaryName, memConns: cfg.memConns, env: []string{"VNCBRIDGE_SPLICE=0"}, argv: func(l, t string) []string {
			return []string{cfg.proxyBin, "proxy", l, t}
		}})
		kinds = append(kinds, &proxyKind{name: viewOnlyKind, rfb: true, argv: func(l, t string) []string {
			return []string{cfg.proxyBin, "proxy", "--view-only", l, t}
		}})
		if cfg.recordDir != "" {
			for _, k := range []*proxyKind{
				{name: recordingName, recordTo: filepath.Join(cfg.recordDir, "disk")},
				{name: slowRecordingName, recordTo: filepath.Join(cfg.recordDir, "slow"), env: []string{fmt.Sprintf("VNCBRIDGE_RECORDING_WRITE_RATE=%d", slowRecordingRate)}},
			} {
				if err := os.Mkdir(k.recordTo, 0o700); err != nil {
					return nil, err
				}
				k.argv = func(l, t string) []string {
					return []string{cfg.proxyBin, "proxy", "--record", filepath.Join(k.recordTo, "session"), l, t}
				}
				kinds = append(kinds, k)
			}
		}
	}
	if cfg.websockify != "" {
		kinds = append(kinds, &proxyKind{name: "websockify", memConns: cfg.websockifyConns, argv: func(l, t string) []string {
			return []string{cfg.websockify, l, t}
		}})
	}
	if cfg.wants("tls") && cfg.certFile != "" {
		if cfg.proxyBin != "" {
			kinds = append(kinds, &proxyKind{name: "vncbridge wss", tls: true, argv: func(l, t string) []string {
				return []string{cfg.proxyBin, "proxy", "--cert", cfg.certFile, "--key", cfg.keyFile, l, t}
			}})
		}
		if cfg.websockify != "" {
			kinds = append(kinds, &proxyKind{name: "websockify wss", tls: true, argv: func(l, t string) []string {
				return []string{cfg.websockify, "--cert", cfg.certFile, "--key", cfg.keyFile, l, t}
			}})
		}
	}

	// Start every proxy; they run side by side and take turns.
	var procs []*proc
	var live []*result
	for _, k := range kinds {
		res := &result{kind: k}
		rep.results = append(rep.results, res)
		argv := k.argv("L", "T")
		if err := executable(argv[0]); err != nil {
			if k.name == "websockify" {
				res.skipped = "not installed (" + argv[0] + " not found; scripts/deps.sh installs it)"
			} else {
				res.skipped = err.Error()
			}
			logf("%s: skipped: %s", k.name, res.skipped)
			continue
		}
		switch k.name {
		case "vncbridge":
			rep.vncbridgeVersion = commandLine(5*time.Second, argv[0], "--version")
		case "websockify":
			rep.websockifyVersion = websockifyVersion()
		}
		p, err := startProxy(k)
		if err != nil {
			res.skipped = "did not start: " + err.Error()
			logf("%s: %s", k.name, res.skipped)
			continue
		}
		procs = append(procs, p)
		live = append(live, res)
	}
	defer func() {
		for _, p := range procs {
			p.stop()
		}
	}()
	if len(live) == 0 || live[0].kind.name != "relay" {
		return nil, fmt.Errorf("the relay did not run: %s", rep.results[0].skipped)
	}

	for i, p := range procs {
		if cfg.wants("down") {
			logf("%s: warming up downstream", p.kind.name)
			if _, err := downstream(p, cfg.warmBytes, cfg.limit); err != nil {
				live[i].downErr = err
			}
		}
		if cfg.wants("up") && !p.kind.rfb {
			logf("%s: warming up upstream", p.kind.name)
			if _, err := upstream(p, cfg.warmBytes, cfg.limit); err != nil {
				live[i].upErr = err
			}
		}
	}
	for _, res := range live {
		for _, f := range []struct {
			name string
			err  *error
		}{{"down", &res.downErr}, {"up", &res.upErr}, {"rtt", &res.rttErr}, {"rtt", &res.rtt1Err}, {"mem", &res.memErr}, {"load", &res.loadErr}} {
			if !cfg.wants(f.name) && !(res.kind.tls && (f.name == "down" || f.name == "up")) {
				*f.err = errNotWanted
			} else if res.kind.rfb && f.name != "down" {
				*f.err = errViewOnlyDownOnly
			}
			switch {
			case res.kind.recordTo != "":
				*f.err = errLeftOut
			case res.kind.tls && f.name != "down" && f.name != "up":
				*f.err = errLeftOut
			case res.kind.name == ordinaryName && f.name == "mem":
				*f.err = errLeftOut
			}
		}
	}
	for r := 0; r < cfg.runs; r++ {
		for i, p := range procs {
			res := live[i]
			if res.downErr != nil {
				continue
			}
			rr, err := downstream(p, cfg.downBytes, cfg.limit)
			if err != nil {
				res.downErr = err
				logf("%s: downstream: %v", p.kind.name, err)
				continue
			}
			res.down = append(res.down, rr)
			logf("%s: downstream run %d: %.0f MB/s, proxy CPU %.2f s/GB", p.kind.name, r+1, rr.mbps(), cpuPerGB([]runResult{rr}))
		}
		for i, p := range procs {
			res := live[i]
			if res.upErr != nil {
				continue
			}
			rr, err := upstream(p, cfg.upBytes, cfg.limit)
			if err != nil {
				res.upErr = err
				logf("%s: upstream: %v", p.kind.name, err)
				continue
			}
			res.up = append(res.up, rr)
			logf("%s: upstream run %d: %.0f MB/s, proxy CPU %.2f s/GB", p.kind.name, r+1, rr.mbps(), cpuPerGB([]runResult{rr}))
		}
	}
	if cfg.wants("rtt") {
		free := func(res *result) (*rttResult, *error) { return &res.rtt, &res.rttErr }
		oneCPU := func(res *result) (*rttResult, *error) { return &res.rtt1, &res.rtt1Err }
		logf("round trips, scheduled freely")
		roundTrips(procs, cfg.rttWarm, cfg.rttN, live, free)
		logf("round trips, everything on one CPU")
		if err := roundTripsOnOneCPU(procs, cfg.rttWarm, cfg.rttN, live, oneCPU); err != nil {
			for _, res := range live {
				res.rtt1Err = err
			}
		}
		for _, res := range live {
			for _, m := range []struct {
				how string
				r   rttResult
				err error
			}{{"", res.rtt, res.rttErr}, {" on one CPU", res.rtt1, res.rtt1Err}} {
				if m.err != nil {
					logf("%s: round trip%s: %v", res.kind.name, m.how, m.err)
				} else {
					logf("%s: round trip%s: p50 %v, p99 %v", res.kind.name, m.how, m.r.p50, m.r.p99)
				}
			}
		}
	}
	if cfg.wants("load") {
		lc := cfg.load
		logf("desktop-like load: %d sessions, %d-byte bursts every %v, for %v", lc.sessions, lc.burst, lc.interval, lc.duration)
		if tg, err := newTarget(); err != nil {
			rep.directErr = err
		} else {
			rep.direct, rep.directErr = desktopLoad(endpoint{listen: tg.addr(), raw: true, tg: tg}, lc)
			tg.close()
		}
		if rep.directErr != nil {
			logf("no proxy: load: %v", rep.directErr)
		} else {
			logf("no proxy: load: p50 %v, p99 %v", rep.direct.p50, rep.direct.p99)
		}
		for i, p := range procs {
			res := live[i]
			if res.loadErr != nil {
				continue
			}
			res.load, res.loadErr = desktopLoad(procEndpoint(p), lc)
			if res.loadErr != nil {
				logf("%s: load: %v", p.kind.name, res.loadErr)
			} else {
				logf("%s: load: CPU %.1f%% (%.2f s in %.2f s), p50 %v, p99 %v", p.kind.name, res.load.cpuPercent(), res.load.cpu, res.load.seconds, res.load.p50, res.load.p99)
			}
		}
	}
	if cfg.recordDir != "" {
		lc := cfg.recordLoad()
		logf("recording: %d sessions, %d-byte bursts every %v, for %v", lc.sessions, lc.burst, lc.interval, lc.duration)
		for i, p := range procs {
			res := live[i]
			if p.kind.name != ordinaryName && p.kind.recordTo == "" {
				continue
			}
			res.record, res.recordErr = desktopLoad(procEndpoint(p), lc)
			if p.kind.recordTo != "" {
				res.recorded = dirSize(p.kind.recordTo)
			}
			if res.recordErr != nil {
				logf("%s: recording load: %v", p.kind.name, res.recordErr)
			} else {
				logf("%s: recording load: CPU %.1f%%, p50 %v, p99 %v, %s recorded", p.kind.name, res.record.cpuPercent(), res.record.p50, res.record.p99, mib(res.recorded))
			}
		}
	}
	for i, p := range procs {
		live[i].ended = p.alive() // a crash after its last figure is still a failure
		p.stop()
	}
	procs = nil

	// Memory: a fresh process per proxy, one after the other.
	for _, res := range live {
		if res.skipped != "" || res.memErr != nil {
			continue
		}
		n := res.kind.memConns
		workers := 32
		if res.kind.name == "websockify" {
			workers = 4 // it forks a process per connection
		}
		logf("%s: memory: opening %d connections", res.kind.name, n)
		res.mem, res.memErr = memory(res.kind, n, workers, cfg.settle)
		if res.memErr != nil {
			logf("%s: memory: %v", res.kind.name, res.memErr)
		} else {
			logf("%s: memory: %.1f KiB and %.2f file descriptors per connection, %d failed, all open in %.1f s", res.kind.name, res.mem.perConn()/1024, res.mem.fdsPerConn(), res.mem.failed, res.mem.openSeconds)
		}
	}
	rep.elapsed = time.Since(rep.when)
	rep.cpuEnd = sampleCPU()
	return rep, nil
}

// dirSize is the bytes the files in dir take.
func dirSize(dir string) int64 {
	var n int64
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if fi, err := e.Info(); err == nil {
			n += fi.Size()
		}
	}
	return n
}

// commandLine runs a command and returns the first line of its output.
func commandLine(timeout time.Duration, name string, args ...string) string {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	out, _ := exec.CommandContext(ctx, name, args...).CombinedOutput()
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	return strings.TrimSpace(line)
}

// websockifyVersion asks Debian's package database; websockify 0.10 has no
// --version.
func websockifyVersion() string {
	if v := commandLine(5*time.Second, "dpkg-query", "-W", "-f=${Version}", "websockify"); v != "" && !strings.Contains(v, "no packages") {
		return v + " (Debian package)"
	}
	return "unknown version"
}
