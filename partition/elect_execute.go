package partition

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/outcome"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/text"
)

// executeElect sends one ElectLeaders for the would_elect partitions and records each
// partition's answer in the plan, then re-reads the leaders of the elected ones.
func executeElect(ctx context.Context, adm *cmdutil.Admin, unclean bool, plan []Election) error {
	set := kadm.TopicsSet{}
	for _, e := range plan {
		if e.Result == resWouldElect {
			set.Add(e.Topic, e.Partition)
		}
	}
	if len(set) == 0 {
		return nil
	}
	how := kadm.ElectPreferredReplica
	if unclean {
		how = kadm.ElectLiveReplica
	}
	rs, err := adm.ElectLeaders(ctx, how, set)
	if err != nil {
		return fmt.Errorf("leader election failed, nothing was elected: %w", err)
	}
	applyElectResults(plan, rs)
	refreshLeaders(ctx, adm, plan, set, unclean)
	return nil
}

// applyElectResults turns the broker's per-partition answers into results with a hint.
func applyElectResults(plan []Election, rs kadm.ElectLeadersResults) {
	for i := range plan {
		e := &plan[i]
		if e.Result != resWouldElect {
			continue
		}
		r, ok := rs[e.Topic][e.Partition]
		switch {
		case !ok:
			e.Result, e.Error, e.Detail = outcome.Failed, "no answer for this partition", "run the command again"
		case r.Err == nil:
			e.Result, e.Detail = resElected, ""
		case errors.Is(r.Err, kerr.ElectionNotNeeded):
			e.Result = resNotNeeded
			e.Detail = "already the preferred leader"
			if e.Leader >= 0 && e.Leader != e.Preferred {
				e.Detail = "a valid leader is already elected"
			}
		default:
			e.Result, e.Error, e.Detail = outcome.Failed, electError(r), electHint(r.Err, e)
		}
	}
}

func electError(r kadm.ElectLeadersResult) string {
	if r.ErrMessage != "" {
		return r.Err.Error() + ": " + r.ErrMessage
	}
	return r.Err.Error()
}

// electHint says what to do about a failed election.
func electHint(err error, e *Election) string {
	switch {
	case errors.Is(err, kerr.PreferredLeaderNotAvailable):
		return fmt.Sprintf("the preferred replica %d is not in the ISR (stopped or catching up): start it or wait until it is in sync, then run this again", e.Preferred)
	case errors.Is(err, kerr.EligibleLeadersNotAvailable):
		return "no in-sync replica is alive: start one of the ISR's brokers; --unclean elects an out-of-sync replica and loses the records it lacks"
	case errors.Is(err, kerr.UnknownTopicOrPartition):
		return "the partition does not exist (deleted meanwhile?)"
	case errors.Is(err, kerr.ClusterAuthorizationFailed):
		return "the principal needs ALTER on the CLUSTER resource"
	}
	return "check the brokers' logs and run this again"
}

// refreshLeaders reads the new leaders of the partitions just elected. Brokers learn of the
// election from the metadata log a moment after the controller answers, so a preferred
// election re-reads (up to about 2 s) until the preferred replicas lead; on error or timeout
// the table shows what the brokers said last.
func refreshLeaders(ctx context.Context, adm *cmdutil.Admin, plan []Election, set kadm.TopicsSet, unclean bool) {
	for try := 0; try < 10; try++ {
		if try > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(200 * time.Millisecond):
			}
		}
		m, err := adm.Metadata(ctx, set.Topics()...)
		if err != nil {
			return
		}
		settled := true
		for i := range plan {
			if plan[i].Result != resElected {
				continue
			}
			if pd, ok := m.Topics[plan[i].Topic].Partitions[plan[i].Partition]; ok {
				plan[i].Leader, plan[i].ISR = pd.Leader, append([]int32{}, pd.ISR...)
			}
			settled = settled && (unclean || plan[i].Leader == plan[i].Preferred)
		}
		if settled {
			return
		}
	}
}

func electTable(t *output.Text, plan []Election) error {
	rows := make([][]string, 0, len(plan))
	for _, e := range plan {
		detail := e.Detail
		if e.Error != "" {
			detail = e.Error + ": " + e.Detail
		}
		rows = append(rows, []string{e.Topic, strconv.Itoa(int(e.Partition)), leaderText(e.PreviousLeader), leaderText(e.Leader), leaderText(e.Preferred), e.Result, detail})
	}
	return t.Table([]string{"TOPIC", "PARTITION", "WAS", "LEADER", "PREFERRED", "RESULT", "DETAIL"}, rows)
}

// electSummary prints the counts on stderr and maps the outcome to the exit code: 1 when a
// partition failed, 3 for a dry run that would elect.
func electSummary(opts *electOptions, plan []Election) error {
	el, would, nn, failed := count(plan, resElected), count(plan, resWouldElect), count(plan, resNotNeeded), count(plan, outcome.Failed)
	suffix := ""
	if opts.DryRun {
		suffix = " (dry run)"
	}
	fmt.Fprintf(opts.IO.ErrOut, "%s: %d elected, %d would be elected, %d not needed, %d failed%s\n", text.Count(len(plan), "partition"), el, would, nn, failed, suffix)
	for _, e := range plan {
		if e.Result == outcome.Failed {
			fmt.Fprintf(opts.IO.ErrOut, "error: %s:%d: %s: %s\n", text.Safe(e.Topic), e.Partition, e.Error, e.Detail)
		}
	}
	return outcome.Exit(failed > 0, opts.DryRun && would > 0)
}
