package group

import (
	"context"
	"errors"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
)

// Retrying the group coordinator (issue 17 #2). On a fresh cluster the first group request
// makes the broker create __consumer_offsets, and until its partitions are loaded the
// coordinator answers COORDINATOR_NOT_AVAILABLE or COORDINATOR_LOAD_IN_PROGRESS; after a
// leader change it answers NOT_COORDINATOR. kgo does not retry FindCoordinator failures, and
// kadm reports per-group errors without retrying them, so every coordinator path in group
// (describe, list, lag, seek, delete, delete-offsets, OffsetFetch) goes through
// retryCoordinator. It has no group-specific state: consume -g can use it as it is.

// isCoordinatorErr reports whether err (possibly wrapped, or one of kadm's ShardErrors) is a
// transient coordinator error worth retrying.
func isCoordinatorErr(err error) bool {
	return errors.Is(err, kerr.CoordinatorNotAvailable) || errors.Is(err, kerr.NotCoordinator) ||
		errors.Is(err, kerr.CoordinatorLoadInProgress)
}

// coordinatorBackoff is the wait before retry n (0-based): 100ms doubling up to 1s.
func coordinatorBackoff(n int) time.Duration {
	d := 100 * time.Millisecond << min(n, 4)
	return min(d, time.Second)
}

// retryCoordinator calls try until it returns false (done: success or an error retrying cannot
// fix), the context ends, or the context's deadline leaves no room for another attempt. The
// caller keeps try's results in its closure, so the last attempt's results are what it
// reports: a coordinator that never came back is reported like any other error.
func retryCoordinator(ctx context.Context, try func() (again bool)) {
	for n := 0; n < 100; n++ {
		if !try() {
			return
		}
		wait := coordinatorBackoff(n)
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < 2*wait {
			return
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// retryCoordinatorErr is retryCoordinator for a call that returns one error.
func retryCoordinatorErr(ctx context.Context, call func() error) error {
	var err error
	retryCoordinator(ctx, func() bool {
		err = call()
		return isCoordinatorErr(err)
	})
	return err
}
