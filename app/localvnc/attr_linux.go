package localvnc

import "syscall"

// childAttr ends the child with vncbridge, however vncbridge ends.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGINT}
}
