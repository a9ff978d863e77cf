package cmdutil

import (
	"context"
	"time"
)

// Settle tries and retries for missing topics. A topic created a moment ago is not known to
// every broker at once (KRaft brokers learn the metadata asynchronously, and under load that
// takes more than a few milliseconds), so one broker's "unknown topic" is not the last word:
// `kafkit topic create t && kafkit produce t` must not fail.
const (
	settleTries = 5
	settleDelay = 100 * time.Millisecond
)

// RetryMissing calls fetch until it reports nothing missing, at most settleTries times
// settleDelay apart (so a topic that truly does not exist costs about 400 ms), stopping early on
// an error or when ctx ends. It returns fetch's last answer.
func RetryMissing[T any](ctx context.Context, fetch func() (T, bool, error)) (T, bool, error) {
	v, missing, err := fetch()
	for i := 1; i < settleTries && err == nil && missing; i++ {
		select {
		case <-ctx.Done():
			return v, missing, err
		case <-time.After(settleDelay):
		}
		v, missing, err = fetch()
	}
	return v, missing, err
}
