package produce

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
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
		res.Failures = append(res.Failures, r.pos(f.file, f.line)+": "+describeProduceErr(f.err, r.errs.last()).Error())
		if h := hint(f.err, r.errs.last(), r.o.Topic); h != "" && !seen[h] {
			seen[h] = true
			res.Hints = append(res.Hints, h)
		}
	}
	return res
}

// describeProduceErr words the client's errors for a person; last is the last error seen
// while retrying, the reason a record timed out.
func describeProduceErr(err error, last string) error {
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, kgo.ErrRecordTimeout):
		msg := "not acknowledged within --delivery-timeout"
		if _, l, ok := strings.Cut(err.Error(), "last err: "); ok {
			last = l
		}
		if last != "" {
			msg += " (last error: " + last + ")"
		}
		return errors.New(msg)
	case errors.Is(err, kgo.ErrClientClosed), errors.Is(err, context.Canceled):
		return errors.New("not acknowledged before kafkit stopped")
	}
	return err
}

func hint(err error, last, topic string) string {
	timedOut := errors.Is(err, context.DeadlineExceeded) || errors.Is(err, kgo.ErrRecordTimeout)
	switch {
	case errors.Is(err, kerr.NotEnoughReplicas), errors.Is(err, kerr.NotEnoughReplicasAfterAppend),
		timedOut && strings.HasPrefix(last, "NOT_ENOUGH_REPLICAS"):
		return fmt.Sprintf("fewer in-sync replicas than min.insync.replicas of %s are up: check the brokers (kafkit cluster info), or produce with --acks 1 if losing records is acceptable", topic)
	case errors.Is(err, kerr.MessageTooLarge), errors.Is(err, kerr.RecordListTooLarge):
		return fmt.Sprintf("the broker refused a batch as too large: lower --batch-max-bytes or raise max.message.bytes of %s", topic)
	case errors.Is(err, kerr.TopicAuthorizationFailed):
		return fmt.Sprintf("this user may not write to %s: ask for a WRITE ACL on the topic", topic)
	case timedOut:
		return "records time out when brokers are down or overloaded: check the brokers (kafkit cluster info) or raise --delivery-timeout"
	}
	return ""
}

// writeSummary prints the one-line summary: records, bytes, partitions, time, rates.
func writeSummary(w io.Writer, topic string, res result, interrupted bool) {
	secs := res.Elapsed.Seconds()
	if secs <= 0 {
		secs = 1e-9
	}
	verb := "produced"
	if interrupted {
		verb = "delivered before the interrupt:"
	}
	fmt.Fprintf(w, "%s %d %s (%s) to %s: %d %s, %s, %.0f records/s, %.1f MB/s",
		verb, res.Delivered, plural(int(res.Delivered), "record"), humanBytes(res.Bytes), topic, res.Partitions, plural(res.Partitions, "partition"),
		res.Elapsed.Round(time.Millisecond), float64(res.Delivered)/secs, float64(res.Bytes)/1e6/secs)
	if res.Failed > 0 {
		fmt.Fprintf(w, ", %d failed", res.Failed)
	}
	fmt.Fprintln(w)
}

// writeFailures names failed records (the first few, with their lines) and hints; it returns
// whether any record failed.
func writeFailures(w io.Writer, topic string, res result) bool {
	if res.Failed == 0 {
		return false
	}
	fmt.Fprintf(w, "error: %d of %d records were not delivered to %s (%d delivered):\n", res.Failed, res.Sent, topic, res.Delivered)
	for _, f := range res.Failures {
		fmt.Fprintf(w, "  %s\n", f)
	}
	if more := res.Failed - int64(len(res.Failures)); more > 0 {
		fmt.Fprintf(w, "  ... and %d more\n", more)
	}
	for _, h := range res.Hints {
		fmt.Fprintf(w, "hint: %s\n", h)
	}
	return true
}

// writeSkipped reports lines skipped under --skip-invalid.
func writeSkipped(w io.Writer, r *runner) {
	r.skipMu.Lock()
	defer r.skipMu.Unlock()
	if r.skipped == 0 {
		return
	}
	fmt.Fprintf(w, "warning: skipped %d invalid %s (--skip-invalid):\n", r.skipped, plural(int(r.skipped), "line"))
	for _, s := range r.skipFirst {
		fmt.Fprintf(w, "  %s\n", s)
	}
	if more := r.skipped - int64(len(r.skipFirst)); more > 0 {
		fmt.Fprintf(w, "  ... and %d more\n", more)
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

func humanBytes(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}

// progress draws a progress bar on a terminal: bytes of the input read, records/s delivered.
type progress struct {
	w         io.Writer
	total     int64
	read      *atomic.Int64
	delivered *atomic.Int64
	quit      chan struct{}
	done      chan struct{}
	begin     time.Time
}

func newProgress(w io.Writer, total int64, read, delivered *atomic.Int64) *progress {
	return &progress{w: w, total: total, read: read, delivered: delivered, quit: make(chan struct{}), done: make(chan struct{})}
}

func (p *progress) start() {
	p.begin = time.Now()
	draw := func() {
		fmt.Fprint(p.w, "\r"+progressLine(p.read.Load(), p.total, p.delivered.Load(), time.Since(p.begin))+"\033[K")
	}
	draw() // at once, so that even a short run shows where it stands
	go func() {
		defer close(p.done)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.quit:
				fmt.Fprint(p.w, "\r\033[K")
				return
			case <-t.C:
				draw()
			}
		}
	}()
}

func (p *progress) stop() {
	close(p.quit)
	<-p.done
}

// progressLine renders one state of the bar.
func progressLine(read, total, delivered int64, elapsed time.Duration) string {
	const width = 30
	frac := 0.0
	if total > 0 {
		frac = min(float64(read)/float64(total), 1)
	}
	n := int(frac * width)
	bar := strings.Repeat("=", n)
	if n < width {
		bar += ">" + strings.Repeat(" ", width-n-1)
	}
	rate := 0.0
	if s := elapsed.Seconds(); s > 0 {
		rate = float64(delivered) / s
	}
	return fmt.Sprintf("%3.0f%% [%s] %s / %s  %d records  %.0f records/s", frac*100, bar, humanBytes(read), humanBytes(total), delivered, rate)
}

// partitioner sends a record with a partition set (-p, or "partition" in JSON) there, and
// leaves the others to kgo's default partitioner: murmur2 of the key over all partitions for
// keyed records, exactly as the Java client, and batch-sized sticky spreading for the rest.
type partitioner struct{ def kgo.Partitioner }

// newPartitioner sticks unkeyed records to one partition for a full batch (batchBytes), as
// Java does with batch.size (KIP-794): with 64 KiB chunks and 1 MiB batches, requests carried
// ~100 KB and 1M x 100 B took 1.4-1.6 s on the test cluster; with batch-sized chunks 0.8-0.9 s.
func newPartitioner(batchBytes int) kgo.Partitioner {
	return partitioner{def: kgo.UniformBytesPartitioner(max(batchBytes, 16<<10), true, true, nil)}
}

func (p partitioner) ForTopic(t string) kgo.TopicPartitioner {
	return &topicPartitioner{def: p.def.ForTopic(t).(kgo.TopicBackupPartitioner)}
}

type topicPartitioner struct{ def kgo.TopicBackupPartitioner }

func (t *topicPartitioner) RequiresConsistency(r *kgo.Record) bool {
	return r.Partition >= 0 || t.def.RequiresConsistency(r)
}

func (t *topicPartitioner) Partition(r *kgo.Record, n int) int {
	return int(r.Partition) // only reached for explicit partitions: kgo prefers PartitionByBackup
}

func (t *topicPartitioner) PartitionByBackup(r *kgo.Record, n int, it kgo.TopicBackupIter) int {
	if r.Partition >= 0 {
		return int(r.Partition)
	}
	return t.def.PartitionByBackup(r, n, it)
}
