package perf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
)

type latencyOptions struct {
	IO        *cmdutil.IOStreams
	NewClient func(opts ...kgo.Opt) (*kgo.Client, error)
	Context   func(context.Context) (context.Context, context.CancelFunc, error)
	Printer   output.Printer
	Now       func() time.Time

	Topic      string
	Records    int
	RecordSize int
	Acks       string
	Wait       time.Duration
	Java       bool // kafka-e2e-latency.sh's lines
}

const latencyLong = `Measure end-to-end latency: send one record, wait for its acknowledgement, read it back
from the topic, and only then send the next, --records times. Each round trip (produce, ack,
fetch) is one sample; the report gives avg, p50, p95, p99, p99.9 and max in ms. The consumer
starts at the end of every partition, so old records do not count.`

func newCmdLatency(f *cmdutil.Factory, runF func(context.Context, *latencyOptions) error) *cobra.Command {
	opts := &latencyOptions{IO: f.IO, NewClient: f.NewClient, Context: f.StreamContext, Now: time.Now}
	var of cmdutil.OutputFlags
	cmd := &cobra.Command{
		Use:     "latency TOPIC",
		Short:   "Measure end-to-end produce-to-consume latency (kafka-e2e-latency.sh)",
		Long:    latencyLong,
		Example: "  kafkit perf latency bench --records 1000 --record-size 100\n  kafkit perf latency bench --acks 1 -o json",
		Args:    cmdutil.Args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := of.Printer()
			if err != nil {
				return err
			}
			opts.Printer, opts.Topic = p, args[0]
			if opts.Acks = trimLower(opts.Acks); opts.Acks != "all" && opts.Acks != "1" && opts.Acks != "-1" {
				return cmdutil.UsageErrorf("--acks %q: latency needs an acknowledgement: use all or 1", opts.Acks)
			}
			if opts.Records <= 0 || opts.RecordSize < 0 || opts.Wait <= 0 {
				return cmdutil.UsageErrorf("--records and --wait must be positive, --record-size not negative")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return latencyRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&opts.Records, "records", 1000, "round trips to measure")
	fl.IntVar(&opts.RecordSize, "record-size", 100, "bytes per record value")
	fl.StringVar(&opts.Acks, "acks", "all", "all or 1")
	fl.DurationVar(&opts.Wait, "wait", 60*time.Second, "give up when a record is not read back within this time")
	fl.BoolVar(&opts.Java, "java-output", false, "print as kafka-e2e-latency.sh (used by kafkit compat)")
	_ = fl.MarkHidden("java-output")
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	return cmd
}

func latencyRun(ctx context.Context, o *latencyOptions) error {
	ctx, cancel, err := o.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	acks, _ := acksOpts(o.Acks)
	cl, err := o.NewClient(append(acks, kgo.DefaultProduceTopic(o.Topic), kgo.ProducerLinger(0), kgo.FetchMaxWait(50*time.Millisecond), kgo.UnknownTopicRetries(2))...)
	if err != nil {
		return err
	}
	defer cl.Close()
	if err := consumeFromEnd(ctx, cl, o.Topic); err != nil {
		return err
	}
	m := NewMeter(o.Now)
	rnd := rand.New(rand.NewSource(0))
	for i := 0; i < o.Records; i++ {
		value := bytes.Repeat([]byte{byte('A' + rnd.Intn(26))}, o.RecordSize)
		d, err := roundTrip(ctx, cl, o, value)
		if err != nil {
			return fmt.Errorf("round trip %d: %w", i+1, err)
		}
		m.Record(len(value), d)
		if o.Java && i%1000 == 0 {
			fmt.Fprintf(o.IO.Out, "%d\t%s\n", i, javaDouble(float64(d.Nanoseconds())/1e6))
		}
	}
	return o.final(m)
}

// consumeFromEnd assigns every partition of topic at its current end offset. A topic created a
// moment ago may not be known to its leader yet: that is retried for a few seconds.
func consumeFromEnd(ctx context.Context, cl *kgo.Client, topic string) error {
	var ends kadm.ListedOffsets
	var err error
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		ends, err = kadm.NewClient(cl).ListEndOffsets(ctx, topic)
		if err == nil {
			err = ends.Error()
		}
		if !errors.Is(err, kerr.UnknownTopicOrPartition) && !errors.Is(err, kerr.NotLeaderForPartition) || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("cannot read the end offsets of %s: %w", topic, err)
	}
	if len(ends[topic]) == 0 {
		return fmt.Errorf("topic %s does not exist: create it first (kafkit topic create %s)", topic, topic)
	}
	at := map[int32]kgo.Offset{}
	for p, o := range ends[topic] {
		at[p] = kgo.NewOffset().At(o.Offset)
	}
	cl.AddConsumePartitions(map[string]map[int32]kgo.Offset{topic: at})
	return nil
}

func roundTrip(ctx context.Context, cl *kgo.Client, o *latencyOptions, value []byte) (time.Duration, error) {
	begin := o.Now()
	r := &kgo.Record{Value: value}
	if err := cl.ProduceSync(ctx, r).FirstErr(); err != nil {
		return 0, err
	}
	wctx, cancel := context.WithTimeout(ctx, o.Wait)
	defer cancel()
	for {
		fs := cl.PollFetches(wctx)
		if wctx.Err() != nil {
			return 0, fmt.Errorf("the record (partition %d, offset %d) was not read back within %s", r.Partition, r.Offset, o.Wait)
		}
		found := false
		fs.EachRecord(func(got *kgo.Record) { found = found || got.Partition == r.Partition && got.Offset == r.Offset })
		if found {
			return o.Now().Sub(begin), nil
		}
	}
}

// javaDouble prints a double as Java's Double.toString does for ordinary values.
func javaDouble(v float64) string {
	s := fmt.Sprintf("%v", v)
	if !bytes.ContainsAny([]byte(s), ".e") {
		s += ".0"
	}
	return s
}

func (o *latencyOptions) final(m *Meter) error {
	r := m.Total()
	if o.Java {
		l := r.Latency
		fmt.Fprintf(o.IO.Out, "Avg latency: %.4f ms\n", l.AvgMS)
		fmt.Fprintf(o.IO.Out, "Percentiles: 50th = %d, 99th = %d, 99.9th = %d\n", int64(l.P50MS), int64(l.P99MS), int64(l.P999MS))
		return nil
	}
	return o.Printer.Print(o.IO.Out, r, func(t *output.Text) error { return t.Table(reportHeaders, [][]string{reportRow(r)}) })
}
