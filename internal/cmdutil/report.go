package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
)

// Interrupted is the cancellation cause of the root context when SIGINT, SIGTERM or SIGQUIT arrives;
// commands that stream read it with context.Cause to pick their exit path.
type Interrupted struct{ Signal os.Signal }

func (i Interrupted) Error() string { return "interrupted by " + i.Signal.String() }

// ExitCode is 128 + the signal number, as shells report a process killed by it: 130 for SIGINT,
// 143 for SIGTERM, 131 for SIGQUIT.
func (i Interrupted) ExitCode() int {
	if s, ok := i.Signal.(syscall.Signal); ok && s > 0 {
		return 128 + int(s)
	}
	return 130
}

// stopSignals end a command cleanly. SIGQUIT is one of them: Go's default (a goroutine dump and
// exit 2, which reads as a usage error) is no answer for a user who pressed Ctrl-\.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGQUIT}

// SignalContext returns a context cancelled with an Interrupted cause on the first SIGINT,
// SIGTERM or SIGQUIT; a second signal kills the process the default way.
func SignalContext(parent context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, stopSignals...)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-ch:
			cancel(Interrupted{Signal: sig})
			signal.Reset(stopSignals...)
		case <-done:
		}
	}()
	return ctx, func() { close(done); signal.Stop(ch); cancel(context.Canceled) }
}

// Report prints err for a person on w and returns the exit code: connection failures explained
// by the factory, "error: ..." for failures, a pointer to --help for usage errors, nothing for
// errors the command already reported. ctx is the root context, to tell an interrupt apart.
func Report(w io.Writer, f *Factory, ctx context.Context, cmd *cobra.Command, err error) int {
	if err == nil {
		return ExitOK
	}
	var intr Interrupted
	if ctx != nil && errors.As(context.Cause(ctx), &intr) && (errors.Is(err, context.Canceled) || errors.As(err, &intr)) {
		return intr.ExitCode()
	}
	if f != nil {
		err = f.Explain(err)
	}
	code := ExitCode(err)
	var ee *ExitError
	msg := err.Error()
	if errors.As(err, &ee) && ee.Err == nil {
		msg = ""
	}
	if msg != "" {
		fmt.Fprintf(w, "error: %s\n", strings.TrimSpace(msg))
	}
	if code == ExitUsage {
		path := "kafkit"
		if cmd != nil {
			path = cmd.CommandPath()
		}
		fmt.Fprintf(w, "Run '%s --help' for usage.\n", path)
	}
	return code
}
