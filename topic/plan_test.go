package topic

import (
	"reflect"
	"testing"
)

func TestComputePlan(t *testing.T) {
	onTopic := func(v string) ActualConfig { return ActualConfig{Value: v, OnTopic: true} }
	inherited := func(v string) ActualConfig { return ActualConfig{Value: v} }
	actual := map[string]ActualTopic{
		"orders": {Name: "orders", Partitions: 3, ReplicationFactor: 3, Configs: map[string]ActualConfig{
			"retention.ms": onTopic("1000"), "cleanup.policy": inherited("delete"), "segment.bytes": onTopic("1048576"), "min.insync.replicas": inherited("2"),
		}},
		"legacy":             {Name: "legacy", Partitions: 12, ReplicationFactor: 2, Configs: map[string]ActualConfig{}},
		"stray":              {Name: "stray", Partitions: 1, ReplicationFactor: 3},
		"__consumer_offsets": {Name: "__consumer_offsets", Partitions: 50, ReplicationFactor: 3, Internal: true},
	}
	tests := []struct {
		name    string
		desired []TopicSpec
		opts    planOptions
		want    []Action
	}{
		{
			name:    "in sync: effective values count wherever they are set",
			desired: []TopicSpec{{Name: "orders", Partitions: 3, ReplicationFactor: 3, Configs: map[string]string{"retention.ms": "1000", "cleanup.policy": "delete", "min.insync.replicas": "2"}}},
			want:    nil,
		},
		{
			name:    "omitted partitions and rf are not compared",
			desired: []TopicSpec{{Name: "legacy"}},
			want:    nil,
		},
		{
			name: "create, grow, set",
			desired: []TopicSpec{
				{Name: "new", Partitions: 6, ReplicationFactor: 3, Configs: map[string]string{"retention.ms": "5", "cleanup.policy": "compact"}},
				{Name: "orders", Partitions: 6, Configs: map[string]string{"retention.ms": "2000", "cleanup.policy": "compact", "max.message.bytes": "2097152"}},
				{Name: "plain"},
			},
			want: []Action{
				{Topic: "new", Action: actCreate, Detail: "6 partitions, replication factor 3, cleanup.policy=compact, retention.ms=5", Partitions: 6, ReplicationFactor: 3, Configs: map[string]string{"retention.ms": "5", "cleanup.policy": "compact"}},
				{Topic: "orders", Action: actAddPartitions, From: "3", To: "6", Partitions: 6, Detail: "partitions 3 -> 6"},
				{Topic: "orders", Action: actSetConfig, Key: "cleanup.policy", From: "delete", To: "compact", Detail: "cleanup.policy: delete -> compact"},
				{Topic: "orders", Action: actSetConfig, Key: "max.message.bytes", From: "(unset)", To: "2097152", Detail: "max.message.bytes: (unset) -> 2097152"},
				{Topic: "orders", Action: actSetConfig, Key: "retention.ms", From: "1000", To: "2000", Detail: "retention.ms: 1000 -> 2000"},
				{Topic: "plain", Action: actCreate, Detail: "default partitions, default replication factor"},
			},
		},
		{
			name:    "prune configs unsets only configs set on the topic",
			desired: []TopicSpec{{Name: "orders", Configs: map[string]string{"retention.ms": "1000"}}},
			opts:    planOptions{PruneConfigs: true},
			want:    []Action{{Topic: "orders", Action: actUnsetConfig, Key: "segment.bytes", From: "1048576", Detail: "segment.bytes: 1048576 -> (default)"}},
		},
		{
			name:    "refusals: fewer partitions, rf above brokers; another replication factor is a reassignment",
			desired: []TopicSpec{{Name: "legacy", Partitions: 6, ReplicationFactor: 3}, {Name: "big", ReplicationFactor: 5}, {Name: "orders", ReplicationFactor: 4}},
			opts:    planOptions{Brokers: brokerState{Registered: []int32{1, 2, 3}}},
			want: []Action{
				{Topic: "big", Action: actRefuse, Detail: "replication factor 5 is more than the 3 brokers in the cluster: use replication_factor: 3 or less"},
				{Topic: "legacy", Action: actRefuse, From: "12", To: "6", Detail: "partitions 12 -> 6: Kafka cannot remove partitions; set partitions: 12 in the file, or create a new topic and copy the data"},
				{Topic: "legacy", Action: actReplicationFactor, From: "2", To: "3", Detail: "replication factor 2 -> 3 (reassignment: copies the data to new replicas)"},
				{Topic: "orders", Action: actRefuse, From: "3", To: "4", Detail: "replication factor 4 is more than the 3 brokers in the cluster: use replication_factor: 3 or less"},
			},
		},
		{
			name:    "a lower replication factor removes replicas",
			desired: []TopicSpec{{Name: "orders", ReplicationFactor: 2}},
			want:    []Action{{Topic: "orders", Action: actReplicationFactor, From: "3", To: "2", Detail: "replication factor 3 -> 2 (reassignment: removes replicas)"}},
		},
		{
			// issue 17 #17: a stopped broker is still one of the cluster's brokers.
			name:    "rf above the available brokers names the unavailable one",
			desired: []TopicSpec{{Name: "new", ReplicationFactor: 3}},
			opts:    planOptions{Brokers: brokerState{Registered: []int32{1, 2, 3}, Down: []int32{3}}},
			want: []Action{
				{Topic: "new", Action: actRefuse, Detail: "replication factor 3 needs 3 available brokers, but the cluster has 3 brokers, 1 unavailable (broker 3): start it again, or use replication_factor: 2 or less"},
			},
		},
		{
			// issue 17 #7: Kafka refuses my_topic beside my.topic; the plan must say so.
			name:    "a name colliding with an existing topic is refused",
			desired: []TopicSpec{{Name: "my_topic"}},
			opts:    planOptions{Existing: []string{"my.topic", "orders"}},
			want: []Action{
				{Topic: "my_topic", Action: actRefuse, Detail: "collides with the existing topic \"my.topic\": Kafka treats '.' and '_' as the same character in topic names and refuses it"},
			},
		},
		{
			// issue 17 #6: above the controller's 10,000 records per request Kafka half-applies.
			name:    "growth and creates above the controller's limit are refused",
			desired: []TopicSpec{{Name: "orders", Partitions: 10004}, {Name: "huge", Partitions: 10000}, {Name: "fits", Partitions: 9998, Configs: map[string]string{"retention.ms": "1"}}},
			want: []Action{
				{Topic: "fits", Action: actCreate, Partitions: 9998, Configs: map[string]string{"retention.ms": "1"}, Detail: "9998 partitions, default replication factor, retention.ms=1"},
				{Topic: "huge", Action: actRefuse, Detail: "10000 partitions and 0 configs are more than Kafka's controller accepts in one request (10000 records: one per topic, partition and config): create it with at most 9999 partitions and add the rest with 'kafkit topic alter --partitions'"},
				{Topic: "orders", Action: actRefuse, From: "3", To: "10004", Detail: "partitions 3 -> 10004 adds 10001 partitions; Kafka's controller accepts at most 10000 new partitions in one request (above that it fails with UNKNOWN_SERVER_ERROR after adding some, and partitions cannot be removed): grow in steps, e.g. --partitions 10003 first"},
			},
		},
		{
			name:    "prune topics never deletes internal topics",
			desired: []TopicSpec{{Name: "orders"}, {Name: "legacy"}},
			opts:    planOptions{PruneTopics: true},
			want:    []Action{{Topic: "stray", Action: actDeleteTopic, Detail: "not in the file (1 partition, replication factor 3)"}},
		},
		{
			name:    "without prune, absent topics stay",
			desired: []TopicSpec{},
			want:    nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := computePlan(tt.desired, actual, tt.opts)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("computePlan =\n%#v\nwant\n%#v", got, tt.want)
			}
		})
	}
}

func TestPlanCounts(t *testing.T) {
	c, r := planCounts([]Action{{Action: actCreate}, {Action: actRefuse}, {Action: actSetConfig}})
	if c != 2 || r != 1 {
		t.Fatalf("planCounts = %d, %d", c, r)
	}
}

func TestExportYAMLRoundTrip(t *testing.T) {
	topics := []ActualTopic{
		{Name: "a", Partitions: 3, ReplicationFactor: 2, Configs: map[string]ActualConfig{"retention.ms": {Value: "1000", OnTopic: true}, "cleanup.policy": {Value: "delete"}, "preallocate": {Value: "true", OnTopic: true}}},
		{Name: "b", Partitions: 1, ReplicationFactor: 1},
	}
	data, err := exportYAML(topics)
	if err != nil {
		t.Fatal(err)
	}
	want := `topics:
  - name: a
    partitions: 3
    replication_factor: 2
    configs:
      preallocate: "true"
      retention.ms: "1000"
  - name: b
    partitions: 1
    replication_factor: 1
`
	if string(data) != want {
		t.Fatalf("exportYAML =\n%s\nwant\n%s", data, want)
	}
	specs, err := parseSpec("x", data)
	if err != nil {
		t.Fatal(err)
	}
	actual := map[string]ActualTopic{"a": topics[0], "b": topics[1]}
	if plan := computePlan(specs, actual, planOptions{PruneConfigs: true}); len(plan) != 0 {
		t.Fatalf("export -> apply plan is not empty: %+v", plan)
	}
	empty, _ := exportYAML(nil)
	if string(empty) != "topics: []\n" {
		t.Fatalf("empty export = %q", empty)
	}
}
