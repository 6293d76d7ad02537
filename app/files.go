package app

import (
	"bufio"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"vncbridge/proxy"
)

// Files a viewer sends (issue #28): the person sharing is asked about each
// one as about a viewer who wants to join (question.go), and the files
// accepted land in a folder of theirs, Downloads/vncbridge unless the
// settings say another (files_folder). Only a tray has someone to ask: a
// headless run and the service take no files.

// filesFolder is where accepted files go.
func (s settings) filesFolder() string {
	if s.FilesFolder != "" {
		return s.FilesFolder
	}
	return filepath.Join(downloadsFolder(), "vncbridge")
}

// askFilesFolder is Viewers ▸ Folder for files from viewers….
func (a *trayApp) askFilesFolder() {
	w := a.st.Words
	askUntilValid(a, w.Sprintf("Folder for files from viewers"),
		w.Sprintf("The files viewers send are saved in this folder (empty: vncbridge in your Downloads folder):"),
		a.st.Settings.filesFolder(), parseFolder, func(dir string) { a.update(func(s *settings) { s.FilesFolder = dir }) })
}

// parseFolder reads a folder typed by the person: a full path ("~/" is
// their home), or "" for the default.
func parseFolder(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	if rest, ok := strings.CutPrefix(v, "~"+string(filepath.Separator)); ok {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		v = filepath.Join(home, rest)
	}
	if !filepath.IsAbs(v) {
		return "", errors.New("the folder must be a full path, such as " + filepath.Join(downloadsFolder(), "vncbridge"))
	}
	return filepath.Clean(v), nil
}

// downloadsFolder is the system's Downloads folder: XDG_DOWNLOAD_DIR on
// Linux and the BSDs (from the environment or user-dirs.dirs), else
// Downloads in the home folder.
func downloadsFolder() string {
	home, _ := os.UserHomeDir()
	if runtime.GOOS != "windows" && runtime.GOOS != "darwin" {
		if d := os.Getenv("XDG_DOWNLOAD_DIR"); filepath.IsAbs(d) {
			return d
		}
		config := os.Getenv("XDG_CONFIG_HOME")
		if !filepath.IsAbs(config) {
			config = filepath.Join(home, ".config")
		}
		if d := userDirsDownload(filepath.Join(config, "user-dirs.dirs"), home); d != "" {
			return d
		}
	}
	return filepath.Join(home, "Downloads")
}

// userDirsDownload reads XDG_DOWNLOAD_DIR="$HOME/…" from a user-dirs.dirs
// file (xdg-user-dirs' format: an absolute path, or one under $HOME).
func userDirsDownload(file, home string) string {
	f, err := os.Open(file)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "XDG_DOWNLOAD_DIR=")
		if !ok {
			continue
		}
		v, err := strconv.Unquote(v)
		if err != nil {
			return ""
		}
		if rest, ok := strings.CutPrefix(v, "$HOME"); ok {
			v = home + rest
		}
		if filepath.IsAbs(v) && filepath.Clean(v) != filepath.Clean(home) {
			return v
		}
		return ""
	}
	return ""
}

// fileTransfer is a share's proxy.Config.Files: nil where nobody is there
// to answer.
func fileTransfer(s settings, o shareOptions) *proxy.FileTransfer {
	if o.askFile == nil {
		return nil
	}
	return &proxy.FileTransfer{Dir: s.filesFolder(), MaxSize: int64(s.FilesMaxMiB) << 20, Ask: o.askFile, OnFile: o.onFile, OnReceiving: o.onReceiving}
}

// fileHooks are the shares' question about a file and the notice of its
// arrival, in the person's language; nil without a tray. Called on the
// event loop.
func (a *trayApp) fileHooks() (ask func(context.Context, proxy.FileOffer) bool, arrived func(proxy.FileOffer, string, error)) {
	if a.cfg.headless || a.cfg.asker == nil {
		return nil, nil
	}
	w := a.st.Words
	ask = func(ctx context.Context, o proxy.FileOffer) bool {
		q := question{
			title: w.Sprintf("A viewer sends you a file"),
			text:  sentence(w.Sprintf("%s wants to send you %s (%s)", viewerName(w, o.Viewer), viewerText(o.Name), w.Size(o.Size))),
			yes:   w.Sprintf("Accept"),
			no:    w.Sprintf("Decline"),
		}
		yes, err := a.cfg.asker.Ask(withWords(ctx, w), q)
		if err != nil {
			a.log.Warn("asking about a file", "viewer", o.Viewer.Address, "file", o.Name, "err", err)
		}
		return yes
	}
	arrived = func(o proxy.FileOffer, path string, err error) {
		if errors.Is(err, proxy.ErrFileCancelled) {
			return // the person sharing cancelled it: they know
		}
		if err != nil {
			a.notify(w.Sprintf("File not received"), w.Sprintf("%s from %s did not arrive: %s", viewerText(o.Name), viewerName(w, o.Viewer), reason(w, err)))
			return
		}
		title := w.Sprintf("File received")
		body := sentence(w.Sprintf("%s sent you %s. It is in %s.", viewerName(w, o.Viewer), filepath.Base(path), filepath.Dir(path)))
		go a.noteOpening(title, body, w.Sprintf("Open folder"), filepath.Dir(path))
	}
	return ask, arrived
}

// noteOpening tells title and body in a notification whose button opens
// target, where notifications have buttons, else in a plain one. The
// button waits fileNoteLife at most.
func (a *trayApp) noteOpening(title, body, label, target string) {
	if a.cfg.noteWithButton != nil {
		ctx, cancel := context.WithTimeout(a.life, fileNoteLife)
		defer cancel()
		clicked, err := a.cfg.noteWithButton(ctx, title, body, label)
		if clicked && a.cfg.opener != nil {
			if err := a.cfg.opener.Open(target); err != nil {
				a.log.Info("opening the files folder", "err", err)
			}
		}
		if !cannotShow(err) {
			return
		}
	}
	a.notify(title, body)
}

// notifyWithButton tells body in a notification with one button, label,
// and returns whether it was clicked before ctx was done or the
// notification went; a cannotAskError where notifications have no buttons.
func notifyWithButton(ctx context.Context, title, body, label string) (bool, error) {
	if platform.askByNotification == nil {
		return false, cannotAsk("no notifications with buttons on this system", nil)
	}
	id, err := platform.askByNotification(ctx, title, body, []consentButton{{"open", label}})
	return err == nil && id == "open", err
}

// fileNoteLife is how long a file's notification waits for its button.
const fileNoteLife = 10 * time.Minute

// receivingFile is a file on its way from a viewer, as the menu shows it.
type receivingFile struct {
	r   *proxy.Receiving
	got int64
}

// receivingFile follows a file on its way (proxy.FileTransfer.OnReceiving):
// the Viewers menu shows how much came, once a second, with Cancel, until
// it is in or is not.
func (a *trayApp) receivingFile(r *proxy.Receiving) {
	a.post(func() { a.st.Receiving = append(a.st.Receiving, receivingFile{r: r}) })
	go func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				a.post(func() {
					for i := range a.st.Receiving {
						if a.st.Receiving[i].r == r {
							a.st.Receiving[i].got = r.Received()
						}
					}
				})
			case <-r.Done():
				a.post(func() {
					a.st.Receiving = slices.DeleteFunc(a.st.Receiving, func(f receivingFile) bool { return f.r == r })
				})
				return
			case <-a.life.Done():
				return
			}
		}
	}()
}

// receivingItems are the Viewers menu's files on their way, each with
// Cancel.
func (a *trayApp) receivingItems(st state) []menuItem {
	var items []menuItem
	for _, f := range st.Receiving {
		pct := 0
		if f.r.Offer.Size > 0 {
			pct = int(f.got * 100 / f.r.Offer.Size)
		}
		items = append(items, menuItem{Title: st.Words.Sprintf("Receiving %s (%d%%)", f.r.Offer.Name, pct),
			Children: []menuItem{{Title: st.Words.Sprintf("Cancel"), Action: a.do(f.r.Cancel)}}})
	}
	return items
}
