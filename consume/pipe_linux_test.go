//go:build linux

package consume

import (
	"os"
	"testing"
)

func TestPipeReaderGone(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	gone := stdoutGone(w)
	if gone == nil {
		t.Fatal("a pipe is not recognised")
	}
	if gone() {
		t.Fatal("reader still open, but reported gone")
	}
	r.Close()
	if !gone() {
		t.Fatal("reader closed, but not reported")
	}
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if stdoutGone(f) != nil {
		t.Error("a regular file is watched")
	}
}
