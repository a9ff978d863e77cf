package produce

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// accounting counts records from the client's promises only: a record is delivered when its
// promise says so with no error, never because it was handed to the client.
type accounting struct {
	sent      atomic.Int64 // handed to the client
	delivered atomic.Int64
	failed    atomic.Int64
	bytes     atomic.Int64 // key+value bytes of delivered records
	touched   []atomic.Bool

	mu       sync.Mutex
	extra    map[int32]bool // partitions beyond touched (the topic grew)
	failures []failure      // the first maxErrorsShown
	done     chan struct{}  // signalled on every promise while settle waits
	waiting  atomic.Bool

	timedOut atomic.Bool   // a record was not acknowledged within the delivery timeout
	halt     *atomic.Bool  // set with timedOut: the reader stops (nil: it goes on)
	halted   chan struct{} // closed when halt is set
}

type failure struct {
	file int32
	line int64
	err  error
}

func newAccounting(partitions int) *accounting {
	return &accounting{touched: make([]atomic.Bool, partitions), extra: map[int32]bool{}, done: make(chan struct{}, 1)}
}

// promise is the callback for every produced record; kgo calls promises one at a time.
func (a *accounting) promise(r *kgo.Record, err error) {
	m, _ := r.Context.(*recMeta)
	if m != nil && m.pooled {
		// The client is done with the record: its value buffer can carry the next one.
		defer func() { putBuf(r.Value); r.Value = nil; m.pooled = false }()
	}
	if err == nil {
		a.delivered.Add(1)
		a.bytes.Add(int64(len(r.Key) + len(r.Value)))
		if p := r.Partition; p >= 0 && int(p) < len(a.touched) {
			if !a.touched[p].Load() {
				a.touched[p].Store(true)
			}
		} else {
			a.mu.Lock()
			a.extra[p] = true
			a.mu.Unlock()
		}
	} else {
		a.failed.Add(1)
		if isTimeout(err) && a.timedOut.CompareAndSwap(false, true) {
			if a.halt != nil {
				a.halt.Store(true) // the cluster is not keeping up: send nothing more
				close(a.halted)
			}
		}
		f := failure{err: err}
		if m != nil {
			f.file, f.line = m.file, m.line
		}
		a.mu.Lock()
		if len(a.failures) < maxErrorsShown {
			a.failures = append(a.failures, f)
		}
		a.mu.Unlock()
	}
	if a.waiting.Load() {
		select {
		case a.done <- struct{}{}:
		default:
		}
	}
}

// settle waits until n records have an outcome, or for at most d.
func (a *accounting) settle(n int64, d time.Duration) {
	a.waiting.Store(true)
	defer a.waiting.Store(false)
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for a.delivered.Load()+a.failed.Load() < n {
		select {
		case <-a.done:
		case <-deadline.C:
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// result is the outcome of a run, for the summary and the failure report.
type result struct {
	Sent, Delivered, Failed int64
	Bytes                   int64
	Partitions              int
	Elapsed                 time.Duration
	Failures                []string // "line 5: NOT_ENOUGH_REPLICAS ..." for the first few
	Hints                   []string
}

func (r *runner) result(elapsed time.Duration) result {
	a := r.acc
	res := result{
		Sent: a.sent.Load(), Delivered: a.delivered.Load(), Failed: a.failed.Load(),
		Bytes: a.bytes.Load(), Elapsed: elapsed,
	}
	for i := range a.touched {
		if a.touched[i].Load() {
			res.Partitions++
		}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	res.Partitions += len(a.extra)
	seen := map[string]bool{}
	for _, f := range a.failures {
		if r.flushTimedOut && (errors.Is(f.err, context.Canceled) || errors.Is(f.err, kgo.ErrClientClosed)) {
			f.err = context.DeadlineExceeded // failed by kafkit when the delivery timeout ran out
		}
		res.Failures = append(res.Failures, r.pos(f.file, f.line)+": "+describeProduceErr(f.err, r.errs.last(), r.within).Error())
		if h := hint(f.err, r.errs.last(), r.o.Topic); h != "" && !seen[h] {
			seen[h] = true
			res.Hints = append(res.Hints, h)
		}
	}
	return res
}
