package cmdutil

import (
	"context"
	"errors"
	"io"
	"os"
	"syscall"
	"testing"
	"time"
)

func TestInterruptedExitCodes(t *testing.T) {
	for sig, want := range map[os.Signal]int{os.Interrupt: 130, syscall.SIGTERM: 143, syscall.SIGQUIT: 131} {
		if got := (Interrupted{Signal: sig}).ExitCode(); got != want {
			t.Errorf("%v: exit %d, want %d", sig, got, want)
		}
	}
}

// SIGQUIT ends a command like SIGTERM (exit 131) instead of Go's goroutine dump and exit 2.
func TestSignalContextSIGQUIT(t *testing.T) {
	ctx, stop := SignalContext(context.Background())
	defer stop()
	if err := syscall.Kill(os.Getpid(), syscall.SIGQUIT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("SIGQUIT did not cancel the context")
	}
	var intr Interrupted
	if !errors.As(context.Cause(ctx), &intr) || intr.Signal != syscall.SIGQUIT {
		t.Fatalf("cause = %v", context.Cause(ctx))
	}
	if code := Report(io.Discard, nil, ctx, nil, context.Canceled); code != 131 {
		t.Errorf("exit %d, want 131", code)
	}
}
