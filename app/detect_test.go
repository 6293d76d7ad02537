package app

import (
	"context"
	"io"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"vncbridge/internal/testnet"
)

// rfbServer answers like a VNC server: the greeting, then nothing.
func rfbServer(t *testing.T, greeting string) string { return testnet.Greeter(t, greeting) }

func TestDetectVNC(t *testing.T) {
	t.Parallel()
	vnc38 := rfbServer(t, "RFB 003.008\n")
	vnc33 := rfbServer(t, "RFB 003.003\n")
	http := rfbServer(t, "HTTP/1.1 400 Bad Request\r\n\r\n")
	silent := rfbServer(t, "")
	closed := func() string {
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		a := ln.Addr().String()
		ln.Close()
		return a
	}()
	start := time.Now()
	found := detectVNC(context.Background(), []string{http, vnc38, silent, closed, vnc33})
	if len(found) != 2 || found[0] != (foundServer{vnc38, "3.8"}) || found[1] != (foundServer{vnc33, "3.3"}) {
		t.Fatalf("found %+v", found)
	}
	if d := time.Since(start); d > 3*probeTimeout {
		t.Fatalf("probing took %v: the probes are not concurrent or not bounded", d)
	}
	if got := localCandidates([]string{"localhost:5901", "desk:5900"}); len(got) != 11 || got[10] != "desk:5900" {
		t.Fatalf("candidates %v", got)
	}
}

func TestDetectorGreetsALocalServerOnce(t *testing.T) {
	t.Parallel()
	if _, known := platform.listeningPorts(); !known {
		t.Skip("this system does not tell which ports listen; every look connects")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var greetings atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			greetings.Add(1)
			c.Write([]byte("RFB 003.008\n"))
			go func() { io.Copy(io.Discard, c); c.Close() }()
		}
	}()
	addr := ln.Addr().String()
	d := newDetector()
	for range 3 {
		if found := d.detect(context.Background(), []string{addr}); len(found) != 1 || found[0].Addr != addr {
			t.Fatalf("found %+v", found)
		}
	}
	if n := greetings.Load(); n != 1 {
		t.Fatalf("the server was visited %d times, want once", n)
	}
	// A server that stops listening is forgotten without a visit.
	ln.Close()
	if found := d.detect(context.Background(), []string{addr}); len(found) != 0 {
		t.Fatalf("a closed server found: %+v", found)
	}
	if _, ok := d.greeted[addr]; ok {
		t.Fatal("a closed server is still remembered")
	}
}
