package app

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/sys/windows"
)

// On Windows, as Windows programs do: a named mutex says that a tray runs
// (Windows releases it when the process ends, however it ends), and a named
// pipe carries a second launch's request to the first. Unix sockets are
// missing on older Windows and under Wine.

// instanceNames are the mutex's and the pipe's names for the settings in p:
// one tray per configuration directory, so per user.
func instanceNames(p Paths) (mutex, pipe string) {
	sum := sha256.Sum256([]byte(strings.ToLower(filepath.Clean(p.Dir))))
	id := "vncbridge-tray-" + hex.EncodeToString(sum[:8])
	return `Local\` + id, `\\.\pipe\` + id
}

// notAnswering is ErrAlreadyRunning when the running tray did not answer.
type notAnswering struct{ err error }

func (e notAnswering) Error() string {
	return "vncbridge is already running, but it did not answer the request to open the browser: " + e.err.Error()
}
func (e notAnswering) Is(target error) bool { return target == ErrAlreadyRunning }

func claim(p Paths, onOpen func()) (*instance, error) {
	mutexName, pipeName := instanceNames(p)
	name, err := windows.UTF16PtrFromString(mutexName)
	if err != nil {
		return nil, err
	}
	mutex, err := windows.CreateMutex(nil, false, name)
	if errors.Is(err, windows.ERROR_ALREADY_EXISTS) {
		windows.CloseHandle(mutex)
		// The other tray may be starting: its pipe comes a moment later.
		var askErr error
		for range 30 {
			if askErr = askOpen(pipeName); askErr == nil {
				return nil, ErrAlreadyRunning
			}
			time.Sleep(100 * time.Millisecond)
		}
		return nil, notAnswering{askErr}
	}
	if err != nil {
		return nil, fmt.Errorf("the tray's mutex: %w", err)
	}
	srv, err := servePipe(pipeName, onOpen)
	if err != nil {
		windows.CloseHandle(mutex)
		return nil, err
	}
	return &instance{release: func() {
		srv.close()
		windows.CloseHandle(mutex)
	}}, nil
}

// askOpen sends "open" through the pipe and waits for "ok".
func askOpen(pipeName string) error {
	name, err := windows.UTF16PtrFromString(pipeName)
	if err != nil {
		return err
	}
	h, err := windows.CreateFile(name, windows.GENERIC_READ|windows.GENERIC_WRITE, 0, nil, windows.OPEN_EXISTING, 0, 0)
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() {
		defer windows.CloseHandle(h)
		var n uint32
		if err := windows.WriteFile(h, []byte("open\n"), &n, nil); err != nil {
			done <- err
			return
		}
		buf := make([]byte, 16)
		if err := windows.ReadFile(h, buf, &n, nil); err != nil {
			done <- err
			return
		}
		if strings.TrimSpace(string(buf[:n])) != "ok" {
			done <- fmt.Errorf("the tray answered %q", buf[:n])
			return
		}
		done <- nil
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(3 * time.Second):
		windows.CancelIoEx(h, nil)
		return errors.New("no answer within 3 s")
	}
}

// pipeServer answers the pipe's clients one at a time.
type pipeServer struct {
	name   string
	closed atomic.Bool
	done   chan struct{}
}

func servePipe(pipeName string, onOpen func()) (*pipeServer, error) {
	name, err := windows.UTF16PtrFromString(pipeName)
	if err != nil {
		return nil, err
	}
	// The first instance is made here, so that a failure is reported, and
	// with FILE_FLAG_FIRST_PIPE_INSTANCE, so that nobody else holds the name.
	first, err := newPipe(name, windows.FILE_FLAG_FIRST_PIPE_INSTANCE)
	if err != nil {
		return nil, fmt.Errorf("the tray's pipe: %w", err)
	}
	s := &pipeServer{name: pipeName, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		h := first
		for {
			err := windows.ConnectNamedPipe(h, nil)
			if s.closed.Load() {
				windows.CloseHandle(h)
				return
			}
			if err == nil || errors.Is(err, windows.ERROR_PIPE_CONNECTED) {
				go answer(h, onOpen) // a client that never writes holds up nobody
			} else {
				windows.CloseHandle(h)
			}
			if h, err = newPipe(name, 0); err != nil {
				return
			}
		}
	}()
	return s, nil
}

func newPipe(name *uint16, flags uint32) (windows.Handle, error) {
	return windows.CreateNamedPipe(name,
		windows.PIPE_ACCESS_DUPLEX|flags,
		windows.PIPE_TYPE_BYTE|windows.PIPE_READMODE_BYTE|windows.PIPE_WAIT|windows.PIPE_REJECT_REMOTE_CLIENTS,
		windows.PIPE_UNLIMITED_INSTANCES, 512, 512, 0, nil)
}

// answer reads one request from a connected client, answers it and closes
// the connection; a client silent for 3 s is cut off.
func answer(h windows.Handle, onOpen func()) {
	defer windows.CloseHandle(h)
	defer windows.DisconnectNamedPipe(h)
	timer := time.AfterFunc(3*time.Second, func() { windows.CancelIoEx(h, nil) })
	defer timer.Stop()
	buf := make([]byte, 16)
	var n uint32
	if err := windows.ReadFile(h, buf, &n, nil); err != nil {
		return
	}
	if strings.TrimSpace(string(buf[:n])) != "open" {
		return
	}
	onOpen()
	windows.WriteFile(h, []byte("ok\n"), &n, nil)
	windows.FlushFileBuffers(h)
}

// close stops the server: it wakes the waiting ConnectNamedPipe with a
// connection of its own.
func (s *pipeServer) close() {
	if s.closed.Swap(true) {
		return
	}
	if name, err := windows.UTF16PtrFromString(s.name); err == nil {
		if h, err := windows.CreateFile(name, windows.GENERIC_READ|windows.GENERIC_WRITE, 0, nil, windows.OPEN_EXISTING, 0, 0); err == nil {
			windows.CloseHandle(h)
		}
	}
	select {
	case <-s.done:
	case <-time.After(2 * time.Second):
	}
}
