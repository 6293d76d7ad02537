//go:build linux

package main

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// The report: Markdown, printed and written to docs/BENCHMARKS.md.

// Targets vncbridge must meet, from the project's speed requirements.
const (
	downTarget   = 0.95                  // × relay
	upTarget     = 0.85                  // × relay
	rttSlack     = 10 * time.Microsecond // p50 over the relay's
	memTargetKiB = 16.0
)

// check is one target: met or missed, and the figures that say so.
type check struct {
	pass bool
	line string
}

func (r *report) checks() []check {
	relay, vb := r.get("relay"), r.get("vncbridge")
	var cs []check
	add := func(pass bool, format string, a ...any) {
		cs = append(cs, check{pass, fmt.Sprintf(format, a...)})
	}
	why := func(res *result, err error) string {
		switch {
		case res == nil:
			return "not measured (no vncbridge binary given)"
		case res.skipped != "":
			return "not measured: " + firstLine(res.skipped)
		case errors.Is(err, errNotWanted):
			return err.Error()
		case err != nil:
			return "failed: " + firstLine(err.Error())
		}
		return ""
	}

	if w := why(vb, vb.errOf("down")); w != "" {
		add(false, "downstream ≥ %.2f × relay: %s", downTarget, w)
	} else if relay.downErr != nil || len(relay.down) == 0 {
		add(false, "downstream ≥ %.2f × relay: the relay was not measured", downTarget)
	} else {
		x := vb.downMBps() / relay.downMBps()
		add(x >= downTarget, "downstream ≥ %.2f × relay: %.0f MB/s = %.2f × relay (%.0f MB/s)", downTarget, vb.downMBps(), x, relay.downMBps())
	}
	if w := why(vb, vb.errOf("up")); w != "" {
		add(false, "upstream ≥ %.2f × relay: %s", upTarget, w)
	} else if relay.upErr != nil || len(relay.up) == 0 {
		add(false, "upstream ≥ %.2f × relay: the relay was not measured", upTarget)
	} else {
		x := vb.upMBps() / relay.upMBps()
		add(x >= upTarget, "upstream ≥ %.2f × relay: %.0f MB/s = %.2f × relay (%.0f MB/s)", upTarget, vb.upMBps(), x, relay.upMBps())
	}
	if w := why(vb, vb.errOf("rtt1")); w != "" {
		add(false, "round trip p50 ≤ relay + 10 µs (on one CPU): %s", w)
	} else if relay.rtt1Err != nil {
		add(false, "round trip p50 ≤ relay + 10 µs (on one CPU): the relay was not measured")
	} else {
		d := vb.rtt1.p50 - relay.rtt1.p50
		add(d <= rttSlack, "round trip p50 ≤ relay + 10 µs (on one CPU): %s µs = relay %s %s µs", us(vb.rtt1.p50), sign(d), us(abs(d)))
	}
	if w := why(vb, vb.errOf("mem")); w != "" {
		add(false, "memory ≤ %.0f KiB per open connection: %s", memTargetKiB, w)
	} else {
		k := vb.mem.perConn() / 1024
		add(k <= memTargetKiB, "memory ≤ %.0f KiB per open connection: %.1f KiB at %d connections", memTargetKiB, k, vb.mem.n)
	}
	if w := why(vb, nil); w != "" {
		add(false, "no failed connection: %s", w)
	} else {
		var bad []string
		for _, part := range []string{"down", "up", "rtt", "rtt1", "mem"} {
			if err := vb.errOf(part); err != nil && !errors.Is(err, errNotWanted) {
				bad = append(bad, part+": "+firstLine(err.Error()))
			}
		}
		if vb.mem.failed > 0 {
			bad = append(bad, fmt.Sprintf("%d of %d connections of the memory test failed (first: %v)", vb.mem.failed, vb.mem.n, vb.mem.firstErr))
		}
		if vb.ended != nil {
			bad = append(bad, firstLine(vb.ended.Error()))
		}
		if len(bad) == 0 {
			add(true, "no failed connection: %d connections of the memory test and every throughput and round-trip connection succeeded", vb.mem.n)
		} else {
			add(false, "no failed connection: %s", strings.Join(bad, "; "))
		}
	}
	return cs
}

func (r *report) allPass() bool {
	for _, c := range r.checks() {
		if !c.pass {
			return false
		}
	}
	return true
}

func (res *result) errOf(part string) error {
	if res == nil {
		return nil
	}
	switch part {
	case "down":
		return res.downErr
	case "up":
		return res.upErr
	case "rtt":
		return res.rttErr
	case "rtt1":
		return res.rtt1Err
	case "mem":
		return res.memErr
	}
	return nil
}

func runsMBps(rs []runResult) []float64 {
	v := make([]float64, len(rs))
	for i, r := range rs {
		v[i] = r.mbps()
	}
	return v
}

func (res *result) downMBps() float64 { return medianOrNaN(runsMBps(res.down)) }
func (res *result) upMBps() float64   { return medianOrNaN(runsMBps(res.up)) }

func medianOrNaN(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	return median(v)
}

// cpuPerGB is the proxy's CPU seconds per 10^9 payload bytes over runs.
func cpuPerGB(rs []runResult) float64 {
	var cpu float64
	var bytes int64
	for _, r := range rs {
		cpu += r.cpu
		bytes += r.bytes
	}
	if bytes == 0 {
		return math.NaN()
	}
	return cpu / (float64(bytes) / 1e9)
}

func (r *report) markdown() string {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	cfg := r.cfg
	relay, wsk := r.get("relay"), r.get("websockify")
	usable := func(res *result) bool { return res != nil && res.skipped == "" }

	p("# Benchmarks\n\n")
	p("Written by `make bench` (the program in `bench/`); do not edit by hand.\n")
	if cfg.quick {
		p("\n**Quick run (`-quick`): short runs and few connections; the figures are rough.**\n")
	}
	p("\n- Date: %s (the run took %s)\n", r.when.UTC().Format("2006-01-02 15:04 MST"), r.elapsed.Round(time.Second))
	p("- Machine: %d CPUs (%s), Linux %s, %s\n", r.mach.CPUs, r.mach.CPUModel, r.mach.Kernel, r.mach.GoVersion)
	p("- vncbridge: %s\n", orDash(r.vncbridgeVersion, "version unknown"))
	p("- websockify: %s\n", websockifyLine(r, wsk))
	p("- Command: `make bench`, which runs `go run ./bench %s`\n", strings.Join(cfg.args, " "))
	p("\nEverything runs on loopback (127.0.0.1). The client, the target and the proxy share the machine's %d CPUs,"+
		" so each figure includes the cost of the bench's own client and target, the same for every proxy."+
		" The three proxies run side by side and take turns; throughput runs alternate between them.\n", r.mach.CPUs)
	other, steal := otherLoad(r.cpuStart, r.cpuEnd)
	p("\nOther programs kept %.0f%% of the machine's CPU time busy during the run, and the hypervisor stole %.0f%%"+
		" (load average before the run: %s).", 100*other, 100*steal, r.loadStart)
	if other > 0.05 || steal > 0.05 {
		p(" **The machine was not quiet: the figures are noisier than they should be; run again on a quiet machine.**")
	}
	p("\n")
	for _, res := range r.results {
		if res.skipped != "" {
			p("\n**%s skipped:** %s\n", res.kind.name, indentMD(res.skipped))
		}
		if res.ended != nil {
			p("\n**%s ended by itself during the run:** %s\n", res.kind.name, indentMD(res.ended.Error()))
		}
	}

	p("\n## Targets (vncbridge)\n\n")
	for _, c := range r.checks() {
		mark := "PASS"
		if !c.pass {
			mark = "MISS"
		}
		p("- %s %s\n", mark, c.line)
	}

	// Throughput tables.
	tput := func(title, what string, total int64, pick func(*result) ([]runResult, error)) {
		p("\n## %s\n\n%s Each run moves %s of payload through a new connection (or what it can in %s);"+
			" the figure is the median of %d runs, after a warm-up run of %s. MB = 10^6 bytes."+
			" CPU is the proxy's user and system time (with all its processes) per 10^9 bytes moved, from /proc/PID/stat.\n\n",
			title, what, size(total), cfg.limit, cfg.runs, size(cfg.warmBytes))
		p("| proxy | MB/s | runs (MB/s) | × relay | × websockify | proxy CPU s/GB |\n|---|---:|---|---:|---:|---:|\n")
		var relayV, wskV float64 = math.NaN(), math.NaN()
		if usable(relay) {
			if rs, err := pick(relay); err == nil {
				relayV = medianOrNaN(runsMBps(rs))
			}
		}
		if usable(wsk) {
			if rs, err := pick(wsk); err == nil {
				wskV = medianOrNaN(runsMBps(rs))
			}
		}
		for _, res := range r.results {
			if !usable(res) {
				p("| %s | — | not measured | | | |\n", res.kind.name)
				continue
			}
			rs, err := pick(res)
			if err != nil || len(rs) == 0 {
				p("| %s | — | %s | | | |\n", res.kind.name, cell(err))
				continue
			}
			v := medianOrNaN(runsMBps(rs))
			var runs []string
			for _, x := range runsMBps(rs) {
				runs = append(runs, fmt.Sprintf("%.0f", x))
			}
			p("| %s | %.0f | %s | %s | %s | %.2f |\n", res.kind.name, v, strings.Join(runs, ", "), ratio(v, relayV), ratio(v, wskV), cpuPerGB(rs))
		}
	}
	tput("Downstream (target → browser)",
		"The target writes 64 KiB chunks as fast as it can; the client reads WebSocket frames and counts their payload (through the relay: raw TCP reads).",
		cfg.downBytes, func(res *result) ([]runResult, error) { return res.down, res.downErr })
	tput("Upstream (browser → target)",
		fmt.Sprintf("The client sends masked 16 KiB binary frames, prepared once and written %d at a time; the target counts bytes (through the relay: the same payload, unframed). The time runs until the target has every byte.", upBatch),
		cfg.upBytes, func(res *result) ([]runResult, error) { return res.up, res.upErr })

	rttTable := func(title, intro string, pick func(*result) (rttResult, error)) {
		p("\n## %s\n\n%s\n\n", title, intro)
		p("| proxy | p50 µs | p99 µs | p50 − relay | p50 × websockify |\n|---|---:|---:|---:|---:|\n")
		relayR, relayErr := rttResult{}, errNotWanted
		if usable(relay) {
			relayR, relayErr = pick(relay)
		}
		wskR, wskErr := rttResult{}, errNotWanted
		if usable(wsk) {
			wskR, wskErr = pick(wsk)
		}
		for _, res := range r.results {
			if !usable(res) {
				p("| %s | — | — | not measured | |\n", res.kind.name)
				continue
			}
			rt, err := pick(res)
			if err != nil {
				p("| %s | — | — | %s | |\n", res.kind.name, cell(err))
				continue
			}
			dRelay, xWsk := "", ""
			if relayErr == nil {
				d := rt.p50 - relayR.p50
				dRelay = sign(d) + us(abs(d)) + " µs"
			}
			if wskErr == nil {
				xWsk = ratio(float64(rt.p50), float64(wskR.p50))
			}
			p("| %s | %s | %s | %s | %s |\n", res.kind.name, us(rt.p50), us(rt.p99), dRelay, xWsk)
		}
	}
	how := fmt.Sprintf("One message in flight: the client sends a 64-byte binary frame (raw bytes through the relay),"+
		" the target echoes it, the client reads it back; %d round trips timed after %d of warm-up, on one connection per proxy."+
		" The proxies take turns, %d round trips each.", cfg.rttN, cfg.rttWarm, rttBatch)
	rttTable("Round trip, 64-byte messages, on one CPU",
		how+" The bench and every process it started are bound to one CPU (sched_setaffinity) meanwhile,"+
			" so that each hop costs a context switch: this shows what the proxy itself adds, and the target is checked on it.",
		func(res *result) (rttResult, error) { return res.rtt1, res.rtt1Err })
	rttTable("Round trip, 64-byte messages, scheduled freely",
		how+" Here the processes run on any CPU. Each hop may have to wake an idle CPU, which on this virtual machine"+
			" costs tens of microseconds some of the time and nothing at other times, in spells that change from one batch to the next:"+
			" the same proxy measures 30 µs or 110 µs, so these figures say more about the machine than about the proxies.",
		func(res *result) (rttResult, error) { return res.rtt, res.rttErr })

	p("\n## Memory per open connection\n\nA fresh process of each proxy; N connections opened (WebSocket handshake done, and the target has accepted"+
		" the proxy's connection for each), then, after %s and until two readings half a second apart agree within 1%%,"+
		" the PSS (/proc/PID/smaps_rollup) of the proxy and all its descendants (websockify forks a process per connection),"+
		" minus the PSS before the first connection, divided by the connections open. websockify gets a smaller N.\n\n", cfg.settle)
	p("| proxy | N | failed | PSS before | PSS open | processes | KiB per connection | × relay | × websockify |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	var relayK, wskK = math.NaN(), math.NaN()
	if usable(relay) && relay.memErr == nil {
		relayK = relay.mem.perConn() / 1024
	}
	if usable(wsk) && wsk.memErr == nil {
		wskK = wsk.mem.perConn() / 1024
	}
	for _, res := range r.results {
		if !usable(res) {
			p("| %s | | | | | | not measured | | |\n", res.kind.name)
			continue
		}
		if res.memErr != nil {
			p("| %s | %d | | | | | %s | | |\n", res.kind.name, res.kind.memConns, cell(res.memErr))
			continue
		}
		m := res.mem
		k := m.perConn() / 1024
		p("| %s | %d | %d | %s | %s | %d | %.1f | %s | %s |\n", res.kind.name, m.n, m.failed, mib(m.before), mib(m.after), m.procsAfter, k, ratio(k, relayK), ratio(k, wskK))
	}
	if r.lowered != "" {
		p("\n**%s.**\n", r.lowered)
	}
	for _, res := range r.results {
		if usable(res) && res.memErr == nil && res.mem.failed > 0 {
			p("\n%s: %d of %d connections failed; the first: %s\n", res.kind.name, res.mem.failed, res.mem.n, indentMD(fmt.Sprint(res.mem.firstErr)))
		}
	}

	if cfg.desktop != "" {
		p("\n## The desktop in a browser\n\n")
		p("A real Xvnc desktop shown by noVNC in headless Chromium (`go test ./e2e -run '^$' -bench Desktop -benchtime 1x`, run by `make bench` before the proxy figures).\n\n")
		p("%s", cfg.desktop)
	}
	p("\n## How to read this\n\n")
	p("- The relay is a minimal Go program (`bench -relay`): per connection, `io.Copy` both ways between the two sockets," +
		" through a 32 KiB buffer in user space, as a WebSocket proxy has to (Go's `io.Copy` would otherwise splice(2)," +
		" which holds a pipe per direction even on an idle connection, six file descriptors per connection in all)." +
		" It frames nothing, so it is the limit a WebSocket proxy can approach, not pass. Its memory per connection is" +
		" shown for reference: its two 32 KiB buffers stay allocated while a connection is idle.\n")
	p("- With %d CPUs for client, proxy and target together, throughput is bounded by CPU, not by the loopback device:"+
		" a proxy that spends less CPU per byte leaves more to the client and the target. The CPU column shows that cost directly.\n", r.mach.CPUs)
	p("- CPU time is what /proc/PID/stat charges to the proxy's processes; the kernel's softirq work for loopback traffic" +
		" is charged to no process and is left out for every proxy alike.\n")
	p("- RLIMIT_NOFILE was raised to %d for the bench and the proxies it starts.\n", r.fileLimit)
	p("- To look at one figure, for example under a profiler: `go run ./bench -only up -websockify ''`" +
		" (figures: down, up, rtt, mem); `-quick` is a short smoke run.\n")
	return b.String()
}

func websockifyLine(r *report, wsk *result) string {
	switch {
	case wsk == nil:
		return "left out (-websockify \"\")"
	case strings.HasPrefix(wsk.skipped, "not installed"):
		return wsk.skipped
	}
	return r.websockifyVersion
}

func ratio(v, ref float64) string {
	if math.IsNaN(v) || math.IsNaN(ref) || ref == 0 {
		return "—"
	}
	x := v / ref
	switch {
	case x >= 10:
		return fmt.Sprintf("%.0f", x)
	case x >= 0.1:
		return fmt.Sprintf("%.2f", x)
	}
	return fmt.Sprintf("%.3f", x)
}

func us(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/float64(time.Microsecond)) }

func abs(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

func sign(d time.Duration) string {
	if d < 0 {
		return "−"
	}
	return "+"
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func size(b int64) string {
	switch {
	case b >= 1<<30 && b%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", b>>30)
	case b >= 1<<20:
		return fmt.Sprintf("%d MiB", b>>20)
	}
	return fmt.Sprintf("%d bytes", b)
}

func orDash(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// cell makes an error fit in a table cell.
func cell(err error) string {
	switch {
	case err == nil:
		return "failed: no data"
	case errors.Is(err, errNotWanted):
		return err.Error()
	}
	return "failed: " + strings.ReplaceAll(firstLine(err.Error()), "|", "\\|")
}

// indentMD keeps a multi-line reason inside its list item.
func indentMD(s string) string {
	if !strings.Contains(s, "\n") {
		return s
	}
	l, rest, _ := strings.Cut(s, "\n")
	return l + "\n\n```\n" + strings.TrimLeft(rest, "\n") + "\n```"
}
