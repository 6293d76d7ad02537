//go:build !unix && !windows

package proxy

// freeSpace: this system does not tell.
func freeSpace(string) (int64, bool) { return 0, false }
