package group

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// Streams groups (KIP-1071, Kafka 4.1+ with streams.version=1): described with
// StreamsGroupDescribe, which kadm does not wrap and franz-go does not route, so kafkit finds
// each group's coordinator and sends one request per coordinator. Their offsets are ordinary
// committed offsets (OffsetFetch), so lag, seek and delete-offsets treat them as consumer
// groups; what they add is the topology (sub-topologies and their internal topics) and the
// members' tasks.

// streamsInfo is a streams group's topology.
type streamsInfo struct {
	Epoch         int32         `json:"group_epoch"`
	TopologyEpoch int32         `json:"topology_epoch"`
	Subtopologies []subtopology `json:"subtopologies"`
}

// subtopology is one sub-topology: what it reads and the internal topics it owns.
type subtopology struct {
	ID                      string   `json:"id"`
	SourceTopics            []string `json:"source_topics"`
	RepartitionSourceTopics []string `json:"repartition_source_topics"`
	RepartitionSinkTopics   []string `json:"repartition_sink_topics"`
	StateChangelogTopics    []string `json:"state_changelog_topics"`
}

// memberTasks is a streams member's tasks: sub-topology id -> partitions, per kind.
type memberTasks struct {
	ProcessID string             `json:"process_id"`
	Endpoint  string             `json:"endpoint,omitempty"`
	Active    map[string][]int32 `json:"active"`
	Standby   map[string][]int32 `json:"standby"`
	Warmup    map[string][]int32 `json:"warmup"`
}

// streamsDescribed is one group of a StreamsGroupDescribe answer and its coordinator.
type streamsDescribed struct {
	kmsg.StreamsGroupDescribeResponseGroup
	Coordinator     int32
	CoordinatorAddr string
	Err             error
	ErrMessage      string
}

// describeStreams describes the streams groups names: one FindCoordinator for all, then one
// StreamsGroupDescribe per coordinator (concurrently). A group whose coordinator or request
// failed gets the error in its Err (so that coordinator errors are retried).
func describeStreams(ctx context.Context, adm *cmdutil.Admin, names []string) (map[string]streamsDescribed, error) {
	return describeStreamsWith(ctx, adm, names, false)
}

// describeStreamsWith is describeStreams, asking for the topology description (v1+) or not.
func describeStreamsWith(ctx context.Context, adm *cmdutil.Admin, names []string, topology bool) (map[string]streamsDescribed, error) {
	out := map[string]streamsDescribed{}
	byNode := map[int32][]string{}
	addrs := map[int32]string{}
	for _, c := range adm.FindGroupCoordinators(ctx, names...) {
		if c.Err != nil {
			out[c.Name] = streamsDescribed{Err: c.Err}
			continue
		}
		byNode[c.NodeID] = append(byNode[c.NodeID], c.Name)
		addrs[c.NodeID] = fmt.Sprintf("%s:%d", c.Host, c.Port)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for node, groups := range byNode {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got := describeStreamsOn(ctx, adm, node, addrs[node], groups, topology)
			mu.Lock()
			defer mu.Unlock()
			for n, d := range got {
				out[n] = d
			}
		}()
	}
	wg.Wait()
	return out, nil
}

func describeStreamsOn(ctx context.Context, adm *cmdutil.Admin, node int32, addr string, groups []string, topology bool) map[string]streamsDescribed {
	out := map[string]streamsDescribed{}
	req := kmsg.NewPtrStreamsGroupDescribeRequest()
	req.Groups = groups
	req.IncludeTopologyDescription = topology
	resp, err := req.RequestWith(ctx, adm.Kgo().Broker(int(node)))
	if err != nil {
		for _, n := range groups {
			out[n] = streamsDescribed{Err: fmt.Errorf("StreamsGroupDescribe on broker %d: %w", node, err)}
		}
		return out
	}
	for _, g := range resp.Groups {
		d := streamsDescribed{StreamsGroupDescribeResponseGroup: g, Coordinator: node, CoordinatorAddr: addr, Err: kerr.ErrorForCode(g.ErrorCode)}
		if g.ErrorMessage != nil {
			d.ErrMessage = *g.ErrorMessage
		}
		out[g.Group] = d
	}
	return out
}

// applyStreams fills g from its StreamsGroupDescribe answer: state, topology, members with
// their tasks; a member's assignment is the partitions its active tasks read.
func applyStreams(g *groupInfo, d streamsDescribed) {
	g.State, g.ProtocolType = d.State, "streams"
	if d.AssignorName != nil {
		g.Assignor = *d.AssignorName
	}
	g.Coordinator, g.CoordinatorAddr = d.Coordinator, d.CoordinatorAddr
	info := &streamsInfo{Epoch: d.Epoch, Subtopologies: []subtopology{}}
	reads := map[string][]string{} // sub-topology -> the topics its tasks read
	if d.Topology != nil {
		info.TopologyEpoch = d.Topology.Epoch
		for _, s := range d.Topology.Subtopologies {
			st := subtopology{ID: s.SubtopologyID, SourceTopics: sortedCopy(s.SourceTopics), RepartitionSinkTopics: sortedCopy(s.RepartitionSinkTopics),
				RepartitionSourceTopics: topicInfoNames(s.RepartitionSourceTopics), StateChangelogTopics: topicInfoNames(s.StateChangelogTopics)}
			info.Subtopologies = append(info.Subtopologies, st)
			reads[st.ID] = append(append([]string{}, st.SourceTopics...), st.RepartitionSourceTopics...)
		}
	}
	sort.Slice(info.Subtopologies, func(i, j int) bool { return info.Subtopologies[i].ID < info.Subtopologies[j].ID })
	g.Streams = info
	for _, m := range d.Members {
		g.Members = append(g.Members, streamsMember(m, reads))
	}
	sort.Slice(g.Members, func(i, j int) bool { return g.Members[i].MemberID < g.Members[j].MemberID })
}

func streamsMember(m kmsg.StreamsGroupDescribeResponseGroupMember, reads map[string][]string) memberInfo {
	mi := memberInfo{MemberID: m.MemberID, ClientID: m.ClientID, Host: m.ClientHost, Assigned: map[string][]int32{}}
	if m.InstanceID != nil {
		mi.InstanceID = *m.InstanceID
	}
	t := &memberTasks{ProcessID: m.ProcessID, Active: taskMap(m.Assignment.ActiveTasks), Standby: taskMap(m.Assignment.StandbyTasks),
		Warmup: taskMap(m.Assignment.WarmupTasks)}
	if m.UserEndpoint != nil {
		t.Endpoint = fmt.Sprintf("%s:%d", m.UserEndpoint.Host, m.UserEndpoint.Port)
	}
	mi.Tasks = t
	for sub, ps := range t.Active {
		for _, topic := range reads[sub] {
			mi.Assigned[topic] = sortedPartitions(append(mi.Assigned[topic], ps...))
		}
	}
	return mi
}

func taskMap(ts []kmsg.TaskIDs) map[string][]int32 {
	m := map[string][]int32{}
	for _, t := range ts {
		m[t.SubtopologyID] = sortedPartitions(append(m[t.SubtopologyID], t.Partitions...))
	}
	return m
}

func topicInfoNames(ts []kmsg.TopicInfo) []string {
	out := []string{}
	for _, t := range ts {
		out = append(out, t.Topic)
	}
	sort.Strings(out)
	return out
}

func sortedCopy(ss []string) []string {
	out := append([]string{}, ss...)
	sort.Strings(out)
	return out
}

// internalTopics is every repartition and changelog topic of a streams group, sorted: what
// `delete --include-internal-topics` deletes with it.
func (s *streamsInfo) internalTopics() []string {
	set := map[string]bool{}
	for _, st := range s.Subtopologies {
		for _, lists := range [][]string{st.RepartitionSourceTopics, st.RepartitionSinkTopics, st.StateChangelogTopics} {
			for _, t := range lists {
				set[t] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for t := range set {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}
