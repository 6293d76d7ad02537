package app

import (
	"errors"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sync"

	"vncbridge/internal/words"
	"vncbridge/proxy"
)

// Send a file to viewers… where no file chooser runs (no zenity or
// kdialog): the settings page's offer form. The browser on this computer
// sends the file to the tray, which keeps a copy in the config folder's
// offers/ while sharing (removed when sharing stops, and at start for a
// tray that did not stop) and offers it as a chosen file.

// offersDir holds the copies of the files offered through the page.
func (a *trayApp) offersDir() string { return filepath.Join(a.cfg.paths.Dir, "offers") }

// removeOfferCopies removes the copies; their offers ended.
func (a *trayApp) removeOfferCopies() {
	if a.cfg.paths.Dir == "" {
		return
	}
	if err := os.RemoveAll(a.offersDir()); err != nil {
		a.log.Warn("the offered files' copies", "err", err)
	}
}

// serveOffer is the offer form (GET) and its file (POST).
func (p *settingsPage) serveOffer(w http.ResponseWriter, r *http.Request) {
	say := words.FromAcceptLanguage(r.Header.Get("Accept-Language"))
	if r.Method != http.MethodPost {
		p.offerForm(w, say, http.StatusOK, r.URL.Query().Get("msg"), false)
		return
	}
	msg, err := p.offerUpload(r, say)
	if err != nil {
		p.offerForm(w, say, http.StatusUnprocessableEntity, err.Error(), true)
		return
	}
	http.Redirect(w, r, p.url("offer")+"?msg="+url.QueryEscape(msg), http.StatusSeeOther)
}

// offerUpload keeps the form's file and offers it through the share.
func (p *settingsPage) offerUpload(r *http.Request, say words.Printer) (string, error) {
	a := p.app
	sh, _ := onLoop(a, r.Context(), func() *share { return a.share })
	if sh == nil {
		return "", errors.New(say.Sprintf("Not sharing: start sharing, then send the file."))
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return "", errors.New(say.Sprintf("No file came with the form."))
	}
	for {
		part, err := mr.NextPart()
		if err != nil {
			return "", errors.New(say.Sprintf("No file came with the form."))
		}
		if part.FormName() != "file" || part.FileName() == "" {
			continue
		}
		if err := os.MkdirAll(a.offersDir(), 0o700); err != nil {
			return "", errors.New(reason(say, err))
		}
		dir, err := os.MkdirTemp(a.offersDir(), "offer-")
		if err != nil {
			return "", errors.New(reason(say, err))
		}
		path := filepath.Join(dir, proxy.SafeFileName(filepath.Base(part.FileName())))
		if err := copyTo(path, part); err != nil {
			os.RemoveAll(dir)
			a.log.Info("file not offered", "path", path, "err", err)
			return "", errors.New(reason(say, err))
		}
		o, err := sh.srv.OfferFile(path)
		if err != nil {
			os.RemoveAll(dir)
			a.log.Info("file not offered", "path", path, "err", err)
			return "", errors.New(filepath.Base(path) + ": " + reason(say, err))
		}
		a.post(a.listOffers)
		return say.Sprintf("%s is offered to every viewer until you withdraw it or stop sharing.", o.Name), nil
	}
}

// copyTo writes r into a new file at path, only the owner's.
func copyTo(path string, r io.Reader) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func (p *settingsPage) offerForm(w http.ResponseWriter, say words.Printer, status int, msg string, failed bool) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Language", say.Language())
	w.WriteHeader(status)
	offerTemplate().Execute(w, map[string]any{"W": say, "Msg": msg, "Err": failed})
}

var offerTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("offer").Parse(`<!doctype html>
<html lang="{{.W.Language}}"><head><meta charset="utf-8"><title>{{.W.Sprintf "Send a file to viewers"}} — vncbridge</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 34em; margin: 3em auto; padding: 0 1em; color: #222; }
label { display: block; margin: 1em 0 .4em; font-weight: 600; }
input, button { font: inherit; }
button { margin-top: 1.2em; padding: .4em 1.2em; }
.msg { background: #eef6ee; padding: .5em 1em; border-radius: 4px; }
.error { background: #fbeaea; color: #8a1c1c; padding: .5em 1em; border-radius: 4px; border-left: 4px solid #c62828; }
.note { color: #555; }
</style></head><body><main>
<h1>{{.W.Sprintf "Send a file to viewers"}}</h1>
{{if .Msg}}{{if .Err}}<p class="error" role="alert" id="msg">{{.Msg}}</p>{{else}}<p class="msg" role="status" id="msg">{{.Msg}}</p>{{end}}{{end}}
<form method="post" enctype="multipart/form-data">
<label for="file">{{.W.Sprintf "Choose a file for the viewers"}}</label>
<input id="file" name="file" type="file" required>
<p class="note">{{.W.Sprintf "Every viewer's page shows it with a Download button, until you withdraw it or stop sharing"}}</p>
<button type="submit">{{.W.Sprintf "Offer"}}</button>
</form>
</main></body></html>
`))
})
