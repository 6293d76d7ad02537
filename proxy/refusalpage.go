package proxy

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"vncbridge/internal/words"
)

// A RefusalPage is the page a browser that navigates to a refused address
// gets, in the look of the viewer and the browser's language, instead of a
// plain-text refusal (which other clients still get).
type RefusalPage int

// The refusal pages.
const (
	NoRefusalPage RefusalPage = iota
	// PageLinkExpired: the link is wrong or old; ask the person sharing
	// for a new one.
	PageLinkExpired
	// PageOpenFromMenu: a share of this computer only, opened from the
	// tray's menu.
	PageOpenFromMenu
)

// refusalWords are the refusal pages' title and what to do, keyed by
// their English in internal/words (pages.go), which has them in every
// language vncbridge speaks.
var refusalWords = map[RefusalPage][2]string{
	PageLinkExpired:  {"This link has expired or is wrong", "Ask the person sharing for a new one."},
	PageOpenFromMenu: {"Open this share from the vncbridge menu", "In the vncbridge menu, choose Open in browser."},
}

// refusalPageHTML is self-contained: the files of a guarded share are not
// served to a refused browser, its style sheet neither.
var refusalPageHTML = template.Must(template.New("refused").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} — vncbridge</title>
<style>
html, body { margin: 0; height: 100%; background: #282828; color: #eee; font: 14px system-ui, sans-serif; }
body { display: flex; align-items: center; justify-content: center; }
main { width: min(34em, calc(100vw - 32px)); box-sizing: border-box; padding: 16px 20px; background: #2d2d2d;
  border: 1px solid #555; border-left: 4px solid #d66; border-radius: 6px; box-shadow: 0 4px 24px #0008; }
h1 { margin: 0 0 8px; font-size: 17px; }
p { margin: 6px 0; line-height: 1.4; }
.code { color: #aaa; font-size: 13px; }
</style>
</head>
<body>
<main role="alert">
<h1>{{.Title}}</h1>
<p id="refusal">{{.Text}}</p>
<p class="code">vncbridge · {{.Status}}</p>
</main>
</body>
</html>
`))

// wantsPage tells whether r is a browser's navigation, which takes HTML.
func wantsPage(r *http.Request) bool {
	return (r.Method == http.MethodGet || r.Method == http.MethodHead) && !isUpgrade(r) &&
		strings.Contains(r.Header.Get("Accept"), "text/html")
}

// writeRefusalPage answers r with rf's page, in the browser's language.
func writeRefusalPage(w http.ResponseWriter, r *http.Request, rf *refusal) {
	say := words.FromAcceptLanguage(r.Header.Get("Accept-Language"))
	lang, text := say.Language(), refusalWords[rf.page]
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", lang)
	h.Set("Cache-Control", "no-store")
	h.Add("Vary", "Accept, Accept-Language")
	w.WriteHeader(rf.status)
	if r.Method == http.MethodHead {
		return
	}
	refusalPageHTML.Execute(w, struct {
		Lang, Title, Text, Status string
	}{lang, say.Sprintf(text[0]), say.Sprintf(text[1]), strconv.Itoa(rf.status) + " " + http.StatusText(rf.status)})
}
