//go:build e2e

package e2e

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
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
