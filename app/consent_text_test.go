package app

import (
	"strings"
	"testing"
	"time"

	"vncbridge/internal/words"
	"vncbridge/proxy"
)

// What names a viewer (its address too, which a tailnet may one day fill
// with a name) reaches the viewers' notifications and menu entries as
// plain text only.
func TestViewerWordsArePlainEverywhere(t *testing.T) {
	v := proxy.Viewer{Address: "evil\u202e\n<b>host</b>:1234", Browser: "Firefox\r\n", Start: time.Now()}
	_, joined := viewerNotice(words.English, v, true)
	_, left := viewerNotice(words.English, v, false)
	for _, s := range []string{joined, left, viewerTitle(words.English, v), consentQuestion(words.English, v)} {
		if strings.ContainsAny(s, "\u202e\n\r") {
			t.Errorf("%q holds control characters", s)
		}
	}
}
