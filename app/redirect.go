package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// redirectOpener opens a URL through a private file that redirects the
// browser to it, so that no secret of the URL (a share's token, a local
// page's secret path) travels in a process's arguments, which every user of
// the computer can read (/proc/*/cmdline, the process list). The file is
// 0600 in a 0700 folder of the config directory; the browser gets its path.
// Folders, and anything else without a scheme, are opened as they are.
type redirectOpener struct {
	dir  string // the private folder
	next opener // the desktop's opener (browser)
}

// redirectAge is how long a redirect file is kept: the browser reads it
// at once.
const redirectAge = time.Minute

func (o redirectOpener) Open(target string) error {
	if !strings.Contains(target, "://") {
		return o.next.Open(target)
	}
	file, err := o.write(target, time.Now())
	if err != nil {
		return fmt.Errorf("the page that opens the address could not be written: %w", err)
	}
	return o.next.Open(file)
}

// write makes the redirect file for target, and removes the old ones.
func (o redirectOpener) write(target string, now time.Time) (string, error) {
	if err := privateDir(o.dir); err != nil {
		return "", err
	}
	old, _ := filepath.Glob(filepath.Join(o.dir, "open-*.html"))
	for _, f := range old {
		if fi, err := os.Lstat(f); err == nil && now.Sub(fi.ModTime()) > redirectAge {
			os.Remove(f)
		}
	}
	f, err := os.CreateTemp(o.dir, "open-*.html") // 0600, never an existing file
	if err != nil {
		return "", err
	}
	js, _ := json.Marshal(target) // a script string: quotes and </script> escaped
	attr := html.EscapeString(target)
	_, werr := fmt.Fprintf(f, `<!doctype html>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<meta http-equiv="refresh" content="0;url=%s">
<title>vncbridge</title>
<p><a href="%s">Open vncbridge</a></p>
<script>location.replace(%s)</script>
`, attr, attr, js)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		os.Remove(f.Name())
		return "", werr
	}
	return f.Name(), nil
}

// privateDir makes dir a folder only this user may enter: created 0700, or
// made so; a link or another user's folder is refused.
func privateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a folder", dir)
	}
	if !ownedByMe(fi) {
		return errors.New(dir + " belongs to another user")
	}
	if fi.Mode().Perm() != 0o700 {
		return os.Chmod(dir, 0o700)
	}
	return nil
}

// removeRedirects removes every redirect file: at quit.
func (o redirectOpener) removeRedirects() {
	files, _ := filepath.Glob(filepath.Join(o.dir, "open-*.html"))
	for _, f := range files {
		os.Remove(f)
	}
}
