package compat

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"
)

func TestOffsetRules(t *testing.T) {
	s := getOffsetsScript()
	parse := func(line string) []partitionRule {
		p, err := Parse(s.Options, strings.Fields(line))
		if err != nil {
			t.Fatal(err)
		}
		rules, err := offsetRules(p)
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		return rules
	}
	allows := func(rules []partitionRule, topic string, p int32) bool {
		for _, r := range rules {
			if r.allows(topic, p) {
				return true
			}
		}
		return false
	}
	r := parse("--topic-partitions orders:1,audit:3-5,logs:7-,:-2")
	for _, c := range []struct {
		topic string
		p     int32
		want  bool
	}{{"orders", 1, true}, {"orders", 2, false}, {"audit", 3, true}, {"audit", 5, false}, {"logs", 99, true}, {"any", 1, true}, {"any", 2, false}} {
		if got := allows(r, c.topic, c.p); got != c.want {
			t.Errorf("%s:%d = %v, want %v", c.topic, c.p, got, c.want)
		}
	}
	r = parse("--topic ord.* --partitions 0,2")
	if !allows(r, "orders", 2) || allows(r, "orders", 1) || allows(r, "audit", 0) {
		t.Error("--topic --partitions")
	}
	p, _ := Parse(s.Options, []string{"--topic", "t", "--topic-partitions", "t:1"})
	if _, err := offsetRules(p); err == nil || err.Error() != "--topic-partitions cannot be used with --topic or --partitions" {
		t.Errorf("both: %v", err)
	}
	p, _ = Parse(s.Options, []string{"--partitions", "x"})
	if _, err := offsetRules(p); err == nil || !strings.Contains(err.Error(), "numeric partition ids") {
		t.Errorf("bad partitions: %v", err)
	}
}

func TestOffsetTime(t *testing.T) {
	for in, want := range map[string]int64{"": -1, "latest": -1, "-1": -1, "earliest": -2, "-2": -2, "max-timestamp": -3, "1700000000000": 1700000000000} {
		if got, err := offsetTime(in); err != nil || got != want {
			t.Errorf("%q = %d %v, want %d", in, got, err, want)
		}
	}
	if _, err := offsetTime("yesterday"); err == nil || !strings.HasPrefix(err.Error(), "Malformed time argument yesterday.") {
		t.Errorf("bad time: %v", err)
	}
}

// GetOffsetShell sorts by "topic-partition" as text: t-10 before t-2.
func TestGetOffsetsOrder(t *testing.T) {
	lines := []string{"t:2:5", "t:10:7", "t:1:0", "s:3:1"}
	sort.Slice(lines, func(i, j int) bool { return tpString(lines[i]) < tpString(lines[j]) })
	if got := strings.Join(lines, " "); got != "s:3:1 t:1:0 t:10:7 t:2:5" {
		t.Fatalf("order %s", got)
	}
}

func TestQuorumViews(t *testing.T) {
	voter := func(id int32, leo, caught int64) kmsg.DescribeQuorumResponseTopicPartitionReplicaState {
		return kmsg.DescribeQuorumResponseTopicPartitionReplicaState{ReplicaID: id, LogEndOffset: leo, LastFetchTimestamp: caught, LastCaughtUpTimestamp: caught}
	}
	q := quorum{part: kmsg.DescribeQuorumResponseTopicPartition{LeaderID: 1, LeaderEpoch: 3, HighWatermark: 90,
		CurrentVoters: []kmsg.DescribeQuorumResponseTopicPartitionReplicaState{voter(1, 100, 5000), voter(2, 95, 4000), voter(3, 100, 5000)}},
		nodes: map[int32][]kmsg.DescribeQuorumResponseNodeListener{1: {{Name: "CONTROLLER", Host: "h1", Port: 9093}}}}
	want := "ClusterId:              c\nLeaderId:               1\nLeaderEpoch:            3\nHighWatermark:          90\n" +
		"MaxFollowerLag:         5\nMaxFollowerLagTimeMs:   1000\n" +
		`CurrentVoters:          [{"id": 1, "endpoints": ["CONTROLLER://h1:9093"]}, {"id": 2}, {"id": 3}]` + "\nCurrentObservers:       []"
	if got := quorumStatus(q, "c"); got != want {
		t.Fatalf("status:\n%s\nwant\n%s", got, want)
	}
	rep := quorumReplication(q, false, time.UnixMilli(6000))
	if !strings.HasPrefix(rep, "NodeId\tDirectoryId           \tLogEndOffset\tLag\tLastFetchTimestamp\tLastCaughtUpTimestamp\tStatus  \t\n1     \t") ||
		!strings.Contains(rep, "\t5  \t4000              \t4000                 \tFollower\t\n") {
		t.Fatalf("replication:\n%q", rep)
	}
	if got := quorumTime(4000, true, time.UnixMilli(6000)); got != "2000 ms ago" {
		t.Fatalf("human: %s", got)
	}
}

func TestParseOffsetJSON(t *testing.T) {
	got, err := parseOffsetJSON([]byte(`{"partitions": [{"topic": "t", "partition": 1, "offset": 5}, {"topic": "t", "partition": 2, "offset": -1}]}`))
	if err != nil || len(got) != 2 || got[1].Offset != -1 {
		t.Fatalf("got %v %v", got, err)
	}
	for in, want := range map[string]string{
		`{"version": 2, "partitions": []}`: "Not supported version field value 2",
		`{"version": 1}`:                   "Missing partitions field",
		`{"partitions": [{"topic": "t", "partition": 0, "offset": 1}, {"topic": "t", "partition": 0, "offset": 2}]}`: "Offset json file contains duplicate topic partitions: t-0",
		`not json`: "not valid JSON",
	} {
		if _, err := parseOffsetJSON([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", in, err, want)
		}
	}
}
