//go:build linux

package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// The desktop-like load: many sessions open at once, each receiving a
// stream the way framebuffer updates come, in bursts (a burst every
// interval, 2 MB/s per session by default). The figures are the proxy's CPU
// use and the delay of each burst: from the moment the target starts writing
// it to the moment the client has its last byte. The same load straight from
// the target to the client (no proxy) gives the delay the bench itself adds,
// which each proxy's figure is compared with.

// loadConfig is the shape of the load.
type loadConfig struct {
	sessions int
	burst    int           // bytes per burst
	interval time.Duration // between the starts of two bursts of a session
	duration time.Duration // how long the targets send
}

// loadResult is the load through one proxy (or none).
type loadResult struct {
	sessions int
	bursts   int     // bursts received whole
	seconds  float64 // wall time of the load
	cpu      float64 // the proxy's CPU seconds meanwhile
	p50, p99 time.Duration
}

func (l loadResult) cpuPercent() float64 { return 100 * l.cpu / l.seconds }

// endpoint is where the load's clients connect: a proxy, or the target.
type endpoint struct {
	listen      string
	raw, secure bool
	tg          *target
	pid         int // 0: no proxy
}

func procEndpoint(p *proc) endpoint {
	return endpoint{listen: p.listen, raw: p.kind.raw, secure: p.kind.tls, tg: p.target, pid: p.pid()}
}

// loadSession is one session of the load.
type loadSession struct {
	cl    *client
	tc    net.Conn
	sent  []atomic.Int64 // when burst k was started, ns since the load began
	nsent atomic.Int64   // bursts started
	done  atomic.Bool    // the target sent its last burst
	recv  atomic.Int64   // bursts received whole
	delay []time.Duration
	err   error
}

// desktopLoad runs the load through ep.
func desktopLoad(ep endpoint, lc loadConfig) (loadResult, error) {
	ep.tg.drain()
	maxBursts := int(lc.duration/lc.interval) + 2
	sessions := make([]*loadSession, 0, lc.sessions)
	defer func() {
		for _, s := range sessions {
			s.cl.Close()
			s.tc.Close()
		}
	}()
	for i := 0; i < lc.sessions; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), dialTimeout)
		cl, err := dialClient(ctx, ep.listen, ep.raw, ep.secure)
		cancel()
		if err != nil {
			return loadResult{}, fmt.Errorf("session %d: %w", i+1, err)
		}
		tc, ok := ep.tg.next(dialTimeout)
		if !ok {
			cl.Close()
			return loadResult{}, fmt.Errorf("session %d did not reach the target", i+1)
		}
		sessions = append(sessions, &loadSession{cl: cl, tc: tc, sent: make([]atomic.Int64, maxBursts)})
	}
	burst := make([]byte, lc.burst)
	for i := range burst {
		burst[i] = byte(i * 13)
	}
	var cpu0 float64
	if ep.pid != 0 {
		cpu0 = treeRuntime(ep.pid)
	}
	start := time.Now()
	var writers, readers sync.WaitGroup
	for i, s := range sessions {
		offset := time.Duration(i) * lc.interval / time.Duration(len(sessions))
		writers.Add(1)
		go func() {
			defer writers.Done()
			defer s.done.Store(true)
			time.Sleep(offset)
			tick := time.NewTicker(lc.interval)
			defer tick.Stop()
			for k := 0; k < maxBursts && time.Since(start) < lc.duration; k++ {
				s.sent[k].Store(int64(time.Since(start)))
				s.nsent.Store(int64(k + 1))
				if _, err := s.tc.Write(burst); err != nil {
					return
				}
				<-tick.C
			}
		}()
		readers.Add(1)
		go func() {
			defer readers.Done()
			s.err = s.read(int64(lc.burst), start)
		}()
	}
	writers.Wait()
	// Every client has its last burst soon; a proxy that lost one is cut
	// off after 10 s.
	complete := func() bool {
		for _, s := range sessions {
			if s.recv.Load() < s.nsent.Load() {
				return false
			}
		}
		return true
	}
	for wait := time.Now().Add(10 * time.Second); !complete() && time.Now().Before(wait); {
		time.Sleep(time.Millisecond)
	}
	r := loadResult{sessions: len(sessions), seconds: time.Since(start).Seconds()}
	if ep.pid != 0 {
		r.cpu = treeRuntime(ep.pid) - cpu0
	}
	for _, s := range sessions {
		s.cl.Close() // the readers stop
	}
	readers.Wait()
	var all []time.Duration
	for i, s := range sessions {
		if s.recv.Load() < s.nsent.Load() {
			err := s.err
			if err == nil {
				err = errors.New("a burst did not arrive within 10 s")
			}
			return r, fmt.Errorf("session %d, after %d of %d bursts: %w", i+1, s.recv.Load(), s.nsent.Load(), err)
		}
		all = append(all, s.delay...)
	}
	if len(all) == 0 {
		return r, errors.New("no burst arrived")
	}
	slices.Sort(all)
	r.bursts = len(all)
	r.p50, r.p99 = all[len(all)/2], all[len(all)*99/100]
	return r, nil
}

// read counts what the client receives and notes each burst's delay, until
// the connection is closed.
func (s *loadSession) read(burst int64, start time.Time) error {
	buf := make([]byte, 64<<10)
	var pc payloadCounter
	var got int64
	k := int64(0)
	for {
		n, err := s.cl.r.Read(buf)
		if s.cl.ws {
			if ferr := pc.feed(buf[:n]); ferr != nil {
				return ferr
			}
			got = pc.payload
		} else {
			got += int64(n)
		}
		now := int64(time.Since(start))
		for k < s.nsent.Load() && got >= (k+1)*burst {
			s.delay = append(s.delay, time.Duration(now-s.sent[k].Load()))
			k++
			s.recv.Store(k)
		}
		if err != nil {
			return err // the end, or a failure if a burst is missing
		}
		if pc.closed {
			return errors.New("the proxy closed the connection")
		}
	}
}
