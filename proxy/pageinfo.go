package proxy

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// The headers of the web answers that tell the viewer page about this
// server; the page reads them with a HEAD request for its own address.
const (
	// HeaderShare is "1" when Config.Share is set.
	HeaderShare = "Vncbridge-Share"
	// HeaderAsks is how many seconds a viewer may wait for Config.Consent's
	// answer, when it is set.
	HeaderAsks = "Vncbridge-Asks"
	// HeaderRecorded is "1" when the sessions are recorded.
	HeaderRecorded = "Vncbridge-Recorded"
	// HeaderCertificate is the short fingerprint of the server's TLS
	// certificate (CertificateFingerprint), on answers that came over TLS.
	HeaderCertificate = "Vncbridge-Certificate"
)

// CertificateFingerprint is the short form of a certificate's SHA-256
// fingerprint that a viewer and the person sharing compare: the first 8
// bytes of the hash of its DER form, as colon-separated hex pairs
// ("AB:CD:…").
func CertificateFingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	return strings.ReplaceAll(fmt.Sprintf("% X", sum[:8]), " ", ":")
}

// pageInfo is what the web answers tell the page, worked out once.
type pageInfo struct {
	share, asks, recorded, certificate string
}

func newPageInfo(cfg *Config) pageInfo {
	var p pageInfo
	if cfg.Share {
		p.share = "1"
	}
	if cfg.Consent != nil {
		p.asks = strconv.Itoa(int(cfg.consentTimeout().Seconds()))
	}
	if cfg.Record != "" || cfg.RecordDir != "" {
		p.recorded = "1"
	}
	if cfg.TLS != nil && len(cfg.TLS.Certificates) > 0 && len(cfg.TLS.Certificates[0].Certificate) > 0 {
		p.certificate = CertificateFingerprint(cfg.TLS.Certificates[0].Certificate[0])
	}
	return p
}

// setHeaders adds the page's headers to the answer of r.
func (p pageInfo) setHeaders(h http.Header, r *http.Request) {
	for _, kv := range [...][2]string{{HeaderShare, p.share}, {HeaderAsks, p.asks}, {HeaderRecorded, p.recorded}} {
		if kv[1] != "" {
			h.Set(kv[0], kv[1])
		}
	}
	if r.TLS != nil && p.certificate != "" {
		h.Set(HeaderCertificate, p.certificate)
	}
}
