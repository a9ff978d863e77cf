package topic

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
)

type createOptions struct {
	IO      *cmdutil.IOStreams
	Client  func() (*kgo.Client, error)
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

func newCmdCreate(f *cmdutil.Factory, runF func(context.Context, *createOptions) error) *cobra.Command {
	opts := &createOptions{IO: f.IO, Client: f.Client, Context: f.Context}
	var of cmdutil.OutputFlags
	var partitions, replication int
	var configs []string
	var assignment string
	cmd := &cobra.Command{
		Use:   "create NAME...",
		Short: "Create topics",
		Long: `Create one or more topics. -p and -r default to the broker's num.partitions and
default.replication.factor. -c sets a topic config (repeat it for more).

Before anything is sent, kafkit checks the names (a-z, A-Z, 0-9, '.', '_', '-'; at most 249
characters; not "." or ".."), the config keys, and that the replication factor is not larger
than the number of brokers. It warns when a name mixes '.' and '_' (Kafka's metrics cannot tell
"a.b" from "a_b", so such topics collide), and when an existing topic collides that way.

--if-not-exists succeeds when the topic already exists, and says on stderr how the existing
topic differs (partitions, replication factor, configs) from what was asked.
--dry-run asks the cluster to validate the request (CreateTopics validate-only) and prints what
would be created.

--replica-assignment places replicas by hand: partitions separated by ',', the broker ids of one
partition by ':' (the first is the preferred leader); it replaces -p and -r.`,
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
	fl.BoolVar(&opts.DryRun, "dry-run", false, "validate on the cluster, create nothing")
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

func createRun(ctx context.Context, opts *createOptions) error {
	ctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	cl, err := opts.Client()
	if err != nil {
		return err
	}
	adm := kadm.NewClient(cl)
	m, err := fetchMetadata(ctx, cl)
	if err != nil {
		return err
	}
	// Client-side checks, before any change is requested.
	if n := len(m.Brokers); opts.Replication > 0 && int(opts.Replication) > n {
		return fmt.Errorf("replication factor %d is more than the %s in the cluster: use -r %d or less", opts.Replication, plural(n, "broker"), n)
	}
	if len(opts.Assignment) > 0 {
		live := map[int32]bool{}
		for _, b := range m.Brokers {
			live[b.NodeID] = true
		}
		for i, reps := range opts.Assignment {
			for _, r := range reps {
				if !live[r] {
					return fmt.Errorf("--replica-assignment: partition %d names broker %d, which is not in the cluster (brokers: %s)", i, r, brokerIDs(m))
				}
			}
		}
	}
	keys := make([]string, 0, len(opts.Configs))
	for k := range opts.Configs {
		keys = append(keys, k)
	}
	if err := checkConfigKeys(ctx, adm, keys, anyTopicName(m)); err != nil {
		return err
	}
	existing := m.Topics.Names()
	for _, n := range opts.Names {
		if mixesDotUnderscore(n) {
			warnf(opts.IO, "topic name %q mixes '.' and '_': Kafka's metric names cannot tell them apart, so %q could not exist beside it", n, collisionKey(n))
		}
	}
	coll := collisions(opts.Names, existing)
	inReq := map[string]string{}
	for _, n := range opts.Names {
		if other, ok := inReq[collisionKey(n)]; ok {
			warnf(opts.IO, "topics %q and %q collide ('.' and '_' are the same in Kafka's metric names); the cluster will refuse one of them", other, n)
			continue
		}
		inReq[collisionKey(n)] = n
	}
	var results []CreatedTopic
	var toCreate []string
	var existingNames []string
	for _, n := range opts.Names {
		if exists(m, n) {
			existingNames = append(existingNames, n)
			continue
		}
		if e, ok := coll[n]; ok {
			warnf(opts.IO, "topic %q collides with the existing topic %q ('.' and '_' are the same in Kafka's metric names); the cluster will refuse it", n, e)
		}
		toCreate = append(toCreate, n)
	}
	failed := false
	if len(existingNames) > 0 {
		cfgs, _, err := describeConfigs(ctx, adm, existingNames)
		if err != nil {
			return err
		}
		for _, n := range existingNames {
			td := m.Topics[n]
			r := CreatedTopic{Name: n, Result: "exists", Partitions: int32(len(td.Partitions)), ReplicationFactor: int16(replicationFactor(td)), TopicID: topicID(td.ID), Configs: opts.Configs}
			r.Differences = createDifferences(opts, td, cfgs[n])
			if !opts.IfNotExists {
				r.Result, r.Error = "failed", fmt.Sprintf("topic %q already exists (add --if-not-exists to accept an existing topic)", n)
				failed = true
			} else if len(r.Differences) > 0 {
				warnf(opts.IO, "topic %q already exists and differs from what was asked: %s", n, strings.Join(r.Differences, "; "))
			}
			results = append(results, r)
		}
	}
	if len(toCreate) > 0 {
		req := kmsg.NewPtrCreateTopicsRequest()
		req.TimeoutMillis = 30000
		req.ValidateOnly = opts.DryRun
		for _, n := range toCreate {
			req.Topics = append(req.Topics, createRequestTopic(n, opts.Partitions, opts.Replication, opts.Configs, opts.Assignment))
		}
		resp, err := req.RequestWith(ctx, cl)
		if err != nil {
			return err
		}
		byName := map[string]kmsg.CreateTopicsResponseTopic{}
		for _, t := range resp.Topics {
			byName[t.Topic] = t
		}
		for _, n := range toCreate {
			r := CreatedTopic{Name: n, Result: "created", Partitions: opts.Partitions, ReplicationFactor: opts.Replication, Configs: opts.Configs}
			if opts.DryRun {
				r.Result = "would_create"
			}
			t, ok := byName[n]
			switch {
			case !ok:
				r.Result, r.Error = "failed", "no answer from the cluster"
			case t.ErrorCode != 0:
				r.Result, r.Error = "failed", kafkaErr(kerr.ErrorForCode(t.ErrorCode), ptrStr(t.ErrorMessage)).Error()
			default:
				if t.NumPartitions > 0 {
					r.Partitions = t.NumPartitions
				}
				if t.ReplicationFactor > 0 {
					r.ReplicationFactor = t.ReplicationFactor
				}
				if !opts.DryRun {
					r.TopicID = topicID(t.TopicID)
				}
			}
			if len(opts.Assignment) > 0 && r.Partitions <= 0 {
				r.Partitions, r.ReplicationFactor = int32(len(opts.Assignment)), int16(len(opts.Assignment[0]))
			}
			failed = failed || r.Result == "failed"
			results = append(results, r)
		}
	}
	if !opts.DryRun {
		var created []string
		for _, r := range results {
			if r.Result == "created" {
				created = append(created, r.Name)
			}
		}
		waitVisible(ctx, cl, m.Brokers, created, 5*time.Second)
	}
	sort.SliceStable(results, func(i, j int) bool { return results[i].Name < results[j].Name })
	var ok []CreatedTopic
	for _, r := range results {
		if r.Result == "failed" {
			errorf(opts.IO, "cannot create topic %q: %s", r.Name, strings.TrimPrefix(r.Error, fmt.Sprintf("topic %q ", r.Name)))
			continue
		}
		ok = append(ok, r)
	}
	if err := printCreate(opts, results, ok); err != nil {
		return err
	}
	if failed {
		return cmdutil.SilentError
	}
	return nil
}

func brokerIDs(m kadm.Metadata) string {
	ids := make([]int32, len(m.Brokers))
	for i, b := range m.Brokers {
		ids[i] = b.NodeID
	}
	return int32List(ids)
}

func ptrStr(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// createRequestTopic builds one topic of a CreateTopics request.
func createRequestTopic(name string, partitions int32, rf int16, configs map[string]string, assignment [][]int32) kmsg.CreateTopicsRequestTopic {
	rt := kmsg.NewCreateTopicsRequestTopic()
	rt.Topic = name
	rt.NumPartitions, rt.ReplicationFactor = partitions, rf
	if len(assignment) > 0 {
		rt.NumPartitions, rt.ReplicationFactor = -1, -1
		for i, reps := range assignment {
			ra := kmsg.NewCreateTopicsRequestTopicReplicaAssignment()
			ra.Partition = int32(i)
			ra.Replicas = reps
			rt.ReplicaAssignment = append(rt.ReplicaAssignment, ra)
		}
	}
	keys := make([]string, 0, len(configs))
	for k := range configs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		c := kmsg.NewCreateTopicsRequestTopicConfig()
		c.Name = k
		c.Value = kmsg.StringPtr(configs[k])
		rt.Configs = append(rt.Configs, c)
	}
	return rt
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

func printCreate(opts *createOptions, all, ok []CreatedTopic) error {
	if all == nil {
		all = []CreatedTopic{}
	}
	return opts.Printer.Print(opts.IO.Out, all, func(t *output.Text) error {
		for _, r := range ok {
			shape := fmt.Sprintf("%s, replication factor %d", plural(int(r.Partitions), "partition"), r.ReplicationFactor)
			switch r.Result {
			case "created":
				t.Linef("created topic %q (%s)", r.Name, shape)
			case "would_create":
				t.Linef("would create topic %q (%s) (dry run)", r.Name, shape)
			case "exists":
				t.Linef("topic %q already exists (%s)", r.Name, shape)
			}
		}
		return nil
	})
}
