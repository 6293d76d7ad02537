//go:build linux

package main

import (
	"crypto/tls"
	"crypto/x509"
	"os"
	"strings"
	"testing"
)

// TestMain lets the test binary play the relay, as the bench binary does:
// the harness starts it with -relay.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && (os.Args[1] == "-relay" || os.Args[1] == "-splice-relay") {
		os.Exit(relayMain(os.Args[2:], os.Args[1] == "-splice-relay"))
	}
	os.Exit(m.Run())
}

// TestQuickRelay runs the harness in quick mode against the two relays alone
// and checks that every figure was measured.
func TestQuickRelay(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cfg := quickConfig()
	cfg.self = self
	cfg.downBytes, cfg.upBytes, cfg.warmBytes = 32<<20, 32<<20, 4<<20
	cfg.rttWarm, cfg.rttN = 50, 500
	cfg.memConns = 100
	cfg.load.sessions = 20
	rep, err := run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.results) != 2 {
		t.Fatalf("%d results, want the relays' alone", len(rep.results))
	}
	if rep.directErr != nil || rep.direct.bursts == 0 {
		t.Errorf("load with no proxy: %+v, %v", rep.direct, rep.directErr)
	}
	for _, r := range rep.results {
		checkRelay(t, cfg, r)
	}
	md := rep.markdown()
	for _, want := range []string{"| relay | ", "| splice relay | ", "MISS downstream", "## Memory per open connection", "## Desktop-like load"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
}

// checkRelay checks every figure of one relay.
func checkRelay(t *testing.T, cfg config, r *result) {
	t.Helper()
	if r.skipped != "" {
		t.Fatalf("relay skipped: %s", r.skipped)
	}
	for _, part := range []string{"down", "up", "rtt", "rtt1", "mem", "load"} {
		if err := r.errOf(part); err != nil {
			t.Errorf("%s: %v", part, err)
		}
	}
	check := func(name string, runs []runResult, want int64) {
		if len(runs) != cfg.runs {
			t.Errorf("%s: %d runs, want %d", name, len(runs), cfg.runs)
		}
		for _, rr := range runs {
			if rr.bytes < want || rr.seconds <= 0 || !(rr.mbps() > 0) {
				t.Errorf("%s: run moved %d bytes (want %d) in %.3f s", name, rr.bytes, want, rr.seconds)
			}
		}
	}
	check("downstream", r.down, cfg.downBytes)
	check("upstream", r.up, cfg.upBytes)
	for _, rt := range []rttResult{r.rtt, r.rtt1} {
		if rt.n != cfg.rttN || rt.p50 <= 0 || rt.p99 < rt.p50 {
			t.Errorf("round trip: %+v", rt)
		}
	}
	m := r.mem
	if m.n != cfg.memConns || m.failed != 0 || m.before <= 0 || m.after <= m.before || m.procsAfter != 1 {
		t.Errorf("memory: %+v", m)
	}
	// A relay holds its two sockets per connection at least.
	if f := m.fdsPerConn(); f < 2 || f > 6 {
		t.Errorf("%s: %.2f file descriptors per connection", r.kind.name, f)
	}
	l := r.load
	if l.sessions != cfg.load.sessions || l.bursts == 0 || l.p99 < l.p50 || l.cpu <= 0 {
		t.Errorf("%s: load: %+v", r.kind.name, l)
	}
}

// TestPayloadCounter feeds frames split at every byte boundary.
func TestPayloadCounter(t *testing.T) {
	var stream []byte
	stream = append(stream, 0x82, 3, 'a', 'b', 'c')            // binary, 3 bytes
	stream = append(stream, 0x89, 2, 'p', 'q')                 // ping: not counted
	stream = append(stream, 0x02, 126, 0x01, 0x00)             // 256 bytes, 16-bit length
	stream = append(stream, make([]byte, 256)...)              //
	stream = append(stream, 0x80, 127, 0, 0, 0, 0, 0, 1, 0, 0) // 65536 bytes, 64-bit length
	stream = append(stream, make([]byte, 65536)...)            //
	stream = append(stream, 0x88, 2, 0x03, 0xe8)               // close 1000
	const want = 3 + 256 + 65536
	for _, step := range []int{1, 2, 3, 7, 100, len(stream)} {
		var pc payloadCounter
		for i := 0; i < len(stream); i += step {
			if err := pc.feed(stream[i:min(i+step, len(stream))]); err != nil {
				t.Fatal(err)
			}
		}
		if pc.payload != want || !pc.closed || pc.left != 0 || pc.hn != 0 {
			t.Errorf("step %d: payload %d closed %v left %d hn %d, want %d", step, pc.payload, pc.closed, pc.left, pc.hn, want)
		}
	}
	var pc payloadCounter
	if err := pc.feed([]byte{0x82, 0x81, 1, 2, 3, 4, 5}); err == nil {
		t.Error("a masked server frame was accepted")
	}
}

// TestWriteCert checks that the certificate the wss:// figures use loads as
// a key pair and names 127.0.0.1.
func TestWriteCert(t *testing.T) {
	certFile, keyFile, err := writeCert(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := c.VerifyHostname("127.0.0.1"); err != nil {
		t.Fatal(err)
	}
}
