package topic

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/offsetspec"
	"github.com/kafkit/kafkit/internal/outcome"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/text"
)

type trimOptions struct {
	IO      *cmdutil.IOStreams
	Admin   func() (*cmdutil.Admin, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer

	Topic      string
	Before     offsetspec.Spec
	Partitions []int32 // empty: all
	Yes        bool
	DryRun     bool
	Prompter   cmdutil.Prompter
}

// TrimRow is one partition of the trim plan and its outcome.
type TrimRow struct {
	Partition      int32  `json:"partition"`
	LogStart       int64  `json:"log_start_offset"`
	HighWatermark  int64  `json:"high_watermark"`
	NewLogStart    int64  `json:"new_log_start_offset"`
	RecordsDeleted int64  `json:"records_deleted"`
	Result         string `json:"result"` // planned, trimmed, unchanged, failed
	Error          string `json:"error,omitempty"`
}

// TrimResult is what `topic trim -o json` prints.
type TrimResult struct {
	Topic          string    `json:"topic"`
	Before         string    `json:"before"`
	DryRun         bool      `json:"dry_run"`
	RecordsDeleted int64     `json:"records_deleted"`
	Partitions     []TrimRow `json:"partitions"`
}

func newCmdTrim(f *cmdutil.Factory, runF func(context.Context, *trimOptions) error) *cobra.Command {
	opts := &trimOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Prompter: f.Confirmer()}
	var of cmdutil.OutputFlags
	var before string
	var parts []int
	cmd := &cobra.Command{
		Use:   "trim TOPIC --before OFFSET|TIME",
		Short: "Delete the records before a point (kafka-delete-records.sh)",
		Long: `Delete the records of TOPIC before a point, by moving each partition's log start offset
forward (DeleteRecords). The records can no longer be read; disk space is freed when their
segments are removed.

--before takes:
  N                        offset N in every chosen partition
  end | latest             everything (the high watermark)
  -N                       keep only the last N records of each partition
  +N                       N records after the current start
  2026-11-20T10:00:00Z     records older than this time (also a date, or @<unix-ms>)
  -1h, -2d                 records older than that long ago

kafkit prints the plan (LOG-START, HIGH-WATERMARK, NEW-LOG-START, records deleted per partition)
and deletes only with --yes (or a "y" typed at the prompt when stdin is a terminal).
Offsets past the high watermark are clamped to it, with a warning (the trim then deletes every
record of that partition); partitions already past the point are left alone. -p limits the
partitions. --dry-run prints the plan, computed client-side from the current offsets (Kafka has
no validate-only DeleteRecords).`,
		Example: `  kafkit topic trim orders --before 1000 --dry-run
  kafkit topic trim orders --before -7d --yes
  kafkit topic trim orders --before end -p 0,1 --yes
  kafkit topic trim orders --before -100 --yes     # keep the last 100 records per partition`,
		Args:              cmdutil.Args(cobra.ExactArgs(1)),
		ValidArgsFunction: cmdutil.CompleteTopics(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Topic = args[0]
			if before == "" {
				return cmdutil.UsageErrorf("--before is required: an offset, end, -N, or a time such as 2026-11-20T10:00:00Z or -1h")
			}
			spec, err := parseBefore(before, time.Now())
			if err != nil {
				return cmdutil.UsageErrorf("bad --before: %v", err)
			}
			opts.Before = spec
			for _, p := range parts {
				if p < 0 {
					return cmdutil.UsageErrorf("bad --partition %d: partitions are numbered from 0", p)
				}
				opts.Partitions = append(opts.Partitions, int32(p))
			}
			p, err := of.Printer()
			if err != nil {
				return err
			}
			opts.Printer = p
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return trimRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&before, "before", "", "delete records before this offset or time (see above)")
	fl.IntSliceVarP(&parts, "partition", "p", nil, "only these partitions (repeatable or comma separated)")
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "delete without asking")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "print the plan only")
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	return cmd
}

// parseBefore reads --before: an offset spec (N, end, -N, +N, @time) or, failing that, a bare
// time (RFC 3339, a date, -1h). Start is refused: trimming before the start does nothing.
func parseBefore(s string, now time.Time) (offsetspec.Spec, error) {
	spec, err := offsetspec.Parse(s, now)
	if err != nil {
		ms, terr := offsetspec.ParseTime(s, now)
		if terr != nil {
			return offsetspec.Spec{}, fmt.Errorf("%q is neither an offset nor a time: use N, end, -N (keep the last N), 2026-11-20T10:00:00Z, @<unix-ms> or -1h", s)
		}
		spec = offsetspec.Spec{Kind: offsetspec.Time, Millis: ms}
	}
	if spec.Kind == offsetspec.Start {
		return offsetspec.Spec{}, fmt.Errorf("%q deletes nothing: give an offset, end, -N or a time", s)
	}
	return spec, nil
}

func trimRun(ctx context.Context, opts *trimOptions) error {
	ctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := opts.Admin()
	if err != nil {
		return err
	}
	td, err := fetchTrimTopic(ctx, adm, opts)
	if err != nil {
		return err
	}
	res, err := fetchTrimPlan(ctx, adm, opts, td)
	if err != nil {
		return err
	}
	for _, w := range pastEndWarnings(opts.Before, res) {
		warnf(opts.IO, "%s", w)
	}
	if res.RecordsDeleted == 0 {
		if err := printTrim(opts, res); err != nil {
			return err
		}
		fmt.Fprintf(opts.IO.ErrOut, "nothing to delete: every chosen partition already starts at or after %s\n", opts.Before)
		return nil
	}
	if opts.DryRun {
		return printTrim(opts, res)
	}
	if !opts.Yes {
		if err := printTrim(opts, res); err != nil {
			return err
		}
		if err := cmdutil.Confirm(opts.Prompter, false, fmt.Sprintf("Delete %s from topic %q?", text.Count(int(res.RecordsDeleted), "record"), opts.Topic)); err != nil {
			return err
		}
	}
	failed := executeTrim(ctx, adm, opts, &res)
	if err := printTrim(opts, res); err != nil {
		return err
	}
	if failed {
		return cmdutil.SilentError
	}
	return nil
}

// fetchTrimTopic reads the topic and keeps the chosen partitions.
func fetchTrimTopic(ctx context.Context, adm *cmdutil.Admin, opts *trimOptions) (kadm.TopicDetail, error) {
	m, err := fetchMetadata(ctx, adm, opts.Topic)
	if err != nil {
		return kadm.TopicDetail{}, err
	}
	if !exists(m, opts.Topic) {
		return kadm.TopicDetail{}, notFoundError([]string{opts.Topic})
	}
	td := m.Topics[opts.Topic]
	if len(opts.Partitions) == 0 {
		return td, nil
	}
	sel := kadm.PartitionDetails{}
	for _, p := range opts.Partitions {
		pd, ok := td.Partitions[p]
		if !ok {
			return td, fmt.Errorf("topic %q has no partition %d (it has %s)", opts.Topic, p, text.Count(len(td.Partitions), "partition"))
		}
		sel[p] = pd
	}
	td.Partitions = sel
	return td, nil
}

// fetchTrimPlan reads the offsets the plan needs and computes it.
func fetchTrimPlan(ctx context.Context, adm *cmdutil.Admin, opts *trimOptions, td kadm.TopicDetail) (TrimResult, error) {
	tds := []kadm.TopicDetail{td}
	starts, err := listOffsets(ctx, adm, tds, tsEarliest)
	if err != nil {
		return TrimResult{}, err
	}
	ends, err := listOffsets(ctx, adm, tds, tsLatest)
	if err != nil {
		return TrimResult{}, err
	}
	var atTime partitionOffsets
	if opts.Before.Kind == offsetspec.Time {
		if atTime, err = listOffsets(ctx, adm, tds, opts.Before.Millis); err != nil {
			return TrimResult{}, err
		}
	}
	res, err := trimPlan(opts.Topic, td.Partitions.Numbers(), opts.Before, starts, ends, atTime)
	res.DryRun = opts.DryRun
	return res, err
}

// pastEndWarnings warns, per partition, when an exact --before offset lies past the high
// watermark: the offset is clamped, so the trim deletes every record of the partition (as
// group seek warns about offsets past the end).
func pastEndWarnings(spec offsetspec.Spec, res TrimResult) []string {
	if spec.Kind != offsetspec.Exact {
		return nil
	}
	var out []string
	for _, r := range res.Partitions {
		if spec.Offset > r.HighWatermark && r.RecordsDeleted > 0 {
			out = append(out, fmt.Sprintf("--before %d is past the end of topic %q partition %d (high watermark %d): it deletes every record there; use --before end to say so", spec.Offset, res.Topic, r.Partition, r.HighWatermark))
		}
	}
	return out
}

// executeTrim sends DeleteRecords for the planned partitions and records each result; it
// reports whether any failed.
func executeTrim(ctx context.Context, adm *cmdutil.Admin, opts *trimOptions, res *TrimResult) bool {
	os := kadm.Offsets{}
	for _, r := range res.Partitions {
		if r.Result == "planned" {
			os.Add(kadm.Offset{Topic: opts.Topic, Partition: r.Partition, At: r.NewLogStart})
		}
	}
	rs, err := adm.DeleteRecords(ctx, os)
	failed := false
	res.RecordsDeleted = 0
	for i := range res.Partitions {
		r := &res.Partitions[i]
		if r.Result != "planned" {
			continue
		}
		d, ok := rs.Lookup(opts.Topic, r.Partition)
		switch {
		case !ok && err != nil:
			r.Result, r.Error = outcome.Failed, err.Error()
		case !ok:
			r.Result, r.Error = outcome.Failed, "no answer from the partition leader"
		case d.Err != nil:
			r.Result, r.Error = outcome.Failed, kafkaErr(d.Err, "").Error()
		default:
			r.Result = "trimmed"
			r.NewLogStart = d.LowWatermark
			r.RecordsDeleted = max(d.LowWatermark-r.LogStart, 0)
			res.RecordsDeleted += r.RecordsDeleted
		}
		if r.Result == outcome.Failed {
			failed = true
			errorf(opts.IO, "cannot trim topic %q partition %d: %s", opts.Topic, r.Partition, r.Error)
		}
	}
	return failed
}

// trimPlan computes, per partition, the new log start for spec; atTime holds by-time lookups.
func trimPlan(topic string, parts []int32, spec offsetspec.Spec, starts, ends, atTime partitionOffsets) (TrimResult, error) {
	res := TrimResult{Topic: topic, Before: spec.String(), Partitions: []TrimRow{}}
	for _, p := range parts {
		s, sok := starts.get(topic, p)
		e, eok := ends.get(topic, p)
		if !sok || !eok || s.Err != nil || e.Err != nil {
			msg := "no answer from the partition leader"
			if sok && s.Err != nil {
				msg = s.Err.Error()
			} else if eok && e.Err != nil {
				msg = e.Err.Error()
			}
			return res, fmt.Errorf("cannot read the offsets of topic %q partition %d: %s; nothing was deleted", topic, p, msg)
		}
		r := TrimRow{Partition: p, LogStart: s.Offset, HighWatermark: e.Offset}
		var target int64
		switch spec.Kind {
		case offsetspec.End:
			target = e.Offset
		case offsetspec.Exact:
			target = spec.Offset
		case offsetspec.FromStart:
			target = s.Offset + spec.Offset
		case offsetspec.FromEnd:
			target = e.Offset - spec.Offset
		case offsetspec.Time:
			a, ok := atTime.get(topic, p)
			switch {
			case !ok || a.Err != nil:
				return res, fmt.Errorf("cannot find the offset at %s in partition %d; nothing was deleted", spec, p)
			case a.Offset < 0:
				target = e.Offset // every record is older than the time
			default:
				target = a.Offset
			}
		}
		target = min(target, e.Offset)
		r.NewLogStart = max(target, s.Offset)
		r.RecordsDeleted = r.NewLogStart - s.Offset
		r.Result = "planned"
		if r.RecordsDeleted == 0 {
			r.Result = "unchanged"
		}
		res.RecordsDeleted += r.RecordsDeleted
		res.Partitions = append(res.Partitions, r)
	}
	return res, nil
}

func printTrim(opts *trimOptions, res TrimResult) error {
	return opts.Printer.Print(opts.IO.Out, res, func(t *output.Text) error {
		var rows [][]string
		for _, r := range res.Partitions {
			rows = append(rows, []string{strconv.Itoa(int(r.Partition)), strconv.FormatInt(r.LogStart, 10), strconv.FormatInt(r.HighWatermark, 10), strconv.FormatInt(r.NewLogStart, 10), strconv.FormatInt(r.RecordsDeleted, 10), r.Result})
		}
		if err := t.Table([]string{"PARTITION", "LOG-START", "HIGH-WATERMARK", "NEW-LOG-START", "DELETED", "RESULT"}, rows); err != nil {
			return err
		}
		switch {
		case anyTrimmed(res):
			fmt.Fprintf(opts.IO.ErrOut, "deleted %d records from topic %q\n", res.RecordsDeleted, res.Topic)
		case res.DryRun && res.RecordsDeleted > 0:
			fmt.Fprintf(opts.IO.ErrOut, "would delete %d records from topic %q (dry run)\n", res.RecordsDeleted, res.Topic)
		}
		return nil
	})
}

func anyTrimmed(res TrimResult) bool {
	for _, r := range res.Partitions {
		if r.Result == "trimmed" || r.Result == "failed" {
			return true
		}
	}
	return false
}
