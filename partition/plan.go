package partition

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/text"
)

type planOptions struct {
	IO      *cmdutil.IOStreams
	Admin   func() (*cmdutil.Admin, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer

	Goal     goalSpec
	Rollback string // file for the current assignment of the moved partitions
}

const planLong = `Compute a reassignment plan from what you want, without changing anything:

  --drain 4                     move every replica off broker 4 (before removing its pod); only
                                the partitions with a replica on it change
  --brokers 1,2,3,4 [--topics RE]  spread the replicas evenly over exactly these brokers (after
                                adding a broker)
  --replication-factor 3 --topic T  add or remove replicas

The planner keeps every replica that may stay where it is and copies as few as the goal needs,
never puts two replicas of a partition on one broker, prefers brokers on racks a partition does
not use yet (when every broker has broker.rack), and keeps the preferred leaders balanced
(reordering a replica list moves no data).

The table lists each partition that changes (REPLICAS now, TARGET after); -o json prints the
plan in kafka-reassign-partitions.sh's JSON, for "kafkit partition reassign execute -f" or the
Java tool's --execute. The current assignment of those partitions (the rollback) goes to
--rollback-file, or to stderr. Exit 0 also when there is nothing to move.`

func newCmdPlan(f *cmdutil.Factory, runF func(context.Context, *planOptions) error) *cobra.Command {
	opts := &planOptions{IO: f.IO, Admin: f.Admin, Context: f.Context}
	var of cmdutil.OutputFlags
	var gf goalFlags
	cmd := &cobra.Command{
		Use:   "plan (--drain IDS | --brokers IDS | --replication-factor N) [--topics REGEX | --topic NAME...]",
		Short: "Compute a reassignment plan (moves as few replicas as possible)",
		Long:  planLong,
		Example: `  kafkit partition reassign plan --drain 4
  kafkit partition reassign plan --drain 4 -o json --rollback-file rollback.json > plan.json
  kafkit partition reassign plan --brokers 1,2,3,4 --topics 'orders.*'
  kafkit partition reassign plan --replication-factor 3 --topic orders`,
		Args: cmdutil.Args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := gf.parse()
			if err != nil {
				return err
			}
			opts.Goal = s
			if opts.Printer, err = of.Printer(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return planRun(cmd.Context(), opts)
		},
	}
	gf.add(cmd.Flags())
	cmd.Flags().StringVar(&opts.Rollback, "rollback-file", "", "write the current assignment of the partitions that move to this file (the rollback plan)")
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON)
	return cmd
}

func planRun(ctx context.Context, opts *planOptions) error {
	ctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := opts.Admin()
	if err != nil {
		return err
	}
	_, p, err := planGoal(ctx, adm, opts.Goal)
	if err != nil {
		return err
	}
	if err := printPlan(opts.IO, opts.Printer, p.Moves); err != nil {
		return err
	}
	if err := saveRollback(opts.IO, opts.Rollback, p.Moves); err != nil {
		return err
	}
	summarizePlan(opts.IO, p, opts.Goal.describe())
	return nil
}

// printPlan writes the moves: a table, or the Java tool's JSON of the targets.
func printPlan(io *cmdutil.IOStreams, pr output.Printer, moves []Move) error {
	if pr.Format == output.JSON {
		_, err := fmt.Fprintf(io.Out, "%s\n", EncodeJSON(Targets(moves)))
		return err
	}
	if len(moves) == 0 {
		return nil
	}
	rows := make([][]string, len(moves))
	for i, m := range moves {
		rows[i] = []string{m.Topic, fmt.Sprint(m.Partition), joinIDs(m.From), joinIDs(m.To), output.Dash(joinIDs(m.Adding)), output.Dash(joinIDs(m.Removing)), leaderChange(m)}
	}
	return output.WriteTable(io.Out, []string{"TOPIC", "PARTITION", "REPLICAS", "TARGET", "ADDING", "REMOVING", "LEADER"}, rows, pr.NoHeaders)
}

func leaderChange(m Move) string {
	if !m.LeaderChanges() {
		return fmt.Sprint(m.To[0])
	}
	return fmt.Sprintf("%d -> %d", m.From[0], m.To[0])
}

// saveRollback writes the current assignment of the moving partitions to path, or to stderr
// when no path is given.
func saveRollback(io *cmdutil.IOStreams, path string, moves []Move) error {
	if len(moves) == 0 {
		return nil
	}
	doc := EncodeJSON(Currents(moves))
	if path == "" {
		fmt.Fprintf(io.ErrOut, "current assignment (save it to roll back with \"kafkit partition reassign execute -f FILE\"):\n%s\n", doc)
		return nil
	}
	if err := os.WriteFile(path, append(doc, '\n'), 0o644); err != nil {
		return fmt.Errorf("cannot write the rollback file: %v", err)
	}
	fmt.Fprintf(io.ErrOut, "rollback plan (the current assignment) saved to %s\n", path)
	return nil
}

func summarizePlan(io *cmdutil.IOStreams, p Plan, goal string) {
	if len(p.Moves) == 0 {
		fmt.Fprintf(io.ErrOut, "nothing to move: the partitions already meet the goal (%s)\n", goal)
		return
	}
	leaders := 0
	for _, m := range p.Moves {
		if m.LeaderChanges() {
			leaders++
		}
	}
	fmt.Fprintf(io.ErrOut, "plan (%s): %s change, %s to copy, %s change\n", goal,
		text.Count(len(p.Moves), "partition"), text.Count(p.ReplicasMoved(), "replica"), text.Count(leaders, "preferred leader"))
}
