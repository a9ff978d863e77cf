package group

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/output"
)

// streamsFixture is a StreamsGroupDescribe answer for a word-count app: sub-topology 0 reads
// words and writes a repartition topic, sub-topology 1 reads it with a changelog; two members,
// one with active and standby tasks, one with a warmup task.
func streamsFixture() streamsDescribed {
	info := func(t string) kmsg.TopicInfo { i := kmsg.NewTopicInfo(); i.Topic = t; return i }
	sub0 := kmsg.NewStreamsGroupDescribeResponseGroupTopologySubtopology()
	sub0.SubtopologyID, sub0.SourceTopics, sub0.RepartitionSinkTopics = "0", []string{"words"}, []string{"wc-counts-repartition"}
	sub1 := kmsg.NewStreamsGroupDescribeResponseGroupTopologySubtopology()
	sub1.SubtopologyID = "1"
	sub1.RepartitionSourceTopics = []kmsg.TopicInfo{info("wc-counts-repartition")}
	sub1.StateChangelogTopics = []kmsg.TopicInfo{info("wc-counts-changelog")}
	g := kmsg.NewStreamsGroupDescribeResponseGroup()
	g.Group, g.State, g.Epoch = "wc", "Stable", 7
	g.Topology = &kmsg.StreamsGroupDescribeResponseGroupTopology{Epoch: 2, Subtopologies: []kmsg.StreamsGroupDescribeResponseGroupTopologySubtopology{sub1, sub0}}
	task := func(sub string, ps ...int32) kmsg.TaskIDs { return kmsg.TaskIDs{SubtopologyID: sub, Partitions: ps} }
	m1 := kmsg.NewStreamsGroupDescribeResponseGroupMember()
	m1.MemberID, m1.ClientID, m1.ClientHost, m1.ProcessID = "m-b", "wc-1", "/10.0.0.2", "p1"
	m1.Assignment.ActiveTasks = []kmsg.TaskIDs{task("0", 1, 0), task("1", 0)}
	m1.Assignment.StandbyTasks = []kmsg.TaskIDs{task("1", 1)}
	m2 := kmsg.NewStreamsGroupDescribeResponseGroupMember()
	m2.MemberID, m2.ClientID, m2.ClientHost, m2.ProcessID = "m-a", "wc-2", "/10.0.0.3", "p2"
	m2.Assignment.ActiveTasks = []kmsg.TaskIDs{task("1", 1)}
	m2.Assignment.WarmupTasks = []kmsg.TaskIDs{task("1", 0)}
	g.Members = []kmsg.StreamsGroupDescribeResponseGroupMember{m1, m2}
	name := "streams"
	g.AssignorName = &name
	return streamsDescribed{StreamsGroupDescribeResponseGroup: g, Coordinator: 2, CoordinatorAddr: "k2:9092"}
}

func TestApplyStreams(t *testing.T) {
	g := &groupInfo{Name: "wc", Type: "streams"}
	applyStreams(g, streamsFixture())
	if g.State != "Stable" || g.Assignor != "streams" || g.Coordinator != 2 || g.Streams.TopologyEpoch != 2 || g.Streams.Epoch != 7 {
		t.Errorf("group: %+v", g)
	}
	if ids := []string{g.Members[0].MemberID, g.Members[1].MemberID}; !reflect.DeepEqual(ids, []string{"m-a", "m-b"}) {
		t.Errorf("members not sorted: %v", ids)
	}
	// m-b's active tasks read words/0,1 (sub-topology 0) and the repartition topic's partition 0.
	want := map[string][]int32{"words": {0, 1}, "wc-counts-repartition": {0}}
	if got := g.Members[1].Assigned; !reflect.DeepEqual(got, want) {
		t.Errorf("assigned: %v, want %v", got, want)
	}
	if got := g.Streams.internalTopics(); !reflect.DeepEqual(got, []string{"wc-counts-changelog", "wc-counts-repartition"}) {
		t.Errorf("internal topics: %v", got)
	}
	if g.Streams.Subtopologies[0].ID != "0" {
		t.Errorf("sub-topologies not sorted: %+v", g.Streams.Subtopologies)
	}
}

func TestWriteStreamsDescribe(t *testing.T) {
	g := &groupInfo{Name: "wc", Type: "streams"}
	applyStreams(g, streamsFixture())
	d := DescribedGroup{Group: "wc", Type: "streams", State: g.State, Assignor: g.Assignor, Coordinator: 2, CoordinatorAddr: "k2:9092",
		Members: g.Members, Streams: g.Streams, Partitions: []PartitionLag{{Topic: "words", Partition: 0, CurrentOffset: ptr(int64(3)), LogEndOffset: ptr(int64(5)), Lag: ptr(int64(2)), ConsumerID: "m-b", Host: "/10.0.0.2", ClientID: "wc-1"}}}
	var b strings.Builder
	err := output.Printer{Format: output.Table}.Print(&b, []DescribedGroup{d}, func(tx *output.Text) error { return writeDescribe(tx, []DescribedGroup{d}, true) })
	if err != nil {
		t.Fatal(err)
	}
	want := "Group wc: streams, Stable, assignor streams, coordinator 2 (k2:9092), 2 members, total lag 0\n" +
		"GROUP   TOPIC   PARTITION   CURRENT-OFFSET   LOG-END-OFFSET   LAG   CONSUMER-ID   HOST        CLIENT-ID\n" +
		"wc      words   0           3                5                2     m-b           /10.0.0.2   wc-1\n" +
		"\n" +
		"GROUP   MEMBER-ID   PROCESS-ID   CLIENT-ID   HOST        ACTIVE-TASKS   STANDBY-TASKS   WARMUP-TASKS\n" +
		"wc      m-a         p2           wc-2        /10.0.0.3   1:1            -               1:0\n" +
		"wc      m-b         p1           wc-1        /10.0.0.2   0:0,1 1:0      1:1             -\n" +
		"\n" +
		"GROUP   SUBTOPOLOGY   SOURCE-TOPICS   REPARTITION-SOURCE      REPARTITION-SINK        CHANGELOGS\n" +
		"wc      0             words           -                       wc-counts-repartition   -\n" +
		"wc      1             -               wc-counts-repartition   -                       wc-counts-changelog\n"
	if got := b.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// delete --include-internal-topics: a dry run names the topics a streams group would take
// with it; other groups and refused ones are left alone.
func TestDeleteInternalTopicsDryRun(t *testing.T) {
	wc := &groupInfo{Name: "wc", Type: "streams"}
	applyStreams(wc, streamsFixture())
	other := &groupInfo{Name: "c", Type: "consumer"}
	results := []DeleteResult{{Group: "wc", DryRun: true}, {Group: "c", DryRun: true}}
	deleteInternalTopics(context.Background(), nil, []*groupInfo{wc, other}, results)
	if !reflect.DeepEqual(results[0].InternalTopics, []string{"wc-counts-changelog", "wc-counts-repartition"}) || results[1].InternalTopics != nil {
		t.Errorf("results: %+v", results)
	}
	_, row := deleteRow(results[0])
	if row[1] != "would be deleted (dry run); would delete 2 internal topics: wc-counts-changelog, wc-counts-repartition" {
		t.Errorf("row %q", row[1])
	}
}
