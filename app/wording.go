package app

import (
	"vncbridge/app/localvnc"
	"vncbridge/internal/words"
)

// adviceIn is adv with its summary and steps in w's language: their
// English (the Format, or the text itself when nothing is filled in) is
// the catalogue's key. Commands stay as they are.
func adviceIn(w words.Printer, adv localvnc.Advice) localvnc.Advice {
	switch {
	case adv.Format != "":
		adv.Summary = w.Sprintf(adv.Format, adv.Args...)
	case adv.Summary != "":
		adv.Summary = w.Sprintf(adv.Summary)
	}
	steps := make([]string, len(adv.Steps)) // not adv's: a package's advice shares its slice
	for i, st := range adv.Steps {
		if i < len(adv.StepFormats) && adv.StepFormats[i] != "" {
			steps[i] = w.Sprintf(adv.StepFormats[i], adv.StepArgs[i]...)
		} else {
			steps[i] = w.Sprintf(st)
		}
	}
	adv.Steps = steps
	return adv
}

// noteIn is n in w's language, an error among its arguments told by its
// cause (reason); "" for the zero Note.
func noteIn(w words.Printer, n localvnc.Note) string {
	if n.Format == "" {
		return ""
	}
	args := make([]any, len(n.Args))
	for i, a := range n.Args {
		if err, ok := a.(error); ok {
			a = reason(w, err)
		}
		args[i] = a
	}
	return w.Sprintf(n.Format, args...)
}
