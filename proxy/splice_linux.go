package proxy

import (
	"errors"
	"io"
	"net"
	"os"
	"sync/atomic"
	"syscall"
	"unsafe"

	"github.com/gobwas/ws"
	"golang.org/x/sys/unix"
)

// Zero-copy downstream. Frames to the client are not masked, so their payload
// is the target's bytes as they are: they go from the target's socket into a
// pipe (splice), the frame header is sent to the client, and the pipe is
// spliced into the client's socket. The payload never enters user space; the
// length the header needs is what the first splice moved.
//
// The header is sent on its own, without MSG_MORE. Corking it with MSG_MORE
// so that it leaves in the payload's first segment was measured and cost
// more CPU than the small segment saves (the figures are in
// docs/PROFILE.md). The price is one small segment per frame; frames carry
// up to a pipe's 1 MiB.
//
// Only plain binary frames to a plain TCP client from a TCP or Unix stream
// target go this way. TLS clients, base64 and legacy framing, numbered frames
// and recorded sessions take the ordinary path (session.downstreamStep), as
// does a target the kernel cannot splice from. Set VNCBRIDGE_SPLICE=0 in the
// environment to turn the splice path off (to compare the two).

// spliceOff turns the splice path off for the whole process.
var spliceOff = os.Getenv("VNCBRIDGE_SPLICE") == "0"

// errNoPipe: the system would not make a pipe.
var errNoPipe = errors.New("no pipe")

// splicedBytes counts the payload bytes sent through the splice path (the
// tests check which path a session took).
var splicedBytes atomic.Int64

// spliceMin is the least the target must have waiting for a step to splice
// it; less goes the ordinary way (see errSmallRead). Finding how much waits
// costs one ioctl per read; the round trip of small messages it saves is in
// docs/PROFILE.md.
const spliceMin = 32 << 10

// errSmallRead says that the target has fewer than spliceMin bytes waiting.
var errSmallRead = errors.New("small read")

// splicer relays one session's downstream through pipes.
type splicer struct {
	s        *session
	src, dst syscall.RawConn // the target's socket, the client's
	fallback bool            // the target cannot be spliced from: ordinary path
	hdr      [maxServerHeader]byte
	peek     [1]byte // fillFrom's look at whether the target has anything

	// The state of the step in progress, kept here so that the callbacks
	// given to src.Read and dst.Write are made once per session, not once
	// per read: p is the pipe being filled or emptied, out the header still
	// to send, rerr and werr the system's answers.
	p          *kpipe
	out        []byte
	rerr, werr error
	fillFD     func(fd uintptr) bool
	sendFD     func(fd uintptr) bool
}

// splicer returns the downstream step that splices, or nil when the session
// must use the ordinary path.
func (s *session) splicer() func() error {
	if spliceOff || s.w.framing != framingBinary || s.w.seq || s.rec != nil {
		return nil
	}
	client := s.client
	if sc, ok := client.(*sniffedConn); ok {
		client = sc.Conn // the sniffed prefix is read upstream; writes go to the socket
	}
	cc, ok := client.(*net.TCPConn)
	if !ok {
		return nil // TLS, or not a socket
	}
	var src syscall.Conn
	switch t := s.target.(type) {
	case *net.TCPConn:
		src = t
	case *net.UnixConn:
		src = t
	default:
		return nil
	}
	srcRaw, err := src.SyscallConn()
	if err != nil {
		return nil
	}
	dstRaw, err := cc.SyscallConn()
	if err != nil {
		return nil
	}
	sp := &splicer{s: s, src: srcRaw, dst: dstRaw}
	sp.fillFD, sp.sendFD = sp.fillFrom, sp.sendTo
	return sp.step
}

// step relays what the target has to the client as one frame and returns the
// target's read error (io.EOF at its end), like session.downstreamStep.
func (sp *splicer) step() error {
	s := sp.s
	if sp.fallback || s.w.closed() || s.ending.Load() {
		// The ordinary path; after the close it drains the target into a
		// buffer and drops what it read, with no pipe to throw away.
		return s.downstreamStep()
	}
	p, err := sp.fill()
	switch {
	case err == errSmallRead:
		// A few bytes (a small update, an echo): one read and one write
		// cost less than three splices and a header (docs/PROFILE.md).
		return s.downstreamStep()
	case err == errNoPipe:
		// No pipe to be had (out of descriptors): this read takes the
		// ordinary path, the next one tries again.
		return s.downstreamStep()
	case err == syscall.EINVAL:
		// Nothing was moved: this socket cannot be spliced from.
		sp.fallback = true
		return s.downstreamStep()
	case p == nil:
		return err
	}
	if werr := sp.send(p); werr != nil {
		s.noteEnd("client connection lost: "+werr.Error(), ws.StatusAbnormalClosure)
		s.stopClient() // and drain the target
	}
	putPipe(p)
	return nil
}

// fill waits until the target has something to read, then borrows a pipe and
// splices into it what the target has, up to the pipe's size. The pipe is
// taken only once data (or the end of the stream) is there, so a waiting
// session holds none. It returns the filled pipe, or nil and why none was
// filled: the target's read error (io.EOF at its end), errSmallRead,
// errNoPipe or syscall.EINVAL (the socket cannot be spliced from).
func (sp *splicer) fill() (*kpipe, error) {
	sp.p, sp.rerr = nil, nil
	err := sp.src.Read(sp.fillFD)
	p := sp.p
	sp.p = nil
	if err == nil {
		err = sp.rerr
	}
	if p != nil && p.buffered > 0 {
		return p, nil // the callback returned true, and the splice moved bytes
	}
	if p != nil {
		putPipe(p)
	}
	switch err {
	case nil:
		return nil, io.EOF // the splice moved nothing: the end of the stream
	case io.EOF, errSmallRead, errNoPipe, syscall.EINVAL:
		return nil, err
	}
	return nil, readError(sp.s.target, err)
}

// fillFrom is fill's callback for src.Read: false means nothing is there
// yet, and the poller is to wait.
func (sp *splicer) fillFrom(fd uintptr) bool {
	if sp.p == nil {
		avail, ierr := unix.IoctlGetInt(int(fd), unix.SIOCINQ)
		if ierr == nil && avail == 0 {
			// Nothing waits, or the stream has ended: a peek tells which
			// without taking a pipe. Bytes that arrived since the ioctl are
			// measured again, so that a few never go by splice.
			m, perr := peekByte(fd, &sp.peek)
			switch {
			case perr == syscall.EAGAIN:
				return false // the poller is to wait
			case perr == 0 && m > 0:
				avail, ierr = unix.IoctlGetInt(int(fd), unix.SIOCINQ)
			}
			// Else the end of the stream or an error: the splice says which.
		}
		if ierr == nil && avail > 0 && avail < spliceMin {
			sp.rerr = errSmallRead
			return true
		}
		var perr error
		if sp.p, perr = getPipe(); perr != nil {
			sp.rerr = errNoPipe
			return true
		}
	}
	var n int64
	for {
		n, sp.rerr = unix.Splice(int(fd), nil, sp.p.w, nil, sp.p.size, unix.SPLICE_F_MOVE|unix.SPLICE_F_NONBLOCK)
		if sp.rerr != syscall.EINTR {
			break
		}
	}
	if sp.rerr == syscall.EAGAIN {
		putPipe(sp.p) // nothing yet: give the pipe back while the poller waits
		sp.p = nil
		return false
	}
	if n > 0 {
		sp.p.buffered = int(n)
	}
	return true
}

// send writes the pipe's content to the client as one binary frame, under
// the client writer's lock and close state like clientWriter.writeData; a
// write that fails part way breaks the writer.
func (sp *splicer) send(p *kpipe) error {
	s := sp.s
	n := p.buffered
	s.traffic("{")
	if s.ending.Load() {
		return nil // nobody reads any more; putPipe drops the data
	}
	sp.out = sp.hdr[putHeader(sp.hdr[:], maxServerHeader, ws.OpBinary, n):]
	w := s.w
	w.mu.Lock()
	defer w.mu.Unlock()
	switch w.state.Load() {
	case writerClosed:
		return nil // nothing may follow a close frame; putPipe drops the data
	case writerBroken:
		return errWriterBroken
	}
	sp.p, sp.werr = p, nil
	err := sp.dst.Write(sp.sendFD)
	sp.p = nil
	if err == nil {
		err = sp.werr
	}
	if err != nil {
		w.state.Store(writerBroken)
		c := s.client
		if _, ok := err.(*net.OpError); !ok {
			err = &net.OpError{Op: "write", Net: c.LocalAddr().Network(), Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: err}
		}
		return err
	}
	s.toClient.Add(int64(n))
	splicedBytes.Add(int64(n))
	return nil
}

// sendTo is send's callback for dst.Write: the rest of the header, then the
// pipe's content; false means the socket is full, and the poller is to wait.
func (sp *splicer) sendTo(fd uintptr) bool {
	for len(sp.out) > 0 {
		m, e := unix.SendmsgN(int(fd), sp.out, nil, nil, unix.MSG_NOSIGNAL)
		switch e {
		case nil:
			sp.out = sp.out[m:]
		case syscall.EINTR:
		case syscall.EAGAIN:
			return false
		default:
			sp.werr = e
			return true
		}
	}
	p := sp.p
	for p.buffered > 0 {
		m, e := unix.Splice(p.r, nil, int(fd), nil, p.buffered, unix.SPLICE_F_MOVE|unix.SPLICE_F_NONBLOCK)
		switch {
		case e == nil && m > 0:
			p.buffered -= int(m)
		case e == syscall.EINTR:
		case e == syscall.EAGAIN:
			return false
		case e == nil:
			sp.werr = io.ErrUnexpectedEOF // an empty pipe: cannot happen
			return true
		default:
			sp.werr = e
			return true
		}
	}
	return true
}

// peekByte looks at the socket's next byte without taking it or waiting:
// 1 when there is one, 0 at the end of the stream, or the errno (EAGAIN
// when nothing waits). It calls recvfrom(2) itself, since unix.Recvfrom
// allocates a sockaddr on every call, and raw, since it never blocks.
func peekByte(fd uintptr, b *[1]byte) (int, syscall.Errno) {
	n, _, errno := unix.RawSyscall6(unix.SYS_RECVFROM, fd, uintptr(unsafe.Pointer(&b[0])), 1,
		unix.MSG_PEEK|unix.MSG_DONTWAIT, 0, 0)
	return int(n), errno
}
