package compat

import (
	"fmt"
	"sort"
	"strings"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/group"
	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/text"
)

// kafka-streams-groups.sh --describe --topology (Kafka 4.4): the topology description the
// broker's plugin stored for the group (StreamsGroupDescribe v1, IncludeTopologyDescription),
// in Kafka Streams' own Topology#describe layout; without one the tool says why and exits 1.

// Topology description statuses (StreamsGroupDescribe v1).
var streamsTopologyStatus = map[int8]string{0: "NOT_REQUESTED", 1: "NOT_STORED", 2: "ERROR", 3: "AVAILABLE"}

func (s *streamsCompat) printTopology(d group.StreamsDescription) {
	out := s.e.IO.Out
	switch {
	case d.TopologyDescriptionStatus == 3 && d.TopologyDescription != nil:
		fmt.Fprintln(out, formatStreamsTopology(*d.TopologyDescription))
		return
	case d.TopologyDescriptionStatus == 1:
		fmt.Fprintf(out, "\nError: No topology description is stored for streams group '%s'.\n", d.Group)
	case d.TopologyDescriptionStatus == 2:
		fmt.Fprintf(out, "\nError: The broker failed to fetch the topology description for streams group '%s'. See the broker logs for details.\n", d.Group)
	default:
		status := streamsTopologyStatus[d.TopologyDescriptionStatus]
		if status == "" {
			status = fmt.Sprint(d.TopologyDescriptionStatus)
		}
		fmt.Fprintf(out, "\nError: No topology description is available for streams group '%s' (status: %s).\n", d.Group, status)
	}
	s.status = cmdutil.SilentError
}

// formatStreamsTopology is TopologyDescriptionFormatter: sub-topologies, then global stores
// numbered after them; node lists sorted, "none" when empty.
func formatStreamsTopology(t kmsg.StreamsGroupDescribeResponseGroupTopologyDescription) string {
	var b strings.Builder
	b.WriteString("Topologies:\n")
	for _, st := range t.Subtopologies {
		b.WriteString("   Sub-topology: " + st.SubtopologyID + "\n")
		preds := predecessors(st.Nodes)
		for _, n := range st.Nodes {
			b.WriteString("    " + formatStreamsNode(n, preds[n.Name]) + "\n")
		}
		b.WriteString("\n")
	}
	for i, g := range t.GlobalStores {
		fmt.Fprintf(&b, "   Sub-topology: %d for global store (will not generate tasks)\n", len(t.Subtopologies)+i)
		preds := predecessors([]kmsg.TopologyDescriptionNode{g.Source, g.Processor})
		b.WriteString("    " + formatStreamsNode(g.Source, nil) + "\n")
		b.WriteString("    " + formatStreamsNode(g.Processor, preds[g.Processor.Name]) + "\n\n")
	}
	return b.String()
}

// predecessors inverts the nodes' successor lists.
func predecessors(nodes []kmsg.TopologyDescriptionNode) map[string][]string {
	out := map[string][]string{}
	for _, n := range nodes {
		for _, s := range n.Successors {
			out[s] = append(out[s], n.Name)
		}
	}
	return out
}

func nodeNames(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(sortedSet(names), ", ")
}

func sortedSet(ss []string) []string {
	out := text.SortedUnique(ss)
	sort.Strings(out)
	return out
}

// formatStreamsNode prints a node by its type: 0 source, 1 processor, 2 sink.
func formatStreamsNode(n kmsg.TopologyDescriptionNode, preds []string) string {
	switch n.NodeType {
	case 0:
		return "Source: " + n.Name + " (topics: [" + strings.Join(sortedSet(n.SourceTopics), ", ") + "])\n      --> " + nodeNames(n.Successors)
	case 2:
		topic := "null"
		if n.SinkTopic != nil {
			topic = *n.SinkTopic
		}
		return "Sink: " + n.Name + " (topic: " + topic + ")\n      <-- " + nodeNames(preds)
	}
	return "Processor: " + n.Name + " (stores: [" + strings.Join(sortedSet(n.Stores), ", ") + "])\n      --> " + nodeNames(n.Successors) + "\n      <-- " + nodeNames(preds)
}
