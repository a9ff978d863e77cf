package partition

// The reassignment executor: throttles on, AlterPartitionAssignments in waves, each wave watched
// until it ends, throttles off. Shared by `partition reassign execute`, `topic alter
// --replication-factor`, `topic apply` and kafka-reassign-partitions.sh --execute.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// The results of one partition's move.
const (
	ResStarted    = "started"     // submitted; the cluster is copying (no --wait)
	ResCompleted  = "completed"   // the replicas are the target ones
	ResFailed     = "failed"      // refused by the cluster, or it ended elsewhere
	ResSkipped    = "skipped"     // a later wave, not sent after a failure
	ResInProgress = "in_progress" // still copying when kafkit stopped waiting
)

// ExecuteOptions tune the executor.
type ExecuteOptions struct {
	Throttle int64         // bytes/s per broker, 0: none
	Batch    int           // partitions per wave, 0: all at once
	Wait     bool          // wait for the last wave too (earlier waves are always waited for)
	Interval time.Duration // between progress polls (default 5s)
	Progress io.Writer     // progress lines; nil: none
	// RequestTimeout bounds each request made while waiting (default 10s).
	RequestTimeout time.Duration
}

// MoveResult is one partition's move and how it went.
type MoveResult struct {
	Move
	Result string `json:"result"`
	Error  string `json:"error,omitempty"`
}

// Execution is what the executor did.
type Execution struct {
	Results   []MoveResult
	Throttles Throttles // the throttles it set
	// ThrottlesLeft: the throttles are still set (no --wait, or interrupted, or removing failed).
	ThrottlesLeft bool
	// ClearErr is why removing the throttles failed.
	ClearErr error
}

// ErrInterrupted is returned when the wait ended before the moves did (a signal); the cluster
// goes on moving the replicas.
var ErrInterrupted = errors.New("stopped waiting before the reassignment ended")

// Execute runs moves. It returns the per-partition results; a failed partition is in its
// result, not in the error. The error is ErrInterrupted, or a failure to set the throttles
// (then nothing was submitted).
func Execute(ctx context.Context, adm *cmdutil.Admin, moves []Move, o ExecuteOptions) (*Execution, error) {
	o = o.withDefaults()
	ex := &Execution{Results: make([]MoveResult, len(moves))}
	for i, m := range moves {
		ex.Results[i] = MoveResult{Move: m}
	}
	if o.Throttle > 0 {
		ex.Throttles = ThrottlesFor(moves, o.Throttle)
		if err := SetThrottles(ctx, adm, ex.Throttles); err != nil {
			ex.ClearErr = ClearThrottles(detached(ctx, o), adm, ex.Throttles.BrokerIDs(), ex.Throttles.TopicNames())
			ex.ThrottlesLeft = ex.ClearErr != nil
			return ex, err
		}
		ex.ThrottlesLeft = true
	}
	waves := splitWaves(len(moves), o.Batch)
	for w, wave := range waves {
		if !submitWave(ctx, adm, ex.Results, wave) {
			markSkipped(ex.Results, waves[w+1:])
			break
		}
		if !o.Wait && w == len(waves)-1 {
			break
		}
		if o.Progress != nil && len(waves) > 1 {
			fmt.Fprintf(o.Progress, "wave %d of %d: %s\n", w+1, len(waves), countPartitions(len(wave)))
		}
		if err := waitWave(ctx, adm, ex.Results, wave, o); err != nil {
			markSkipped(ex.Results, waves[w+1:])
			return ex, ErrInterrupted
		}
	}
	if ex.ThrottlesLeft && !ex.anyRunning() {
		ex.ClearErr = ClearThrottles(detached(ctx, o), adm, ex.Throttles.BrokerIDs(), ex.Throttles.TopicNames())
		ex.ThrottlesLeft = ex.ClearErr != nil
	}
	return ex, nil
}

func (o ExecuteOptions) withDefaults() ExecuteOptions {
	if o.Interval <= 0 {
		o.Interval = 5 * time.Second
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = 10 * time.Second
	}
	return o
}

// detached is a context for cleaning up after ctx ended (a signal): it keeps ctx's values, not
// its end.
func detached(ctx context.Context, o ExecuteOptions) context.Context {
	c, cancel := context.WithTimeout(context.WithoutCancel(ctx), o.RequestTimeout)
	_ = cancel // released by the timeout
	return c
}

func (ex *Execution) anyRunning() bool {
	for _, r := range ex.Results {
		if r.Result == ResStarted || r.Result == ResInProgress {
			return true
		}
	}
	return false
}

// Failed counts the failed results.
func (ex *Execution) Failed() int {
	n := 0
	for _, r := range ex.Results {
		if r.Result == ResFailed {
			n++
		}
	}
	return n
}

func countPartitions(n int) string {
	if n == 1 {
		return "1 partition"
	}
	return fmt.Sprintf("%d partitions", n)
}

// splitWaves cuts n items into waves of batch (0: one wave).
func splitWaves(n, batch int) [][]int {
	if batch <= 0 {
		batch = n
	}
	var out [][]int
	for start := 0; start < n; start += batch {
		var w []int
		for i := start; i < min(n, start+batch); i++ {
			w = append(w, i)
		}
		out = append(out, w)
	}
	return out
}

func markSkipped(rs []MoveResult, waves [][]int) {
	for _, w := range waves {
		for _, i := range w {
			rs[i].Result, rs[i].Error = ResSkipped, "not sent: an earlier wave failed or was interrupted"
		}
	}
}

// submitWave sends one AlterPartitionAssignments for the wave; it reports whether every
// partition was accepted.
func submitWave(ctx context.Context, adm *cmdutil.Admin, rs []MoveResult, wave []int) bool {
	req := kadm.AlterPartitionAssignmentsReq{}
	for _, i := range wave {
		req.Assign(rs[i].Topic, rs[i].Partition, rs[i].To)
	}
	resps, err := adm.AlterPartitionAssignments(ctx, req)
	ok := true
	for _, i := range wave {
		r := &rs[i]
		e := err
		if err == nil {
			a, answered := resps[r.Topic][r.Partition]
			switch {
			case !answered:
				e = errors.New("no answer from the cluster")
			case a.Err != nil && a.ErrMessage != "":
				e = fmt.Errorf("%v: %s", a.Err, a.ErrMessage)
			default:
				e = a.Err
			}
		}
		if e != nil {
			r.Result, r.Error, ok = ResFailed, e.Error(), false
			continue
		}
		r.Result = ResStarted
	}
	return ok
}
