package consume

import (
	"context"
	"errors"
	"fmt"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/offsetspec"
	"github.com/kafkit/kafkit/internal/text"
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

type tp struct {
	topic     string
	partition int32
}

func (k tp) String() string { return fmt.Sprintf("%s/%d", k.topic, k.partition) }

// pstate is one partition's progress toward its -e snapshot end.
type pstate struct {
	end      int64
	done     bool
	assigned bool // group mode: assigned to this member now

	// Group mode, for partitions the group had never committed: where this run started
	// (the first record fetched, else the -o start looked up), and whether any delivered
	// record was marked. On exit such a partition gets its start committed, so that the
	// next run without -o resumes there instead of at the end.
	start    int64
	first    int64 // -1 until a record is fetched
	marked   bool
	uncommit bool // the group had no commit at start
}

type pendingRec struct {
	end int64 // output position after the record's last byte
	rec *kgo.Record
}

// run is the state of one consume run.
type run struct {
	opts  *consumeOptions
	cl    *kgo.Client
	out   *output
	count atomic.Int64
	// lastActivity (unix nanoseconds) is when the last record arrived or, in a group, the
	// assignment last changed: --idle-timeout counts from it, so that a member waiting for a
	// KIP-848 rebalance to hand it partitions does not stop before it gets them.
	lastActivity atomic.Int64
	begun        time.Time

	mu         sync.Mutex
	states     map[tp]*pstate
	remaining  int // non-group -e: partitions not done yet
	total      int64
	unreadable []partitionErr

	// Group mode: every record not yet delivered, with the output position of its last byte;
	// mark moves the delivered ones to kgo's marks, and only marks are committed.
	pmu      sync.Mutex
	pending  []pendingRec
	commitMu sync.Mutex
}

// setup is what consume learns before it reads: partitions with their bounds, the ones it
// could not list, and (group with -e) the group's commits.
type setup struct {
	parts      []partition
	unreadable []partitionErr
	committed  map[tp]int64
}

func consumeRun(ctx context.Context, opts *consumeOptions) error {
	if opts.ShareGroup != "" {
		return shareRun(ctx, opts)
	}
	if err := stdoutUsable(opts.IO.Out); err != nil {
		return err
	}
	su, err := prepare(ctx, opts)
	if err != nil {
		return err
	}
	noteHeld(ctx, opts, su.parts)
	r, topics, offsets := newRun(opts, su)
	// A write to a closed pipe must come back as EPIPE instead of killing the process with
	// SIGPIPE (Go kills on SIGPIPE for stdout unless the signal is handled): a closed pipe
	// (| head -n 5) is a normal end for consume. Ignoring SIGPIPE is process-wide, which is
	// right for a process that only consumes; it is done here, not in main, because only
	// commands that stream to stdout want it.
	signal.Ignore(syscall.SIGPIPE)
	r.out = newOutput(ctx, opts.IO.Out)
	defer r.out.close()
	defer r.summary()
	if r.remaining == 0 && (opts.UntilEnd || opts.Group == "") {
		return r.unreadableErr() // every partition was empty (or at its end) at start
	}
	return r.stream(ctx, topics, offsets)
}

// prepare looks up the partitions, their bounds and (group with -e) the group's commits, all
// bounded by --timeout.
func prepare(ctx context.Context, opts *consumeOptions) (*setup, error) {
	group := opts.Group != ""
	sctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return nil, err
	}
	defer cancel()
	adm, err := opts.Admin()
	if err != nil {
		return nil, err
	}
	su := &setup{}
	su.parts, su.unreadable, err = lookupPartitions(sctx, adm, lookup{
		names: opts.Topics, regex: opts.Regex, only: opts.Partitions, spec: opts.Offset,
		readCommitted: opts.ReadCommitted, strict: !group, retryFor: opts.Timeout(),
	})
	if err != nil {
		return nil, err
	}
	if group {
		su.committed, err = fetchCommitted(sctx, adm, opts.Group, su.parts, opts.Timeout())
		if err != nil {
			return nil, err
		}
	}
	return su, nil
}

// newRun turns the setup into per-partition states: where each starts, its -e end, and (not
// in a group) the offsets to consume from. Partitions that could not be listed are not read
// (a group with -e counts them as done; without -e the group reads them once they have a
// leader again).
func newRun(opts *consumeOptions, su *setup) (*run, []string, map[string]map[int32]kgo.Offset) {
	group := opts.Group != ""
	r := &run{opts: opts, states: map[tp]*pstate{}, begun: time.Now()}
	bad := map[tp]bool{}
	for _, u := range su.unreadable {
		bad[u.tp] = true
		if group && !opts.UntilEnd {
			fmt.Fprintf(opts.IO.ErrOut, "warning: cannot read %s yet (%v): the group reads it once it has a leader again\n", u.tp, u.err)
			continue
		}
		r.unreadable = append(r.unreadable, u)
		if group {
			r.states[u.tp] = &pstate{end: -1, done: true}
		}
	}
	var topics []string
	seen := map[string]bool{}
	offsets := map[string]map[int32]kgo.Offset{}
	for _, p := range su.parts {
		if !seen[p.Topic] {
			seen[p.Topic] = true
			topics = append(topics, p.Topic)
		}
		k := tp{p.Topic, p.Partition}
		if bad[k] {
			continue
		}
		st := &pstate{end: p.End, start: p.Start, first: -1}
		start := p.Start
		if c, ok := su.committed[k]; ok && c >= 0 {
			start = c
		} else if group {
			st.uncommit = true
		}
		if opts.UntilEnd && start >= p.End {
			st.done = true // nothing to read before the snapshot end
		} else if opts.UntilEnd {
			r.total += p.End - start
		}
		r.states[k] = st
		if st.done {
			continue
		}
		r.remaining++
		if !group {
			if offsets[p.Topic] == nil {
				offsets[p.Topic] = map[int32]kgo.Offset{}
			}
			offsets[p.Topic][p.Partition] = kgo.NewOffset().At(start)
		}
	}
	return r, topics, offsets
}

// stream reads until a stop condition, then writes out what is buffered, commits what the
// reader took (group) and leaves the group.
func (r *run) stream(ctx context.Context, topics []string, offsets map[string]map[int32]kgo.Offset) error {
	opts := r.opts
	group := opts.Group != ""
	rctx, rcancel, err := opts.StreamContext(ctx)
	if err != nil {
		return err
	}
	defer rcancel()
	rctx, cancelCause := context.WithCancelCause(rctx)
	defer cancelCause(nil)
	if r.out.gone != nil {
		go watchStdout(rctx, r.out.gone, cancelCause)
	}
	cl, err := opts.NewClient(r.clientOpts(topics, offsets)...)
	if err != nil {
		return err
	}
	r.cl = cl
	if group {
		r.out.onWait = r.mark
	}
	if opts.UntilEnd && opts.IO.ErrTTY && !opts.IO.OutTTY {
		stop := r.progress()
		defer stop()
	}

	loopErr := r.loop(rctx)
	_ = r.out.flush()
	if group {
		r.out.waitDrained()
		r.mark()
		r.commitStarts(ctx, opts.Timeout())
		cl.AllowRebalance()
		if err := r.commitFinal(ctx, opts.Timeout()); err != nil && loopErr == nil {
			loopErr = err
		}
	}
	// Leave the group (and stop fetching) now rather than when the process ends, so that
	// another member takes over at once.
	cl.Close()
	return r.result(ctx, rctx, loopErr)
}

// result picks the run's error: a failure, a write error other than a closed pipe, an
// interrupt (exit 130/143, after the commit), a fatal connection failure, or the partitions
// that could not be read.
func (r *run) result(ctx, rctx context.Context, loopErr error) error {
	if loopErr != nil {
		return loopErr
	}
	if err := r.out.err; !quiet(err) {
		return fmt.Errorf("writing output: %v (records not written were not committed)", err)
	}
	var intr cmdutil.Interrupted
	if cause := context.Cause(ctx); errors.As(cause, &intr) {
		return cause
	}
	if cause := context.Cause(rctx); rctx.Err() != nil && ctx.Err() == nil && !errors.Is(cause, errStdoutClosed) && !errors.Is(cause, context.Canceled) {
		return cause // a fatal connection failure seen by the factory's watcher
	}
	return r.unreadableErr()
}

// unreadableErr names the partitions that could not be read (exit 1), or is nil.
func (r *run) unreadableErr() error {
	if len(r.unreadable) == 0 {
		return nil
	}
	names := make([]string, len(r.unreadable))
	for i, u := range r.unreadable {
		names[i] = fmt.Sprintf("%s (%v)", u.tp, u.err)
	}
	has := "it has"
	if len(names) > 1 {
		has = "they have"
	}
	return fmt.Errorf("could not read %s %s within --timeout %s: the other partitions were read; retry when %s a leader again",
		text.Plural(len(names), "partition"), strings.Join(names, ", "), r.opts.Timeout(), has)
}

// clientOpts are the consuming client's options: bounded fetch buffers, isolation, and either
// the group (commits of delivered records only) or the partitions with their start offsets.
func (r *run) clientOpts(topics []string, offsets map[string]map[int32]kgo.Offset) []kgo.Opt {
	opts := r.opts
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
	if opts.Group == "" {
		return append(kopts, kgo.ConsumePartitions(offsets))
	}
	kopts = append(kopts,
		kgo.ConsumerGroup(opts.Group),
		kgo.ConsumeTopics(topics...),
		kgo.ConsumeResetOffset(resetOffset(opts.Offset)),
		kgo.Balancers(kgo.CooperativeStickyBalancer()),
		// A killed kafkit holds its partitions until its session times out; 10s instead
		// of 45s lets a restart take over sooner (heartbeats do not wait for stdout).
		kgo.SessionTimeout(10*time.Second),
		// Commit only what was delivered: records are marked once the reader has taken
		// them from stdout, and only marks are committed (every second, on revoke, on exit).
		kgo.AutoCommitMarks(),
		kgo.AutoCommitInterval(time.Second),
		kgo.AutoCommitCallback(r.onAutoCommit),
		// Rebalances wait until the records of a poll are written and marked, so the
		// revoke commit covers everything delivered.
		kgo.BlockRebalanceOnPoll(),
		kgo.OnPartitionsAssigned(r.onAssigned),
		kgo.OnPartitionsRevoked(r.onRevoked),
		kgo.OnPartitionsLost(r.onLost),
	)
	if opts.GroupProtocol == "consumer" {
		kopts = append(kopts, kgo.ServerSideBalancer())
	}
	return kopts
}

// loop polls and writes until a stop condition; it returns only real failures. In a group,
// rebalances wait while a poll's records are written and marked; loop leaves the last poll's
// rebalance blocked for stream's final mark.
func (r *run) loop(ctx context.Context) error {
	opts := r.opts
	group := opts.Group != ""
	r.touch()
	for {
		if r.finished() {
			return nil
		}
		pctx, cancel := ctx, context.CancelFunc(func() {})
		if opts.IdleTimeout > 0 {
			pctx, cancel = context.WithDeadline(ctx, r.idleDeadline())
		}
		fetches := r.cl.PollFetches(pctx)
		idle := pctx.Err() != nil && ctx.Err() == nil && !time.Now().Before(r.idleDeadline())
		cancel()
		if fetches.NumRecords() > 0 {
			r.touch()
		}
		if ctx.Err() != nil {
			return nil
		}
		if err := r.fetchErrors(fetches); err != nil {
			return err
		}
		stop := r.write(fetches)
		if err := r.out.flush(); err != nil {
			stop = true
		}
		if stop || (idle && fetches.NumRecords() == 0) {
			return nil
		}
		if group {
			r.mark()
			r.cl.AllowRebalance()
		}
	}
}

// touch restarts the --idle-timeout clock.
func (r *run) touch() { r.lastActivity.Store(time.Now().UnixNano()) }

// idleDeadline is when --idle-timeout ends without new activity.
func (r *run) idleDeadline() time.Time {
	return time.Unix(0, r.lastActivity.Load()).Add(r.opts.IdleTimeout)
}

// write formats every record of a poll into the buffer; it reports whether consuming should
// stop (-n reached, a write failed).
func (r *run) write(fetches kgo.Fetches) bool {
	count := r.count.Load()
	defer func() { r.count.Store(count) }()
	for fi := range fetches {
		f := &fetches[fi]
		for ti := range f.Topics {
			t := &f.Topics[ti]
			for pi := range t.Partitions {
				if p := &t.Partitions[pi]; len(p.Records) > 0 && r.writePartition(t.Topic, p, &count) {
					return true
				}
			}
		}
	}
	return false
}

// writePartition formats one partition's records of a poll. A full buffer is written out at
// once; in a group every record is remembered with its output position until it is delivered.
// Nothing here allocates or makes a syscall per record.
func (r *run) writePartition(topic string, p *kgo.FetchPartition, count *int64) bool {
	opts := r.opts
	format := opts.Format
	o := r.out
	group := opts.Group != ""
	k := tp{topic, p.Partition}
	r.mu.Lock()
	st := r.states[k]
	r.mu.Unlock()
	if st == nil {
		st = &pstate{end: -1}
	}
	if st.done && opts.UntilEnd {
		return false // fetched before the pause took effect
	}
	if group && st.first < 0 {
		r.mu.Lock()
		st.first = p.Records[0].Offset
		r.mu.Unlock()
	}
	for _, rec := range p.Records {
		if opts.UntilEnd && st.end >= 0 && rec.Offset >= st.end {
			r.partitionDone(k, st)
			break
		}
		if !rec.Attrs.IsControl() {
			o.buf = format.appendRecord(o.buf, rec)
			*count++
		}
		if group {
			r.pending = append(r.pending, pendingRec{end: o.end(), rec: rec})
		}
		if len(o.buf) >= outBufferSize {
			if o.flush() != nil {
				return true
			}
			if group {
				r.mark() // a slow reader must not hold back commits until the poll is out
			}
		}
		if opts.UntilEnd && st.end >= 0 && rec.Offset+1 >= st.end {
			r.partitionDone(k, st)
		}
		if opts.Num > 0 && *count >= opts.Num {
			return true
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
		case coordinatorBusy(fe.Err) && time.Since(r.begun) < r.opts.Timeout():
			// A fresh cluster creates __consumer_offsets on the first group request, and a
			// coordinator moves or loads: kgo joins again, within --timeout.
			r.opts.Debugf("group %q: %v, retrying", r.opts.Group, fe.Err)
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
func (r *run) summary() {
	if r.opts.IO.ErrTTY || r.opts.Verbose() {
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

// mark marks for commit the records that were delivered: stdout accepted their last byte
// and, on a pipe, the reader took it (see output.delivered). Marked offsets are committed.
// It runs after each buffer written out, while a write waits on a slow reader, and on exit.
func (r *run) mark() {
	delivered := r.out.delivered()
	r.pmu.Lock()
	defer r.pmu.Unlock()
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
	r.mu.Lock()
	for k, rec := range last {
		recs = append(recs, rec)
		if st := r.states[k]; st != nil {
			st.marked = true
		}
	}
	r.mu.Unlock()
	r.cl.MarkCommitRecords(recs...)
}

// commitStarts commits, for each partition assigned now that the group had never committed
// and that delivered nothing in this run, the offset this run started at: nothing before it
// was to be read, so the next run without -o resumes there (at-least-once, no gap) instead
// of at the end. It runs while rebalances are blocked, so the partitions are this member's.
func (r *run) commitStarts(ctx context.Context, timeout time.Duration) {
	// With KIP-848 the broker moves partitions without waiting for this member, so "assigned
	// now" can be stale and a start commit could land over the new owner's progress (seen in
	// TestConsumeGroupTwoMembers). Only the classic protocol, where rebalances are blocked here,
	// gets start commits.
	if r.opts.GroupProtocol == "consumer" {
		return
	}
	offs := map[string]map[int32]kgo.EpochOffset{}
	r.mu.Lock()
	for k, st := range r.states {
		if !st.assigned || !st.uncommit || st.marked || st.end < 0 {
			continue
		}
		at := st.start
		if st.first >= 0 {
			at = st.first
		}
		if offs[k.topic] == nil {
			offs[k.topic] = map[int32]kgo.EpochOffset{}
		}
		offs[k.topic][k.partition] = kgo.EpochOffset{Epoch: -1, Offset: at}
	}
	r.mu.Unlock()
	if len(offs) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	// A partition can have moved to another member, been committed there and come back with
	// nothing new: the group's commit is then ahead of this run's start, and committing the start
	// would move the group back. Only partitions that still have no commit get one.
	if err := r.dropCommitted(ctx, offs); err != nil {
		r.opts.Debugf("not committing the start offsets: %v", err)
		return
	}
	if len(offs) == 0 {
		return
	}
	r.cl.CommitOffsetsSync(ctx, offs, func(_ *kgo.Client, _ *kmsg.OffsetCommitRequest, _ *kmsg.OffsetCommitResponse, err error) {
		if err != nil {
			r.opts.Debugf("committing the start offsets: %v", err)
		}
	})
}

// dropCommitted removes from offs the partitions the group has a commit for now.
func (r *run) dropCommitted(ctx context.Context, offs map[string]map[int32]kgo.EpochOffset) error {
	adm, err := r.opts.Admin()
	if err != nil {
		return err
	}
	resp, err := adm.FetchOffsets(ctx, r.opts.Group)
	if errors.Is(err, kerr.GroupIDNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	for topic, ps := range offs {
		for p := range ps {
			if o, ok := resp.Lookup(topic, p); ok && o.Err == nil && o.At >= 0 {
				delete(ps, p)
			}
		}
		if len(ps) == 0 {
			delete(offs, topic)
		}
	}
	return nil
}

// commitFinal commits the marked offsets on exit, retrying the errors a rebalance can cause
// (KIP-848 groups on Kafka before 4.3 can answer STALE_MEMBER_EPOCH).
func (r *run) commitFinal(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	var err error
	for {
		r.commitMu.Lock()
		err = r.cl.CommitMarkedOffsets(ctx)
		r.commitMu.Unlock()
		if err == nil || !retriableCommit(err) || ctx.Err() != nil {
			break
		}
		r.opts.Debugf("committing the final offsets: %v, retrying", err)
		select {
		case <-ctx.Done():
		case <-time.After(200 * time.Millisecond):
		}
	}
	if err != nil {
		return fmt.Errorf("committing the final offsets of group %q: %v (records written since the last commit will be read again)", r.opts.Group, err)
	}
	return nil
}

func retriableCommit(err error) bool {
	return errors.Is(err, kerr.StaleMemberEpoch) || errors.Is(err, kerr.RebalanceInProgress) ||
		coordinatorBusy(err) || errors.Is(err, kerr.RequestTimedOut)
}

// coordinatorBusy reports the errors of a group coordinator that is not there yet, moved or
// still loading: retried within --timeout wherever consume talks to the coordinator.
func coordinatorBusy(err error) bool {
	return errors.Is(err, kerr.CoordinatorNotAvailable) || errors.Is(err, kerr.NotCoordinator) ||
		errors.Is(err, kerr.CoordinatorLoadInProgress)
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
		r.opts.Debugf("periodic commit failed (will retry): %v", err)
	}
}

func (r *run) onAssigned(_ context.Context, _ *kgo.Client, m map[string][]int32) {
	r.touch()
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

// onRevoked commits what was delivered before the partitions go to another member, and forgets
// their records not delivered yet: the new owner reads them again, and a later mark must not
// commit a partition this member no longer owns.
func (r *run) onRevoked(ctx context.Context, cl *kgo.Client, m map[string][]int32) {
	r.pmu.Lock()
	kept := r.pending[:0]
	for _, p := range r.pending {
		if !slices.Contains(m[p.rec.Topic], p.rec.Partition) {
			kept = append(kept, p)
		}
	}
	clear(r.pending[len(kept):])
	r.pending = kept
	r.pmu.Unlock()
	r.commitMu.Lock()
	if err := cl.CommitMarkedOffsets(ctx); err != nil {
		r.opts.Debugf("commit on revoke failed: %v", err)
	}
	r.commitMu.Unlock()
	r.onLost(ctx, cl, m)
}

func (r *run) onLost(_ context.Context, _ *kgo.Client, m map[string][]int32) {
	r.touch()
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
