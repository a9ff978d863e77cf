package group

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/output"
)

// failFindCoordinator makes the next n FindCoordinator requests fail with err, as a fresh
// cluster does while it creates __consumer_offsets (issue 17 #2); it returns the number of
// requests it failed.
func failFindCoordinator(c *kfake.Cluster, n int32, err *kerr.Error) *atomic.Int32 {
	var calls atomic.Int32
	c.ControlKey(int16(kmsg.FindCoordinator), func(kr kmsg.Request) (kmsg.Response, error, bool) {
		if calls.Load() >= n { // kfake's KeepControl is sticky: drop it explicitly
			c.DropControl()
			return nil, nil, false
		}
		calls.Add(1)
		c.KeepControl()
		req := kr.(*kmsg.FindCoordinatorRequest)
		resp := req.ResponseKind().(*kmsg.FindCoordinatorResponse)
		resp.Version = req.Version
		resp.ErrorCode = err.Code
		for _, k := range req.CoordinatorKeys {
			rc := kmsg.NewFindCoordinatorResponseCoordinator()
			rc.Key, rc.ErrorCode, rc.NodeID = k, err.Code, -1
			resp.Coordinators = append(resp.Coordinators, rc)
		}
		return resp, nil, true
	})
	return &calls
}

// Every coordinator path of group retries the three transient coordinator errors within the
// timeout: on the old code each of these exited 1 with the error.
func TestCoordinatorErrorsAreRetriedOnKfake(t *testing.T) {
	errs := []*kerr.Error{kerr.CoordinatorNotAvailable, kerr.NotCoordinator, kerr.CoordinatorLoadInProgress}
	verbs := []struct {
		name  string
		run   func(fx *fixture) error
		check func(t *testing.T, fx *fixture)
	}{
		{"list", func(fx *fixture) error {
			f := fx.env.F
			return listRun(context.Background(), &listOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Printer: output.Printer{Format: output.Name}})
		}, func(t *testing.T, fx *fixture) {
			// list describes every group: a failed describe is an error row.
			if got := fx.env.Out.String(); got != "g1\ng2\n" {
				t.Errorf("stdout %q", got)
			}
		}},
		{"describe", func(fx *fixture) error {
			f := fx.env.F
			return describeRun(context.Background(), &describeOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Printer: output.Printer{Format: output.JSON}, Groups: []string{"g1"}})
		}, func(t *testing.T, fx *fixture) {
			if !strings.Contains(fx.env.Out.String(), `"current_offset": 4,`) {
				t.Errorf("stdout %s", fx.env.Out)
			}
		}},
		{"lag", func(fx *fixture) error {
			opts := fx.lagOpts(output.Table)
			opts.All, opts.Groups = false, []string{"g1"}
			return lagRun(context.Background(), opts)
		}, func(t *testing.T, fx *fixture) {
			if !strings.Contains(fx.env.Out.String(), "g1      orders   3            1         6") {
				t.Errorf("stdout %s", fx.env.Out)
			}
		}},
		{"seek", func(fx *fixture) error {
			o := fx.seekOpts(t, "start", "orders:0")
			o.Execute = true
			return seekRun(context.Background(), o)
		}, func(t *testing.T, fx *fixture) {
			if got := fx.committed(t, "g1"); got[tp{"orders", 0}] != 0 {
				t.Errorf("commits %v", got)
			}
		}},
		{"delete", func(fx *fixture) error {
			f := fx.env.F
			return deleteRun(context.Background(), &deleteOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Printer: output.Printer{Format: output.Table}, Groups: []string{"g2"}})
		}, func(t *testing.T, fx *fixture) {
			if got := fx.env.Out.String(); got != "GROUP   RESULT\ng2      deleted\n" {
				t.Errorf("stdout %q", got)
			}
		}},
		{"delete-offsets", func(fx *fixture) error {
			f := fx.env.F
			return deleteOffsetsRun(context.Background(), &deleteOffsetsOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Printer: output.Printer{Format: output.Table},
				Group: "g1", Topics: []topicSel{{Topic: "orders", Partitions: []int32{0}}}})
		}, func(t *testing.T, fx *fixture) {
			if _, ok := fx.committed(t, "g1")[tp{"orders", 0}]; ok {
				t.Errorf("orders/0 still committed")
			}
		}},
	}
	for i, v := range verbs {
		e := errs[i%len(errs)]
		t.Run(v.name+"/"+e.Message, func(t *testing.T) {
			fx := newFixture(t)
			calls := failFindCoordinator(fx.c, 3, e)
			if err := v.run(fx); err != nil {
				t.Fatalf("%v (%d injected)\nstderr: %s", err, calls.Load(), fx.env.ErrOut)
			}
			if n := calls.Load(); n < 3 {
				t.Errorf("the injected errors were not all hit: %d", n)
			}
			if strings.Contains(fx.env.ErrOut.String(), e.Message) {
				t.Errorf("stderr %s", fx.env.ErrOut)
			}
			v.check(t, fx)
		})
	}
}

// A coordinator that never comes back: the retries stop inside the timeout and the error is
// the coordinator's.
func TestRetryCoordinatorGivesUpWithinTheDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	defer cancel()
	start := time.Now()
	calls := 0
	err := retryCoordinatorErr(ctx, func() error { calls++; return kerr.CoordinatorNotAvailable })
	if !errors.Is(err, kerr.CoordinatorNotAvailable) {
		t.Errorf("err %v", err)
	}
	if d := time.Since(start); d > 700*time.Millisecond || calls < 3 {
		t.Errorf("%d calls in %s", calls, d)
	}
	// Other errors are not retried.
	calls = 0
	if err := retryCoordinatorErr(context.Background(), func() error { calls++; return kerr.GroupIDNotFound }); !errors.Is(err, kerr.GroupIDNotFound) || calls != 1 {
		t.Errorf("err %v after %d calls", err, calls)
	}
}
