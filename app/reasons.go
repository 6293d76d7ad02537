package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os/exec"
	"syscall"

	"vncbridge/app/localvnc"
	"vncbridge/internal/words"
	"vncbridge/proxy"
)

// A knownError is a failure whose cause vncbridge knows and can tell a
// person in their language: say is the cause as the catalogue keys it (its
// English text, a format filled with args), and err, when there is one, is
// the system's own error behind it, in English, for the log only.
type knownError struct {
	say  string
	args []any
	err  error
}

// Error is the cause in English, with the system's error: for the log.
func (e knownError) Error() string {
	s := fmt.Sprintf(e.say, e.args...)
	if e.err != nil {
		s += " (" + e.err.Error() + ")"
	}
	return s
}

func (e knownError) Unwrap() error { return e.err }

// sayIn is the cause in w's words, without the system's error.
func (e knownError) sayIn(w words.Printer) string { return w.Sprintf(e.say, e.args...) }

// A sayer is an error that can tell its cause in a person's language.
type sayer interface {
	error
	sayIn(words.Printer) string
}

// reason is err's cause in w's words, for a person: a cause vncbridge
// knows (its own, or the system's: a permission, a missing file, a full
// disk, a port in use, a program not installed) in their language, with
// the file's path when the system names one; anything else as the system
// words it. The log keeps err itself: the caller logs it.
func reason(w words.Printer, err error) string {
	var s sayer
	if errors.As(err, &s) {
		return s.sayIn(w)
	}
	var ne localvnc.NoteError
	if errors.As(err, &ne) {
		return noteIn(w, ne.Note)
	}
	var ee *exec.Error
	if errors.As(err, &ee) && errors.Is(ee.Err, exec.ErrNotFound) {
		return w.Sprintf("%s is not installed", ee.Name)
	}
	for _, c := range systemCauses {
		if errors.Is(err, c.err) {
			var pe *fs.PathError
			if errors.As(err, &pe) && pe.Path != "" {
				return pe.Path + ": " + w.Sprintf(c.say)
			}
			return w.Sprintf(c.say)
		}
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

// systemCauses are the errors whose cause a person can act on (a file
// that did not arrive, the system's), in the words they are told in; the
// first that matches is told.
var systemCauses = []struct {
	err error
	say string
}{
	{proxy.ErrFileSessionEnded, "the viewer left"},
	{proxy.ErrFileInterrupted, "the viewer's connection broke off"},
	{proxy.ErrFileMismatch, "it arrived damaged: not the file announced"},
	{context.DeadlineExceeded, "no answer in time"},
	{fs.ErrPermission, "permission denied"},
	{syscall.ENOTDIR, "not a folder"},
	{fs.ErrNotExist, "not found"},
	{fs.ErrExist, "already exists"},
	{syscall.ENOSPC, "the disk is full"},
	{syscall.EROFS, "the disk is read-only"},
	{syscall.EADDRINUSE, "the port is in use"},
	{syscall.EADDRNOTAVAIL, "the address is not on this computer"},
}

// reasons are errs' causes in w's words, joined with "; ".
func reasons(w words.Printer, errs []error) string {
	s := ""
	for i, err := range errs {
		if i > 0 {
			s += "; "
		}
		s += reason(w, err)
	}
	return s
}

// reasonOf is err's cause in the person's words (reason), with err itself
// in the log.
func (a *trayApp) reasonOf(err error) string {
	a.log.Info("the cause", "err", err)
	return reason(a.st.Words, err)
}
