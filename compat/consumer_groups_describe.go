package compat

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// groupMember is a member as --describe prints it.
type groupMember struct {
	id, instance, host, client string
	parts                      []kadm.TopicPartitions
	count                      int
	// Consumer-protocol groups only (--verbose): the member's epoch, its target assignment
	// and whether it uses the consumer protocol (false: a classic member of the group).
	epoch    *int32
	target   []kadm.TopicPartitions
	upgraded *bool
}

// describedGroup is what --describe needs of one group, whatever its protocol.
type describedGroup struct {
	name, state, strategy string
	coordinator           string // host:port  (id)
	members               []groupMember
	missing               bool
	epoch, targetEpoch    *int32 // consumer-protocol groups only
}

// offsetRow is one row of the offsets view.
type offsetRow struct {
	topic                string
	partition            int32
	offset, end          int64 // -1: unknown
	leaderEpoch          int32 // of the commit; -1: unknown
	member, host, client string
}

func groupsDescribe(ctx context.Context, e *Env, adm *cmdutil.Admin, p *Parsed) error {
	names := p.Values("group")
	listed, err := adm.ListGroups(ctx)
	if err != nil {
		return err
	}
	if p.Has("all-groups") {
		names = consumerGroupNames(listed) // as Java: classic and consumer groups, not share or streams ones
	}
	sort.Strings(names)
	for _, name := range names {
		g, err := describeOneGroup(ctx, adm, name, listed[name].GroupType)
		if err != nil {
			return err
		}
		if !groupStateMessage(e, g) {
			continue
		}
		verbose := p.Has("verbose")
		switch {
		case p.Has("members") && !p.Has("offsets"):
			printGroupMembers(e, g, verbose)
		case p.Has("state") && !p.Has("offsets"):
			printGroupState(e, g, verbose)
		default:
			rows, err := groupOffsetRows(ctx, adm, g)
			if err != nil {
				return err
			}
			if len(rows) > 0 {
				printGroupOffsets(e, g, rows, verbose)
			}
		}
	}
	return nil
}

func describeOneGroup(ctx context.Context, adm *cmdutil.Admin, name, typ string) (describedGroup, error) {
	if typ == "share" || typ == "streams" {
		// The Java admin describes the group with ConsumerGroupDescribe, which refuses other
		// group types with this message (kafka-share-groups.sh / kafka-streams-groups.sh are
		// the tools for them).
		return describedGroup{}, fmt.Errorf("org.apache.kafka.common.errors.GroupIdNotFoundException: Group %s is not a consumer group.", name)
	}
	if typ == "consumer" {
		ds, err := adm.DescribeConsumerGroups(ctx, name)
		if err != nil {
			return describedGroup{}, err
		}
		d := ds[name]
		if d.Err != nil {
			return describedGroup{}, javaGroupError(d.Err, "")
		}
		g := describedGroup{name: name, state: d.State, strategy: d.AssignorName, coordinator: coordinatorText(d.Coordinator),
			epoch: &d.Epoch, targetEpoch: &d.AssignmentEpoch}
		for _, m := range d.Members {
			gm := memberOf(m.MemberID, m.InstanceID, m.ClientHost, m.ClientID, m.Assignment)
			upgraded := m.MemberType != 0
			gm.epoch, gm.target, gm.upgraded = &m.MemberEpoch, m.TargetAssignment.Sorted(), &upgraded
			g.members = append(g.members, gm)
		}
		return g, nil
	}
	ds, err := adm.DescribeGroups(ctx, name)
	if err != nil {
		return describedGroup{}, err
	}
	d := ds[name]
	if d.Err != nil {
		return describedGroup{}, javaGroupError(d.Err, d.ErrMessage)
	}
	g := describedGroup{name: name, state: d.State, strategy: d.Protocol, coordinator: coordinatorText(d.Coordinator), missing: d.State == "Dead"}
	for _, m := range d.Members {
		set := kadm.TopicsSet{}
		if c, ok := m.Assigned.AsConsumer(); ok {
			for _, t := range c.Topics {
				set.Add(t.Topic, t.Partitions...)
			}
		}
		g.members = append(g.members, memberOf(m.MemberID, m.InstanceID, m.ClientHost, m.ClientID, set))
	}
	return g, nil
}

func memberOf(id string, instance *string, host, client string, set kadm.TopicsSet) groupMember {
	m := groupMember{id: id, host: host, client: client, parts: set.Sorted()}
	if instance != nil {
		m.instance = *instance
	}
	for _, tp := range m.parts {
		m.count += len(tp.Partitions)
	}
	return m
}

func coordinatorText(b kadm.BrokerDetail) string {
	return fmt.Sprintf("%s:%d  (%d)", b.Host, b.Port, b.NodeID)
}

// groupStateMessage prints what ConsumerGroupCommand says about a group's state before its
// table and reports whether a table follows.
func groupStateMessage(e *Env, g describedGroup) bool {
	switch g.state {
	case "Dead":
		fmt.Fprintf(e.IO.Out, "\nError: Consumer group '%s' does not exist.\n", g.name)
		return false
	case "Empty":
		fmt.Fprintf(e.IO.ErrOut, "\nConsumer group '%s' has no active members.\n", g.name)
	case "PreparingRebalance", "CompletingRebalance", "Assigning", "Reconciling":
		fmt.Fprintf(e.IO.ErrOut, "\nWarning: Consumer group '%s' is rebalancing.\n", g.name)
	}
	return true
}

// groupOffsetRows is collectGroupOffsets: each member's partitions (members with the most
// partitions first), then committed partitions nobody is assigned, with "-" for the member.
func groupOffsetRows(ctx context.Context, adm *cmdutil.Admin, g describedGroup) ([]offsetRow, error) {
	committed, err := adm.FetchOffsets(ctx, g.name)
	if err != nil {
		return nil, err
	}
	var rows []offsetRow
	assigned := map[string]map[int32]bool{}
	members := append([]groupMember(nil), g.members...)
	sort.SliceStable(members, func(i, j int) bool { return members[i].count > members[j].count })
	for _, m := range members {
		for _, tp := range m.parts {
			for _, p := range tp.Partitions {
				if assigned[tp.Topic] == nil {
					assigned[tp.Topic] = map[int32]bool{}
				}
				assigned[tp.Topic][p] = true
				at, epoch := committedAt(committed, tp.Topic, p)
				rows = append(rows, offsetRow{topic: tp.Topic, partition: p, offset: at, leaderEpoch: epoch, member: m.id, host: m.host, client: m.client})
			}
		}
	}
	for _, o := range committed.Sorted() { // Java prints these in hash order; kafkit sorts
		if !assigned[o.Topic][o.Partition] && o.Err == nil {
			rows = append(rows, offsetRow{topic: o.Topic, partition: o.Partition, offset: o.At, leaderEpoch: o.LeaderEpoch, member: "-", host: "-", client: "-"})
		}
	}
	return withLogEnd(ctx, adm, rows)
}

func committedAt(os kadm.OffsetResponses, topic string, p int32) (int64, int32) {
	if o, ok := os.Lookup(topic, p); ok && o.Err == nil {
		return o.At, o.LeaderEpoch
	}
	return -1, -1
}

func withLogEnd(ctx context.Context, adm *cmdutil.Admin, rows []offsetRow) ([]offsetRow, error) {
	topics := map[string]bool{}
	for _, r := range rows {
		topics[r.topic] = true
	}
	ends, err := adm.ListEndOffsets(ctx, sortedKeys(topics)...)
	if err != nil {
		return nil, err
	}
	for i := range rows {
		rows[i].end = -1
		if o, ok := ends.Lookup(rows[i].topic, rows[i].partition); ok && o.Err == nil {
			rows[i].end = o.Offset
		}
	}
	return rows, nil
}

func dash(n int64) string {
	if n < 0 {
		return "-"
	}
	return fmt.Sprint(n)
}

// printGroupOffsets prints the offsets view with Java's column widths.
// With verbose, a LEADER-EPOCH column (the commit's) follows PARTITION.
func printGroupOffsets(e *Env, g describedGroup, rows []offsetRow, verbose bool) {
	wg, wt, wm, wh := max(15, len(g.name)), 15, 15, 15
	for _, r := range rows {
		wt, wm, wh = max(wt, len(r.topic)), max(wm, len(r.member)), max(wh, len(r.host))
	}
	epochCol := ""
	if verbose {
		epochCol = "%-15s "
	}
	format := fmt.Sprintf("\n%%-%ds %%-%ds %%-10s %s%%-15s %%-15s %%-15s %%-%ds %%-%ds %%s", wg, wt, epochCol, wm, wh)
	var b strings.Builder
	cells := func(c ...any) []any {
		if !verbose {
			c = append(c[:3], c[4:]...)
		}
		return c
	}
	fmt.Fprintf(&b, format, cells("GROUP", "TOPIC", "PARTITION", "LEADER-EPOCH", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID")...)
	for _, r := range rows {
		lag := "-"
		if r.offset >= 0 && r.end >= 0 {
			lag = fmt.Sprint(r.end - r.offset)
		}
		fmt.Fprintf(&b, format, cells(g.name, r.topic, fmt.Sprint(r.partition), dash(int64(r.leaderEpoch)), dash(r.offset), dash(r.end), lag, r.member, r.host, r.client)...)
	}
	fmt.Fprintln(e.IO.Out, b.String())
}
