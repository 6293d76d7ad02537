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
	downTarget    = 0.95                  // × splice relay
	downCPUTarget = 1.2                   // × the splice relay's CPU per GB
	upTarget      = 0.95                  // × relay
	rttSlack      = 10 * time.Microsecond // p50 over the relay's
	memTargetKiB  = 16.0
	fdsTarget     = 2.0              // per open connection: its two sockets, no pipe
	loadSlack     = time.Millisecond // p99 burst delay over no proxy's
	sparepipeEnds = 32               // the splice path's pool: 16 idle pipes at most
	// viewOnlyTarget: a view-only session's downstream, × a normal one's.
	viewOnlyTarget = 0.95
)

// check is one target: met or missed, and the figures that say so.
type check struct {
	pass bool
	line string
}

func (r *report) checks() []check {
	relay, sp, vb, wsk := r.get("relay"), r.get("splice relay"), r.get("vncbridge"), r.get("websockify")
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
		add(false, "downstream ≥ %.2f × splice relay: %s", downTarget, w)
		add(false, "downstream CPU per GB ≤ %.1f × splice relay's: %s", downCPUTarget, w)
	} else if sp == nil || sp.downErr != nil || len(sp.down) == 0 {
		add(false, "downstream ≥ %.2f × splice relay: the splice relay was not measured", downTarget)
		add(false, "downstream CPU per GB ≤ %.1f × splice relay's: the splice relay was not measured", downCPUTarget)
	} else {
		x := vb.downMBps() / sp.downMBps()
		add(x >= downTarget, "downstream ≥ %.2f × splice relay: %.0f MB/s = %.2f × splice relay (%.0f MB/s), %s × relay", downTarget, vb.downMBps(), x, sp.downMBps(), ratio(vb.downMBps(), relay.downMBps()))
		c, sc := cpuPerGB(vb.down), cpuPerGB(sp.down)
		add(c <= downCPUTarget*sc, "downstream CPU per GB ≤ %.1f × splice relay's: %.2f s/GB = %.2f × splice relay's (%.2f s/GB)", downCPUTarget, c, c/sc, sc)
	}
	if vo := r.get(viewOnlyKind); vb != nil && vb.downErr == nil && len(vb.down) > 0 {
		if w := why(vo, vo.errOf("down")); w != "" {
			add(false, "view-only downstream ≥ %.2f × vncbridge: %s", viewOnlyTarget, w)
		} else {
			x := vo.downMBps() / vb.downMBps()
			add(x >= viewOnlyTarget, "view-only downstream ≥ %.2f × vncbridge: %.0f MB/s = %.2f × vncbridge (%.0f MB/s)", viewOnlyTarget, vo.downMBps(), x, vb.downMBps())
		}
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
		// The pool's spare pipes (16 at most, 32 ends) belong to no
		// session: they are counted apart.
		pipes := vb.mem.pipesAfter - vb.mem.pipesBefore
		f := float64(vb.mem.fdsAfter-vb.mem.fdsBefore-pipes) / float64(vb.mem.n-vb.mem.failed)
		add(f <= fdsTarget && pipes <= sparepipeEnds, "idle sessions hold no pipe: %.2f file descriptors per open connection besides pipes (≤ %.0f), %+d pipe ends in all with %d connections open (the pool's spares: ≤ %d)", f, fdsTarget, pipes, vb.mem.n, sparepipeEnds)
	}
	if w := why(vb, vb.errOf("load")); w != "" {
		add(false, "desktop-like load: less CPU than websockify, p99 added delay ≤ 1 ms: %s", w)
	} else if r.directErr != nil {
		add(false, "desktop-like load: less CPU than websockify, p99 added delay ≤ 1 ms: the load with no proxy failed")
	} else {
		d := vb.load.p99 - r.direct.p99
		line := fmt.Sprintf("desktop-like load (%d sessions): p99 added delay %s ms (≤ 1 ms), CPU %.1f%%", vb.load.sessions, ms(d), vb.load.cpuPercent())
		pass := d <= loadSlack
		if wsk != nil && wsk.skipped == "" && wsk.loadErr == nil {
			line += fmt.Sprintf(" (websockify: %.1f%%)", wsk.load.cpuPercent())
			pass = pass && vb.load.cpuPercent() < wsk.load.cpuPercent()
		} else {
			line += " (websockify not measured)"
			pass = false
		}
		add(pass, "%s", line)
	}
	if r.cfg.recordDir != "" {
		const what = "a slow disk does not slow a recorded session: p99 delay ≤ recording to a normal disk's + 1 ms"
		disk, slow := r.get(recordingName), r.get(slowRecordingName)
		if w := why(slow, slow.errOf("record")); w != "" {
			add(false, "%s: %s", what, w)
		} else if w := why(disk, disk.errOf("record")); w != "" {
			add(false, "%s: %s", what, w)
		} else {
			d := slow.record.p99 - disk.record.p99
			add(d <= loadSlack, "%s: %s ms = normal disk's %s %s ms", what, ms(slow.record.p99), sign(d), ms(abs(d)))
		}
	}
	if w := why(vb, nil); w != "" {
		add(false, "no failed connection: %s", w)
	} else {
		var bad []string
		for _, part := range []string{"down", "up", "rtt", "rtt1", "mem", "load"} {
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
	case "load":
		return res.loadErr
	case "record":
		return res.recordErr
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
	relay, splice, wsk := r.get("relay"), r.get("splice relay"), r.get("websockify")
	usable := func(res *result) bool { return res != nil && res.skipped == "" }
	// plain are the results of the main tables: all but the wss:// ones.
	var plain, secure []*result
	for _, res := range r.results {
		switch {
		case res.kind.tls:
			secure = append(secure, res)
		case res.kind.recordTo == "":
			plain = append(plain, res)
		}
	}

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
		" The proxies run side by side and take turns; throughput runs alternate between them.\n", r.mach.CPUs)
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
		p("| proxy | MB/s | runs (MB/s) | × relay | × splice relay | × websockify | proxy CPU s/GB | CPU × splice relay |\n|---|---:|---|---:|---:|---:|---:|---:|\n")
		value := func(res *result) (mbps, cpu float64) {
			if usable(res) {
				if rs, err := pick(res); err == nil && len(rs) > 0 {
					return medianOrNaN(runsMBps(rs)), cpuPerGB(rs)
				}
			}
			return math.NaN(), math.NaN()
		}
		relayV, _ := value(relay)
		spliceV, spliceCPU := value(splice)
		wskV, _ := value(wsk)
		for _, res := range plain {
			if !usable(res) {
				p("| %s | — | not measured | | | | | |\n", res.kind.name)
				continue
			}
			rs, err := pick(res)
			if err != nil || len(rs) == 0 {
				p("| %s | — | %s | | | | | |\n", res.kind.name, cell(err))
				continue
			}
			v := medianOrNaN(runsMBps(rs))
			var runs []string
			for _, x := range runsMBps(rs) {
				runs = append(runs, fmt.Sprintf("%.0f", x))
			}
			p("| %s | %.0f | %s | %s | %s | %s | %.2f | %s |\n", res.kind.name, v, strings.Join(runs, ", "), ratio(v, relayV), ratio(v, spliceV), ratio(v, wskV), cpuPerGB(rs), ratio(cpuPerGB(rs), spliceCPU))
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
		for _, res := range plain {
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
		" minus the PSS before the first connection, divided by the connections open. websockify gets a smaller N, and so does the splice relay when six descriptors per connection would pass RLIMIT_NOFILE.\n\n", cfg.settle)
	p("The file descriptors are those of the proxy's processes (/proc/PID/fd), with every connection open, minus those before the first, per connection;" +
		" pipes counts the pipes' ends among them (vncbridge borrows them only while data flows; the splice relay's io.Copy holds one per direction for as long as the connection is open).\n\n")
	p("| proxy | N | failed | PSS before | PSS open | processes | KiB per connection | × relay | × websockify | fds per connection | pipes |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	var relayK, wskK = math.NaN(), math.NaN()
	if usable(relay) && relay.memErr == nil {
		relayK = relay.mem.perConn() / 1024
	}
	if usable(wsk) && wsk.memErr == nil {
		wskK = wsk.mem.perConn() / 1024
	}
	for _, res := range plain {
		if !usable(res) {
			p("| %s | | | | | | not measured | | | | |\n", res.kind.name)
			continue
		}
		if res.memErr != nil {
			p("| %s | %d | | | | | %s | | | | |\n", res.kind.name, res.kind.memConns, cell(res.memErr))
			continue
		}
		m := res.mem
		k := m.perConn() / 1024
		p("| %s | %d | %d | %s | %s | %d | %.1f | %s | %s | %.2f | %+d |\n", res.kind.name, m.n, m.failed, mib(m.before), mib(m.after), m.procsAfter, k, ratio(k, relayK), ratio(k, wskK), m.fdsPerConn(), m.pipesAfter-m.pipesBefore)
	}
	if r.lowered != "" {
		p("\n**%s.**\n", r.lowered)
	}
	for _, res := range r.results {
		if usable(res) && res.memErr == nil && res.mem.failed > 0 {
			p("\n%s: %d of %d connections failed; the first: %s\n", res.kind.name, res.mem.failed, res.mem.n, indentMD(fmt.Sprint(res.mem.firstErr)))
		}
	}

	lc := cfg.load
	p("\n## Desktop-like load\n\n%d sessions open at once through each proxy; each target sends %s every %v (%.1f MB/s per session, the way framebuffer updates come),"+
		" the sessions' bursts spread evenly over the interval, for %v. A burst's delay runs from the moment the target starts writing it to the moment"+
		" the client has its last byte; the added delay is the proxy's p99 minus the p99 of the same load with no proxy (client straight to target),"+
		" which is the bench's own share. CPU is the time on CPU of the proxy's threads and processes (/proc/PID/task/TID/schedstat) over the load's wall time (100%% = one CPU).\n\n",
		lc.sessions, size(int64(lc.burst)), lc.interval, float64(lc.burst)/lc.interval.Seconds()/1e6, lc.duration)
	p("| proxy | bursts | proxy CPU %% | p50 delay ms | p99 delay ms | p99 added ms |\n|---|---:|---:|---:|---:|---:|\n")
	if r.directErr != nil {
		p("| no proxy | — | | | | %s |\n", cell(r.directErr))
	} else {
		p("| no proxy | %d | — | %s | %s | — |\n", r.direct.bursts, ms(r.direct.p50), ms(r.direct.p99))
	}
	for _, res := range plain {
		switch {
		case !usable(res):
			p("| %s | | | | | not measured |\n", res.kind.name)
		case res.loadErr != nil:
			p("| %s | | | | | %s |\n", res.kind.name, cell(res.loadErr))
		default:
			l := res.load
			added := "—"
			if r.directErr == nil {
				added = ms(l.p99 - r.direct.p99)
			}
			p("| %s | %d | %.1f | %s | %s | %s |\n", res.kind.name, l.bursts, l.cpuPercent(), ms(l.p50), ms(l.p99), added)
		}
	}

	if len(secure) > 0 {
		p("\n## TLS (wss://)\n\nvncbridge and websockify with the same self-signed certificate (ECDSA P-256, made by the bench), the client over TLS;" +
			" the same runs as above, alternating with them (the target side is plain TCP).\n\n")
		p("| proxy | downstream MB/s | CPU s/GB | upstream MB/s | CPU s/GB | downstream × websockify wss | upstream × websockify wss |\n|---|---:|---:|---:|---:|---:|---:|\n")
		wss := r.get("websockify wss")
		ref := func(rs []runResult, err error) float64 {
			if err != nil || len(rs) == 0 {
				return math.NaN()
			}
			return medianOrNaN(runsMBps(rs))
		}
		var wDown, wUp = math.NaN(), math.NaN()
		if usable(wss) {
			wDown, wUp = ref(wss.down, wss.downErr), ref(wss.up, wss.upErr)
		}
		for _, res := range secure {
			if !usable(res) {
				p("| %s | not measured: %s | | | | | |\n", res.kind.name, strings.ReplaceAll(firstLine(res.skipped), "|", "\\|"))
				continue
			}
			d, u := ref(res.down, res.downErr), ref(res.up, res.upErr)
			dc, uc := "", ""
			if res.downErr != nil {
				dc = cell(res.downErr)
			} else {
				dc = fmt.Sprintf("%.2f", cpuPerGB(res.down))
			}
			if res.upErr != nil {
				uc = cell(res.upErr)
			} else {
				uc = fmt.Sprintf("%.2f", cpuPerGB(res.up))
			}
			p("| %s | %.0f | %s | %.0f | %s | %s | %s |\n", res.kind.name, d, dc, u, uc, ratio(d, wDown), ratio(u, wUp))
		}
	}

	if cfg.recordDir != "" {
		lc := cfg.recordLoad()
		p("\n## Recording\n\nThe desktop-like load with %d sessions through vncbridge without recording (%s: recorded sessions take that path),"+
			" recording every session (`--record`) to the bench's temporary folder, and recording to a deliberately slow disk"+
			" (`VNCBRIDGE_RECORDING_WRITE_RATE=%d`: each recording is written at %.0f MB/s, while its session sends 2 MB/s,"+
			" about 3.5 times as much once escaped). The session must not wait for the disk: its recording falls behind, and stops when"+
			" 16 MiB wait to be written. The last column is what the recordings held when the load ended.\n\n", lc.sessions, ordinaryName, slowRecordingRate, slowRecordingRate/1e6)
		p("| session | bursts received | proxy CPU %% | p50 delay ms | p99 delay ms | p99 × no recording | recorded by the end |\n|---|---:|---:|---:|---:|---:|---:|\n")
		base := r.get(ordinaryName)
		baseP99 := math.NaN()
		if usable(base) && base.recordErr == nil {
			baseP99 = float64(base.record.p99)
		}
		for _, row := range []struct{ name, label string }{{ordinaryName, "no recording"}, {recordingName, "recording to a normal disk"}, {slowRecordingName, "recording to a slow disk"}} {
			res := r.get(row.name)
			switch {
			case !usable(res):
				p("| %s | | | | | | not measured |\n", row.label)
			case res.recordErr != nil:
				p("| %s | | | | | | %s |\n", row.label, cell(res.recordErr))
			default:
				l, disk := res.record, "—"
				if res.kind.recordTo != "" {
					disk = mib(res.recorded)
				}
				p("| %s | %d | %.1f | %s | %s | %s | %s |\n", row.label, l.bursts, l.cpuPercent(), ms(l.p50), ms(l.p99), ratio(float64(l.p99), baseP99), disk)
			}
		}
	}

	if cfg.desktop != "" {
		p("\n## The desktop in a browser\n\n")
		p("A real Xvnc desktop shown by noVNC in headless Chromium (`go test ./e2e -run '^$' -bench Desktop -benchtime 1x`, run by `make bench` before the proxy figures).\n\n")
		p("%s", cfg.desktop)
	}
	if cfg.tailnet != "" {
		p("\n## Through a tailnet\n\n")
		p("The same share reached by a second Tailscale node on a test tailnet (Tailscale's test control and DERP servers, in a network namespace that has only loopback) and through localhost (`go test ./e2e/tailnet -run '^$' -bench TailnetPath -benchtime 1x`, run by `make bench` before the proxy figures).\n\n")
		p("- %s\n", cfg.tailnet)
	}
	p("\n## How to read this\n\n")
	p("- The relay is a minimal Go program (`bench -relay`): per connection, `io.Copy` both ways between the two sockets," +
		" through a 32 KiB buffer in user space, as a WebSocket proxy has to where it cannot splice. Its two 32 KiB buffers stay allocated while a connection is idle.\n")
	p("- The splice relay (`bench -splice-relay`) is Go's `io.Copy` between the two TCP connections, which on Linux moves" +
		" the bytes with splice(2) through a pipe and never into user space: the least a program can do to pass bytes between" +
		" two sockets. Neither relay frames anything, so they are limits a WebSocket proxy can approach, not pass.\n")
	p("- vncbridge splices downstream on Linux (target socket → pipe → client socket, the frame header sent by its own sendmsg, before the payload);" +
		" \"vncbridge, no splice\" is the same binary with `VNCBRIDGE_SPLICE=0`: the path of TLS, recorded, legacy and base64" +
		" sessions and of other systems. Upstream cannot splice (client frames are masked) and is the same path in both. docs/PROFILE.md explains what is left between vncbridge and the splice relay.\n")
	p("- With %d CPUs for client, proxy and target together, throughput is bounded by CPU, not by the loopback device:"+
		" a proxy that spends less CPU per byte leaves more to the client and the target. The CPU column shows that cost directly.\n", r.mach.CPUs)
	p("- CPU time is what /proc/PID/stat charges to the proxy's processes; the kernel's softirq work for loopback traffic" +
		" is charged to no process and is left out for every proxy alike.\n")
	p("- RLIMIT_NOFILE was raised to %d for the bench and the proxies it starts.\n", r.fileLimit)
	p("- To look at one figure, for example under a profiler: `go run ./bench -only up -websockify ''`" +
		" (figures: down, up, rtt, mem, load, tls, record); `-quick` is a short smoke run.\n")
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

func ms(d time.Duration) string {
	return fmt.Sprintf("%.2f", float64(d)/float64(time.Millisecond))
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
	case errors.Is(err, errNotWanted), errors.Is(err, errLeftOut):
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
