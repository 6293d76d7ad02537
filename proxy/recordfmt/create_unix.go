//go:build unix

package recordfmt

import (
	"fmt"
	"os"
	"syscall"
)

// noFollow refuses a link as the last element of a created file's name.
const noFollow = syscall.O_NOFOLLOW

// OthersCanWrite tells why users other than this one can add, replace or
// remove files in dir, or "" when they cannot. A sticky folder (such as
// /tmp) counts: others cannot replace this user's files there, but they can
// put a file or a link where the next recording goes.
func OthersCanWrite(dir string) string {
	fi, err := os.Stat(dir)
	if err != nil {
		return "" // creating the recording will say what is wrong
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	switch uid := os.Geteuid(); {
	case fi.Mode().Perm()&0o002 != 0:
		return "every user can write to it"
	case fi.Mode().Perm()&0o020 != 0 && int(st.Gid) != os.Getegid():
		return fmt.Sprintf("the users of group %d can write to it", st.Gid)
	case int(st.Uid) != uid && st.Uid != 0:
		return fmt.Sprintf("it belongs to user %d", st.Uid)
	}
	return ""
}
