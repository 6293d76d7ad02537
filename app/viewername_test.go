package app

import (
	"testing"
	"time"

	"vncbridge/internal/words"
	"vncbridge/proxy"
)

// The person sharing reads words, not addresses and modes: "this
// computer", "Firefox on Android", "can control".
func TestViewerWords(t *testing.T) {
	start := time.Date(2026, 12, 4, 14, 5, 0, 0, time.Local)
	far := proxy.Viewer{Address: "192.168.1.20:50000", Browser: "Firefox", Device: "Android", Start: start}
	near := proxy.Viewer{Address: "[::1]:50000", Browser: "Chrome", Device: "Linux", ViewOnly: true, Start: start}
	odd := proxy.Viewer{Address: "[::ffff:127.0.0.1]:50000", Browser: "unknown", Start: start}
	for _, c := range []struct{ got, want string }{
		{viewerTitle(words.English, far), "192.168.1.20 — Firefox on Android, can control, since 2:05 PM"},
		{viewerTitle(words.English, near), "This computer — Chrome on Linux, view only, since 2:05 PM"},
		{viewerTitle(words.English, odd), "This computer — can control, since 2:05 PM"},
		{viewerTitle(words.For("de"), far), "192.168.1.20 — Firefox auf Android, kann steuern, seit 14:05"},
		{viewerTitle(words.For("ja"), near), "このコンピューター — Chrome (Linux)、閲覧のみ、14:05 から"},
		{consentQuestion(words.English, far), "192.168.1.20 wants to see and control your desktop (Firefox on Android)"},
		{consentQuestion(words.English, near), "This computer wants to see your desktop (Chrome on Linux)"},
		{consentQuestion(words.For("de"), far), "192.168.1.20 möchte Ihren Bildschirm sehen und steuern (Firefox auf Android)"},
		{consentQuestion(words.For("de"), near), "Dieser Computer möchte Ihren Bildschirm sehen (Chrome auf Linux)"},
	} {
		if c.got != c.want {
			t.Errorf("%q, want %q", c.got, c.want)
		}
	}
	for _, c := range []struct {
		v      proxy.Viewer
		joined bool
		want   string
	}{
		{far, true, "192.168.1.20 (Firefox on Android) is now viewing your desktop and can control it"},
		{near, true, "This computer (Chrome on Linux) is now viewing your desktop (view only)"},
		{far, false, "192.168.1.20 (Firefox on Android) stopped viewing your desktop"},
	} {
		if _, body := viewerNotice(words.English, c.v, c.joined); body != c.want {
			t.Errorf("%q, want %q", body, c.want)
		}
	}
}
