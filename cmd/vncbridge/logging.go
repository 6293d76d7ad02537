package main

import (
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
	logMaxMiB   = 5
	logBackups  = 3
	logFileMode = 0o644
)

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
	if spec.file != "" {
		f, err := os.OpenFile(spec.file, os.O_WRONLY|os.O_CREATE|os.O_APPEND, logFileMode)
		if err != nil {
			return nil, nil, err
		}
		closers = append(closers, f.Close)
		handlers = append(handlers, slog.NewTextHandler(f, opts))
	}
	if spec.rotatedFile != "" {
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
	return slog.New(slog.NewMultiHandler(handlers...)), closeAll, nil
}

// newLogger builds the log of `vncbridge proxy`: stderr, and --log-file and
// --syslog when given; debug level with -v.
func newLogger(o *proxyOptions, stderr io.Writer) (*slog.Logger, func(), error) {
	return newLog(logSpec{verbose: o.verbose, file: o.logFile, syslog: o.syslog, daemon: o.daemon,
		legacySyslog: o.legacySyslog}, stderr)
}
