package compat

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/partition"
)

// execute starts the plan's reassignment as --execute does: refuses while others run (unless
// --additional), checks the brokers, prints the rollback, sets the throttle, submits.
func (r *reassignRun) execute(ctx context.Context) error {
	plan, err := r.readPlan()
	if err != nil {
		return err
	}
	throttle := int64(-1)
	if v := r.p.Value("throttle"); v != "" {
		if throttle, err = strconv.ParseInt(v, 10, 64); err != nil {
			return fmt.Errorf("the throttle %q is not a number of bytes per second", v)
		}
	}
	running, err := partition.ListRunning(ctx, r.adm)
	if err != nil {
		return err
	}
	if len(running) > 0 && !r.p.Has("additional") {
		return terseError{"Cannot execute because there is an existing partition assignment.  Use --additional to override this and create a new partition assignment in addition to the existing one. The --additional flag can also be used to change the throttle by resubmitting the current reassignment."}
	}
	st, err := partition.FetchState(ctx, r.adm, planTopicNames(plan)...)
	if err != nil {
		return err
	}
	if err := st.CheckPlan(plan); err != nil {
		return err
	}
	moves := allMoves(st, plan)
	fmt.Fprintf(r.e.IO.Out, "Current partition replica assignment\n\n%s\n\nSave this to use as the --reassignment-json-file option during rollback\n", partition.EncodeJSON(partition.Currents(moves)))
	if throttle >= 0 {
		fmt.Fprintln(r.e.IO.Out, "Warning: You must run --verify periodically, until the reassignment completes, to ensure the throttle is removed.")
		fmt.Fprintf(r.e.IO.Out, "The inter-broker throttle limit was set to %d B/s\n", throttle)
	}
	if r.p.Has("disallow-replication-factor-change") {
		ctx = kadm.ForbidAlterRf(ctx)
	}
	ex, err := partition.Execute(ctx, r.adm, moves, partition.ExecuteOptions{Throttle: max(throttle, 0)})
	if err != nil {
		return err
	}
	var failed []string
	for _, x := range ex.Results {
		if x.Result == partition.ResFailed {
			failed = append(failed, fmt.Sprintf("%s-%d: %s", x.Topic, x.Partition, x.Error))
		}
	}
	if len(failed) > 0 {
		return terseError{"Error reassigning partition(s):\n" + strings.Join(failed, "\n")}
	}
	fmt.Fprintf(r.e.IO.Out, "Successfully started partition reassignment%s for %s\n", plural(len(plan)), tpList(sortedPlan(plan)))
	return nil
}

// allMoves is every partition of the plan against its current replicas, unchanged ones too
// (the Java tool submits them all).
func allMoves(st partition.State, plan []partition.Assignment) []partition.Move {
	moves, unchanged := st.MovesFor(plan)
	for _, a := range unchanged {
		moves = append(moves, partition.Move{Topic: a.Topic, Partition: a.Partition, From: a.Replicas, To: a.Replicas, Adding: []int32{}, Removing: []int32{}})
	}
	partition.SortMoves(moves)
	return moves
}
