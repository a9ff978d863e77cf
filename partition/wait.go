package partition

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// graceChecks is how many polls a partition that left ListPartitionReassignments may take to
// show its target replicas in the metadata before it counts as ended elsewhere.
const graceChecks = 5

// waitWave polls the wave's partitions until none is moving, printing progress; each ends
// completed, or failed when it ended with other replicas (cancelled by someone). It returns
// ctx's error when ctx ends first (those partitions become in_progress).
func waitWave(ctx context.Context, adm *cmdutil.Admin, rs []MoveResult, wave []int, o ExecuteOptions) error {
	pr := newProgress(o)
	grace := map[int]int{}
	for {
		pending, err := pollWave(ctx, adm, rs, wave, grace, o)
		if err == nil && len(pending) == 0 {
			return nil
		}
		if err == nil {
			pr.report(ctx, adm, rs, pending)
		}
		select {
		case <-ctx.Done():
			for _, i := range wave {
				if rs[i].Result == ResStarted {
					rs[i].Result = ResInProgress
				}
			}
			return ctx.Err()
		case <-time.After(o.Interval):
		}
	}
}

// pollWave returns the wave's partitions still moving and settles the ones that ended. A
// failed request is reported on the progress writer and retried at the next poll.
func pollWave(ctx context.Context, adm *cmdutil.Admin, rs []MoveResult, wave []int, grace map[int]int, o ExecuteOptions) ([]int, error) {
	rctx, cancel := context.WithTimeout(ctx, o.RequestTimeout)
	defer cancel()
	set := kadm.TopicsSet{}
	topics := map[string]bool{}
	for _, i := range wave {
		if rs[i].Result == ResStarted {
			set.Add(rs[i].Topic, rs[i].Partition)
			topics[rs[i].Topic] = true
		}
	}
	if len(set) == 0 {
		return nil, nil
	}
	running, err := adm.ListPartitionReassignments(rctx, set)
	if err == nil {
		var st State
		st, err = FetchState(rctx, adm, keys(topics)...)
		if err == nil {
			return markEnded(rs, wave, running, st, grace), nil
		}
	}
	if o.Progress != nil && ctx.Err() == nil {
		fmt.Fprintf(o.Progress, "warning: cannot read the reassignment state (will retry): %v\n", err)
	}
	return nil, err
}

// markEnded marks the partitions that are no longer reassigning (pure).
func markEnded(rs []MoveResult, wave []int, running kadm.ListPartitionReassignmentsResponses, st State, grace map[int]int) []int {
	var pending []int
	for _, i := range wave {
		r := &rs[i]
		if r.Result != ResStarted {
			continue
		}
		if _, moving := running[r.Topic][r.Partition]; moving {
			pending = append(pending, i)
			continue
		}
		cur, _ := st.Partition(r.Topic, r.Partition)
		switch {
		case equalIDs(cur, r.To):
			r.Result = ResCompleted
		case grace[i] < graceChecks:
			grace[i]++
			pending = append(pending, i)
		default:
			r.Result, r.Error = ResFailed, fmt.Sprintf("the reassignment ended with replicas %s, not %s (cancelled by someone else?)", joinIDs(cur), joinIDs(r.To))
		}
	}
	return pending
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// progress prints, per moving partition, the bytes its new replicas still have to copy and
// an ETA from the rate seen since the previous poll.
type progress struct {
	w        io.Writer
	o        ExecuteOptions
	prevLeft map[string]int64
	prevAt   time.Time
}

func newProgress(o ExecuteOptions) *progress {
	return &progress{w: o.Progress, o: o, prevLeft: map[string]int64{}}
}

func (p *progress) report(ctx context.Context, adm *cmdutil.Admin, rs []MoveResult, pending []int) {
	if p.w == nil {
		return
	}
	rctx, cancel := context.WithTimeout(ctx, p.o.RequestTimeout)
	defer cancel()
	set := kadm.TopicsSet{}
	for _, i := range pending {
		set.Add(rs[i].Topic, rs[i].Partition)
	}
	dirs, _ := adm.DescribeAllLogDirs(rctx, set)
	now := time.Now()
	left := map[string]int64{}
	var lines []string
	for _, i := range pending {
		m := rs[i].Move
		name := fmt.Sprintf("%s-%d", m.Topic, m.Partition)
		l := BytesLeft(dirs, m)
		left[name] = l
		lines = append(lines, fmt.Sprintf("  %s: copying to %s: %s left%s", name, joinIDs(m.Adding), HumanBytes(l), p.eta(name, l, now)))
	}
	fmt.Fprintf(p.w, "%s moving:\n%s\n", countPartitions(len(pending)), strings.Join(lines, "\n"))
	p.prevLeft, p.prevAt = left, now
}

// eta estimates the time left of one partition from the bytes copied since the last poll, or
// from the throttle before that.
func (p *progress) eta(name string, left int64, now time.Time) string {
	rate := float64(p.o.Throttle)
	if prev, ok := p.prevLeft[name]; ok && prev > left && !p.prevAt.IsZero() {
		rate = float64(prev-left) / now.Sub(p.prevAt).Seconds()
	}
	if left == 0 {
		return ", catching up"
	}
	if rate <= 0 {
		return ", ETA unknown"
	}
	eta := time.Duration(float64(left) / rate * float64(time.Second)).Round(time.Second)
	if eta < time.Second {
		return ", ETA <1s"
	}
	return ", ETA " + eta.String()
}

// BytesLeft is what the adding replicas of m still have to copy: per new replica, the size of
// the largest current replica minus its own size (pure, over DescribeLogDirs answers).
func BytesLeft(dirs kadm.DescribedAllLogDirs, m Move) int64 {
	var src int64
	for _, b := range m.From {
		if p, ok := dirs[b].LookupPartition(m.Topic, m.Partition); ok && p.Size > src {
			src = p.Size
		}
	}
	var left int64
	for _, b := range m.Adding {
		var have int64
		if p, ok := dirs[b].LookupPartition(m.Topic, m.Partition); ok {
			have = p.Size
		}
		left += max(0, src-have)
	}
	return left
}

// HumanBytes renders a byte count with binary units: 512 B, 1.5 KiB, 12.0 MiB.
func HumanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTP"[exp])
}
