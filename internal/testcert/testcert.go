// Package testcert makes throwaway TLS certificates for tests and the bench.
package testcert

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"testing"
	"time"
)

// SelfSigned makes a certificate for localhost and 127.0.0.1, valid for an
// hour.
func SelfSigned(t testing.TB) tls.Certificate {
	t.Helper()
	cert, err := New(time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

// New makes a self-signed certificate for localhost and 127.0.0.1 (an
// ECDSA P-256 key), valid from a minute ago for validFor.
func New(validFor time.Duration) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "localhost"},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Minute),
		NotAfter:     time.Now().Add(validFor),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

// Pool is a pool that trusts cert.
func Pool(cert tls.Certificate) *x509.CertPool {
	pool := x509.NewCertPool()
	c, _ := x509.ParseCertificate(cert.Certificate[0])
	pool.AddCert(c)
	return pool
}
