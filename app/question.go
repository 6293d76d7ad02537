package app

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"time"

	"vncbridge/internal/localpage"
)

// A question is what the tray asks the person sharing besides whether a
// viewer may join (consent.go): a file a viewer sends. It is asked the same
// ways, in the same line: a notification with buttons, a dialog program,
// a page in the browser; one question at a time, viewers' and files'
// together. Its words are in the sharer's language (withWords).
type question struct {
	title string // a notification's title
	text  string // plain text
	yes   string // the buttons' labels
	no    string
}

// The ids of a question's answers.
const (
	questionYes = "yes"
	questionNo  = "no"
)

// buttons are the question's answers, as the ways of asking take them.
func (q question) buttons() []consentButton {
	return []consentButton{{questionYes, q.yes}, {questionNo, q.no}}
}

// A questioner asks questions: true is yes.
type questioner interface {
	Ask(ctx context.Context, q question) (bool, error)
}

// askSharerAbout asks as askSharer does, in the line of c's questions
// when c is askSharer's.
func askSharerAbout(open func(url string) error, c consenter) questioner {
	line, ok := c.(*questionLine)
	if !ok {
		line = &questionLine{}
	}
	return inLine{line: line, ways: firstThatCanAnswer{notificationQuestioner{}, dialogQuestioner{}, pageQuestioner{open: open}}}
}

// inLine asks with ways when the line gives it the turn.
type inLine struct {
	line *questionLine
	ways questioner
}

func (l inLine) Ask(ctx context.Context, q question) (bool, error) {
	if err := l.line.wait(ctx); err != nil {
		return false, err
	}
	defer l.line.next()
	return l.ways.Ask(ctx, q)
}

// firstThatCanAnswer asks with the first way that can show the question.
type firstThatCanAnswer []questioner

func (f firstThatCanAnswer) Ask(ctx context.Context, q question) (bool, error) {
	var why []error
	for _, w := range f {
		yes, err := w.Ask(ctx, q)
		if !cannotShow(err) {
			return yes, err
		}
		why = append(why, err)
	}
	return false, &nothingCanAskError{why}
}

// notificationQuestioner asks in a notification with two buttons.
type notificationQuestioner struct{}

func (notificationQuestioner) Ask(ctx context.Context, q question) (bool, error) {
	if platform.askByNotification == nil {
		return false, cannotAsk("no notifications with buttons on this system", nil)
	}
	id, err := platform.askByNotification(ctx, q.title, q.text, q.buttons())
	return err == nil && id == questionYes, err
}

// dialogQuestioner asks with the platform's dialog program.
type dialogQuestioner struct{}

func (dialogQuestioner) Ask(ctx context.Context, q question) (bool, error) {
	cmd, parse, err := platform.consentDialog(ctx, wordsOf(ctx), q.text, q.buttons())
	if err != nil {
		return false, err
	}
	cmd.WaitDelay = time.Second // a dialog's children must not hold the answer up
	out, err := cmd.Output()
	code := 0
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return false, ctx.Err()
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		return false, errNoDialog
	}
	return parse(strings.TrimSpace(string(out)), code) == questionYes, nil
}

// pageQuestioner asks in a page of this computer's browser, as
// pageConsenter does.
type pageQuestioner struct{ open func(url string) error }

func (p pageQuestioner) Ask(ctx context.Context, q question) (bool, error) {
	if p.open == nil {
		return false, cannotAsk("no browser to ask in", nil)
	}
	pq := &pageQuestion{w: wordsOf(ctx), text: q.text, answers: q.buttons(), answered: make(chan string, 1)}
	srv, err := localpage.Listen(pq)
	if err != nil {
		return false, cannotAsk("the question's page could not be served", err)
	}
	defer srv.Close()
	if err := p.open(srv.URL()); err != nil {
		return false, cannotAsk("the browser could not be opened to ask", err)
	}
	select {
	case a := <-pq.answered:
		return a == questionYes, nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}
