package produce

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// Buffering bounds: the producer holds at most this much not yet acknowledged, so memory stays
// flat whatever the input size (Produce blocks the reader when the buffer is full).
const (
	maxBufferedBytes   = 24 << 20
	maxBufferedRecords = 50_000
	// maxErrorsShown is how many failed records are named with their line.
	maxErrorsShown = 5
)

// topicInfo is what the up-front admin requests learn about the topic.
type topicInfo struct {
	partitions      int
	maxMessageBytes int // 0: unknown
}

func produceRun(ctx context.Context, o *produceOptions) error {
	settings, err := o.Settings()
	if err != nil {
		return err
	}
	for _, f := range o.Files {
		if f == "-" {
			continue
		}
		if _, err := os.Stat(f); err != nil {
			return fmt.Errorf("cannot read %s: %v", f, unwrapPathErr(err))
		}
	}
	info, err := prepareTopic(ctx, o)
	if err != nil {
		return err
	}
	limit := o.MaxRecordBytes
	if limit == 0 {
		limit = info.maxMessageBytes
	}
	if limit == 0 {
		limit = 1048588 // Kafka's default max.message.bytes
	}
	batchMax := o.BatchMaxBytes
	if batchMax == 0 {
		batchMax = int32(min(max(limit, 512), 1<<30))
	}
	limit = min(limit, int(batchMax))

	buffered := max(maxBufferedBytes, 2*limit)
	limitMemory(buffered)
	copts := []kgo.Opt{
		kgo.DefaultProduceTopic(o.Topic),
		kgo.RequiredAcks(acks(o.Acks)),
		kgo.ProducerBatchCompression(codec(o.Compression)),
		kgo.ProducerLinger(o.Linger),
		kgo.ProducerBatchMaxBytes(batchMax),
		kgo.RecordPartitioner(newPartitioner(int(batchMax))),
		kgo.MaxBufferedRecords(maxBufferedRecords),
		kgo.MaxBufferedBytes(buffered),
	}
	if o.Acks != "all" {
		copts = append(copts, kgo.DisableIdempotentWrite())
	}
	// Retries are unlimited, as in the Java producer; the delivery timeout is enforced per
	// record through its context (see deadlines), not kgo.RecordDeliveryTimeout, which
	// measures from the record's timestamp and so would fail at once every record with an
	// explicit --timestamp in the past. The logger keeps the errors behind retries, so a
	// record that times out is reported with the cluster's reason (NOT_ENOUGH_REPLICAS...).
	errs := &retryErrors{}
	if settings.Verbose {
		errs.inner = kgo.BasicLogger(o.IO.ErrOut, kgo.LogLevelDebug, func() string {
			return time.Now().Format("15:04:05.000 ") + "kafkit: "
		})
	}
	copts = append(copts, kgo.WithLogger(errs))
	if o.DeliveryTimeout > 0 && o.Acks == "all" {
		// Let the delivery timeout fail records already sent whose answer never came (the
		// cluster went away): they are reported as not delivered, as the Java producer does
		// after delivery.timeout.ms, instead of waiting forever.
		copts = append(copts, kgo.AllowIdempotentProduceCancellation())
	}
	cl, err := o.NewClient(copts...)
	if err != nil {
		return err
	}
	defer cl.Close()
	sctx, cancel, err := o.StreamContext(ctx)
	if err != nil {
		return err
	}
	defer cancel()

	abortCtx, abort := context.WithCancel(context.Background())
	defer abort()
	r := &runner{
		o: o, cl: cl, limit: limit, partitions: info.partitions, abortCtx: abortCtx,
		acc: newAccounting(info.partitions), start: time.Now(), errs: errs,
		deadlines: &deadlines{timeout: o.DeliveryTimeout},
	}
	defer r.deadlines.release()
	r.fixed = kgoHeaders(o.Headers)
	if o.KeySet {
		r.fixedKey = []byte(o.Key)
	}
	interactive := o.IO.InTTY && stdinOnly(o.Files) && o.Input != "raw"

	var bar *progress
	if !interactive && o.IO.ErrTTY && !o.Quiet && !stdinOnly(o.Files) {
		bar = newProgress(o.IO.ErrOut, totalSize(o.Files), &r.bytesRead, &r.acc.delivered)
		bar.start()
	}

	readDone := make(chan error, 1)
	go func() {
		if interactive {
			readDone <- r.interactive()
		} else {
			readDone <- r.read()
		}
	}()
	var readErr, stopCause error
	readFinished := false
	select {
	case readErr = <-readDone:
		readFinished = true
	case <-sctx.Done():
		stopCause = context.Cause(sctx)
	}
	if stopCause == nil {
		// Wait for every acknowledgement; an interrupt during the wait turns it into the
		// bounded wait below.
		if err := cl.Flush(sctx); err != nil {
			stopCause = context.Cause(sctx)
		}
	}
	if stopCause != nil {
		r.stop.Store(true)
		bctx, bcancel := context.WithTimeout(context.Background(), settings.Timeout)
		_ = cl.Flush(bctx)
		bcancel()
	}
	// Fail what is still buffered (and a Produce waiting for buffer space), then wait for
	// every promise so that the counts are final: only promises count records as delivered.
	abort()
	if !readFinished {
		select {
		case readErr = <-readDone:
		case <-time.After(100 * time.Millisecond): // blocked reading stdin: nothing more is sent
		}
	}
	r.stop.Store(true)
	cl.Close()
	r.acc.settle(r.acc.sent.Load(), 2*time.Second)
	if bar != nil {
		bar.stop()
	}
	res := r.result(time.Since(r.start))

	showSummary := o.Summary || (!o.Quiet && (o.IO.ErrTTY || settings.Verbose))
	var intr cmdutil.Interrupted
	switch {
	case stopCause != nil && errors.As(stopCause, &intr):
		writeSummary(o.IO.ErrOut, o.Topic, res, true)
		writeFailures(o.IO.ErrOut, o.Topic, res)
		fmt.Fprintf(o.IO.ErrOut, "interrupted: %d records delivered, %d not delivered\n", res.Delivered, res.Sent-res.Delivered)
		return &cmdutil.ExitError{Code: intr.ExitCode()}
	case stopCause != nil:
		writeFailures(o.IO.ErrOut, o.Topic, res)
		if res.Sent > 0 {
			fmt.Fprintf(o.IO.ErrOut, "stopped: %d records delivered, %d not delivered\n", res.Delivered, res.Sent-res.Delivered)
		}
		return stopCause
	}
	if showSummary {
		writeSummary(o.IO.ErrOut, o.Topic, res, false)
	}
	writeSkipped(o.IO.ErrOut, r)
	failed := writeFailures(o.IO.ErrOut, o.Topic, res)
	if readErr != nil {
		var ie *inputError
		if errors.As(readErr, &ie) && res.Sent > 0 {
			// Say what became of the records before the bad one (main prints "error: ").
			return fmt.Errorf("%w\n%d of the %d %s before it delivered; nothing after it was sent", readErr,
				res.Delivered, res.Sent, plural(int(res.Sent), "record"))
		}
		return readErr
	}
	if failed {
		return cmdutil.SilentError
	}
	return nil
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

// prepareTopic checks that the topic exists (creating it with --create-topic) and reads its
// partition count and max.message.bytes: one bounded round of admin requests before sending.
func prepareTopic(ctx context.Context, o *produceOptions) (topicInfo, error) {
	ctx, cancel, err := o.Context(ctx)
	if err != nil {
		return topicInfo{}, err
	}
	defer cancel()
	adm, err := o.Admin()
	if err != nil {
		return topicInfo{}, err
	}
	tds, err := adm.ListTopics(ctx, o.Topic)
	if err != nil {
		return topicInfo{}, err
	}
	td, ok := tds[o.Topic]
	missing := !ok || errors.Is(td.Err, kerr.UnknownTopicOrPartition)
	if missing && o.CreateTopic {
		resp, err := adm.CreateTopic(ctx, -1, -1, nil, o.Topic)
		if err == nil {
			err = resp.Err
		}
		if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
			return topicInfo{}, fmt.Errorf("cannot create topic %s: %v", o.Topic, err)
		}
		if o.IO.ErrTTY {
			fmt.Fprintf(o.IO.ErrOut, "created topic %s\n", o.Topic)
		}
		tds, err = adm.ListTopics(ctx, o.Topic)
		if err != nil {
			return topicInfo{}, err
		}
		td, ok = tds[o.Topic]
		missing = !ok || errors.Is(td.Err, kerr.UnknownTopicOrPartition)
		for i := 0; missing && i < 20 && ctx.Err() == nil; i++ { // metadata catches up
			time.Sleep(100 * time.Millisecond)
			tds, err = adm.ListTopics(ctx, o.Topic)
			if err != nil {
				return topicInfo{}, err
			}
			td, ok = tds[o.Topic]
			missing = !ok || errors.Is(td.Err, kerr.UnknownTopicOrPartition)
		}
	}
	if missing {
		return topicInfo{}, fmt.Errorf("topic %s does not exist: create it (kafkit topic create %s) or pass --create-topic", o.Topic, o.Topic)
	}
	if td.Err != nil {
		return topicInfo{}, fmt.Errorf("topic %s: %v", o.Topic, td.Err)
	}
	info := topicInfo{partitions: len(td.Partitions)}
	if o.Partition >= 0 && int(o.Partition) >= info.partitions {
		return topicInfo{}, cmdutil.UsageErrorf("partition %d does not exist: topic %s has %d partitions (0-%d)", o.Partition, o.Topic, info.partitions, info.partitions-1)
	}
	if o.MaxRecordBytes == 0 {
		rcs, err := adm.DescribeTopicConfigs(ctx, o.Topic)
		if err == nil {
			info.maxMessageBytes = maxMessageBytes(rcs)
		} else if ctx.Err() != nil {
			return topicInfo{}, err
		}
		// Without DescribeConfigs permission, the Kafka default applies; the broker still
		// refuses what is too large, and that is reported per record.
	}
	return info, nil
}

func maxMessageBytes(rcs kadm.ResourceConfigs) int {
	for _, rc := range rcs {
		if rc.Err != nil {
			continue
		}
		for _, c := range rc.Configs {
			if c.Key == "max.message.bytes" && c.Value != nil {
				var n int
				if _, err := fmt.Sscan(*c.Value, &n); err == nil && n > 0 {
					return n
				}
			}
		}
	}
	return 0
}

func unwrapPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func totalSize(files []string) int64 {
	var n int64
	for _, f := range files {
		if st, err := os.Stat(f); err == nil {
			n += st.Size()
		}
	}
	return n
}

// inputError is a bad input record: its place in the input and what is wrong.
type inputError struct {
	pos string
	err error
}

func (e *inputError) Error() string { return e.pos + ": " + e.err.Error() }

// slot is a record with its place in the input, allocated in slabs so that producing a record
// costs no allocation beyond its bytes. meta doubles as the record's Context, which is how the
// promise learns the line of a failed record.
type slot struct {
	rec  kgo.Record
	meta recMeta
}

// recMeta is the record's context: its delivery deadline, and its place in the input.
type recMeta struct {
	context.Context
	file   int32
	line   int64
	pooled bool // the value came from getBuf: the promise gives it back
}

const (
	slabSize   = 256
	arenaChunk = 256 << 10
)

// emptyBytes is a non-nil empty slice: an empty value, not a null one.
var emptyBytes = []byte{}

// runner reads the input and hands records to the client; one goroutine runs it.
type runner struct {
	o          *produceOptions
	cl         *kgo.Client
	limit      int
	partitions int
	abortCtx   context.Context
	acc        *accounting
	start      time.Time
	errs       *retryErrors
	deadlines  *deadlines

	fixed    []kgo.RecordHeader // -H headers, shared read-only by every record
	fixedKey []byte

	stop      atomic.Bool
	bytesRead atomic.Int64

	slab  []slot
	arena []byte

	skipMu    sync.Mutex
	skipped   int64
	skipFirst []string
}

func (r *runner) sources() []string {
	if len(r.o.Files) == 0 {
		return []string{"-"}
	}
	return r.o.Files
}

func (r *runner) open(name string) (io.Reader, func(), error) {
	if name == "-" {
		return r.o.IO.In, func() {}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read %s: %v", name, unwrapPathErr(err))
	}
	return f, func() { f.Close() }, nil
}

// pos names a place in the input: file:line, or line N for stdin.
func (r *runner) pos(file int32, line int64) string {
	src := r.sources()
	name := "-"
	if int(file) < len(src) {
		name = src[file]
	}
	if r.o.Input == "raw" {
		if name == "-" {
			return "stdin"
		}
		return name
	}
	if name == "-" {
		return fmt.Sprintf("line %d", line)
	}
	return fmt.Sprintf("%s:%d", name, line)
}

// maxLine is the longest input line worth reading: anything longer cannot make a record under
// the limit (JSON may escape or base64-encode the bytes, so it gets more room).
func (r *runner) maxLine() int {
	if r.o.Input == "json" {
		return 2*r.limit + 1024
	}
	return r.limit + len(r.o.KeySeparator)
}

// read produces the whole input; it returns an *inputError for a bad record (unless
// --skip-invalid), or an error reading the input.
func (r *runner) read() error {
	var lf *lineFormat
	if r.o.Input == "lines" {
		lf = r.lineFormat()
	}
	var p parsed
	for fi, name := range r.sources() {
		if r.stop.Load() {
			return nil
		}
		in, closeIn, err := r.open(name)
		if err != nil {
			return err
		}
		file := int32(fi)
		if r.o.Input == "raw" {
			b, err := readRaw(in, r.limit)
			closeIn()
			if err != nil {
				var tl *lineTooLongError
				if errors.As(err, &tl) {
					if err := r.invalid(file, 1, r.tooLarge(tl.Size)); err != nil {
						return err
					}
					continue
				}
				return fmt.Errorf("reading %s: %v", name, err)
			}
			r.bytesRead.Add(int64(len(b)))
			p = parsed{value: b, partition: -1, timestamp: -1}
			if err := r.send(file, 1, &p, true); err != nil {
				return err
			}
			continue
		}
		err = r.readLines(file, in, lf, &p)
		closeIn()
		if err != nil {
			return err
		}
	}
	return nil
}

func (r *runner) lineFormat() *lineFormat {
	lf := &lineFormat{allowMissingKey: r.o.AllowMissingKey}
	if r.o.KeySepSet {
		lf.sep = []byte(r.o.KeySeparator)
	}
	if r.o.NullMarkerSet {
		lf.nullMarker = []byte(r.o.NullMarker)
	}
	return lf
}

func (r *runner) readLines(file int32, in io.Reader, lf *lineFormat, p *parsed) error {
	lr := newLineReader(in, r.maxLine())
	now := r.o.Now()
	var line int64
	for !r.stop.Load() {
		b, n, err := lr.next()
		if err == io.EOF {
			return nil
		}
		line++
		r.bytesRead.Add(int64(n))
		if err != nil {
			var tl *lineTooLongError
			if errors.As(err, &tl) {
				if err := r.invalid(file, line, r.tooLarge(tl.Size)); err != nil {
					return err
				}
				continue
			}
			return fmt.Errorf("reading %s: %v", r.sources()[file], err)
		}
		if r.o.SkipEmpty && len(b) == 0 {
			continue
		}
		owned := false
		if lf != nil {
			err = lf.parse(b, p)
		} else {
			err = parseJSONLine(b, now, p)
			owned = true // decoded into fresh slices
		}
		if err != nil {
			if err := r.invalid(file, line, err); err != nil {
				return err
			}
			continue
		}
		if err := r.send(file, line, p, owned); err != nil {
			return err
		}
	}
	return nil
}

// invalid handles a bad input record: an *inputError that stops the input, or with
// --skip-invalid a warning (the first few) and on.
func (r *runner) invalid(file int32, line int64, err error) error {
	ie := &inputError{pos: r.pos(file, line), err: err}
	if !r.o.SkipInvalid {
		return ie
	}
	r.skipMu.Lock()
	r.skipped++
	if len(r.skipFirst) < maxErrorsShown {
		r.skipFirst = append(r.skipFirst, ie.Error())
	}
	r.skipMu.Unlock()
	return nil
}

func (r *runner) tooLarge(size int) error {
	return fmt.Errorf("record of %d bytes is over the %d-byte limit (the topic's max.message.bytes, or --max-record-bytes / --batch-max-bytes)", size, r.limit)
}

// send produces a parsed record asynchronously; owned says the parsed slices are the
// record's own (not aliasing the read buffer).
func (r *runner) send(file int32, line int64, p *parsed, owned bool) error {
	rec, err := r.build(file, line, p, owned)
	if err != nil {
		return r.invalid(file, line, err)
	}
	if r.stop.Load() {
		return nil
	}
	r.acc.sent.Add(1)
	r.cl.Produce(r.abortCtx, rec, r.acc.promise)
	return nil
}

// build turns a parsed record into a kgo.Record, refusing one over the size limit or for a
// partition that does not exist.
func (r *runner) build(file int32, line int64, p *parsed, owned bool) (*kgo.Record, error) {
	key, value := p.key, p.value
	if r.fixedKey != nil {
		key = r.fixedKey
	}
	hs := r.fixed
	if len(p.headers) > 0 {
		hs = make([]kgo.RecordHeader, 0, len(r.fixed)+len(p.headers))
		hs = append(hs, r.fixed...)
		for _, h := range p.headers {
			hs = append(hs, kgo.RecordHeader{Key: h.key, Value: h.value})
		}
	}
	if size := recordBatchSize(key, value, hs); size > r.limit {
		return nil, r.tooLarge(size)
	}
	partition := p.partition
	if partition < 0 {
		partition = r.o.Partition
	}
	if partition >= 0 && r.partitions > 0 && int(partition) >= r.partitions {
		return nil, fmt.Errorf("partition %d does not exist: topic %s has %d partitions", partition, r.o.Topic, r.partitions)
	}
	s := r.newSlot()
	s.meta = recMeta{Context: r.deadlines.current(), file: file, line: line}
	s.rec.Partition = partition
	s.rec.Headers = hs
	s.rec.Context = &s.meta
	if !owned {
		if r.fixedKey == nil {
			key = r.copy(key)
		}
		value = r.copy(value)
		s.meta.pooled = len(value) > arenaChunk/16
	}
	s.rec.Key, s.rec.Value = key, value
	switch {
	case p.timestamp >= 0:
		s.rec.Timestamp = time.UnixMilli(p.timestamp)
	case r.o.Timestamp >= 0:
		s.rec.Timestamp = time.UnixMilli(r.o.Timestamp)
	}
	return &s.rec, nil
}

func (r *runner) newSlot() *slot {
	if len(r.slab) == 0 {
		r.slab = make([]slot, slabSize)
	}
	s := &r.slab[0]
	r.slab = r.slab[1:]
	return s
}

// copy gives b its own memory, carved from a shared chunk for small records (one allocation
// per many records); a chunk is freed once every record in it is done.
func (r *runner) copy(b []byte) []byte {
	switch {
	case b == nil:
		return nil
	case len(b) == 0:
		return emptyBytes
	case len(b) > arenaChunk/16:
		return append(getBuf(len(b)), b...)
	}
	if len(r.arena)+len(b) > cap(r.arena) {
		r.arena = make([]byte, 0, arenaChunk)
	}
	start := len(r.arena)
	r.arena = append(r.arena, b...)
	return r.arena[start:len(r.arena):len(r.arena)]
}

// interactive reads stdin at a terminal: a prompt, each line sent at once, its partition and
// offset printed. Bad lines and failures are reported and the session goes on.
func (r *runner) interactive() error {
	out := r.o.IO.ErrOut
	var lf *lineFormat
	if r.o.Input == "lines" {
		lf = r.lineFormat()
	}
	lr := newLineReader(r.o.IO.In, r.maxLine())
	var line int64
	var p parsed
	for !r.stop.Load() {
		fmt.Fprint(out, "> ")
		b, _, err := lr.next()
		if err == io.EOF {
			fmt.Fprintln(out)
			return nil
		}
		line++
		if err != nil {
			var tl *lineTooLongError
			if errors.As(err, &tl) {
				fmt.Fprintf(out, "error: %s\n", r.tooLarge(tl.Size))
				continue
			}
			return err
		}
		if r.o.SkipEmpty && len(b) == 0 {
			continue
		}
		owned := false
		if lf != nil {
			err = lf.parse(b, &p)
		} else {
			err = parseJSONLine(b, r.o.Now(), &p)
			owned = true
		}
		if err == nil {
			err = r.sendSync(line, &p, owned)
		}
		if err != nil {
			fmt.Fprintf(out, "error: %v\n", err)
		}
	}
	return nil
}

// sendSync produces one record and waits for its acknowledgement (interactive use).
func (r *runner) sendSync(line int64, p *parsed, owned bool) error {
	rec, err := r.build(0, line, p, owned)
	if err != nil {
		return err
	}
	r.acc.sent.Add(1)
	err = r.cl.ProduceSync(r.abortCtx, rec).FirstErr()
	r.acc.promise(rec, err)
	if err != nil {
		return describeProduceErr(err, r.errs.last())
	}
	fmt.Fprintf(r.o.IO.ErrOut, "partition %d, offset %d\n", rec.Partition, rec.Offset)
	return nil
}

// kgoHeaders converts the -H headers once; every record shares the slice.
func kgoHeaders(hs []header) []kgo.RecordHeader {
	if len(hs) == 0 {
		return nil
	}
	out := make([]kgo.RecordHeader, len(hs))
	for i, h := range hs {
		out[i] = kgo.RecordHeader{Key: h.key, Value: h.value}
	}
	return out
}

// recordBatchSize is what a record alone in a batch weighs on the wire, the way kgo measures
// a batch against the batch limit (its overhead is a few bytes over the broker's, so a record
// that passes here passes the broker's max.message.bytes).
func recordBatchSize(key, value []byte, hs []kgo.RecordHeader) int {
	body := 3 + // attributes, timestamp delta, offset delta
		bytesLen(key) + bytesLen(value) + varintLen(int64(len(hs)))
	for _, h := range hs {
		body += varintLen(int64(len(h.Key))) + len(h.Key) + bytesLen(h.Value)
	}
	const batchOverhead = 65 // kgo's recordBatchOverhead
	return batchOverhead + varintLen(int64(body)) + body
}

func bytesLen(b []byte) int {
	if b == nil {
		return 1 // varint -1
	}
	return varintLen(int64(len(b))) + len(b)
}

// varintLen is the size of a zigzag varint.
func varintLen(v int64) int {
	u := uint64(v<<1) ^ uint64(v>>63)
	n := 1
	for u >= 0x80 {
		u >>= 7
		n++
	}
	return n
}
