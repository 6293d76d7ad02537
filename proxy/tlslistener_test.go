package proxy

import (
	"crypto/tls"
	"net"
	"net/http"
	"testing"
	"time"

	"vncbridge/internal/testnet"
)

// A listener that terminates TLS itself, with a certificate of its own (a
// tailnet's or Funnel's), feeds a server that accepts TLS only: its
// connections are TLS, and its requests know it (the admission's cookies
// are Secure then).
func TestListenerWithItsOwnTLS(t *testing.T) {
	t.Parallel()
	own := selfSigned(t)
	sawTLS := make(chan bool, 1)
	srv, err := New(Config{Target: startEcho(t), TLS: &tls.Config{Certificates: []tls.Certificate{selfSigned(t)}}, TLSOnly: true,
		Auth: authFunc(func(r *http.Request) error {
			select {
			case sawTLS <- r.TLS != nil:
			default:
			}
			return nil
		})})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(tls.NewListener(raw, &tls.Config{Certificates: []tls.Certificate{own}}))
	t.Cleanup(func() { srv.Shutdown(contextWithTimeout(t, 5*time.Second)) })

	conn, err := tls.Dial("tcp", raw.Addr().String(), tlsClientConfig(own))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	testnet.EchoThrough(t, conn, "through the listener's own TLS")
	if !<-sawTLS {
		t.Error("the request did not know it came over TLS")
	}
}

type authFunc func(r *http.Request) error

func (f authFunc) Authenticate(r *http.Request) error { return f(r) }

// A connection encrypted below (Sealed: a tailnet's WireGuard) is served
// plain by a server that takes TLS only.
func TestSealedConnectionOnTLSOnly(t *testing.T) {
	t.Parallel()
	srv, err := New(Config{Target: startEcho(t), TLS: &tls.Config{Certificates: []tls.Certificate{selfSigned(t)}}, TLSOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(sealingListener{raw})
	t.Cleanup(func() { srv.Shutdown(contextWithTimeout(t, 5*time.Second)) })
	conn, err := net.Dial("tcp", raw.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	testnet.EchoThrough(t, conn, "sealed below")
}

type sealingListener struct{ net.Listener }

func (l sealingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return sealedConn{c}, nil
}

type sealedConn struct{ net.Conn }

func (sealedConn) Sealed() bool { return true }
