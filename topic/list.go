package topic

import (
	"context"
	"regexp"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
)

type listOptions struct {
	IO      *cmdutil.IOStreams
	Admin   func() (*cmdutil.Admin, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer

	Regex    *regexp.Regexp
	Internal bool
	Health   healthFilter
}

// healthFilter selects topics with at least one partition in one of the chosen states.
type healthFilter struct {
	UnderReplicated, UnderMinISR, AtMinISR, Unavailable bool
}

func (h healthFilter) any() bool {
	return h.UnderReplicated || h.UnderMinISR || h.AtMinISR || h.Unavailable
}

func (h healthFilter) needsMinISR() bool { return h.UnderMinISR || h.AtMinISR }

// matches reports whether partition p, of a topic with the given min ISR, is in a chosen state.
func (h healthFilter) matches(p kadm.PartitionDetail, minISR int) bool {
	isr := len(p.ISR)
	switch {
	case h.UnderReplicated && isr < len(p.Replicas):
		return true
	case h.UnderMinISR && isr < minISR:
		return true
	case h.AtMinISR && isr == minISR:
		return true
	case h.Unavailable && p.Leader < 0:
		return true
	}
	return false
}

// ListedTopic is one row of `topic list`.
type ListedTopic struct {
	Name                      string `json:"name"`
	Partitions                int    `json:"partitions"`
	ReplicationFactor         int    `json:"replication_factor"`
	TopicID                   string `json:"topic_id"`
	Internal                  bool   `json:"internal"`
	UnderReplicatedPartitions int    `json:"under_replicated_partitions"`
	OfflinePartitions         int    `json:"offline_partitions"`
	UnderMinISRPartitions     *int   `json:"under_min_isr_partitions,omitempty"`
	AtMinISRPartitions        *int   `json:"at_min_isr_partitions,omitempty"`
	MinInSyncReplicas         *int   `json:"min_insync_replicas,omitempty"`
}

func newCmdList(f *cmdutil.Factory, runF func(context.Context, *listOptions) error) *cobra.Command {
	opts := &listOptions{IO: f.IO, Admin: f.Admin, Context: f.Context}
	var of cmdutil.OutputFlags
	cmd := &cobra.Command{
		Use:     "list [REGEX]",
		Aliases: []string{"ls"},
		Short:   "List topics with partition count and replication factor",
		Long: `List topics, sorted by name: NAME, PARTITIONS, REPLICAS (the replication factor) and, with
-o wide, the topic id, whether it is internal, and the number of under-replicated and offline
partitions. REGEX is matched against the whole name (as kafka-topics --topic does).

Internal topics (__consumer_offsets, __transaction_state) are shown only with --internal.

Health filters keep topics that have at least one partition in that state (several filters: any
of them). --under-min-isr and --at-min-isr compare the ISR size with the topic's effective
min.insync.replicas:
  --under-replicated   ISR smaller than the replica list
  --under-min-isr      ISR smaller than min.insync.replicas (acks=all producers fail)
  --at-min-isr         ISR equal to min.insync.replicas (one more failure blocks acks=all)
  --unavailable        no leader`,
		Example: `  kafkit topic list
  kafkit topic list 'orders\..*' -o wide
  kafkit topic list --under-replicated
  kafkit topic list --internal -o json`,
		Args: cmdutil.Args(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				re, err := compileTopicRegex(args[0])
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
			return listRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.Internal, "internal", false, "include internal topics")
	fl.BoolVar(&opts.Health.UnderReplicated, "under-replicated", false, "only topics with under-replicated partitions")
	fl.BoolVar(&opts.Health.UnderMinISR, "under-min-isr", false, "only topics with partitions whose ISR is below min.insync.replicas")
	fl.BoolVar(&opts.Health.AtMinISR, "at-min-isr", false, "only topics with partitions whose ISR equals min.insync.replicas")
	fl.BoolVar(&opts.Health.Unavailable, "unavailable", false, "only topics with partitions that have no leader")
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.Wide, output.JSON, output.YAML, output.Name)
	return cmd
}

func listRun(ctx context.Context, opts *listOptions) error {
	ctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := opts.Admin()
	if err != nil {
		return err
	}
	m, err := fetchMetadata(ctx, adm)
	if err != nil {
		return err
	}
	var minISR map[string]int
	if opts.Health.needsMinISR() {
		var names []string
		for _, td := range m.Topics.Sorted() {
			if keepTopic(td, opts) {
				names = append(names, td.Topic)
			}
		}
		cfgs, errs, err := describeConfigs(ctx, adm, names)
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			return describeErrors(opts.IO, errs)
		}
		minISR = map[string]int{}
		for n, c := range cfgs {
			minISR[n] = c.minISR()
		}
	}
	rows := listView(m.Topics, opts.Regex, opts.Internal, opts.Health, minISR)
	return printList(opts, rows)
}

func keepTopic(td kadm.TopicDetail, opts *listOptions) bool {
	return td.Err == nil && (opts.Internal || !td.IsInternal) && (opts.Regex == nil || opts.Regex.MatchString(td.Topic))
}

// listView builds the sorted rows; minISR (by topic) is needed only for the min-ISR filters.
func listView(tds kadm.TopicDetails, re *regexp.Regexp, internal bool, h healthFilter, minISR map[string]int) []ListedTopic {
	rows := []ListedTopic{}
	for _, td := range tds.Sorted() {
		if td.Err != nil || td.IsInternal && !internal || re != nil && !re.MatchString(td.Topic) {
			continue
		}
		r := ListedTopic{Name: td.Topic, Partitions: len(td.Partitions), ReplicationFactor: replicationFactor(td), TopicID: topicID(td.ID), Internal: td.IsInternal}
		matched := false
		mi, hasMinISR := minISR[td.Topic]
		under, at := 0, 0
		for _, p := range td.Partitions {
			if len(p.ISR) < len(p.Replicas) {
				r.UnderReplicatedPartitions++
			}
			if p.Leader < 0 {
				r.OfflinePartitions++
			}
			if hasMinISR {
				if len(p.ISR) < mi {
					under++
				} else if len(p.ISR) == mi {
					at++
				}
			}
			if h.matches(p, mi) {
				matched = true
			}
		}
		if hasMinISR {
			r.MinInSyncReplicas, r.UnderMinISRPartitions, r.AtMinISRPartitions = &mi, &under, &at
		}
		if h.any() && !matched {
			continue
		}
		rows = append(rows, r)
	}
	return rows
}

func printList(opts *listOptions, rows []ListedTopic) error {
	return opts.Printer.Print(opts.IO.Out, rows, func(t *output.Text) error {
		if t.Name {
			for _, r := range rows {
				t.Linef("%s", r.Name)
			}
			return nil
		}
		headers := []string{"NAME", "PARTITIONS", "REPLICAS"}
		if t.Wide {
			headers = append(headers, "TOPIC-ID", "INTERNAL", "UNDER-REPLICATED", "OFFLINE")
		}
		var out [][]string
		for _, r := range rows {
			row := []string{r.Name, strconv.Itoa(r.Partitions), strconv.Itoa(r.ReplicationFactor)}
			if t.Wide {
				row = append(row, r.TopicID, strconv.FormatBool(r.Internal), strconv.Itoa(r.UnderReplicatedPartitions), strconv.Itoa(r.OfflinePartitions))
			}
			out = append(out, row)
		}
		return t.Table(headers, out)
	})
}
