//go:build linux || darwin

package user

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// terminalSecret returns a reader that prompts on stderr and reads a line from the terminal
// on stdin with echo off; nil when stdin is not a terminal.
func terminalSecret(ios *cmdutil.IOStreams) secretReader {
	in, ok := ios.In.(*os.File)
	if !ok || !ios.InTTY {
		return nil
	}
	return func(prompt string) (string, error) {
		fmt.Fprint(ios.ErrOut, prompt)
		defer fmt.Fprintln(ios.ErrOut)
		fd := int(in.Fd())
		old, err := unix.IoctlGetTermios(fd, ioctlGet)
		if err != nil {
			return "", fmt.Errorf("cannot turn off the terminal's echo: %v; use --password-file", err)
		}
		quiet := *old
		quiet.Lflag &^= unix.ECHO
		quiet.Lflag |= unix.ICANON
		if err := unix.IoctlSetTermios(fd, ioctlSet, &quiet); err != nil {
			return "", fmt.Errorf("cannot turn off the terminal's echo: %v; use --password-file", err)
		}
		defer func() { _ = unix.IoctlSetTermios(fd, ioctlSet, old) }()
		return lineReader(in)
	}
}
