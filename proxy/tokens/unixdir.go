package tokens

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"vncbridge/proxy"
)

// UnixSocketDir is the UnixDomainSocketDirectory plugin: the token names a
// Unix socket in a directory, which is the target.
type UnixSocketDir struct{ dir string }

// NewUnixSocketDir serves the directory dir.
func NewUnixSocketDir(dir string) (*UnixSocketDir, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("UnixDomainSocketDirectory needs a directory; %s is not one", dir)
	}
	return &UnixSocketDir{dir: abs}, nil
}

// LookupTarget implements proxy.TargetLookup: the socket must be inside the
// directory and be a socket.
func (u *UnixSocketDir) LookupTarget(ctx context.Context, token string) (proxy.Target, error) {
	path := filepath.Join(u.dir, token)
	if !strings.HasPrefix(path, u.dir+string(filepath.Separator)) {
		return proxy.Target{}, proxy.ErrUnknownToken
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode()&os.ModeSocket == 0 {
		return proxy.Target{}, proxy.ErrUnknownToken
	}
	return proxy.Target{Network: "unix", Address: path}, nil
}
