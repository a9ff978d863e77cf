package partition

import (
	"context"
	"fmt"
	"io"
	"regexp"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
)

type cancelOptions struct {
	IO      *cmdutil.IOStreams
	Admin   func() (*cmdutil.Admin, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer

	All    bool
	Topics *regexp.Regexp
	Exact  []string
	File   string
	// PreserveThrottles leaves the throttles set (the Java tool's --preserve-throttles).
	PreserveThrottles bool
}

// CancelResult is one cancelled partition.
type CancelResult struct {
	Topic     string  `json:"topic"`
	Partition int32   `json:"partition"`
	Replicas  []int32 `json:"replicas"` // while it was moving
	Result    string  `json:"result"`   // cancelled, failed
	Error     string  `json:"error,omitempty"`
}

const cancelLong = `Cancel running partition reassignments: every one (--all), those of some topics (--topic,
--topics), or those of a plan file (-f, the file given to execute). A cancelled partition goes
back to its replicas from before the reassignment; the data already copied to new replicas is
deleted. When no reassignment is left running, the replication throttles are removed.

With nothing running that matches, cancel says so and exits 1 (nothing was sent); if throttles
were left behind it says so too ("kafkit partition reassign status --clear-throttles" removes
them).`

func newCmdCancel(f *cmdutil.Factory, runF func(context.Context, *cancelOptions) error) *cobra.Command {
	opts := &cancelOptions{IO: f.IO, Admin: f.Admin, Context: f.Context}
	var of cmdutil.OutputFlags
	var topics string
	cmd := &cobra.Command{
		Use:   "cancel (--all | --topic NAME... | --topics REGEX | -f PLAN.json)",
		Short: "Cancel running reassignments and remove the throttles",
		Long:  cancelLong,
		Example: `  kafkit partition reassign cancel --all
  kafkit partition reassign cancel --topic orders
  kafkit partition reassign cancel -f plan.json`,
		Args: cmdutil.Args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			n := 0
			for _, given := range []bool{opts.All, topics != "" || len(opts.Exact) > 0, opts.File != ""} {
				if given {
					n++
				}
			}
			if n != 1 {
				return cmdutil.UsageErrorf("say what to cancel: --all, --topic NAME / --topics REGEX, or -f PLAN.json (one of them)")
			}
			var err error
			if topics != "" {
				if opts.Topics, err = cmdutil.NameRegex(topics); err != nil {
					return cmdutil.UsageErrorf("--topics: %v", err)
				}
			}
			if opts.Printer, err = of.Printer(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return cancelRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.All, "all", false, "cancel every running reassignment")
	fl.StringArrayVar(&opts.Exact, "topic", nil, "cancel the reassignments of this topic (repeatable)")
	fl.StringVar(&topics, "topics", "", "cancel the reassignments of the topics matching this regular expression")
	fl.StringVarP(&opts.File, "file", "f", "", "cancel the reassignments of the partitions in this plan file (- for stdin)")
	fl.BoolVar(&opts.PreserveThrottles, "preserve-throttles", false, "leave the replication throttles set")
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	return cmd
}

func cancelRun(ctx context.Context, opts *cancelOptions) error {
	match, err := cancelMatcher(opts)
	if err != nil {
		return err
	}
	ctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := opts.Admin()
	if err != nil {
		return err
	}
	running, err := ListRunning(ctx, adm)
	if err != nil {
		return err
	}
	var targets []Running
	for _, r := range running {
		if match(r.Topic, r.Partition) {
			targets = append(targets, r)
		}
	}
	if len(targets) == 0 {
		return nothingToCancel(ctx, adm, opts.IO.ErrOut, len(running))
	}
	results := CancelRunning(ctx, adm, targets)
	if err := printCancel(opts.IO.Out, opts.Printer, results); err != nil {
		return err
	}
	return afterCancel(ctx, adm, opts, results, len(running) == len(targets))
}

// cancelMatcher turns the selection into a predicate (a plan file is read here: usage errors).
func cancelMatcher(opts *cancelOptions) (func(string, int32) bool, error) {
	if opts.All {
		return func(string, int32) bool { return true }, nil
	}
	if opts.File != "" {
		plan, err := readPlanFile(opts.IO.In, opts.File)
		if err != nil {
			return nil, cmdutil.UsageErrorf("%s: %v", planName(opts.File), err)
		}
		set := kadm.TopicsSet{}
		for _, a := range plan {
			set.Add(a.Topic, a.Partition)
		}
		return func(t string, p int32) bool { _, ok := set[t][p]; return ok }, nil
	}
	exact := map[string]bool{}
	for _, n := range opts.Exact {
		exact[n] = true
	}
	return func(t string, _ int32) bool { return exact[t] || opts.Topics != nil && opts.Topics.MatchString(t) }, nil
}

// CancelRunning cancels the reassignments of rs (AlterPartitionAssignments with no replicas)
// and returns a result per partition.
func CancelRunning(ctx context.Context, adm *cmdutil.Admin, rs []Running) []CancelResult {
	req := kadm.AlterPartitionAssignmentsReq{}
	for _, r := range rs {
		req.CancelAssign(r.Topic, r.Partition)
	}
	resps, err := adm.AlterPartitionAssignments(ctx, req)
	out := make([]CancelResult, len(rs))
	for i, r := range rs {
		out[i] = CancelResult{Topic: r.Topic, Partition: r.Partition, Replicas: r.Replicas, Result: "cancelled"}
		e := err
		if err == nil {
			a, ok := resps[r.Topic][r.Partition]
			switch {
			case !ok:
				e = fmt.Errorf("no answer from the cluster")
			case a.Err != nil && a.ErrMessage != "":
				e = fmt.Errorf("%v: %s", a.Err, a.ErrMessage)
			default:
				e = a.Err
			}
		}
		if e != nil {
			out[i].Result, out[i].Error = "failed", e.Error()
		}
	}
	return out
}

func nothingToCancel(ctx context.Context, adm *cmdutil.Admin, w io.Writer, running int) error {
	msg := "no partition reassignment is running: nothing to cancel"
	if running > 0 {
		msg = fmt.Sprintf("none of the %s being reassigned matches: nothing to cancel", countPartitions(running))
	}
	if running == 0 {
		if st, err := FetchState(ctx, adm); err == nil {
			if th, err := FindThrottles(ctx, adm, st); err == nil && !th.Empty() {
				fmt.Fprintf(w, "warning: replication throttles are left behind on %s: remove them with \"kafkit partition reassign status --clear-throttles\"\n", th.Describe())
			}
		}
	}
	return fmt.Errorf("%s", msg)
}

// afterCancel reports failures and removes the throttles once nothing runs any more.
func afterCancel(ctx context.Context, adm *cmdutil.Admin, opts *cancelOptions, results []CancelResult, allCancelled bool) error {
	failed := 0
	for _, r := range results {
		if r.Result == "failed" {
			failed++
			fmt.Fprintf(opts.IO.ErrOut, "error: %s-%d: cancel failed: %s\n", r.Topic, r.Partition, r.Error)
		}
	}
	switch {
	case opts.PreserveThrottles:
	case !allCancelled || failed > 0:
		fmt.Fprintln(opts.IO.ErrOut, "other reassignments are still running: the throttles stay set until they end")
	default:
		if err := clearAllThrottles(ctx, adm, opts.IO.ErrOut); err != nil {
			return err
		}
	}
	if failed > 0 {
		return cmdutil.SilentError
	}
	return nil
}

func clearAllThrottles(ctx context.Context, adm *cmdutil.Admin, w io.Writer) error {
	st, err := FetchState(ctx, adm)
	if err != nil {
		return err
	}
	th, err := FindThrottles(ctx, adm, st)
	if err != nil || th.Empty() {
		return err
	}
	if err := ClearThrottles(ctx, adm, th.BrokerIDs(), th.TopicNames()); err != nil {
		return err
	}
	fmt.Fprintf(w, "throttles removed from %s\n", th.Describe())
	return nil
}

func printCancel(w io.Writer, pr output.Printer, rs []CancelResult) error {
	return pr.Print(w, rs, func(t *output.Text) error {
		rows := make([][]string, len(rs))
		for i, r := range rs {
			rows[i] = []string{r.Topic, fmt.Sprint(r.Partition), joinIDs(r.Replicas), r.Result}
		}
		return t.Table([]string{"TOPIC", "PARTITION", "REPLICAS", "RESULT"}, rows)
	})
}
