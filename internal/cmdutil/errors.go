package cmdutil

import (
	"errors"
	"fmt"
)

// Exit codes, documented in the README.
const (
	ExitOK          = 0
	ExitFailure     = 1
	ExitUsage       = 2
	ExitCheckFailed = 3
)

// ExitError carries an exit code; main prints Err (unless it is nil) and exits with Code.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// UsageErrorf is a usage error: exit 2, with a hint to run --help.
func UsageErrorf(format string, args ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, args...)}
}

// CheckFailed reports that a check did not pass (lag over a threshold, a plan with changes):
// exit 3. msg may be empty when the command already said everything.
func CheckFailed(msg string) error {
	if msg == "" {
		return &ExitError{Code: ExitCheckFailed}
	}
	return &ExitError{Code: ExitCheckFailed, Err: errors.New(msg)}
}

// SilentError is a failure the command has already reported in full on stderr: exit 1 with no
// further message.
var SilentError = &ExitError{Code: ExitFailure}

// ExitCode maps an error to the process exit code: nil → 0, ExitError → its code, anything
// else → 1.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	return ExitFailure
}

// IsUsage reports whether err is a usage error.
func IsUsage(err error) bool { return ExitCode(err) == ExitUsage }
