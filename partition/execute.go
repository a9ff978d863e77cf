package partition

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
)

type executeOptions struct {
	IO            *cmdutil.IOStreams
	Admin         func() (*cmdutil.Admin, error)
	Context       func(context.Context) (context.Context, context.CancelFunc, error)
	StreamContext func(context.Context) (context.Context, context.CancelFunc, error)
	Printer       output.Printer

	File     string // plan file, "-" for stdin; "" when Goal is used
	Goal     goalSpec
	Throttle int64
	Exec     ExecuteOptions
	Rollback string
}

const executeLong = `Run a reassignment plan: the Java tool's JSON from -f FILE (- for stdin), as written by
"kafkit partition reassign plan -o json" or kafka-reassign-partitions.sh --generate, or plan and
run in one step with the plan flags (--drain, --brokers, --replication-factor).

Before anything is sent the plan is checked against the cluster: unknown topics or partitions,
brokers that do not exist, a broker twice in a replica list, more replicas than brokers, and
partitions already being reassigned are refused (exit 2, or 1 for a running reassignment).
Partitions already as planned are left out. The current assignment of the partitions that move
is printed on stderr (or saved with --rollback-file) so that you can roll back.

--throttle limits the replication traffic of the move, as the Java tool does: the rate is set as
leader/follower.replication.throttled.rate on every broker involved and the moving replicas are
listed in leader/follower.replication.throttled.replicas of their topics. With --wait kafkit
watches the move, printing per partition the bytes its new replicas still have to copy and an
ETA, and removes the throttles when it ends. Without --wait the throttles stay until the move
ends and you remove them ("kafkit partition reassign status --clear-throttles"); kafkit says so.
If kafkit is stopped while waiting (Ctrl-C), the move goes on in the cluster: kafkit says which
throttles are left and how to remove them.

--batch N submits N partitions at a time and waits for each wave before the next one (so it
waits for every wave but the last one even without --wait).

The table lists each partition with its result: completed (--wait), started (still copying),
failed (with the broker's reason), skipped (a later wave not sent after a failure), in_progress
(still copying when kafkit stopped waiting). Exit 1 when any partition failed.`

func newCmdExecute(f *cmdutil.Factory, runF func(context.Context, *executeOptions) error) *cobra.Command {
	opts := &executeOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, StreamContext: f.StreamContext}
	var of cmdutil.OutputFlags
	var gf goalFlags
	var throttle string
	cmd := &cobra.Command{
		Use:   "execute (-f PLAN.json | PLAN FLAGS) [--throttle RATE] [--batch N] [--wait]",
		Short: "Run a reassignment plan, throttled, in waves, watching it",
		Long:  executeLong,
		Example: `  kafkit partition reassign execute -f plan.json --throttle 50MB --wait
  kafkit partition reassign plan --drain 4 -o json | kafkit partition reassign execute -f - --wait
  kafkit partition reassign execute --drain 4 --throttle 20MiB --batch 10 --wait`,
		Args: cmdutil.Args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := parseExecuteFlags(opts, &gf, throttle); err != nil {
				return err
			}
			var err error
			if opts.Printer, err = of.Printer(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return executeRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.File, "file", "f", "", "the plan: a reassignment JSON file, - for stdin")
	gf.add(fl)
	fl.StringVar(&throttle, "throttle", "", "limit replication to RATE bytes/s per broker while moving (52428800, 50MB, 50MiB)")
	fl.IntVar(&opts.Exec.Batch, "batch", 0, "submit N partitions at a time, each wave after the previous one ended (0: all at once)")
	fl.BoolVar(&opts.Exec.Wait, "wait", false, "wait until the move ends, with progress; then remove the throttles")
	fl.DurationVar(&opts.Exec.Interval, "interval", 5*time.Second, "time between progress reports while waiting")
	fl.StringVar(&opts.Rollback, "rollback-file", "", "write the current assignment of the partitions that move to this file")
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	return cmd
}

func parseExecuteFlags(opts *executeOptions, gf *goalFlags, throttle string) error {
	switch {
	case opts.File != "" && gf.given():
		return cmdutil.UsageErrorf("give either -f PLAN or the plan flags (--drain, --brokers, --replication-factor), not both")
	case opts.File == "" && !gf.given():
		return cmdutil.UsageErrorf("nothing to run: give -f PLAN.json (- for stdin) or plan flags such as --drain 4")
	case opts.Exec.Batch < 0:
		return cmdutil.UsageErrorf("--batch must be 0 (all at once) or more, got %d", opts.Exec.Batch)
	case opts.Exec.Interval < 100*time.Millisecond:
		return cmdutil.UsageErrorf("--interval must be at least 100ms, got %s", opts.Exec.Interval)
	}
	if throttle != "" {
		r, err := ParseRate(throttle)
		if err != nil {
			return cmdutil.UsageErrorf("--throttle: %v", err)
		}
		opts.Throttle, opts.Exec.Throttle = r, r
	}
	if opts.File == "" {
		s, err := gf.parse()
		opts.Goal = s
		return err
	}
	return nil
}

func executeRun(ctx context.Context, opts *executeOptions) error {
	moves, err := prepareMoves(ctx, opts)
	if err != nil || len(moves) == 0 {
		return err
	}
	if err := saveRollback(opts.IO, opts.Rollback, moves); err != nil {
		return err
	}
	adm, err := opts.Admin()
	if err != nil {
		return err
	}
	wctx, cancel, err := opts.StreamContext(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	opts.Exec.Progress = opts.IO.ErrOut
	ex, err := Execute(wctx, adm, moves, opts.Exec)
	if perr := printResults(opts.IO.Out, opts.Printer, ex.Results); perr != nil {
		return perr
	}
	return reportExecution(opts.IO.ErrOut, ex, err, opts.Exec.Wait)
}

// prepareMoves reads or plans the moves and checks them against the cluster (nothing sent).
func prepareMoves(ctx context.Context, opts *executeOptions) ([]Move, error) {
	ctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return nil, err
	}
	defer cancel()
	var plan []Assignment
	if opts.File != "" {
		if plan, err = readPlanFile(opts.IO.In, opts.File); err != nil {
			return nil, cmdutil.UsageErrorf("%s: %v", planName(opts.File), err)
		}
	}
	adm, err := opts.Admin()
	if err != nil {
		return nil, err
	}
	var moves []Move
	if opts.File == "" {
		_, p, err := planGoal(ctx, adm, opts.Goal)
		if err != nil {
			return nil, err
		}
		moves = p.Moves
	} else if moves, err = checkedMoves(ctx, adm, plan, opts.File); err != nil {
		return nil, err
	}
	if len(moves) == 0 {
		fmt.Fprintln(opts.IO.ErrOut, "nothing to move: every partition of the plan already has its target replicas")
		return nil, printResults(opts.IO.Out, opts.Printer, nil)
	}
	return moves, refuseRunning(ctx, adm, moves)
}

// checkedMoves checks a plan file against the cluster and returns the partitions that change.
func checkedMoves(ctx context.Context, adm *cmdutil.Admin, plan []Assignment, file string) ([]Move, error) {
	st, err := FetchState(ctx, adm, planTopics(plan)...)
	if err != nil {
		return nil, err
	}
	if err := st.CheckPlan(plan); err != nil {
		return nil, cmdutil.UsageErrorf("%s: %v; nothing was sent", planName(file), err)
	}
	moves, _ := st.MovesFor(plan)
	return moves, nil
}

func planName(file string) string {
	if file == "-" {
		return "the plan on stdin"
	}
	return file
}

func planTopics(plan []Assignment) []string {
	seen := map[string]bool{}
	for _, a := range plan {
		seen[a.Topic] = true
	}
	return keys(seen)
}

// readPlanFile reads and decodes a plan file (- for stdin).
func readPlanFile(in io.Reader, path string) ([]Assignment, error) {
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(io.LimitReader(in, 64<<20))
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the plan: %v", err)
	}
	return DecodeJSON(data)
}

// refuseRunning refuses moves of partitions that are being reassigned already.
func refuseRunning(ctx context.Context, adm *cmdutil.Admin, moves []Move) error {
	set := kadm.TopicsSet{}
	for _, m := range moves {
		set.Add(m.Topic, m.Partition)
	}
	running, err := adm.ListPartitionReassignments(ctx, set)
	if err != nil {
		return fmt.Errorf("cannot list the running reassignments: %v", err)
	}
	for _, r := range running.Sorted() {
		return fmt.Errorf("partition %s-%d is being reassigned already (to %s): wait until it ends (kafkit partition reassign status) or cancel it (kafkit partition reassign cancel --topic %s); nothing was sent", r.Topic, r.Partition, joinIDs(r.Replicas), r.Topic)
	}
	return nil
}

// reportExecution tells on stderr what happened to the throttles and how the command ends.
func reportExecution(w io.Writer, ex *Execution, err error, wait bool) error {
	switch {
	case ex.ThrottlesLeft && errors.Is(err, ErrInterrupted):
		fmt.Fprintf(w, "interrupted: the reassignment goes on in the cluster, and the throttles stay set on %s.\n", ex.Throttles.Describe())
		fmt.Fprintln(w, "Watch it with \"kafkit partition reassign status\"; once it has ended remove the throttles with \"kafkit partition reassign status --clear-throttles\" (or stop it with \"kafkit partition reassign cancel --all\").")
	case errors.Is(err, ErrInterrupted):
		fmt.Fprintln(w, "interrupted: the reassignment goes on in the cluster; watch it with \"kafkit partition reassign status\"")
	case ex.ClearErr != nil:
		fmt.Fprintf(w, "error: %v\nthe throttles are still set on %s: remove them with \"kafkit partition reassign status --clear-throttles\"\n", ex.ClearErr, ex.Throttles.Describe())
	case ex.ThrottlesLeft:
		fmt.Fprintf(w, "the throttles stay set on %s until the reassignment ends: then remove them with \"kafkit partition reassign status --clear-throttles\" (or run execute with --wait)\n", ex.Throttles.Describe())
	case !ex.Throttles.Empty():
		fmt.Fprintf(w, "throttles removed from %s\n", ex.Throttles.Describe())
	}
	if err != nil && !errors.Is(err, ErrInterrupted) {
		return err
	}
	for _, r := range ex.Results {
		if r.Result == ResFailed {
			fmt.Fprintf(w, "error: %s-%d: %s\n", r.Topic, r.Partition, r.Error)
		}
	}
	if ex.Failed() > 0 || err != nil {
		return cmdutil.SilentError
	}
	if !wait {
		fmt.Fprintln(w, "reassignment started: \"kafkit partition reassign status\" shows its progress")
	}
	return nil
}

// printResults writes one row per partition: its replicas before and after and the result.
func printResults(w io.Writer, pr output.Printer, rs []MoveResult) error {
	if rs == nil {
		rs = []MoveResult{}
	}
	return pr.Print(w, rs, func(t *output.Text) error {
		if len(rs) == 0 {
			return nil
		}
		rows := make([][]string, len(rs))
		for i, r := range rs {
			rows[i] = []string{r.Topic, fmt.Sprint(r.Partition), joinIDs(r.From), joinIDs(r.To), r.Result}
		}
		return t.Table([]string{"TOPIC", "PARTITION", "REPLICAS", "TARGET", "RESULT"}, rows)
	})
}
