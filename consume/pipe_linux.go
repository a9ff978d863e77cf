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
