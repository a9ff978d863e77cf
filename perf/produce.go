package perf

import (
	"bytes"
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/text"
)

type produceOptions struct {
	IO        *cmdutil.IOStreams
	NewClient func(opts ...kgo.Opt) (*kgo.Client, error)
	Context   func(context.Context) (context.Context, context.CancelFunc, error)
	Printer   output.Printer
	Now       func() time.Time

	Topic       string
	Records     int64
	Duration    time.Duration
	RecordSize  int
	Rate        float64
	Acks        string
	Compression string
	Keys        int
	PayloadFile string
	Delimiter   string
	Warmup      int64
	Linger      time.Duration
	BatchSize   int32
	Interval    time.Duration
	// Java prints ProducerPerformance's lines on stdout (kafka-producer-perf-test.sh).
	Java bool
}

const produceLong = `Produce records as fast as the cluster takes them (or at --rate records/s) and report
records/s, MB/s and the latency of every record from send to acknowledgement: average, p50, p95,
p99, p99.9 and max. A report line goes to stderr every --interval (one updating line on a
terminal); the final report goes to stdout (-o json for scripts). Latencies are measured per
record (the producer's acknowledgement callback), not derived from throughput.

The payload is --record-size random upper-case letters, as kafka-producer-perf-test.sh sends,
or lines of --payload-file picked at random. --keys K spreads the records over K keys (default:
no key, the sticky partitioner). --warmup-records are sent first and left out of the report.
The producer is tuned for throughput: --linger 5ms and --batch-size 1 MiB by default.`

func newCmdProduce(f *cmdutil.Factory, runF func(context.Context, *produceOptions) error) *cobra.Command {
	opts := &produceOptions{IO: f.IO, NewClient: f.NewClient, Context: f.StreamContext, Now: time.Now}
	var of cmdutil.OutputFlags
	cmd := &cobra.Command{
		Use:   "produce TOPIC (--records N | --duration D)",
		Short: "Measure producer throughput and per-record latency (kafka-producer-perf-test.sh)",
		Long:  produceLong,
		Example: `  kafkit perf produce bench --records 1000000 --record-size 100
  kafkit perf produce bench --duration 30s --record-size 1024 --rate 5000 --acks 1 -o json
  kafkit perf produce bench --records 200000 --payload-file samples.txt --compression zstd`,
		Args: cmdutil.Args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := of.Printer()
			if err != nil {
				return err
			}
			opts.Printer, opts.Topic = p, args[0]
			if err := validateProduce(opts); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return produceRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.Int64Var(&opts.Records, "records", 0, "records to send (after the warm-up)")
	fl.DurationVar(&opts.Duration, "duration", 0, "send for this long instead of a record count")
	fl.IntVar(&opts.RecordSize, "record-size", 100, "bytes per record value")
	fl.Float64Var(&opts.Rate, "rate", 0, "at most this many records/s (0: unthrottled)")
	fl.StringVar(&opts.Acks, "acks", "all", "all, 1 or 0")
	fl.StringVar(&opts.Compression, "compression", "none", "none, gzip, snappy, lz4 or zstd")
	fl.IntVar(&opts.Keys, "keys", 0, "spread records over this many distinct keys (0: no key)")
	fl.StringVar(&opts.PayloadFile, "payload-file", "", "pick each payload at random from this file's lines")
	fl.StringVar(&opts.Delimiter, "payload-delimiter", "\n", "separator of the payloads in --payload-file")
	fl.Int64Var(&opts.Warmup, "warmup-records", 0, "records sent first and left out of the report")
	fl.DurationVar(&opts.Linger, "linger", 5*time.Millisecond, "how long a batch waits for more records")
	fl.Int32Var(&opts.BatchSize, "batch-size", 1<<20, "largest batch in bytes")
	fl.DurationVar(&opts.Interval, "interval", 5*time.Second, "time between report lines")
	fl.BoolVar(&opts.Java, "java-output", false, "print as kafka-producer-perf-test.sh (used by kafkit compat)")
	_ = fl.MarkHidden("java-output")
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	return cmd
}

// validateProduce checks the flags before anything is sent (usage errors, exit 2).
func validateProduce(o *produceOptions) error {
	if err := durationOrRecords(o.Records, o.Duration); err != nil {
		return err
	}
	o.Acks, o.Compression = trimLower(o.Acks), trimLower(o.Compression)
	if _, err := acksOpts(o.Acks); err != nil {
		return err
	}
	if _, ok := codecs[o.Compression]; !ok {
		return cmdutil.UsageErrorf("--compression %q: use none, gzip, snappy, lz4 or zstd", o.Compression)
	}
	switch {
	case o.RecordSize < 0 || o.Keys < 0 || o.Warmup < 0 || o.Rate < 0:
		return cmdutil.UsageErrorf("--record-size, --keys, --warmup-records and --rate cannot be negative")
	case o.Interval <= 0:
		return cmdutil.UsageErrorf("--interval must be positive")
	case o.BatchSize <= 0:
		return cmdutil.UsageErrorf("--batch-size must be positive")
	}
	return nil
}

// payloads are the values to send: several random ones of --record-size (sending one value
// while another is still in flight, as values must not change under kgo), or the file's.
func payloads(o *produceOptions) ([][]byte, error) {
	if o.PayloadFile == "" {
		rnd := rand.New(rand.NewSource(0))
		out := make([][]byte, 64)
		for i := range out {
			out[i] = make([]byte, o.RecordSize)
			for j := range out[i] {
				out[i][j] = byte('A' + rnd.Intn(26))
			}
		}
		return out, nil
	}
	data, err := os.ReadFile(o.PayloadFile)
	if err != nil {
		return nil, fmt.Errorf("cannot read --payload-file: %v", err)
	}
	var out [][]byte
	for _, p := range bytes.Split(data, []byte(o.Delimiter)) {
		if len(p) > 0 {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("--payload-file %s holds no payloads (separated by %q)", o.PayloadFile, o.Delimiter)
	}
	if o.Java {
		abs, _ := filepath.Abs(o.PayloadFile)
		fmt.Fprintf(o.IO.Out, "Reading payloads from: %s\nNumber of messages read: %d\n", abs, len(out))
	}
	return out, nil
}

func producerOpts(o *produceOptions) []kgo.Opt {
	acks, _ := acksOpts(o.Acks)
	return append(acks, kgo.DefaultProduceTopic(o.Topic), kgo.ProducerBatchCompression(codecs[o.Compression]),
		kgo.ProducerLinger(o.Linger), kgo.ProducerBatchMaxBytes(o.BatchSize), kgo.MaxBufferedRecords(1<<16),
		kgo.UnknownTopicRetries(2))
}

func produceRun(ctx context.Context, o *produceOptions) error {
	values, err := payloads(o)
	if err != nil {
		return err
	}
	ctx, cancel, err := o.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	cl, err := o.NewClient(producerOpts(o)...)
	if err != nil {
		return err
	}
	defer cl.Close()
	m := NewMeter(o.Now)
	stop := make(chan struct{})
	ticks := make(chan struct{})
	go func() { every(o.Interval, stop, func() { o.interval(m.Window()) }); close(ticks) }()
	sendAll(ctx, cl, o, m, values)
	close(stop)
	<-ticks
	progress{o.IO.ErrOut, o.IO.ErrTTY && !o.Java}.done()
	return o.final(m.Total())
}

// sendAll produces until the count or the duration is reached or ctx ends, then waits for
// every acknowledgement.
func sendAll(ctx context.Context, cl *kgo.Client, o *produceOptions, m *Meter, values [][]byte) {
	keys := make([][]byte, o.Keys)
	for i := range keys {
		keys[i] = []byte(fmt.Sprintf("key-%d", i))
	}
	start := o.Now()
	for i := int64(0); ctx.Err() == nil; i++ {
		n := i - o.Warmup // records counted so far
		if o.Records > 0 && n >= o.Records || o.Duration > 0 && n >= 0 && o.Now().Sub(start) >= o.Duration {
			break
		}
		if n == 0 && o.Warmup > 0 {
			_ = cl.Flush(ctx) // the warm-up's acknowledgements stay out of the report
			m.Restart()
			start = o.Now()
		}
		r := &kgo.Record{Value: values[int(i)%len(values)]}
		if len(keys) > 0 {
			r.Key = keys[int(i)%len(keys)]
		}
		sent, warm := o.Now(), n < 0
		cl.Produce(ctx, r, func(r *kgo.Record, err error) {
			switch {
			case warm:
			case err != nil:
				m.Fail(err)
			default:
				m.Record(len(r.Value)+len(r.Key), o.Now().Sub(sent))
			}
		})
		throttle(o, n, start)
	}
	_ = cl.Flush(context.WithoutCancel(ctx))
}

// throttle sleeps while the run is ahead of --rate.
func throttle(o *produceOptions, n int64, start time.Time) {
	if o.Rate <= 0 || n < 0 {
		return
	}
	due := start.Add(time.Duration(float64(n+1) / o.Rate * float64(time.Second)))
	if d := due.Sub(o.Now()); d > time.Millisecond {
		time.Sleep(d)
	}
}

func (o *produceOptions) interval(r Report) {
	if o.Java {
		fmt.Fprintf(o.IO.Out, "%d records sent, %.1f records/sec (%.2f MB/sec), %.1f ms avg latency, %.1f ms max latency.\n",
			r.Records, r.RecordsPerSec, r.MBPerSec, r.Latency.AvgMS, r.Latency.MaxMS)
		return
	}
	progress{o.IO.ErrOut, o.IO.ErrTTY}.line(nativeLine(r, "sent"))
}

func (o *produceOptions) final(r Report) error {
	if o.Java {
		l := r.Latency
		fmt.Fprintf(o.IO.Out, "%d records sent, %.1f records/sec (%.2f MB/sec), %.2f ms avg latency, %.2f ms max latency, %d ms 50th, %d ms 95th, %d ms 99th, %d ms 99.9th.\n",
			r.Records, r.RecordsPerSec, r.MBPerSec, l.AvgMS, l.MaxMS, int64(l.P50MS), int64(l.P95MS), int64(l.P99MS), int64(l.P999MS))
	} else if err := o.Printer.Print(o.IO.Out, r, func(t *output.Text) error { return t.Table(reportHeaders, [][]string{reportRow(r)}) }); err != nil {
		return err
	}
	if r.Errors > 0 {
		return fmt.Errorf("%s not delivered to %s (first error: %s)", text.Count(int(r.Errors), "record"), text.Safe(o.Topic), r.FirstError)
	}
	return nil
}
