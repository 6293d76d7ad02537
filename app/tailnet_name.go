package app

import (
	"errors"
	"strings"

	"vncbridge/internal/tailnet"
)

// errBadTailnetName refuses a name a tailnet node cannot have.
var errBadTailnetName = errors.New("not a name on a tailnet")

// askTailnetName is Name on my tailnet…: this computer's name on the
// tailnet, saved; a running node starts again under it (syncTailnet).
func (a *trayApp) askTailnetName() {
	w := a.st.Words
	askUntilValid(a, w.Sprintf("Name on my tailnet"),
		w.Sprintf("This computer's name on your tailnet (letters, digits and -; empty for %s):", tailnet.DefaultHostname()),
		a.st.Settings.tailnetHostname(), parseTailnetName, a.setTailnetName)
}

// parseTailnetName reads a typed tailnet name: "" (or the default name)
// is the default, saved as no setting.
func parseTailnetName(v string) (string, error) {
	v = strings.ToLower(strings.TrimSpace(v))
	if v == "" || v == tailnet.DefaultHostname() {
		return "", nil
	}
	if tailnet.ValidHostname(v) != nil {
		return "", errBadTailnetName
	}
	return v, nil
}

func (a *trayApp) setTailnetName(name string) {
	a.update(func(s *settings) { s.TailnetHostname = name })
}
