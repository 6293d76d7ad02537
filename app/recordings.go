package app

import (
	"os"
	"path/filepath"
	"time"

	"vncbridge/internal/localpage"
	"vncbridge/recordings"
)

// The tray's part in recording: the Recordings… page (served on loopback by
// the recordings package, never on the share), the limits of the folder,
// and the status when a recording stopped because the disk is full.

// recordLimits are the settings' limits of the recordings folder.
func (s settings) recordLimits() recordings.Limits {
	return recordings.Limits{
		MaxAge:   time.Duration(s.RecordKeepDays) * 24 * time.Hour,
		MaxBytes: int64(s.RecordMaxGiB) << 30,
	}
}

// The Keep recordings menu's choices.
var (
	keepDaysChoices = []int{7, 30, 90, 365, 0}
	maxGiBChoices   = []int{1, 5, 10, 50, 0}
)

// keepMenu is Keep recordings ▸: how long, and how much.
func (a *trayApp) keepMenu(st state) menuItem {
	s, w := st.Settings, st.Words
	m := menuItem{Title: w.Sprintf("Keep recordings"), Tooltip: w.Sprintf("The oldest recordings go first")}
	for _, d := range keepDaysChoices {
		title := w.Sprintf("For %d days", d)
		if d == 0 {
			title = w.Sprintf("For ever")
		}
		m.Children = append(m.Children, menuItem{Title: title, Checkbox: true, Checked: s.RecordKeepDays == d,
			Action: a.do(func() { a.setRecordLimits(d, a.st.Settings.RecordMaxGiB) })})
	}
	m.Children = append(m.Children, separator())
	for _, g := range maxGiBChoices {
		title := w.Sprintf("Up to %d GiB", g)
		if g == 0 {
			title = w.Sprintf("Without a size limit")
		}
		m.Children = append(m.Children, menuItem{Title: title, Checkbox: true, Checked: s.RecordMaxGiB == g,
			Action: a.do(func() { a.setRecordLimits(a.st.Settings.RecordKeepDays, g) })})
	}
	return m
}

// toggleRecord is Record sessions.
func (a *trayApp) toggleRecord() {
	if a.update(func(s *settings) { s.Record = !s.Record }) == nil && !a.st.Settings.Record {
		a.st.RecordingStopped = ""
	}
}

// setRecordLimits saves the limits and applies them at once.
func (a *trayApp) setRecordLimits(days, gib int) {
	if a.update(func(s *settings) { s.RecordKeepDays, s.RecordMaxGiB = days, gib }) == nil {
		a.pruneRecordings()
	}
}

// openRecordings is Recordings…: the recordings page, in the browser.
func (a *trayApp) openRecordings() {
	dir := a.cfg.paths.Recordings
	if err := os.MkdirAll(dir, 0o700); err != nil {
		a.tell(a.st.Words.Sprintf("Cannot make the recordings folder: %s", a.reasonOf(err)))
		return
	}
	if a.recPage == nil {
		srv, err := localpage.Listen(&recordings.Handler{
			Dir: dir,
			Web: a.cfg.web,
			OpenFolder: func() error {
				a.post(func() { a.open(dir) })
				return nil
			},
		})
		if err != nil {
			a.tell(a.st.Words.Sprintf("Cannot start the recordings page: %s", a.reasonOf(err)))
			return
		}
		a.recPage = srv
	}
	a.open(a.recPage.URL())
}

// pruneRecordings applies the limits to the recordings folder, away from the
// event loop; a prune already running is enough.
func (a *trayApp) pruneRecordings() {
	if a.pruning {
		return
	}
	a.pruning = true
	dir, limits := a.cfg.paths.Recordings, a.st.Settings.recordLimits()
	a.background(func() {
		removed, err := recordings.Prune(dir, limits, time.Now())
		a.post(func() {
			a.pruning = false
			for _, name := range removed {
				a.log.Info("recording removed by the limits", "file", filepath.Join(dir, name))
			}
			if err != nil {
				a.log.Warn("cannot apply the limits of the recordings", "err", err)
			}
		})
	})
}

// recordingFailed is called by a share (from the proxy's goroutines, which
// must not wait for the event loop) when a recording could not be written:
// sharing goes on, and the status says so.
func (a *trayApp) recordingFailed(file string, err error) {
	go a.post(func() {
		why := err.Error()
		if recordings.IsDiskFull(err) {
			why = a.st.Words.Sprintf("disk full")
		}
		a.log.Warn("recording stopped", "file", file, "err", err)
		if a.st.RecordingStopped == "" {
			a.notify("vncbridge", a.st.Words.Sprintf("Recording stopped (%s); sharing goes on.", why))
		}
		a.st.RecordingStopped = a.st.Words.Sprintf("recording stopped: %s", why)
		a.pruneRecordings() // the limits may make room for the next session
	})
}
