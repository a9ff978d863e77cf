package topic

// The change engine's generic parts: the batch runner that validates a whole plan before it
// changes anything, and the per-item partial-failure report. The result words, the summary
// line and the exit codes every changing verb shares are internal/outcome's.

import (
	"context"
	"fmt"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/outcome"
	"github.com/kafkit/kafkit/internal/text"
)

func wasWere(n int) string {
	if n == 1 {
		return "was"
	}
	return "were"
}

// maxRecordsPerRequest is what Kafka 4.1's controller accepts in one user request: CreateTopics
// counts one record per topic, per partition and per config (5,001 one-partition topics are
// refused with POLICY_VIOLATION "Unable to perform excessively large batch operation"),
// CreatePartitions one per new partition (10,001 new ones fail with UNKNOWN_SERVER_ERROR and
// were seen to half-apply). Measured against the real cluster with validate-only requests.
const maxRecordsPerRequest = 10000

// Batch is one request of an executor. Send sends it validate-only or for real and returns an
// error (nil: success) for each of its items; an error for the whole request fails every item.
// A batch with no validate-only form in Kafka (DeleteTopics) sets ClientChecked: the validate
// phase passes it, since the planner already checked it against current metadata.
type Batch struct {
	Kind          string // request name, for messages: CreateTopics, DeleteTopics ...
	Items         []int  // indexes of the plan's actions it carries
	ClientChecked bool
	Send          func(ctx context.Context, validateOnly bool) (map[int]error, error)
}

// Tracker gives the batch runner the outcome and class of action i of a plan.
type Tracker interface {
	Outcome(i int) *outcome.Outcome
	Class(i int) outcome.Class
}

// Executor is what a family plugs into the engine: its plan's actions (Tracker) and the
// batched requests that carry the pending ones. topic's is topicExecutor (execute.go); ACLs,
// SCRAM users, quotas and reassignments would each add one with their own Batch.Send.
type Executor interface {
	Tracker
	Len() int
	Batches() []Batch
}

// runPlan is the engine's entry point: validate everything, then (unless dryRun) apply.
func runPlan(ctx context.Context, e Executor, dryRun bool) (ok, sent bool) {
	return runBatches(ctx, e.Batches(), e, e.Len(), dryRun)
}

// runBatches is the executor's one algorithm. Every batch is first sent validate-only; when an
// action fails validation (or already failed a client-side check) nothing is sent for real and
// the actions that did validate are marked skipped. Otherwise, unless dryRun, the batches are
// sent for real in order and each action gets its result. It reports whether every action
// succeeded (or needed nothing) and whether anything was sent for real.
func runBatches(ctx context.Context, batches []Batch, t Tracker, n int, dryRun bool) (ok, sent bool) {
	ok = true
	for i := 0; i < n; i++ {
		ok = ok && !t.Outcome(i).IsFailed()
	}
	for _, b := range batches {
		if b.ClientChecked {
			continue
		}
		ok = sendBatch(ctx, b, t, true) && ok
	}
	if !ok || dryRun {
		for _, b := range batches {
			for _, i := range b.Items {
				o := t.Outcome(i)
				switch {
				case o.IsFailed():
				case !ok:
					o.Result, o.Error = outcome.Skipped, "not sent: another change failed validation"
				default:
					o.Result = outcome.Done(t.Class(i), true)
				}
			}
		}
		return ok, false
	}
	for _, b := range batches {
		ok = sendBatch(ctx, b, t, false) && ok
	}
	return ok, len(batches) > 0
}

// sendBatch sends one batch and records failures (and, for real sends, successes).
func sendBatch(ctx context.Context, b Batch, t Tracker, validateOnly bool) bool {
	errs, err := b.Send(ctx, validateOnly)
	ok := true
	for _, i := range b.Items {
		e, answered := errs[i]
		switch {
		case !answered && err != nil:
			e = err
		case !answered:
			e = fmt.Errorf("no answer from the cluster")
		}
		o := t.Outcome(i)
		if e != nil {
			o.Result, o.Error = outcome.Failed, e.Error()
			ok = false
			continue
		}
		if !validateOnly {
			o.Result = outcome.Done(t.Class(i), false)
		}
	}
	return ok
}

// Failure is one failed item for the partial-failure report.
type Failure struct {
	Subject string // `topic "orders"`
	What    string // "add_partitions", "set_config retention.ms"
	Error   string
	Actual  string // what the cluster showed after the failure, "" when unchanged
}

// reportFailures prints each failed item on stderr, with what the cluster really shows when it
// changed anyway, and, when skipped actions were not sent because of them, says so; it returns
// the error that makes the command exit 1 (nil when nothing failed).
func reportFailures(io *cmdutil.IOStreams, fs []Failure, skipped int) error {
	if len(fs) == 0 {
		return nil
	}
	for _, f := range fs {
		errorf(io, "%s: %s failed: %s", f.Subject, f.What, f.Error)
		if f.Actual != "" {
			warnf(io, "%s: %s failed, but re-reading the cluster shows %s", f.Subject, f.What, f.Actual)
		}
	}
	if skipped > 0 {
		fmt.Fprintf(io.ErrOut, "nothing was changed: %s failed validation, so the other %s %s not sent\n", text.Count(len(fs), "change"), text.Count(skipped, "change"), wasWere(skipped))
	}
	return cmdutil.SilentError
}
