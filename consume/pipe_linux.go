//go:build linux

package consume

import (
	"os"
	"syscall"
	"unsafe"
)

// pollErr is POLLERR: on Linux a pipe's write end reports it once the read end is closed.
const pollErr = 0x8

type pollFd struct {
	fd      int32
	events  int16
	revents int16
}

// pipeReaderGone returns a check that asks the kernel, without writing, whether the pipe f
// writes to still has a reader.
func pipeReaderGone(f *os.File) func() bool {
	rc, err := f.SyscallConn()
	if err != nil {
		return nil
	}
	return func() bool {
		gone := false
		_ = rc.Control(func(fd uintptr) {
			p := pollFd{fd: int32(fd)}
			var ts syscall.Timespec // zero: do not wait
			n, _, e := syscall.Syscall6(syscall.SYS_PPOLL, uintptr(unsafe.Pointer(&p)), 1, uintptr(unsafe.Pointer(&ts)), 0, 0, 0)
			gone = e == 0 && n == 1 && p.revents&pollErr != 0
		})
		return gone
	}
}

// pipeUnread returns a check for the number of bytes written to the pipe f that its reader has
// not taken yet (FIONREAD, which Linux answers on either end of a pipe, even after the reader
// closed it).
func pipeUnread(f *os.File) func() (int64, bool) {
	rc, err := f.SyscallConn()
	if err != nil {
		return nil
	}
	return func() (int64, bool) {
		var n int32
		var e syscall.Errno
		if err := rc.Control(func(fd uintptr) {
			_, _, e = syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TIOCINQ, uintptr(unsafe.Pointer(&n)))
		}); err != nil || e != 0 {
			return 0, false
		}
		return int64(n), true
	}
}

// closedAtStart reports whether f is fd 1 and is the /dev/null that the Go runtime opens
// read-write in place of a standard descriptor that was closed at exec (`>&-`).
func closedAtStart(f *os.File) bool {
	rc, err := f.SyscallConn()
	if err != nil {
		return false
	}
	var fd uintptr
	var flags uintptr
	var e syscall.Errno
	_ = rc.Control(func(d uintptr) {
		fd = d
		flags, _, e = syscall.Syscall(syscall.SYS_FCNTL, d, syscall.F_GETFL, 0)
	})
	if fd != 1 || e != 0 || flags&syscall.O_ACCMODE != syscall.O_RDWR {
		return false
	}
	return isDevNull(f)
}

// isDevNull reports whether f is /dev/null.
func isDevNull(f *os.File) bool {
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err == nil && os.SameFile(fi, null)
}
