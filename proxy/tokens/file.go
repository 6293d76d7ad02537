package tokens

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"vncbridge/proxy"
)

// File is the TokenFile and ReadOnlyTokenFile plugins: a file of lines
//
//	token: host:port
//
// or a directory of such files. White space around a line is ignored, lines
// starting with # are comments; the token ends at the first colon followed
// by white space (a space or a tab); the port follows the last colon, so an
// IPv6 host needs no brackets.
//
// TokenFile reads its source again when a file in it changes, so tokens can
// be added while the proxy runs; ReadOnlyTokenFile reads it once.
type File struct {
	source string
	reread bool
	log    *slog.Logger

	mu      sync.Mutex
	targets map[string]proxy.Target
	stamp   string // what the source looked like when read
}

// NewFile reads the token file or directory source. Lines it cannot read
// are skipped, without a word: New logs them.
func NewFile(source string, reread bool) (*File, error) {
	return newFile(source, reread, nil)
}

func newFile(source string, reread bool, log *slog.Logger) (*File, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	f := &File{source: source, reread: reread, log: log}
	if err := f.load(); err != nil {
		return nil, err
	}
	return f, nil
}

// LookupTarget implements proxy.TargetLookup.
func (f *File) LookupTarget(ctx context.Context, token string) (proxy.Target, error) {
	if f.reread {
		if err := f.load(); err != nil {
			return proxy.Target{}, err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.targets[token]
	if !ok {
		return proxy.Target{}, proxy.ErrUnknownToken
	}
	return t, nil
}

// load reads the source when it changed since the last read.
func (f *File) load() error {
	files, stamp, err := sourceFiles(f.source)
	if err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.targets != nil && stamp == f.stamp {
		return nil
	}
	targets := map[string]proxy.Target{}
	for _, name := range files {
		fh, err := os.Open(name)
		if err != nil {
			return err
		}
		entries, bad := ParseTokenLines(fh)
		fh.Close()
		for _, b := range bad {
			f.log.Error("syntax error in a token file", "file", name, "line", b.Line, "error", b.Err)
		}
		for tok, t := range entries {
			targets[tok] = t
		}
	}
	f.targets, f.stamp = targets, stamp
	return nil
}

// sourceFiles lists the files of a token source and a stamp that changes
// when any of them does.
func sourceFiles(source string) ([]string, string, error) {
	fi, err := os.Stat(source)
	if err != nil {
		return nil, "", err
	}
	files := []string{source}
	if fi.IsDir() {
		entries, err := os.ReadDir(source)
		if err != nil {
			return nil, "", err
		}
		files = files[:0]
		for _, e := range entries {
			if e.Type().IsRegular() {
				files = append(files, filepath.Join(source, e.Name()))
			}
		}
		sort.Strings(files)
	}
	var stamp strings.Builder
	for _, name := range files {
		if fi, err := os.Stat(name); err == nil {
			fmt.Fprintf(&stamp, "%s %d %d\n", name, fi.Size(), fi.ModTime().UnixNano())
		}
	}
	return files, stamp.String(), nil
}

// LineError is a line of a token file that could not be read.
type LineError struct {
	Line int
	Err  error
}

// tokenSeparator is where the token ends: a colon and white space.
var tokenSeparator = regexp.MustCompile(`:\s`)

// ParseTokenLines reads token lines (see File). Lines that are not
// "token: host:port" are returned as errors, the rest as a map.
func ParseTokenLines(r io.Reader) (map[string]proxy.Target, []LineError) {
	targets := map[string]proxy.Target{}
	var bad []LineError
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := tokenSeparator.Split(line, -1)
		if len(parts) != 2 {
			bad = append(bad, LineError{n, fmt.Errorf("want \"token: host:port\", got %q", line)})
			continue
		}
		t, err := splitHostPort(parts[1])
		if err != nil {
			bad = append(bad, LineError{n, err})
			continue
		}
		targets[parts[0]] = t
	}
	if err := sc.Err(); err != nil {
		bad = append(bad, LineError{0, err})
	}
	return targets, bad
}

// FileName is the TokenFileName plugin: the token names a file in a
// directory, whose content is host:port.
type FileName struct{ dir string }

// NewFileName serves the directory dir.
func NewFileName(dir string) (*FileName, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("TokenFileName needs a directory; %s is not one", dir)
	}
	return &FileName{dir: dir}, nil
}

// LookupTarget implements proxy.TargetLookup. Only the token's last path
// element is used, so a token cannot name a file outside the directory.
func (f *FileName) LookupTarget(ctx context.Context, token string) (proxy.Target, error) {
	name := filepath.Base(filepath.Clean("/" + token))
	if name == "/" || name == "." || name == ".." {
		return proxy.Target{}, proxy.ErrUnknownToken
	}
	b, err := os.ReadFile(filepath.Join(f.dir, name))
	if os.IsNotExist(err) {
		return proxy.Target{}, proxy.ErrUnknownToken
	}
	if err != nil {
		return proxy.Target{}, err
	}
	return splitHostPort(string(b))
}
