package tailnet_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"

	"vncbridge/internal/tailnet/tailnettest"
	"vncbridge/internal/testnet"
)

// BenchmarkTailnetPath measures what the tailnet costs a viewer: round trip
// and throughput of the same share (the headless tray, an echo server as
// its target) through localhost and through the tailnet (a second node's
// connection, userspace WireGuard on loopback, as the viewer). make bench
// runs it once (-benchtime 1x) and prints its line; with
// VNCBRIDGE_TAILNET_REPORT set, the line is written there too.
func BenchmarkTailnetPath(b *testing.B) {
	c := tailnettest.Start(b, tailnettest.Options{SameUser: true})
	h := startHeadless(b, testnet.Echo(b), "--tailnet", "--tailnet-hostname", "desk", "--tailnet-control-url", c.URL)
	h.waitLine(b, "vncbridge: sharing on the tailnet at ")
	viewer, _ := c.Node(b, "viewer")
	var line string
	for range b.N {
		local := measurePath(b, "127.0.0.1:"+strconv.Itoa(h.port), (&net.Dialer{}).DialContext)
		tail := measurePath(b, "desk."+tailnettest.Domain+":80", viewer.Dial)
		line = fmt.Sprintf("Tailnet path (userspace WireGuard on loopback, %d CPUs): round trip %.0f µs vs %.0f µs through localhost (×%.1f); "+
			"throughput %.0f MB/s vs %.0f MB/s (%.0f%%)",
			runtime.NumCPU(), tail.rtt.Seconds()*1e6, local.rtt.Seconds()*1e6, tail.rtt.Seconds()/local.rtt.Seconds(),
			tail.mbps, local.mbps, 100*tail.mbps/local.mbps)
		b.ReportMetric(tail.rtt.Seconds()*1e6, "tailnet-rtt-µs")
		b.ReportMetric(local.rtt.Seconds()*1e6, "local-rtt-µs")
		b.ReportMetric(tail.mbps, "tailnet-MB/s")
		b.ReportMetric(local.mbps, "local-MB/s")
	}
	fmt.Println(line)
	if out := os.Getenv("VNCBRIDGE_TAILNET_REPORT"); out != "" {
		if err := os.WriteFile(out, []byte(line+"\n"), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

type pathCost struct {
	rtt  time.Duration // median of small messages' round trips
	mbps float64       // echoed bytes per second, both ways at once
}

// measurePath opens the share's WebSocket at addr through dial and measures
// it against the echo target.
func measurePath(b *testing.B, addr string, dial func(ctx context.Context, network, addr string) (net.Conn, error)) pathCost {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	conn, _, _, err := ws.Dialer{NetDial: dial}.Dial(ctx, "ws://"+addr+"/websockify?token="+token)
	if err != nil {
		b.Fatalf("WebSocket to %s: %v", addr, err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(2 * time.Minute))
	small := make([]byte, 32)
	var rtts []time.Duration
	for range 300 {
		start := time.Now()
		if err := wsutil.WriteClientBinary(conn, small); err != nil {
			b.Fatal(err)
		}
		if _, err := wsutil.ReadServerBinary(conn); err != nil {
			b.Fatal(err)
		}
		rtts = append(rtts, time.Since(start))
	}
	slices.Sort(rtts)

	const total, chunk = 64 << 20, 64 << 10
	start := time.Now()
	written := make(chan error, 1)
	go func() {
		buf := make([]byte, chunk)
		for sent := 0; sent < total; sent += chunk {
			if err := wsutil.WriteClientBinary(conn, buf); err != nil {
				written <- err
				return
			}
		}
		written <- nil
	}()
	got := 0
	for got < total {
		p, err := wsutil.ReadServerBinary(conn)
		if err != nil && err != io.EOF {
			b.Fatalf("reading the echo after %d bytes: %v", got, err)
		}
		got += len(p)
	}
	if err := <-written; err != nil {
		b.Fatal(err)
	}
	return pathCost{rtt: rtts[len(rtts)/2], mbps: float64(total) / time.Since(start).Seconds() / 1e6}
}
