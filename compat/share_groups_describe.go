package compat

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/text"
)

// shareCompat runs one kafka-share-groups.sh action; status is the exit error after output
// (a group that failed), nil when all went well.
type shareCompat struct {
	e      *Env
	adm    *cmdutil.Admin
	p      *Parsed
	status error
}

func (s *shareCompat) list(ctx context.Context, states map[string]bool) error {
	listed, err := listedOfType(ctx, s.adm, "share")
	if err != nil {
		return err
	}
	if !s.p.Has("state") {
		for _, g := range listed.Sorted() {
			fmt.Fprintln(s.e.IO.Out, g.Group)
		}
		return nil
	}
	var rows []kadm.ListedGroup
	width := 15
	for _, g := range listed.Sorted() {
		if len(states) == 0 || states[strings.ToLower(g.State)] {
			rows = append(rows, g)
			width = max(width, len(g.Group))
		}
	}
	fmt.Fprintf(s.e.IO.Out, "%-*s %s\n", width, "GROUP", "STATE")
	for _, g := range rows {
		fmt.Fprintf(s.e.IO.Out, "%-*s %s\n", width, g.Group, g.State)
	}
	return nil
}

// groupNames is --group, or with --all-groups every share group; sorted, as the tool's TreeMap.
func (s *shareCompat) groupNames(ctx context.Context) ([]string, error) {
	names := s.p.Values("group")
	if s.p.Has("all-groups") {
		listed, err := listedOfType(ctx, s.adm, "share")
		if err != nil {
			return nil, err
		}
		names = listed.Groups()
	}
	names = text.SortedUnique(names)
	return names, nil
}

// describeShare describes every group with ShareGroupDescribe; the first group that failed
// fails the command, with the broker's message, as the Java tool's future does.
func (s *shareCompat) describeShare(ctx context.Context, names []string) (map[string]kmsg.ShareGroupDescribeResponseGroup, error) {
	req := kmsg.NewPtrShareGroupDescribeRequest()
	req.GroupIDs = names
	kr, err := s.adm.Request(ctx, req)
	if err != nil {
		return nil, err
	}
	out := map[string]kmsg.ShareGroupDescribeResponseGroup{}
	for _, g := range kr.(*kmsg.ShareGroupDescribeResponse).Groups {
		out[g.GroupID] = g
	}
	for _, n := range names {
		g, ok := out[n]
		if !ok {
			return nil, fmt.Errorf("the coordinator did not describe group %q", n)
		}
		if err := kerr.ErrorForCode(g.ErrorCode); err != nil {
			return nil, kafkaException(err, g.ErrorMessage)
		}
	}
	return out, nil
}

// kafkaException is a Kafka error as the Java client raises it: its exception class and the
// broker's message, or the error's default message.
func kafkaException(err error, msg *string) error {
	ke, ok := err.(*kerr.Error)
	if !ok {
		return err
	}
	text := ke.Description
	if msg != nil && *msg != "" {
		text = *msg
	}
	return javaError{class: "org.apache.kafka.common.errors." + exceptionClass(ke), msg: text}
}

// exceptionClass is the Java exception of a Kafka error code, for the ones these tools meet.
func exceptionClass(ke *kerr.Error) string {
	switch ke {
	case kerr.GroupIDNotFound:
		return "GroupIdNotFoundException"
	case kerr.NonEmptyGroup:
		return "GroupNotEmptyException"
	case kerr.GroupAuthorizationFailed:
		return "GroupAuthorizationException"
	case kerr.UnknownTopicOrPartition:
		return "UnknownTopicOrPartitionException"
	case kerr.InvalidGroupID:
		return "InvalidGroupIdException"
	}
	return "KafkaException"
}

func (s *shareCompat) describe(ctx context.Context) error {
	names, err := s.groupNames(ctx)
	if err != nil {
		return err
	}
	if len(names) == 0 {
		return nil
	}
	groups, err := s.describeShare(ctx, names)
	if err != nil {
		return err
	}
	switch {
	case s.p.Has("members"):
		for _, n := range names {
			s.printMembers(groups[n])
		}
	case s.p.Has("state") && !s.p.Has("offsets"):
		for _, n := range names {
			s.printState(ctx, groups[n])
		}
	default:
		offs, err := s.adm.DescribeShareGroupOffsets(ctx, names...)
		if err != nil {
			return err
		}
		for _, n := range names {
			if err := offs[n].Err; err != nil {
				return kafkaException(err, nil)
			}
			s.printOffsets(groups[n], offs[n].Offsets)
		}
	}
	return nil
}

// emptyState prints what the tool prints for an empty or dead group and says whether the
// detail follows.
func (s *shareCompat) emptyState(group, state string, rows int) bool {
	switch state {
	case "Dead":
		fmt.Fprintf(s.e.IO.Out, "\nError: Share group '%s' does not exist.\n", group)
		s.status = cmdutil.SilentError
	case "Empty":
		fmt.Fprintf(s.e.IO.ErrOut, "\nShare group '%s' has no active members.\n", group)
	}
	return state != "Dead" && rows > 0
}

func (s *shareCompat) printOffsets(g kmsg.ShareGroupDescribeResponseGroup, offs kadm.ShareOffsets) {
	var rows []kadm.ShareOffset
	for _, ps := range offs {
		for _, o := range ps {
			rows = append(rows, o)
		}
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].Topic != rows[j].Topic {
			return rows[i].Topic < rows[j].Topic
		}
		return rows[i].Partition < rows[j].Partition
	})
	if !s.emptyState(g.GroupID, g.GroupState, len(rows)) {
		return
	}
	gw, tw := max(15, len(g.GroupID)), 15
	for _, r := range rows {
		tw = max(tw, len(r.Topic))
	}
	verbose := s.p.Has("verbose")
	line := func(group, topic, partition, epoch, start string) {
		if verbose {
			fmt.Fprintf(s.e.IO.Out, "\n%-*s %-*s %-10s %-13s %s", gw, group, tw, topic, partition, epoch, start)
		} else {
			fmt.Fprintf(s.e.IO.Out, "\n%-*s %-*s %-10s %s", gw, group, tw, topic, partition, start)
		}
	}
	line("GROUP", "TOPIC", "PARTITION", "LEADER-EPOCH", "START-OFFSET")
	for _, r := range rows {
		epoch, start := "-", "-"
		if r.StartOffset >= 0 {
			epoch, start = strconv.Itoa(int(r.LeaderEpoch)), strconv.FormatInt(r.StartOffset, 10)
		}
		line(g.GroupID, r.Topic, strconv.Itoa(int(r.Partition)), epoch, start)
	}
	fmt.Fprintln(s.e.IO.Out)
}

func (s *shareCompat) printMembers(g kmsg.ShareGroupDescribeResponseGroup) {
	if !s.emptyState(g.GroupID, g.GroupState, len(g.Members)) {
		return
	}
	members := append([]kmsg.ShareGroupDescribeResponseGroupMember{}, g.Members...)
	sort.Slice(members, func(i, j int) bool { return members[i].MemberID < members[j].MemberID })
	gw, cw, hw, lw := max(15, len(g.GroupID)), 15, 15, 15
	for _, m := range members {
		cw, hw, lw = max(cw, len(m.MemberID)), max(hw, len(m.ClientHost)), max(lw, len(m.ClientID))
	}
	verbose := s.p.Has("verbose")
	line := func(group, id, host, client, parts, epoch, assignment string) {
		if verbose {
			fmt.Fprintf(s.e.IO.Out, "\n%-*s %-*s %-*s %-*s %-12s %-13s %s", gw, group, cw, id, hw, host, lw, client, parts, epoch, assignment)
		} else {
			fmt.Fprintf(s.e.IO.Out, "\n%-*s %-*s %-*s %-*s %-12s %s", gw, group, cw, id, hw, host, lw, client, parts, assignment)
		}
	}
	line("GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS", "MEMBER-EPOCH", "ASSIGNMENT")
	for _, m := range members {
		n, assignment := shareAssignment(m)
		line(g.GroupID, m.MemberID, m.ClientHost, m.ClientID, strconv.Itoa(n), strconv.Itoa(int(m.MemberEpoch)), assignment)
	}
	fmt.Fprintln(s.e.IO.Out)
}

// shareAssignment is a member's partition count and "topic:0,1;other:2", topics sorted.
func shareAssignment(m kmsg.ShareGroupDescribeResponseGroupMember) (int, string) {
	n := 0
	var parts []string
	for _, t := range m.Assignment.TopicPartitions {
		ps := append([]int32{}, t.Partitions...)
		sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
		strs := make([]string, len(ps))
		for i, p := range ps {
			strs[i] = strconv.Itoa(int(p))
		}
		n += len(ps)
		parts = append(parts, t.Topic+":"+strings.Join(strs, ","))
	}
	sort.Strings(parts)
	return n, strings.Join(parts, ";")
}

func (s *shareCompat) printState(ctx context.Context, g kmsg.ShareGroupDescribeResponseGroup) {
	s.emptyState(g.GroupID, g.GroupState, 1)
	coord := s.coordinator(ctx, g.GroupID)
	gw, cw := max(15, len(g.GroupID)), max(25, len(coord))
	if s.p.Has("verbose") {
		f := "\n%-*s %-*s %-15s %-12s %-17s %s"
		fmt.Fprintf(s.e.IO.Out, f, gw, "GROUP", cw, "COORDINATOR (ID)", "STATE", "GROUP-EPOCH", "ASSIGNMENT-EPOCH", "#MEMBERS")
		fmt.Fprintf(s.e.IO.Out, f, gw, g.GroupID, cw, coord, g.GroupState, strconv.Itoa(int(g.GroupEpoch)), strconv.Itoa(int(g.AssignmentEpoch)), strconv.Itoa(len(g.Members)))
	} else {
		f := "\n%-*s %-*s %-15s %s"
		fmt.Fprintf(s.e.IO.Out, f, gw, "GROUP", cw, "COORDINATOR (ID)", "STATE", "#MEMBERS")
		fmt.Fprintf(s.e.IO.Out, f, gw, g.GroupID, cw, coord, g.GroupState, strconv.Itoa(len(g.Members)))
	}
	fmt.Fprintln(s.e.IO.Out)
}

// coordinator is "host:port  (id)" of the group's coordinator.
func (s *shareCompat) coordinator(ctx context.Context, group string) string {
	c := s.adm.FindGroupCoordinators(ctx, group)[group]
	return fmt.Sprintf("%s:%d  (%d)", c.Host, c.Port, c.NodeID)
}

// listedOfType lists the groups of one type: ListGroups v5's filter, and the type checked
// again here (a broker before 3.8 cannot filter and lists every group).
func listedOfType(ctx context.Context, adm *cmdutil.Admin, typ string) (kadm.ListedGroups, error) {
	listed, err := adm.ListGroupsByType(ctx, []string{typ})
	for n, g := range listed {
		if g.GroupType != typ {
			delete(listed, n)
		}
	}
	return listed, err
}
