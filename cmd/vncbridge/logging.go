package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"

	"gopkg.in/natefinch/lumberjack.v2"
)

// logSpec says where a command logs besides stderr.
type logSpec struct {
	verbose bool
	// file is appended to (websockify's --log-file).
	file string
	// rotatedFile is appended to and rotated by size (the tray's
	// vncbridge.log): a second launch never truncates it.
	rotatedFile string
	// syslog is the syslog address, with its facility and format.
	syslog       string
	daemon       bool
	legacySyslog bool
}

// Rotation of the tray's log: a few files of a few MiB.
const (
	logMaxMiB  = 5
	logBackups = 3
)

// logFileMode is a log file's: it names clients, sessions and files, so
// only its owner may read it.
const logFileMode = 0o600

// narrowLogMode makes the log file name (fi) its owner's only when others
// may read or write it (an older version made logs 0644); a device or a
// pipe (--log-file /dev/stderr) is left as it is. It returns what could
// not be done, for the log.
func narrowLogMode(name string, fi os.FileInfo, chmod func(os.FileMode) error) string {
	if !fi.Mode().IsRegular() || fi.Mode().Perm()&^logFileMode == 0 {
		return ""
	}
	if err := chmod(logFileMode); err != nil {
		return fmt.Sprintf("others may read the log file %s (%v), and it could not be made %#o: %v",
			name, fi.Mode().Perm(), logFileMode, err)
	}
	return ""
}

// newLog builds the one logger of every command: text to stderr, and to the
// files and syslog of spec; debug level when verbose.
func newLog(spec logSpec, stderr io.Writer) (*slog.Logger, func(), error) {
	level := slog.LevelInfo
	if spec.verbose {
		level = slog.LevelDebug
	}
	opts := &slog.HandlerOptions{Level: level}
	handlers := []slog.Handler{slog.NewTextHandler(stderr, opts)}
	var closers []func() error
	closeAll := func() {
		for _, c := range closers {
			c()
		}
	}
	var warnings []string
	if spec.file != "" {
		f, err := os.OpenFile(spec.file, os.O_WRONLY|os.O_CREATE|os.O_APPEND, logFileMode)
		if err != nil {
			return nil, nil, err
		}
		if fi, err := f.Stat(); err == nil {
			warnings = append(warnings, narrowLogMode(spec.file, fi, f.Chmod))
		}
		closers = append(closers, f.Close)
		handlers = append(handlers, slog.NewTextHandler(f, opts))
	}
	if spec.rotatedFile != "" {
		// lumberjack makes new files 0600, and a rotated one with the mode
		// of the one before.
		if fi, err := os.Stat(spec.rotatedFile); err == nil {
			warnings = append(warnings, narrowLogMode(spec.rotatedFile, fi,
				func(m os.FileMode) error { return os.Chmod(spec.rotatedFile, m) }))
		}
		// lumberjack appends to the file and rotates it by size; written by
		// hand, this would be the same few hundred lines.
		lj := &lumberjack.Logger{Filename: spec.rotatedFile, MaxSize: logMaxMiB, MaxBackups: logBackups}
		closers = append(closers, lj.Close)
		handlers = append(handlers, slog.NewTextHandler(lj, opts))
	}
	if spec.syslog != "" {
		facility := facilityUser
		if spec.daemon {
			facility = facilityDaemon
		}
		h, err := newSyslogHandler(spec.syslog, facility, spec.legacySyslog, level)
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		closers = append(closers, h.Close)
		handlers = append(handlers, h)
	}
	log := slog.New(slog.NewMultiHandler(handlers...))
	for _, w := range warnings {
		if w != "" {
			log.Warn(w)
		}
	}
	return log, closeAll, nil
}

// newLogger builds the log of `vncbridge proxy`: stderr, and --log-file and
// --syslog when given; debug level with -v.
func newLogger(o *proxyOptions, stderr io.Writer) (*slog.Logger, func(), error) {
	return newLog(logSpec{verbose: o.verbose, file: o.logFile, syslog: o.syslog, daemon: o.daemon,
		legacySyslog: o.legacySyslog}, stderr)
}
