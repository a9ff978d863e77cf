package topic

import (
	"bufio"
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
)

type deleteOptions struct {
	IO      *cmdutil.IOStreams
	Client  func() (*kgo.Client, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer

	Names         []string
	Regex         *regexp.Regexp
	RegexText     string
	IfExists      bool
	Yes           bool
	ForceInternal bool
	DryRun        bool
}

// DeletedTopic is one topic's outcome in `topic delete`.
type DeletedTopic struct {
	Name   string `json:"name"`
	Result string `json:"result"` // deleted, would_delete, not_found, failed
	Error  string `json:"error,omitempty"`
}

func newCmdDelete(f *cmdutil.Factory, runF func(context.Context, *deleteOptions) error) *cobra.Command {
	opts := &deleteOptions{IO: f.IO, Client: f.Client, Context: f.Context}
	var of cmdutil.OutputFlags
	cmd := &cobra.Command{
		Use:     "delete NAME... | --regex REGEX",
		Aliases: []string{"rm"},
		Short:   "Delete topics",
		Long: `Delete topics by name, or every topic whose whole name matches --regex.

A regex delete first lists what it matched and then needs --yes (or a "y" typed at the prompt
when stdin is a terminal). A missing topic is an error unless --if-exists. Internal topics
(__consumer_offsets, __transaction_state, ...) and any topic whose name starts with "__" are
refused unless --force-internal.`,
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
	fl.BoolVar(&opts.DryRun, "dry-run", false, "print what would be deleted, delete nothing")
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	return cmd
}

func deleteRun(ctx context.Context, opts *deleteOptions) error {
	ctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	cl, err := opts.Client()
	if err != nil {
		return err
	}
	m, err := fetchMetadata(ctx, cl, opts.Names...)
	if err != nil {
		return err
	}
	var targets, missing []string
	if opts.Regex != nil {
		var all []string
		for _, td := range m.Topics {
			if td.Err == nil {
				all = append(all, td.Topic)
			}
		}
		targets = matchNames(opts.Regex, all)
		if len(targets) == 0 {
			return fmt.Errorf("no topic matches %q", opts.RegexText)
		}
	} else {
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
	}
	var internal []string
	for _, n := range targets {
		if m.Topics[n].IsInternal || strings.HasPrefix(n, "__") {
			internal = append(internal, n)
		}
	}
	if len(internal) > 0 && !opts.ForceInternal {
		return cmdutil.UsageErrorf("refusing to delete internal %s %s: Kafka needs them (consumer group offsets, transactions); add --force-internal if you really mean it", pluralWord(len(internal), "topic"), quoteList(internal))
	}
	if len(missing) > 0 && !opts.IfExists {
		return fmt.Errorf("%v (add --if-exists to ignore missing topics); nothing was deleted", notFoundError(missing))
	}
	if opts.Regex != nil && !opts.DryRun && !opts.Yes {
		fmt.Fprintf(opts.IO.ErrOut, "--regex %q matches %s:\n", opts.RegexText, plural(len(targets), "topic"))
		for _, n := range targets {
			fmt.Fprintf(opts.IO.ErrOut, "  %s\n", n)
		}
		if !opts.IO.InTTY {
			return cmdutil.UsageErrorf("pass --yes to delete these %s", plural(len(targets), "topic"))
		}
		fmt.Fprintf(opts.IO.ErrOut, "Delete %s? [y/N] ", plural(len(targets), "topic"))
		line, _ := bufio.NewReader(opts.IO.In).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
			return fmt.Errorf("not confirmed: nothing was deleted")
		}
	}
	results := []DeletedTopic{}
	for _, n := range missing {
		results = append(results, DeletedTopic{Name: n, Result: "not_found"})
	}
	failed := false
	if opts.DryRun {
		for _, n := range targets {
			results = append(results, DeletedTopic{Name: n, Result: "would_delete"})
		}
	} else if len(targets) > 0 {
		rs, err := kadm.NewClient(cl).DeleteTopics(ctx, targets...)
		if err != nil && len(rs) == 0 {
			return err
		}
		for _, n := range targets {
			r, ok := rs[n]
			d := DeletedTopic{Name: n, Result: "deleted"}
			switch {
			case !ok:
				d.Result, d.Error = "failed", "no answer from the cluster"
			case r.Err != nil:
				d.Result, d.Error = "failed", kafkaErr(r.Err, r.ErrMessage).Error()
			}
			if d.Result == "failed" {
				failed = true
				errorf(opts.IO, "cannot delete topic %q: %s", n, d.Error)
			}
			results = append(results, d)
		}
	}
	sortDeleted(results)
	if err := opts.Printer.Print(opts.IO.Out, results, func(t *output.Text) error {
		for _, r := range results {
			switch r.Result {
			case "deleted":
				t.Linef("deleted topic %q", r.Name)
			case "would_delete":
				t.Linef("would delete topic %q (dry run)", r.Name)
			case "not_found":
				t.Linef("topic %q does not exist (--if-exists)", r.Name)
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if failed {
		return cmdutil.SilentError
	}
	return nil
}

func sortDeleted(rs []DeletedTopic) {
	sort.Slice(rs, func(i, j int) bool { return rs[i].Name < rs[j].Name })
}

// pluralWord returns "topic" or "topics".
func pluralWord(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
