package proxy

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"vncbridge/proxy/recordfmt"
)

// recordQueueBytes bounds the memory a recording's queue may take: the
// frames waiting for the disk. A session that sends more than the disk takes
// fills it, and its recording stops: the session does not wait for the disk.
const recordQueueBytes = 16 << 20

// recordBlockSize is the size of the queue's blocks: a relay buffer's
// payload and a frame's header fit in one.
const recordBlockSize = relayBufferSize + 32

// recordBlocks keeps the queues' blocks for the next frames, of any
// session.
var recordBlocks = sync.Pool{New: func() any { b := make([]byte, 0, recordBlockSize); return &b }}

// errRecordingBehind stops a recording whose disk does not keep up.
var errRecordingBehind = fmt.Errorf("the disk did not keep up with the session (%d MiB were waiting to be written)", recordQueueBytes>>20)

// errStopped ends a write of frames when the recording has stopped.
var errStopped = errors.New("recording stopped")

// A recorder writes one session's recording (see recordfmt) without ever
// making the session wait: the relay hands each frame's bytes to a queue
// bounded in bytes, and a goroutine of the recorder's own creates the file
// and its sidecar with the first frame, escapes the frames and writes them.
// When the queue is full the recording stops, as when a write fails (a full
// disk): the log, the sidecar and Config.OnRecordError say why, and the
// session goes on.
//
// Each batch of frames is written as soon as the writer gets to it, so a
// recording is complete up to what the disk took. A session that never
// reached its target sends no frame, and leaves no file.
type recorder struct {
	srv  *Server
	meta recordfmt.Sidecar // meta.Start is where the frames' times count from

	mu      sync.Mutex
	wake    sync.Cond // the writer waits on it for frames, a stop or the end
	pending []*[]byte // blocks of whole frames for the writer: direction, ms, length (uvarints), bytes
	queued  int       // the capacity of the blocks given to the writer and not yet written
	started bool      // the writer runs (or has run)
	closing bool      // the session has ended: write what is left, then the trailer
	stop    error     // why the recording stopped early; nothing more is queued
	name    string    // the file, once created
	w       io.WriteCloser

	closeW   sync.Once
	finished chan struct{}         // closed when the writer is done
	files    []recordfmt.FileEvent // the session's files, for the completed sidecar (r.mu)
}

// setFiles tells the session's files, before close.
func (r *recorder) setFiles(files []recordfmt.FileEvent) {
	if r == nil || len(files) == 0 {
		return
	}
	r.mu.Lock()
	r.files = files
	r.mu.Unlock()
}

// newRecorder prepares session id's recording; its file is created with
// the first frame.
func (s *Server) newRecorder(id uint64, viewer, target string) *recorder {
	r := &recorder{
		srv:      s,
		meta:     recordfmt.Sidecar{Start: time.Now(), Viewer: viewer, Target: target, Version: s.cfg.Version, Session: id},
		finished: make(chan struct{}),
	}
	r.wake.L = &r.mu
	return r
}

// frame queues p, sent by the client when fromClient, else to it. It copies
// p once and never waits for the disk.
func (r *recorder) frame(fromClient bool, p []byte) {
	if r == nil {
		return
	}
	ms := time.Since(r.meta.Start).Milliseconds()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stop != nil || r.closing {
		return
	}
	need := 1 + 2*binary.MaxVarintLen64 + len(p)
	n := len(r.pending)
	if n == 0 || cap(*r.pending[n-1])-len(*r.pending[n-1]) < need {
		size := max(need, recordBlockSize) // larger for a client frame larger than a relay buffer
		if r.queued+size > recordQueueBytes {
			r.stopLocked(errRecordingBehind)
			return
		}
		var block *[]byte
		if size == recordBlockSize {
			block = recordBlocks.Get().(*[]byte)
		} else {
			block = new(make([]byte, 0, size))
		}
		r.queued += size
		r.pending = append(r.pending, block)
		n++
	}
	dir := byte(0)
	if fromClient {
		dir = 1
	}
	b := append(*r.pending[n-1], dir)
	b = binary.AppendUvarint(b, uint64(ms))
	b = binary.AppendUvarint(b, uint64(len(p)))
	*r.pending[n-1] = append(b, p...)
	if !r.started {
		r.started = true
		go r.write()
	}
	r.wake.Signal()
}

// stopLocked stops the recording for err, at once: the queue is dropped,
// and the writer ends the file as soon as its write in progress returns
// (see end). r.mu is held.
func (r *recorder) stopLocked(err error) {
	r.stop = err
	r.pending = putBlocks(r.pending)
	r.srv.log.Warn("recording stopped", "session", r.meta.Session, "file", r.name, "error", err)
	r.report(err)
	r.wake.Signal()
}

// close ends the recording once the session has ended: what is queued is
// written, then the trailer and the completed sidecar. A recording that
// stopped early has its file closed at once, which also ends a write that
// waits (on a pipe, say) for ever.
func (r *recorder) close() {
	if r == nil {
		return
	}
	r.mu.Lock()
	r.closing = true
	started, stopped, w := r.started, r.stop != nil, r.w
	r.wake.Signal()
	r.mu.Unlock()
	if !started {
		return
	}
	if stopped && w != nil {
		r.closeFile(w)
	}
	<-r.finished
}

// write is the recorder's goroutine: it creates the file and writes the
// queued frames until the recording ends.
func (r *recorder) write() {
	defer close(r.finished)
	w, name, err := r.create()
	if err != nil {
		r.srv.log.Warn("cannot record session", "session", r.meta.Session, "error", err)
		r.mu.Lock()
		r.stop, r.name = err, name
		r.pending = putBlocks(r.pending)
		r.mu.Unlock()
		r.report(err)
		return
	}
	r.srv.log.Info("recording session", "session", r.meta.Session, "file", name)
	if err := recordfmt.WriteSidecar(name, &r.meta); err != nil {
		r.srv.log.Warn("cannot write the recording's sidecar", "session", r.meta.Session, "error", err)
	}
	r.mu.Lock()
	r.name, r.w = name, w
	closeNow := r.closing && r.stop != nil
	r.mu.Unlock()
	if closeNow {
		r.closeFile(w)
	}

	out := append(make([]byte, 0, 64<<10), recordfmt.Header...)
	var batch []*[]byte
	for {
		r.mu.Lock()
		for len(r.pending) == 0 && !r.closing && r.stop == nil {
			r.wake.Wait()
		}
		batch, r.pending = r.pending, batch[:0]
		last, stop := r.closing && len(batch) == 0, r.stop
		r.mu.Unlock()
		if stop != nil {
			break
		}
		for _, block := range batch {
			if out, err = r.writeFrames(w, out, *block); err != nil {
				break
			}
		}
		if err == nil && last {
			_, err = w.Write(append(out, recordfmt.Trailer...))
		}
		if err != nil || last {
			break
		}
		r.mu.Lock()
		for _, block := range batch {
			r.queued -= cap(*block)
		}
		r.mu.Unlock()
		batch = putBlocks(batch)
	}
	r.end(w, name, err)
}

// putBlocks gives the blocks back to recordBlocks, and returns the slice
// emptied.
func putBlocks(blocks []*[]byte) []*[]byte {
	for i, b := range blocks {
		if cap(*b) == recordBlockSize {
			*b = (*b)[:0]
			recordBlocks.Put(b)
		}
		blocks[i] = nil
	}
	return blocks[:0]
}

// writeFrames escapes the frames of a block after out's bytes and writes
// them, 64 KiB at a time. It returns out emptied, and errStopped when the
// recording stops between two writes.
func (r *recorder) writeFrames(w io.Writer, out, batch []byte) ([]byte, error) {
	for len(batch) > 0 {
		fromClient := batch[0] == 1
		ms, n := binary.Uvarint(batch[1:])
		size, m := binary.Uvarint(batch[1+n:])
		p := batch[1+n+m : 1+n+m+int(size)]
		batch = batch[1+n+m+int(size):]
		out = recordfmt.AppendFrame(out, fromClient, int64(ms), p)
		if len(out) >= 64<<10 || len(batch) == 0 {
			if r.stopped() {
				return out[:0], errStopped
			}
			if _, err := w.Write(out); err != nil {
				return out[:0], err
			}
			out = out[:0]
		}
	}
	return out, nil
}

// stopped tells whether the recording has stopped early.
func (r *recorder) stopped() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stop != nil
}

// end closes the recording's file and completes its sidecar, after its
// last write, a write that failed (err), or when it stopped early.
func (r *recorder) end(w io.WriteCloser, name string, err error) {
	r.mu.Lock()
	if err != nil && err != errStopped && r.stop == nil { // else the stop made the write fail (it closed the file)
		r.stopLocked(err)
	}
	stop := r.stop
	r.mu.Unlock()
	if stop == errRecordingBehind && (err == nil || err == errStopped) {
		// The file ends with a whole frame: complete it, so that what was
		// recorded plays.
		w.Write([]byte(recordfmt.Trailer))
	}
	if err := r.closeFile(w); err != nil && stop == nil {
		r.mu.Lock()
		r.stopLocked(err)
		r.mu.Unlock()
		stop = err
	}
	end := time.Now()
	r.meta.End = &end
	r.mu.Lock()
	r.meta.Files = r.files
	r.mu.Unlock()
	if stop != nil {
		r.meta.Stopped = stop.Error()
	}
	if err := recordfmt.WriteSidecar(name, &r.meta); err != nil { // may fail as well on a full disk
		r.srv.log.Warn("cannot complete the recording's sidecar", "session", r.meta.Session, "error", err)
	}
}

// closeFile closes the recording's file, once.
func (r *recorder) closeFile(w io.Closer) (err error) {
	err = os.ErrClosed
	r.closeW.Do(func() { err = w.Close() })
	return err
}

// create creates the recording's file: never an existing file, nor through
// a link; when the name is taken, the next one (see Config.recordingName).
func (r *recorder) create() (io.WriteCloser, string, error) {
	const tries = 100
	first := r.srv.cfg.recordingName(r.meta.Session, r.meta.Start, 0)
	for try := range tries {
		name := r.srv.cfg.recordingName(r.meta.Session, r.meta.Start, try)
		w, err := r.open(name)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return nil, first, err
		}
		return w, name, nil
	}
	return nil, first, fmt.Errorf("%s and the %d names after it are taken", first, tries-1)
}

// open creates the file name, or fails with os.ErrExist.
func (r *recorder) open(name string) (io.WriteCloser, error) {
	if open := r.srv.cfg.openRecording; open != nil {
		return open(name)
	}
	f, err := recordfmt.CreateNew(name)
	if err != nil {
		return nil, err
	}
	if recordingWriteRate > 0 {
		return slowWriter{f, recordingWriteRate}, nil
	}
	return f, nil
}

// report tells the program a recording stopped.
func (r *recorder) report(err error) {
	if fn := r.srv.cfg.OnRecordError; fn != nil {
		fn(r.name, err)
	}
}
