package proxy

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// The web answers tell the viewer page what the server does: a share, asking
// before a viewer joins (and for how long), recording, and its certificate.
func TestPageHeaders(t *testing.T) {
	cert := selfSigned(t)
	web := fstest.MapFS{"vnc.html": {Data: []byte("<title>vnc</title>")}}
	ask := func(context.Context, Viewer) Decision { return Allow }
	_, plain, _ := startServer(t, Config{Target: startEcho(t), Web: web})
	_, told, _ := startServer(t, Config{Target: startEcho(t), Web: web, Share: true, Consent: ask,
		ConsentTimeout: 45 * time.Second, RecordDir: t.TempDir(), TLS: &tls.Config{Certificates: []tls.Certificate{cert}}})
	sum := sha256.Sum256(cert.Certificate[0])
	fingerprint := fmt.Sprintf("%02X:%02X:%02X:%02X:%02X:%02X:%02X:%02X", sum[0], sum[1], sum[2], sum[3], sum[4], sum[5], sum[6], sum[7])

	head := func(url string) http.Header {
		t.Helper()
		c := &http.Client{Transport: &http.Transport{TLSClientConfig: tlsClientConfig(cert)}}
		r, err := c.Head(url)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != 200 {
			t.Fatalf("HEAD %s: %s", url, r.Status)
		}
		return r.Header
	}
	for url, want := range map[string]map[string]string{
		"http://" + plain + "/vnc.html": {HeaderShare: "", HeaderAsks: "", HeaderRecorded: "", HeaderCertificate: ""},
		"http://" + told + "/vnc.html":  {HeaderShare: "1", HeaderAsks: "45", HeaderRecorded: "1", HeaderCertificate: ""},
		"https://" + told + "/vnc.html": {HeaderShare: "1", HeaderAsks: "45", HeaderRecorded: "1", HeaderCertificate: fingerprint},
	} {
		h := head(url)
		for k, v := range want {
			if got := h.Get(k); got != v {
				t.Errorf("%s: %s is %q, want %q", url, k, got, v)
			}
		}
	}
	if got := CertificateFingerprint(cert.Certificate[0]); got != fingerprint {
		t.Errorf("CertificateFingerprint = %q, want %q", got, fingerprint)
	}
}

// denyLink refuses every request as a share's wrong link does.
type denyLink struct{}

func (denyLink) Authenticate(*http.Request) error {
	return &AuthError{Status: http.StatusForbidden, Reason: "wrong share token", Page: PageLinkExpired}
}

// A browser that opens a refused link gets a page in its language; other
// clients, and refusals without a page, the plain text.
func TestRefusalPage(t *testing.T) {
	web := fstest.MapFS{"vnc.html": {Data: []byte("<title>vnc</title>")}}
	_, addr, _ := startServer(t, Config{Target: startEcho(t), Web: web, Auth: denyLink{}, AuthWeb: true})
	get := func(accept, lang string) (int, string, http.Header) {
		t.Helper()
		req, _ := http.NewRequest("GET", "http://"+addr+"/vnc.html?token=old", nil)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		if lang != "" {
			req.Header.Set("Accept-Language", lang)
		}
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r.StatusCode, string(b), r.Header
	}
	const browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	for _, c := range []struct{ lang, want, langHeader string }{
		{"", "<h1>This link has expired or is wrong</h1>\n<p id=\"refusal\">Ask the person sharing for a new one.</p>", "en"},
		{"de-DE,de;q=0.9,en;q=0.8", "Dieser Link ist abgelaufen oder falsch</h1>\n<p id=\"refusal\">Bitten Sie die teilende Person um einen neuen.", "de"},
		{"sw,fr;q=0.5,de;q=0.4", "Ce lien a expiré ou est erroné</h1>", "fr"},
		{"zh-CN", "此链接已过期或有误", "zh-Hans"},
		{"ja-JP", "このリンクは期限切れか、間違っています", "ja"},
		{"ru", "Эта ссылка устарела или неверна", "ru"},
		{"pt-BR", "Este link expirou ou está errado", "pt-BR"},
		{"it-IT", "Questo link è scaduto o è sbagliato", "it"},
		{"es;q=0.2, en;q=0.1", "Este enlace ha caducado o es incorrecto", "es"},
	} {
		code, body, h := get(browser, c.lang)
		if code != 403 || !strings.HasPrefix(h.Get("Content-Type"), "text/html") || !strings.Contains(body, c.want) ||
			h.Get("Content-Language") != c.langHeader || strings.Contains(body, "token") {
			t.Errorf("Accept-Language %q: %d %s %s %q", c.lang, code, h.Get("Content-Type"), h.Get("Content-Language"), body)
		}
	}
	if code, body, h := get("", "de"); code != 403 || !strings.HasPrefix(h.Get("Content-Type"), "text/plain") || !strings.Contains(body, "wrong share token") {
		t.Errorf("a client that does not take HTML: %d %s %q", code, h.Get("Content-Type"), body)
	}
}
