package topic

import "testing"

// TestObserved says what the cluster shows after a failed action (issue 17 #6: the controller
// half-applied a failed CreatePartitions, and kafkit said nothing about it).
func TestObserved(t *testing.T) {
	actual := map[string]ActualTopic{
		"grown": {Name: "grown", Partitions: 10001, ReplicationFactor: 1},
		"made":  {Name: "made", Partitions: 1, ReplicationFactor: 3},
		"cfg":   {Name: "cfg", Partitions: 1, Configs: map[string]ActualConfig{"retention.ms": {Value: "5", OnTopic: true}, "segment.ms": {Value: "9"}}},
	}
	for _, tt := range []struct {
		a    Action
		want string
	}{
		{Action{Topic: "grown", Action: actAddPartitions, From: "1", To: "10002"}, "10001 partitions"},
		{Action{Topic: "grown", Action: actAddPartitions, From: "10001", To: "10002"}, ""},
		{Action{Topic: "made", Action: actCreate}, "the topic exists (1 partition, replication factor 3)"},
		{Action{Topic: "absent", Action: actCreate}, ""},
		{Action{Topic: "cfg", Action: actSetConfig, Key: "retention.ms", From: "1", To: "5"}, "retention.ms=5"},
		{Action{Topic: "cfg", Action: actSetConfig, Key: "retention.ms", From: "1", To: "7"}, ""},
		{Action{Topic: "cfg", Action: actUnsetConfig, Key: "segment.ms", From: "3"}, "segment.ms back at its default (9)"},
		{Action{Topic: "gone", Action: actDeleteTopic}, "the topic is gone"},
		{Action{Topic: "made", Action: actDeleteTopic}, ""},
	} {
		if got := observed(tt.a, actual); got != tt.want {
			t.Errorf("%s %s: %q, want %q", tt.a.Topic, tt.a.what(), got, tt.want)
		}
	}
}

// TestRFRefusal is issue 17 #17: with one of three brokers down, RF 3 was refused as "more
// than the 2 brokers in the cluster".
func TestRFRefusal(t *testing.T) {
	all := brokerState{Registered: []int32{1, 2, 3}}
	down := brokerState{Registered: []int32{1, 2, 3}, Down: []int32{3}}
	twoDown := brokerState{Registered: []int32{1, 2, 3}, Down: []int32{1, 3}}
	for _, tt := range []struct {
		b    brokerState
		rf   int
		want string
	}{
		{all, 3, ""},
		{all, -1, ""},
		{brokerState{}, 9, ""},
		{all, 4, "replication factor 4 is more than the 3 brokers in the cluster: use -r 3 or less"},
		{down, 2, ""},
		{down, 3, "replication factor 3 needs 3 available brokers, but the cluster has 3 brokers, 1 unavailable (broker 3): start it again, or use -r 2 or less"},
		{twoDown, 2, "replication factor 2 needs 2 available brokers, but the cluster has 3 brokers, 2 unavailable (brokers 1,3): start them again, or use -r 1 or less"},
	} {
		if got := tt.b.rfRefusal(tt.rf, "-r %d"); got != tt.want {
			t.Errorf("%+v rf %d: %q, want %q", tt.b, tt.rf, got, tt.want)
		}
	}
}
