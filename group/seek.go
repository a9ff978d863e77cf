package group

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/offsetspec"
	"github.com/kafkit/kafkit/internal/output"
)

type seekOptions struct {
	IO      *cmdutil.IOStreams
	Client  func() (*kgo.Client, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer

	Group     string
	Spec      *offsetspec.Spec // nil with FromFile
	FromFile  map[tp]int64     // --to-file
	Topics    []topicSel
	AllTopics bool
	Execute   bool
	Export    bool
}

// topicSel is one --topic T[:P,..]; nil Partitions means all of them.
type topicSel struct {
	Topic      string
	Partitions []int32
}

// SeekRow is one partition of a seek plan.
type SeekRow struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Current   *int64 `json:"current_offset"`
	New       *int64 `json:"new_offset"`
	Delta     *int64 `json:"delta"`
	Note      string `json:"note,omitempty"`
	Error     string `json:"error,omitempty"`
}

// SeekResult is what `group seek -o json` prints.
type SeekResult struct {
	Group   string    `json:"group"`
	State   string    `json:"state"`
	Members int       `json:"members"`
	Applied bool      `json:"applied"`
	Plan    []SeekRow `json:"plan"`
}

func newCmdSeek(f *cmdutil.Factory, runF func(context.Context, *seekOptions) error) *cobra.Command {
	opts := &seekOptions{IO: f.IO, Client: f.Client, Context: f.Context}
	var of cmdutil.OutputFlags
	var to, toFile string
	var topics []string
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "seek GROUP --to SPEC|--to-file CSV (--topic T[:P,..]... | --all-topics) [--execute]",
		Short: "Plan, and with --execute apply, new committed offsets for a group (reset offsets)",
		Long: `Move a group's committed offsets, like kafka-consumer-groups --reset-offsets. Prints the plan
(TOPIC, PARTITION, CURRENT, NEW, DELTA) and changes nothing unless --execute is given.

--to SPEC:
  start, end          the log start (earliest) or end (latest)
  N                   offset N
  +N, -N              N records forward or back from the committed offset (--shift-by)
  @2026-11-20T10:00Z  the first record at or after that time (RFC 3339, a date, or unix ms)
  @-1h                the first record of the last hour (any duration: 30m, 2d)
--to-file CSV reads "topic,partition,offset" lines (the kafka-consumer-groups --export format).

Which partitions: --topic T (all its partitions), --topic T:0,2 (some), repeatable, or
--all-topics (every topic the group has committed offsets for).

Targets outside [log start, log end] are clamped, with a warning. The group must have no active
members: stop its consumers first (the plan is still shown). --export prints the plan as CSV
for --to-file or kafka-consumer-groups --from-file.`,
		Example: `  kafkit group seek orders-service --to start --all-topics
  kafkit group seek orders-service --to @-1h --topic orders --execute
  kafkit group seek orders-service --to -100 --topic orders:0,1 --execute
  kafkit group seek orders-service --to end --all-topics --export > before.csv
  kafkit group seek orders-service --to-file before.csv --execute`,
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return cmdutil.CompleteGroups(f)(cmd, args, toComplete)
		},
		Args: cmdutil.Args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Group = args[0]
			if err := seekValidate(opts, to, toFile, topics, dryRun, time.Now(), os.ReadFile); err != nil {
				return err
			}
			p, err := of.Printer()
			if err != nil {
				return err
			}
			opts.Printer = p
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return seekRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&to, "to", "", "target: start, end, N, +N, -N, @TIME or @-DURATION")
	fl.StringVar(&toFile, "to-file", "", "target offsets from a CSV file (topic,partition,offset lines)")
	fl.StringArrayVarP(&topics, "topic", "t", nil, "topic, or topic:partition,partition (repeatable)")
	fl.BoolVar(&opts.AllTopics, "all-topics", false, "every topic the group has committed offsets for")
	fl.BoolVar(&opts.Execute, "execute", false, "apply the plan (without it nothing changes)")
	fl.BoolVar(&dryRun, "dry-run", false, "only show the plan (the default)")
	fl.BoolVar(&opts.Export, "export", false, "print the plan as CSV (topic,partition,offset) instead of a table")
	_ = cmd.RegisterFlagCompletionFunc("topic", cmdutil.CompleteTopics(f))
	cmdutil.AddOutputFlags(cmd, &of)
	return cmd
}

// seekValidate checks the flags and fills opts (pure but for reading the CSV file).
func seekValidate(opts *seekOptions, to, toFile string, topics []string, dryRun bool, now time.Time, readFile func(string) ([]byte, error)) error {
	if (to == "") == (toFile == "") {
		return cmdutil.UsageErrorf("pass exactly one of --to SPEC and --to-file CSV")
	}
	if dryRun && opts.Execute {
		return cmdutil.UsageErrorf("--dry-run and --execute contradict each other")
	}
	if toFile != "" {
		if len(topics) > 0 || opts.AllTopics {
			return cmdutil.UsageErrorf("--to-file names its partitions: drop --topic/--all-topics")
		}
		data, err := readFile(toFile)
		if err != nil {
			return cmdutil.UsageErrorf("--to-file: %v", err)
		}
		m, err := parseResetCSV(strings.NewReader(string(data)), opts.Group)
		if err != nil {
			return cmdutil.UsageErrorf("--to-file %s: %v", toFile, err)
		}
		opts.FromFile = m
		return nil
	}
	spec, err := offsetspec.Parse(to, now)
	if err != nil {
		return cmdutil.UsageErrorf("--to: %v", err)
	}
	opts.Spec = &spec
	if (len(topics) > 0) == opts.AllTopics {
		return cmdutil.UsageErrorf("say which partitions: --topic T[:P,..] (repeatable) or --all-topics")
	}
	for _, t := range topics {
		sel, err := parseTopicSel(t)
		if err != nil {
			return cmdutil.UsageErrorf("--topic: %v", err)
		}
		opts.Topics = append(opts.Topics, sel)
	}
	return nil
}

// parseTopicSel reads "topic" or "topic:0,1,2".
func parseTopicSel(s string) (topicSel, error) {
	t, ps, has := strings.Cut(s, ":")
	t = strings.TrimSpace(t)
	if t == "" {
		return topicSel{}, fmt.Errorf("empty topic in %q: use topic or topic:0,1", s)
	}
	sel := topicSel{Topic: t}
	if !has {
		return sel, nil
	}
	for _, p := range strings.Split(ps, ",") {
		n, err := strconv.ParseInt(strings.TrimSpace(p), 10, 32)
		if err != nil || n < 0 {
			return topicSel{}, fmt.Errorf("bad partition %q in %q: use topic:0,1,2", p, s)
		}
		sel.Partitions = append(sel.Partitions, int32(n))
	}
	sel.Partitions = sortedPartitions(sel.Partitions)
	return sel, nil
}

func seekRun(ctx context.Context, opts *seekOptions) error {
	ctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	cl, err := opts.Client()
	if err != nil {
		return err
	}
	adm := kadm.NewClient(cl)
	snap, err := collect(ctx, cl, collectOptions{Names: []string{opts.Group}})
	if err != nil {
		return err
	}
	res := SeekResult{Group: opts.Group, State: "Empty", Plan: []SeekRow{}}
	if len(snap.Groups) == 1 {
		g := snap.Groups[0]
		if g.Err != nil {
			return fmt.Errorf("cannot describe group %q: %v", opts.Group, g.Err)
		}
		res.State, res.Members = g.State, len(g.Members)
	} else {
		res.State = "does not exist"
	}
	commits, err := adm.FetchOffsets(ctx, opts.Group)
	if errors.Is(err, kerr.GroupIDNotFound) {
		// A group that does not exist yet can be seeded, as kafka-consumer-groups allows.
		commits, err = kadm.OffsetResponses{}, nil
	}
	if err != nil {
		return fmt.Errorf("cannot read the committed offsets of %q: %v", opts.Group, err)
	}

	// The partitions to move.
	var parts []tp
	var missing []string
	switch {
	case opts.FromFile != nil:
		for k := range opts.FromFile {
			parts = append(parts, k)
		}
	case opts.AllTopics:
		commits.Each(func(o kadm.OffsetResponse) {
			if o.Err == nil && o.At >= 0 {
				parts = append(parts, tp{o.Topic, o.Partition})
			}
		})
		if len(parts) == 0 {
			return fmt.Errorf("group %q has no committed offsets: name the topics with --topic", opts.Group)
		}
	default:
		var names []string
		for _, s := range opts.Topics {
			names = append(names, s.Topic)
		}
		td, err := adm.ListTopics(ctx, names...)
		if err != nil {
			return err
		}
		for _, s := range opts.Topics {
			d, ok := td[s.Topic]
			if !ok || d.Err != nil {
				missing = append(missing, s.Topic)
				continue
			}
			if s.Partitions == nil {
				for _, p := range d.Partitions.Numbers() {
					parts = append(parts, tp{s.Topic, p})
				}
				continue
			}
			for _, p := range s.Partitions {
				parts = append(parts, tp{s.Topic, p})
			}
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("topic %s does not exist", strings.Join(quoteAll(missing), ", "))
	}
	topicSet := map[string]bool{}
	for _, k := range parts {
		topicSet[k.Topic] = true
	}
	var topics []string
	for t := range topicSet {
		topics = append(topics, t)
	}
	sort.Strings(topics)
	start, serr := adm.ListStartOffsets(ctx, topics...)
	end, eerr := adm.ListEndOffsets(ctx, topics...)
	var atTime kadm.ListedOffsets
	var terr error
	if opts.Spec != nil && opts.Spec.Kind == offsetspec.Time {
		atTime, terr = adm.ListOffsetsAfterMilli(ctx, opts.Spec.Millis, topics...)
	}
	for _, e := range []error{serr, eerr, terr} {
		var se *kadm.ShardErrors
		if e != nil && !errors.As(e, &se) {
			return fmt.Errorf("cannot list offsets: %v", e)
		}
	}
	res.Plan = seekPlan(parts, opts.Spec, opts.FromFile, commits, start, end, atTime)

	for _, r := range res.Plan {
		if r.Note != "" {
			fmt.Fprintf(opts.IO.ErrOut, "warning: %s/%d: %s\n", r.Topic, r.Partition, r.Note)
		}
	}
	active := res.Members > 0
	if opts.Execute && !active {
		if err := applyPlan(ctx, adm, opts.Group, &res); err != nil {
			return err
		}
		res.Applied = true
	}
	if err := printPlan(opts, res); err != nil {
		return err
	}
	failed := 0
	for _, r := range res.Plan {
		if r.Error != "" {
			fmt.Fprintf(opts.IO.ErrOut, "error: %s/%d: %s\n", r.Topic, r.Partition, r.Error)
			failed++
		}
	}
	refusal := fmt.Sprintf("group %q has %d active member(s) (state %s): stop its consumers first", opts.Group, res.Members, res.State)
	switch {
	case active && opts.Execute:
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: errors.New(refusal + "; nothing was changed")}
	case active:
		fmt.Fprintf(opts.IO.ErrOut, "warning: %s; --execute will be refused until then\n", refusal)
	case !opts.Execute:
		if res.State == "does not exist" {
			fmt.Fprintf(opts.IO.ErrOut, "group %q does not exist yet: --execute creates it with these offsets\n", opts.Group)
		}
		fmt.Fprintln(opts.IO.ErrOut, "(dry run) nothing changed: add --execute to apply this plan")
	default:
		fmt.Fprintf(opts.IO.ErrOut, "committed %d offset(s) for group %q\n", len(res.Plan)-failed, opts.Group)
	}
	if failed > 0 {
		return cmdutil.SilentError
	}
	return nil
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strconv.Quote(s)
	}
	return out
}

// applyPlan commits the new offsets of the rows without errors; a failed partition gets its
// error in its row.
func applyPlan(ctx context.Context, adm *kadm.Client, group string, res *SeekResult) error {
	os := make(kadm.Offsets)
	for _, r := range res.Plan {
		if r.Error == "" && r.New != nil {
			os.AddOffset(r.Topic, r.Partition, *r.New, -1)
		}
	}
	if len(os) == 0 {
		return nil
	}
	resp, err := adm.CommitOffsets(ctx, group, os)
	if err != nil {
		return fmt.Errorf("cannot commit the offsets of group %q: %v", group, err)
	}
	for i := range res.Plan {
		r := &res.Plan[i]
		if o, ok := resp.Lookup(r.Topic, r.Partition); ok && o.Err != nil {
			r.Error = "commit: " + errText(o.Err)
		}
	}
	return nil
}

func printPlan(opts *seekOptions, res SeekResult) error {
	if opts.Export {
		m := map[tp]int64{}
		for _, r := range res.Plan {
			if r.Error == "" && r.New != nil {
				m[tp{r.Topic, r.Partition}] = *r.New
			}
		}
		return writeResetCSV(opts.IO.Out, m)
	}
	return opts.Printer.Print(opts.IO.Out, res, func(t *output.Text) error {
		var rows [][]string
		for _, r := range res.Plan {
			delta := "-"
			if r.Delta != nil {
				delta = fmt.Sprintf("%+d", *r.Delta)
			}
			row := []string{r.Topic, strconv.Itoa(int(r.Partition)), num(r.Current), num(r.New), delta}
			if t.Wide {
				row = append(row, output.Dash(joinNonEmpty("; ", r.Error, r.Note)))
			}
			rows = append(rows, row)
		}
		headers := []string{"TOPIC", "PARTITION", "CURRENT", "NEW", "DELTA"}
		if t.Wide {
			headers = append(headers, "NOTE")
		}
		return t.Table(headers, rows)
	})
}

// seekPlan computes the new offset of every partition, sorted. spec is nil when the offsets come
// from a file. +N/-N move from the committed offset. Targets outside [start, end] are clamped
// with a note; a partition whose offsets are unknown, or that has no commit to shift from, gets
// an error and is not moved.
func seekPlan(parts []tp, spec *offsetspec.Spec, file map[tp]int64, commits kadm.OffsetResponses, start, end, atTime kadm.ListedOffsets) []SeekRow {
	sort.Slice(parts, func(i, j int) bool {
		if parts[i].Topic != parts[j].Topic {
			return parts[i].Topic < parts[j].Topic
		}
		return parts[i].Partition < parts[j].Partition
	})
	rows := make([]SeekRow, 0, len(parts))
	for _, k := range parts {
		r := SeekRow{Topic: k.Topic, Partition: k.Partition}
		if c, ok := commits.Lookup(k.Topic, k.Partition); ok && c.Err == nil && c.At >= 0 {
			r.Current = ptr(c.At)
		}
		lo, lerr := listed(start, nil, k)
		hi, herr := listed(end, nil, k)
		if lerr != nil || herr != nil {
			r.Error = "offsets not available: " + errText(errors.Join(lerr, herr))
			rows = append(rows, r)
			continue
		}
		var target int64
		switch {
		case spec == nil:
			target = file[k]
		case spec.Kind == offsetspec.Start:
			target = lo
		case spec.Kind == offsetspec.End:
			target = hi
		case spec.Kind == offsetspec.Exact:
			target = spec.Offset
		case spec.Kind == offsetspec.FromStart || spec.Kind == offsetspec.FromEnd:
			if r.Current == nil {
				r.Error = "no committed offset to move from: use start, end, an offset or a time"
				rows = append(rows, r)
				continue
			}
			if spec.Kind == offsetspec.FromStart {
				target = *r.Current + spec.Offset
			} else {
				target = *r.Current - spec.Offset
			}
		case spec.Kind == offsetspec.Time:
			o, ok := atTime.Lookup(k.Topic, k.Partition)
			switch {
			case !ok || o.Err != nil:
				r.Error = "offset for time not available"
				if ok {
					r.Error += ": " + errText(o.Err)
				}
				rows = append(rows, r)
				continue
			case o.Offset < 0:
				target = hi // no record at or after that time: the end
			default:
				target = o.Offset
			}
		}
		switch {
		case target < lo:
			r.Note = fmt.Sprintf("target %d is before the log start: clamped to %d", target, lo)
			target = lo
		case target > hi:
			r.Note = fmt.Sprintf("target %d is past the log end: clamped to %d", target, hi)
			target = hi
		}
		r.New = ptr(target)
		if r.Current != nil {
			r.Delta = ptr(target - *r.Current)
		}
		rows = append(rows, r)
	}
	return rows
}
