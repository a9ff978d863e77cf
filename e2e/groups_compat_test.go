//go:build e2e

package e2e

// kafka-groups.sh, kafka-share-groups.sh, kafka-streams-groups.sh and
// kafka-console-share-consumer.sh through the compat layer, byte for byte against the Java
// tools of the cluster's Kafka version (runCompatCase).

import (
	"context"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// compatShareGroup makes topic (3 partitions, 30 records) and share group "{T}-sg", which
// read 5 records from the earliest offset and left: start offsets on some partitions.
func compatShareGroup(t *testing.T, topic string) {
	t.Helper()
	compatTopic(3, 1, nil)(t, topic)
	groupsCleanup(t, topic+"-sg")
	var in strings.Builder
	for i := range 30 {
		in.WriteString(string(rune('a'+i%26)) + "," + itoa(i) + "\n")
	}
	MustKafkit(t, in.String(), "produce", topic, "-K", ",")
	groupsShareEarliest(t, topic+"-sg")
	MustKafkit(t, "", "consume", topic, "--share-group", topic+"-sg", "-n", "5")
}

// compatShareMember starts a kafkit share consumer in group and waits until it is a member.
func compatShareMember(t *testing.T, topic, group string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, binPath, "-b", Brokers(), "--client-id", "compat-share-member", "consume", topic, "--share-group", group)
	// SIGTERM, not SIGKILL: kafkit leaves the group, so that the cleanup can delete it.
	cmd.Cancel, cmd.WaitDelay = func() error { return cmd.Process.Signal(syscall.SIGTERM) }, 10*time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	for i := 0; i < 100; i++ {
		r := Kafkit(t, "", "group", "describe", group, "-o", "json")
		if r.Code == 0 && containsAll(r.Stdout, `"state": "Stable"`, "compat-share-member") {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatal("the share group did not become Stable")
}

// compatShareConsumerTopic is a 1-partition topic with 10 records whose share group "{T}-c"
// starts at the earliest offset.
func compatShareConsumerTopic(t *testing.T, topic string) {
	t.Helper()
	compatTopic(1, 1, nil)(t, topic)
	groupsCleanup(t, topic+"-c")
	MustKafkit(t, "v0\nv1\nv2\nv3\nv4\nv5\nv6\nv7\nv8\nv9\n", "produce", topic)
	groupsShareEarliest(t, topic+"-c")
}

// The share group cases share one group (making one costs seconds: the broker assigns
// partitions on its heartbeat): first while it is empty, then with a member.
func TestCompatShareGroups(t *testing.T) {
	groupsNeedShare(t)
	dir := compatLink(t)
	const sg, gs, stg = "kafka-share-groups.sh", "kafka-groups.sh", "kafka-streams-groups.sh"
	topic := Unique(t, "compat-share")
	compatShareGroup(t, topic)
	g := topic + "-sg"
	empty := []compatCase{
		{name: "share-list-state", script: sg, args: "--bootstrap-server {B} --list --state", sorted: true},
		{name: "share-describe", script: sg, args: "--bootstrap-server {B} --describe --group " + g},
		{name: "share-describe-verbose", script: sg, args: "--bootstrap-server {B} --describe --group " + g + " --offsets --verbose"},
		{name: "share-describe-state", script: sg, args: "--bootstrap-server {B} --describe --group " + g + " --state --verbose"},
		{name: "share-describe-missing", script: sg, args: "--bootstrap-server {B} --describe --group {T}-none", javaExitsZero: true},
		{name: "share-delete-not-share", script: sg, args: "--bootstrap-server {B} --delete --group {T}-none", javaExitsZero: true},
		{name: "share-delete-offsets-unknown-topic", script: sg, args: "--bootstrap-server {B} --delete-offsets --group " + g + " --topic {T}-none", javaExitsZero: true},
		{name: "consumer-groups-describe-share", script: "kafka-consumer-groups.sh", args: "--bootstrap-server {B} --describe --group " + g, javaExitsZero: true},
		{name: "groups-list-share", script: gs, args: "--bootstrap-server {B} --list --share", sorted: true},
		{name: "groups-bad-type", script: gs, args: "--bootstrap-server {B} --list --group-type bogus"},
		{name: "streams-list-state", script: stg, args: "--bootstrap-server {B} --list --state", sorted: true},
	}
	for _, c := range empty {
		t.Run(c.name, func(t *testing.T) { runCompatCase(t, dir, c) })
	}
	compatShareMember(t, topic, g)
	active := []compatCase{
		{name: "share-describe-active-members", script: sg, args: "--bootstrap-server {B} --describe --group " + g + " --members --verbose"},
		{name: "share-delete-active", script: sg, args: "--bootstrap-server {B} --delete --group " + g, javaExitsZero: true},
		{name: "console-share-consumer", script: "kafka-console-share-consumer.sh", args: "--bootstrap-server {B} --topic {T} --group {T}-c --max-messages 4", setup: compatShareConsumerTopic, mutates: true},
	}
	for _, c := range active {
		t.Run(c.name, func(t *testing.T) { runCompatCase(t, dir, c) })
	}
}
