package proxy

import "sync"

// Relay buffers are borrowed from a pool for one read and its write, and
// returned as soon as the data has been passed on: an idle session holds no
// buffer at all, which is what keeps thousands of open sessions cheap.
const (
	// relayBufferSize is the payload capacity of a relay buffer: large enough
	// to move a framebuffer update in a few system calls; 256 KiB rather than
	// 64 KiB makes a quarter of the reads, writes and wake-ups of the
	// goroutine on a fast stream (measured: docs/PROFILE.md).
	relayBufferSize = 256 << 10
	// frameHeaderRoom is kept in front of the payload so that a frame header
	// can be written there and the frame sent with one Write.
	frameHeaderRoom = maxServerHeader
)

var relayBuffers = sync.Pool{
	New: func() any {
		b := make([]byte, frameHeaderRoom+relayBufferSize)
		return &b
	},
}

func getBuffer() *[]byte  { return relayBuffers.Get().(*[]byte) }
func putBuffer(b *[]byte) { relayBuffers.Put(b) }
