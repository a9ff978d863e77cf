package topic

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/outcome"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/text"
)

type applyOptions struct {
	IO            *cmdutil.IOStreams
	Admin         func() (*cmdutil.Admin, error)
	Context       func(context.Context) (context.Context, context.CancelFunc, error)
	StreamContext func(context.Context) (context.Context, context.CancelFunc, error)
	Printer       output.Printer
	Reassign      reassignOptions

	File         string // for messages
	Specs        []TopicSpec
	DryRun       bool
	PruneConfigs bool
	PruneTopics  bool
	PruneScope   *regexp.Regexp // topics --prune-topics may delete; nil: all non-internal
	// Settle is how long to keep re-reading the cluster until it shows the applied changes.
	Settle time.Duration
	// report, when set, receives the report instead of Printer (kafkit apply prints it).
	report func(r ApplyReport, withResult bool) error
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
	// RereadError says why the cluster could not be re-read after applying (Remaining unknown).
	RereadError string `json:"reread_error,omitempty"`
	InSync      bool   `json:"in_sync"`
}

const applyLong = `Make the cluster's topics match a YAML file, declaratively:

` + fileFormat + `

kafkit reads and checks the whole file first (unknown keys, duplicate names, bad values, unknown
config names, each reported with file:line) and sends nothing if anything is wrong. It then
compares the file with the cluster and prints the plan, one row per action:
  create          the topic does not exist
  add_partitions  the file asks for more partitions
  replication_factor  the file asks for another replication factor: a reassignment adds or
                  removes replicas (the fewest moves, leaders kept; see "kafkit partition
                  reassign"); --throttle limits the copy, --wait waits until it ends
  set_config      a config's effective value differs from the file
  unset_config    a config set on the topic is not in the file (only with --prune-configs)
  delete_topic    a topic is not in the file (only with --prune-topics --yes)
  refuse          what apply cannot do: fewer partitions, a name colliding with an existing
                  topic, more brokers or records than the cluster takes (with how to do it
                  instead)

A config is in sync when the topic's effective value equals the file's, wherever that value is
set (on the topic, on the broker, or Kafka's default): a file listing retention.ms equal to the
broker default changes nothing. Partitions and replication_factor, when omitted, are the broker
defaults for new topics and are not compared for existing ones.

Before anything changes, the whole plan is validated by the broker: validate-only CreateTopics,
CreatePartitions and IncrementalAlterConfigs requests (topic deletes have no validate-only form
in Kafka: they are checked client-side against current metadata). When any action fails
validation nothing is sent and the other actions show "skipped"; a plan that validates applies
the same way. Names that collide with an existing topic ('.' and '_' are the same to Kafka) are
refused in the plan.

--dry-run stops after the broker's validation: it exits 0 when nothing would change, 3 when
something would, 1 when the plan has refusals or the broker refused an action. Without it,
kafkit applies the plan in batched CreateTopics, CreatePartitions, IncrementalAlterConfigs and
DeleteTopics requests (split so that each stays within the 10,000 records Kafka's controller
takes in one request), re-reads the cluster with fresh metadata and reports what still differs;
applying the same file again reports "no changes". After a failure it reports, per action, what
failed and what the cluster shows. A plan with refusals applies nothing and exits 1.

Topics absent from the file are never deleted unless --prune-topics --yes; --prune-scope limits
which topics may be deleted (a regex on the whole name). Internal topics are never deleted.
'kafkit topic export' writes this format from a live cluster.`

func newCmdApply(f *cmdutil.Factory, runF func(context.Context, *applyOptions) error) *cobra.Command {
	opts := &applyOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, StreamContext: f.StreamContext, Settle: 5 * time.Second}
	var of cmdutil.OutputFlags
	var rf reassignFlags
	var file, scope string
	var yes bool
	cmd := &cobra.Command{
		Use:   "apply -f FILE",
		Short: "Make the cluster's topics match a YAML file (create, add partitions, set configs)",
		Long:  applyLong,
		Example: `  kafkit topic apply -f topics.yaml --dry-run
  kafkit topic apply -f topics.yaml
  kafkit topic export 'orders\..*' > topics.yaml && kafkit topic apply -f topics.yaml --dry-run
  cat topics.yaml | kafkit topic apply -f - -o json
  kafkit topic apply -f topics.yaml --prune-configs --prune-topics --prune-scope 'orders\..*' --yes`,
		Args: cmdutil.Args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.complete(file, scope, yes); err != nil {
				return err
			}
			ro, err := rf.complete(opts.IO)
			if err != nil {
				return err
			}
			opts.Reassign = ro
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
	fl.BoolVar(&opts.DryRun, "dry-run", false, "print the plan validated by the broker, change nothing: exit 0 without changes, 3 with changes")
	fl.BoolVar(&opts.PruneConfigs, "prune-configs", false, "unset configs set on a listed topic but absent from its entry")
	fl.BoolVar(&opts.PruneTopics, "prune-topics", false, "delete topics absent from the file (needs --yes)")
	fl.StringVar(&scope, "prune-scope", "", "with --prune-topics: only topics whose whole name matches this regex may be deleted")
	fl.BoolVarP(&yes, "yes", "y", false, "confirm --prune-topics")
	rf.add(fl)
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	_ = cmd.MarkFlagFilename("file", "yaml", "yml")
	return cmd
}

// complete checks the flags and reads and parses the file; every problem is a usage error and
// nothing is sent.
func (o *applyOptions) complete(file, scope string, yes bool) error {
	if file == "" {
		return cmdutil.UsageErrorf("give the file with -f FILE (or -f - for stdin)")
	}
	if o.PruneTopics && !yes && !o.DryRun {
		return cmdutil.UsageErrorf("--prune-topics deletes every topic that is not in the file: add --yes (try --dry-run first)")
	}
	if scope != "" {
		if !o.PruneTopics {
			return cmdutil.UsageErrorf("--prune-scope only applies with --prune-topics")
		}
		re, err := compileTopicRegex(scope)
		if err != nil {
			return cmdutil.UsageErrorf("bad --prune-scope: %v", err)
		}
		o.PruneScope = re
	}
	var data []byte
	var err error
	if file == "-" {
		o.File = "<stdin>"
		data, err = io.ReadAll(o.IO.In)
	} else {
		o.File = file
		data, err = os.ReadFile(file)
	}
	if err != nil {
		return cmdutil.UsageErrorf("cannot read %s: %v", file, unwrapPathErr(err))
	}
	specs, err := parseSpec(o.File, data)
	if err != nil {
		return cmdutil.UsageErrorf("%s has errors, nothing was sent:\n%v", o.File, err)
	}
	o.Specs = specs
	return nil
}

func unwrapPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// applyState is what apply reads from the cluster before it plans.
type applyState struct {
	actual            map[string]ActualTopic
	m                 kadm.Metadata
	brokers           brokerState
	defaultPartitions int
}

func (o *applyOptions) names() []string { return specNames(o.Specs) }

// fetchApplyState reads the topics, the configs of the listed ones and the brokers, and checks
// config names kafkit does not know against what the broker describes, still before any change.
func fetchApplyState(ctx context.Context, adm *cmdutil.Admin, o *applyOptions) (applyState, error) {
	var st applyState
	var err error
	st.actual, st.m, err = fetchActual(ctx, adm, o.names())
	if err != nil {
		return st, err
	}
	st.brokers = fetchBrokers(ctx, adm, st.m)
	if err := o.checkConfigKeys(ctx, adm, st); err != nil {
		return st, err
	}
	for _, s := range o.Specs {
		if _, ok := st.actual[s.Name]; !ok && s.Partitions == 0 {
			st.defaultPartitions = brokerNumPartitions(ctx, adm, st.brokers)
			break
		}
	}
	return st, nil
}

func (o *applyOptions) checkConfigKeys(ctx context.Context, adm *cmdutil.Admin, st applyState) error {
	var keys []string
	for _, s := range o.Specs {
		keys = append(keys, sortedKeys(s.Configs)...)
	}
	if len(unknownConfigKeys(keys, nil)) == 0 {
		return nil
	}
	sample := anyTopicName(st.m)
	brokerKeys := map[string]bool{}
	if a, ok := st.actual[sample]; ok && a.Configs != nil {
		for k := range a.Configs {
			brokerKeys[k] = true
		}
	} else {
		brokerKeys = brokerConfigKeys(ctx, adm, sample)
	}
	if err := checkSpecConfigKeys(o.File, o.Specs, brokerKeys); err != nil {
		return cmdutil.UsageErrorf("%s has errors, nothing was changed:\n%v", o.File, err)
	}
	return nil
}

// planFor plans against actual, limiting --prune-topics to the --prune-scope candidates.
func (o *applyOptions) planFor(actual map[string]ActualTopic, brokers brokerState) []Action {
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
	return computePlan(o.Specs, cand, planOptions{PruneConfigs: o.PruneConfigs, PruneTopics: o.PruneTopics, Brokers: brokers, Existing: sortedKeys(actual)})
}

func applyRun(ctx context.Context, opts *applyOptions) error {
	ctx, cancel, err := opts.Reassign.contextFor(opts.Context, opts.StreamContext)(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := opts.Admin()
	if err != nil {
		return err
	}
	st, err := fetchApplyState(ctx, adm, opts)
	if err != nil {
		return err
	}
	plan := opts.planFor(st.actual, st.brokers)
	report := newApplyReport(opts, plan)
	if report.Refusals > 0 || report.Changes == 0 {
		return applyNothing(opts, report)
	}
	ok, sent := executePlanWith(ctx, adm, plan, opts.DryRun, st.defaultPartitions, opts.Reassign)
	printNotes(opts.IO.ErrOut, plan)
	if opts.DryRun || !sent {
		return applyNotSent(opts, report, ok)
	}
	waitApplied(ctx, adm, st.m.Brokers, plan, opts.Settle)
	var rereadErr error
	report.Remaining, rereadErr = opts.remaining(ctx, adm, ok)
	report.Remaining = opts.stillMoving(report.Remaining, plan)
	report.InSync = rereadErr == nil && len(report.Remaining) == 0
	if rereadErr != nil {
		report.RereadError = rereadErr.Error()
	}
	return applyDone(opts, report, rereadErr)
}

func newApplyReport(opts *applyOptions, plan []Action) ApplyReport {
	changes, refusals := planCounts(plan)
	r := ApplyReport{File: opts.File, DryRun: opts.DryRun, Topics: len(opts.Specs), Changes: changes, Refusals: refusals, Actions: plan, InSync: changes == 0 && refusals == 0}
	if r.Actions == nil {
		r.Actions = []Action{}
	}
	return r
}

// applyNothing prints a plan that is not sent: it has refusals, or nothing to change.
func applyNothing(opts *applyOptions, r ApplyReport) error {
	if err := printApply(opts, r, false); err != nil {
		return err
	}
	if r.Refusals > 0 {
		return fmt.Errorf("the plan has %s that apply cannot do (see the refuse rows); nothing was changed", text.Count(r.Refusals, "refusal"))
	}
	fmt.Fprintf(opts.IO.ErrOut, "no changes: %s in %s match the cluster\n", text.Count(len(opts.Specs), "topic"), opts.File)
	return nil
}

// applyNotSent prints a validated plan that was not applied: a dry run (exit 3 when the broker
// accepted every change) or a plan the broker refused (exit 1, nothing changed).
func applyNotSent(opts *applyOptions, r ApplyReport, ok bool) error {
	if err := printApply(opts, r, true); err != nil {
		return err
	}
	if !ok {
		return reportFailures(opts.IO, failures(r.Actions), countResult(r.Actions, outcome.Skipped))
	}
	fmt.Fprintf(opts.IO.ErrOut, "%s to apply (dry run: validated by the broker)\n", text.Count(r.Changes, "change"))
	return cmdutil.CheckFailed("")
}

// remaining re-reads the cluster (fresh metadata each time) until it shows the plan applied,
// at most opts.Settle: a topic just created can be missing from metadata for a moment. After a
// failure it reads once.
func (o *applyOptions) remaining(ctx context.Context, adm *cmdutil.Admin, ok bool) ([]Action, error) {
	deadline := time.Now().Add(o.Settle)
	for {
		actual, m, err := fetchActual(ctx, adm, o.names())
		if err != nil {
			return nil, err
		}
		rem := o.planFor(actual, fetchBrokers(ctx, adm, m))
		if len(rem) == 0 || !ok || time.Now().After(deadline) {
			return rem, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// stillMoving leaves out of rem the replication factors of a reassignment started without
// --wait: it goes on in the cluster (the notes say so), the re-read cannot show it done yet.
func (o *applyOptions) stillMoving(rem, plan []Action) []Action {
	if o.Reassign.Wait {
		return rem
	}
	started := map[string]bool{}
	for _, a := range plan {
		if a.Action == actReplicationFactor && a.Result == outcome.Altered {
			started[a.Topic] = true
		}
	}
	var out []Action
	for _, a := range rem {
		if a.Action != actReplicationFactor || !started[a.Topic] {
			out = append(out, a)
		}
	}
	return out
}

// applyDone prints the applied plan, each failure, and what still differs (or that the
// cluster could not be re-read).
func applyDone(opts *applyOptions, r ApplyReport, rereadErr error) error {
	if err := printApply(opts, r, true); err != nil {
		return err
	}
	ferr := reportFailures(opts.IO, failures(r.Actions), 0)
	done := countResult(r.Actions, outcome.Created) + countResult(r.Actions, outcome.Altered) + countResult(r.Actions, outcome.Deleted)
	fmt.Fprintf(opts.IO.ErrOut, "applied %d of %s", done, text.Count(r.Changes, "change"))
	switch {
	case rereadErr != nil:
		fmt.Fprintf(opts.IO.ErrOut, "; re-reading the cluster failed (%v): run 'kafkit topic apply -f %s --dry-run' to see what still differs\n", rereadErr, opts.File)
		return cmdutil.SilentError
	case len(r.Remaining) == 0:
		fmt.Fprintf(opts.IO.ErrOut, "; the cluster now matches %s\n", opts.File)
	default:
		fmt.Fprintf(opts.IO.ErrOut, "; re-reading the cluster still shows %s:\n", text.Count(len(r.Remaining), "difference"))
		for _, a := range r.Remaining {
			fmt.Fprintf(opts.IO.ErrOut, "  %s %s %s\n", text.Safe(a.Topic), a.Action, a.Detail)
		}
	}
	if ferr != nil || len(r.Remaining) > 0 {
		return cmdutil.SilentError
	}
	return nil
}

func printApply(opts *applyOptions, r ApplyReport, withResult bool) error {
	if opts.report != nil {
		return opts.report(r, withResult)
	}
	return opts.Printer.Print(opts.IO.Out, r, func(t *output.Text) error {
		if len(r.Actions) == 0 {
			return nil
		}
		headers := []string{"TOPIC", "ACTION", "DETAIL"}
		if withResult {
			headers = append(headers, "RESULT")
		}
		rows := make([][]string, 0, len(r.Actions))
		for _, a := range r.Actions {
			row := []string{text.Safe(a.Topic), a.Action, a.Detail}
			if withResult {
				row = append(row, output.Dash(a.Result))
			}
			rows = append(rows, row)
		}
		return t.Table(headers, rows)
	})
}
