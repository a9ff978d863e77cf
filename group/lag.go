package group

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/offsetspec"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/text"
)

type lagOptions struct {
	IO            *cmdutil.IOStreams
	Admin         func() (*cmdutil.Admin, error)
	Context       func(context.Context) (context.Context, context.CancelFunc, error)
	StreamContext func(context.Context) (context.Context, context.CancelFunc, error)
	Printer       output.Printer
	Now           func() time.Time

	Groups             []string
	All                bool
	Topics             map[string]bool
	NoTimeLag          bool
	Partitions         bool
	ExcludeUncommitted bool
	FailAbove          int64         // < 0: no check
	FailTimeAbove      time.Duration // 0: no check
	Watch              time.Duration // 0: one snapshot
}

// LagRow is one group and topic of `group lag`. A group with nothing to show (no commits, no
// assignment) or that failed has one row with an empty topic.
type LagRow struct {
	Group           string         `json:"group"`
	Topic           string         `json:"topic"`
	Type            string         `json:"type"`
	State           string         `json:"state"`
	Members         int            `json:"members"`
	Partitions      int            `json:"partitions"`
	Lagging         int            `json:"lagging"`
	UnknownLag      int            `json:"partitions_with_unknown_lag"`
	Uncommitted     int            `json:"uncommitted_partitions"`
	TotalLag        int64          `json:"total_lag"`
	MaxLag          int64          `json:"max_lag"`
	MaxLagPartition *int32         `json:"max_lag_partition"`
	TimeLagMs       *int64         `json:"time_lag_ms"`
	ConsumeRate     *float64       `json:"consume_rate,omitempty"` // records/s, --watch
	ProduceRate     *float64       `json:"produce_rate,omitempty"` // records/s, --watch
	CatchUp         string         `json:"catch_up,omitempty"`     // --watch
	HeldByTxn       []string       `json:"held_by_txn,omitempty"`  // open transactions holding partitions at their last stable offset
	Error           string         `json:"error,omitempty"`
	PartitionLags   []PartitionLag `json:"partition_lags,omitempty"` // --partitions

	// Sums over the partitions with both a commit and an end offset, for watch rates.
	committedSum, endSum int64
	sums                 bool
	// timeUnknown: lagging partitions whose first unconsumed record could not be read.
	timeUnknown int
}

const lagLong = `Show one row per group and topic: PARTITIONS, LAGGING (partitions with lag > 0), TOTAL-LAG,
MAX-LAG (with its partition), TIME-LAG and STATE.

Every partition of every topic the group consumes (has a commit on, or is assigned) is counted,
not only the committed ones: a partition with no commit (it had no records when the group last
ran, or was added later) has lag = log end - log start, what a consumer that resets to the
earliest offset reads; it shows CURRENT-OFFSET "-" and a note with --partitions, and counts
for --fail-above and --fail-time-above. --exclude-uncommitted leaves such partitions out of the
lag (unknown, "-"), as kafka-consumer-groups does.

TIME-LAG is how far behind the group is in time: now minus the timestamp of the first record
the group has not consumed, the worst of the topic's partitions ("-" when caught up). It costs
one small fetch per lagging partition; --no-time-lag skips them.

With no GROUP, or with --all, every group is shown, with a constant number of requests
however many groups there are.

Checks for scripts and probes: --fail-above N exits 3 when a group's total lag is above N,
--fail-time-above 5m when its time lag is above 5 minutes; the offenders are named on stderr.

--watch [INTERVAL] (default 5s) redraws every interval (appends snapshots when stdout is not
a terminal) and adds the consume and produce rates and the time to catch up; Ctrl-C stops it.`

// lagFlags are the flag values that need checking before they become options.
type lagFlags struct {
	topics          []string
	failAbove       int64
	failTime, watch string
}

func newCmdLag(f *cmdutil.Factory, runF func(context.Context, *lagOptions) error) *cobra.Command {
	opts := &lagOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, StreamContext: f.StreamContext, Now: time.Now}
	var of cmdutil.OutputFlags
	var lf lagFlags
	cmd := &cobra.Command{
		Use:   "lag [GROUP...] [--all]",
		Short: "Show how far behind groups are, in records and in time; check it against thresholds",
		Long:  lagLong,
		Example: `  kafkit group lag
  kafkit group lag orders-service --topic orders
  kafkit group lag --all --fail-above 10000 --fail-time-above 5m || echo "consumers are behind"
  kafkit group lag orders-service --watch
  kafkit group lag --all -o json --partitions | jq '.[] | select(.total_lag > 0)'`,
		ValidArgsFunction: cmdutil.CompleteGroups(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := lf.apply(opts, args, cmd.Flags().Changed); err != nil {
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
			return lagRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.All, "all", false, "every group (the default when no group is named)")
	fl.BoolVar(&opts.All, "all-groups", false, "alias of --all")
	_ = fl.MarkHidden("all-groups")
	fl.StringSliceVarP(&lf.topics, "topic", "t", nil, "only these topics (repeatable or comma separated)")
	fl.BoolVar(&opts.NoTimeLag, "no-time-lag", false, "skip the fetches that measure TIME-LAG")
	fl.BoolVar(&opts.Partitions, "partitions", false, "also show every partition (in JSON/YAML: partition_lags)")
	fl.BoolVar(&opts.ExcludeUncommitted, "exclude-uncommitted", false, "do not count partitions the group has no commit on (their lag is unknown, \"-\")")
	fl.Int64Var(&lf.failAbove, "fail-above", 0, "exit 3 if a group's total lag is above `N` records")
	fl.StringVar(&lf.failTime, "fail-time-above", "", "exit 3 if a group's time lag is above `DURATION` (30s, 5m, 1h, 2d)")
	fl.StringVarP(&lf.watch, "watch", "w", "", "redraw every `INTERVAL` (default 5s) with consume/produce rates; Ctrl-C stops")
	fl.Lookup("watch").NoOptDefVal = "5s"
	_ = cmd.RegisterFlagCompletionFunc("topic", cmdutil.CompleteTopics(f))
	cmdutil.AddOutputFlags(cmd, &of)
	return cmd
}

// apply checks the flags and fills opts; changed says whether a flag was given.
func (lf *lagFlags) apply(opts *lagOptions, args []string, changed func(string) bool) error {
	args, lf.watch = watchIntervalArg(changed("watch"), lf.watch, args)
	opts.Groups = args
	if opts.All && len(args) > 0 {
		return cmdutil.UsageErrorf("pass group names or --all, not both")
	}
	opts.All = len(args) == 0
	if len(lf.topics) > 0 {
		opts.Topics = map[string]bool{}
		for _, t := range lf.topics {
			opts.Topics[t] = true
		}
	}
	opts.FailAbove = -1
	if changed("fail-above") {
		if lf.failAbove < 0 {
			return cmdutil.UsageErrorf("--fail-above must not be negative")
		}
		opts.FailAbove = lf.failAbove
	}
	if lf.failTime != "" {
		d, err := offsetspec.ParseDuration(lf.failTime)
		if err != nil {
			return cmdutil.UsageErrorf("--fail-time-above: %v (use e.g. 30s, 5m, 1h, 2d)", err)
		}
		opts.FailTimeAbove = d
		if opts.NoTimeLag {
			return cmdutil.UsageErrorf("--fail-time-above needs the time lag: drop --no-time-lag")
		}
	}
	if !changed("watch") {
		return nil
	}
	d, err := offsetspec.ParseDuration(lf.watch)
	if err != nil || d < 100*time.Millisecond {
		return cmdutil.UsageErrorf("--watch: bad interval %q (use e.g. 2s, 10s, 1m)", lf.watch)
	}
	opts.Watch = d
	if opts.FailAbove >= 0 || opts.FailTimeAbove > 0 {
		return cmdutil.UsageErrorf("--watch cannot be combined with --fail-above or --fail-time-above")
	}
	return nil
}

// watchIntervalArg lets `--watch 10s` mean `--watch=10s`: a flag with an optional value takes
// only the = form, so the interval arrives as a positional argument. A positional argument
// that is a duration (a group name never looks like "10s" in practice) is taken as the interval.
func watchIntervalArg(changed bool, watch string, args []string) ([]string, string) {
	if !changed || watch != "5s" {
		return args, watch
	}
	for i, a := range args {
		if a != "" && a[0] >= '0' && a[0] <= '9' {
			if _, err := offsetspec.ParseDuration(a); err == nil {
				return append(append([]string{}, args[:i]...), args[i+1:]...), a
			}
		}
	}
	return args, watch
}

func lagRun(ctx context.Context, opts *lagOptions) error {
	if opts.Watch > 0 {
		return watchRun(ctx, opts)
	}
	rows, notFound, err := lagSnapshot(ctx, opts)
	if err != nil {
		return err
	}
	if err := opts.Printer.Print(opts.IO.Out, rows, func(t *output.Text) error {
		return writeLag(t, rows, opts.Partitions, false)
	}); err != nil {
		return err
	}
	failed := 0
	for _, r := range rows {
		if r.Error != "" {
			fmt.Fprintf(opts.IO.ErrOut, "error: group %q%s: %s\n", r.Group, topicSuffix(r.Topic), text.Safe(r.Error))
			failed++
		}
	}
	offenders := checkThresholds(rows, opts.FailAbove, opts.FailTimeAbove)
	for _, o := range offenders {
		fmt.Fprintln(opts.IO.ErrOut, o)
	}
	// A check that could not see everything has not passed either: a failure (exit 1) wins
	// over "over the threshold" (exit 3).
	if err := notFoundError(notFound, failed); err != nil {
		return err
	}
	if len(offenders) > 0 {
		return cmdutil.CheckFailed(text.Count(len(offenders), "group") + " over the lag threshold")
	}
	return nil
}

func topicSuffix(t string) string {
	if t == "" {
		return ""
	}
	return ", topic " + t
}

// lagSnapshot collects once and returns the rows (time lag included unless disabled).
func lagSnapshot(ctx context.Context, opts *lagOptions) ([]LagRow, []string, error) {
	ctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer cancel()
	adm, err := opts.Admin()
	if err != nil {
		return nil, nil, err
	}
	snap, err := collect(ctx, adm, collectOptions{Names: opts.Groups, All: opts.All, Offsets: true, Topics: opts.Topics})
	if err != nil {
		return nil, nil, err
	}
	printWarnings(opts.IO.ErrOut, snap.Warnings)
	per := map[string][]PartitionLag{}
	for _, g := range snap.Groups {
		per[g.Name] = snap.groupLags(g, opts.Topics, opts.ExcludeUncommitted)
	}
	markHeldByTxn(ctx, adm, per, opts.Now(), opts.IO.ErrOut)
	warnShareUpperBound(opts.IO.ErrOut, per)
	measured := false
	if !opts.NoTimeLag {
		if measured, err = measureTimeLag(ctx, adm, per, opts); err != nil {
			return nil, nil, err
		}
	}
	rows := lagView(snap, per, opts.Partitions, opts.Topics != nil)
	warnTimeUnknown(opts.IO.ErrOut, rows, measured)
	return rows, snap.NotFound, nil
}

// timePositions is the position of every lagging partition, where its time lag is read.
func timePositions(per map[string][]PartitionLag) []tpo {
	var want []tpo
	for _, rows := range per {
		for _, r := range rows {
			if from, ok := position(r); ok {
				want = append(want, tpo{r.Topic, r.Partition, from})
			}
		}
	}
	return want
}

// measureTimeLag fills the time lag of the lagging rows; measured is false when none lags.
func measureTimeLag(ctx context.Context, adm *cmdutil.Admin, per map[string][]PartitionLag, opts *lagOptions) (bool, error) {
	want := timePositions(per)
	if len(want) == 0 {
		return false, nil
	}
	ts, err := fetchTimestamps(ctx, adm, want)
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		fmt.Fprintf(opts.IO.ErrOut, "warning: time lag not measured: %v\n", err)
	}
	now := opts.Now()
	for _, rows := range per {
		applyTimeLag(rows, ts, now)
	}
	return true, nil
}

// warnTimeUnknown says how many lagging partitions have no time lag; without a measurement the
// rows' counts are cleared (TIME-LAG shows "-", not "?").
func warnTimeUnknown(w io.Writer, rows []LagRow, measured bool) {
	unknown := 0
	for i := range rows {
		if !measured {
			rows[i].timeUnknown = 0
		}
		unknown += rows[i].timeUnknown
	}
	if unknown > 0 {
		fmt.Fprintf(w, "warning: time lag unknown for %s (shown as ?): their first unconsumed record could not be read\n", text.Count(unknown, "lagging partition"))
	}
}

// lagView groups each group's partition rows by topic, sorted by group then topic.
// With topicFilter, groups without a row for the chosen topics are left out.
func lagView(snap *snapshot, per map[string][]PartitionLag, withPartitions, topicFilter bool) []LagRow {
	out := []LagRow{}
	for _, g := range snap.Groups {
		base := LagRow{Group: g.Name, Type: g.Type, State: g.State, Members: len(g.Members)}
		switch {
		case g.Err != nil:
			base.Error = "describe: " + g.Err.Error()
			out = append(out, base)
		case g.CommitErr != nil:
			base.Error = "committed offsets: " + errText(g.CommitErr)
			out = append(out, base)
		case len(per[g.Name]) == 0:
			if !topicFilter {
				out = append(out, base)
			}
		default:
			out = append(out, topicRows(base, per[g.Name], withPartitions)...)
		}
	}
	return out
}

// topicRows sums one group's partition rows (sorted by topic) into one row per topic.
func topicRows(base LagRow, rows []PartitionLag, withPartitions bool) []LagRow {
	var out []LagRow
	for i := 0; i < len(rows); {
		j := i
		for j < len(rows) && rows[j].Topic == rows[i].Topic {
			j++
		}
		out = append(out, topicRow(base, rows[i:j], withPartitions))
		i = j
	}
	return out
}

func topicRow(base LagRow, ps []PartitionLag, withPartitions bool) LagRow {
	s := summarize(ps)
	r := base
	r.Topic, r.Partitions, r.Lagging, r.UnknownLag, r.Uncommitted, r.TotalLag, r.MaxLag = ps[0].Topic, s.Partitions, s.Lagging, s.Unknown, s.Uncommitted, s.TotalLag, s.MaxLag
	if s.MaxLagPartition >= 0 {
		r.MaxLagPartition = ptr(s.MaxLagPartition)
	}
	r.TimeLagMs = s.MaxTimeLagMs
	var errs []string
	for _, p := range ps {
		if p.Error != "" {
			errs = append(errs, fmt.Sprintf("partition %d: %s", p.Partition, p.Error))
		}
		if p.Lag != nil && *p.Lag > 0 && p.TimeLagMs == nil {
			r.timeUnknown++
		}
		if p.CurrentOffset != nil && p.LogEndOffset != nil {
			r.committedSum += *p.CurrentOffset
			r.endSum += *p.LogEndOffset
			r.sums = true
		}
	}
	r.Error = joinNonEmpty("; ", errs...)
	r.HeldByTxn = heldBy(ps)
	if withPartitions {
		r.PartitionLags = ps
	}
	return r
}

func maxLagText(r LagRow) string {
	if r.MaxLagPartition == nil {
		return strconv.FormatInt(r.MaxLag, 10)
	}
	return fmt.Sprintf("%d (p%d)", r.MaxLag, *r.MaxLagPartition)
}

// writeLag renders the lag table (and with partitions the per-partition table); watch adds the
// rate columns.
func writeLag(t *output.Text, rows []LagRow, partitions, watch bool) error {
	headers := []string{"GROUP", "TOPIC", "PARTITIONS", "LAGGING", "TOTAL-LAG", "MAX-LAG", "TIME-LAG", "STATE"}
	if watch {
		headers = append(headers, "CONSUME/S", "PRODUCE/S", "CATCH-UP")
	}
	if t.Wide {
		headers = append(headers, "TYPE", "MEMBERS", "ERROR")
	}
	var table [][]string
	for _, r := range rows {
		row := []string{r.Group, output.Dash(r.Topic), strconv.Itoa(r.Partitions), strconv.Itoa(r.Lagging),
			strconv.FormatInt(r.TotalLag, 10), maxLagText(r), timeLagText(r), output.Dash(r.State)}
		if r.Topic == "" && r.Partitions == 0 {
			row[2], row[3], row[4], row[5] = "-", "-", "-", "-"
		}
		if r.UnknownLag > 0 {
			row[4] += "+?"
		}
		if watch {
			row = append(row, rate(r.ConsumeRate), rate(r.ProduceRate), output.Dash(r.CatchUp))
		}
		if t.Wide {
			row = append(row, r.Type, strconv.Itoa(r.Members), output.Dash(r.Error))
		}
		table = append(table, row)
	}
	if err := safeTable(t, headers, table); err != nil {
		return err
	}
	if !partitions {
		return nil
	}
	var prow [][]string
	for _, r := range rows {
		for _, p := range r.PartitionLags {
			prow = append(prow, []string{r.Group, p.Topic, strconv.Itoa(int(p.Partition)), num(p.CurrentOffset), num(p.LogEndOffset),
				num(p.Lag), formatAge(p.TimeLagMs), output.Dash(joinNonEmpty("; ", p.Error, p.Note))})
		}
	}
	t.Linef("")
	return safeTable(t, []string{"GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "TIME-LAG", "NOTE"}, prow)
}

// timeLagText is the worst time lag; "?" when some lagging partition's could not be measured
// and none could, "-" when caught up (or not measured).
func timeLagText(r LagRow) string {
	if r.TimeLagMs == nil && r.timeUnknown > 0 {
		return "?"
	}
	return formatAge(r.TimeLagMs)
}

func rate(v *float64) string {
	if v == nil {
		return "-"
	}
	return strconv.FormatFloat(*v, 'f', 1, 64)
}

// checkThresholds names each group over a threshold: total lag over all its topics above
// maxLag (when >= 0), or worst time lag above maxTime (when > 0).
func checkThresholds(rows []LagRow, maxLag int64, maxTime time.Duration) []string {
	type agg struct {
		lag  int64
		time *int64
	}
	groups := map[string]*agg{}
	var order []string
	for _, r := range rows {
		a, ok := groups[r.Group]
		if !ok {
			a = &agg{}
			groups[r.Group] = a
			order = append(order, r.Group)
		}
		a.lag += r.TotalLag
		if r.TimeLagMs != nil && (a.time == nil || *r.TimeLagMs > *a.time) {
			a.time = r.TimeLagMs
		}
	}
	var out []string
	for _, g := range order {
		a := groups[g]
		if maxLag >= 0 && a.lag > maxLag {
			out = append(out, fmt.Sprintf("lag check failed: group %q total lag %d > %d (--fail-above)", g, a.lag, maxLag))
		}
		if maxTime > 0 && a.time != nil && time.Duration(*a.time)*time.Millisecond > maxTime {
			out = append(out, fmt.Sprintf("lag check failed: group %q time lag %s > %s (--fail-time-above)", g, formatAge(a.time), maxTime))
		}
	}
	return out
}
