package proxy

import (
	"io"
	"testing"

	"github.com/gobwas/ws"
)

// These benchmarks run the relay in-process on loopback, for profiling
// (go test -bench . -cpuprofile). The figures that compare vncbridge with a
// plain relay and websockify, process against process, come from make bench.

// BenchmarkDownstream: the target writes 64 KiB chunks, the client reads
// frames.
func BenchmarkDownstream(b *testing.B) {
	tg := startTarget(b)
	_, addr := startBenchServer(b, tg.addr())
	c := dialWS(b, addr)
	tc := <-tg.conns
	defer tc.Close()
	chunk := make([]byte, 64<<10)
	total := int64(b.N) * int64(len(chunk))
	go func() {
		for i := 0; i < b.N; i++ {
			if _, err := tc.Write(chunk); err != nil {
				return
			}
		}
	}()
	b.SetBytes(int64(len(chunk)))
	b.ResetTimer()
	var got int64
	hdr := make([]byte, 10)
	buf := make([]byte, 64<<10)
	for got < total {
		if _, err := io.ReadFull(c.br, hdr[:2]); err != nil {
			b.Fatal(err)
		}
		n := int64(hdr[1] & 0x7f)
		switch n {
		case 126:
			io.ReadFull(c.br, hdr[2:4])
			n = int64(hdr[2])<<8 | int64(hdr[3])
		case 127:
			io.ReadFull(c.br, hdr[2:10])
			n = 0
			for _, x := range hdr[2:10] {
				n = n<<8 | int64(x)
			}
		}
		for n > 0 {
			m, err := c.br.Read(buf[:min(int64(len(buf)), n)])
			if err != nil {
				b.Fatal(err)
			}
			n -= int64(m)
			got += int64(m)
		}
	}
}

// BenchmarkUpstream: the client sends 16 KiB masked frames, the target
// counts bytes.
func BenchmarkUpstream(b *testing.B) {
	tg := startTarget(b)
	_, addr := startBenchServer(b, tg.addr())
	c := dialWS(b, addr)
	tc := <-tg.conns
	defer tc.Close()
	payload := make([]byte, 16<<10)
	frame := maskedFrame(true, ws.OpBinary, payload)
	total := int64(b.N) * int64(len(payload))
	done := make(chan int64)
	go func() {
		n, _ := io.CopyN(io.Discard, tc, total)
		done <- n
	}()
	b.SetBytes(int64(len(payload)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.conn.Write(frame); err != nil {
			b.Fatal(err)
		}
	}
	if n := <-done; n != total {
		b.Fatalf("target got %d of %d bytes", n, total)
	}
}

// BenchmarkRoundTrip: 64-byte messages echoed one at a time.
func BenchmarkRoundTrip(b *testing.B) {
	tg := startTarget(b)
	_, addr := startBenchServer(b, tg.addr())
	go func() {
		for c := range tg.conns {
			go func() { io.Copy(c, c); c.Close() }()
		}
	}()
	c := dialWS(b, addr)
	frame := maskedFrame(true, ws.OpBinary, make([]byte, 64))
	reply := make([]byte, 66)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.conn.Write(frame)
		if _, err := io.ReadFull(c.br, reply); err != nil {
			b.Fatal(err)
		}
	}
}

// startBenchServer runs a Server that logs nothing.
func startBenchServer(b *testing.B, target string) (*Server, string) {
	srv, addr, _ := startServer(b, Config{Target: target, Logger: discardLogger()})
	return srv, addr
}
