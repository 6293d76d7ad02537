package proxy

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

// ErrFileMismatch is a file whose bytes are not what its offer announced
// (FileTransfer.OnFile's error, with errors.Is).
var ErrFileMismatch = errors.New("the file is not what was announced")

// uploadBuffers are the buffers files are copied through: a file of any
// size takes one buffer of memory.
var uploadBuffers = sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}

// receive saves the file of offer o from body: into a temporary file in the
// folder, hashed on the way, and renamed to its safe name only when its
// length and hash are those announced. It returns the file's path; on any
// error nothing is left behind.
func (f *files) receive(body io.Reader, o FileOffer) (string, error) {
	dir := f.cfg.Dir
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(dir, ".vncbridge-*.part")
	if err != nil {
		return "", err
	}
	kept := false
	defer func() {
		if !kept {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	buf := uploadBuffers.Get().(*[]byte)
	n, err := io.CopyBuffer(io.MultiWriter(tmp, h), io.LimitReader(body, o.Size+1), *buf)
	uploadBuffers.Put(buf)
	if err != nil {
		return "", err
	}
	if n != o.Size {
		return "", errors.Join(ErrFileMismatch, errors.New("it has "+strconv.FormatInt(n, 10)+" bytes or more, not "+strconv.FormatInt(o.Size, 10)))
	}
	if sum := hex.EncodeToString(h.Sum(nil)); sum != o.SHA256 {
		return "", errors.Join(ErrFileMismatch, errors.New("its sha256 is "+sum+", not "+o.SHA256))
	}
	if err := tmp.Sync(); err != nil {
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	path, err := place(tmp.Name(), dir, o.Name)
	if err != nil {
		return "", err
	}
	kept = true
	return path, nil
}

// maxNumbered bounds the numbers tried for a free name.
const maxNumbered = 10000

// place gives the complete file tmp its name in dir: name, or the first of
// "name (2)", "name (3)"… that no file has, never replacing one. A hard
// link takes the name only if it is free; where links cannot be made, an
// empty file created exclusively holds the name and the rename replaces it.
func place(tmp, dir, name string) (string, error) {
	if name != filepath.Base(name) || name == "." || name == ".." {
		return "", errors.New("unsafe file name " + strconv.Quote(name))
	}
	for n := 1; n <= maxNumbered; n++ {
		path := filepath.Join(dir, numberedName(name, n))
		err := os.Link(tmp, path)
		if err == nil {
			os.Remove(tmp)
			return path, nil
		}
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		hold, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		hold.Close()
		if err := os.Rename(tmp, path); err != nil {
			os.Remove(path)
			return "", err
		}
		return path, nil
	}
	return "", errors.New("no free name for " + strconv.Quote(name) + " in " + dir)
}

func baseName(path string) string { return filepath.Base(path) }
