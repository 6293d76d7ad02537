//go:build !windows

package recordings

import "syscall"

var diskFullErrors = []error{syscall.ENOSPC, syscall.EDQUOT}
