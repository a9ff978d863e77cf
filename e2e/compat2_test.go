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

// The Java class of the script this file adds, registered here rather than in compat_test.go's
// literal so that helpers adding scripts at the same time touch different lines.
func init() {
	compatClasses["kafka-broker-api-versions.sh"] = "org.apache.kafka.tools.BrokerApiVersionsCommand"
}

// compat2Shared is one topic with records and groups made once for the read-only cases of
// TestCompat2 (the tools only read them, or are refused): S, S-g (Empty, offsets committed on
// some partitions), S-act (a classic member consuming) and S-848 (a KIP-848 member).
func compat2Shared(t *testing.T) string {
	t.Helper()
	s := Unique(t, "compat2")
	compatGroup(t, s) // S with 32 records over 3 partitions, S-g Empty with commits
	compat2Member(t, s, s+"-act", "compat2-member", "classic")
	compat2Member(t, s, s+"-848", "compat2-848", "consumer")
	return s
}

// compat2Member starts a kafkit consumer in group g and waits until the group is Stable with it.
func compat2Member(t *testing.T, topic, g, client, protocol string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, binPath, "-b", Brokers(), "consume", topic, "-g", g, "--client-id", client, "--group-protocol", protocol)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	for i := 0; i < 100; i++ {
		r := Kafkit(t, "", "group", "describe", g, "-o", "json")
		if r.Code == 0 && containsAll(r.Stdout, `"state": "Stable"`, client) {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("group %s did not become Stable", g)
}

// compat2Group makes the group {T}-g on the shared topic s for a mutating case: Empty, with
// offsets 5, 6 and 7 committed on partitions 0, 1 and 2 (the same for both tools).
func compat2Group(s string) func(t *testing.T, topic string) {
	return func(t *testing.T, topic string) {
		t.Helper()
		os := kadm.Offsets{}
		for p := range int32(3) {
			os.AddOffset(s, p, int64(5+p), -1)
		}
		if err := Admin(t).CommitAllOffsets(t.Context(), topic+"-g", os); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _, _ = Admin(t).DeleteGroups(context.Background(), topic+"-g") })
	}
}

// compat2Offsets is group {T}-g's committed offsets ("partition:offset", sorted), or absent.
func compat2Offsets(t *testing.T, topic string) string {
	t.Helper()
	offs, err := Admin(t).FetchOffsets(t.Context(), topic+"-g")
	if err != nil {
		return "absent: " + err.Error()
	}
	var lines []string
	offs.Each(func(o kadm.OffsetResponse) {
		if o.Err == nil && o.At >= 0 {
			lines = append(lines, fmt.Sprintf("%d:%d", o.Partition, o.At))
		}
	})
	sort.Strings(lines)
	if len(lines) == 0 {
		return "no offsets"
	}
	return strings.Join(lines, " ")
}

func TestCompat2(t *testing.T) {
	dir := compatLink(t)
	s := compat2Shared(t)
	rec := Unique(t, "compat2-rec")
	compatRecords(t, rec)
	const cg, cc, cp, bv = "kafka-consumer-groups.sh", "kafka-console-consumer.sh", "kafka-console-producer.sh", "kafka-broker-api-versions.sh"
	x := strings.NewReplacer("{S}", s, "{REC}", rec).Replace
	cases := []compatCase{
		{name: "reset-default-dry-run", script: cg, args: x("--bootstrap-server {B} --reset-offsets --group {S}-g --topic {S} --to-earliest"), sorted: true},
		{name: "reset-shift-partitions", script: cg, args: x("--bootstrap-server {B} --reset-offsets --group {S}-g --topic {S}:0,2 --shift-by -2 --dry-run"), sorted: true},
		{name: "reset-export-all-topics", script: cg, args: x("--bootstrap-server {B} --reset-offsets --group {S}-g --all-topics --to-latest --export --dry-run"), sorted: true},
		{name: "reset-to-current", script: cg, args: x("--bootstrap-server {B} --reset-offsets --group {S}-g --topic {S} --to-current"), sorted: true},
		{name: "reset-to-datetime-future", script: cg, args: x("--bootstrap-server {B} --reset-offsets --group {S}-g --topic {S} --to-datetime 2099-01-01T00:00:00.000"), sorted: true},
		{name: "reset-active-refused", script: cg, args: x("--bootstrap-server {B} --reset-offsets --group {S}-act --topic {S} --to-earliest --execute"), javaExitsZero: true},
		{name: "reset-missing-topic", script: cg, args: x("--bootstrap-server {B} --reset-offsets --group {S}-g --topic {T}-none --to-earliest"), javaExitsZero: true},
		{name: "reset-execute-to-offset", script: cg, args: x("--bootstrap-server {B} --reset-offsets --group {T}-g --topic {S} --to-offset 3 --execute"), setup: compat2Group(s), mutates: true, state: compat2Offsets, sorted: true},
		{name: "reset-from-file", script: cg, args: "--bootstrap-server {B} --reset-offsets --group {T}-g --from-file {F} --execute", file: x("{S},0,1\n{S},1,2\n"), setup: compat2Group(s), mutates: true, state: compat2Offsets, sorted: true},
		{name: "delete", script: cg, args: "--bootstrap-server {B} --delete --group {T}-g", setup: compat2Group(s), mutates: true, state: compat2Offsets},
		{name: "delete-active-and-missing", script: cg, args: x("--bootstrap-server {B} --delete --group {S}-act --group {T}-none"), javaExitsZero: true, sorted: true}, // Java: hash order
		{name: "delete-offsets", script: cg, args: x("--bootstrap-server {B} --delete-offsets --group {T}-g --topic {S}"), setup: compat2Group(s), mutates: true, state: compat2Offsets},
		{name: "delete-offsets-subscribed", script: cg, args: x("--bootstrap-server {B} --delete-offsets --group {S}-act --topic {S}:0 --topic {T}-none"), javaExitsZero: true},
		{name: "describe-members-verbose", script: cg, args: x("--bootstrap-server {B} --describe --group {S}-act --members --verbose")},
		{name: "describe-members-verbose-kip848", script: cg, args: x("--bootstrap-server {B} --describe --group {S}-848 --members --verbose")},
		{name: "describe-state-verbose-kip848", script: cg, args: x("--bootstrap-server {B} --describe --group {S}-848 --state --verbose")},
		{name: "describe-state-verbose", script: cg, args: x("--bootstrap-server {B} --describe --group {S}-act --state --verbose")},
		{name: "describe-offsets-verbose", script: cg, args: x("--bootstrap-server {B} --describe --group {S}-g --offsets --verbose"), sorted: true},
		{name: "broker-api-versions", script: bv, args: "--bootstrap-server {B}", sorted: true},
		{name: "consume-no-value", script: cc, args: x("--bootstrap-server {B} --topic {REC} --from-beginning --max-messages 4 --property print.value=false --property print.key=true")},
		{name: "consume-separators-null", script: cc, args: x("--bootstrap-server {B} --topic {REC} --from-beginning --max-messages 4 --property print.key=true --property print.headers=true --property line.separator=| --property headers.separator=; --property null.literal=NIL")},
		{name: "consume-logging-formatter", script: cc, args: x("--bootstrap-server {B} --topic {REC} --from-beginning --max-messages 2 --formatter org.apache.kafka.tools.consumer.LoggingMessageFormatter --property print.offset=true")},
		{name: "produce-headers", script: cp, args: "--bootstrap-server {B} --topic {T} --property parse.headers=true --property parse.key=true --property key.separator=: --property null.marker=NULL", stdin: "h1:a,h2:b\tk1:v1\nNULL\tk2:v2\nh3:NULL\tNULL:NULL\n", setup: compatTopic(1, 1, nil), mutates: true, state: compatReadBack},
		{name: "produce-headers-custom", script: cp, args: "--bootstrap-server {B} --topic {T} --property parse.headers=true --property headers.delimiter=| --property headers.separator=; --property headers.key.separator==", stdin: "a=1;b=2|v1\n|v2\n", setup: compatTopic(1, 1, nil), mutates: true, state: compatReadBack},
		{name: "produce-headers-missing-delimiter", script: cp, args: "--bootstrap-server {B} --topic {T} --property parse.headers=true", stdin: "no delimiter\n", setup: compatTopic(1, 1, nil), mutates: true, state: compatReadBack},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runCompatCase(t, dir, c) })
	}
}
