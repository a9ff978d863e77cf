package compat

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
)

// memberColumns are the widths of --describe --members: as Java, they grow only with the
// members there are (no members: 15 for the group).
type memberColumns struct {
	group, id, instance, host, client, current, target int
	withInstance, withUpgraded                         bool
}

func membersLayout(g describedGroup) memberColumns {
	c := memberColumns{group: 15, id: 15, instance: 17, host: 15, client: 15, current: 20, target: 20}
	for _, m := range g.members {
		c.group = max(c.group, len(g.name))
		c.id, c.instance, c.host, c.client = max(c.id, len(m.id)), max(c.instance, len(m.instance)), max(c.host, len(m.host)), max(c.client, len(m.client))
		c.current, c.target = max(c.current, len(assignmentText(m.parts))), max(c.target, len(assignmentText(m.target)))
		c.withInstance = c.withInstance || m.instance != ""
		c.withUpgraded = c.withUpgraded || (m.upgraded != nil && !*m.upgraded)
	}
	return c
}

// assignmentText is Java's getAssignmentString: topic:p,p per topic, sorted, joined by ";".
func assignmentText(parts []kadm.TopicPartitions) string {
	var topics []string
	for _, tp := range parts {
		ps := append([]int32(nil), tp.Partitions...)
		sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
		var nums []string
		for _, p := range ps {
			nums = append(nums, strconv.Itoa(int(p)))
		}
		if len(nums) > 0 {
			topics = append(topics, tp.Topic+":"+strings.Join(nums, ","))
		}
	}
	sort.Strings(topics)
	if len(topics) == 0 {
		return "-"
	}
	return strings.Join(topics, ";")
}

func epochText(e *int32) string {
	if e == nil {
		return "-"
	}
	return strconv.Itoa(int(*e))
}

// printGroupMembers is --describe --members; with verbose the epochs and assignments follow
// (#PARTITIONS loses its trailing space then, as in Java).
func printGroupMembers(e *Env, g describedGroup, verbose bool) {
	c := membersLayout(g)
	base := fmt.Sprintf("%%-%ds %%-%ds %%-%ds %%-%ds %%-15s", c.group, c.id, c.host, c.client)
	if c.withInstance {
		base = fmt.Sprintf("%%-%ds %%-%ds %%-%ds %%-%ds %%-%ds %%-15s", c.group, c.id, c.instance, c.host, c.client)
	}
	extra := fmt.Sprintf(" %%-15s %%-%ds %%-15s %%-%ds", c.current, c.target)
	if c.withUpgraded {
		extra += " %s"
	}
	line := func(b *strings.Builder, cells []string, more []string) {
		if !c.withInstance {
			cells = append(cells[:2], cells[3:]...)
		}
		fmt.Fprintf(b, base, anys(cells)...)
		if !verbose {
			b.WriteString(" \n")
			return
		}
		if !c.withUpgraded {
			more = more[:4]
		}
		fmt.Fprintf(b, extra+"\n", anys(more)...)
	}
	var b strings.Builder
	b.WriteString("\n")
	line(&b, []string{"GROUP", "CONSUMER-ID", "GROUP-INSTANCE-ID", "HOST", "CLIENT-ID", "#PARTITIONS"}, []string{"CURRENT-EPOCH", "CURRENT-ASSIGNMENT", "TARGET-EPOCH", "TARGET-ASSIGNMENT", "UPGRADED"})
	for _, m := range g.members {
		upgraded := "-"
		if m.upgraded != nil {
			upgraded = strconv.FormatBool(*m.upgraded)
		}
		targetEpoch := g.targetEpoch
		if m.epoch == nil {
			targetEpoch = nil
		}
		line(&b, []string{g.name, m.id, m.instance, m.host, m.client, strconv.Itoa(m.count)},
			[]string{epochText(m.epoch), assignmentText(m.parts), epochText(targetEpoch), assignmentText(m.target), upgraded})
	}
	fmt.Fprint(e.IO.Out, b.String())
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// printGroupState is --describe --state; with verbose the group's epochs follow the state.
func printGroupState(e *Env, g describedGroup, verbose bool) {
	strategy := g.strategy
	if strategy == "" {
		strategy = "-"
	}
	cells := []string{"GROUP", "COORDINATOR (ID)", "ASSIGNMENT-STRATEGY", "STATE", "#MEMBERS"}
	row := []string{g.name, g.coordinator, strategy, g.state, strconv.Itoa(len(g.members))}
	format := fmt.Sprintf("\n%%-%ds %%-%ds %%-20s %%-20s %%s", max(15, len(g.name)), max(25, len(g.coordinator)))
	if verbose {
		format = fmt.Sprintf("\n%%-%ds %%-%ds %%-20s %%-20s %%-15s %%-25s %%s", max(15, len(g.name)), max(25, len(g.coordinator)))
		cells = append(cells[:4], "GROUP-EPOCH", "TARGET-ASSIGNMENT-EPOCH", "#MEMBERS")
		row = append(row[:4], epochText(g.epoch), epochText(g.targetEpoch), row[4])
	}
	fmt.Fprintf(e.IO.Out, format, anys(cells)...)
	fmt.Fprintf(e.IO.Out, format+"\n", anys(row)...)
}
