package app

import (
	"context"
	"html/template"
	"net/http"
	"sync"

	"vncbridge/internal/localpage"
	"vncbridge/internal/words"
	"vncbridge/proxy"
)

// pageConsenter asks in a page opened in this computer's browser: the last
// way, where the desktop has neither notifications with buttons nor a
// dialog program. The page is served by a localpage.Server (a loopback
// port of its own behind a random secret, Host and Origin checked) for
// the question's time only; its buttons post the answer back.
type pageConsenter struct {
	// open opens the page's address in the browser (the tray's opener).
	open func(url string) error
}

// Consent asks about v until ctx is done (then the page stops answering).
func (p pageConsenter) Consent(ctx context.Context, v proxy.Viewer) (proxy.Decision, error) {
	if p.open == nil {
		return proxy.Deny, cannotAsk("no browser to ask in", nil)
	}
	w := wordsOf(ctx)
	q := &pageQuestion{w: w, text: consentQuestion(w, v), answers: consentButtons(w, v.ViewOnly), answered: make(chan string, 1)}
	srv, err := localpage.Listen(q)
	if err != nil {
		return proxy.Deny, cannotAsk("the question's page could not be served", err)
	}
	defer srv.Close()
	if err := p.open(srv.URL()); err != nil {
		return proxy.Deny, cannotAsk("the browser could not be opened to ask", err)
	}
	select {
	case a := <-q.answered:
		return decision(a), nil
	case <-ctx.Done():
		return proxy.Deny, ctx.Err()
	}
}

// pageQuestion is the page of one question.
type pageQuestion struct {
	w        words.Printer   // the page's language
	text     string          // plain text: the template quotes it
	answers  []consentButton // the buttons: their ids are the form's values
	answered chan string     // the id of the answer

	mu     sync.Mutex
	answer string // the first answer's id; later ones are not taken
}

// label is the label of the answer id.
func (q *pageQuestion) label(id string) string {
	for _, b := range q.answers {
		if b.id == id {
			return b.label
		}
	}
	return ""
}

func (q *pageQuestion) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	p := q.w
	data := map[string]any{"Lang": p.Language(), "Question": q.text, "Answers": q.answers,
		"Title": p.Sprintf("A viewer asks to join"), "Wait": p.Sprintf("If you do not answer, the viewer is refused when its time is up.")}
	answered := func(id string) {
		if id != "" {
			data["Answer"] = p.Sprintf("Answered: %s. You can close this page.", q.label(id))
		}
	}
	switch r.Method {
	case http.MethodGet:
		q.mu.Lock()
		answered(q.answer)
		q.mu.Unlock()
	case http.MethodPost:
		a := r.FormValue("answer")
		if q.label(a) == "" {
			http.Error(w, "not an answer to this question", http.StatusBadRequest)
			return
		}
		q.mu.Lock()
		first := q.answer == ""
		if first {
			q.answer = a
		}
		answered(q.answer)
		q.mu.Unlock()
		// The page is written before the answer is taken: the server
		// stops once it is.
		defer func() {
			if first {
				q.answered <- a
			}
		}()
	default:
		http.Error(w, "not here", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	questionTemplate().Execute(w, data)
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}

// questionTemplate is the question's page: the question and a button per
// answer, or the answer given.
var questionTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("question").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>vncbridge: {{.Title}}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 34em; margin: 3em auto; padding: 0 1em; color: #222; }
button { font: inherit; margin: 1em .5em 0 0; padding: .4em 1.2em; }
.answer { background: #eef6ee; padding: .5em 1em; border-radius: 4px; }
</style></head><body>
<main><h1>{{.Title}}</h1>
<p id="question">{{.Question}}</p>
{{if .Answer}}<p class="answer" id="answer" role="status">{{.Answer}}</p>
{{else}}<form method="post">{{range .Answers}}<button type="submit" name="answer" value="{{.ID}}">{{.Label}}</button>{{end}}</form>
<p>{{.Wait}}</p>
{{end}}</main>
</body></html>
`))
})
