package topic

// Replication-factor changes: `topic alter --replication-factor` and `topic apply` move
// replicas with partition's planner and executor (a reassignment), as one more batch of the
// change engine. AlterPartitionAssignments has no validate-only form: the planner checks the
// change against current metadata (enough live brokers), so the batch is ClientChecked.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/pflag"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/partition"
)

// actReplicationFactor changes a topic's replication factor by reassigning its partitions.
const actReplicationFactor = "replication_factor"

// reassignOptions are the --throttle and --wait of the commands that change replication
// factors.
type reassignOptions struct {
	Throttle int64
	Wait     bool
	Progress io.Writer
}

// reassignFlags registers --throttle and --wait; complete parses --throttle.
type reassignFlags struct {
	throttle string
	wait     bool
}

func (r *reassignFlags) add(fl *pflag.FlagSet) {
	fl.StringVar(&r.throttle, "throttle", "", "replication-factor changes: limit the copy to RATE bytes/s per broker (50MB, 50MiB), removed at the end with --wait")
	fl.BoolVar(&r.wait, "wait", false, "replication-factor changes: wait until the new replicas have copied the data")
}

func (r *reassignFlags) complete(io *cmdutil.IOStreams) (reassignOptions, error) {
	o := reassignOptions{Wait: r.wait, Progress: io.ErrOut}
	if r.throttle != "" {
		n, err := partition.ParseRate(r.throttle)
		if err != nil {
			return o, cmdutil.UsageErrorf("--throttle: %v", err)
		}
		o.Throttle = n
	}
	return o, nil
}

// contextFor is the command's context: bounded by --timeout, or only by the connection's
// health when it waits for a reassignment.
func (o reassignOptions) contextFor(bounded, stream func(context.Context) (context.Context, context.CancelFunc, error)) func(context.Context) (context.Context, context.CancelFunc, error) {
	if o.Wait && stream != nil {
		return stream
	}
	return bounded
}

// rfAction is the plan's action for a replication factor change of topic.
func rfAction(topic string, from, to int) Action {
	return Action{Topic: topic, Action: actReplicationFactor, From: fmt.Sprint(from), To: fmt.Sprint(to),
		Detail: fmt.Sprintf("replication factor %d -> %d (reassignment: %s)", from, to, rfHow(from, to))}
}

func rfHow(from, to int) string {
	if to > from {
		return "copies the data to new replicas"
	}
	return "removes replicas"
}

// replicationBatch carries the replication-factor actions: per topic it reads the current
// assignment, plans the change (fewest moves, leaders kept) and runs it.
func replicationBatch(adm *cmdutil.Admin, plan []Action, items []int, ro reassignOptions) Batch {
	return Batch{Kind: "AlterPartitionAssignments", Items: items, ClientChecked: true, Send: func(ctx context.Context, _ bool) (map[int]error, error) {
		errs := map[int]error{}
		for _, i := range items {
			errs[i] = changeReplicationFactor(ctx, adm, &plan[i], ro)
		}
		return errs, nil
	}}
}

func changeReplicationFactor(ctx context.Context, adm *cmdutil.Admin, a *Action, ro reassignOptions) error {
	st, err := partition.FetchState(ctx, adm, a.Topic)
	if err != nil {
		return err
	}
	p, err := partition.Compute(st.Topics[a.Topic], st.Brokers, partition.Goal{ReplicationFactor: atoi(a.To)})
	if err != nil {
		return err
	}
	var progress io.Writer
	if ro.Wait {
		progress = ro.Progress
	}
	ex, err := partition.Execute(ctx, adm, p.Moves, partition.ExecuteOptions{Throttle: ro.Throttle, Wait: ro.Wait, Progress: progress, Interval: 2 * time.Second})
	a.note = reassignNote(a.Topic, ex, ro.Wait)
	if err != nil {
		if errors.Is(err, partition.ErrInterrupted) {
			return fmt.Errorf("stopped waiting: the reassignment goes on in the cluster")
		}
		return err
	}
	for _, r := range ex.Results {
		if r.Result == partition.ResFailed {
			return fmt.Errorf("partition %d: %s", r.Partition, r.Error)
		}
	}
	return nil
}

// reassignNote says what is still going on after a replication-factor change, "" when done.
func reassignNote(topic string, ex *partition.Execution, wait bool) string {
	switch {
	case ex == nil:
		return ""
	case ex.ThrottlesLeft:
		return fmt.Sprintf("topic %q: the reassignment runs in the cluster; throttles stay set on %s until it ends: watch it with \"kafkit partition reassign status\", then remove them with \"kafkit partition reassign status --clear-throttles\"", topic, ex.Throttles.Describe())
	case !wait && len(ex.Results) > 0:
		return fmt.Sprintf("topic %q: the reassignment runs in the cluster: \"kafkit partition reassign status\" shows its progress", topic)
	}
	return ""
}

// printNotes writes the notes of the replication-factor actions on stderr.
func printNotes(w io.Writer, plan []Action) {
	for _, a := range plan {
		if a.note != "" {
			fmt.Fprintln(w, a.note)
		}
	}
}
