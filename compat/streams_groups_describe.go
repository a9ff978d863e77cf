package compat

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/group"
)

// kafka-streams-groups.sh --describe: one StreamsGroupDescribe per group (group's
// DescribeStreamsGroups), printed as StreamsGroupCommand prints it. Its rows come in the
// broker's order (members) or a java.util.HashMap's (partitions), which streamsOffsetRows
// reproduces. A group without members prints nothing for --offsets and --members, as Java.

// streamsDescribeOne describes one group; a failure is the Java tool's exception.
func (s *streamsCompat) streamsDescribeOne(ctx context.Context, name string, topology bool) (group.StreamsDescription, error) {
	d := group.DescribeStreamsGroups(ctx, s.adm, []string{name}, topology)[name]
	if d.Err != nil {
		return d, javaGroupError(d.Err, d.ErrMessage)
	}
	return d, nil
}

func (s *streamsCompat) describe(ctx context.Context) error {
	names, err := s.groupNames(ctx)
	if err != nil {
		return err
	}
	verbose := s.p.Has("verbose")
	for _, n := range names {
		d, err := s.streamsDescribeOne(ctx, n, s.p.Has("topology"))
		if err != nil {
			return err
		}
		switch {
		case s.p.Has("topology"):
			s.printTopology(d)
		case s.p.Has("members"):
			printStreamsMembers(s.e, d, verbose)
		case s.p.Has("state"):
			printStreamsState(s.e, d, verbose)
		default:
			rows, err := s.offsetRows(ctx, d)
			if err != nil {
				return err
			}
			printStreamsOffsets(s.e, d, rows, verbose)
		}
	}
	return nil
}

// streamsEmptyState is maybePrintEmptyGroupState.
func streamsEmptyState(e *Env, group, state string) {
	switch state {
	case "Dead":
		fmt.Fprintf(e.IO.Out, "\nError: Streams group '%s' does not exist.\n", group)
	case "Empty":
		fmt.Fprintf(e.IO.Out, "\nError: Streams group '%s' has no active members.\n", group)
	}
}

// streamsDetail is isGroupStateValid: a table follows only for a live group with members.
func streamsDetail(d group.StreamsDescription) bool { return d.State != "Dead" && len(d.Members) > 0 }

// streamsTasks is a member's tasks as the tool prints them: "ACTIVE: 0:[0,1]; 1:[0]; ".
func streamsTasks(a kmsg.StreamsAssignment, label string) string {
	var b strings.Builder
	for _, kind := range []struct {
		name  string
		tasks []kmsg.TaskIDs
	}{{"ACTIVE", a.ActiveTasks}, {"STANDBY", a.StandbyTasks}, {"WARMUP", a.WarmupTasks}} {
		if len(kind.tasks) == 0 {
			continue
		}
		b.WriteString(label + kind.name + ": ")
		for _, t := range kind.tasks {
			ps := make([]string, len(t.Partitions))
			for i, p := range t.Partitions {
				ps[i] = strconv.Itoa(int(p))
			}
			b.WriteString(t.SubtopologyID + ":[" + strings.Join(ps, ",") + "]; ")
		}
	}
	return b.String()
}

func printStreamsMembers(e *Env, d group.StreamsDescription, verbose bool) {
	if !streamsDetail(d) {
		return
	}
	streamsEmptyState(e, d.Group, d.State)
	gw, mw, pw, cw := max(15, len(d.Group)), 15, 15, 15
	for _, m := range d.Members {
		mw, pw, cw = max(mw, len(m.MemberID)), max(pw, len(m.ProcessID)), max(cw, len(m.ClientID))
	}
	out := e.IO.Out
	if !verbose {
		f := "%-*s %-*s %-*s %-*s %s\n"
		fmt.Fprintf(out, f, gw, "GROUP", mw, "MEMBER", pw, "PROCESS", cw, "CLIENT-ID", "ASSIGNMENTS")
		for _, m := range d.Members {
			fmt.Fprintf(out, f, gw, d.Group, mw, m.MemberID, pw, m.ProcessID, cw, m.ClientID, streamsTasks(m.Assignment, ""))
		}
		return
	}
	topologyEpoch := int32(-1)
	if d.Topology != nil {
		topologyEpoch = d.Topology.Epoch
	}
	f := "%-*s %-25s %-15s%-*s %-15s %-15s %-*s %-*s %s\n"
	fmt.Fprintf(out, f, gw, "GROUP", "TARGET-ASSIGNMENT-EPOCH", "TOPOLOGY-EPOCH", mw, "MEMBER", "MEMBER-PROTOCOL", "MEMBER-EPOCH", pw, "PROCESS", cw, "CLIENT-ID", "ASSIGNMENTS")
	for _, m := range d.Members {
		protocol := "streams"
		if m.IsClassic {
			protocol = "classic"
		}
		tasks := streamsTasks(m.Assignment, "") + streamsTasks(m.TargetAssignment, "TARGET-")
		fmt.Fprintf(out, f, gw, d.Group, strconv.Itoa(int(d.AssignmentEpoch)), strconv.Itoa(int(topologyEpoch)), mw, m.MemberID, protocol,
			strconv.Itoa(int(m.MemberEpoch)), pw, m.ProcessID, cw, m.ClientID, tasks)
	}
}

func printStreamsState(e *Env, d group.StreamsDescription, verbose bool) {
	streamsEmptyState(e, d.Group, d.State)
	coord := fmt.Sprintf("%s (%d)", d.CoordinatorAddr, d.Coordinator)
	assignor := ""
	if d.AssignorName != nil {
		assignor = *d.AssignorName
	}
	gw, cw, aw := max(15, len(d.Group)), max(25, len(coord)), max(15, len(assignor))
	members := strconv.Itoa(len(d.Members))
	if !verbose {
		f := "%-*s %-*s %-*s %-25s %s\n"
		fmt.Fprintf(e.IO.Out, f, gw, "GROUP", cw, "COORDINATOR (ID)", aw, "ASSIGNOR", "STATE", "#MEMBERS")
		fmt.Fprintf(e.IO.Out, f, gw, d.Group, cw, coord, aw, assignor, d.State, members)
		return
	}
	f := "%-*s %-*s %-*s %-25s %-15s %-25s %s\n"
	fmt.Fprintf(e.IO.Out, f, gw, "GROUP", cw, "COORDINATOR (ID)", aw, "ASSIGNOR", "STATE", "GROUP-EPOCH", "TARGET-ASSIGNMENT-EPOCH", "#MEMBERS")
	fmt.Fprintf(e.IO.Out, f, gw, d.Group, cw, coord, aw, assignor, d.State, strconv.Itoa(int(d.Epoch)), strconv.Itoa(int(d.AssignmentEpoch)), members)
}

// streamsOffsetRow is one partition of --describe --offsets.
type streamsOffsetRow struct {
	topic       string
	partition   int32
	current     string // "-" without a commit
	leaderEpoch string // "-" without one
	logEnd      int64
	lag         int64
}

// streamsReadTopics is, per sub-topology, the topics its tasks read: source and repartition
// source topics.
func streamsReadTopics(d group.StreamsDescription) map[string][]string {
	reads := map[string][]string{}
	if d.Topology == nil {
		return reads
	}
	for _, st := range d.Topology.Subtopologies {
		ts := append([]string{}, st.SourceTopics...)
		for _, r := range st.RepartitionSourceTopics {
			ts = append(ts, r.Topic)
		}
		reads[st.SubtopologyID] = ts
	}
	return reads
}

// streamsActivePartitions are the partitions the members' active tasks read, in the order the
// tool's HashSet is filled (members, tasks, topics, partitions): a HashMap's order for keys
// that share a bucket.
func streamsActivePartitions(d group.StreamsDescription) ([]tpKey, error) {
	reads := streamsReadTopics(d)
	seen := map[tpKey]bool{}
	var out []tpKey
	for _, m := range d.Members {
		for _, t := range m.Assignment.ActiveTasks {
			topics, ok := reads[t.SubtopologyID]
			if !ok {
				return nil, &usageMessage{"Subtopology " + t.SubtopologyID + " not found in group description!"}
			}
			for _, topic := range topics {
				for _, p := range t.Partitions {
					if k := (tpKey{topic, p}); !seen[k] {
						seen[k] = true
						out = append(out, k)
					}
				}
			}
		}
	}
	return out, nil
}

type tpKey struct {
	topic     string
	partition int32
}

func sortTPKeys(ks []tpKey) {
	sort.Slice(ks, func(i, j int) bool {
		if ks[i].topic != ks[j].topic {
			return ks[i].topic < ks[j].topic
		}
		return ks[i].partition < ks[j].partition
	})
}

// javaTPOrder puts partitions (given in insertion order) in a java.util.HashMap's iteration
// order.
func javaTPOrder(ks []tpKey) []tpKey {
	hs := make([]int32, len(ks))
	for i, k := range ks {
		hs[i] = javaTopicPartitionHash(k.topic, k.partition)
	}
	out := make([]tpKey, 0, len(ks))
	for _, i := range javaHashOrder(hs) {
		out = append(out, ks[i])
	}
	return out
}

// offsetRows fetches the log start and end offsets and the commits of the active partitions.
func (s *streamsCompat) offsetRows(ctx context.Context, d group.StreamsDescription) ([]streamsOffsetRow, error) {
	if !streamsDetail(d) {
		return nil, nil
	}
	tps, err := streamsActivePartitions(d)
	if err != nil || len(tps) == 0 {
		return nil, err
	}
	topics := map[string]bool{}
	for _, k := range tps {
		topics[k.topic] = true
	}
	start, err := s.adm.ListStartOffsets(ctx, sortedKeys(topics)...)
	if err != nil {
		return nil, err
	}
	end, err := s.adm.ListEndOffsets(ctx, sortedKeys(topics)...)
	if err != nil {
		return nil, err
	}
	commits, err := s.adm.FetchOffsets(ctx, d.Group)
	if err != nil {
		return nil, javaGroupError(err, "")
	}
	return streamsOffsetView(tps, start, end, commits)
}

// streamsOffsetView is the pure part of --offsets: lag from the commit, or from the log start
// without one; rows in the Java tool's HashMap order.
func streamsOffsetView(tps []tpKey, start, end kadm.ListedOffsets, commits kadm.OffsetResponses) ([]streamsOffsetRow, error) {
	var rows []streamsOffsetRow
	for _, k := range javaTPOrder(tps) {
		so, ok1 := start.Lookup(k.topic, k.partition)
		eo, ok2 := end.Lookup(k.topic, k.partition)
		switch {
		case !ok1 || !ok2:
			return nil, fmt.Errorf("no offsets listed for %s-%d", k.topic, k.partition)
		case so.Err != nil:
			return nil, javaGroupError(so.Err, "")
		case eo.Err != nil:
			return nil, javaGroupError(eo.Err, "")
		}
		r := streamsOffsetRow{topic: k.topic, partition: k.partition, current: "-", leaderEpoch: "-", logEnd: eo.Offset, lag: eo.Offset - so.Offset}
		if c, ok := commits.Lookup(k.topic, k.partition); ok && c.Err == nil && c.At >= 0 {
			r.current, r.lag = strconv.FormatInt(c.At, 10), eo.Offset-c.At
			if c.LeaderEpoch >= 0 {
				r.leaderEpoch = strconv.Itoa(int(c.LeaderEpoch))
			}
		}
		rows = append(rows, r)
	}
	return rows, nil
}

func printStreamsOffsets(e *Env, d group.StreamsDescription, rows []streamsOffsetRow, verbose bool) {
	if !streamsDetail(d) {
		return
	}
	streamsEmptyState(e, d.Group, d.State)
	gw, tw := max(15, len(d.Group)), 15
	for _, r := range rows {
		tw = max(tw, len(r.topic))
	}
	out := e.IO.Out
	if !verbose {
		f := "%-*s %-*s %-10s %s\n"
		fmt.Fprintf(out, f, gw, "GROUP", tw, "TOPIC", "PARTITION", "OFFSET-LAG")
		for _, r := range rows {
			fmt.Fprintf(out, f, gw, d.Group, tw, r.topic, strconv.Itoa(int(r.partition)), strconv.FormatInt(r.lag, 10))
		}
		return
	}
	f := "%-*s %-*s %-10s %-15s %-15s %-15s %-15s\n"
	fmt.Fprintf(out, f, gw, "GROUP", tw, "TOPIC", "PARTITION", "CURRENT-OFFSET", "LEADER-EPOCH", "LOG-END-OFFSET", "OFFSET-LAG")
	for _, r := range rows {
		fmt.Fprintf(out, f, gw, d.Group, tw, r.topic, strconv.Itoa(int(r.partition)), r.current, r.leaderEpoch,
			strconv.FormatInt(r.logEnd, 10), strconv.FormatInt(r.lag, 10))
	}
}
