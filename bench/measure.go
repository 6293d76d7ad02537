//go:build linux

package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gobwas/ws/wsutil"
)

// A throughput run moves up to a fixed number of payload bytes, or what it
// can within a time limit, through one new connection.
type runResult struct {
	bytes   int64
	seconds float64
	cpu     float64 // proxy CPU seconds (process and descendants)
}

func (r runResult) mbps() float64 { return float64(r.bytes) / r.seconds / 1e6 }

const (
	downChunk  = 64 << 10  // the target's writes
	upFrame    = 16 << 10  // the client's frames
	upBatch    = 8         // frames per client write
	clientRead = 256 << 10 // the client's and the target's reads
)

// connect opens a client through p and returns it with the target's end.
func connect(p *proc) (*client, net.Conn, error) {
	p.target.drain()
	ctx, cancel := context.WithTimeout(context.Background(), dialTimeout)
	defer cancel()
	cl, err := dialClient(ctx, p.listen, p.kind.raw, p.kind.tls)
	if err != nil {
		return nil, nil, fmt.Errorf("connect: %w", err)
	}
	tc, ok := p.target.next(dialTimeout)
	if !ok {
		cl.Close()
		return nil, nil, errors.New("the proxy did not connect to the target")
	}
	if p.kind.rfb {
		if err := rfbHandshake(cl, tc); err != nil {
			cl.Close()
			tc.Close()
			return nil, nil, fmt.Errorf("RFB handshake: %w", err)
		}
	}
	return cl, tc, nil
}

// rfbHandshake plays an RFB 3.8 server without security on tc and its
// client on cl, up to where the server would send pictures, so that a
// view-only session relays them.
func rfbHandshake(cl *client, tc net.Conn) error {
	tc.SetDeadline(time.Now().Add(dialTimeout))
	defer tc.SetDeadline(time.Time{})
	cl.conn.SetDeadline(time.Now().Add(dialTimeout))
	defer cl.conn.SetDeadline(time.Time{})
	rw := struct {
		io.Reader
		io.Writer
	}{cl.r, cl.conn}
	var pending []byte
	clientReads := func(want []byte) error {
		for len(pending) < len(want) {
			p, err := wsutil.ReadServerBinary(rw)
			if err != nil {
				return err
			}
			pending = append(pending, p...)
		}
		if got := pending[:len(want)]; !bytes.Equal(got, want) {
			return fmt.Errorf("the client read %q, want %q", got, want)
		}
		pending = pending[len(want):]
		return nil
	}
	targetReads := func(want []byte) error {
		got := make([]byte, len(want))
		if _, err := io.ReadFull(tc, got); err != nil {
			return err
		}
		if !bytes.Equal(got, want) {
			return fmt.Errorf("the target read %q, want %q", got, want)
		}
		return nil
	}
	version := []byte("RFB 003.008\n")
	for _, step := range []struct{ server, client []byte }{
		{version, version},
		{[]byte{1, 1}, []byte{1}},       // one security type, None; chosen
		{[]byte{0, 0, 0, 0}, []byte{1}}, // SecurityResult OK; ClientInit
	} {
		if _, err := tc.Write(step.server); err != nil {
			return err
		}
		if err := clientReads(step.server); err != nil {
			return err
		}
		if err := wsutil.WriteClientBinary(cl.conn, step.client); err != nil {
			return err
		}
		if err := targetReads(step.client); err != nil {
			return err
		}
	}
	return nil
}

// downstream: the target writes 64 KiB chunks as fast as it can; the client
// counts payload bytes.
func downstream(p *proc, total int64, limit time.Duration) (runResult, error) {
	cl, tc, err := connect(p)
	if err != nil {
		return runResult{}, err
	}
	defer cl.Close()
	defer tc.Close()
	chunk := make([]byte, downChunk)
	buf := make([]byte, clientRead)
	var pc payloadCounter
	cpu0 := treeCPU(p.pid())
	start := time.Now()
	deadline := start.Add(limit)
	go source(tc, chunk)
	for pc.payload < total {
		n, err := cl.r.Read(buf)
		if cl.ws {
			if ferr := pc.feed(buf[:n]); ferr != nil {
				return runResult{}, ferr
			}
		} else {
			pc.payload += int64(n)
		}
		if err != nil {
			return runResult{}, fmt.Errorf("after %d bytes: %w", pc.payload, err)
		}
		if pc.closed {
			return runResult{}, fmt.Errorf("the proxy closed the connection after %d bytes", pc.payload)
		}
		if time.Now().After(deadline) {
			break
		}
	}
	r := runResult{bytes: pc.payload, seconds: time.Since(start).Seconds()}
	r.cpu = treeCPU(p.pid()) - cpu0 // before closing: websockify's session is alive
	return r, nil
}

// upstream: the client writes pre-masked 16 KiB frames; the target counts
// bytes. The time runs until the target has every byte the client sent.
func upstream(p *proc, total int64, limit time.Duration) (runResult, error) {
	cl, tc, err := connect(p)
	if err != nil {
		return runResult{}, err
	}
	defer cl.Close()
	defer tc.Close()
	var batch []byte
	if cl.ws {
		batch = maskedFrames(upFrame, upBatch)
	} else {
		batch = make([]byte, upFrame*upBatch)
	}
	const perBatch = upFrame * upBatch

	var (
		want     atomic.Int64 // bytes the client sent, once it is done
		got      atomic.Int64
		lastRead atomic.Int64 // nanoseconds from start to the target's last read
		once     sync.Once
		done     = make(chan struct{})
		readErr  error
	)
	want.Store(math.MaxInt64)
	finish := func() { once.Do(func() { close(done) }) }
	cpu0 := treeCPU(p.pid())
	start := time.Now()
	go func() {
		buf := make([]byte, clientRead)
		for {
			n, err := tc.Read(buf)
			lastRead.Store(int64(time.Since(start)))
			if got.Add(int64(n)) >= want.Load() {
				finish()
				return
			}
			if err != nil {
				readErr = err
				finish()
				return
			}
		}
	}()
	deadline := start.Add(limit)
	var sent int64
	for sent < total && time.Now().Before(deadline) {
		if _, err := cl.conn.Write(batch); err != nil {
			return runResult{}, fmt.Errorf("after %d bytes: %w", sent, err)
		}
		sent += perBatch
	}
	want.Store(sent)
	if got.Load() >= sent {
		finish()
	}
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		return runResult{}, fmt.Errorf("the target got %d of %d bytes", got.Load(), sent)
	}
	if g := got.Load(); g < sent {
		return runResult{}, fmt.Errorf("the target got %d of %d bytes: %v", g, sent, readErr)
	}
	r := runResult{bytes: sent, seconds: time.Duration(lastRead.Load()).Seconds()}
	r.cpu = treeCPU(p.pid()) - cpu0
	return r, nil
}

// rttResult holds the round trips of 64-byte messages.
type rttResult struct {
	n        int
	p50, p99 time.Duration
}

// rttConn is one proxy's connection for the round-trip test.
type rttConn struct {
	cl    *client
	tc    net.Conn
	msg   []byte
	reply []byte
	br    *bufio.Reader
	times []time.Duration
}

func newRTTConn(p *proc, n int) (*rttConn, error) {
	cl, tc, err := connect(p)
	if err != nil {
		return nil, err
	}
	go echo(tc)
	const size = 64
	rc := &rttConn{cl: cl, tc: tc, msg: make([]byte, size), reply: make([]byte, size),
		br: bufio.NewReaderSize(cl.r, 4096), times: make([]time.Duration, 0, n)}
	if cl.ws {
		rc.msg = maskedFrames(size, 1)
	}
	return rc, nil
}

func (rc *rttConn) close() {
	rc.cl.Close()
	rc.tc.Close()
}

// exchange sends n messages one after the other, each after the answer to
// the one before, and keeps their times when keep is set.
func (rc *rttConn) exchange(n int, keep bool) error {
	for i := 0; i < n; i++ {
		t0 := time.Now()
		if _, err := rc.cl.conn.Write(rc.msg); err != nil {
			return err
		}
		if err := rc.cl.readPayload(rc.br, rc.reply); err != nil {
			return err
		}
		if keep {
			rc.times = append(rc.times, time.Since(t0))
		}
	}
	return nil
}

func (rc *rttConn) result() rttResult {
	t := slices.Clone(rc.times)
	slices.Sort(t)
	n := len(t)
	return rttResult{n: n, p50: t[n/2], p99: t[n*99/100]}
}

// rttBatch is how many round trips a proxy makes before the next one takes
// its turn. On a virtual machine the latency of waking an idle CPU changes
// from one moment to the next; taking turns lets every proxy see the same
// mix.
const rttBatch = 500

// roundTrips measures the round trips of 64-byte messages through each
// proxy (but those whose results already hold an error) to an echo target,
// one message in flight. The proxies take turns in batches, so that they
// share whatever state the machine is in.
func roundTrips(procs []*proc, warm, n int, results []*result, pick func(*result) (*rttResult, *error)) {
	conns := make([]*rttConn, len(procs))
	for i, p := range procs {
		_, errp := pick(results[i])
		if *errp != nil {
			continue
		}
		rc, err := newRTTConn(p, n)
		if err == nil {
			err = rc.exchange(warm, false)
			if err != nil {
				rc.close()
			}
		}
		if err != nil {
			*errp = err
			continue
		}
		conns[i] = rc
	}
	for done := 0; done < n; done += rttBatch {
		for i, rc := range conns {
			if rc == nil {
				continue
			}
			if err := rc.exchange(min(rttBatch, n-done), true); err != nil {
				_, errp := pick(results[i])
				*errp = fmt.Errorf("after %d round trips: %w", len(rc.times), err)
				rc.close()
				conns[i] = nil
			}
		}
	}
	for i, rc := range conns {
		if rc != nil {
			rp, _ := pick(results[i])
			*rp = rc.result()
			rc.close()
		}
	}
}

// roundTripsOnOneCPU runs roundTrips with the bench and every process it
// started (the proxies and their children) bound to one CPU, then lets them
// run anywhere again. On one CPU each hop is a context switch, not the
// wake-up of another (possibly idle, possibly virtual) CPU, whose cost
// varies by tens of microseconds from one moment to the next and hides the
// proxies' own cost.
func roundTripsOnOneCPU(procs []*proc, warm, n int, results []*result, pick func(*result) (*rttResult, *error)) error {
	all, err := getAffinity(0)
	if err != nil {
		return fmt.Errorf("sched_getaffinity: %w", err)
	}
	var one cpuMask
	c := all.first()
	one[c/64] = 1 << (c % 64)
	defer pinProcesses([]int{os.Getpid()}, all)
	if err := pinProcesses([]int{os.Getpid()}, one); err != nil {
		return err
	}
	roundTrips(procs, warm, n, results, pick)
	return nil
}

// memResult is the memory test of one proxy.
type memResult struct {
	n           int   // connections asked for
	failed      int   // connections that failed, on either leg
	firstErr    error // the first failure
	before      int64 // PSS before connecting, bytes
	after       int64 // PSS with every connection open, bytes
	procsAfter  int   // processes summed at the end
	openSeconds float64

	fdsBefore, fdsAfter     int // file descriptors of the proxy's processes
	pipesBefore, pipesAfter int // of which pipes' ends
}

// fdsPerConn is the file descriptors each open connection costs.
func (m memResult) fdsPerConn() float64 {
	ok := m.n - m.failed
	if ok <= 0 {
		return math.NaN()
	}
	return float64(m.fdsAfter-m.fdsBefore) / float64(ok)
}

// perConn is the memory each open connection costs, in bytes.
func (m memResult) perConn() float64 {
	ok := m.n - m.failed
	if ok <= 0 {
		return math.NaN()
	}
	return float64(m.after-m.before) / float64(ok)
}

// memory opens n connections through a fresh proxy of kind (handshake done,
// target connected), lets it settle, and reads the PSS of the proxy and its
// descendants against the PSS before the first connection.
func memory(kind *proxyKind, n, workers int, settle time.Duration) (memResult, error) {
	p, err := startProxy(kind)
	if err != nil {
		return memResult{}, err
	}
	defer p.stop()
	p.target.holdAll(true)
	time.Sleep(settle / 2)
	m := memResult{n: n}
	if m.before, _, err = treePSS(p.pid()); err != nil {
		return m, err
	}
	if m.fdsBefore, m.pipesBefore, err = treeFDs(p.pid()); err != nil {
		return m, err
	}
	var (
		mu      sync.Mutex
		clients []*client
		next    atomic.Int64
		wg      sync.WaitGroup
	)
	defer func() {
		for _, c := range clients {
			c.Close()
		}
	}()
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				ctx, cancel := context.WithTimeout(context.Background(), dialTimeout)
				c, err := dialClient(ctx, p.listen, kind.raw, kind.tls)
				cancel()
				mu.Lock()
				if err != nil {
					m.failed++
					if m.firstErr == nil {
						m.firstErr = err
					}
				} else {
					clients = append(clients, c)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	// Every session must reach the target.
	ok := int64(len(clients))
	wait := time.Now().Add(30 * time.Second)
	for p.target.accepted.Load() < ok && time.Now().Before(wait) {
		time.Sleep(20 * time.Millisecond)
	}
	if a := p.target.accepted.Load(); a < ok {
		m.failed += int(ok - a)
		if m.firstErr == nil {
			m.firstErr = fmt.Errorf("%d sessions never reached the target%s", ok-a, p.out.indented())
		}
	}
	m.openSeconds = time.Since(start).Seconds()
	if err := p.alive(); err != nil {
		return m, err
	}
	// Settle: wait, then until two readings half a second apart agree
	// within 1%.
	time.Sleep(settle)
	m.after, m.procsAfter, err = treePSS(p.pid())
	for i := 0; i < 12 && err == nil; i++ {
		time.Sleep(500 * time.Millisecond)
		var cur int64
		cur, m.procsAfter, err = treePSS(p.pid())
		stable := math.Abs(float64(cur-m.after)) <= 0.01*float64(m.after)
		m.after = cur
		if stable {
			break
		}
	}
	if err == nil {
		m.fdsAfter, m.pipesAfter, err = treeFDs(p.pid())
	}
	return m, err
}

// median of a non-empty list.
func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
