package main

import (
	"io"
	"log/slog"
	"os"
)

// newLogger builds the log of `vncbridge proxy`: stderr, and --log-file and
// --syslog when given; debug level with -v.
func newLogger(o *proxyOptions, stderr io.Writer) (*slog.Logger, func(), error) {
	level := slog.LevelInfo
	if o.verbose {
		level = slog.LevelDebug
	}
	opts := &slog.HandlerOptions{Level: level}
	handlers := []slog.Handler{slog.NewTextHandler(stderr, opts)}
	var closers []func() error
	if o.logFile != "" {
		f, err := os.OpenFile(o.logFile, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return nil, nil, err
		}
		closers = append(closers, f.Close)
		handlers = append(handlers, slog.NewTextHandler(f, opts))
	}
	if o.syslog != "" {
		facility := facilityUser
		if o.daemon {
			facility = facilityDaemon
		}
		h, err := newSyslogHandler(o.syslog, facility, o.legacySyslog, level)
		if err != nil {
			return nil, nil, err
		}
		closers = append(closers, h.Close)
		handlers = append(handlers, h)
	}
	closeAll := func() {
		for _, c := range closers {
			c()
		}
	}
	return slog.New(slog.NewMultiHandler(handlers...)), closeAll, nil
}
