package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"
)

// serverTLS builds the TLS configuration for clients from --cert, --key,
// --key-password, --ssl-version, --ssl-ciphers, --verify-client and
// --cafile. A missing certificate file is not an error (unless --ssl-only):
// TLS clients are then refused, and unavailable says why.
func (o *proxyOptions) serverTLS() (cfg *tls.Config, unavailable string, err error) {
	if _, err := os.Stat(o.cert); err != nil {
		return nil, "certificate file " + o.cert + " not found (--cert)", nil
	}
	cert, err := loadKeyPair(o.cert, o.key, o.keyPassword)
	if err != nil {
		return nil, "", err
	}
	cfg = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	switch o.sslVersion {
	case "tlsv1_1":
		cfg.MinVersion = tls.VersionTLS11
	case "tlsv1_3":
		cfg.MinVersion = tls.VersionTLS13
	}
	if o.sslCiphers != "" {
		if cfg.CipherSuites, err = cipherSuites(o.sslCiphers); err != nil {
			return nil, "", err
		}
	}
	if o.verifyClient {
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
		if o.cafile != "" {
			pem, err := os.ReadFile(o.cafile)
			if err != nil {
				return nil, "", fmt.Errorf("--cafile: %w", err)
			}
			cfg.ClientCAs = x509.NewCertPool()
			if !cfg.ClientCAs.AppendCertsFromPEM(pem) {
				return nil, "", fmt.Errorf("--cafile %s holds no PEM certificate", o.cafile)
			}
		} else if cfg.ClientCAs, err = x509.SystemCertPool(); err != nil {
			return nil, "", fmt.Errorf("--verify-client: the system's CA certificates: %w", err)
		}
	}
	return cfg, "", nil
}

// loadKeyPair reads a certificate and its key (from the same file when
// keyFile is empty), decrypting a key encrypted in the PEM way with
// password.
func loadKeyPair(certFile, keyFile, password string) (tls.Certificate, error) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("--cert: %w", err)
	}
	keyPEM := certPEM
	if keyFile != "" {
		if keyPEM, err = os.ReadFile(keyFile); err != nil {
			return tls.Certificate{}, fmt.Errorf("--key: %w", err)
		}
	} else {
		keyFile = certFile
	}
	if password != "" {
		if keyPEM, err = decryptKey(keyPEM, password); err != nil {
			return tls.Certificate{}, fmt.Errorf("key in %s: %w", keyFile, err)
		}
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		if strings.Contains(string(keyPEM), "ENCRYPTED") && password == "" {
			return tls.Certificate{}, fmt.Errorf("key in %s is encrypted: give --key-password", keyFile)
		}
		return tls.Certificate{}, fmt.Errorf("certificate %s, key %s: %w", certFile, keyFile, err)
	}
	return cert, nil
}

// decryptKey decrypts the encrypted PEM blocks of data.
func decryptKey(data []byte, password string) ([]byte, error) {
	var out []byte
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		if block.Type == "ENCRYPTED PRIVATE KEY" {
			return nil, errors.New("PKCS#8-encrypted keys are not supported; convert with: openssl pkey -in KEY -traditional -aes256")
		}
		// Legacy PEM encryption (RFC 1423) is weak, and deprecated for
		// that, but it is what keys given with --key-password use, as
		// websockify reads them.
		//lint:ignore SA1019 see above
		encrypted := x509.IsEncryptedPEMBlock(block)
		if encrypted {
			//lint:ignore SA1019 see above
			der, err := x509.DecryptPEMBlock(block, []byte(password))
			if err != nil {
				return nil, errors.New("wrong --key-password, or not an encrypted key")
			}
			block = &pem.Block{Type: block.Type, Bytes: der}
		}
		out = append(out, pem.EncodeToMemory(block)...)
	}
	return out, nil
}

// targetTLS is the TLS configuration for --ssl-target: the target's
// certificate is verified against the system's CAs unless
// --ssl-target-insecure.
func (o *proxyOptions) targetTLS() *tls.Config {
	return &tls.Config{InsecureSkipVerify: o.sslTargetInsecure, MinVersion: tls.VersionTLS12}
}

// cipherSuites reads a colon-separated list of TLS 1.2 cipher suites by
// their OpenSSL or IANA names.
func cipherSuites(list string) ([]uint16, error) {
	byName := map[string]uint16{}
	for _, s := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		byName[s.Name] = s.ID
	}
	for openssl, iana := range opensslNames {
		if id, ok := byName[iana]; ok {
			byName[openssl] = id
		}
	}
	var ids []uint16
	for _, name := range strings.Split(list, ":") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		id, ok := byName[name]
		if !ok {
			return nil, fmt.Errorf("--ssl-ciphers: unknown cipher suite %q", name)
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return nil, errors.New("--ssl-ciphers: no cipher suite given")
	}
	return ids, nil
}

// opensslNames maps OpenSSL's names of TLS 1.2 suites to IANA's.
var opensslNames = map[string]string{
	"ECDHE-ECDSA-AES128-GCM-SHA256": "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
	"ECDHE-RSA-AES128-GCM-SHA256":   "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
	"ECDHE-ECDSA-AES256-GCM-SHA384": "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
	"ECDHE-RSA-AES256-GCM-SHA384":   "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
	"ECDHE-ECDSA-CHACHA20-POLY1305": "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
	"ECDHE-RSA-CHACHA20-POLY1305":   "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
	"ECDHE-ECDSA-AES128-SHA":        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
	"ECDHE-RSA-AES128-SHA":          "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
	"ECDHE-ECDSA-AES256-SHA":        "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
	"ECDHE-RSA-AES256-SHA":          "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
	"AES128-GCM-SHA256":             "TLS_RSA_WITH_AES_128_GCM_SHA256",
	"AES256-GCM-SHA384":             "TLS_RSA_WITH_AES_256_GCM_SHA384",
	"AES128-SHA":                    "TLS_RSA_WITH_AES_128_CBC_SHA",
	"AES256-SHA":                    "TLS_RSA_WITH_AES_256_CBC_SHA",
}
