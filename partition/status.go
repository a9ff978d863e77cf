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

type statusOptions struct {
	IO      *cmdutil.IOStreams
	Admin   func() (*cmdutil.Admin, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer

	Topics *regexp.Regexp
	Clear  bool
}

// StatusView is what status shows (and its JSON).
type StatusView struct {
	Reassignments []Running `json:"reassignments"`
	Throttles     Throttles `json:"throttles"`
	// LeftoverThrottles: throttles are set while no reassignment runs.
	LeftoverThrottles bool `json:"leftover_throttles"`
	ThrottlesCleared  bool `json:"throttles_cleared"`
}

const statusLong = `Show the running partition reassignments (ListPartitionReassignments): each partition's
replicas, the ones being added and removed, and the bytes the adding replicas still have to copy
(from the brokers' log dir sizes). Then the replication throttles set on brokers and topics;
throttles set while nothing is moving were left behind (by a kafkit or Java run that did not
wait for the end): status says so, and --clear-throttles removes them (refused while a
reassignment runs, since removing them would unthrottle it).`

func newCmdStatus(f *cmdutil.Factory, runF func(context.Context, *statusOptions) error) *cobra.Command {
	opts := &statusOptions{IO: f.IO, Admin: f.Admin, Context: f.Context}
	var of cmdutil.OutputFlags
	var topics string
	cmd := &cobra.Command{
		Use:   "status [--topics REGEX] [--clear-throttles]",
		Short: "Show running reassignments, their progress and the throttles set",
		Long:  statusLong,
		Example: `  kafkit partition reassign status
  kafkit partition reassign status -o json
  kafkit partition reassign status --clear-throttles`,
		Args: cmdutil.Args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
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
			return statusRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&topics, "topics", "", "only the topics matching this regular expression")
	cmd.Flags().BoolVar(&opts.Clear, "clear-throttles", false, "remove the throttles when no reassignment is running")
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	return cmd
}

func statusRun(ctx context.Context, opts *statusOptions) error {
	ctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := opts.Admin()
	if err != nil {
		return err
	}
	v, all, err := fetchStatus(ctx, adm, opts.Topics)
	if err != nil {
		return err
	}
	if opts.Clear {
		if err := clearLeftovers(ctx, adm, &v, all); err != nil {
			return err
		}
	}
	if err := printStatus(opts.IO.Out, opts.Printer, v); err != nil {
		return err
	}
	talkStatus(opts.IO.ErrOut, v)
	return nil
}

// fetchStatus reads the running reassignments (filtered), their bytes left and the throttles;
// all counts every running reassignment of the cluster.
func fetchStatus(ctx context.Context, adm *cmdutil.Admin, re *regexp.Regexp) (StatusView, int, error) {
	var v StatusView
	running, err := ListRunning(ctx, adm)
	if err != nil {
		return v, 0, err
	}
	v.Reassignments = []Running{}
	set := kadm.TopicsSet{}
	for _, r := range running {
		if re == nil || re.MatchString(r.Topic) {
			v.Reassignments = append(v.Reassignments, r)
			set.Add(r.Topic, r.Partition)
		}
	}
	if len(set) > 0 {
		if dirs, err := adm.DescribeAllLogDirs(ctx, set); err == nil {
			for i, r := range v.Reassignments {
				v.Reassignments[i].BytesLeft = BytesLeft(dirs, r.move())
			}
		}
	}
	st, err := FetchState(ctx, adm)
	if err != nil {
		return v, 0, err
	}
	if v.Throttles, err = FindThrottles(ctx, adm, st); err != nil {
		return v, 0, err
	}
	v.LeftoverThrottles = len(running) == 0 && !v.Throttles.Empty()
	return v, len(running), nil
}

func clearLeftovers(ctx context.Context, adm *cmdutil.Admin, v *StatusView, running int) error {
	if running > 0 {
		return fmt.Errorf("%s still running: the throttles stay until it ends (removing them now would unthrottle it); run --clear-throttles again then, or cancel it", countPartitions(running))
	}
	if v.Throttles.Empty() {
		return nil
	}
	if err := ClearThrottles(ctx, adm, v.Throttles.BrokerIDs(), v.Throttles.TopicNames()); err != nil {
		return err
	}
	v.ThrottlesCleared, v.LeftoverThrottles = true, false
	return nil
}

func printStatus(w io.Writer, pr output.Printer, v StatusView) error {
	return pr.Print(w, v, func(t *output.Text) error {
		if len(v.Reassignments) == 0 {
			return nil
		}
		rows := make([][]string, len(v.Reassignments))
		for i, r := range v.Reassignments {
			left := "-"
			if r.BytesLeft >= 0 && len(r.Adding) > 0 {
				left = HumanBytes(r.BytesLeft)
			}
			rows[i] = []string{r.Topic, fmt.Sprint(r.Partition), joinIDs(r.Replicas), output.Dash(joinIDs(r.Adding)), output.Dash(joinIDs(r.Removing)), left}
		}
		return t.Table([]string{"TOPIC", "PARTITION", "REPLICAS", "ADDING", "REMOVING", "BYTES-LEFT"}, rows)
	})
}

func talkStatus(w io.Writer, v StatusView) {
	if len(v.Reassignments) == 0 {
		fmt.Fprintln(w, "no partition reassignment is running")
	}
	switch {
	case v.ThrottlesCleared:
		fmt.Fprintf(w, "throttles removed from %s\n", v.Throttles.Describe())
	case v.LeftoverThrottles:
		fmt.Fprintf(w, "warning: replication throttles are left behind on %s while nothing is moving: remove them with \"kafkit partition reassign status --clear-throttles\"\n", v.Throttles.Describe())
	case !v.Throttles.Empty():
		fmt.Fprintf(w, "replication throttles set on %s; they are removed when the reassignment ends (with execute --wait), or by \"kafkit partition reassign status --clear-throttles\" after it\n", v.Throttles.Describe())
	}
}
