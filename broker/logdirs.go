package broker

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
)

type logDirsOptions struct {
	IO      *cmdutil.IOStreams
	Admin   func() (*cmdutil.Admin, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer

	Brokers []int32
	Topics  []string
	Summary bool
}

// BrokerDirs is one broker's log directories in `broker log-dirs`; -o json prints a list.
type BrokerDirs struct {
	Broker      int32    `json:"broker"`
	SizeBytes   int64    `json:"size_bytes"`
	Replicas    int      `json:"replicas"`
	Dirs        []LogDir `json:"dirs"`
	Error       string   `json:"error,omitempty"` // the broker did not answer
	OfflineDirs int      `json:"offline_dirs"`
}

// LogDir is one log directory; TotalBytes and UsableBytes are -1 where the broker does not
// report them (before Kafka 3.3, DescribeLogDirs v4).
type LogDir struct {
	Dir         string    `json:"dir"`
	Error       string    `json:"error,omitempty"` // an offline directory's error
	TotalBytes  int64     `json:"total_bytes"`
	UsableBytes int64     `json:"usable_bytes"`
	SizeBytes   int64     `json:"size_bytes"`
	Replicas    []Replica `json:"replicas"`
}

// Replica is one partition replica in a directory; OffsetLag is how far a future replica (one
// being moved between directories) is behind the current one, or the replica behind the high
// watermark.
type Replica struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	SizeBytes int64  `json:"size_bytes"`
	OffsetLag int64  `json:"offset_lag"`
	IsFuture  bool   `json:"is_future"`
}

const logDirsLong = `Show each broker's log directories (DescribeLogDirs, as kafka-log-dirs.sh does): the volume's
total and usable bytes where the broker reports them (Kafka 3.3+), the bytes of data in the
directory, offline directories with their error, and every partition replica with its size and
offset lag; future replicas (being moved between directories) are marked. Replicas are sorted
by size, largest first, so the full disk and what fills it come first.

--summary prints one line per broker (directories, offline ones, data, replicas), then one per
directory, without the partitions. --topic keeps only the replicas of those topics;
--broker only asks those brokers.`

func newCmdLogDirs(f *cmdutil.Factory, runF func(context.Context, *logDirsOptions) error) *cobra.Command {
	opts := &logDirsOptions{IO: f.IO, Admin: f.Admin, Context: f.Context}
	var of cmdutil.OutputFlags
	var brokers []int
	cmd := &cobra.Command{
		Use:   "log-dirs [--broker N]... [--topic T]...",
		Short: "Show disk usage per broker, log directory and partition (kafka-log-dirs.sh)",
		Long:  logDirsLong,
		Example: `  kafkit broker log-dirs --summary
  kafkit broker log-dirs --broker 1 --topic orders
  kafkit broker log-dirs -o json | jq '.[] | {broker, size_bytes}'`,
		Args: cmdutil.Args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, b := range brokers {
				if b < 0 {
					return cmdutil.UsageErrorf("--broker %d: broker ids are 0 or more", b)
				}
				opts.Brokers = append(opts.Brokers, int32(b))
			}
			p, err := of.Printer()
			if err != nil {
				return err
			}
			opts.Printer = p
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return logDirsRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.IntSliceVar(&brokers, "broker", nil, "only these brokers (repeatable, or comma-separated)")
	fl.StringArrayVar(&opts.Topics, "topic", nil, "only replicas of this topic (repeatable)")
	fl.BoolVar(&opts.Summary, "summary", false, "one line per broker and per log directory, no partitions")
	_ = cmd.RegisterFlagCompletionFunc("topic", cmdutil.CompleteTopics(f))
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	return cmd
}

func logDirsRun(ctx context.Context, opts *logDirsOptions) error {
	ctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := opts.Admin()
	if err != nil {
		return err
	}
	all, failed, err := fetchLogDirs(ctx, adm, opts.Brokers)
	if err != nil {
		return err
	}
	view := logDirsView(all, failed, opts.Topics)
	if err := opts.Printer.Print(opts.IO.Out, view, func(t *output.Text) error { return logDirsTable(t, view, opts.Summary) }); err != nil {
		return err
	}
	return logDirsFailures(opts.IO, view)
}

// fetchLogDirs asks the brokers (all, or the given ones, which must exist) for their log
// directories; a broker that does not answer is returned in failed, not as an error.
func fetchLogDirs(ctx context.Context, adm *cmdutil.Admin, want []int32) (kadm.DescribedAllLogDirs, map[int32]error, error) {
	meta, err := adm.BrokerMetadata(ctx)
	if err != nil {
		return nil, nil, err
	}
	known := map[int32]bool{}
	var ids []string
	for _, b := range meta.Brokers {
		known[b.NodeID] = true
		ids = append(ids, strconv.Itoa(int(b.NodeID)))
	}
	for _, b := range want {
		if !known[b] {
			return nil, nil, cmdutil.UsageErrorf("broker %d is not in the cluster (brokers: %s)", b, strings.Join(ids, ", "))
		}
	}
	failed := map[int32]error{}
	if len(want) == 0 {
		all, err := adm.DescribeAllLogDirs(ctx, nil)
		var se *kadm.ShardErrors
		if errors.As(err, &se) && !se.AllFailed {
			for _, e := range se.Errs {
				failed[e.Broker.NodeID] = e.Err
			}
			err = nil
		}
		return all, failed, err
	}
	all := kadm.DescribedAllLogDirs{}
	for _, b := range want {
		ds, err := adm.DescribeBrokerLogDirs(ctx, b, nil)
		if err != nil {
			failed[b] = err
			continue
		}
		all[b] = ds
	}
	return all, failed, nil
}

// logDirsView is the pure view: brokers by id, directories by path, replicas by size (largest
// first), keeping only the topics asked for.
func logDirsView(all kadm.DescribedAllLogDirs, failed map[int32]error, topics []string) []BrokerDirs {
	keep := map[string]bool{}
	for _, t := range topics {
		keep[t] = true
	}
	var out []BrokerDirs
	for id, ds := range all {
		b := BrokerDirs{Broker: id, Dirs: []LogDir{}}
		for _, d := range ds.Sorted() {
			ld := dirView(d, keep)
			b.SizeBytes += ld.SizeBytes
			b.Replicas += len(ld.Replicas)
			if ld.Error != "" {
				b.OfflineDirs++
			}
			b.Dirs = append(b.Dirs, ld)
		}
		out = append(out, b)
	}
	for id, err := range failed {
		out = append(out, BrokerDirs{Broker: id, Dirs: []LogDir{}, Error: err.Error()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Broker < out[j].Broker })
	return out
}

func dirView(d kadm.DescribedLogDir, keep map[string]bool) LogDir {
	ld := LogDir{Dir: d.Dir, TotalBytes: d.TotalBytes, UsableBytes: d.UsableBytes, Replicas: []Replica{}}
	if d.Err != nil {
		ld.Error = d.Err.Error()
	}
	for _, p := range d.Topics.Sorted() {
		if len(keep) > 0 && !keep[p.Topic] {
			continue
		}
		ld.SizeBytes += p.Size
		ld.Replicas = append(ld.Replicas, Replica{Topic: p.Topic, Partition: p.Partition, SizeBytes: p.Size, OffsetLag: p.OffsetLag, IsFuture: p.IsFuture})
	}
	sort.SliceStable(ld.Replicas, func(i, j int) bool { return ld.Replicas[i].SizeBytes > ld.Replicas[j].SizeBytes })
	return ld
}

func logDirsTable(t *output.Text, view []BrokerDirs, summary bool) error {
	var dirs [][]string
	var reps [][]string
	for _, b := range view {
		id := strconv.Itoa(int(b.Broker))
		if b.Error != "" {
			dirs = append(dirs, []string{id, "-", "no answer", "-", "-", "-", "-"})
			continue
		}
		for _, d := range b.Dirs {
			status := "online"
			if d.Error != "" {
				status = "offline: " + d.Error
			}
			dirs = append(dirs, []string{id, d.Dir, status, volumeBytes(d.TotalBytes), volumeBytes(d.UsableBytes), humanBytes(d.SizeBytes), strconv.Itoa(len(d.Replicas))})
			for _, r := range d.Replicas {
				reps = append(reps, []string{id, d.Dir, r.Topic, strconv.Itoa(int(r.Partition)), humanBytes(r.SizeBytes), strconv.FormatInt(r.OffsetLag, 10), yesNo(r.IsFuture)})
			}
		}
	}
	if summary {
		if err := t.Table([]string{"BROKER", "DIRS", "OFFLINE", "DATA", "REPLICAS"}, brokerRows(view)); err != nil {
			return err
		}
		t.Linef("")
	}
	if err := t.Table([]string{"BROKER", "DIR", "STATUS", "TOTAL", "USABLE", "DATA", "REPLICAS"}, dirs); err != nil || summary {
		return err
	}
	t.Linef("")
	return t.Table([]string{"BROKER", "DIR", "TOPIC", "PARTITION", "SIZE", "OFFSET-LAG", "FUTURE"}, reps)
}

// brokerRows is the per-broker summary: directories, offline ones, data and replicas.
func brokerRows(view []BrokerDirs) [][]string {
	rows := make([][]string, 0, len(view))
	for _, b := range view {
		if b.Error != "" {
			rows = append(rows, []string{strconv.Itoa(int(b.Broker)), "-", "-", "no answer", "-"})
			continue
		}
		rows = append(rows, []string{strconv.Itoa(int(b.Broker)), strconv.Itoa(len(b.Dirs)), strconv.Itoa(b.OfflineDirs), humanBytes(b.SizeBytes), strconv.Itoa(b.Replicas)})
	}
	return rows
}

func logDirsFailures(io *cmdutil.IOStreams, view []BrokerDirs) error {
	failed := false
	for _, b := range view {
		if b.Error != "" {
			failed = true
			fmt.Fprintf(io.ErrOut, "error: broker %d did not answer DescribeLogDirs: %s\n", b.Broker, b.Error)
		}
		for _, d := range b.Dirs {
			if d.Error != "" {
				fmt.Fprintf(io.ErrOut, "warning: broker %d: log directory %s is offline: %s\n", b.Broker, d.Dir, d.Error)
			}
		}
	}
	if failed {
		return cmdutil.SilentError
	}
	return nil
}

func volumeBytes(n int64) string {
	if n < 0 {
		return "-"
	}
	return humanBytes(n)
}

func humanBytes(n int64) string {
	switch {
	case n >= 1e12:
		return fmt.Sprintf("%.1f TB", float64(n)/1e12)
	case n >= 1e9:
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
