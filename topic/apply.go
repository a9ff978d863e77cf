package topic

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
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

type applyOptions struct {
	IO      *cmdutil.IOStreams
	Client  func() (*kgo.Client, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer

	File         string // for messages
	Specs        []TopicSpec
	DryRun       bool
	PruneConfigs bool
	PruneTopics  bool
	PruneScope   *regexp.Regexp // topics --prune-topics may delete; nil: all non-internal
	// Settle is how long to keep re-reading the cluster until it shows the applied changes.
	Settle time.Duration
}

// ApplyReport is what `topic apply -o json` prints.
type ApplyReport struct {
	File     string   `json:"file"`
	DryRun   bool     `json:"dry_run"`
	Topics   int      `json:"topics"`
	Changes  int      `json:"changes"`
	Refusals int      `json:"refusals"`
	Actions  []Action `json:"actions"`
	// Remaining are the differences found when the cluster was re-read after applying.
	Remaining []Action `json:"remaining,omitempty"`
	InSync    bool     `json:"in_sync"`
}

func newCmdApply(f *cmdutil.Factory, runF func(context.Context, *applyOptions) error) *cobra.Command {
	opts := &applyOptions{IO: f.IO, Client: f.Client, Context: f.Context, Settle: 5 * time.Second}
	var of cmdutil.OutputFlags
	var file, scope string
	var yes bool
	cmd := &cobra.Command{
		Use:   "apply -f FILE",
		Short: "Make the cluster's topics match a YAML file (create, add partitions, set configs)",
		Long: `Make the cluster's topics match a YAML file, declaratively:

` + fileFormat + `

kafkit reads and checks the whole file first (unknown keys, duplicate names, bad values, unknown
config names, each reported with file:line) and sends nothing if anything is wrong. It then
compares the file with the cluster and prints the plan, one row per action:
  create          the topic does not exist
  add_partitions  the file asks for more partitions
  set_config      a config's effective value differs from the file
  unset_config    a config set on the topic is not in the file (only with --prune-configs)
  delete_topic    a topic is not in the file (only with --prune-topics --yes)
  refuse          what apply cannot do: fewer partitions, another replication factor (with how
                  to do it instead)

A config is in sync when the topic's effective value equals the file's, wherever that value is
set (on the topic, on the broker, or Kafka's default): a file listing retention.ms equal to the
broker default changes nothing. Partitions and replication_factor, when omitted, are the broker
defaults for new topics and are not compared for existing ones.

--dry-run prints the plan and exits 0 when nothing would change, 3 when something would (1 when
the plan has refusals). Without it, kafkit applies the plan with one CreateTopics, one
CreatePartitions and one IncrementalAlterConfigs request for all topics, re-reads the cluster
and reports what still differs; applying the same file again reports "no changes".
A plan with refusals applies nothing and exits 1.

Topics absent from the file are never deleted unless --prune-topics --yes; --prune-scope limits
which topics may be deleted (a regex on the whole name). Internal topics are never deleted.
'kafkit topic export' writes this format from a live cluster.`,
		Example: `  kafkit topic apply -f topics.yaml --dry-run
  kafkit topic apply -f topics.yaml
  kafkit topic export 'orders\..*' > topics.yaml && kafkit topic apply -f topics.yaml --dry-run
  cat topics.yaml | kafkit topic apply -f - -o json
  kafkit topic apply -f topics.yaml --prune-configs --prune-topics --prune-scope 'orders\..*' --yes`,
		Args: cmdutil.Args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if file == "" {
				return cmdutil.UsageErrorf("give the file with -f FILE (or -f - for stdin)")
			}
			if opts.PruneTopics && !yes && !opts.DryRun {
				return cmdutil.UsageErrorf("--prune-topics deletes every topic that is not in the file: add --yes (try --dry-run first)")
			}
			if scope != "" {
				if !opts.PruneTopics {
					return cmdutil.UsageErrorf("--prune-scope only applies with --prune-topics")
				}
				re, err := compileTopicRegex(scope)
				if err != nil {
					return cmdutil.UsageErrorf("bad --prune-scope: %v", err)
				}
				opts.PruneScope = re
			}
			var data []byte
			var err error
			if file == "-" {
				opts.File = "<stdin>"
				data, err = io.ReadAll(opts.IO.In)
			} else {
				opts.File = file
				data, err = os.ReadFile(file)
			}
			if err != nil {
				return cmdutil.UsageErrorf("cannot read %s: %v", file, unwrapPathErr(err))
			}
			specs, err := parseSpec(opts.File, data)
			if err != nil {
				return cmdutil.UsageErrorf("%s has errors, nothing was sent:\n%v", opts.File, err)
			}
			opts.Specs = specs
			p, err := of.Printer()
			if err != nil {
				return err
			}
			opts.Printer = p
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return applyRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&file, "file", "f", "", "YAML file of desired topics ('-' for stdin)")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "print the plan only: exit 0 without changes, 3 with changes")
	fl.BoolVar(&opts.PruneConfigs, "prune-configs", false, "unset configs set on a listed topic but absent from its entry")
	fl.BoolVar(&opts.PruneTopics, "prune-topics", false, "delete topics absent from the file (needs --yes)")
	fl.StringVar(&scope, "prune-scope", "", "with --prune-topics: only topics whose whole name matches this regex may be deleted")
	fl.BoolVarP(&yes, "yes", "y", false, "confirm --prune-topics")
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	_ = cmd.MarkFlagFilename("file", "yaml", "yml")
	return cmd
}

func unwrapPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// fetchActual reads the cluster state the plan compares against: every topic (internal ones
// marked) and the configs of the named ones.
func fetchActual(ctx context.Context, cl *kgo.Client, configsOf []string) (map[string]ActualTopic, kadm.Metadata, error) {
	m, err := fetchMetadata(ctx, cl)
	if err != nil {
		return nil, m, err
	}
	actual := map[string]ActualTopic{}
	for _, td := range m.Topics {
		if td.Err != nil {
			continue
		}
		actual[td.Topic] = ActualTopic{Name: td.Topic, Partitions: len(td.Partitions), ReplicationFactor: replicationFactor(td), Internal: td.IsInternal}
	}
	var names []string
	for _, n := range configsOf {
		if _, ok := actual[n]; ok {
			names = append(names, n)
		}
	}
	cfgs, errs, err := describeConfigs(ctx, kadm.NewClient(cl), names)
	if err != nil {
		return nil, m, err
	}
	if len(errs) > 0 {
		var msgs []string
		for _, n := range sortedKeys(errs) {
			msgs = append(msgs, fmt.Sprintf("topic %q: %v", n, errs[n]))
		}
		return nil, m, fmt.Errorf("cannot read topic configs: %s", strings.Join(msgs, "; "))
	}
	for n, c := range cfgs {
		a := actual[n]
		a.Configs = actualConfigs(c)
		actual[n] = a
	}
	return actual, m, nil
}

func actualConfigs(c topicConfigs) map[string]ActualConfig {
	out := map[string]ActualConfig{}
	for k, cfg := range c {
		out[k] = ActualConfig{Value: cfg.MaybeValue(), OnTopic: cfg.Source == kmsg.ConfigSourceDynamicTopicConfig}
	}
	return out
}

func (o *applyOptions) planFor(actual map[string]ActualTopic, brokers int) []Action {
	cand := actual
	if o.PruneTopics {
		cand = map[string]ActualTopic{}
		want := map[string]bool{}
		for _, s := range o.Specs {
			want[s.Name] = true
		}
		for n, a := range actual {
			if want[n] || o.PruneScope == nil || o.PruneScope.MatchString(n) {
				cand[n] = a
			}
		}
	}
	return computePlan(o.Specs, cand, planOptions{PruneConfigs: o.PruneConfigs, PruneTopics: o.PruneTopics, Brokers: brokers})
}

func applyRun(ctx context.Context, opts *applyOptions) error {
	ctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	cl, err := opts.Client()
	if err != nil {
		return err
	}
	names := make([]string, len(opts.Specs))
	var keys []string
	for i, s := range opts.Specs {
		names[i] = s.Name
		keys = append(keys, sortedKeys(s.Configs)...)
	}
	actual, m, err := fetchActual(ctx, cl, names)
	if err != nil {
		return err
	}
	// Config names kafkit does not know are checked against what the broker describes, still
	// before any change is sent.
	if len(unknownConfigKeys(keys, nil)) > 0 {
		sample := anyTopicName(m)
		brokerKeys := map[string]bool{}
		if a, ok := actual[sample]; ok && a.Configs != nil {
			for k := range a.Configs {
				brokerKeys[k] = true
			}
		} else {
			brokerKeys = brokerConfigKeys(ctx, kadm.NewClient(cl), sample)
		}
		if err := checkSpecConfigKeys(opts.File, opts.Specs, brokerKeys); err != nil {
			return cmdutil.UsageErrorf("%s has errors, nothing was changed:\n%v", opts.File, err)
		}
	}
	plan := opts.planFor(actual, len(m.Brokers))
	changes, refusals := planCounts(plan)
	report := ApplyReport{File: opts.File, DryRun: opts.DryRun, Topics: len(opts.Specs), Changes: changes, Refusals: refusals, Actions: plan, InSync: changes == 0 && refusals == 0}
	if report.Actions == nil {
		report.Actions = []Action{}
	}
	if opts.DryRun || refusals > 0 || changes == 0 {
		if err := printApply(opts, report, false); err != nil {
			return err
		}
		switch {
		case refusals > 0:
			return fmt.Errorf("the plan has %s that apply cannot do (see the refuse rows); nothing was changed", plural(refusals, "refusal"))
		case changes == 0:
			fmt.Fprintf(opts.IO.ErrOut, "no changes: %s in %s match the cluster\n", plural(len(opts.Specs), "topic"), opts.File)
			return nil
		default:
			fmt.Fprintf(opts.IO.ErrOut, "%s to apply (dry run)\n", plural(changes, "change"))
			return cmdutil.CheckFailed("")
		}
	}
	executePlan(ctx, cl, plan)
	var created []string
	for _, a := range plan {
		if a.Action == actCreate && a.Result == "done" {
			created = append(created, a.Topic)
		}
	}
	waitVisible(ctx, cl, m.Brokers, created, opts.Settle)
	failed := 0
	for _, a := range plan {
		if a.Result == "failed" {
			failed++
		}
	}
	// Re-read until the cluster shows the changes (metadata reaches every broker within
	// milliseconds, but a topic just created can be missing for a moment).
	var remaining []Action
	deadline := time.Now().Add(opts.Settle)
	for {
		actual, m, err = fetchActual(ctx, cl, names)
		if err != nil {
			return fmt.Errorf("the plan was applied, but re-reading the cluster failed: %w", err)
		}
		remaining = opts.planFor(actual, len(m.Brokers))
		if len(remaining) == 0 || failed > 0 || time.Now().After(deadline) {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	report.Remaining = remaining
	report.InSync = len(remaining) == 0
	if err := printApply(opts, report, true); err != nil {
		return err
	}
	for _, a := range plan {
		if a.Result == "failed" {
			what := a.Action
			if a.Key != "" {
				what += " " + a.Key
			}
			errorf(opts.IO, "topic %q: %s failed: %s", a.Topic, what, a.Error)
		}
	}
	done := changes - failed
	fmt.Fprintf(opts.IO.ErrOut, "applied %d of %s", done, plural(changes, "change"))
	if len(remaining) == 0 {
		fmt.Fprintf(opts.IO.ErrOut, "; the cluster now matches %s\n", opts.File)
	} else {
		fmt.Fprintf(opts.IO.ErrOut, "; re-reading the cluster still shows %s:\n", plural(len(remaining), "difference"))
		for _, a := range remaining {
			fmt.Fprintf(opts.IO.ErrOut, "  %s %s %s\n", a.Topic, a.Action, a.Detail)
		}
	}
	if failed > 0 || len(remaining) > 0 {
		return cmdutil.SilentError
	}
	return nil
}

// executePlan sends the plan as at most four batched requests (CreateTopics, CreatePartitions,
// IncrementalAlterConfigs, DeleteTopics) and records each action's result in place.
func executePlan(ctx context.Context, cl *kgo.Client, plan []Action) {
	idx := map[string][]int{} // topic → indexes of its actions
	for i, a := range plan {
		idx[a.Topic] = append(idx[a.Topic], i)
	}
	mark := func(i int, err error) {
		if err != nil {
			plan[i].Result, plan[i].Error = "failed", err.Error()
		} else {
			plan[i].Result = "done"
		}
	}
	markKind := func(topic, kind string, err error) {
		for _, i := range idx[topic] {
			if plan[i].Action == kind || kind == "config" && (plan[i].Action == actSetConfig || plan[i].Action == actUnsetConfig) {
				mark(i, err)
			}
		}
	}

	create := kmsg.NewPtrCreateTopicsRequest()
	create.TimeoutMillis = 60000
	parts := kmsg.NewPtrCreatePartitionsRequest()
	parts.TimeoutMillis = 60000
	alter := kmsg.NewPtrIncrementalAlterConfigsRequest()
	resources := map[string]int{}
	var deletes []string
	for _, a := range plan {
		switch a.Action {
		case actCreate:
			p, rf := a.Partitions, a.ReplicationFactor
			if p == 0 {
				p = -1
			}
			if rf == 0 {
				rf = -1
			}
			create.Topics = append(create.Topics, createRequestTopic(a.Topic, p, rf, a.Configs, nil))
		case actAddPartitions:
			t := kmsg.NewCreatePartitionsRequestTopic()
			t.Topic, t.Count = a.Topic, a.Partitions
			parts.Topics = append(parts.Topics, t)
		case actSetConfig, actUnsetConfig:
			ri, ok := resources[a.Topic]
			if !ok {
				r := kmsg.NewIncrementalAlterConfigsRequestResource()
				r.ResourceType, r.ResourceName = kmsg.ConfigResourceTypeTopic, a.Topic
				alter.Resources = append(alter.Resources, r)
				ri = len(alter.Resources) - 1
				resources[a.Topic] = ri
			}
			c := kmsg.NewIncrementalAlterConfigsRequestResourceConfig()
			c.Name = a.Key
			if a.Action == actSetConfig {
				c.Op, c.Value = kmsg.IncrementalAlterConfigOpSet, kmsg.StringPtr(a.To)
			} else {
				c.Op = kmsg.IncrementalAlterConfigOpDelete
			}
			alter.Resources[ri].Configs = append(alter.Resources[ri].Configs, c)
		case actDeleteTopic:
			deletes = append(deletes, a.Topic)
		}
	}
	if len(create.Topics) > 0 {
		resp, err := create.RequestWith(ctx, cl)
		got := map[string]bool{}
		if err == nil {
			for _, t := range resp.Topics {
				got[t.Topic] = true
				markKind(t.Topic, actCreate, kafkaErr(kerr.ErrorForCode(t.ErrorCode), ptrStr(t.ErrorMessage)))
			}
		}
		for _, t := range create.Topics {
			if !got[t.Topic] {
				markKind(t.Topic, actCreate, orNoAnswer(err))
			}
		}
	}
	if len(parts.Topics) > 0 {
		resp, err := parts.RequestWith(ctx, cl)
		got := map[string]bool{}
		if err == nil {
			for _, t := range resp.Topics {
				got[t.Topic] = true
				markKind(t.Topic, actAddPartitions, kafkaErr(kerr.ErrorForCode(t.ErrorCode), ptrStr(t.ErrorMessage)))
			}
		}
		for _, t := range parts.Topics {
			if !got[t.Topic] {
				markKind(t.Topic, actAddPartitions, orNoAnswer(err))
			}
		}
	}
	if len(alter.Resources) > 0 {
		resp, err := alter.RequestWith(ctx, cl)
		got := map[string]bool{}
		if err == nil {
			for _, r := range resp.Resources {
				got[r.ResourceName] = true
				markKind(r.ResourceName, "config", kafkaErr(kerr.ErrorForCode(r.ErrorCode), ptrStr(r.ErrorMessage)))
			}
		}
		for _, r := range alter.Resources {
			if !got[r.ResourceName] {
				markKind(r.ResourceName, "config", orNoAnswer(err))
			}
		}
	}
	if len(deletes) > 0 {
		rs, err := kadm.NewClient(cl).DeleteTopics(ctx, deletes...)
		for _, n := range deletes {
			r, ok := rs[n]
			switch {
			case ok:
				markKind(n, actDeleteTopic, kafkaErr(r.Err, r.ErrMessage))
			default:
				markKind(n, actDeleteTopic, orNoAnswer(err))
			}
		}
	}
}

func orNoAnswer(err error) error {
	if err != nil {
		return err
	}
	return fmt.Errorf("no answer from the cluster")
}

func printApply(opts *applyOptions, r ApplyReport, applied bool) error {
	return opts.Printer.Print(opts.IO.Out, r, func(t *output.Text) error {
		if len(r.Actions) == 0 {
			return nil
		}
		headers := []string{"TOPIC", "ACTION", "DETAIL"}
		if applied {
			headers = append(headers, "RESULT")
		}
		rows := make([][]string, 0, len(r.Actions))
		for _, a := range r.Actions {
			row := []string{a.Topic, a.Action, a.Detail}
			if applied {
				row = append(row, output.Dash(a.Result))
			}
			rows = append(rows, row)
		}
		return t.Table(headers, rows)
	})
}
