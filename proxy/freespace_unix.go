//go:build unix

package proxy

import "golang.org/x/sys/unix"

// freeSpace is the space free for this user on the file system of dir, in
// bytes; ok is false when the system does not tell.
func freeSpace(dir string) (free int64, ok bool) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return 0, false
	}
	return int64(st.Bavail) * int64(st.Bsize), true
}
