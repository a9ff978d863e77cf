// Package perf implements `kafkit perf`: producer and consumer throughput and end-to-end
// latency tests, as kafka-producer-perf-test.sh, kafka-consumer-perf-test.sh and
// kafka-e2e-latency.sh do, without a JVM on the client pod distorting the numbers.
package perf

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// NewCmdPerf returns the `perf` command with its verbs.
func NewCmdPerf(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "perf",
		Short: "Measure throughput and latency: produce, consume, end-to-end latency",
	}
	cmdutil.GroupCommand(cmd)
	cmd.AddCommand(newCmdProduce(f, nil), newCmdConsume(f, nil), newCmdLatency(f, nil))
	return cmd
}

var codecs = map[string]kgo.CompressionCodec{
	"none": kgo.NoCompression(), "gzip": kgo.GzipCompression(), "snappy": kgo.SnappyCompression(),
	"lz4": kgo.Lz4Compression(), "zstd": kgo.ZstdCompression(),
}

// acksOpts maps --acks to kgo options; acks other than all need idempotence off, as Kafka's
// own producer does.
func acksOpts(acks string) ([]kgo.Opt, error) {
	switch acks {
	case "all", "-1":
		return []kgo.Opt{kgo.RequiredAcks(kgo.AllISRAcks())}, nil
	case "1":
		return []kgo.Opt{kgo.RequiredAcks(kgo.LeaderAck()), kgo.DisableIdempotentWrite()}, nil
	case "0":
		return []kgo.Opt{kgo.RequiredAcks(kgo.NoAck()), kgo.DisableIdempotentWrite()}, nil
	}
	return nil, cmdutil.UsageErrorf("--acks %q: use all, 1 or 0", acks)
}

// progress writes the interval reports: one updating line on a terminal, a line per interval
// otherwise, on stderr.
type progress struct {
	w   io.Writer
	tty bool
}

func (p progress) line(s string) {
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s", s)
		return
	}
	fmt.Fprintln(p.w, s)
}

func (p progress) done() {
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// every calls fn every d until stop is closed, then once more if final is set.
func every(d time.Duration, stop <-chan struct{}, fn func()) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			fn()
		}
	}
}

func nativeLine(r Report, what string) string {
	return fmt.Sprintf("%d records %s, %.1f records/s (%.2f MB/s), latency p50 %.1f ms, p99 %.1f ms, max %.1f ms",
		r.Records, what, r.RecordsPerSec, r.MBPerSec, r.Latency.P50MS, r.Latency.P99MS, r.Latency.MaxMS)
}

func reportRow(r Report) []string {
	f := func(v float64) string { return fmt.Sprintf("%.2f", v) }
	l := r.Latency
	return []string{fmt.Sprint(r.Records), fmt.Sprintf("%.3f", r.ElapsedSec), fmt.Sprintf("%.1f", r.RecordsPerSec), f(r.MBPerSec),
		f(l.AvgMS), f(l.P50MS), f(l.P95MS), f(l.P99MS), f(l.P999MS), f(l.MaxMS), fmt.Sprint(r.Errors)}
}

var reportHeaders = []string{"RECORDS", "SECONDS", "RECORDS/S", "MB/S", "AVG-MS", "P50-MS", "P95-MS", "P99-MS", "P99.9-MS", "MAX-MS", "ERRORS"}

func durationOrRecords(records int64, d time.Duration) error {
	if (records > 0) == (d > 0) {
		return cmdutil.UsageErrorf("give exactly one of --records N or --duration D")
	}
	return nil
}

func trimLower(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
