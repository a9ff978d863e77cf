package consume

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/offsetspec"
)

// Fetch buffers are bounded so that reading a topic of any size stays within ~150 MB of RSS:
// kgo buffers up to MaxConcurrentFetches responses of FetchMaxBytes each, and each decoded
// record costs its bytes plus ~200 bytes of bookkeeping.
const (
	fetchMaxBytes          = 8 << 20
	fetchMaxPartitionBytes = 2 << 20
	maxConcurrentFetches   = 2
	outBufferSize          = 256 << 10
)

// errStdoutClosed ends a run whose reader went away (| head): a normal end, exit 0.
var errStdoutClosed = errors.New("stdout closed")

type tp struct {
	topic     string
	partition int32
}

// pstate is one partition's progress toward its -e snapshot end.
type pstate struct {
	end      int64
	done     bool
	assigned bool // group mode: assigned to this member now
}

type pendingRec struct {
	end int64
	rec *kgo.Record
}

// run is the state of one consume run.
type run struct {
	opts  *consumeOptions
	cl    *kgo.Client
	w     *bufio.Writer
	count atomic.Int64

	mu        sync.Mutex
	states    map[tp]*pstate
	remaining int // non-group -e: partitions not done yet
	total     int64

	writeErr error
	// Group mode: every record of the current poll with the output position of its last
	// byte, so that after a failed write exactly the records that reached stdout are marked.
	appended int64 // bytes accepted by the buffer so far
	markedAt int64 // output position up to which records are marked
	pending  []pendingRec
	commitMu sync.Mutex
	commitEr error
}

func consumeRun(ctx context.Context, opts *consumeOptions) (rerr error) {
	settings, err := opts.Settings()
	if err != nil {
		return err
	}
	group := opts.Group != ""

	// Setup (topics, partitions, offsets) is bounded by --timeout.
	sctx, scancel, err := opts.Context(ctx)
	if err != nil {
		return err
	}
	adm, err := opts.Admin()
	if err != nil {
		scancel()
		return err
	}
	parts, err := lookupPartitions(sctx, adm.Client, opts.Topics, opts.Regex, opts.Partitions, opts.Offset, opts.ReadCommitted, !group)
	if err != nil {
		scancel()
		return err
	}
	var committed map[tp]int64
	if group && opts.UntilEnd {
		committed, err = fetchCommitted(sctx, adm.Client, opts.Group, parts)
		if err != nil {
			scancel()
			return err
		}
	}
	scancel()

	r := &run{opts: opts, states: map[tp]*pstate{}}
	topics := make([]string, 0, len(parts))
	seen := map[string]bool{}
	offsets := map[string]map[int32]kgo.Offset{}
	for _, p := range parts {
		if !seen[p.Topic] {
			seen[p.Topic] = true
			topics = append(topics, p.Topic)
		}
		k := tp{p.Topic, p.Partition}
		st := &pstate{end: p.End}
		start := p.Start
		if c, ok := committed[k]; ok && c >= 0 {
			start = c
		}
		if opts.UntilEnd && start >= p.End {
			st.done = true // nothing to read before the snapshot end
		} else if opts.UntilEnd {
			r.total += p.End - start
		}
		r.states[k] = st
		if !st.done {
			r.remaining++
		}
		if !group && !st.done {
			if offsets[p.Topic] == nil {
				offsets[p.Topic] = map[int32]kgo.Offset{}
			}
			offsets[p.Topic][p.Partition] = kgo.NewOffset().At(start)
		}
	}

	// A write to a closed pipe must come back as EPIPE instead of killing the process with
	// SIGPIPE (Go kills on SIGPIPE for stdout unless the signal is handled): a closed pipe
	// (| head -n 5) is a normal end for consume. Ignoring SIGPIPE is process-wide, which is
	// right for a process that only consumes; it is done here, not in main, because only
	// commands that stream to stdout want it.
	signal.Ignore(syscall.SIGPIPE)

	r.w = bufio.NewWriterSize(opts.IO.Out, outBufferSize)
	defer func() {
		if r.writeErr == nil {
			if err := r.w.Flush(); err != nil && !isEPIPE(err) && rerr == nil {
				rerr = fmt.Errorf("writing output: %v", err)
			}
		}
		r.summary(settings.Verbose)
	}()

	if opts.UntilEnd && r.remaining == 0 {
		return nil // every partition was empty (or at its end) at start
	}

	rctx, rcancel, err := opts.StreamContext(ctx)
	if err != nil {
		return err
	}
	defer rcancel()
	rctx, cancelCause := context.WithCancelCause(rctx)
	defer cancelCause(nil)
	if gone := stdoutGone(opts.IO.Out); gone != nil {
		go watchStdout(rctx, gone, cancelCause)
	}

	kopts := []kgo.Opt{
		kgo.FetchMaxBytes(fetchMaxBytes),
		kgo.FetchMaxPartitionBytes(fetchMaxPartitionBytes),
		kgo.MaxConcurrentFetches(maxConcurrentFetches),
		// Control records (transaction markers) are not printed, but their offsets tell when
		// a partition reaches its -e end when the last offset before it is a marker.
		kgo.KeepControlRecords(),
	}
	if opts.ReadCommitted {
		kopts = append(kopts, kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	}
	if group {
		kopts = append(kopts,
			kgo.ConsumerGroup(opts.Group),
			kgo.ConsumeTopics(topics...),
			kgo.ConsumeResetOffset(resetOffset(opts.Offset)),
			kgo.Balancers(kgo.CooperativeStickyBalancer()),
			// A killed kafkit holds its partitions until its session times out; 10s instead
			// of 45s lets a restart take over sooner (heartbeats do not wait for stdout).
			kgo.SessionTimeout(10*time.Second),
			// Commit only what was written: records are marked after they are flushed to
			// stdout, and only marks are committed (every second, on revoke, on exit).
			kgo.AutoCommitMarks(),
			kgo.AutoCommitInterval(time.Second),
			kgo.AutoCommitCallback(r.onAutoCommit),
			// Rebalances wait until the records of a poll are written and marked, so the
			// revoke commit covers everything written.
			kgo.BlockRebalanceOnPoll(),
			kgo.OnPartitionsAssigned(r.onAssigned),
			kgo.OnPartitionsRevoked(r.onRevoked),
			kgo.OnPartitionsLost(r.onLost),
		)
		if opts.GroupProtocol == "consumer" {
			kopts = append(kopts, kgo.ServerSideBalancer())
		}
	} else {
		kopts = append(kopts, kgo.ConsumePartitions(offsets))
	}
	cl, err := opts.NewClient(kopts...)
	if err != nil {
		return err
	}
	r.cl = cl

	if opts.UntilEnd && opts.IO.ErrTTY && !opts.IO.OutTTY {
		stop := r.progress()
		defer stop()
	}

	loopErr := r.loop(rctx)

	if r.writeErr == nil {
		if err := r.w.Flush(); err != nil {
			r.writeErr = err
		}
	}
	if group {
		r.mark()
		cl.AllowRebalance()
		if err := r.commitFinal(ctx, settings.Timeout); err != nil && loopErr == nil {
			loopErr = err
		}
	}
	// Leave the group (and stop fetching) now rather than when the process ends, so that
	// another member takes over at once.
	cl.Close()
	switch {
	case loopErr != nil:
		return loopErr
	case r.writeErr != nil && !isEPIPE(r.writeErr):
		return fmt.Errorf("writing output: %v", r.writeErr)
	}
	if cause := context.Cause(rctx); rctx.Err() != nil && ctx.Err() == nil && !errors.Is(cause, errStdoutClosed) && !errors.Is(cause, context.Canceled) {
		return cause // a fatal connection failure seen by the factory's watcher
	}
	return nil
}

// loop polls and writes until a stop condition; it returns only real failures.
func (r *run) loop(ctx context.Context) error {
	opts := r.opts
	group := opts.Group != ""
	for {
		if r.finished() {
			return nil
		}
		pctx, cancel := ctx, context.CancelFunc(func() {})
		if opts.IdleTimeout > 0 {
			pctx, cancel = context.WithTimeout(ctx, opts.IdleTimeout)
		}
		fetches := r.cl.PollFetches(pctx)
		idle := pctx.Err() != nil && ctx.Err() == nil
		cancel()
		if ctx.Err() != nil {
			if group {
				r.cl.AllowRebalance()
			}
			return nil
		}
		if err := r.fetchErrors(fetches); err != nil {
			if group {
				r.cl.AllowRebalance()
			}
			return err
		}
		stop := r.write(fetches)
		if r.writeErr == nil {
			if err := r.w.Flush(); err != nil {
				r.writeErr = err
			}
		}
		if group {
			r.mark()
			r.cl.AllowRebalance()
		}
		if stop || r.writeErr != nil {
			return nil
		}
		if idle && fetches.NumRecords() == 0 {
			return nil
		}
	}
}

// write formats every record of a poll into the buffer; it reports whether consuming should
// stop (-n reached, a write failed).
func (r *run) write(fetches kgo.Fetches) bool {
	opts := r.opts
	format := opts.Format
	w := r.w
	group := opts.Group != ""
	count := r.count.Load()
	defer func() { r.count.Store(count) }()
	for fi := range fetches {
		f := &fetches[fi]
		for ti := range f.Topics {
			t := &f.Topics[ti]
			for pi := range t.Partitions {
				p := &t.Partitions[pi]
				if len(p.Records) == 0 {
					continue
				}
				k := tp{t.Topic, p.Partition}
				r.mu.Lock()
				st := r.states[k]
				r.mu.Unlock()
				if st == nil {
					st = &pstate{end: -1}
				}
				if st.done && opts.UntilEnd {
					continue // fetched before the pause took effect
				}
				for _, rec := range p.Records {
					if opts.UntilEnd && st.end >= 0 && rec.Offset >= st.end {
						r.partitionDone(k, st)
						break
					}
					if !rec.Attrs.IsControl() {
						buf := format.appendRecord(w.AvailableBuffer(), rec)
						n, err := w.Write(buf)
						r.appended += int64(n)
						if err != nil {
							r.writeErr = err
							return true
						}
						count++
					}
					if group {
						r.pending = append(r.pending, pendingRec{end: r.appended, rec: rec})
						// The buffer wrote itself out: mark what reached stdout now, so that
						// a slow reader does not hold back commits until the whole poll is out.
						if r.appended-int64(w.Buffered()) > r.markedAt {
							r.mark()
						}
					}
					if opts.UntilEnd && st.end >= 0 && rec.Offset+1 >= st.end {
						r.partitionDone(k, st)
					}
					if opts.Num > 0 && count >= opts.Num {
						return true
					}
				}
			}
		}
	}
	return false
}

// partitionDone records that a partition reached its -e end and stops fetching it.
func (r *run) partitionDone(k tp, st *pstate) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if st.done {
		return
	}
	st.done = true
	r.remaining--
	r.cl.PauseFetchPartitions(map[string][]int32{k.topic: {k.partition}})
}

// finished reports whether -e is satisfied: every partition (in a group: every partition
// assigned to this member) is at its snapshot end.
func (r *run) finished() bool {
	if !r.opts.UntilEnd {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.opts.Group == "" {
		return r.remaining <= 0
	}
	assigned := 0
	for _, st := range r.states {
		if st.assigned {
			assigned++
			if !st.done {
				return false
			}
		}
	}
	return assigned > 0
}

// fetchErrors turns fetch errors into a failure, ignoring our own cancellations and warning
// about data loss (the client recovers from it).
func (r *run) fetchErrors(fetches kgo.Fetches) error {
	for _, fe := range fetches.Errors() {
		var dl *kgo.ErrDataLoss
		switch {
		case errors.Is(fe.Err, context.Canceled), errors.Is(fe.Err, context.DeadlineExceeded), errors.Is(fe.Err, kgo.ErrClientClosed):
		case errors.As(fe.Err, &dl):
			fmt.Fprintf(r.opts.IO.ErrOut, "warning: %v\n", fe.Err)
		case errors.Is(fe.Err, kerr.GroupAuthorizationFailed):
			return fmt.Errorf("not authorized to use group %q (%v): ask for READ on the group", r.opts.Group, fe.Err)
		case errors.Is(fe.Err, kerr.TopicAuthorizationFailed), errors.Is(fe.Err, kerr.UnknownTopicOrPartition):
			return topicError(fe.Topic, fe.Err)
		case errors.Is(fe.Err, kerr.OffsetOutOfRange):
			return fmt.Errorf("reading %s/%d: offset out of range (records were deleted while reading): %v", fe.Topic, fe.Partition, fe.Err)
		default:
			if fe.Topic == "" {
				return fmt.Errorf("consuming: %v", fe.Err)
			}
			return fmt.Errorf("reading %s/%d: %v", fe.Topic, fe.Partition, fe.Err)
		}
	}
	return nil
}

// summary prints "Consumed N records" on a terminal or with -v.
func (r *run) summary(verbose bool) {
	if r.opts.IO.ErrTTY || verbose {
		n := r.count.Load()
		noun := "records"
		if n == 1 {
			noun = "record"
		}
		fmt.Fprintf(r.opts.IO.ErrOut, "Consumed %d %s\n", n, noun)
	}
}

// progress shows "consumed X / Y records" on stderr (a terminal) until stopped.
func (r *run) progress() func() {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				fmt.Fprint(r.opts.IO.ErrOut, "\r\033[K")
				return
			case <-t.C:
				n := r.count.Load()
				pct := 100.0
				if r.total > 0 {
					pct = float64(n) * 100 / float64(r.total)
				}
				fmt.Fprintf(r.opts.IO.ErrOut, "\r\033[Kconsumed %d / %d records (%.0f%%)", n, r.total, pct)
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// ---------------------------------------------------------------------------------------------
// group mode

// mark marks for commit the records that reached the output: after a successful flush all
// of them, else those whose last byte the buffer has written out (a broken pipe in the middle
// of a poll, or a buffer that filled up). Marked offsets are committed.
func (r *run) mark() {
	delivered := r.appended - int64(r.w.Buffered())
	r.markedAt = delivered
	i := 0
	last := map[tp]*kgo.Record{}
	for ; i < len(r.pending) && r.pending[i].end <= delivered; i++ {
		p := r.pending[i]
		last[tp{p.rec.Topic, p.rec.Partition}] = p.rec
	}
	n := copy(r.pending, r.pending[i:])
	clear(r.pending[n:])
	r.pending = r.pending[:n]
	if len(last) == 0 {
		return
	}
	recs := make([]*kgo.Record, 0, len(last))
	for _, rec := range last {
		recs = append(recs, rec)
	}
	r.cl.MarkCommitRecords(recs...)
}

// commitFinal commits the marked offsets on exit, retrying the errors a rebalance can cause
// (KIP-848 groups on Kafka before 4.3 can answer STALE_MEMBER_EPOCH).
func (r *run) commitFinal(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		r.commitMu.Lock()
		err = r.cl.CommitMarkedOffsets(ctx)
		r.commitMu.Unlock()
		if err == nil || !retriableCommit(err) || ctx.Err() != nil {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err != nil {
		return fmt.Errorf("committing the final offsets of group %q: %v (records written since the last commit will be read again)", r.opts.Group, err)
	}
	return nil
}

func retriableCommit(err error) bool {
	return errors.Is(err, kerr.StaleMemberEpoch) || errors.Is(err, kerr.RebalanceInProgress) ||
		errors.Is(err, kerr.CoordinatorLoadInProgress) || errors.Is(err, kerr.CoordinatorNotAvailable) ||
		errors.Is(err, kerr.NotCoordinator) || errors.Is(err, kerr.RequestTimedOut)
}

func (r *run) onAutoCommit(_ *kgo.Client, _ *kmsg.OffsetCommitRequest, resp *kmsg.OffsetCommitResponse, err error) {
	if err == nil && resp != nil {
		for _, t := range resp.Topics {
			for _, p := range t.Partitions {
				if e := kerr.ErrorForCode(p.ErrorCode); e != nil {
					err = e
				}
			}
		}
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		r.commitMu.Lock()
		r.commitEr = err
		r.commitMu.Unlock()
		if s, _ := r.opts.Settings(); s.Verbose {
			fmt.Fprintf(r.opts.IO.ErrOut, "kafkit: periodic commit failed (will retry): %v\n", err)
		}
	}
}

func (r *run) onAssigned(_ context.Context, _ *kgo.Client, m map[string][]int32) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for t, ps := range m {
		for _, p := range ps {
			st := r.states[tp{t, p}]
			if st == nil {
				st = &pstate{end: -1}
				r.states[tp{t, p}] = st
			}
			st.assigned = true
			if st.done && r.cl != nil {
				r.cl.PauseFetchPartitions(map[string][]int32{t: {p}})
			}
		}
	}
}

// onRevoked commits what was written before the partitions go to another member.
func (r *run) onRevoked(ctx context.Context, cl *kgo.Client, m map[string][]int32) {
	r.commitMu.Lock()
	if err := cl.CommitMarkedOffsets(ctx); err != nil {
		if s, _ := r.opts.Settings(); s.Verbose {
			fmt.Fprintf(r.opts.IO.ErrOut, "kafkit: commit on revoke failed: %v\n", err)
		}
	}
	r.commitMu.Unlock()
	r.onLost(ctx, cl, m)
}

func (r *run) onLost(_ context.Context, _ *kgo.Client, m map[string][]int32) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for t, ps := range m {
		for _, p := range ps {
			if st := r.states[tp{t, p}]; st != nil {
				st.assigned = false
			}
		}
	}
}

// resetOffset is the -o spec as the group's start for partitions without a commit.
func resetOffset(s offsetspec.Spec) kgo.Offset {
	switch s.Kind {
	case offsetspec.Start:
		return kgo.NewOffset().AtStart()
	case offsetspec.Exact:
		return kgo.NewOffset().At(s.Offset)
	case offsetspec.FromStart:
		return kgo.NewOffset().AtStart().Relative(s.Offset)
	case offsetspec.FromEnd:
		return kgo.NewOffset().AtEnd().Relative(-s.Offset)
	case offsetspec.Time:
		return kgo.NewOffset().AfterMilli(s.Millis)
	}
	return kgo.NewOffset().AtEnd()
}

// ---------------------------------------------------------------------------------------------
// stdout

func isEPIPE(err error) bool {
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, errStdoutClosed)
}

// watchStdout ends the run when the reader of stdout goes away, even while no record arrives
// (kafkit t | head -n 5 with nothing more to read would otherwise wait for the next record).
func watchStdout(ctx context.Context, gone func() bool, cancel context.CancelCauseFunc) {
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if gone() {
				cancel(errStdoutClosed)
				return
			}
		}
	}
}

// stdoutGone returns a check for "the pipe on w has no reader", or nil when w is not a pipe.
func stdoutGone(w io.Writer) func() bool {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		return nil
	}
	return pipeReaderGone(f)
}
