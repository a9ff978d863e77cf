package group

import (
	"cmp"
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

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/offsetspec"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/text"
)

type seekOptions struct {
	IO      *cmdutil.IOStreams
	Admin   func() (*cmdutil.Admin, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer // Format formatCSV: the plan as topic,partition,offset lines

	Group     string
	Spec      *offsetspec.Spec // nil with FromFile
	FromFile  map[tp]int64     // --to-file
	FileLines map[tp]int       // --to-file: the line of each partition, for errors
	Topics    []topicSel
	AllTopics bool
	Execute   bool
}

// formatCSV is seek's -o csv: the kafka-consumer-groups --export format.
const formatCSV output.Format = "csv"

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

const seekLong = `Move a group's committed offsets, like kafka-consumer-groups --reset-offsets. Prints the plan
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

Targets outside [log start, log end] are clamped, with a warning. The whole plan is checked
before anything is sent: a partition that does not exist (the error names its --to-file line),
or whose offsets cannot be read, fails the plan and nothing is committed. The group must have no
active members: stop its consumers first (the plan is still shown).

-o csv prints the plan as CSV for --to-file or kafka-consumer-groups --from-file (--export is the
deprecated spelling of -o csv).

Share groups: the offsets moved are the share-partition start offsets (AlterShareGroupOffsets),
as kafka-share-groups.sh --reset-offsets does; the group must be empty (Kafka 4.2+: Kafka 4.1
accepts the request and changes nothing, which kafkit reports per partition). Streams groups have
ordinary commits. A group that does not exist yet is seeded as a consumer group.

Without --execute (or with --dry-run) seek is a dry run.
` + dryRunHelp

func newCmdSeek(f *cmdutil.Factory, runF func(context.Context, *seekOptions) error) *cobra.Command {
	opts := &seekOptions{IO: f.IO, Admin: f.Admin, Context: f.Context}
	var of cmdutil.OutputFlags
	var to, toFile string
	var topics []string
	var dryRun, export bool
	cmd := &cobra.Command{
		Use:   "seek GROUP --to SPEC|--to-file CSV (--topic T[:P,..]... | --all-topics) [--execute]",
		Short: "Plan, and with --execute apply, new committed offsets for a group (reset offsets)",
		Long:  seekLong,
		Example: `  kafkit group seek orders-service --to start --all-topics
  kafkit group seek orders-service --to @-1h --topic orders --execute
  kafkit group seek orders-service --to -100 --topic orders:0,1 --execute
  kafkit group seek orders-service --to end --all-topics -o csv > before.csv
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
			p, err := seekPrinter(&of, export, cmd.Flags().Changed("output"))
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
	fl.BoolVar(&dryRun, "dry-run", false, "only show the plan, checked against the group's current state (the default)")
	fl.BoolVar(&export, "export", false, "deprecated: the same as -o csv")
	_ = cmd.RegisterFlagCompletionFunc("topic", cmdutil.CompleteTopics(f))
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.Wide, output.JSON, output.YAML, formatCSV)
	return cmd
}

// seekPrinter resolves -o; --export is -o csv and contradicts any other -o.
func seekPrinter(of *cmdutil.OutputFlags, export, outputChanged bool) (output.Printer, error) {
	p, err := of.Printer()
	if err != nil || !export {
		return p, err
	}
	if outputChanged && p.Format != formatCSV {
		return p, cmdutil.UsageErrorf("--export means -o csv: drop -o %s or --export", p.Format)
	}
	p.Format = formatCSV
	return p, nil
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
		m, lines, err := parseResetCSV(strings.NewReader(string(data)), opts.Group)
		if err != nil {
			return cmdutil.UsageErrorf("--to-file %s: %v", toFile, err)
		}
		opts.FromFile, opts.FileLines = m, lines
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

func seekRun(ctx context.Context, opts *seekOptions) error {
	ctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := opts.Admin()
	if err != nil {
		return err
	}
	res, st, err := planAndApply(ctx, adm, opts)
	if err != nil {
		return err
	}
	for _, r := range res.Plan {
		if r.Note != "" {
			fmt.Fprintf(opts.IO.ErrOut, "warning: %s/%d: %s\n", r.Topic, r.Partition, r.Note)
		}
	}
	if err := printPlan(opts, res); err != nil {
		return err
	}
	return seekReport(opts, res, st)
}

// seekState is what a seek plan is computed from: the group's state, its commits, the
// partitions chosen (those that do not exist as plan rows with their error) and their offsets.
type seekState struct {
	State   string // "does not exist" for a group that a seek would create
	Type    string // classic, consumer, share, streams; "" for a group that does not exist
	Members int
	Commits kadm.OffsetResponses
	Parts   []tp
	Bad     []SeekRow
	Start   kadm.ListedOffsets
	End     kadm.ListedOffsets
	AtTime  kadm.ListedOffsets
}

// fetchSeekState reads the group, its commits, the topics' partitions and their offsets.
func fetchSeekState(ctx context.Context, adm *cmdutil.Admin, opts *seekOptions) (*seekState, error) {
	st := &seekState{State: "does not exist"}
	snap, err := collect(ctx, adm, collectOptions{Names: []string{opts.Group}})
	if err != nil {
		return nil, err
	}
	if len(snap.Groups) == 1 {
		g := snap.Groups[0]
		if g.Err != nil {
			return nil, fmt.Errorf("cannot describe group %q: %s", opts.Group, text.Safe(g.Err.Error()))
		}
		st.State, st.Members, st.Type = g.State, len(g.Members), g.Type
	}
	if st.Type == "share" {
		if err := st.shareStartOffsets(ctx, adm, snap.Groups[0]); err != nil {
			return nil, err
		}
		return st, st.finish(ctx, adm, opts)
	}
	if err := seekableType(opts.Group, st.Type); err != nil {
		return nil, err
	}
	err = retryCoordinatorErr(ctx, func() error {
		var err error
		st.Commits, err = adm.FetchOffsets(ctx, opts.Group)
		return err
	})
	if errors.Is(err, kerr.GroupIDNotFound) {
		// A group that does not exist yet can be seeded, as kafka-consumer-groups allows.
		st.Commits, err = kadm.OffsetResponses{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the committed offsets of %q: %v", opts.Group, errText(err))
	}
	return st, st.finish(ctx, adm, opts)
}

// finish chooses the partitions and lists their offsets.
func (st *seekState) finish(ctx context.Context, adm *cmdutil.Admin, opts *seekOptions) error {
	if err := st.choosePartitions(ctx, adm, opts); err != nil {
		return err
	}
	return st.listOffsets(ctx, adm, opts.Spec)
}

// choosePartitions fills Parts (and Bad) from --to-file, --all-topics or --topic, checked
// against the cluster's metadata.
func (st *seekState) choosePartitions(ctx context.Context, adm *cmdutil.Admin, opts *seekOptions) error {
	var names []string
	switch {
	case opts.FromFile != nil:
		for k := range opts.FromFile {
			names = append(names, k.Topic)
		}
	case opts.AllTopics:
		st.Commits.Each(func(o kadm.OffsetResponse) {
			if o.Err == nil && o.At >= 0 {
				names = append(names, o.Topic)
			}
		})
		if len(names) == 0 {
			return fmt.Errorf("group %q has no committed offsets: name the topics with --topic", opts.Group)
		}
	default:
		for _, s := range opts.Topics {
			names = append(names, s.Topic)
		}
	}
	td, err := adm.ListTopics(ctx, text.Unique(names)...)
	if err != nil {
		return fmt.Errorf("cannot read the topics' metadata: %v", err)
	}
	exist := topicPartitions(td)
	switch {
	case opts.FromFile != nil:
		st.Parts, st.Bad = fileTargets(opts.FromFile, opts.FileLines, exist)
	case opts.AllTopics:
		st.Parts, st.Bad = commitTargets(st.Commits, exist)
	default:
		var missing []string
		st.Parts, st.Bad, missing = topicTargets(opts.Topics, exist)
		switch {
		case len(missing) == 1:
			return fmt.Errorf("topic %q does not exist", missing[0])
		case len(missing) > 1:
			return fmt.Errorf("topics %s do not exist", strings.Join(quoteAll(missing), ", "))
		}
	}
	return nil
}

// topicPartitions is the partitions of each topic that exists.
func topicPartitions(td kadm.TopicDetails) map[string][]int32 {
	out := map[string][]int32{}
	for t, d := range td {
		if d.Err == nil {
			out[t] = d.Partitions.Numbers()
		}
	}
	return out
}

// partitionMissing says why k is not in the cluster, or "" when it is.
func partitionMissing(k tp, exist map[string][]int32) string {
	ps, ok := exist[k.Topic]
	if !ok {
		return fmt.Sprintf("topic %q does not exist", k.Topic)
	}
	for _, p := range ps {
		if p == k.Partition {
			return ""
		}
	}
	return fmt.Sprintf("partition %d does not exist (topic %q has %s)", k.Partition, k.Topic, text.Count(len(ps), "partition"))
}

// fileTargets checks every --to-file line against the cluster: the partitions that exist, and a
// row naming the line of each one that does not.
func fileTargets(file map[tp]int64, lines map[tp]int, exist map[string][]int32) ([]tp, []SeekRow) {
	var parts []tp
	var bad []SeekRow
	for k := range file {
		if why := partitionMissing(k, exist); why != "" {
			bad = append(bad, SeekRow{Topic: k.Topic, Partition: k.Partition, Error: fmt.Sprintf("--to-file line %d: %s", lines[k], why)})
			continue
		}
		parts = append(parts, k)
	}
	return parts, bad
}

// commitTargets is every committed partition (--all-topics); a commit on a topic or partition
// that no longer exists is a bad row.
func commitTargets(commits kadm.OffsetResponses, exist map[string][]int32) ([]tp, []SeekRow) {
	var parts []tp
	var bad []SeekRow
	commits.Each(func(o kadm.OffsetResponse) {
		if o.Err != nil || o.At < 0 {
			return
		}
		k := tp{o.Topic, o.Partition}
		if why := partitionMissing(k, exist); why != "" {
			bad = append(bad, SeekRow{Topic: k.Topic, Partition: k.Partition, Current: ptr(o.At), Error: why})
			return
		}
		parts = append(parts, k)
	})
	return parts, bad
}

// topicTargets expands --topic selections; missing names the topics that do not exist.
func topicTargets(sels []topicSel, exist map[string][]int32) (parts []tp, bad []SeekRow, missing []string) {
	for _, s := range sels {
		ps, ok := exist[s.Topic]
		if !ok {
			missing = append(missing, s.Topic)
			continue
		}
		if s.Partitions == nil {
			s.Partitions = ps
		}
		for _, p := range s.Partitions {
			k := tp{s.Topic, p}
			if why := partitionMissing(k, exist); why != "" {
				bad = append(bad, SeekRow{Topic: k.Topic, Partition: k.Partition, Error: why})
				continue
			}
			parts = append(parts, k)
		}
	}
	return parts, bad, missing
}

// listOffsets lists the start and end (and for @TIME the time's) offsets of the chosen topics.
func (st *seekState) listOffsets(ctx context.Context, adm *cmdutil.Admin, spec *offsetspec.Spec) error {
	set := map[string]bool{}
	for _, k := range st.Parts {
		set[k.Topic] = true
	}
	var topics []string
	for t := range set {
		topics = append(topics, t)
	}
	sort.Strings(topics)
	if len(topics) == 0 {
		return nil
	}
	var serr, eerr, terr error
	st.Start, serr = adm.ListStartOffsets(ctx, topics...)
	st.End, eerr = adm.ListEndOffsets(ctx, topics...)
	if spec != nil && spec.Kind == offsetspec.Time {
		st.AtTime, terr = adm.ListOffsetsAfterMilli(ctx, spec.Millis, topics...)
	}
	for _, e := range []error{serr, eerr, terr} {
		var se *kadm.ShardErrors
		if e != nil && !errors.As(e, &se) {
			return fmt.Errorf("cannot list offsets: %v", e)
		}
	}
	return nil
}

// planSeek is the whole plan: the rows of the partitions that exist, and those that do not.
func planSeek(opts *seekOptions, st *seekState) []SeekRow {
	rows := append(seekPlan(st.Parts, opts.Spec, opts.FromFile, st.Commits, st.Start, st.End, st.AtTime), st.Bad...)
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Topic != rows[j].Topic {
			return rows[i].Topic < rows[j].Topic
		}
		return rows[i].Partition < rows[j].Partition
	})
	return rows
}

func planErrors(rows []SeekRow) int {
	n := 0
	for _, r := range rows {
		if r.Error != "" {
			n++
		}
	}
	return n
}

// seekReport names each failed row on stderr and ends the run: refused (active members, a plan
// with errors), applied, or a dry run.
func seekReport(opts *seekOptions, res SeekResult, st *seekState) error {
	failed := planErrors(res.Plan)
	for _, r := range res.Plan {
		if r.Error != "" {
			fmt.Fprintf(opts.IO.ErrOut, "error: %s/%d: %s\n", text.Safe(r.Topic), r.Partition, text.Safe(r.Error))
		}
	}
	refusal := fmt.Sprintf("group %q has %s (state %s): stop its consumers first", opts.Group, text.Count(res.Members, "active member"), res.State)
	switch {
	case res.Members > 0 && opts.Execute:
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: errors.New(refusal + "; nothing was changed")}
	case res.Members > 0:
		fmt.Fprintf(opts.IO.ErrOut, "warning: %s; --execute will be refused until then\n", refusal)
	case opts.Execute && !res.Applied:
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: fmt.Errorf("%s cannot be moved (named above): nothing was committed", text.Count(failed, "partition"))}
	case !opts.Execute:
		if res.State == "does not exist" {
			fmt.Fprintf(opts.IO.ErrOut, "group %q does not exist yet: --execute creates it with these offsets\n", opts.Group)
		}
		dryRunNote(opts.IO.ErrOut, "add --execute to apply this plan")
	case st.Type == "share" && failed == len(res.Plan):
		fmt.Fprintf(opts.IO.ErrOut, "no start offset of share group %q was set (named above)\n", opts.Group)
	case st.Type == "share":
		fmt.Fprintf(opts.IO.ErrOut, "set %s for share group %q\n", text.Count(len(res.Plan)-failed, "start offset"), opts.Group)
	default:
		fmt.Fprintf(opts.IO.ErrOut, "committed %s for group %q\n", text.Count(len(res.Plan)-failed, "offset"), opts.Group)
	}
	if failed > 0 {
		return cmdutil.SilentError
	}
	return nil
}

// executeSeek commits the new offsets of the plan in one OffsetCommit (retried while the
// coordinator is not ready); a failed partition gets its error in its row.
func executeSeek(ctx context.Context, adm *cmdutil.Admin, group string, res *SeekResult) error {
	os := make(kadm.Offsets)
	for _, r := range res.Plan {
		if r.Error == "" && r.New != nil {
			os.AddOffset(r.Topic, r.Partition, *r.New, -1)
		}
	}
	if len(os) == 0 {
		return nil
	}
	var resp kadm.OffsetResponses
	err := retryCoordinatorErr(ctx, func() error {
		var err error
		resp, err = adm.CommitOffsets(ctx, group, os)
		if err == nil {
			err = resp.Error() // a coordinator error comes back on every partition
		}
		return err
	})
	if err != nil && resp == nil {
		return fmt.Errorf("cannot commit the offsets of group %q: %v", group, errText(err))
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
	if opts.Printer.Format == formatCSV {
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
		return safeTable(t, headers, rows)
	})
}

// seekPlan computes the new offset of every partition, sorted. spec is nil when the offsets come
// from a file. +N/-N move from the committed offset. Targets outside [start, end] are clamped
// with a note; a partition whose offsets are unknown, or that has no commit to shift from, gets
// an error and is not moved.
func seekPlan(parts []tp, spec *offsetspec.Spec, file map[tp]int64, commits kadm.OffsetResponses, start, end, atTime kadm.ListedOffsets) []SeekRow {
	sortTPs(parts)
	rows := make([]SeekRow, 0, len(parts))
	for _, k := range parts {
		r := SeekRow{Topic: k.Topic, Partition: k.Partition}
		if c, ok := commits.Lookup(k.Topic, k.Partition); ok && c.Err == nil && c.At >= 0 {
			r.Current = ptr(c.At)
		}
		lo, lerr := listed(start, nil, k)
		hi, herr := listed(end, nil, k)
		if lerr != nil || herr != nil {
			r.Error = "offsets not available: " + errText(cmp.Or(lerr, herr)) // one reason, not the same twice
			rows = append(rows, r)
			continue
		}
		target, err := seekTarget(k, spec, file, r.Current, lo, hi, atTime)
		if err != "" {
			r.Error = err
			rows = append(rows, r)
			continue
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

// seekTarget is k's target before clamping to [lo, hi], or why there is none.
func seekTarget(k tp, spec *offsetspec.Spec, file map[tp]int64, current *int64, lo, hi int64, atTime kadm.ListedOffsets) (int64, string) {
	switch {
	case spec == nil:
		return file[k], ""
	case spec.Kind == offsetspec.Start:
		return lo, ""
	case spec.Kind == offsetspec.End:
		return hi, ""
	case spec.Kind == offsetspec.Exact:
		return spec.Offset, ""
	case spec.Kind == offsetspec.FromStart || spec.Kind == offsetspec.FromEnd:
		if current == nil {
			return 0, "no committed offset to move from: use start, end, an offset or a time"
		}
		if spec.Kind == offsetspec.FromStart {
			return *current + spec.Offset, ""
		}
		return *current - spec.Offset, ""
	case spec.Kind == offsetspec.Time:
		o, ok := atTime.Lookup(k.Topic, k.Partition)
		switch {
		case !ok:
			return 0, "offset for time not available"
		case o.Err != nil:
			return 0, "offset for time not available: " + errText(o.Err)
		case o.Offset < 0:
			return hi, "" // no record at or after that time: the end
		}
		return o.Offset, ""
	}
	return 0, "unknown target"
}
