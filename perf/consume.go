package perf

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
)

type consumeOptions struct {
	IO        *cmdutil.IOStreams
	NewClient func(opts ...kgo.Opt) (*kgo.Client, error)
	Context   func(context.Context) (context.Context, context.CancelFunc, error)
	Printer   output.Printer
	Now       func() time.Time

	Topic      string
	Records    int64
	Duration   time.Duration
	Group      string
	FromLatest bool
	Idle       time.Duration
	FetchSize  int32
	Interval   time.Duration
	// Java prints ConsumerPerformance's CSV line (kafka-consumer-perf-test.sh); HideHeader
	// drops its header.
	Java, HideHeader bool
}

const consumeLong = `Read a topic from the start as fast as the cluster serves it and report records/s, MB/s
and the fetch latency (how long each poll waited for its records: p50 ... max). Without --group
the partitions are read directly; with --group the consumer joins that group (the time to join
is reported as rebalance time). The run ends after --records N, after --duration D, or when no
record arrived for --idle.`

func newCmdConsume(f *cmdutil.Factory, runF func(context.Context, *consumeOptions) error) *cobra.Command {
	opts := &consumeOptions{IO: f.IO, NewClient: f.NewClient, Context: f.StreamContext, Now: time.Now}
	var of cmdutil.OutputFlags
	cmd := &cobra.Command{
		Use:   "consume TOPIC (--records N | --duration D)",
		Short: "Measure consumer throughput and fetch latency (kafka-consumer-perf-test.sh)",
		Long:  consumeLong,
		Example: `  kafkit perf consume bench --records 1000000
  kafkit perf consume bench --duration 20s --group perf-readers -o json`,
		Args: cmdutil.Args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := of.Printer()
			if err != nil {
				return err
			}
			opts.Printer, opts.Topic = p, args[0]
			if err := durationOrRecords(opts.Records, opts.Duration); err != nil {
				return err
			}
			if opts.Idle <= 0 || opts.Interval <= 0 || opts.FetchSize <= 0 {
				return cmdutil.UsageErrorf("--idle, --interval and --fetch-size must be positive")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return consumeRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.Int64Var(&opts.Records, "records", 0, "records to read")
	fl.DurationVar(&opts.Duration, "duration", 0, "read for this long instead of a record count")
	fl.StringVarP(&opts.Group, "group", "g", "", "consume in this group (default: read the partitions directly)")
	fl.BoolVar(&opts.FromLatest, "from-latest", false, "start at the end of the partitions (without committed offsets)")
	fl.DurationVar(&opts.Idle, "idle", 10*time.Second, "stop when no record arrived for this long")
	fl.Int32Var(&opts.FetchSize, "fetch-size", 1<<20, "bytes per partition per fetch")
	fl.DurationVar(&opts.Interval, "interval", 5*time.Second, "time between report lines")
	fl.BoolVar(&opts.Java, "java-output", false, "print as kafka-consumer-perf-test.sh (used by kafkit compat)")
	fl.BoolVar(&opts.HideHeader, "java-hide-header", false, "with --java-output: no header line")
	_ = fl.MarkHidden("java-output")
	_ = fl.MarkHidden("java-hide-header")
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	return cmd
}

func consumerOpts(o *consumeOptions, joined func()) []kgo.Opt {
	reset := kgo.NewOffset().AtStart()
	if o.FromLatest {
		reset = kgo.NewOffset().AtEnd()
	}
	opts := []kgo.Opt{kgo.ConsumeTopics(o.Topic), kgo.ConsumeResetOffset(reset), kgo.FetchMaxPartitionBytes(o.FetchSize)}
	if o.Group != "" {
		opts = append(opts, kgo.ConsumerGroup(o.Group), kgo.OnPartitionsAssigned(func(context.Context, *kgo.Client, map[string][]int32) { joined() }))
	}
	return opts
}

func consumeRun(ctx context.Context, o *consumeOptions) error {
	ctx, cancel, err := o.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	start := o.Now()
	var joinedAt time.Time
	cl, err := o.NewClient(consumerOpts(o, func() {
		if joinedAt.IsZero() {
			joinedAt = o.Now()
		}
	})...)
	if err != nil {
		return err
	}
	defer cl.Close()
	m := NewMeter(o.Now)
	stop, ticks := make(chan struct{}), make(chan struct{})
	go func() { every(o.Interval, stop, func() { o.interval(m.Window()) }); close(ticks) }()
	idle, fetchErr := readAll(ctx, cl, o, m)
	close(stop)
	<-ticks
	progress{o.IO.ErrOut, o.IO.ErrTTY && !o.Java}.done()
	end := o.Now()
	join := time.Duration(0)
	if !joinedAt.IsZero() {
		join = joinedAt.Sub(start)
	}
	return o.final(m.Total(), start, end, join, idle, fetchErr)
}

// readAll polls until the count, the duration or the idle bound is reached; each poll that
// returned records is one fetch latency sample.
func readAll(ctx context.Context, cl *kgo.Client, o *consumeOptions, m *Meter) (idle bool, err error) {
	begin := o.Now()
	last := begin
	for ctx.Err() == nil {
		if o.Records > 0 && m.Total().Records >= o.Records || o.Duration > 0 && o.Now().Sub(begin) >= o.Duration {
			return false, nil
		}
		pctx, cancel := context.WithTimeout(ctx, min(o.Idle, time.Second))
		t0 := o.Now()
		fs := cl.PollRecords(pctx, int(max(0, min(o.Records-m.Total().Records, 1<<20))))
		cancel()
		if err := fatalFetchErr(fs); err != nil {
			return false, err
		}
		n, bytes := 0, int64(0)
		fs.EachRecord(func(r *kgo.Record) { n++; bytes += int64(len(r.Key) + len(r.Value)) })
		if n == 0 {
			if o.Now().Sub(last) >= o.Idle {
				return true, nil
			}
			continue
		}
		last = o.Now()
		m.RecordBatch(n, bytes, last.Sub(t0))
	}
	return false, nil
}

func fatalFetchErr(fs kgo.Fetches) error {
	for _, e := range fs.Errors() {
		if !errors.Is(e.Err, context.DeadlineExceeded) && !errors.Is(e.Err, context.Canceled) {
			return fmt.Errorf("fetching %s/%d: %w", e.Topic, e.Partition, e.Err)
		}
	}
	return nil
}

func (o *consumeOptions) interval(r Report) {
	if !o.Java {
		progress{o.IO.ErrOut, o.IO.ErrTTY}.line(nativeLine(r, "read") + " (fetch)")
	}
}

// javaDate formats as ConsumerPerformance's default yyyy-MM-dd HH:mm:ss:SSS.
func javaDate(t time.Time) string {
	return t.Format("2006-01-02 15:04:05") + fmt.Sprintf(":%03d", t.Nanosecond()/1e6)
}

func (o *consumeOptions) final(r Report, start, end time.Time, join time.Duration, idle bool, fetchErr error) error {
	if o.Java {
		if idle {
			fmt.Fprintf(o.IO.Out, "WARNING: Exiting before consuming the expected number of messages: timeout (%d ms) exceeded. You can use the --timeout option to increase the timeout.\n", o.Idle.Milliseconds())
		}
		if !o.HideHeader {
			fmt.Fprintln(o.IO.Out, "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec")
		}
		sec, mb := end.Sub(start).Seconds(), float64(r.Bytes)/mib
		fetchMS := end.Sub(start).Milliseconds() - join.Milliseconds()
		fmt.Fprintf(o.IO.Out, "%s, %s, %.4f, %.4f, %d, %.4f, %d, %d, %.4f, %.4f\n", javaDate(start), javaDate(end),
			mb, mb/sec, r.Records, float64(r.Records)/sec, join.Milliseconds(), fetchMS, mb/(float64(fetchMS)/1000), float64(r.Records)/(float64(fetchMS)/1000))
		return fetchErr
	}
	if err := o.Printer.Print(o.IO.Out, r, func(t *output.Text) error { return t.Table(reportHeaders, [][]string{reportRow(r)}) }); err != nil {
		return err
	}
	if idle && o.Records > 0 {
		fmt.Fprintf(o.IO.ErrOut, "warning: read %d of %d records: none arrived for %s (--idle)\n", r.Records, o.Records, o.Idle)
	}
	return fetchErr
}
