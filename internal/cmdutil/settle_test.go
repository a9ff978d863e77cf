package cmdutil

import (
	"context"
	"errors"
	"testing"
)

func TestRetryMissing(t *testing.T) {
	for _, c := range []struct {
		name       string
		missingFor int // calls that report missing before the topic appears
		err        error
		wantCalls  int
		wantMiss   bool
	}{
		{"found at once", 0, nil, 1, false},
		{"appears on the third call", 2, nil, 3, false},
		{"never appears", 100, nil, settleTries, true},
		{"an error stops at once", 100, errors.New("boom"), 1, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			calls := 0
			_, miss, err := RetryMissing(context.Background(), func() (int, bool, error) {
				calls++
				return calls, calls <= c.missingFor, c.err
			})
			if calls != c.wantCalls || miss != c.wantMiss || !errors.Is(err, c.err) {
				t.Errorf("calls %d missing %v err %v, want %d %v %v", calls, miss, err, c.wantCalls, c.wantMiss, c.err)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls := 0
	if _, miss, _ := RetryMissing(ctx, func() (int, bool, error) { calls++; return 0, true, nil }); !miss || calls != 1 {
		t.Errorf("a done context: %d calls, missing %v; want 1 call, missing", calls, miss)
	}
}
