package topic

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/outcome"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/text"
)

type createOptions struct {
	IO      *cmdutil.IOStreams
	Admin   func() (*cmdutil.Admin, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer

	Names       []string
	Partitions  int32 // -1: the broker's num.partitions
	Replication int16 // -1: the broker's default.replication.factor
	Configs     map[string]string
	Assignment  [][]int32
	IfNotExists bool
	DryRun      bool
}

// CreatedTopic is one topic's outcome in `topic create`.
type CreatedTopic struct {
	Name              string            `json:"name"`
	Result            string            `json:"result"` // created, would_create, exists, failed
	Partitions        int32             `json:"partitions"`
	ReplicationFactor int16             `json:"replication_factor"`
	TopicID           string            `json:"topic_id,omitempty"`
	Configs           map[string]string `json:"configs"`
	Differences       []string          `json:"differences,omitempty"`
	Error             string            `json:"error,omitempty"`
}

const createLong = `Create one or more topics. -p and -r default to the broker's num.partitions and
default.replication.factor. -c sets a topic config (repeat it for more).

Before anything is sent, kafkit checks the names (a-z, A-Z, 0-9, '.', '_', '-'; at most 249
characters; not "." or ".."), the config keys, and that the replication factor fits the
registered brokers (a stopped broker is named as unavailable). A name that collides with an
existing topic or with another name of the command ("a.b" and "a_b": Kafka's metrics cannot
tell '.' from '_') is refused; a name that mixes '.' and '_' gets a warning.

Then the broker validates the whole request (CreateTopics validate-only); when any topic fails,
none is created. --if-not-exists succeeds when the topic already exists, and says on stderr how
the existing topic differs (partitions, replication factor, configs) from what was asked.
--dry-run stops after the broker's validation and prints what would be created.

--replica-assignment places replicas by hand: partitions separated by ',', the broker ids of one
partition by ':' (the first is the preferred leader); it replaces -p and -r.`

func newCmdCreate(f *cmdutil.Factory, runF func(context.Context, *createOptions) error) *cobra.Command {
	opts := &createOptions{IO: f.IO, Admin: f.Admin, Context: f.Context}
	var of cmdutil.OutputFlags
	var partitions, replication int
	var configs []string
	var assignment string
	cmd := &cobra.Command{
		Use:   "create NAME...",
		Short: "Create topics",
		Long:  createLong,
		Example: `  kafkit topic create orders -p 6 -r 3
  kafkit topic create orders -c retention.ms=604800000 -c cleanup.policy=compact
  kafkit topic create orders --if-not-exists
  kafkit topic create a b c --dry-run
  kafkit topic create pinned --replica-assignment 1:2:3,2:3:1,3:1:2`,
		Args: cmdutil.Args(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := parseCreateFlags(opts, args, partitions, replication, configs, assignment, cmd.Flags().Changed("partitions"), cmd.Flags().Changed("replication-factor")); err != nil {
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
			return createRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.IntVarP(&partitions, "partitions", "p", -1, "number of partitions (default: the broker's num.partitions)")
	fl.IntVarP(&replication, "replication-factor", "r", -1, "replicas per partition (default: the broker's default.replication.factor)")
	fl.StringArrayVarP(&configs, "config", "c", nil, "topic config key=value (repeatable)")
	fl.StringVar(&assignment, "replica-assignment", "", "manual placement, e.g. 1:2:3,2:3:1 (replaces -p and -r)")
	fl.BoolVar(&opts.IfNotExists, "if-not-exists", false, "succeed when the topic already exists")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "validate with the broker (validate-only CreateTopics), create nothing")
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	return cmd
}

// parseCreateFlags validates everything that needs no cluster; failures are usage errors.
func parseCreateFlags(opts *createOptions, args []string, partitions, replication int, configs []string, assignment string, pSet, rSet bool) error {
	seen := map[string]bool{}
	for _, n := range args {
		if err := validateTopicName(n); err != nil {
			return cmdutil.UsageErrorf("%v", err)
		}
		if !seen[n] {
			opts.Names = append(opts.Names, n)
		}
		seen[n] = true
	}
	if pSet && (partitions < 1 || partitions > 1<<20) {
		return cmdutil.UsageErrorf("--partitions must be at least 1, got %d", partitions)
	}
	if rSet && (replication < 1 || replication > 32767) {
		return cmdutil.UsageErrorf("--replication-factor must be between 1 and 32767, got %d", replication)
	}
	opts.Partitions, opts.Replication = int32(partitions), int16(replication)
	cfg, err := parseConfigPairs(configs)
	if err != nil {
		return cmdutil.UsageErrorf("%v", err)
	}
	opts.Configs = cfg
	if assignment != "" {
		if pSet || rSet {
			return cmdutil.UsageErrorf("--replica-assignment replaces --partitions and --replication-factor: give one or the other")
		}
		a, err := parseReplicaAssignment(assignment)
		if err != nil {
			return cmdutil.UsageErrorf("%v", err)
		}
		opts.Assignment = a
	}
	return nil
}

// parseReplicaAssignment reads "1:2:3,2:3:1": one entry per partition, broker ids separated by
// ':'. Every partition must have the same number of distinct replicas.
func parseReplicaAssignment(s string) ([][]int32, error) {
	var out [][]int32
	for i, part := range strings.Split(s, ",") {
		var reps []int32
		seen := map[int32]bool{}
		for _, id := range strings.Split(strings.TrimSpace(part), ":") {
			n, err := strconv.ParseInt(strings.TrimSpace(id), 10, 32)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("bad --replica-assignment %q: partition %d has %q, not a broker id; use e.g. 1:2:3,2:3:1", s, i, id)
			}
			if seen[int32(n)] {
				return nil, fmt.Errorf("bad --replica-assignment %q: partition %d lists broker %d twice", s, i, n)
			}
			seen[int32(n)] = true
			reps = append(reps, int32(n))
		}
		if len(out) > 0 && len(reps) != len(out[0]) {
			return nil, fmt.Errorf("bad --replica-assignment %q: partition %d has %d replicas, partition 0 has %d", s, i, len(reps), len(out[0]))
		}
		out = append(out, reps)
	}
	return out, nil
}

// createState is what create reads from the cluster before it plans.
type createState struct {
	m                 kadm.Metadata
	brokers           brokerState
	existing          map[string]topicConfigs // configs of the named topics that exist
	defaultPartitions int
}

func createRun(ctx context.Context, opts *createOptions) error {
	ctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := opts.Admin()
	if err != nil {
		return err
	}
	st, err := fetchCreateState(ctx, adm, opts)
	if err != nil {
		return err
	}
	if err := checkCreate(opts, st); err != nil {
		return err
	}
	if err := checkConfigKeys(ctx, adm, sortedKeys(opts.Configs), anyTopicName(st.m)); err != nil {
		return err
	}
	warnMixedNames(opts.IO, opts.Names)
	plan := planCreate(opts, st)
	for _, a := range plan {
		if a.Result == outcome.Exists && len(a.Differences) > 0 {
			warnf(opts.IO, "topic %q already exists and differs from what was asked: %s", a.Topic, strings.Join(a.Differences, "; "))
		}
	}
	executePlan(ctx, adm, plan, opts.DryRun, st.defaultPartitions)
	if !opts.DryRun {
		waitVisible(ctx, adm, st.m.Brokers, resultTopics(plan, outcome.Created), 5*time.Second)
	}
	results := createView(opts, plan, st.m)
	if err := printCreate(opts, results); err != nil {
		return err
	}
	return reportFailures(opts.IO, failures(plan), countResult(plan, outcome.Skipped))
}

// fetchCreateState reads the metadata, the brokers and the configs of the named topics that
// already exist (to say how they differ).
func fetchCreateState(ctx context.Context, adm *cmdutil.Admin, opts *createOptions) (createState, error) {
	var st createState
	m, err := fetchMetadata(ctx, adm)
	if err != nil {
		return st, err
	}
	st.m, st.brokers = m, fetchBrokers(ctx, adm, m)
	var existing []string
	for _, n := range opts.Names {
		if exists(m, n) {
			existing = append(existing, n)
		}
	}
	if st.existing, _, err = describeConfigs(ctx, adm, existing); err != nil {
		return st, err
	}
	if opts.Partitions <= 0 && len(opts.Assignment) == 0 {
		st.defaultPartitions = brokerNumPartitions(ctx, adm, st.brokers)
	}
	return st, nil
}

// checkCreate refuses, before anything is sent, what applies to every named topic: a
// replication factor the brokers cannot place, more records than one request takes, and a
// replica assignment naming unknown brokers.
func checkCreate(opts *createOptions, st createState) error {
	if why := st.brokers.rfRefusal(int(opts.Replication), "-r %d"); why != "" {
		return errors.New(why)
	}
	parts := int(opts.Partitions)
	if len(opts.Assignment) > 0 {
		parts = len(opts.Assignment)
	}
	if why := createLimitRefusal(parts, len(opts.Configs)); why != "" {
		return errors.New(why)
	}
	live := map[int32]bool{}
	for _, b := range st.m.Brokers {
		live[b.NodeID] = true
	}
	for i, reps := range opts.Assignment {
		for _, r := range reps {
			if !live[r] {
				return fmt.Errorf("--replica-assignment: partition %d names broker %d, which is not in the cluster (brokers: %s)", i, r, brokerIDs(st.m))
			}
		}
	}
	return nil
}

// warnMixedNames warns about names that mix '.' and '_' (legal, but a trap for later).
func warnMixedNames(io *cmdutil.IOStreams, names []string) {
	for _, n := range names {
		if mixesDotUnderscore(n) {
			warnf(io, "topic name %q mixes '.' and '_': Kafka's metric names cannot tell them apart, so %q could not exist beside it", n, collisionKey(n))
		}
	}
}

// planCreate is create's pure planner: one create action per name, already failed when the
// topic exists (unless --if-not-exists) or collides with an existing topic or with an earlier
// name of the same command (Kafka refuses "a.b" beside "a_b").
func planCreate(opts *createOptions, st createState) []Action {
	coll := collisions(opts.Names, st.m.Topics.Names())
	inReq := map[string]string{}
	var plan []Action
	for _, n := range opts.Names {
		a := Action{Topic: n, Action: actCreate, Partitions: opts.Partitions, ReplicationFactor: opts.Replication, Configs: opts.Configs, Assignment: opts.Assignment}
		a.Detail = createDetail(TopicSpec{Name: n, Partitions: max(opts.Partitions, 0), ReplicationFactor: max(opts.Replication, 0), Configs: opts.Configs})
		other, dup := inReq[collisionKey(n)]
		if exists(st.m, n) {
			a.Differences = createDifferences(opts, st.m.Topics[n], st.existing[n])
		}
		switch {
		case exists(st.m, n) && opts.IfNotExists:
			a.Result = outcome.Exists
		case exists(st.m, n):
			a.Result, a.Error = outcome.Failed, "already exists (add --if-not-exists to accept an existing topic)"
		case coll[n] != "":
			a.Result, a.Error = outcome.Failed, fmt.Sprintf("collides with the existing topic %q ('.' and '_' are the same in Kafka's metric names): Kafka refuses it", coll[n])
		case dup:
			a.Result, a.Error = outcome.Failed, fmt.Sprintf("collides with %q in the same command ('.' and '_' are the same in Kafka's metric names): Kafka would create only one of them", other)
		}
		inReq[collisionKey(n)] = n
		plan = append(plan, a)
	}
	sortActions(plan)
	return plan
}

// createView turns the executed plan into create's rows (and JSON).
func createView(opts *createOptions, plan []Action, m kadm.Metadata) []CreatedTopic {
	out := []CreatedTopic{}
	for _, a := range plan {
		r := CreatedTopic{Name: a.Topic, Result: a.Result, Partitions: opts.Partitions, ReplicationFactor: opts.Replication, Configs: opts.Configs, Error: a.Error}
		if td, ok := m.Topics[a.Topic]; ok && exists(m, a.Topic) {
			r.Partitions, r.ReplicationFactor, r.TopicID = int32(len(td.Partitions)), int16(replicationFactor(td)), topicID(td.ID)
			r.Differences = a.Differences
		}
		if a.gotPartitions > 0 {
			r.Partitions = a.gotPartitions
		}
		if a.gotRF > 0 {
			r.ReplicationFactor = a.gotRF
		}
		if a.topicID != "" {
			r.TopicID = a.topicID
		}
		if len(opts.Assignment) > 0 && r.Partitions <= 0 {
			r.Partitions, r.ReplicationFactor = int32(len(opts.Assignment)), int16(len(opts.Assignment[0]))
		}
		out = append(out, r)
	}
	return out
}

func brokerIDs(m kadm.Metadata) string {
	ids := make([]int32, len(m.Brokers))
	for i, b := range m.Brokers {
		ids[i] = b.NodeID
	}
	return int32List(ids)
}

// createDifferences says how an existing topic differs from what create was asked for.
func createDifferences(opts *createOptions, td kadm.TopicDetail, cfg topicConfigs) []string {
	var diffs []string
	if len(opts.Assignment) > 0 {
		if n := len(td.Partitions); n != len(opts.Assignment) {
			diffs = append(diffs, fmt.Sprintf("partitions %d, asked %d", n, len(opts.Assignment)))
		}
	} else if opts.Partitions > 0 && int(opts.Partitions) != len(td.Partitions) {
		diffs = append(diffs, fmt.Sprintf("partitions %d, asked %d", len(td.Partitions), opts.Partitions))
	}
	if opts.Replication > 0 && int(opts.Replication) != replicationFactor(td) {
		diffs = append(diffs, fmt.Sprintf("replication factor %d, asked %d", replicationFactor(td), opts.Replication))
	}
	keys := make([]string, 0, len(opts.Configs))
	for k := range opts.Configs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, ok := cfg.value(k)
		if !ok {
			v = "(not described)"
		}
		if v != opts.Configs[k] {
			diffs = append(diffs, fmt.Sprintf("%s=%s, asked %s", k, v, opts.Configs[k]))
		}
	}
	return diffs
}

func printCreate(opts *createOptions, all []CreatedTopic) error {
	return opts.Printer.Print(opts.IO.Out, all, func(t *output.Text) error {
		for _, r := range all {
			shape := fmt.Sprintf("%s, replication factor %d", text.Count(int(r.Partitions), "partition"), r.ReplicationFactor)
			switch r.Result {
			case outcome.Created:
				t.Linef("created topic %q (%s)", r.Name, shape)
			case outcome.WouldCreate:
				t.Linef("would create topic %q (%s) (dry run: validated by the broker)", r.Name, shape)
			case outcome.Exists:
				t.Linef("topic %q already exists (%s)", r.Name, shape)
			}
		}
		return nil
	})
}
