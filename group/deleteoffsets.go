package group

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/text"
)

type deleteOffsetsOptions struct {
	IO      *cmdutil.IOStreams
	Admin   func() (*cmdutil.Admin, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer

	Group  string
	Topics []topicSel
	DryRun bool
}

// DeleteOffsetResult is one partition of `group delete-offsets`.
type DeleteOffsetResult struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Deleted   bool   `json:"deleted"`
	DryRun    bool   `json:"dry_run,omitempty"` // planned, not sent: would be deleted
	Error     string `json:"error,omitempty"`
}

const deleteOffsetsLong = `Delete the committed offsets of GROUP for the named topics (all partitions the group has
commits for) or partitions (--topic T:0,1). The broker refuses a topic that active members of
the group are subscribed to: stop them, or use a topic they do not read. Each partition is
reported; the exit code is 1 if any could not be deleted.

Share groups keep offsets per topic (DeleteShareGroupOffsets): name whole topics; the group
must be empty.

--dry-run reports what would be deleted.
` + dryRunHelp + `
A dry run refuses a topic that a member of the group is assigned, as the broker would.`

func newCmdDeleteOffsets(f *cmdutil.Factory, runF func(context.Context, *deleteOffsetsOptions) error) *cobra.Command {
	opts := &deleteOffsetsOptions{IO: f.IO, Admin: f.Admin, Context: f.Context}
	var of cmdutil.OutputFlags
	var topics []string
	cmd := &cobra.Command{
		Use:   "delete-offsets GROUP --topic T[:P,..]... [--dry-run]",
		Short: "Delete a group's committed offsets for some topics or partitions",
		Long:  deleteOffsetsLong,
		Example: `  kafkit group delete-offsets orders-service --topic old-orders --dry-run
  kafkit group delete-offsets orders-service --topic old-orders
  kafkit group delete-offsets orders-service --topic orders:0,1 -o json`,
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return cmdutil.CompleteGroups(f)(cmd, args, toComplete)
		},
		Args: cmdutil.Args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Group = args[0]
			if len(topics) == 0 {
				return cmdutil.UsageErrorf("name the topics: --topic T or --topic T:0,1 (repeatable)")
			}
			for _, t := range topics {
				sel, err := parseTopicSel(t)
				if err != nil {
					return cmdutil.UsageErrorf("--topic: %v", err)
				}
				opts.Topics = append(opts.Topics, sel)
			}
			p, err := of.Printer()
			if err != nil {
				return err
			}
			opts.Printer = p
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return deleteOffsetsRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringArrayVarP(&topics, "topic", "t", nil, "topic, or topic:partition,partition (repeatable)")
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "show what would be deleted, send nothing (checked against the group's current state)")
	_ = cmd.RegisterFlagCompletionFunc("topic", cmdutil.CompleteTopics(f))
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	return cmd
}

func deleteOffsetsRun(ctx context.Context, opts *deleteOffsetsOptions) error {
	ctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := opts.Admin()
	if err != nil {
		return err
	}
	g, commits, err := fetchGroupCommits(ctx, adm, opts.Group)
	if err != nil {
		return err
	}
	if g == nil {
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: fmt.Errorf("group %q not found", opts.Group)}
	}
	plan, execute := planDeleteOffsets, executeDeleteOffsets
	if g.Type == "share" {
		if err := shareWholeTopics(g.Name, opts.Topics); err != nil {
			return err
		}
		plan, execute = planDeleteShareOffsets, executeDeleteShareOffsets
	}
	results, set := plan(opts.Topics, commits)
	if opts.DryRun {
		results = append(results, dryRunOffsets(set, g)...)
	} else if len(set) > 0 {
		done, err := execute(ctx, adm, g, set)
		if err != nil {
			return err
		}
		results = append(results, done...)
	}
	sortOffsetResults(results)
	err = reportItems(opts.IO, opts.Printer, results, func(r DeleteOffsetResult) (string, []string) {
		return deleteOffsetRow(opts.Group, r)
	}, []string{"GROUP", "TOPIC", "PARTITION", "RESULT"}, offsetResultName)
	if opts.DryRun {
		n := 0
		for _, r := range results {
			if r.DryRun {
				n++
			}
		}
		dryRunNote(opts.IO.ErrOut, text.Count(n, "committed offset")+" would be deleted")
	}
	return err
}

// fetchGroupCommits describes one group and reads its committed offsets (a nil group: not
// found).
func fetchGroupCommits(ctx context.Context, adm *cmdutil.Admin, group string) (*groupInfo, kadm.OffsetResponses, error) {
	snap, err := collect(ctx, adm, collectOptions{Names: []string{group}})
	if err != nil || len(snap.Groups) == 0 {
		return nil, nil, err
	}
	g := snap.Groups[0]
	if g.Type == "share" {
		fetchShareOffsets(ctx, adm, snap.Groups)
		if g.CommitErr != nil {
			return nil, nil, fmt.Errorf("cannot read the start offsets of share group %q: %v", group, errText(g.CommitErr))
		}
		return g, g.Commits, nil
	}
	var commits kadm.OffsetResponses
	err = retryCoordinatorErr(ctx, func() error {
		var err error
		commits, err = adm.FetchOffsets(ctx, group)
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read the committed offsets of %q: %v", group, errText(err))
	}
	return g, commits, nil
}

// planDeleteOffsets turns the --topic selections into the partitions to delete: a whole topic
// means its committed partitions (none: a refusal row), T:P the partitions named.
func planDeleteOffsets(sels []topicSel, commits kadm.OffsetResponses) ([]DeleteOffsetResult, kadm.TopicsSet) {
	set := make(kadm.TopicsSet)
	var refused []DeleteOffsetResult
	for _, s := range sels {
		if s.Partitions != nil {
			set.Add(s.Topic, s.Partitions...)
			continue
		}
		n := 0
		for p, o := range commits[s.Topic] {
			if o.Err == nil && o.At >= 0 {
				set.Add(s.Topic, p)
				n++
			}
		}
		if n == 0 {
			refused = append(refused, DeleteOffsetResult{Topic: s.Topic, Partition: -1, Error: "the group has no committed offsets for this topic"})
		}
	}
	return refused, set
}

// dryRunOffsets is what a dry run reports: every planned partition would be deleted, except
// those of a topic a member is assigned (the broker refuses them).
func dryRunOffsets(set kadm.TopicsSet, g *groupInfo) []DeleteOffsetResult {
	assigned := map[string]bool{}
	for _, m := range g.Members {
		for t := range m.Assigned {
			assigned[t] = true
		}
	}
	var out []DeleteOffsetResult
	for _, tps := range set.Sorted() {
		for _, p := range tps.Partitions {
			r := DeleteOffsetResult{Topic: tps.Topic, Partition: p, DryRun: true}
			if assigned[tps.Topic] {
				r.DryRun, r.Error = false, subscribedReason(g)
			}
			out = append(out, r)
		}
	}
	return out
}

func subscribedReason(g *groupInfo) string {
	return fmt.Sprintf("refused: active members of the group (%d, state %s) are subscribed to this topic; stop them first", len(g.Members), g.State)
}

// executeDeleteOffsets sends one OffsetDelete and returns one result per partition.
func executeDeleteOffsets(ctx context.Context, adm *cmdutil.Admin, g *groupInfo, set kadm.TopicsSet) ([]DeleteOffsetResult, error) {
	var resp kadm.DeleteOffsetsResponses
	err := retryCoordinatorErr(ctx, func() error {
		var err error
		resp, err = adm.DeleteOffsets(ctx, g.Name, set)
		return err
	})
	switch {
	case errors.Is(err, kerr.NonEmptyGroup), errors.Is(err, kerr.GroupSubscribedToTopic):
		return nil, &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: fmt.Errorf("refused: group %q is %s with %s reading these topics; stop its consumers first", g.Name, g.State, text.Count(len(g.Members), "active member"))}
	case errors.Is(err, kerr.GroupIDNotFound):
		return nil, &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: fmt.Errorf("group %q not found", g.Name)}
	case err != nil:
		return nil, fmt.Errorf("cannot delete offsets of group %q: %v", g.Name, errText(err))
	}
	var out []DeleteOffsetResult
	set.Each(func(t string, p int32) {
		r := DeleteOffsetResult{Topic: t, Partition: p}
		e, ok := resp.Lookup(t, p)
		switch {
		case !ok:
			r.Error = "not in the broker's answer"
		case errors.Is(e, kerr.GroupSubscribedToTopic):
			r.Error = subscribedReason(g)
		case errors.Is(e, kerr.UnknownTopicOrPartition):
			r.Error = "no such topic or partition"
		case e != nil:
			r.Error = errText(e)
		default:
			r.Deleted = true
		}
		out = append(out, r)
	})
	return out, nil
}

func deleteOffsetRow(group string, r DeleteOffsetResult) (string, []string) {
	p := strconv.Itoa(int(r.Partition))
	if r.Partition < 0 {
		p = "-"
	}
	switch {
	case r.Error != "":
		return r.Error, []string{group, r.Topic, p, "error: " + r.Error}
	case r.DryRun:
		return "", []string{group, r.Topic, p, "would be deleted (dry run)"}
	}
	return "", []string{group, r.Topic, p, "deleted"}
}

func offsetResultName(r DeleteOffsetResult) string {
	if r.Partition < 0 {
		return text.Safe(r.Topic)
	}
	return fmt.Sprintf("%s/%d", text.Safe(r.Topic), r.Partition)
}

func sortOffsetResults(rs []DeleteOffsetResult) {
	sort.Slice(rs, func(i, j int) bool {
		if rs[i].Topic != rs[j].Topic {
			return rs[i].Topic < rs[j].Topic
		}
		return rs[i].Partition < rs[j].Partition
	})
}
