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
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
)

type deleteOffsetsOptions struct {
	IO      *cmdutil.IOStreams
	Client  func() (*kgo.Client, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer

	Group  string
	Topics []topicSel
}

// DeleteOffsetResult is one partition of `group delete-offsets`.
type DeleteOffsetResult struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Deleted   bool   `json:"deleted"`
	Error     string `json:"error,omitempty"`
}

func newCmdDeleteOffsets(f *cmdutil.Factory, runF func(context.Context, *deleteOffsetsOptions) error) *cobra.Command {
	opts := &deleteOffsetsOptions{IO: f.IO, Client: f.Client, Context: f.Context}
	var of cmdutil.OutputFlags
	var topics []string
	cmd := &cobra.Command{
		Use:   "delete-offsets GROUP --topic T[:P,..]...",
		Short: "Delete a group's committed offsets for some topics or partitions",
		Long: `Delete the committed offsets of GROUP for the named topics (all partitions the group has
commits for) or partitions (--topic T:0,1). The broker refuses a topic that active members of
the group are subscribed to: stop them, or use a topic they do not read. Each partition is
reported; the exit code is 1 if any could not be deleted.`,
		Example: `  kafkit group delete-offsets orders-service --topic old-orders
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
	cl, err := opts.Client()
	if err != nil {
		return err
	}
	snap, err := collect(ctx, cl, collectOptions{Names: []string{opts.Group}})
	if err != nil {
		return err
	}
	if len(snap.Groups) == 0 {
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: fmt.Errorf("group %q not found", opts.Group)}
	}
	adm := kadm.NewClient(cl)
	commits, err := adm.FetchOffsets(ctx, opts.Group)
	if err != nil {
		return fmt.Errorf("cannot read the committed offsets of %q: %v", opts.Group, err)
	}
	set := make(kadm.TopicsSet)
	var results []DeleteOffsetResult
	for _, s := range opts.Topics {
		if s.Partitions == nil {
			n := 0
			for p, o := range commits[s.Topic] {
				if o.Err == nil && o.At >= 0 {
					set.Add(s.Topic, p)
					n++
				}
			}
			if n == 0 {
				results = append(results, DeleteOffsetResult{Topic: s.Topic, Partition: -1, Error: "the group has no committed offsets for this topic"})
			}
			continue
		}
		set.Add(s.Topic, s.Partitions...)
	}
	if len(set) > 0 {
		resp, err := adm.DeleteOffsets(ctx, opts.Group, set)
		switch {
		case errors.Is(err, kerr.NonEmptyGroup), errors.Is(err, kerr.GroupSubscribedToTopic):
			return &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: fmt.Errorf("refused: group %q is %s with %d active member(s) reading these topics; stop its consumers first", opts.Group, snap.Groups[0].State, len(snap.Groups[0].Members))}
		case errors.Is(err, kerr.GroupIDNotFound):
			return &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: fmt.Errorf("group %q not found", opts.Group)}
		case err != nil:
			return fmt.Errorf("cannot delete offsets of group %q: %v", opts.Group, errText(err))
		}
		set.Each(func(t string, p int32) {
			r := DeleteOffsetResult{Topic: t, Partition: p}
			e, ok := resp.Lookup(t, p)
			switch {
			case !ok:
				r.Error = "not in the broker's answer"
			case errors.Is(e, kerr.GroupSubscribedToTopic):
				r.Error = fmt.Sprintf("refused: active members of the group (%d, state %s) are subscribed to this topic; stop them first", len(snap.Groups[0].Members), snap.Groups[0].State)
			case errors.Is(e, kerr.UnknownTopicOrPartition):
				r.Error = "no such topic or partition"
			case e != nil:
				r.Error = errText(e)
			default:
				r.Deleted = true
			}
			results = append(results, r)
		})
	}
	sort.Slice(results, func(i, j int) bool {
		if results[i].Topic != results[j].Topic {
			return results[i].Topic < results[j].Topic
		}
		return results[i].Partition < results[j].Partition
	})
	return reportItems(opts.IO, opts.Printer, results, func(r DeleteOffsetResult) (string, []string) {
		p := strconv.Itoa(int(r.Partition))
		if r.Partition < 0 {
			p = "-"
		}
		if r.Error != "" {
			return r.Error, []string{opts.Group, r.Topic, p, "error: " + r.Error}
		}
		return "", []string{opts.Group, r.Topic, p, "deleted"}
	}, []string{"GROUP", "TOPIC", "PARTITION", "RESULT"}, func(r DeleteOffsetResult) string {
		if r.Partition < 0 {
			return r.Topic
		}
		return fmt.Sprintf("%s/%d", r.Topic, r.Partition)
	})
}
