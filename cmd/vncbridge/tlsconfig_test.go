package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeCert writes a self-signed certificate and its key into dir: both in
// one file (self.pem), apart (cert.pem, key.pem), and the key encrypted with
// a password (enc-key.pem).
func writeCert(t *testing.T, dir string) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "localhost"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Minute),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	keyDER, _ := x509.MarshalECPrivateKey(key)
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	//lint:ignore SA1019 the legacy form is what --key-password reads
	enc, err := x509.EncryptPEMBlock(rand.Reader, "EC PRIVATE KEY", keyDER, []byte("hunter2"), x509.PEMCipherAES256) //nolint:staticcheck
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "self.pem"), append(certPEM, keyPEM...), 0o600)
	os.WriteFile(filepath.Join(dir, "cert.pem"), certPEM, 0o600)
	os.WriteFile(filepath.Join(dir, "key.pem"), keyPEM, 0o600)
	os.WriteFile(filepath.Join(dir, "enc-key.pem"), pem.EncodeToMemory(enc), 0o600)
}

func TestServerTLS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeCert(t, dir)
	in := func(name string) string { return filepath.Join(dir, name) }

	for _, o := range []proxyOptions{
		{cert: in("self.pem"), sslVersion: "default"},
		{cert: in("cert.pem"), key: in("key.pem"), sslVersion: "tlsv1_3"},
		{cert: in("cert.pem"), key: in("enc-key.pem"), keyPassword: "hunter2", sslVersion: "tlsv1_2"},
		{cert: in("self.pem"), sslVersion: "tlsv1_1", sslCiphers: "ECDHE-ECDSA-AES128-GCM-SHA256:TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"},
	} {
		cfg, why, err := o.serverTLS()
		if err != nil || cfg == nil || why != "" {
			t.Errorf("%+v: %v %q", o, err, why)
			continue
		}
		if o.sslVersion == "tlsv1_3" && cfg.MinVersion != tls.VersionTLS13 || o.sslVersion == "tlsv1_1" && cfg.MinVersion != tls.VersionTLS11 {
			t.Errorf("%s: MinVersion %x", o.sslVersion, cfg.MinVersion)
		}
		if o.sslCiphers != "" && len(cfg.CipherSuites) != 2 {
			t.Errorf("cipher suites %v", cfg.CipherSuites)
		}
	}

	missing := proxyOptions{cert: in("nope.pem"), sslVersion: "default"}
	if cfg, why, err := missing.serverTLS(); cfg != nil || err != nil || !strings.Contains(why, "nope.pem") {
		t.Errorf("missing certificate: %v %q %v", cfg, why, err)
	}
	for _, bad := range []struct {
		o    proxyOptions
		want string
	}{
		{proxyOptions{cert: in("cert.pem"), key: in("enc-key.pem"), keyPassword: "wrong", sslVersion: "default"}, "--key-password"},
		{proxyOptions{cert: in("cert.pem"), key: in("enc-key.pem"), sslVersion: "default"}, "encrypted"},
		{proxyOptions{cert: in("self.pem"), sslVersion: "default", sslCiphers: "RC4-MD5-NOPE"}, "RC4-MD5-NOPE"},
		{proxyOptions{cert: in("self.pem"), sslVersion: "default", verifyClient: true, cafile: in("missing-ca.pem")}, "--cafile"},
	} {
		if _, _, err := bad.o.serverTLS(); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%+v: %v, want an error naming %s", bad.o, err, bad.want)
		}
	}

	verify := proxyOptions{cert: in("self.pem"), sslVersion: "default", verifyClient: true, cafile: in("cert.pem")}
	cfg, _, err := verify.serverTLS()
	if err != nil || cfg.ClientAuth != tls.RequireAndVerifyClientCert || cfg.ClientCAs == nil {
		t.Errorf("--verify-client: %v %v", cfg, err)
	}
}
