package topic

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/outcome"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/text"
)

type deleteOptions struct {
	IO      *cmdutil.IOStreams
	Admin   func() (*cmdutil.Admin, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer

	Names         []string
	Regex         *regexp.Regexp
	RegexText     string
	IfExists      bool
	Yes           bool
	ForceInternal bool
	DryRun        bool
	Prompter      cmdutil.Prompter
}

// DeletedTopic is one topic's outcome in `topic delete`.
type DeletedTopic struct {
	Name   string `json:"name"`
	Result string `json:"result"` // deleted, would_delete, not_found, failed
	Error  string `json:"error,omitempty"`
}

func newCmdDelete(f *cmdutil.Factory, runF func(context.Context, *deleteOptions) error) *cobra.Command {
	opts := &deleteOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Prompter: f.Confirmer()}
	var of cmdutil.OutputFlags
	cmd := &cobra.Command{
		Use:     "delete NAME... | --regex REGEX",
		Aliases: []string{"rm"},
		Short:   "Delete topics",
		Long: `Delete topics by name, or every topic whose whole name matches --regex.

A regex delete first lists what it matched and then needs --yes (or a "y" typed at the prompt
when stdin is a terminal). A missing topic is an error unless --if-exists. Internal topics
(__consumer_offsets, __transaction_state, ...) and any topic whose name starts with "__" are
refused unless --force-internal.

--dry-run prints what would be deleted. Kafka has no validate-only delete: the dry run is
checked client-side against current metadata (the topics exist, internal ones refused), not by
the broker.`,
		Example: `  kafkit topic delete orders
  kafkit topic delete orders payments --if-exists
  kafkit topic delete --regex 'test-.*' --yes
  kafkit topic delete --regex 'test-.*' --dry-run`,
		ValidArgsFunction: cmdutil.CompleteTopics(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Names = args
			switch {
			case opts.RegexText != "" && len(args) > 0:
				return cmdutil.UsageErrorf("give topic names or --regex, not both")
			case opts.RegexText == "" && len(args) == 0:
				return cmdutil.UsageErrorf("name the topics to delete, or give --regex")
			case opts.RegexText != "":
				re, err := compileTopicRegex(opts.RegexText)
				if err != nil {
					return cmdutil.UsageErrorf("%v", err)
				}
				opts.Regex = re
			}
			p, err := of.Printer()
			if err != nil {
				return err
			}
			opts.Printer = p
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return deleteRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.RegexText, "regex", "", "delete every topic whose whole name matches this regular expression")
	fl.BoolVar(&opts.IfExists, "if-exists", false, "succeed when a named topic does not exist")
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "do not ask before a regex delete")
	fl.BoolVar(&opts.ForceInternal, "force-internal", false, "allow deleting internal topics (breaks consumer groups or transactions)")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "print what would be deleted (checked against current metadata; Kafka has no validate-only delete)")
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	return cmd
}

func deleteRun(ctx context.Context, opts *deleteOptions) error {
	ctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := opts.Admin()
	if err != nil {
		return err
	}
	m, err := fetchMetadata(ctx, adm, opts.Names...)
	if err != nil {
		return err
	}
	plan, err := planDelete(opts, m)
	if err != nil {
		return err
	}
	if err := confirmDelete(opts, plan); err != nil {
		return err
	}
	executePlan(ctx, adm, plan, opts.DryRun, 0)
	if err := printDelete(opts, deleteView(plan)); err != nil {
		return err
	}
	return reportFailures(opts.IO, failures(plan), countResult(plan, outcome.Skipped))
}

// planDelete is delete's pure planner: a delete action per existing target (the --regex
// matches, or the named topics), not_found for missing names with --if-exists. Internal topics
// without --force-internal, missing names without --if-exists and a regex matching nothing are
// errors: nothing is deleted.
func planDelete(opts *deleteOptions, m kadm.Metadata) ([]Action, error) {
	targets, missing := deleteTargets(opts, m)
	if opts.Regex != nil && len(targets) == 0 {
		return nil, fmt.Errorf("no topic matches %q", opts.RegexText)
	}
	var internal []string
	for _, n := range targets {
		if m.Topics[n].IsInternal || strings.HasPrefix(n, "__") {
			internal = append(internal, n)
		}
	}
	if len(internal) > 0 && !opts.ForceInternal {
		return nil, cmdutil.UsageErrorf("refusing to delete internal %s %s: Kafka needs them (consumer group offsets, transactions); add --force-internal if you really mean it", text.Plural(len(internal), "topic"), quoteList(internal))
	}
	if len(missing) > 0 && !opts.IfExists {
		return nil, fmt.Errorf("%v (add --if-exists to ignore missing topics); nothing was deleted", notFoundError(missing))
	}
	var plan []Action
	for _, n := range targets {
		td := m.Topics[n]
		plan = append(plan, Action{Topic: n, Action: actDeleteTopic, Detail: fmt.Sprintf("%s, replication factor %d", text.Count(len(td.Partitions), "partition"), replicationFactor(td))})
	}
	for _, n := range missing {
		plan = append(plan, Action{Topic: n, Action: actDeleteTopic, Detail: "does not exist", Outcome: outcome.Outcome{Result: outcome.NotFound}})
	}
	sortActions(plan)
	return plan, nil
}

// deleteTargets returns the existing topics to delete and the named ones that do not exist.
func deleteTargets(opts *deleteOptions, m kadm.Metadata) (targets, missing []string) {
	if opts.Regex != nil {
		var all []string
		for _, td := range m.Topics {
			if td.Err == nil {
				all = append(all, td.Topic)
			}
		}
		return matchNames(opts.Regex, all), nil
	}
	seen := map[string]bool{}
	for _, n := range opts.Names {
		if seen[n] {
			continue
		}
		seen[n] = true
		if exists(m, n) {
			targets = append(targets, n)
		} else {
			missing = append(missing, n)
		}
	}
	return targets, missing
}

// confirmDelete lists what a --regex delete matched and asks (or needs --yes).
func confirmDelete(opts *deleteOptions, plan []Action) error {
	if opts.Regex == nil || opts.DryRun || opts.Yes {
		return nil
	}
	fmt.Fprintf(opts.IO.ErrOut, "--regex %q matches %s:\n", opts.RegexText, text.Count(len(plan), "topic"))
	for _, a := range plan {
		fmt.Fprintf(opts.IO.ErrOut, "  %s\n", text.Safe(a.Topic))
	}
	return cmdutil.Confirm(opts.Prompter, false, fmt.Sprintf("Delete %s?", text.Count(len(plan), "topic")))
}

// deleteView turns the executed plan into delete's rows (and JSON).
func deleteView(plan []Action) []DeletedTopic {
	out := []DeletedTopic{}
	for _, a := range plan {
		out = append(out, DeletedTopic{Name: a.Topic, Result: a.Result, Error: a.Error})
	}
	return out
}

func printDelete(opts *deleteOptions, results []DeletedTopic) error {
	return opts.Printer.Print(opts.IO.Out, results, func(t *output.Text) error {
		for _, r := range results {
			switch r.Result {
			case outcome.Deleted:
				t.Linef("deleted topic %q", r.Name)
			case outcome.WouldDelete:
				t.Linef("would delete topic %q (dry run: checked against current metadata, not by the broker)", r.Name)
			case outcome.NotFound:
				t.Linef("topic %q does not exist (--if-exists)", r.Name)
			}
		}
		return nil
	})
}
