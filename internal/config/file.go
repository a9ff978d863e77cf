package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
	"unicode/utf8"
)

// Size limits for settings files: far above any real one, low enough that /dev/zero-like input
// cannot eat memory.
const (
	MaxFileSize     = 1 << 20  // command-config, profile file, TLS PEM files
	MaxPasswordSize = 64 << 10 // a SASL password file
)

// ReadFile reads one settings file (--command-config, the profile file, a password file, a TLS
// file): regular files only, at most MaxFileSize bytes. It is opened non-blocking, so a FIFO
// swapped in after the check cannot hang the process. Errors name the path and say what the file
// is instead ("is a named pipe (FIFO), not a regular file"); a missing file keeps fs.ErrNotExist.
func ReadFile(path string) ([]byte, error) { return ReadFileLimit(path, MaxFileSize) }

// ReadFileLimit is ReadFile with its own size limit.
func ReadFileLimit(path string, limit int64) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := checkRegular(path, st); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err = f.Stat(); err != nil { // the file may have been replaced since the Stat
		return nil, err
	}
	if err := checkRegular(path, st); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than %s: not a settings file", path, sizeText(limit))
	}
	return data, nil
}

func checkRegular(path string, st fs.FileInfo) error {
	m := st.Mode()
	if m.IsRegular() {
		return nil
	}
	what := "not a regular file"
	switch {
	case m.IsDir():
		what = "a directory"
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	case m&fs.ModeDevice != 0:
		what = "a device"
	}
	return &fs.PathError{Op: "read", Path: path, Err: errors.New("is " + what + ", not a regular file; kafkit reads settings from regular files only")}
}

func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

// CheckText refuses data that is not text: a NUL byte or invalid UTF-8 means a binary file was
// given where a properties or YAML file was expected. The error names the line.
func CheckText(data []byte) error {
	i := firstBad(data)
	if i == len(data) {
		return nil
	}
	line := 1 + bytes.Count(data[:i], []byte{'\n'})
	return fmt.Errorf("line %d: not a text file (a NUL byte or invalid UTF-8): give a Java .properties or YAML text file", line)
}

// firstBad is the index of the first NUL byte or invalid UTF-8 sequence, len(data) if none.
func firstBad(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == 0 || (r == utf8.RuneError && size <= 1) {
			return i
		}
		i += size
	}
	return len(data)
}
