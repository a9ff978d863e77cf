package produce

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkit/kafkit/internal/client"
	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/text"
)

// Buffering bounds: the producer holds at most this much not yet acknowledged, so memory stays
// flat whatever the input size (Produce blocks the reader when the buffer is full).
const (
	maxBufferedBytes   = 24 << 20
	maxBufferedRecords = 50_000
	// maxErrorsShown is how many failed records are named with their line.
	maxErrorsShown = 5
	// kafkaMaxMessageBytes is Kafka's default max.message.bytes, used when the topic's is unknown.
	kafkaMaxMessageBytes = 1048588
)

// produceRun sends the input and reports what the cluster acknowledged: check the files, learn
// the topic, build the client, produce everything, wait for the outcome, report.
func produceRun(ctx context.Context, o *produceOptions) error {
	if err := checkFiles(o.Files); err != nil {
		return err
	}
	info, err := prepareTopic(ctx, o)
	if err != nil {
		return err
	}
	lim := sizeLimits(o, info)
	limitMemory(lim.buffered)
	r, err := newRunner(o, info, lim)
	if err != nil {
		return err
	}
	defer r.close()
	sctx, cancel, err := o.StreamContext(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	return r.report(r.produceAll(sctx))
}

// checkFiles fails up front on an input file that cannot be read.
func checkFiles(files []string) error {
	for _, f := range files {
		if f == "-" {
			continue
		}
		if _, err := os.Stat(f); err != nil {
			return fmt.Errorf("cannot read %s: %v", f, unwrapPathErr(err))
		}
	}
	return nil
}

// limits are the size bounds of one run.
type limits struct {
	record   int   // largest record, as the broker measures a batch of one
	batch    int32 // largest batch the client builds
	buffered int   // bytes the client may hold unacknowledged
}

// sizeLimits derives the record, batch and buffer bounds from the flags and the topic.
func sizeLimits(o *produceOptions, info topicInfo) limits {
	record := o.MaxRecordBytes
	if record == 0 {
		record = info.maxMessageBytes
	}
	if record == 0 {
		record = kafkaMaxMessageBytes
	}
	batch := o.BatchMaxBytes
	if batch == 0 {
		batch = int32(min(max(record, 512), 1<<30))
	}
	record = min(record, int(batch))
	return limits{record: record, batch: batch, buffered: max(maxBufferedBytes, 2*record)}
}

// limitMemory sets a soft memory limit for the Go heap (unless GOMEMLIMIT is set), so that
// the garbage collector works harder before RSS grows past ~100 MB: besides the buffered
// records, the client keeps pooled request buffers, and the default GOGC=100 would let the
// heap reach twice all of that. Producing is the process's only job, so a process-wide
// setting is fine here.
func limitMemory(buffered int) {
	if cmdutil.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(int64(max(64<<20, 3*buffered)))
}

// deliveryTimeout bounds each record: --delivery-timeout when given, else --timeout, so that
// `kafkit --timeout 5s produce` with brokers down ends after about 5 s. The flag that set it
// is named in the failure report.
func (o *produceOptions) deliveryTimeout() (time.Duration, string) {
	if o.DeliveryTimeoutSet {
		return o.DeliveryTimeout, "--delivery-timeout " + o.DeliveryTimeout.String()
	}
	d := o.Timeout()
	return d, "--timeout " + d.String()
}

// runner is one run: the client, the accounting, and the reader's state (input.go,
// records.go). The reader runs in one goroutine; promises update acc.
type runner struct {
	o          *produceOptions
	cl         *kgo.Client
	limit      int
	partitions int
	abortCtx   context.Context
	abort      context.CancelFunc
	acc        *accounting
	start      time.Time
	errs       *retryErrors
	deadlines  *deadlines
	within     string // "--timeout 10s": the delivery bound, for the failure report

	fixed    []kgo.RecordHeader // -H headers, shared read-only by every record
	fixedKey []byte

	stop      atomic.Bool
	bytesRead atomic.Int64

	// Written by the reader, read after it has finished.
	eof      bool  // the whole input was read
	lastFile int32 // the last record handed to the client
	lastLine int64

	flushTimedOut bool // the wait for acknowledgements outlasted the delivery timeout

	slab  []slot
	arena []byte

	skipMu    sync.Mutex
	skipped   int64
	skipFirst []string
}

func newRunner(o *produceOptions, info topicInfo, lim limits) (*runner, error) {
	// The logger keeps the errors behind retries, so a record that times out is reported
	// with the cluster's reason (NOT_ENOUGH_REPLICAS...); with -v it also prints kgo's log.
	errs := &retryErrors{}
	if o.Verbose() {
		errs.inner = client.Logger(o.IO.ErrOut)
	}
	timeout, within := o.deliveryTimeout()
	cl, err := o.NewClient(clientOpts(o, lim, errs, timeout)...)
	if err != nil {
		return nil, err
	}
	abortCtx, abort := context.WithCancel(context.Background())
	r := &runner{
		o: o, cl: cl, limit: lim.record, partitions: info.partitions, abortCtx: abortCtx, abort: abort,
		acc: newAccounting(info.partitions), start: time.Now(), errs: errs,
		deadlines: newDeadlines(timeout), within: within,
		fixed: kgoHeaders(o.Headers),
	}
	if o.KeySet {
		r.fixedKey = []byte(o.Key)
	}
	if !(o.IO.InTTY && stdinOnly(o.Files)) {
		r.acc.halt, r.acc.halted = &r.stop, make(chan struct{}) // a person typing goes on after a timeout
	}
	return r, nil
}

// clientOpts are the producer's kgo options, after the factory's connection defaults.
func clientOpts(o *produceOptions, lim limits, errs *retryErrors, timeout time.Duration) []kgo.Opt {
	copts := []kgo.Opt{
		kgo.DefaultProduceTopic(o.Topic),
		kgo.RequiredAcks(acks(o.Acks)),
		kgo.ProducerBatchCompression(codec(o.Compression)),
		kgo.ProducerLinger(o.Linger),
		kgo.ProducerBatchMaxBytes(lim.batch),
		kgo.RecordPartitioner(newPartitioner(int(lim.batch))),
		kgo.MaxBufferedRecords(maxBufferedRecords),
		kgo.MaxBufferedBytes(lim.buffered),
		kgo.WithLogger(errs),
	}
	if o.Acks != "all" {
		copts = append(copts, kgo.DisableIdempotentWrite())
	}
	// Retries are unlimited, as in the Java producer; the delivery timeout is enforced per
	// record through its context (see deadlines), not kgo.RecordDeliveryTimeout, which
	// measures from the record's timestamp and so would fail at once every record with an
	// explicit --timestamp in the past.
	if timeout > 0 && o.Acks == "all" {
		// Let the delivery timeout fail records already sent whose answer never came (the
		// cluster went away): they are reported as not delivered, as the Java producer does
		// after delivery.timeout.ms, instead of waiting forever.
		copts = append(copts, kgo.AllowIdempotentProduceCancellation())
	}
	return copts
}

func (r *runner) close() {
	r.abort()
	r.deadlines.release()
	r.cl.Close()
}

// outcome is how a run ended.
type outcome struct {
	readErr   error // a bad input record or an error reading the input
	stopCause error // an interrupt, or a connection failure retrying cannot fix
	again     bool  // a second signal cut the wait for records in flight short
	readDone  bool  // the reader returned: its fields (eof, lastLine) may be read
	res       result
}

// produceAll reads the input into the client and waits until every record has an outcome:
// until all are acknowledged or failed, or, after an interrupt, up to --timeout more.
func (r *runner) produceAll(sctx context.Context) outcome {
	interactive := r.o.IO.InTTY && stdinOnly(r.o.Files) && r.o.Input != "raw"
	bar := r.startProgress(interactive)
	readDone := make(chan error, 1)
	go func() {
		if interactive {
			readDone <- r.interactive()
		} else {
			readDone <- r.read()
		}
	}()
	var out outcome
	readFinished := false
	select {
	case out.readErr = <-readDone:
		readFinished = true
	case <-sctx.Done():
		out.stopCause = context.Cause(sctx)
	case <-r.acc.halted: // a record timed out: the reader stops, maybe blocked reading stdin
	}
	if out.stopCause == nil {
		out.stopCause = r.flush(sctx)
	}
	if out.stopCause != nil {
		r.stop.Store(true)
		out.again = r.drain()
	}
	// Fail what is still buffered (and a Produce waiting for buffer space), then wait for
	// every promise so that the counts are final: only promises count records as delivered.
	r.abort()
	if !readFinished {
		select {
		case out.readErr = <-readDone:
			readFinished = true
		case <-time.After(100 * time.Millisecond): // blocked reading stdin: nothing more is sent
		}
	}
	out.readDone = readFinished
	r.stop.Store(true)
	r.cl.Close() // fails every record still in flight: their promises run before it returns
	r.acc.settle(r.acc.sent.Load(), 2*time.Second)
	if bar != nil {
		bar.stop()
	}
	out.res = r.result(time.Since(r.start))
	return out
}

func (r *runner) startProgress(interactive bool) *progress {
	o := r.o
	if interactive || !o.IO.ErrTTY || o.Quiet || stdinOnly(o.Files) {
		return nil
	}
	bar := newProgress(o.IO.ErrOut, totalSize(o.Files), &r.bytesRead, &r.acc.delivered)
	bar.start()
	return bar
}

// flush waits for every acknowledgement, for at most the delivery timeout (and a moment for
// the client to fail what timed out): the last record was read just before, so none is cut
// short, and a client stuck before sending (no producer ID with the quorum gone, say) cannot
// hold the run past the bound. It returns the cause when sctx ended (an interrupt during the
// wait turns into the bounded wait of drain).
func (r *runner) flush(sctx context.Context) error {
	ctx := sctx
	if timeout := r.deadlines.timeout; timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(sctx, timeout+flushGrace)
		defer cancel()
	}
	if err := r.cl.Flush(ctx); err != nil {
		if cause := context.Cause(sctx); cause != nil {
			return cause
		}
		r.flushTimedOut = true
	}
	return nil
}

// flushGrace is how long past the delivery timeout kafkit waits for the client to fail
// records that timed out before it stops them itself.
const flushGrace = 500 * time.Millisecond

// drain waits up to --timeout for the records in flight once the run was stopped early. A
// second SIGINT or SIGTERM ends the wait at once: it reports true.
func (r *runner) drain() bool {
	ctx, cancel := context.WithTimeout(context.Background(), r.o.Timeout())
	defer cancel()
	sigs, stop := r.o.Signals()
	defer stop()
	flushed := make(chan struct{})
	go func() {
		_ = r.cl.Flush(ctx)
		close(flushed)
	}()
	select {
	case <-flushed:
		return false
	case <-sigs:
		return true
	}
}

// report prints the outcome on stderr and returns the error that sets the exit code.
func (r *runner) report(out outcome) error {
	o, res, w := r.o, out.res, r.o.IO.ErrOut
	var intr cmdutil.Interrupted
	switch {
	case out.stopCause != nil && errors.As(out.stopCause, &intr):
		writeSummary(w, o.Topic, res, true)
		writeFailures(w, o.Topic, res)
		if out.again {
			fmt.Fprintln(w, "interrupted again: stopped without waiting for the records in flight (a record not acknowledged may still have been written)")
		}
		fmt.Fprintf(w, "interrupted: %d records delivered, %d not delivered\n", res.Delivered, res.Sent-res.Delivered)
		return &cmdutil.ExitError{Code: intr.ExitCode()}
	case out.stopCause != nil:
		writeFailures(w, o.Topic, res)
		if res.Sent > 0 {
			fmt.Fprintf(w, "stopped: %d records delivered, %d not delivered\n", res.Delivered, res.Sent-res.Delivered)
		}
		return out.stopCause
	}
	if o.Summary || (!o.Quiet && (o.IO.ErrTTY || o.Verbose())) {
		writeSummary(w, o.Topic, res, false)
	}
	writeSkipped(w, r)
	failed := writeFailures(w, o.Topic, res)
	if r.acc.halt != nil && r.acc.timedOut.Load() && out.readErr == nil && !(out.readDone && r.eof) {
		at := "" // the reader may still be blocked reading stdin: then only the count is known
		if out.readDone && res.Sent > 0 {
			at = " (" + r.pos(r.lastFile, r.lastLine) + ")"
		}
		fmt.Fprintf(w, "stopped reading after %s%s: records were not acknowledged within %s, so nothing after that was sent\n",
			text.Count(int(res.Sent), "record"), at, r.within)
	}
	if out.readErr != nil {
		var ie *inputError
		if errors.As(out.readErr, &ie) && res.Sent > 0 {
			// Say what became of the records before the bad one (main prints "error: ").
			return fmt.Errorf("%w\n%d of the %s before it delivered; nothing after it was sent", out.readErr,
				res.Delivered, text.Count(int(res.Sent), "record"))
		}
		return out.readErr
	}
	if failed {
		return cmdutil.SilentError
	}
	return nil
}
