package compat

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/group"
	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/testkit"
)

// Checked against Kafka 4.4.0's StreamsGroupCommand (its first stderr line).
func TestStreamsArgs(t *testing.T) {
	for _, c := range []struct{ args, want string }{
		{"--describe", "Option [describe] takes one of these options: [all-groups], [group]"},
		{"--describe --group g --members --state", "Option [describe] takes at most one of these options: [members], [offsets], [state], [topology]"},
		{"--describe --group g --state=Stable", "Option [describe] does not take a value for [state]"},
		{"--members --verbose --group g", "Option(s) [members, verbose] are unavailable given other options on the command line"},
		{"--list --describe --group g", `Option "[group]" can't be used with option "[list]"`},
		{"--delete", "Option [delete] takes one of these options: [all-groups], [group]"},
		{"--delete --group g --all-input-topics", "Kafka Streams does not support topic-specific offset deletion from a streams group."},
		{"--delete-offsets --group g", "Option [delete-offsets] takes the [group] and one of these options: [all-input-topics], [input-topic]"},
		{"--delete-offsets --group g --group h --all-input-topics", "Option [delete-offsets] supports only one [group] at a time, but found: [g, h]"},
		{"--reset-offsets --group g --to-earliest", "Option [reset-offsets] takes the option: [execute] or [dry-run]"},
		{"--reset-offsets --group g --to-earliest --to-latest --dry-run", `Option "[to-earliest]" can't be used with option "[to-latest]"`},
		{"--reset-offsets --group g --dry-run --execute", "Option [reset-offsets] only accepts one of [execute] and [dry-run]"},
		{"--reset-offsets --group g --to-earliest --dry-run --delete-all-internal-topics", "Option [delete-all-internal-topics] takes [execute] when [reset-offsets] is used."},
		{"--describe --group g --delete-internal-topic x", "Option [delete-internal-topic] takes [reset-offsets] when [execute] is used."},
		{"--list --dry-run", "Only Option [reset-offsets] accepts [execute] or [dry-run]"},
		{"--reset-offsets --group g --to-offset x --dry-run --all-input-topics", "Cannot parse argument 'x' of option to-offset"},
		{"--list --by-duration a --by-duration b", "Found multiple arguments for option by-duration, but you asked for only one"},
		{"--list --describe --all-groups", "Command must include exactly one action: --list, --describe, --delete, --reset-offsets, or --delete-offsets."},
		{"--describe --group g --members --verbose", ""},
		{"--reset-offsets --all-groups --to-offset 1 --to-offset 2 --execute --all-input-topics --delete-all-internal-topics", ""},
	} {
		p, err := Parse(streamsGroupsScript().Options, strings.Fields(c.args))
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if u := streamsArgs(p); u != nil {
			got = u.msg
		}
		if got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.args, got, c.want)
		}
	}
}

// streamsFixture is a running word-count group: sub-topology 0 reads words, 1 reads the
// repartition topic and owns a changelog.
func streamsFixture() group.StreamsDescription {
	info := func(t string) kmsg.TopicInfo { i := kmsg.NewTopicInfo(); i.Topic = t; return i }
	sub0 := kmsg.NewStreamsGroupDescribeResponseGroupTopologySubtopology()
	sub0.SubtopologyID, sub0.SourceTopics = "0", []string{"words"}
	sub1 := kmsg.NewStreamsGroupDescribeResponseGroupTopologySubtopology()
	sub1.SubtopologyID = "1"
	sub1.RepartitionSourceTopics = []kmsg.TopicInfo{info("wc-counts-repartition")}
	sub1.StateChangelogTopics = []kmsg.TopicInfo{info("wc-counts-changelog"), info("shared-changelog")}
	g := kmsg.NewStreamsGroupDescribeResponseGroup()
	g.Group, g.State, g.Epoch, g.AssignmentEpoch = "wc", "Stable", 5, 4
	g.Topology = &kmsg.StreamsGroupDescribeResponseGroupTopology{Epoch: 0, Subtopologies: []kmsg.StreamsGroupDescribeResponseGroupTopologySubtopology{sub0, sub1}}
	m := kmsg.NewStreamsGroupDescribeResponseGroupMember()
	m.MemberID, m.ClientID, m.ProcessID, m.MemberEpoch = "member-1", "wc-client", "process-1", 4
	m.Assignment.ActiveTasks = []kmsg.TaskIDs{{SubtopologyID: "0", Partitions: []int32{0, 1}}, {SubtopologyID: "1", Partitions: []int32{0, 1}}}
	m.TargetAssignment.ActiveTasks = m.Assignment.ActiveTasks
	g.Members = []kmsg.StreamsGroupDescribeResponseGroupMember{m}
	name := "sticky"
	g.AssignorName = &name
	return group.StreamsDescription{StreamsGroupDescribeResponseGroup: g, Coordinator: 2, CoordinatorAddr: "127.0.0.1:19094"}
}

func streamsTestEnv() (*Env, *bytes.Buffer) {
	var out bytes.Buffer
	return &Env{IO: &cmdutil.IOStreams{Out: &out, ErrOut: &out}}, &out
}

func TestPrintStreamsMembersAndState(t *testing.T) {
	d := streamsFixture()
	e, out := streamsTestEnv()
	printStreamsMembers(e, d, false)
	printStreamsMembers(e, d, true)
	printStreamsState(e, d, false)
	printStreamsState(e, d, true)
	want := "" +
		"GROUP           MEMBER          PROCESS         CLIENT-ID       ASSIGNMENTS\n" +
		"wc              member-1        process-1       wc-client       ACTIVE: 0:[0,1]; 1:[0,1]; \n" +
		"GROUP           TARGET-ASSIGNMENT-EPOCH   TOPOLOGY-EPOCH MEMBER          MEMBER-PROTOCOL MEMBER-EPOCH    PROCESS         CLIENT-ID       ASSIGNMENTS\n" +
		"wc              4                         0              member-1        streams         4               process-1       wc-client       ACTIVE: 0:[0,1]; 1:[0,1]; TARGET-ACTIVE: 0:[0,1]; 1:[0,1]; \n" +
		"GROUP           COORDINATOR (ID)          ASSIGNOR        STATE                     #MEMBERS\n" +
		"wc              127.0.0.1:19094 (2)       sticky          Stable                    1\n" +
		"GROUP           COORDINATOR (ID)          ASSIGNOR        STATE                     GROUP-EPOCH     TARGET-ASSIGNMENT-EPOCH   #MEMBERS\n" +
		"wc              127.0.0.1:19094 (2)       sticky          Stable                    5               4                         1\n"
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
	// Stopped: no members, nothing for --members; --state says so first.
	d.State, d.Members = "Empty", nil
	out.Reset()
	printStreamsMembers(e, d, false)
	printStreamsState(e, d, false)
	if !strings.HasPrefix(out.String(), "\nError: Streams group 'wc' has no active members.\nGROUP ") || !strings.HasSuffix(out.String(), "Empty                     0\n") {
		t.Errorf("empty group:\n%q", out)
	}
}

func TestStreamsOffsetView(t *testing.T) {
	d := streamsFixture()
	tps, err := streamsActivePartitions(d)
	if err != nil || len(tps) != 4 {
		t.Fatalf("%v %v", tps, err)
	}
	start, end := kadm.ListedOffsets{}, kadm.ListedOffsets{}
	commits := kadm.OffsetResponses{}
	for _, k := range tps {
		for _, lo := range []struct {
			m kadm.ListedOffsets
			o int64
		}{{start, 1}, {end, 10}} {
			if lo.m[k.topic] == nil {
				lo.m[k.topic] = map[int32]kadm.ListedOffset{}
			}
			lo.m[k.topic][k.partition] = kadm.ListedOffset{Topic: k.topic, Partition: k.partition, Offset: lo.o}
		}
	}
	commits.Add(kadm.OffsetResponse{Offset: kadm.Offset{Topic: "words", Partition: 1, At: 7, LeaderEpoch: 3}})
	rows, err := streamsOffsetView(tps, start, end, commits)
	if err != nil {
		t.Fatal(err)
	}
	e, out := streamsTestEnv()
	printStreamsOffsets(e, d, rows, false)
	printStreamsOffsets(e, d, rows, true)
	// A java.util.HashMap of these TopicPartitions iterates in this order (checked with Java 17).
	want := "" +
		"GROUP           TOPIC                 PARTITION  OFFSET-LAG\n" +
		"wc              wc-counts-repartition 0          9\n" +
		"wc              words                 1          3\n" +
		"wc              wc-counts-repartition 1          9\n" +
		"wc              words                 0          9\n" +
		"GROUP           TOPIC                 PARTITION  CURRENT-OFFSET  LEADER-EPOCH    LOG-END-OFFSET  OFFSET-LAG     \n" +
		"wc              wc-counts-repartition 0          -               -               10              9              \n" +
		"wc              words                 1          7               3               10              3              \n" +
		"wc              wc-counts-repartition 1          -               -               10              9              \n" +
		"wc              words                 0          -               -               10              9              \n"
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
}

func TestJavaOrders(t *testing.T) {
	// java.util.HashMap<String,?> with "b", "a", "c": one bucket each, in hash order.
	if got := strings.Join(javaStringOrder([]string{"c", "a", "b", "a"}), ","); got != "a,b,c" {
		t.Errorf("string order: %s", got)
	}
	// Checked with Java 17: new HashMap of app-1, app-10, app-2 iterates app-10, app-2, app-1.
	if got := strings.Join(javaStringOrder([]string{"app-1", "app-2", "app-10"}), ","); got != "app-10,app-2,app-1" {
		t.Errorf("string order: %s", got)
	}
}

func TestStreamsInternalTopics(t *testing.T) {
	topics, errs := streamsGroupInternal(streamsFixture())
	if strings.Join(topics, ",") != "wc-counts-repartition,wc-counts-changelog" ||
		len(errs) != 1 || errs[0] != "Error: The internal topic 'shared-changelog' is not inferred as internal and thus will not be deleted with the group 'wc'." {
		t.Errorf("%v %v", topics, errs)
	}
}

func TestJavaTopicPartitions(t *testing.T) {
	if got, err := javaTopicPartitions("t:0,2"); err != nil || len(got) != 2 || got[1] != (tpKey{"t", 2}) {
		t.Errorf("%v %v", got, err)
	}
	for arg, want := range map[string]string{
		"t:x":   "Invalid partition 'x' specified in topic arg 't:x''",
		"t:0:1": "Invalid topic arg 't:0:1', expected topic name and partitions",
		"t:":    "Invalid topic arg 't:', expected topic name and partitions",
	} {
		if _, err := javaTopicPartitions(arg); err == nil || err.Error() != want {
			t.Errorf("%s: %v, want %s", arg, err, want)
		}
	}
}

func TestFormatStreamsTopology(t *testing.T) {
	sink := "out"
	node := func(name string, typ int8, succ ...string) kmsg.TopologyDescriptionNode {
		return kmsg.TopologyDescriptionNode{Name: name, NodeType: typ, Successors: succ}
	}
	src := node("KSTREAM-SOURCE-0000000000", 0, "KSTREAM-MAP-0000000001")
	src.SourceTopics = []string{"in"}
	proc := node("KSTREAM-MAP-0000000001", 1, "KSTREAM-SINK-0000000002")
	proc.Stores = []string{"counts"}
	snk := node("KSTREAM-SINK-0000000002", 2)
	snk.SinkTopic = &sink
	got := formatStreamsTopology(kmsg.StreamsGroupDescribeResponseGroupTopologyDescription{
		Subtopologies: []kmsg.TopologyDescriptionSubtopology{{SubtopologyID: "0", Nodes: []kmsg.TopologyDescriptionNode{src, proc, snk}}}})
	want := "Topologies:\n   Sub-topology: 0\n" +
		"    Source: KSTREAM-SOURCE-0000000000 (topics: [in])\n      --> KSTREAM-MAP-0000000001\n" +
		"    Processor: KSTREAM-MAP-0000000001 (stores: [counts])\n      --> KSTREAM-SINK-0000000002\n      <-- KSTREAM-SOURCE-0000000000\n" +
		"    Sink: KSTREAM-SINK-0000000002 (topic: out)\n      <-- KSTREAM-MAP-0000000001\n\n"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// On kfake (no streams groups): --delete refuses a group that is not a streams group before
// any request, as the Java tool's pre-checks do, and exits 1; --list prints nothing.
func TestStreamsScriptOnKfake(t *testing.T) {
	c := testkit.Cluster(t, kfake.SeedTopics(1, "orders"))
	script := func(args ...string) (string, error) {
		env := testkit.Factory(t, c)
		s, _ := Lookup("kafka-streams-groups.sh")
		err := RunScript(context.Background(), env.F, s, append([]string{"--bootstrap-server", strings.Join(c.ListenAddrs(), ",")}, args...), nil)
		return env.Out.String(), err
	}
	out, err := script("--delete", "--group", "nope", "--group", "nope")
	want := "\nError: Deletion of some streams groups failed:\n* Group 'nope' could not be deleted due to: java.lang.IllegalArgumentException: Group 'nope' does not exist or is not a streams group.\n"
	if err == nil || out != want {
		t.Errorf("delete: %v\n%q", err, out)
	}
	if out, err := script("--list"); err != nil || out != "" {
		t.Errorf("list: %v %q", err, out)
	}
	// Its behaviour is Kafka 4.4's StreamsGroupCommand, so --version says 4.4.0, not KafkaVersion.
	if out, err := script("--version"); err != nil || out != "4.4.0\n" {
		t.Errorf("--version: %v %q", err, out)
	}
}

// Two partitions in one bucket keep their insertion order (the tasks' order), as Java's
// HashSet of the active tasks' partitions does (checked with Java 17 on these names).
func TestJavaTPOrderTies(t *testing.T) {
	app := "sgc-testgroupsstreamscompat-551345854-9790"
	in, rep := app+"-in", app+"-counts-repartition"
	got := javaTPOrder([]tpKey{{in, 0}, {in, 1}, {rep, 0}, {rep, 1}})
	want := []tpKey{{rep, 1}, {in, 0}, {in, 1}, {rep, 0}}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}
