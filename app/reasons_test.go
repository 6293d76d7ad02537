package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"vncbridge/app/localvnc"
	"vncbridge/internal/words"
	"vncbridge/proxy"
)

// A cause vncbridge knows is told in the person's words, with the path the
// system names; anything else as the system words it; the English text
// with the system's error stays for the log.
func TestReasonTellsKnownCausesInTheLanguage(t *testing.T) {
	de, ja := words.For("de"), words.For("ja")
	dbus := errors.New("dial unix /run/user/1000/bus: connect: no such file or directory")
	for _, c := range []struct {
		err    error
		de, ja string
	}{
		{&fs.PathError{Op: "mkdir", Path: "/home/a/rec", Err: syscall.ENOTDIR}, "/home/a/rec: kein Ordner", "/home/a/rec: フォルダーではありません"},
		{fmt.Errorf("saving: %w", &fs.PathError{Op: "open", Path: "/etc/x", Err: syscall.EACCES}), "/etc/x: keine Berechtigung", "/etc/x: 権限がありません"},
		{&fs.PathError{Op: "write", Path: "/media/usb/a", Err: syscall.ENOSPC}, "/media/usb/a: der Datenträger ist voll", "/media/usb/a: ディスクがいっぱいです"},
		{&fs.PathError{Op: "open", Path: "/cdrom/a", Err: syscall.EROFS}, "/cdrom/a: der Datenträger ist schreibgeschützt", "/cdrom/a: ディスクが読み取り専用です"},
		{&exec.Error{Name: "pkexec", Err: exec.ErrNotFound}, "pkexec ist nicht installiert", "pkexec がインストールされていません"},
		{&net.OpError{Op: "listen", Net: "tcp", Err: os.NewSyscallError("bind", syscall.EADDRNOTAVAIL)}, "die Adresse gehört nicht zu diesem Computer", "このコンピューターのアドレスではありません"},
		{context.DeadlineExceeded, "keine Antwort in der Zeit", "時間内に応答がありません"},
		{errNoDialog, "kein Dialogprogramm (zenity, kdialog, osascript oder PowerShell)", "ダイアログのプログラムがありません (zenity、kdialog、osascript、PowerShell)"},
		{cannotAsk("no desktop notifications", dbus), "keine Desktop-Benachrichtigungen", "デスクトップ通知がありません"},
		{fmt.Errorf("%w: %w; run it as root", errors.New("exit status 4"), errNeedsRights), "dafür sind Administratorrechte nötig", "管理者の権限が必要です"},
		{ErrAlreadyRunning, "vncbridge läuft schon; es wurde gebeten, den Browser zu öffnen", "vncbridge はすでに動いています。ブラウザーを開くよう伝えました"},
		{settings{Port: 1, Target: "localhost:5900", TailnetControlURL: "ftp://x"}.validate(), `der Koordinationsserver "ftp://x" des Tailnets ist keine http(s)-URL`, `tailnet の調整サーバー "ftp://x" は http(s) の URL ではありません`},
		{fmt.Errorf("start: %w", localvnc.NoteError{Note: localvnc.Note{Format: "%s exited at start, and said nothing", Args: []any{"x11vnc"}}}), "x11vnc wurde beim Start beendet, ohne etwas zu sagen", "x11vnc が起動時に何も出力せずに終了しました"},
		{fmt.Errorf("upload: %w", proxy.ErrFileSessionEnded), "der Zuschauer ist gegangen", "視聴者が退出しました"},
		{errors.Join(proxy.ErrFileMismatch, errors.New("its sha256 is 00")), "sie kam beschädigt an: nicht die angekündigte Datei", "壊れた状態で届きました（予告されたファイルと一致しません）"},
		{errors.New("an unknown failure"), "an unknown failure", "an unknown failure"},
		{nil, "", ""},
	} {
		if got := reason(de, c.err); got != c.de {
			t.Errorf("%v in German: %q, want %q", c.err, got, c.de)
		}
		if got := reason(ja, c.err); got != c.ja {
			t.Errorf("%v in Japanese: %q, want %q", c.err, got, c.ja)
		}
	}
	if err := cannotAsk("no desktop notifications", dbus); err.Error() != "no desktop notifications ("+dbus.Error()+")" || !errors.Is(err, dbus) {
		t.Errorf("the log's text %q lost the system's error", err.Error())
	}
	if !errors.Is(fmt.Errorf("x: %w", errNoDialog), errNoDialog) || !cannotShow(errNoDialog) {
		t.Error("errNoDialog is not found in a chain")
	}
}

// When nothing can ask, the notification tells why in the person's
// language: the causes, not the system's English errors.
func TestNothingCanAskSaysWhyInGerman(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+t.TempDir()+"/no-bus")
	t.Setenv("PATH", t.TempDir())
	port := freePort(t)
	on := true
	h := startApp(t, settings{Port: port, Target: echoTarget(t), AskToJoin: &on}, func(cfg *config) {
		cfg.language = "de"
		cfg.consenter = askSharer(func(string) error { return errNoBrowser })
	})
	h.click("Freigabe starten")
	h.waitStatus("sharing", prefix("Freigabe von"))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, _, _, err := ws.Dial(ctx, "ws://127.0.0.1:"+strconv.Itoa(port)+"/websockify?token="+testToken)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	h.waitNote(words.For("de").Sprintf("%s was not let in: nothing here can ask you: %s", "127.0.0.1",
		"keine Desktop-Benachrichtigungen; kein Dialogprogramm (zenity, kdialog, osascript oder PowerShell); der Browser konnte zum Fragen nicht geöffnet werden"))
	for _, n := range h.notes.list() {
		if strings.Contains(n, "no-bus") || strings.Contains(n, "no browser") {
			t.Errorf("a system's English error in the notification: %q", n)
		}
	}
}
