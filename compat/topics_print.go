package compat

import (
	"fmt"
	"sort"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// printDescribed prints one topic as TopicCommand's describe does: the topic line unless a
// partition report is asked, then each partition that passes the reports.
func printDescribed(e *Env, r *topicRequest, t describedTopic, live map[int32]bool) {
	sort.Slice(t.Partitions, func(i, j int) bool { return t.Partitions[i].Partition < t.Partitions[j].Partition })
	if len(t.Partitions) == 0 {
		return
	}
	overrides := nonDefault(t.Configs)
	if !r.Reports.any() && (!r.Reports.WithOverrides || len(overrides) > 0) {
		fmt.Fprintln(e.IO.Out, topicLine(t, overrides))
	}
	if r.Reports.WithOverrides {
		return
	}
	for _, p := range t.Partitions {
		if r.Reports.any() && !reported(r.Reports, p, t, live) {
			continue
		}
		fmt.Fprintln(e.IO.Out, partitionLine(t, p))
	}
}

func nonDefault(cfgs []kadm.Config) []string {
	var out []string
	for _, c := range cfgs {
		if c.Source == kmsg.ConfigSourceDefaultConfig {
			continue
		}
		v := ""
		if c.Value != nil {
			v = *c.Value
		}
		out = append(out, c.Key+"="+v)
	}
	return out
}

func topicLine(t describedTopic, overrides []string) string {
	var b strings.Builder
	b.WriteString("Topic: " + t.Name)
	if t.ID != "AAAAAAAAAAAAAAAAAAAAAA" && t.ID != "" {
		b.WriteString("\tTopicId: " + t.ID)
	}
	first := t.Partitions[0]
	fmt.Fprintf(&b, "\tPartitionCount: %d\tReplicationFactor: %d\tConfigs: %s",
		len(t.Partitions), replicationFactor(first, t.Moving), strings.Join(overrides, ","))
	return b.String()
}

func partitionLine(t describedTopic, p describedPartition) string {
	var b strings.Builder
	leader := "none"
	if p.Leader >= 0 {
		leader = fmt.Sprint(p.Leader)
	}
	fmt.Fprintf(&b, "\tTopic: %s\tPartition: %d\tLeader: %s\tReplicas: %s\tIsr: %s",
		t.Name, p.Partition, leader, joinIDs(p.Replicas), joinIDs(p.ISR))
	if m, ok := t.Moving[p.Partition]; ok {
		fmt.Fprintf(&b, "\tAdding Replicas: %s\tRemoving Replicas: %s", joinIDs(m.AddingReplicas), joinIDs(m.RemovingReplicas))
	}
	if p.ELRKnown {
		fmt.Fprintf(&b, "\tElr: %s\tLastKnownElr: %s", joinIDs(p.ELR), joinIDs(p.LastKnownELR))
	} else {
		b.WriteString("\tElr: N/A\tLastKnownElr: N/A")
	}
	return b.String()
}

// replicationFactor is TopicCommand's: during a reassignment, the replicas that stay.
func replicationFactor(p describedPartition, moving map[int32]kadm.ListPartitionReassignmentsResponse) int {
	if m, ok := moving[p.Partition]; ok && (len(m.AddingReplicas) > 0 || len(m.RemovingReplicas) > 0) {
		return len(m.Replicas) - len(m.AddingReplicas)
	}
	return len(p.Replicas)
}

// reported applies --under-replicated-partitions and the other partition reports.
func reported(r topicReports, p describedPartition, t describedTopic, live map[int32]bool) bool {
	hasLeader := p.Leader >= 0
	switch {
	case r.UnderReplicated && replicationFactor(p, t.Moving)-len(p.ISR) > 0:
		return true
	case r.Unavailable && (!hasLeader || !live[p.Leader]):
		return true
	case r.UnderMinISR && (!hasLeader || len(p.ISR) < t.MinISR):
		return true
	case r.AtMinISR && len(p.ISR) == t.MinISR:
		return true
	}
	return false
}
