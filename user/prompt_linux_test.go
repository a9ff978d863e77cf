package user

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// openPTY opens a pseudo-terminal pair (no cgo, no extra module).
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close(); s.Close() })
	return m, s
}

// The prompt reads from a terminal with echo off: what is typed never comes back on the
// terminal, and the echo setting is restored afterwards.
func TestTerminalSecretNoEcho(t *testing.T) {
	master, slave := openPTY(t)
	var errOut bytes.Buffer
	ios := &cmdutil.IOStreams{In: slave, Out: &bytes.Buffer{}, ErrOut: &errOut, InTTY: true}
	ask := terminalSecret(ios)
	if ask == nil {
		t.Fatal("no secret reader on a terminal")
	}
	before, _ := unix.IoctlGetTermios(int(slave.Fd()), ioctlGet)
	done := make(chan string, 1)
	go func() {
		pw, err := ask("Password: ")
		if err != nil {
			done <- "error: " + err.Error()
			return
		}
		done <- pw
	}()
	time.Sleep(200 * time.Millisecond) // let the reader turn echo off first
	if _, err := master.Write([]byte("typed-secret\n")); err != nil {
		t.Fatal(err)
	}
	if got := <-done; got != "typed-secret" {
		t.Fatalf("read %q", got)
	}
	if echoed := readAvailable(master); strings.Contains(echoed, "typed-secret") {
		t.Fatalf("the terminal echoed the password: %q", echoed)
	}
	after, _ := unix.IoctlGetTermios(int(slave.Fd()), ioctlGet)
	if before.Lflag != after.Lflag {
		t.Fatalf("terminal flags not restored: %x -> %x", before.Lflag, after.Lflag)
	}
	if errOut.String() != "Password: \n" {
		t.Fatalf("prompt %q", errOut.String())
	}
	if terminalSecret(&cmdutil.IOStreams{In: strings.NewReader(""), ErrOut: &errOut}) != nil {
		t.Fatal("a secret reader without a terminal")
	}
}

// readAvailable reads what the terminal has written back within 300 ms (a pty's master is not
// pollable by Go's runtime, so unix.Poll decides whether a read would block).
func readAvailable(f *os.File) string {
	fds := []unix.PollFd{{Fd: int32(f.Fd()), Events: unix.POLLIN}}
	if n, err := unix.Poll(fds, 300); err != nil || n == 0 {
		return ""
	}
	buf := make([]byte, 256)
	n, _ := unix.Read(int(f.Fd()), buf)
	return string(buf[:max(n, 0)])
}
