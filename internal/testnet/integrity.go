package testnet

import (
	"crypto/sha256"
	"hash"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"testing"
)

// Stream is a reproducible pseudo-random stream of n bytes: what a test
// sends, so that the other end can check with PrefixSum what it got.
func Stream(n int64) io.Reader {
	return io.LimitReader(rand.NewChaCha8([32]byte{'v', 'n', 'c'}), n)
}

// PrefixSum is the sha256 of the first n bytes of Stream.
func PrefixSum(n int64) [32]byte {
	h := sha256.New()
	io.Copy(h, Stream(n))
	return [32]byte(h.Sum(nil))
}

// Tally counts and hashes the bytes written to it, for one end of a
// transfer to say exactly what it got.
type Tally struct {
	mu sync.Mutex
	n  int64
	h  hash.Hash
}

func (ta *Tally) Write(p []byte) (int, error) {
	ta.mu.Lock()
	defer ta.mu.Unlock()
	if ta.h == nil {
		ta.h = sha256.New()
	}
	ta.n += int64(len(p))
	return ta.h.Write(p)
}

// Result is how many bytes came, and their sha256.
func (ta *Tally) Result() (int64, [32]byte) {
	ta.mu.Lock()
	defer ta.mu.Unlock()
	if ta.h == nil {
		ta.h = sha256.New()
	}
	return ta.n, [32]byte(ta.h.Sum(nil))
}

// HashingEcho is a TCP target on loopback that echoes its first connection
// and tallies what it received; done is closed when that connection has
// ended.
func HashingEcho(t testing.TB) (addr string, got *Tally, done <-chan struct{}) {
	got = &Tally{}
	ended := make(chan struct{})
	var once sync.Once
	addr = Serve(t, "tcp", "", func(c net.Conn) {
		first := false
		once.Do(func() { first = true })
		if !first {
			c.Close()
			return
		}
		defer close(ended)
		io.Copy(c, io.TeeReader(c, got))
		c.Close()
	})
	return addr, got, ended
}
