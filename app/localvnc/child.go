package localvnc

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Restart policy: a child that dies is started again, at most maxRestarts
// times within restartWindow; then the server gives up and says so.
const (
	maxRestarts   = 5
	restartWindow = time.Minute
	readyTimeout  = 10 * time.Second
	stopGrace     = 3 * time.Second
	// keptLines of a child's output are kept to say why it ended: x11vnc
	// prints some fifty lines of tips after the one that tells.
	keptLines = 100
)

// A Server is a running VNC server child. It listens on Socket, a Unix
// socket in a folder only this user can open, never on a TCP port.
type Server struct {
	prog   Program
	opt    Options
	dir    string
	socket string
	log    *slog.Logger
	status func(Note)

	mu      sync.Mutex
	cmd     *exec.Cmd
	exited  chan struct{}
	stopped bool
	// lines are the child's last lines of output (at most keptLines).
	lines []string
	done  chan struct{} // closed when the supervisor has ended
}

// A Note is what the supervisor tells of the child: Format filled with
// Args, as fmt does. Format is English, and the key of the words a person
// reads it in; an error among Args is the system's. The zero Note says the
// child runs again.
type Note struct {
	Format string
	Args   []any
}

// String is the note in English, for the log; "" for the zero Note.
func (n Note) String() string {
	if n.Format == "" {
		return ""
	}
	return fmt.Sprintf(n.Format, n.Args...)
}

// A NoteError is a failure of the child told as a Note.
type NoteError struct{ Note }

func (e NoteError) Error() string { return e.Note.String() }

// Options are what Start needs besides the program.
type Options struct {
	// RuntimeDir holds the socket's private folder; "" means
	// $XDG_RUNTIME_DIR, or the system's temporary folder without one.
	RuntimeDir string
	Log        *slog.Logger
	// Status is told, from the supervisor's goroutine, when the child died
	// and was restarted, or gave up (the zero Note when it runs again).
	Status func(Note)
	// Monitor is the one monitor to serve; nil serves them all.
	Monitor *Monitor
	// DesktopName is what viewers see as the desktop's name (RFB's
	// ServerInit: the page's title); "" leaves the program's own.
	DesktopName string
}

// Start runs prog on a private Unix socket and returns once it answers there
// with an RFB greeting. The child lives until Stop.
func Start(ctx context.Context, prog Program, opt Options) (*Server, error) {
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.Status == nil {
		opt.Status = func(Note) {}
	}
	base := opt.RuntimeDir
	if base == "" {
		base = os.Getenv("XDG_RUNTIME_DIR")
	}
	if base == "" {
		base = os.TempDir()
	}
	dir, err := os.MkdirTemp(base, "vncbridge-"+prog.Name+"-")
	if err != nil {
		return nil, fmt.Errorf("make the private folder for %s: %w", prog.Name, err)
	}
	// MkdirTemp makes 0700 folders; say it, whatever the umask.
	if err := os.Chmod(dir, 0o700); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s := &Server{prog: prog, opt: opt, dir: dir, socket: filepath.Join(dir, "vnc.sock"), log: opt.Log,
		status: opt.Status, done: make(chan struct{})}
	if err := s.spawn(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := s.waitReady(ctx); err != nil {
		s.Stop()
		return nil, err
	}
	go s.supervise()
	return s, nil
}

// Socket is the path the VNC server answers on.
func (s *Server) Socket() string { return s.socket }

// Dir is the private folder that holds the socket.
func (s *Server) Dir() string { return s.dir }

// PID is the running child's process ID, 0 when none runs.
func (s *Server) PID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

func (s *Server) spawn() error {
	os.Remove(s.socket)
	cmd := exec.Command(s.prog.Path, s.prog.args(s.socket, s.opt)...)
	cmd.Env = childEnv(os.Environ())
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	cmd.Stderr = cmd.Stdout
	cmd.SysProcAttr = childAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", s.prog.Name, err)
	}
	s.log.Info("vnc server started", "program", s.prog.Name, "pid", cmd.Process.Pid, "socket", s.socket)
	exited := make(chan struct{})
	// The last run's lines go before this one's output is read: a child
	// that fails at once would otherwise lose its reason to the reset.
	s.mu.Lock()
	s.cmd, s.exited, s.lines = cmd, exited, nil
	s.mu.Unlock()
	go func() {
		s.logOutput(out, cmd.Process.Pid) // to the end of the output: Wait closes the pipe
		err := cmd.Wait()
		s.log.Info("vnc server exited", "program", s.prog.Name, "pid", cmd.Process.Pid, "err", err)
		close(exited)
	}()
	return nil
}

// logOutput puts the child's output in vncbridge's log, at debug level: it
// is chatty, and its errors come again as the reason it exited.
// The last lines are kept: the reason is among them when the child exits at
// start.
func (s *Server) logOutput(r io.Reader, pid int) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		s.log.Debug(s.prog.Name+": "+line, "pid", pid)
		if line != "" {
			s.mu.Lock()
			if len(s.lines) == keptLines {
				s.lines = s.lines[1:]
			}
			s.lines = append(s.lines, line)
			s.mu.Unlock()
		}
	}
}

// childEnv is this process's environment less an empty WAYLAND_DISPLAY,
// which x11vnc takes for a Wayland session and exits.
func childEnv(env []string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(kv string) bool { return kv == "WAYLAND_DISPLAY=" })
}

// waitReady waits for the greeting on the socket, or the child's end.
func (s *Server) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	s.mu.Lock()
	exited := s.exited
	s.mu.Unlock()
	for {
		if greets(s.socket) {
			return nil
		}
		select {
		case <-exited:
			s.mu.Lock()
			lines := s.lines
			s.mu.Unlock()
			if e := explainFailure(s.prog.Name, lines); e != nil {
				s.log.Warn(e.Error(), "program", s.prog.Name)
				return e
			}
			if why := lastWords(lines); why != "" { // the program's own words
				return NoteError{Note{"%s exited at start: %s", []any{s.prog.Name, why}}}
			}
			return NoteError{Note{"%s exited at start, and said nothing", []any{s.prog.Name}}}
		case <-ctx.Done():
			return NoteError{Note{"%s did not answer on %s within %s s", []any{s.prog.Name, s.socket, strconv.Itoa(int(readyTimeout / time.Second))}}}
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// greets tells whether an RFB server answers at the Unix socket path.
func greets(path string) bool {
	c, err := net.DialTimeout("unix", path, time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 12)
	if _, err := io.ReadFull(c, buf); err != nil {
		return false
	}
	return string(buf[:4]) == "RFB "
}

// supervise starts the child again when it dies, within the restart limit.
func (s *Server) supervise() {
	defer close(s.done)
	var deaths []time.Time
	for {
		s.mu.Lock()
		exited := s.exited
		s.mu.Unlock()
		<-exited
		s.mu.Lock()
		stopped := s.stopped
		s.mu.Unlock()
		if stopped {
			return
		}
		now := time.Now()
		deaths = append(deaths, now)
		for len(deaths) > 0 && now.Sub(deaths[0]) > restartWindow {
			deaths = deaths[1:]
		}
		if len(deaths) > maxRestarts {
			s.status(Note{"%s keeps stopping (%s times in a minute); its output is in the log", []any{s.prog.Name, strconv.Itoa(len(deaths))}})
			return
		}
		s.status(Note{"%s stopped; starting it again", []any{s.prog.Name}})
		time.Sleep(time.Duration(len(deaths)) * 200 * time.Millisecond)
		s.mu.Lock()
		stopped = s.stopped
		s.mu.Unlock()
		if stopped {
			return
		}
		if err := s.spawn(); err != nil {
			s.status(Note{"%s", []any{err}})
			return
		}
		if err := s.waitReady(context.Background()); err != nil {
			s.log.Warn("vnc server restart", "err", err)
			continue
		}
		s.status(Note{})
	}
}

// Stop ends the child (SIGINT, then SIGKILL after a grace period) and
// removes its private folder. It may be called more than once.
func (s *Server) Stop() {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return
	}
	s.stopped = true
	cmd, exited := s.cmd, s.exited
	s.mu.Unlock()
	if cmd != nil && cmd.Process != nil {
		terminate(cmd.Process)
		select {
		case <-exited:
		case <-time.After(stopGrace):
			cmd.Process.Kill()
			<-exited
		}
	}
	os.RemoveAll(s.dir)
}

// terminate asks the child to end. SIGINT, because x11vnc, once it has
// served a connection, may take seconds over a SIGTERM and ends at once on
// an interrupt.
func terminate(p *os.Process) {
	if err := p.Signal(syscall.SIGINT); err != nil {
		p.Kill()
	}
}
