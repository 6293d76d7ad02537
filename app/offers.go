package app

import (
	"context"
	"errors"
	"path/filepath"
)

// The person sharing offers a file to every viewer (issue #28): Viewers ▸
// Send a file to viewers… picks it with the desktop's file chooser, the
// share's proxy hashes it and lists it in every page with a Download
// button, until it is withdrawn from the same menu or sharing stops.

// A fileChooser asks the person for a file to open: ok is false when they
// cancelled.
type fileChooser interface {
	Choose(ctx context.Context, title string) (path string, ok bool, err error)
}

// dialogChooser chooses with the platform's dialog program (chooseFile).
type dialogChooser struct{}

func (dialogChooser) Choose(ctx context.Context, title string) (string, bool, error) {
	cmd, err := chooseFile(ctx, title)
	if err != nil {
		return "", false, err
	}
	path, ok, err := runDialog(cmd)
	return path, ok && path != "", err
}

// offerItems are the Viewers menu's entries for files: where the files
// viewers send go, Send a file to viewers…, and Withdraw for each file
// offered.
func (a *trayApp) offerItems(st state) []menuItem {
	w := st.Words
	items := a.receivingItems(st)
	if a.cfg.asker != nil {
		items = append(items, separator(), menuItem{Title: w.Sprintf("Folder for files from viewers…"),
			Tooltip: st.Settings.filesFolder(), Action: a.do(a.askFilesFolder)})
	}
	if a.cfg.chooser == nil {
		return items
	}
	items = append(items, menuItem{Title: w.Sprintf("Send a file to viewers…"),
		Tooltip: w.Sprintf("Every viewer's page shows it with a Download button, until you withdraw it or stop sharing"),
		Action:  a.do(a.offerFile)})
	for _, o := range st.Offered {
		items = append(items, menuItem{Title: w.Sprintf("Withdraw %s", o.Name), Action: a.do(func() { a.withdrawFile(o.ID) })})
	}
	return items
}

// offerFile asks for a file and offers it through the share; the chooser
// and the hashing run away from the event loop.
func (a *trayApp) offerFile() {
	sh := a.share
	if sh == nil {
		return
	}
	w := a.st.Words
	go func() {
		path, ok, err := a.cfg.chooser.Choose(a.life, w.Sprintf("Choose a file for the viewers"))
		if errors.Is(err, errNoDialog) { // a page chooses instead (offerpage.go)
			a.post(func() { a.openPage("offer") })
			return
		}
		if err != nil {
			a.log.Info("no file chosen", "err", err)
			a.notify(w.Sprintf("File not offered"), reason(w, err))
		}
		if !ok || err != nil {
			return
		}
		o, err := sh.srv.OfferFile(path)
		if err != nil {
			a.log.Info("file not offered", "path", path, "err", err)
			a.notify(w.Sprintf("File not offered"), filepath.Base(path)+": "+reason(w, err))
			return
		}
		a.notify(w.Sprintf("File offered"), w.Sprintf("%s is offered to every viewer until you withdraw it or stop sharing.", o.Name))
		a.post(a.listOffers)
	}()
}

// withdrawFile ends the offer id.
func (a *trayApp) withdrawFile(id string) {
	if a.share != nil {
		if err := a.share.srv.WithdrawFile(id); err != nil {
			a.log.Info("withdrawing a file", "err", err)
		}
	}
	a.listOffers()
}

// listOffers is the files the share offers, in the state (event loop).
func (a *trayApp) listOffers() {
	a.st.Offered = nil
	if a.share != nil {
		a.st.Offered = a.share.srv.OfferedFiles()
	}
}
