package compat

import (
	"reflect"
	"strings"
	"testing"
)

func TestCheckTopicsArgs(t *testing.T) {
	tests := []struct {
		args, action, msg string
	}{
		{"--list", "list", ""},
		{"--describe --topic t --under-replicated-partitions", "describe", ""},
		{"--create --topic t --partitions 3 --replication-factor 2 --config a=b", "create", ""},
		{"--bootstrap-server b", "", "Command must include exactly one action: --list, --describe, --create, --alter or --delete"},
		{"--list --describe", "", "Command must include exactly one action: --list, --describe, --create, --alter or --delete"},
		{"--create --partitions 1", "", `Missing required argument "[topic]"`},
		{"--alter --topic t", "", `Missing required argument "[partitions]"`},
		{"--alter --topic t --partitions 2 --config a=b", "", `Option combination "[bootstrap-server, config]" can't be used with option "[alter]" (To alter topic configurations, the kafka-configs tool can be used.)`},
		{"--alter --topic t --partitions 2 --replication-factor 2", "", `Option "[replication-factor]" can't be used with option "[alter]"`},
		{"--list --if-not-exists", "", `Option "[if-not-exists]" can't be used with option "[list]"`},
		{"--create --topic t --replica-assignment 1:2 --partitions 1", "", `Option "[replica-assignment]" can't be used with option "[partitions]"`},
		{"--describe --topics-with-overrides --at-min-isr-partitions", "", `Option "[at-min-isr-partitions]" can't be used with option "[topics-with-overrides]"`},
		{"--describe --if-exists", "", "--topic or --topic-id is required to describe a topic"},
	}
	s := topicsScript()
	for _, tt := range tests {
		p, err := Parse(s.Options, strings.Fields(tt.args))
		if err != nil {
			t.Fatalf("%q: %v", tt.args, err)
		}
		action, msg := checkTopicsArgs(p)
		if msg != tt.msg || (msg == "" && action != tt.action) {
			t.Errorf("%q: %q %q, want %q %q", tt.args, action, msg, tt.action, tt.msg)
		}
	}
}

func TestParseJavaAssignment(t *testing.T) {
	got, err := parseJavaAssignment("1:2,2:3, 3 :1")
	if err != nil || !reflect.DeepEqual(got, [][]int32{{1, 2}, {2, 3}, {3, 1}}) {
		t.Fatalf("got %v %v", got, err)
	}
	for in, want := range map[string]string{
		"1:1":   "Partition replica lists may not contain duplicate entries: 1",
		"1:2,3": "Partition 1 has different replication factor: [3]",
		"1:x":   `For input string: "x"`,
	} {
		if _, err := parseJavaAssignment(in); err == nil || err.Error() != want {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}

func TestSelectTopicsIncludeList(t *testing.T) {
	re, err := includeList(` "orders.*, audit" `)
	if err != nil {
		t.Fatal(err)
	}
	got := selectTopics([]string{"orders-2", "audit", "audit-x", "__consumer_offsets", "orders-1"}, re, false)
	if !reflect.DeepEqual(got, []string{"audit", "orders-1", "orders-2"}) {
		t.Fatalf("got %v", got)
	}
	if got := selectTopics([]string{"b", "__consumer_offsets", "a"}, nil, true); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Fatalf("exclude internal: %v", got)
	}
	if _, err := includeList("("); err == nil || err.Error() != "( is an invalid regex." {
		t.Fatalf("bad regex: %v", err)
	}
}

func TestPartitionLine(t *testing.T) {
	td := describedTopic{Name: "t"}
	p := describedPartition{Partition: 0, Leader: -1, Replicas: []int32{1, 2}, ISR: []int32{}, ELRKnown: false}
	if got := partitionLine(td, p); got != "\tTopic: t\tPartition: 0\tLeader: none\tReplicas: 1,2\tIsr: \tElr: N/A\tLastKnownElr: N/A" {
		t.Fatalf("got %q", got)
	}
}

func TestLookup(t *testing.T) {
	for _, name := range []string{"kafka-topics.sh", "kafka-topics", "/opt/bitnami/kafka/bin/kafka-topics.sh"} {
		if s, ok := Lookup(name); !ok || s.Name != "kafka-topics.sh" {
			t.Errorf("Lookup(%q) = %v %v", name, s, ok)
		}
	}
	if _, ok := Lookup("kafkit"); ok {
		t.Error("kafkit is no script")
	}
}
