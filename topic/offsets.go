package topic

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/offsetspec"
	"github.com/kafkit/kafkit/internal/output"
)

type offsetsOptions struct {
	IO      *cmdutil.IOStreams
	Admin   func() (*cmdutil.Admin, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer

	Topics []string
	// At is the --at point: tsEarliest, tsLatest or unix milliseconds; AtSet says it was given.
	At    int64
	AtSet bool
}

// TopicOffsets is what `topic offsets -o json` prints.
type TopicOffsets struct {
	Partitions   []PartitionOffsets `json:"partitions"`
	TotalRecords int64              `json:"total_records"`
	At           string             `json:"at,omitempty"`
}

// PartitionOffsets is one partition's offsets.
type PartitionOffsets struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Earliest  *int64 `json:"earliest"`
	Latest    *int64 `json:"latest"`
	Records   *int64 `json:"records"`
	// AtOffset is the offset at --at: null when no record is at or after that time.
	AtOffset *int64 `json:"at_offset,omitempty"`
	Error    string `json:"error,omitempty"`
}

func newCmdOffsets(f *cmdutil.Factory, runF func(context.Context, *offsetsOptions) error) *cobra.Command {
	opts := &offsetsOptions{IO: f.IO, Admin: f.Admin, Context: f.Context}
	var of cmdutil.OutputFlags
	var at string
	cmd := &cobra.Command{
		Use:   "offsets TOPIC...",
		Short: "Show each partition's earliest and latest offsets and record count",
		Long: `Show, per partition, the earliest offset (log start), the latest offset (high watermark)
and RECORDS, the difference: the number of records a consumer reading from the start would
get (compaction and transaction markers make it an upper bound). This is kafka-get-offsets.sh.

--at adds an AT column with the offset at a point: earliest, latest, a time (RFC 3339 such as
2026-11-20T10:00:00Z, a date, or unix milliseconds) or a time before now (-1h, -30m, -2d). For a
time it is the first offset whose timestamp is at or after it, "-" when no record is that
recent.`,
		Example: `  kafkit topic offsets orders
  kafkit topic offsets orders payments -o json
  kafkit topic offsets orders --at -1h
  kafkit topic offsets orders --at 2026-11-20T10:00:00Z`,
		Args:              cmdutil.Args(cobra.MinimumNArgs(1)),
		ValidArgsFunction: cmdutil.CompleteTopics(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Topics = args
			if cmd.Flags().Changed("at") {
				ts, err := parseAt(at, time.Now())
				if err != nil {
					return cmdutil.UsageErrorf("bad --at: %v", err)
				}
				opts.At, opts.AtSet = ts, true
			}
			p, err := of.Printer()
			if err != nil {
				return err
			}
			opts.Printer = p
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return offsetsRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&at, "at", "", "also show the offset at earliest|latest|<RFC3339>|<unix-ms>|-1h")
	cmdutil.AddOutputFlags(cmd, &of)
	return cmd
}

// parseAt reads --at: earliest, latest, or a time as offsetspec.ParseTime reads it (a leading
// '@' is accepted too, as in offset specs).
func parseAt(s string, now time.Time) (int64, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "earliest", "start", "beginning":
		return tsEarliest, nil
	case "latest", "end":
		return tsLatest, nil
	}
	return offsetspec.ParseTime(strings.TrimPrefix(strings.TrimSpace(s), "@"), now)
}

func offsetsRun(ctx context.Context, opts *offsetsOptions) error {
	ctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := opts.Admin()
	if err != nil {
		return err
	}
	m, err := fetchMetadata(ctx, adm, opts.Topics...)
	if err != nil {
		return err
	}
	var tds []kadm.TopicDetail
	var missing []string
	seen := map[string]bool{}
	for _, t := range opts.Topics {
		if seen[t] {
			continue
		}
		seen[t] = true
		if exists(m, t) {
			tds = append(tds, m.Topics[t])
		} else {
			missing = append(missing, t)
		}
	}
	starts, err := listOffsets(ctx, adm, tds, tsEarliest)
	if err != nil {
		return err
	}
	ends, err := listOffsets(ctx, adm, tds, tsLatest)
	if err != nil {
		return err
	}
	var ats partitionOffsets
	if opts.AtSet {
		if ats, err = listOffsets(ctx, adm, tds, opts.At); err != nil {
			return err
		}
	}
	view := offsetsView(tds, starts, ends, ats)
	if opts.AtSet {
		view.At = atString(opts.At)
	}
	failed := false
	for _, p := range view.Partitions {
		if p.Error != "" {
			failed = true
			errorf(opts.IO, "topic %q partition %d: %s", p.Topic, p.Partition, p.Error)
		}
	}
	if err := opts.Printer.Print(opts.IO.Out, view, func(t *output.Text) error {
		headers := []string{"TOPIC", "PARTITION", "EARLIEST", "LATEST", "RECORDS"}
		if opts.AtSet {
			headers = append(headers, "AT")
		}
		var rows [][]string
		for _, p := range view.Partitions {
			row := []string{p.Topic, strconv.Itoa(int(p.Partition)), optInt(p.Earliest), optInt(p.Latest), optInt(p.Records)}
			if opts.AtSet {
				row = append(row, optInt(p.AtOffset))
			}
			rows = append(rows, row)
		}
		return t.Table(headers, rows)
	}); err != nil {
		return err
	}
	if len(missing) > 0 {
		return notFoundError(missing)
	}
	if failed {
		return cmdutil.SilentError
	}
	return nil
}

func atString(ts int64) string {
	switch ts {
	case tsEarliest:
		return "earliest"
	case tsLatest:
		return "latest"
	}
	return time.UnixMilli(ts).UTC().Format(time.RFC3339Nano)
}

// offsetsView builds rows sorted by topic and partition; ats may be nil.
func offsetsView(tds []kadm.TopicDetail, starts, ends, ats partitionOffsets) TopicOffsets {
	out := TopicOffsets{Partitions: []PartitionOffsets{}}
	sort.Slice(tds, func(i, j int) bool { return tds[i].Topic < tds[j].Topic })
	for _, td := range tds {
		for _, p := range td.Partitions.Numbers() {
			po := PartitionOffsets{Topic: td.Topic, Partition: p}
			var errs []string
			s, sok := starts.get(td.Topic, p)
			e, eok := ends.get(td.Topic, p)
			if sok && s.Err == nil {
				v := s.Offset
				po.Earliest = &v
			} else if sok {
				errs = append(errs, s.Err.Error())
			}
			if eok && e.Err == nil {
				v := e.Offset
				po.Latest = &v
			} else if eok && (!sok || s.Err == nil || s.Err.Error() != e.Err.Error()) {
				errs = append(errs, e.Err.Error())
			}
			if po.Earliest != nil && po.Latest != nil {
				n := max(*po.Latest-*po.Earliest, 0)
				po.Records = &n
				out.TotalRecords += n
			}
			if ats != nil {
				if a, ok := ats.get(td.Topic, p); ok && a.Err == nil && a.Offset >= 0 {
					v := a.Offset
					po.AtOffset = &v
				} else if ok && a.Err != nil {
					errs = append(errs, fmt.Sprintf("at: %v", a.Err))
				}
			}
			if !sok && !eok {
				errs = append(errs, "no answer from the partition leader")
			}
			po.Error = strings.Join(errs, "; ")
			out.Partitions = append(out.Partitions, po)
		}
	}
	return out
}
