//go:build !linux

package proxy

// splicer: zero-copy downstream exists on Linux only (splice_linux.go); other
// systems take the ordinary path.
func (s *session) splicer() func() error { return nil }
