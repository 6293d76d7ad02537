package main

import (
	"log/slog"
	"net"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

func TestSyslogForms(t *testing.T) {
	t.Parallel()
	sock := filepath.Join(t.TempDir(), "log")
	unixLn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer unixLn.Close()
	udpLn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer udpLn.Close()

	tests := []struct {
		server   string
		conn     net.PacketConn
		facility int
		legacy   bool
		want     *regexp.Regexp
	}{
		// RFC 5424: <PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG; user.info is 14, daemon.info 30.
		{sock, unixLn, facilityUser, false, regexp.MustCompile(`^<14>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z \S+ vncbridge \d+ - - msg="session ended" session=7$`)},
		{udpLn.LocalAddr().String(), udpLn, facilityDaemon, false, regexp.MustCompile(`^<30>1 \S+ \S+ vncbridge \d+ - - msg="session ended" session=7$`)},
		// RFC 3164: <PRI>Mmm dd hh:mm:ss HOST TAG[PID]: MSG
		{sock, unixLn, facilityUser, true, regexp.MustCompile(`^<14>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ vncbridge\[\d+\]: msg="session ended" session=7$`)},
	}
	for _, tt := range tests {
		h, err := newSyslogHandler(tt.server, tt.facility, tt.legacy, slog.LevelInfo)
		if err != nil {
			t.Fatal(err)
		}
		slog.New(h).Info("session ended", "session", 7)
		slog.New(h).Debug("not at info level")
		h.Close()
		buf := make([]byte, 2048)
		tt.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, _, err := tt.conn.ReadFrom(buf)
		if err != nil {
			t.Fatal(err)
		}
		if !tt.want.Match(buf[:n]) {
			t.Errorf("%s legacy=%v: %q", tt.server, tt.legacy, buf[:n])
		}
		tt.conn.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		if n, _, err := tt.conn.ReadFrom(buf); err == nil {
			t.Errorf("a debug line went out at info level: %q", buf[:n])
		}
	}
	if _, err := newSyslogHandler("host:", facilityUser, false, slog.LevelInfo); err == nil {
		t.Error("a server without a port accepted")
	}
}

func TestSeverity(t *testing.T) {
	t.Parallel()
	for l, want := range map[slog.Level]int{slog.LevelError: 3, slog.LevelWarn: 4, slog.LevelInfo: 6, slog.LevelDebug: 7} {
		if got := severity(l); got != want {
			t.Errorf("%v: %d, want %d", l, got, want)
		}
	}
}
