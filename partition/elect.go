package partition

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/text"
)

type electOptions struct {
	IO       *cmdutil.IOStreams
	Admin    func() (*cmdutil.Admin, error)
	Context  func(context.Context) (context.Context, context.CancelFunc, error)
	Printer  output.Printer
	Prompter cmdutil.Prompter

	Unclean bool // false: preferred election
	Specs   []TopicPartitions
	All     bool
	DryRun  bool
	Yes     bool
}

// Election is one partition's outcome in `partition elect`; -o json prints a list of them.
type Election struct {
	Topic          string  `json:"topic"`
	Partition      int32   `json:"partition"`
	Leader         int32   `json:"leader"`          // after the election (-1: none)
	PreviousLeader int32   `json:"previous_leader"` // before it
	Preferred      int32   `json:"preferred"`       // the first replica
	ISR            []int32 `json:"isr"`
	Result         string  `json:"result"` // elected, would_elect, not_needed, failed
	Detail         string  `json:"detail,omitempty"`
	Error          string  `json:"error,omitempty"`
}

const (
	resElected    = "elected"
	resWouldElect = "would_elect"
	resNotNeeded  = "not_needed"
)

const electLong = `Elect partition leaders (ElectLeaders, as kafka-leader-election.sh does).

--preferred moves leadership back to each partition's preferred replica (the first one in its
replica list) when that replica is in sync: run it after a broker restart left its partitions
led by the others. Partitions already led by their preferred replica are "not_needed".

--unclean elects a leader for partitions that have none, choosing an out-of-sync replica if it
must. That replica may lack records the last leader had acknowledged: those records are lost,
and consumers may see offsets go back. It needs --yes (or a "y" at the prompt).

Name partitions with --topic TOPIC (every partition), --topic TOPIC:P or TOPIC:0,2 (repeatable),
or take every partition of the cluster with --all. --dry-run reads the metadata and shows which
partitions are not on their preferred leader (or have no leader) without electing anything;
it exits 3 when an election would happen. A partition that could not be elected is listed
with the reason and what to do; the command then exits 1.`

const electExample = `  kafkit partition elect --preferred --all --dry-run
  kafkit partition elect --preferred --all
  kafkit partition elect --preferred --topic orders --topic payments:0,3
  kafkit partition elect --unclean --topic orders:2 --yes`

func newCmdElect(f *cmdutil.Factory, runF func(context.Context, *electOptions) error) *cobra.Command {
	opts := &electOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Prompter: f.Confirmer()}
	var of cmdutil.OutputFlags
	var preferred bool
	var topics []string
	cmd := &cobra.Command{
		Use:     "elect --preferred|--unclean (--topic T[:P,...]... | --all)",
		Short:   "Elect partition leaders: move leaders back to preferred replicas, or unclean election",
		Long:    electLong,
		Example: electExample,
		Args:    cmdutil.Args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := validateElect(opts, preferred, topics); err != nil {
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
			return electRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&preferred, "preferred", false, "elect each partition's preferred replica (the first in its replica list)")
	fl.BoolVar(&opts.Unclean, "unclean", false, "elect a leader for leaderless partitions, out-of-sync replicas allowed (can lose records)")
	fl.StringArrayVar(&topics, "topic", nil, "TOPIC, TOPIC:P or TOPIC:P,P... (repeatable)")
	fl.BoolVar(&opts.All, "all", false, "every partition of every topic")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "show the partitions an election would change; elect nothing")
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "do not ask before an unclean election")
	_ = cmd.RegisterFlagCompletionFunc("topic", cmdutil.CompleteTopics(f))
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	return cmd
}

// validateElect checks the flags (usage errors, nothing sent) and fills opts.Specs.
func validateElect(opts *electOptions, preferred bool, topics []string) error {
	switch {
	case preferred == opts.Unclean:
		return cmdutil.UsageErrorf("give exactly one of --preferred or --unclean")
	case opts.All && len(topics) > 0:
		return cmdutil.UsageErrorf("give --topic or --all, not both")
	case !opts.All && len(topics) == 0:
		return cmdutil.UsageErrorf("name the partitions with --topic TOPIC[:P,...], or give --all")
	}
	var specs []TopicPartitions
	for _, t := range topics {
		s, err := ParseTopicSpec(t)
		if err != nil {
			return cmdutil.UsageErrorf("%v", err)
		}
		specs = append(specs, s)
	}
	opts.Specs = mergeSpecs(specs)
	return nil
}

func electRun(ctx context.Context, opts *electOptions) error {
	ctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := opts.Admin()
	if err != nil {
		return err
	}
	meta, err := adm.Metadata(ctx, specTopics(opts.Specs)...)
	if err != nil {
		return err
	}
	plan, err := planElect(opts, meta.Topics)
	if err != nil {
		return err
	}
	if err := confirmUnclean(opts, plan); err != nil {
		return err
	}
	if !opts.DryRun {
		if err := executeElect(ctx, adm, opts.Unclean, plan); err != nil {
			return err
		}
	}
	if err := opts.Printer.Print(opts.IO.Out, plan, func(t *output.Text) error { return electTable(t, plan) }); err != nil {
		return err
	}
	return electSummary(opts, plan)
}

func specTopics(specs []TopicPartitions) []string {
	var names []string
	for _, s := range specs {
		names = append(names, s.Topic)
	}
	return names
}

// planElect is the pure planner: one Election per targeted partition, would_elect where an
// election is needed (the leader is not the preferred replica; for unclean: no leader), else
// not_needed. A named topic or partition that does not exist is an error: nothing is sent.
func planElect(opts *electOptions, topics kadm.TopicDetails) ([]Election, error) {
	var plan []Election
	var missing []string
	targets := opts.Specs
	if opts.All {
		for _, n := range topics.Names() {
			targets = append(targets, TopicPartitions{Topic: n})
		}
	}
	for _, s := range targets {
		td, ok := topics[s.Topic]
		if !ok || errors.Is(td.Err, kerr.UnknownTopicOrPartition) {
			missing = append(missing, "topic "+text.Safe(s.Topic))
			continue
		}
		if td.Err != nil {
			return nil, fmt.Errorf("topic %s: %v", text.Safe(s.Topic), td.Err)
		}
		parts := s.Partitions
		if parts == nil {
			for _, p := range td.Partitions.Sorted() {
				parts = append(parts, p.Partition)
			}
		}
		for _, p := range parts {
			pd, ok := td.Partitions[p]
			if !ok {
				missing = append(missing, fmt.Sprintf("partition %s:%d (the topic has %s)", text.Safe(s.Topic), p, text.Count(len(td.Partitions), "partition")))
				continue
			}
			plan = append(plan, planPartition(opts.Unclean, pd))
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("no such %s; nothing was elected", strings.Join(missing, ", "))
	}
	sort.SliceStable(plan, func(i, j int) bool {
		if plan[i].Topic != plan[j].Topic {
			return plan[i].Topic < plan[j].Topic
		}
		return plan[i].Partition < plan[j].Partition
	})
	return plan, nil
}

func planPartition(unclean bool, pd kadm.PartitionDetail) Election {
	e := Election{Topic: pd.Topic, Partition: pd.Partition, Leader: pd.Leader, PreviousLeader: pd.Leader, Preferred: -1, ISR: append([]int32{}, pd.ISR...)}
	if len(pd.Replicas) > 0 {
		e.Preferred = pd.Replicas[0]
	}
	switch {
	case unclean && pd.Leader >= 0:
		e.Result, e.Detail = resNotNeeded, fmt.Sprintf("has a leader (%d)", pd.Leader)
	case unclean:
		e.Result, e.Detail = resWouldElect, "no leader: an out-of-sync replica may be elected"
	case pd.Leader == e.Preferred:
		e.Result, e.Detail = resNotNeeded, "already the preferred leader"
	case !contains(pd.ISR, e.Preferred):
		e.Result, e.Detail = resWouldElect, fmt.Sprintf("preferred replica %d is not in the ISR: the election will fail until it catches up", e.Preferred)
	default:
		e.Result, e.Detail = resWouldElect, fmt.Sprintf("leader %s, preferred %d", leaderText(pd.Leader), e.Preferred)
	}
	return e
}

func contains(ns []int32, n int32) bool {
	for _, x := range ns {
		if x == n {
			return true
		}
	}
	return false
}

func leaderText(id int32) string {
	if id < 0 {
		return "none"
	}
	return strconv.Itoa(int(id))
}

// confirmUnclean says what an unclean election can lose and asks (or takes --yes).
func confirmUnclean(opts *electOptions, plan []Election) error {
	n := count(plan, resWouldElect)
	if !opts.Unclean || opts.DryRun || n == 0 {
		return nil
	}
	fmt.Fprintf(opts.IO.ErrOut, "warning: unclean election of %s with no leader: the replica elected may be out of sync; records it lacks are lost for good and consumers may see offsets go back.\n", text.Count(n, "partition"))
	return cmdutil.Confirm(opts.Prompter, opts.Yes, fmt.Sprintf("Elect leaders uncleanly for %s?", text.Count(n, "partition")))
}

func count(plan []Election, result string) int {
	n := 0
	for _, e := range plan {
		if e.Result == result {
			n++
		}
	}
	return n
}
