package proxy

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
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

// refusalWords are the refusal pages' words, by language (the languages of
// the viewer, assets/web/i18n.js): a title and what to do.
var refusalWords = map[string]map[RefusalPage][2]string{
	"en": {
		PageLinkExpired:  {"This link has expired or is wrong", "Ask the person sharing for a new one."},
		PageOpenFromMenu: {"Open this share from the vncbridge menu", "In the vncbridge menu, choose Open in browser."},
	},
	"de": {
		PageLinkExpired:  {"Dieser Link ist abgelaufen oder falsch", "Bitten Sie die teilende Person um einen neuen."},
		PageOpenFromMenu: {"Öffnen Sie diese Freigabe über das vncbridge-Menü", "Wählen Sie im vncbridge-Menü „Im Browser öffnen“."},
	},
	"fr": {
		PageLinkExpired:  {"Ce lien a expiré ou est erroné", "Demandez-en un nouveau à la personne qui partage."},
		PageOpenFromMenu: {"Ouvrez ce partage depuis le menu de vncbridge", "Dans le menu de vncbridge, choisissez « Ouvrir dans le navigateur »."},
	},
	"es": {
		PageLinkExpired:  {"Este enlace ha caducado o es incorrecto", "Pida uno nuevo a la persona que comparte."},
		PageOpenFromMenu: {"Abra este escritorio compartido desde el menú de vncbridge", "En el menú de vncbridge, elija «Abrir en el navegador»."},
	},
	"zh": {
		PageLinkExpired:  {"此链接已过期或有误", "请向共享者索取新的链接。"},
		PageOpenFromMenu: {"请从 vncbridge 菜单打开此共享", "在 vncbridge 菜单中选择“在浏览器中打开”。"},
	},
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

// refusalLanguage is the first language of Accept-Language that the pages
// speak, by preference, or English.
func refusalLanguage(acceptLanguage string) string {
	best, bestQ := "en", 0.0
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(part, ";")
		lang, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		q := 1.0
		if k, v, ok := strings.Cut(strings.TrimSpace(params), "="); ok && strings.TrimSpace(k) == "q" {
			if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
				q = f
			}
		}
		if _, ok := refusalWords[lang]; ok && q > bestQ {
			best, bestQ = lang, q
		}
	}
	return best
}

// writeRefusalPage answers r with rf's page, in the browser's language.
func writeRefusalPage(w http.ResponseWriter, r *http.Request, rf *refusal) {
	lang := refusalLanguage(r.Header.Get("Accept-Language"))
	words := refusalWords[lang][rf.page]
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
	}{lang, words[0], words[1], strconv.Itoa(rf.status) + " " + http.StatusText(rf.status)})
}
