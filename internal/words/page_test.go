package words

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// The viewer page names the tray's menu as the tray shows it, in each
// language the page speaks: its hints send the person to the tray's
// Target VNC server menu by that menu's name.
func TestThePageNamesTheTraysMenu(t *testing.T) {
	b, err := os.ReadFile("../../assets/web/i18n.js")
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	starts := regexp.MustCompile(`(?m)^  "?([a-z]+(?:-[A-Z]+)?)"?: \{`).FindAllStringSubmatchIndex(page, -1)
	if len(starts) < len(tags) {
		t.Fatalf("the page's languages: %d found", len(starts))
	}
	for i, m := range starts {
		lang := page[m[2]:m[3]]
		end := len(page)
		if i+1 < len(starts) {
			end = starts[i+1][0]
		}
		block := page[m[0]:end]
		menu := For(lang).Sprintf("Target VNC server")
		for _, key := range []string{"noServerHint", "unknownHostHint"} {
			hint := regexp.MustCompile(key + `: "([^"]*)"`).FindStringSubmatch(block)
			if hint == nil {
				t.Errorf("%s: no %s", lang, key)
				continue
			}
			if !strings.Contains(hint[1], menu) {
				t.Errorf("%s: %s does not name the tray's menu %q: %s", lang, key, menu, hint[1])
			}
		}
	}
}
