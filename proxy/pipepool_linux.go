package proxy

import (
	"sync"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"
)

// A pipe carries downstream payload from the target's socket to the client's
// without entering user space (splice_linux.go). Pipes are borrowed for one
// read and its write and returned at once, like relay buffers: an idle
// session holds none. The pool keeps a few spare pipes for the next reads and
// closes the rest, so the process holds at most pipePoolMax idle pipes
// however many sessions are open.

// pipeSize is the capacity asked of each pipe: the largest frame the splice
// path writes. The kernel may give less (a user over its pipe quota gets the
// default); the pipe's real size is used.
const pipeSize = 1 << 20

// pipePoolMax is how many idle pipes the pool keeps.
const pipePoolMax = 16

// kpipe is a pipe: data spliced into w is spliced out of r. size is its
// capacity and buffered what it holds now.
type kpipe struct {
	r, w     int
	size     int
	buffered int
}

var pipePool struct {
	mu   sync.Mutex
	free []*kpipe
}

// pipesOpen counts the pipes that exist, borrowed or idle in the pool.
var pipesOpen atomic.Int64

// getPipe borrows a pipe, making one if the pool is empty.
func getPipe() (*kpipe, error) {
	pipePool.mu.Lock()
	if n := len(pipePool.free); n > 0 {
		p := pipePool.free[n-1]
		pipePool.free = pipePool.free[:n-1]
		pipePool.mu.Unlock()
		return p, nil
	}
	pipePool.mu.Unlock()
	var fds [2]int
	if err := unix.Pipe2(fds[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		return nil, err
	}
	p := &kpipe{r: fds[0], w: fds[1], size: 64 << 10}
	if n, err := unix.FcntlInt(uintptr(p.w), unix.F_SETPIPE_SZ, pipeSize); err == nil {
		p.size = n
	} else if n, err := unix.FcntlInt(uintptr(p.w), unix.F_GETPIPE_SZ, 0); err == nil {
		p.size = n
	}
	pipesOpen.Add(1)
	return p, nil
}

// putPipe returns an empty pipe to the pool; a pipe that still holds data
// (a write that failed half way) is closed instead.
func putPipe(p *kpipe) {
	if p.buffered != 0 {
		p.close()
		return
	}
	pipePool.mu.Lock()
	if len(pipePool.free) < pipePoolMax {
		pipePool.free = append(pipePool.free, p)
		pipePool.mu.Unlock()
		return
	}
	pipePool.mu.Unlock()
	p.close()
}

func (p *kpipe) close() {
	syscall.Close(p.r)
	syscall.Close(p.w)
	pipesOpen.Add(-1)
}
