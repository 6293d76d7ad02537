package app

import (
	"cmp"
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"vncbridge/app/localvnc"
	"vncbridge/internal/localpage"
	"vncbridge/internal/words"
)

// settingsPage is a small page, opened in the browser when the platform has
// no native dialog ("Other…"), for About and for the help page. It is served
// by a localpage.Server: on a loopback port of its own behind a random
// secret, with Host and Origin checked.
type settingsPage struct {
	app *trayApp
	srv *localpage.Server
}

// openPage opens the settings page (""), the about page ("about") or the
// help page ("help": what to do to have a VNC server).
func (a *trayApp) openPage(which string) {
	if a.page == nil {
		p, err := newSettingsPage(a)
		if err != nil {
			a.tell(a.st.Words.Sprintf("Cannot start the settings page: %s", a.reasonOf(err)))
			return
		}
		a.page = p
	}
	a.open(a.page.url(which))
}

func newSettingsPage(a *trayApp) (*settingsPage, error) {
	p := &settingsPage{app: a}
	var err error
	p.srv, err = localpage.Listen(p)
	return p, err
}

func (p *settingsPage) url(which string) string { return p.srv.URL() + which }

func (p *settingsPage) close() { p.srv.Close() }

// state reads the app's state from its event loop.
func (p *settingsPage) state() state {
	st, _ := onLoop(p.app, context.Background(), func() state { return p.app.st })
	return st
}

// state reads the app's state from its event loop, in the words of the
// browser's language (its status line too).
func (p *settingsPage) stateFor(r *http.Request) (state, words.Printer) {
	st, say := p.state(), words.FromAcceptLanguage(r.Header.Get("Accept-Language"))
	st.Words = say
	return st, say
}

func (p *settingsPage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/")
	switch {
	case rest == "offer":
		p.serveOffer(w, r)
	case r.Method == http.MethodPost && (rest == "" || rest == "help"):
		if rest == "help" {
			p.openSystemSetting(w, r)
			return
		}
		p.apply(w, r)
	case r.Method == http.MethodGet && rest == "help":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		st, say := p.stateFor(r)
		var adv *localvnc.Advice
		if a := st.helpAdvice(); a != nil {
			a := adviceIn(say, *a)
			adv = &a
		}
		w.Header().Set("Content-Language", say.Language())
		helpTemplate().Execute(w, map[string]any{"W": say, "Status": st.status(), "Advice": adv, "Msg": r.URL.Query().Get("msg")})
	case r.Method == http.MethodGet && (rest == "" || rest == "about"):
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		st, _ := p.stateFor(r)
		p.page(w, st, pageForm{Port: strconv.Itoa(st.Settings.Port), Target: targetInput(st.Settings.Target),
			TailnetName: st.Settings.tailnetHostname(), Msg: r.URL.Query().Get("msg")}, rest == "about")
	default:
		http.Error(w, "not here", http.StatusMethodNotAllowed)
	}
}

// pageForm is what the settings page's form shows: the values, and a
// message, an error when Err is set.
type pageForm struct {
	Port, Target, TailnetName, Msg string
	Err                            bool
}

// page writes the settings (or about) page with the form f.
// The page speaks st's language (stateFor).
func (p *settingsPage) page(w http.ResponseWriter, st state, f pageForm, about bool) {
	desktop := ""
	if st.Desktop.OK {
		desktop = programLabel(st.Words, st.Desktop.Prog)
	}
	w.Header().Set("Content-Language", st.Words.Language())
	pageTemplate().Execute(w, map[string]any{
		"W": st.Words, "F": f, "St": st, "About": about, "Status": st.status(), "Found": st.Found, "Desktop": desktop,
	})
}

// apply takes the form's port and target, through the event loop. A value
// refused shows the page again with what was typed and the error.
func (p *settingsPage) apply(w http.ResponseWriter, r *http.Request) {
	say := words.FromAcceptLanguage(r.Header.Get("Accept-Language"))
	msg := say.Sprintf("Saved.")
	port, perr := ParsePort(r.FormValue("port"))
	target, terr := ParseTarget(r.FormValue("target"))
	// The tailnet's name is in the form while tailnet sharing is on.
	_, named := r.PostForm["tailnet_name"]
	name, nerr := parseTailnetName(r.FormValue("tailnet_name"))
	if err := cmp.Or(perr, terr, nerr); err != nil {
		v := r.FormValue("port")
		switch {
		case perr != nil:
		case terr != nil:
			v = r.FormValue("target")
		default:
			v = r.FormValue("tailnet_name")
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		st, _ := p.stateFor(r)
		w.WriteHeader(http.StatusUnprocessableEntity)
		p.page(w, st, pageForm{Port: r.FormValue("port"), Target: r.FormValue("target"), TailnetName: r.FormValue("tailnet_name"),
			Msg: sentence(refusal(say, v, err)), Err: true}, false)
		return
	}
	err, done := onLoop(p.app, r.Context(), func() error {
		return p.app.update(func(s *settings) {
			*s = s.withTarget(target)
			s.Port = port
			if named {
				s.TailnetHostname = name
			}
		})
	})
	switch {
	case !done: // the tray quit meanwhile (or the browser left): not changed
		msg = say.Sprintf("vncbridge has quit; the settings were not changed.")
	case err != nil:
		msg = sentence(err.Error())
	}
	http.Redirect(w, r, p.url("")+"?msg="+url.QueryEscape(msg), http.StatusSeeOther)
}

// openSystemSetting opens the system's own setting the advice names
// (macOS Screen Sharing): a button of the help page. The address is the
// advice's, never the request's.
func (p *settingsPage) openSystemSetting(w http.ResponseWriter, r *http.Request) {
	say := words.FromAcceptLanguage(r.Header.Get("Accept-Language"))
	msg := say.Sprintf("Opened System Settings.")
	opened, done := onLoop(p.app, r.Context(), func() bool {
		adv := p.app.st.helpAdvice()
		if adv == nil || adv.SettingsURL == "" {
			return false
		}
		p.app.open(adv.SettingsURL)
		return true
	})
	switch {
	case !done:
		msg = say.Sprintf("vncbridge has quit.")
	case !opened:
		msg = say.Sprintf("There is no system setting to open now.")
	}
	http.Redirect(w, r, p.url("help")+"?msg="+url.QueryEscape(msg), http.StatusSeeOther)
}

// helpTemplate is the help page: the advice's steps, its commands with a
// copy button each, and the system setting's button where there is one.
var helpTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("help").Parse(`<!doctype html>
<html lang="{{.W.Language}}"><head><meta charset="utf-8"><title>{{.W.Sprintf "vncbridge: no VNC server"}}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 40em; margin: 3em auto; padding: 0 1em; color: #222; }
.cmd { display: flex; gap: .5em; align-items: center; margin: .4em 0; }
.cmd code { flex: 1; background: #f3f3f3; padding: .4em .6em; border-radius: 4px; }
button { font: inherit; padding: .3em 1em; }
.msg { background: #eef6ee; padding: .5em 1em; border-radius: 4px; }
.status { color: #555; }
</style></head><body>
<main>
<h1>{{.W.Sprintf "Share this desktop"}}</h1>
{{if .Msg}}<p class="msg">{{.Msg}}</p>{{end}}
<p class="status" id="status">{{.Status}}</p>
{{$w := .W}}{{with .Advice}}
<ol id="steps">{{range .Steps}}<li>{{.}}</li>{{end}}</ol>
{{range .Commands}}<div class="cmd"><code>{{.}}</code><button type="button" class="copy" data-text="{{.}}" data-copied="{{$w.Sprintf "Copied"}}" data-failed="{{$w.Sprintf "Select and copy it"}}">{{$w.Sprintf "Copy"}}</button></div>
{{end}}
{{if .SettingsURL}}<form method="post"><button type="submit" id="open-settings">{{$w.Sprintf "Open System Settings"}}</button></form>{{end}}
{{else}}
<p>{{.W.Sprintf "A VNC server answers: there is nothing to do."}}</p>
{{end}}
</main>
<script>
for (const b of document.querySelectorAll("button.copy")) {
  b.addEventListener("click", async () => {
    try { await navigator.clipboard.writeText(b.dataset.text); b.textContent = b.dataset.copied; }
    catch (e) { b.textContent = b.dataset.failed; }
  });
}
</script>
</body></html>
`))
})

var pageTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("page").Parse(`<!doctype html>
<html lang="{{.W.Language}}"><head><meta charset="utf-8"><title>vncbridge</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 34em; margin: 3em auto; padding: 0 1em; color: #222; }
label { display: block; margin: 1em 0 .2em; font-weight: 600; }
input { font: inherit; padding: .3em .5em; width: 100%; box-sizing: border-box; }
button { font: inherit; margin-top: 1.2em; padding: .4em 1.2em; }
.msg { background: #eef6ee; padding: .5em 1em; border-radius: 4px; }
.error { background: #fbeaea; color: #8a1c1c; padding: .5em 1em; border-radius: 4px; border-left: 4px solid #c62828; }
.status { color: #555; }
</style></head><body><main>
{{if .About}}
<h1>vncbridge {{.St.Version}}</h1>
<p>{{.W.Sprintf "Shares the VNC desktop of this computer with a web browser."}}</p>
<p class="status">{{.Status}}</p>
<p>{{.W.Sprintf "The viewer is noVNC, under the Mozilla Public License 2.0; its licence is served at %s on the sharing port." "/novnc/LICENSE.txt"}}</p>
{{else}}
<h1>{{.W.Sprintf "vncbridge settings"}}</h1>
{{if .F.Msg}}{{if .F.Err}}<p class="error" role="alert" id="msg">{{.F.Msg}}</p>{{else}}<p class="msg" role="status" id="msg">{{.F.Msg}}</p>{{end}}{{end}}
<p class="status">{{.Status}}</p>
<form method="post">
<label for="port">{{.W.Sprintf "Listen port"}}</label>
<input id="port" name="port" inputmode="numeric" value="{{.F.Port}}"{{if .F.Err}} aria-describedby="msg"{{end}}>
<label for="target">{{.W.Sprintf "Target VNC server (host:port, :display or a port)"}}</label>
<input id="target" name="target" list="found" value="{{.F.Target}}"{{if .F.Err}} aria-describedby="msg"{{end}}>
<datalist id="found">{{range .Found}}<option value="{{.Addr}}">{{.Label}}</option>{{end}}{{if .St.Desktop.OK}}<option value="This desktop ({{.St.Desktop.Prog.Name}})">{{.Desktop}}</option>{{end}}</datalist>
{{if .St.Settings.Tailnet}}<label for="tailnet_name">{{.W.Sprintf "Name on my tailnet"}}</label>
<input id="tailnet_name" name="tailnet_name" autocapitalize="off" spellcheck="false" value="{{.F.TailnetName}}"{{if .F.Err}} aria-describedby="msg"{{end}}>{{end}}
<button type="submit">{{.W.Sprintf "Save"}}</button>
</form>
{{end}}
</main></body></html>
`))
})
