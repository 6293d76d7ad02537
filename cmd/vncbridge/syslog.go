package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Syslog facilities (RFC 5424, 6.2.1).
const (
	facilityUser   = 1
	facilityDaemon = 3
)

// syslogHandler sends log records to a syslog server: a local datagram
// socket (/dev/log) or UDP host:port, one message per record, in the form of
// RFC 5424 or, with legacy, RFC 3164. The standard log/syslog package only
// writes the old form and only on Unix, hence this.
type syslogHandler struct {
	out   *syslogOut
	inner slog.Handler // formats the message and its attributes
}

type syslogOut struct {
	mu       sync.Mutex
	conn     net.Conn
	buf      bytes.Buffer
	facility int
	legacy   bool
	host     string
	pid      int
}

// newSyslogHandler connects to server: a path, or host:port for UDP.
func newSyslogHandler(server string, facility int, legacy bool, level slog.Level) (*syslogHandler, error) {
	network := "unixgram"
	if strings.Contains(server, ":") && !strings.HasPrefix(server, "/") {
		if _, port, err := net.SplitHostPort(server); err != nil || port == "" {
			return nil, fmt.Errorf("--syslog %q: want a socket path or host:port", server)
		}
		network = "udp"
	}
	conn, err := net.Dial(network, server)
	if err != nil {
		return nil, fmt.Errorf("--syslog: %w", err)
	}
	host, _ := os.Hostname()
	if host == "" {
		host = "-"
	}
	out := &syslogOut{conn: conn, facility: facility, legacy: legacy, host: host, pid: os.Getpid()}
	inner := slog.NewTextHandler(&out.buf, &slog.HandlerOptions{
		Level: level,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && (a.Key == slog.TimeKey || a.Key == slog.LevelKey) {
				return slog.Attr{} // in the syslog header instead
			}
			return a
		},
	})
	return &syslogHandler{out: out, inner: inner}, nil
}

func (h *syslogHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.inner.Enabled(ctx, l)
}

func (h *syslogHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &syslogHandler{out: h.out, inner: h.inner.WithAttrs(attrs)}
}

func (h *syslogHandler) WithGroup(name string) slog.Handler {
	return &syslogHandler{out: h.out, inner: h.inner.WithGroup(name)}
}

// Handle formats the record and sends it as one datagram.
func (h *syslogHandler) Handle(ctx context.Context, r slog.Record) error {
	o := h.out
	o.mu.Lock()
	defer o.mu.Unlock()
	o.buf.Reset()
	if err := h.inner.Handle(ctx, r); err != nil {
		return err
	}
	msg := bytes.TrimRight(o.buf.Bytes(), "\n")
	_, err := o.conn.Write(o.message(r.Level, r.Time, msg))
	return err
}

// message is the syslog form of one record.
func (o *syslogOut) message(level slog.Level, t time.Time, msg []byte) []byte {
	pri := "<" + strconv.Itoa(o.facility*8+severity(level)) + ">"
	var b []byte
	if o.legacy {
		// RFC 3164: <PRI>Mmm dd hh:mm:ss HOST TAG[PID]: MSG
		b = fmt.Appendf(nil, "%s%s %s vncbridge[%d]: ", pri, t.Format(time.Stamp), o.host, o.pid)
	} else {
		// RFC 5424: <PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG
		b = fmt.Appendf(nil, "%s1 %s %s vncbridge %d - - ", pri, t.UTC().Format("2006-01-02T15:04:05.000000Z07:00"), o.host, o.pid)
	}
	return append(b, msg...)
}

// severity maps a log level to a syslog severity (RFC 5424, 6.2.1).
func severity(l slog.Level) int {
	switch {
	case l >= slog.LevelError:
		return 3
	case l >= slog.LevelWarn:
		return 4
	case l >= slog.LevelInfo:
		return 6
	}
	return 7
}

func (h *syslogHandler) Close() error { return h.out.conn.Close() }
