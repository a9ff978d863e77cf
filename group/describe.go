package group

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/text"
)

type describeOptions struct {
	IO      *cmdutil.IOStreams
	Admin   func() (*cmdutil.Admin, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer

	Groups             []string
	All                bool
	Members            bool
	ExcludeUncommitted bool
}

// DescribedGroup is one group of `group describe`.
type DescribedGroup struct {
	Group           string         `json:"group"`
	Type            string         `json:"type"`
	State           string         `json:"state"`
	Assignor        string         `json:"assignor"`
	ProtocolType    string         `json:"protocol_type"`
	Coordinator     int32          `json:"coordinator"`
	CoordinatorAddr string         `json:"coordinator_address"`
	Members         []memberInfo   `json:"members"`
	TotalLag        int64          `json:"total_lag"`
	UnknownLag      int            `json:"partitions_with_unknown_lag"`
	Uncommitted     int            `json:"uncommitted_partitions"`
	Partitions      []PartitionLag `json:"partitions"`
	Streams         *streamsInfo   `json:"streams,omitempty"` // streams groups: the topology
	Error           string         `json:"error,omitempty"`
}

const describeLong = `Show, per group, a header (type, state, assignor, coordinator, members, total lag) and the
kafka-consumer-groups --describe table: GROUP, TOPIC, PARTITION, CURRENT-OFFSET, LOG-END-OFFSET,
LAG, CONSUMER-ID, HOST, CLIENT-ID, with "-" where there is no value. A NOTE column appears when
a partition needs explaining: a commit on a deleted topic, a commit past the log end, records
deleted before being consumed, a partition with no commit, or a partition whose offsets could
not be read (no leader).

Share groups (KIP-932) show START-OFFSET (the first record not yet acknowledged) instead of
CURRENT-OFFSET, and MEMBERS (how many members read the partition) instead of one consumer; their
lag is the broker's (Kafka 4.2+) or log end - start offset, an upper bound, noted. Streams groups
(KIP-1071) show their committed offsets, and with --members each member's active, standby and
warmup tasks and the sub-topologies with their internal topics.

Works for classic groups and KIP-848 "consumer" groups alike. LAG is the log end offset minus
the committed offset (or the log start, if retention deleted records the group never read).
Every partition of every topic the group consumes is shown, committed or not: a partition with
no commit has lag = log end - log start (what a consumer reset to earliest reads) and a note;
--exclude-uncommitted leaves its lag unknown ("-") and out of the total instead.

--all describes every group with a constant number of requests (batched per coordinator and
per partition leader). A group that does not exist is an error (exit 1) after the others are
shown.`

func newCmdDescribe(f *cmdutil.Factory, runF func(context.Context, *describeOptions) error) *cobra.Command {
	opts := &describeOptions{IO: f.IO, Admin: f.Admin, Context: f.Context}
	var of cmdutil.OutputFlags
	cmd := &cobra.Command{
		Use:   "describe GROUP... | --all",
		Short: "Show groups' members, committed offsets and lag per partition",
		Long:  describeLong,
		Example: `  kafkit group describe orders-service
  kafkit group describe orders-service billing --members
  kafkit group describe --all -o json | jq '.[] | {group, total_lag}'`,
		ValidArgsFunction: cmdutil.CompleteGroups(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Groups = args
			if opts.All == (len(args) > 0) {
				return cmdutil.UsageErrorf("name one or more groups, or pass --all")
			}
			p, err := of.Printer()
			if err != nil {
				return err
			}
			opts.Printer = p
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return describeRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.All, "all", false, "describe every group (alias --all-groups)")
	cmd.Flags().BoolVar(&opts.All, "all-groups", false, "alias of --all, the kafka-consumer-groups spelling")
	_ = cmd.Flags().MarkHidden("all-groups")
	cmd.Flags().BoolVar(&opts.Members, "members", false, "also list the members with their assigned partitions")
	cmd.Flags().BoolVar(&opts.ExcludeUncommitted, "exclude-uncommitted", false, "do not count partitions the group has no commit on (their lag is unknown, \"-\")")
	cmdutil.AddOutputFlags(cmd, &of)
	return cmd
}

func describeRun(ctx context.Context, opts *describeOptions) error {
	ctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := opts.Admin()
	if err != nil {
		return err
	}
	snap, err := collect(ctx, adm, collectOptions{Names: opts.Groups, All: opts.All, Offsets: true})
	if err != nil {
		return err
	}
	printWarnings(opts.IO.ErrOut, snap.Warnings)
	view := describeView(snap, opts.ExcludeUncommitted)
	err = opts.Printer.Print(opts.IO.Out, view, func(t *output.Text) error {
		return writeDescribe(t, view, opts.Members)
	})
	if err != nil {
		return err
	}
	return reportProblems(opts.IO.ErrOut, view, snap.NotFound)
}

// describeView turns a snapshot into the groups shown, sorted by name, partitions sorted.
func describeView(snap *snapshot, excludeUncommitted bool) []DescribedGroup {
	out := []DescribedGroup{}
	for _, g := range snap.Groups {
		d := DescribedGroup{Group: g.Name, Type: g.Type, State: g.State, Assignor: g.Assignor, ProtocolType: g.ProtocolType,
			Coordinator: g.Coordinator, CoordinatorAddr: g.CoordinatorAddr, Members: g.Members, Partitions: []PartitionLag{}, Streams: g.Streams}
		if d.Members == nil {
			d.Members = []memberInfo{}
		}
		var errs []string
		if g.Err != nil {
			errs = append(errs, "describe: "+g.Err.Error())
		}
		if g.CommitErr != nil {
			errs = append(errs, "committed offsets: "+errText(g.CommitErr))
		}
		d.Error = strings.Join(errs, "; ")
		d.Partitions = snap.groupLags(g, nil, excludeUncommitted)
		s := summarize(d.Partitions)
		d.TotalLag, d.UnknownLag, d.Uncommitted = s.TotalLag, s.Unknown, s.Uncommitted
		out = append(out, d)
	}
	return out
}

// groupHeader is the line above a group's table.
func groupHeader(d DescribedGroup) string {
	parts := []string{d.Type, output.Dash(d.State)}
	if d.Assignor != "" {
		parts = append(parts, "assignor "+d.Assignor)
	}
	if d.CoordinatorAddr != "" {
		parts = append(parts, fmt.Sprintf("coordinator %d (%s)", d.Coordinator, d.CoordinatorAddr))
	}
	if len(d.Members) == 0 {
		parts = append(parts, "no active members")
	} else {
		parts = append(parts, text.Count(len(d.Members), "member"))
	}
	lag := fmt.Sprintf("total lag %d", d.TotalLag)
	if d.UnknownLag > 0 {
		lag += fmt.Sprintf(" (%s unknown)", text.Count(d.UnknownLag, "partition"))
	}
	parts = append(parts, lag)
	return text.Safe(fmt.Sprintf("Group %s: %s", d.Group, strings.Join(parts, ", ")))
}

func writeDescribe(t *output.Text, view []DescribedGroup, members bool) error {
	for i, d := range view {
		if i > 0 {
			t.Linef("")
		}
		if !t.NoHeaders {
			t.Linef("%s", groupHeader(d))
		}
		if d.Error != "" {
			t.Linef("error: %s", text.Safe(d.Error))
		}
		headers, rows := offsetTable(d, t.Wide)
		if d.Type == "share" {
			headers, rows = shareOffsetTable(d, t.Wide)
		}
		if len(rows) > 0 {
			if err := safeTable(t, headers, rows); err != nil {
				return err
			}
		} else if d.Type == "share" && d.Error == "" {
			t.Linef("(no share-partition offsets: the group has not consumed yet)")
		} else if d.Error == "" {
			t.Linef("(no committed offsets and no assigned partitions)")
		}
		if err := writeExtras(t, d, members); err != nil {
			return err
		}
	}
	return nil
}

// writeExtras writes, with --members, the members (and for streams groups their tasks), and
// for streams groups the sub-topologies.
func writeExtras(t *output.Text, d DescribedGroup, members bool) error {
	if members {
		t.Linef("")
		write := writeMembers
		if d.Type == "streams" {
			write = writeStreamsMembers
		}
		if err := write(t, d); err != nil {
			return err
		}
	}
	if d.Streams != nil && len(d.Streams.Subtopologies) > 0 {
		t.Linef("")
		return writeSubtopologies(t, d)
	}
	return nil
}

// offsetTable is the kafka-consumer-groups --describe table of a group (NOTE when a row
// needs it, LOG-START-OFFSET with -o wide).
func offsetTable(d DescribedGroup, wide bool) ([]string, [][]string) {
	note := wide
	for _, r := range d.Partitions {
		if r.Note != "" || r.Error != "" {
			note = true
		}
	}
	headers := []string{"GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID"}
	if wide {
		headers = append(headers[:4], append([]string{"LOG-START-OFFSET"}, headers[4:]...)...)
	}
	if note {
		headers = append(headers, "NOTE")
	}
	var rows [][]string
	for _, r := range d.Partitions {
		row := []string{d.Group, r.Topic, strconv.Itoa(int(r.Partition)), num(r.CurrentOffset)}
		if wide {
			row = append(row, num(r.LogStartOffset))
		}
		row = append(row, num(r.LogEndOffset), num(r.Lag), output.Dash(r.ConsumerID), output.Dash(r.Host), output.Dash(r.ClientID))
		if note {
			row = append(row, output.Dash(joinNonEmpty("; ", r.Error, r.Note)))
		}
		rows = append(rows, row)
	}
	return headers, rows
}

func writeMembers(t *output.Text, d DescribedGroup) error {
	if len(d.Members) == 0 {
		return t.Linef("Group %s has no active members.", text.Safe(d.Group))
	}
	var rows [][]string
	for _, m := range d.Members {
		n := 0
		var topics []string
		for tpc := range m.Assigned {
			topics = append(topics, tpc)
		}
		sort.Strings(topics)
		var as []string
		for _, tpc := range topics {
			ps := m.Assigned[tpc]
			n += len(ps)
			strs := make([]string, len(ps))
			for i, p := range ps {
				strs[i] = strconv.Itoa(int(p))
			}
			as = append(as, tpc+":"+strings.Join(strs, ","))
		}
		rows = append(rows, []string{d.Group, m.MemberID, output.Dash(m.InstanceID), m.Host, m.ClientID, strconv.Itoa(n), output.Dash(strings.Join(as, " "))})
	}
	return safeTable(t, []string{"GROUP", "CONSUMER-ID", "INSTANCE-ID", "HOST", "CLIENT-ID", "#PARTITIONS", "ASSIGNMENT"}, rows)
}

// reportProblems names on w every group that failed or was not found and every partition whose
// offsets could not be read; it returns an exit-1 error if there was any.
func reportProblems(w io.Writer, view []DescribedGroup, notFound []string) error {
	failed := 0
	for _, d := range view {
		if d.Error != "" {
			fmt.Fprintf(w, "error: group %q: %s\n", d.Group, text.Safe(d.Error))
			failed++
		}
		for _, r := range d.Partitions {
			if r.Error != "" {
				fmt.Fprintf(w, "error: group %q, %s/%d: %s (hint: is the partition's leader down? retry, or check `kafkit topic describe %s`)\n", d.Group, text.Safe(r.Topic), r.Partition, text.Safe(r.Error), text.Safe(r.Topic))
				failed++
			}
		}
	}
	return notFoundError(notFound, failed)
}
