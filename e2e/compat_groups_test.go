//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
)

// compatGroup makes topic (3 partitions, records on all) and a group "{T}-g" that committed
// offsets on some partitions and is Empty now.
func compatGroup(t *testing.T, topic string) {
	t.Helper()
	compatTopic(3, 1, nil)(t, topic)
	var in string
	for i := range 30 {
		in += string(rune('a'+i%26)) + "," + itoa(i) + "\n"
	}
	MustKafkit(t, in, "produce", topic, "-K", ",")
	MustKafkit(t, "", "consume", topic, "-g", topic+"-g", "-o", "start", "-n", "12")
	MustKafkit(t, "x,1\ny,2\n", "produce", topic, "-K", ",")
}

// compatActiveGroup is compatGroup with a member consuming while the tools describe the group.
func compatActiveGroup(t *testing.T, topic string) {
	t.Helper()
	compatGroup(t, topic)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, binPath, "-b", Brokers(), "consume", topic, "-g", topic+"-g", "--client-id", "compat-member")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	for i := 0; i < 100; i++ {
		r := Kafkit(t, "", "group", "describe", topic+"-g", "-o", "json")
		if r.Code == 0 && containsAll(r.Stdout, `"state": "Stable"`, "compat-member") {
			time.Sleep(500 * time.Millisecond)
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatal("the group did not become Stable")
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
func TestCompatConsumerGroups(t *testing.T) {
	dir := compatLink(t)
	const cg = "kafka-consumer-groups.sh"
	cases := []compatCase{
		{name: "describe-seed", script: cg, args: "--bootstrap-server {B} --group {T}-g --describe", setup: compatGroup, sorted: true},
		{name: "describe-offsets", script: cg, args: "--bootstrap-server {B} --describe --group {T}-g --offsets", setup: compatGroup, sorted: true},
		{name: "describe-members-empty", script: cg, args: "--bootstrap-server {B} --describe --group {T}-g --members", setup: compatGroup},
		{name: "describe-state-empty", script: cg, args: "--bootstrap-server {B} --describe --group {T}-g --state", setup: compatGroup},
		{name: "describe-active", script: cg, args: "--bootstrap-server {B} --describe --group {T}-g", setup: compatActiveGroup, sorted: true},
		{name: "describe-active-members", script: cg, args: "--bootstrap-server {B} --describe --group {T}-g --members", setup: compatActiveGroup, sorted: true},
		{name: "describe-active-state", script: cg, args: "--bootstrap-server {B} --describe --group {T}-g --state", setup: compatActiveGroup},
		{name: "describe-missing", script: cg, args: "--bootstrap-server {B} --describe --group {T}-none", javaExitsZero: true},
		{name: "list", script: cg, args: "--bootstrap-server {B} --list", setup: compatGroup, sorted: true},
		{name: "list-state", script: cg, args: "--bootstrap-server {B} --list --state", setup: compatGroup, sorted: true},
		{name: "list-state-filter", script: cg, args: "--bootstrap-server {B} --list --state Stable", setup: compatActiveGroup, sorted: true},
		{name: "no-action", script: cg, args: "--bootstrap-server {B} --group {T}-g"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runCompatCase(t, dir, c) })
	}
}

// compatOffsetsTopic is a 12-partition topic (so that "t-10" sorts before "t-2", as
// GetOffsetShell sorts) with records on several partitions.
func compatOffsetsTopic(t *testing.T, topic string) {
	t.Helper()
	compatTopic(12, 1, nil)(t, topic)
	var in strings.Builder
	for i := range 200 {
		in.WriteString("k" + itoa(i) + ",v\n")
	}
	MustKafkit(t, in.String(), "produce", topic, "-K", ",")
}

func TestCompatGetOffsets(t *testing.T) {
	dir := compatLink(t)
	const g = "kafka-get-offsets.sh"
	cases := []compatCase{
		{name: "latest", script: g, args: "--bootstrap-server {B} --topic {T}", setup: compatOffsetsTopic},
		{name: "earliest", script: g, args: "--bootstrap-server {B} --topic {T} --time -2", setup: compatOffsetsTopic},
		{name: "earliest-word", script: g, args: "--bootstrap-server {B} --topic {T} --time earliest", setup: compatOffsetsTopic},
		{name: "max-timestamp", script: g, args: "--bootstrap-server {B} --topic {T} --time -3", setup: compatOffsetsTopic},
		{name: "future-time", script: g, args: "--bootstrap-server {B} --topic {T} --time 4102444800000", setup: compatOffsetsTopic},
		{name: "partitions", script: g, args: "--bootstrap-server {B} --topic {T} --partitions 0,2,11", setup: compatOffsetsTopic},
		{name: "topic-partitions-range", script: g, args: "--bootstrap-server {B} --topic-partitions {T}:3-6", setup: compatOffsetsTopic},
		{name: "topic-partitions-list", script: g, args: "--bootstrap-server {B} --topic-partitions {T}:1,{T}:10-", setup: compatOffsetsTopic},
		{name: "regex", script: g, args: "--bootstrap-server {B} --topic {R} --exclude-internal-topics", setup: compatOffsetsTopic},
		{name: "no-match", script: g, args: "--bootstrap-server {B} --topic {T}-none"},
		{name: "bad-time", script: g, args: "--bootstrap-server {B} --topic {T} --time yesterday"},
		{name: "topic-and-topic-partitions", script: g, args: "--bootstrap-server {B} --topic {T} --topic-partitions {T}:1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runCompatCase(t, dir, c) })
	}
}

func TestCompatMetadataQuorum(t *testing.T) {
	dir := compatLink(t)
	const q = "kafka-metadata-quorum.sh"
	cases := []compatCase{
		{name: "status", script: q, args: "--bootstrap-server {B} describe --status", volatile: true},
		{name: "replication", script: q, args: "--bootstrap-server {B} describe --replication", volatile: true},
		{name: "replication-human", script: q, args: "--bootstrap-server={B} describe --replication --human-readable", volatile: true},
		{name: "neither", script: q, args: "--bootstrap-server {B} describe"},
		{name: "human-with-status", script: q, args: "--bootstrap-server {B} describe --status --human-readable"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runCompatCase(t, dir, c) })
	}
}

func TestCompatConfigs(t *testing.T) {
	dir := compatLink(t)
	const c = "kafka-configs.sh"
	retention, policy := "1000000", "compact"
	withConfigs := compatTopic(1, 1, map[string]*string{"retention.ms": &retention, "cleanup.policy": &policy})
	cases := []compatCase{
		{name: "describe", script: c, args: "--bootstrap-server {B} --entity-type topics --entity-name {T} --describe", setup: withConfigs},
		{name: "describe-all", script: c, args: "--bootstrap-server {B} --entity-type topics --entity-name {T} --describe --all", setup: withConfigs},
		{name: "describe-topic-shorthand", script: c, args: "--bootstrap-server {B} --topic {T} --describe", setup: withConfigs},
		{name: "describe-no-overrides", script: c, args: "--bootstrap-server {B} --entity-type topics --entity-name {T} --describe", setup: compatTopic(1, 1, nil)},
		{name: "describe-missing", script: c, args: "--bootstrap-server {B} --entity-type topics --entity-name {T} --describe", javaExitsZero: true},
		{name: "alter-add", script: c, args: "--bootstrap-server {B} --entity-type topics --entity-name {T} --alter --add-config retention.ms=2000,segment.ms=60000", setup: compatTopic(1, 1, nil), mutates: true, state: compatTopicState},
		{name: "alter-list-value", script: c, args: "--bootstrap-server {B} --entity-type topics --entity-name {T} --alter --add-config cleanup.policy=[compact,delete]", setup: compatTopic(1, 1, nil), mutates: true, state: compatTopicState},
		{name: "alter-delete", script: c, args: "--bootstrap-server {B} --entity-type topics --entity-name {T} --alter --delete-config retention.ms", setup: withConfigs, mutates: true, state: compatTopicState},
		{name: "alter-add-and-delete", script: c, args: "--bootstrap-server {B} --topic {T} --alter --add-config segment.ms=60000 --delete-config cleanup.policy", setup: withConfigs, mutates: true, state: compatTopicState},
		{name: "alter-bad-value", script: c, args: "--bootstrap-server {B} --entity-type topics --entity-name {T} --alter --add-config retention.ms=abc", setup: compatTopic(1, 1, nil), mutates: true, state: compatTopicState},
		{name: "alter-delete-unset", script: c, args: "--bootstrap-server {B} --entity-type topics --entity-name {T} --alter --delete-config segment.ms", setup: compatTopic(1, 1, nil), mutates: true, state: compatTopicState},
	}
	for _, cc := range cases {
		t.Run(cc.name, func(t *testing.T) { runCompatCase(t, dir, cc) })
	}
}

// compatLowWatermarks is each partition's log start offset: what delete-records changed.
func compatLowWatermarks(t *testing.T, topic string) string {
	t.Helper()
	t.Cleanup(func() { Kafkit(t, "", "topic", "delete", topic, "--yes") })
	offs, err := Admin(t).ListStartOffsets(t.Context(), topic)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	offs.Each(func(o kadm.ListedOffset) { lines = append(lines, fmt.Sprintf("%d:%d", o.Partition, o.Offset)) })
	sort.Strings(lines)
	return strings.Join(lines, " ")
}

func TestCompatDeleteRecords(t *testing.T) {
	dir := compatLink(t)
	const d = "kafka-delete-records.sh"
	two := `{"partitions": [{"topic": "{T}", "partition": 0, "offset": 5}, {"topic": "{T}", "partition": 1, "offset": 3}], "version": 1}`
	cases := []compatCase{
		{name: "delete", script: d, args: "--bootstrap-server {B} --offset-json-file {F}", file: two, setup: compatOffsetsTopic, mutates: true, state: compatLowWatermarks, sorted: true},
		{name: "to-high-watermark", script: d, args: "--bootstrap-server {B} --offset-json-file {F}", file: `{"partitions": [{"topic": "{T}", "partition": 2, "offset": -1}]}`, setup: compatOffsetsTopic, mutates: true, state: compatLowWatermarks},
		{name: "past-the-end", script: d, args: "--bootstrap-server {B} --offset-json-file {F}", file: `{"partitions": [{"topic": "{T}", "partition": 0, "offset": 99999}], "version": 1}`, setup: compatOffsetsTopic, mutates: true, state: compatLowWatermarks, javaExitsZero: true},
		{name: "duplicates", script: d, args: "--bootstrap-server {B} --offset-json-file {F}", file: `{"partitions": [{"topic": "{T}", "partition": 0, "offset": 1}, {"topic": "{T}", "partition": 0, "offset": 2}]}`, setup: compatOffsetsTopic, mutates: true, state: compatLowWatermarks},
		{name: "version-2", script: d, args: "--bootstrap-server {B} --offset-json-file {F}", file: `{"partitions": [], "version": 2}`},
		{name: "no-file-option", script: d, args: "--bootstrap-server {B}"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runCompatCase(t, dir, c) })
	}
}
