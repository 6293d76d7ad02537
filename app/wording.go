package app

import (
	"vncbridge/app/localvnc"
	"vncbridge/internal/words"
)

// adviceIn is adv with its summary in w's language: the summary's English
// (its Format, or the Summary itself when nothing is filled in) is the
// catalogue's key.
func adviceIn(w words.Printer, adv localvnc.Advice) localvnc.Advice {
	switch {
	case adv.Format != "":
		adv.Summary = w.Sprintf(adv.Format, adv.Args...)
	case adv.Summary != "":
		adv.Summary = w.Sprintf(adv.Summary)
	}
	return adv
}
