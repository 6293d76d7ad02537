//go:build !linux

package localvnc

import "syscall"

func childAttr() *syscall.SysProcAttr { return nil }
