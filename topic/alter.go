package topic

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/outcome"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/text"
)

type alterOptions struct {
	IO            *cmdutil.IOStreams
	Admin         func() (*cmdutil.Admin, error)
	Context       func(context.Context) (context.Context, context.CancelFunc, error)
	StreamContext func(context.Context) (context.Context, context.CancelFunc, error)
	Printer       output.Printer

	Names             []string
	Partitions        int // 0: unchanged
	ReplicationFactor int // 0: unchanged
	Reassign          reassignOptions
	Set               map[string]string
	Delete            []string
	DryRun            bool
}

// AlteredTopic is one change made (or that would be made) by `topic alter`.
type AlteredTopic struct {
	Topic  string `json:"topic"`
	Change string `json:"change"` // partitions, replication_factor, set_config, delete_config
	Key    string `json:"key,omitempty"`
	From   string `json:"from"`
	To     string `json:"to"`
	Result string `json:"result"` // altered, would_alter, unchanged, failed, skipped
	Error  string `json:"error,omitempty"`
	Actual string `json:"actual,omitempty"` // after a failure: what the cluster shows
}

const alterLong = `Change existing topics: --partitions raises the partition count (Kafka cannot remove
partitions, so a lower count is refused), --set sets a config, --delete-config removes a config
set on the topic so that the broker default applies again. Configs are changed with
IncrementalAlterConfigs: configs you do not name are left alone.

--replication-factor N adds or removes replicas with a reassignment (the planner and executor of
"kafkit partition reassign": the fewest replicas copied, preferred leaders kept, rack-aware).
Adding replicas copies the topic's data to other brokers: --throttle RATE limits that copy (and
the throttles are removed when it ends, with --wait), --wait waits until the new replicas have
the data, printing progress. Without --wait the command returns once the cluster accepted the
reassignment ("kafkit partition reassign status" follows it). A factor above the number of
brokers is refused before anything is sent.

Every change is first validated by the broker (validate-only CreatePartitions and
IncrementalAlterConfigs); when any fails, nothing is changed. More than 10,000 new partitions in
one command is refused before anything is sent: Kafka's controller takes at most 10,000 in one
request and fails larger ones after adding some. After a failure kafkit re-reads the topic and
says what changed anyway.

--dry-run stops after the broker's validation and prints the changes with "(dry run)".`

func newCmdAlter(f *cmdutil.Factory, runF func(context.Context, *alterOptions) error) *cobra.Command {
	opts := &alterOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, StreamContext: f.StreamContext}
	var of cmdutil.OutputFlags
	var set []string
	var rf reassignFlags
	cmd := &cobra.Command{
		Use:   "alter NAME... [--partitions N] [--replication-factor N] [--set k=v] [--delete-config k]",
		Short: "Add partitions to topics, change their replication factor or configs",
		Long:  alterLong,
		Example: `  kafkit topic alter orders --partitions 12
  kafkit topic alter orders --set retention.ms=86400000 --set cleanup.policy=compact
  kafkit topic alter orders --delete-config retention.ms
  kafkit topic alter orders --partitions 12 --dry-run
  kafkit topic alter orders --replication-factor 3 --throttle 50MB --wait`,
		Args:              cmdutil.Args(cobra.MinimumNArgs(1)),
		ValidArgsFunction: cmdutil.CompleteTopics(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Names = args
			cfg, err := parseConfigPairs(set)
			if err != nil {
				return cmdutil.UsageErrorf("%v", err)
			}
			opts.Set = cfg
			for _, k := range opts.Delete {
				if _, ok := cfg[k]; ok {
					return cmdutil.UsageErrorf("config %q is both set and deleted", k)
				}
				if strings.TrimSpace(k) == "" || strings.Contains(k, "=") {
					return cmdutil.UsageErrorf("bad --delete-config %q: give the config name only, e.g. retention.ms", k)
				}
			}
			if cmd.Flags().Changed("partitions") && opts.Partitions < 1 {
				return cmdutil.UsageErrorf("--partitions must be at least 1, got %d", opts.Partitions)
			}
			if cmd.Flags().Changed("replication-factor") && (opts.ReplicationFactor < 1 || opts.ReplicationFactor > 32767) {
				return cmdutil.UsageErrorf("--replication-factor must be between 1 and 32767, got %d", opts.ReplicationFactor)
			}
			if opts.Partitions == 0 && opts.ReplicationFactor == 0 && len(opts.Set) == 0 && len(opts.Delete) == 0 {
				return cmdutil.UsageErrorf("nothing to change: give --partitions, --replication-factor, --set or --delete-config")
			}
			if opts.Reassign, err = rf.complete(opts.IO); err != nil {
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
			return alterRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.IntVarP(&opts.Partitions, "partitions", "p", 0, "new partition count (increase only)")
	fl.IntVarP(&opts.ReplicationFactor, "replication-factor", "r", 0, "new replication factor (a reassignment: adds or removes replicas)")
	rf.add(fl)
	fl.StringArrayVar(&set, "set", nil, "set a config key=value (repeatable)")
	fl.StringArrayVar(&opts.Delete, "delete-config", nil, "remove a config set on the topic (repeatable)")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "validate with the broker (validate-only requests), change nothing")
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	return cmd
}

func alterRun(ctx context.Context, opts *alterOptions) error {
	ctx, cancel, err := opts.Reassign.contextFor(opts.Context, opts.StreamContext)(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := opts.Admin()
	if err != nil {
		return err
	}
	m, cfgs, err := fetchAlterState(ctx, adm, opts)
	if err != nil {
		return err
	}
	plan, err := planAlter(opts, m, cfgs)
	if err != nil {
		return err
	}
	if _, sent := executePlanWith(ctx, adm, plan, opts.DryRun, 0, opts.Reassign); sent && !opts.DryRun {
		waitApplied(ctx, adm, m.Brokers, plan, 5*time.Second)
	}
	printNotes(opts.IO.ErrOut, plan)
	if err := printAlter(opts, alterView(plan)); err != nil {
		return err
	}
	return reportFailures(opts.IO, failures(plan), countResult(plan, outcome.Skipped))
}

// fetchAlterState reads the named topics and their configs, and refuses unknown topics and
// config keys before anything is planned.
func fetchAlterState(ctx context.Context, adm *cmdutil.Admin, opts *alterOptions) (kadm.Metadata, map[string]topicConfigs, error) {
	m, err := fetchMetadata(ctx, adm, opts.Names...)
	if err != nil {
		return m, nil, err
	}
	var missing []string
	for _, n := range opts.Names {
		if !exists(m, n) {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return m, nil, notFoundError(missing)
	}
	if err := checkConfigKeys(ctx, adm, append(sortedKeys(opts.Set), opts.Delete...), opts.Names[0]); err != nil {
		return m, nil, err
	}
	cfgs, cfgErrs, err := describeConfigs(ctx, adm, opts.Names)
	if err != nil {
		return m, nil, err
	}
	if len(cfgErrs) > 0 {
		return m, nil, describeErrors(opts.IO, cfgErrs)
	}
	return m, cfgs, nil
}

// planAlter is alter's pure planner: per topic, new partitions (unchanged when the count is
// already there), then each config to set and to delete. Fewer partitions, and more new
// partitions than one request takes, are refused for the whole command.
func planAlter(opts *alterOptions, m kadm.Metadata, cfgs map[string]topicConfigs) ([]Action, error) {
	var plan []Action
	for _, n := range opts.Names {
		if opts.Partitions > 0 {
			a, err := planAlterPartitions(n, len(m.Topics[n].Partitions), opts.Partitions)
			if err != nil {
				return nil, err
			}
			plan = append(plan, a)
		}
		if opts.ReplicationFactor > 0 {
			a, err := planAlterRF(n, replicationFactor(m.Topics[n]), opts.ReplicationFactor, len(m.Brokers))
			if err != nil {
				return nil, err
			}
			plan = append(plan, a)
		}
		for _, k := range sortedKeys(opts.Set) {
			from, _ := cfgs[n].value(k)
			plan = append(plan, Action{Topic: n, Action: actSetConfig, Key: k, From: from, To: opts.Set[k], Detail: fmt.Sprintf("%s: %s -> %s", k, from, opts.Set[k])})
		}
		for _, k := range opts.Delete {
			from, _ := cfgs[n].value(k)
			plan = append(plan, Action{Topic: n, Action: actUnsetConfig, Key: k, From: from, To: "(default)", Detail: fmt.Sprintf("%s: %s -> (default)", k, from)})
		}
	}
	return plan, nil
}

func planAlterPartitions(topic string, cur, want int) (Action, error) {
	a := Action{Topic: topic, Action: actAddPartitions, From: fmt.Sprint(cur), To: fmt.Sprint(want), Partitions: int32(want), Detail: fmt.Sprintf("partitions %d -> %d", cur, want)}
	switch {
	case want < cur:
		return a, fmt.Errorf("cannot decrease the partitions of topic %q from %d to %d: Kafka cannot remove partitions; create a new topic with %d partitions and copy the data into it", topic, cur, want, want)
	case want == cur:
		a.Result = outcome.Unchanged
	}
	if why := growLimitRefusal(cur, want); why != "" {
		return a, fmt.Errorf("topic %q: %s; nothing was changed", topic, why)
	}
	return a, nil
}

// planAlterRF is the replication-factor change of one topic; more replicas than live brokers
// is a usage error (nothing is sent).
func planAlterRF(topic string, cur, want, brokers int) (Action, error) {
	a := rfAction(topic, cur, want)
	switch {
	case want > brokers:
		return a, cmdutil.UsageErrorf("topic %q: replication factor %d is more than the %s in the cluster; nothing was changed", topic, want, text.Count(brokers, "live broker"))
	case want == cur:
		a.Result = outcome.Unchanged
	}
	return a, nil
}

// alterView turns the executed plan into alter's rows (and JSON).
func alterView(plan []Action) []AlteredTopic {
	out := []AlteredTopic{}
	for _, a := range plan {
		change := a.Action
		switch a.Action {
		case actAddPartitions:
			change = "partitions"
		case actUnsetConfig:
			change = "delete_config"
		}
		out = append(out, AlteredTopic{Topic: a.Topic, Change: change, Key: a.Key, From: a.From, To: a.To, Result: a.Result, Error: a.Error, Actual: a.Actual})
	}
	return out
}

// rfSuffix says what a replication-factor change did: reassigned (--wait) or started.
func rfSuffix(opts *alterOptions) string {
	switch {
	case opts.DryRun:
		return " (dry run: checked against the brokers; reassignments have no validate-only form)"
	case opts.Reassign.Wait:
		return " (reassigned)"
	}
	return " (reassignment started)"
}

func printAlter(opts *alterOptions, changes []AlteredTopic) error {
	if changes == nil {
		changes = []AlteredTopic{}
	}
	return opts.Printer.Print(opts.IO.Out, changes, func(t *output.Text) error {
		suffix := ""
		if opts.DryRun {
			suffix = " (dry run: validated by the broker)"
		}
		for _, c := range changes {
			if c.Result != outcome.Altered && c.Result != outcome.WouldAlter && c.Result != outcome.Unchanged {
				continue
			}
			switch {
			case c.Change == "partitions" && c.Result == outcome.Unchanged:
				t.Linef("topic %q already has %s partitions", c.Topic, c.To)
			case c.Change == "partitions":
				t.Linef("topic %q: partitions %s -> %s%s", c.Topic, c.From, c.To, suffix)
			case c.Change == actReplicationFactor && c.Result == outcome.Unchanged:
				t.Linef("topic %q already has replication factor %s", c.Topic, c.To)
			case c.Change == actReplicationFactor:
				t.Linef("topic %q: replication factor %s -> %s%s", c.Topic, c.From, c.To, rfSuffix(opts))
			case c.Change == "set_config":
				t.Linef("topic %q: set %s=%s (was %s)%s", c.Topic, c.Key, c.To, output.Dash(c.From), suffix)
			case c.Change == "delete_config":
				t.Linef("topic %q: deleted config %s (was %s; the default applies)%s", c.Topic, c.Key, output.Dash(c.From), suffix)
			}
		}
		return nil
	})
}
