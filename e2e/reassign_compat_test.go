//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// reassignPlaced creates a topic with a manual replica assignment ("1:2,2:3").
func reassignPlaced(assignment string) func(t *testing.T, topic string) {
	return func(t *testing.T, topic string) {
		t.Helper()
		MustKafkit(t, "", "topic", "create", topic, "--replica-assignment", assignment)
		t.Cleanup(func() { _, _ = Admin(t).DeleteTopics(context.Background(), topic) })
		compatWaitTopic(t, Admin(t), topic, strings.Count(assignment, ",")+1)
	}
}

// reassignState is the topic's replicas (after any reassignment ended) and its throttled
// replica lists, components sorted (the Java tool joins hash sets).
func reassignState(t *testing.T, topic string) string {
	t.Helper()
	adm := Admin(t)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		rs, err := adm.ListPartitionReassignments(context.Background(), kadm.TopicsSet{topic: {0: {}, 1: {}}})
		if err == nil && len(rs[topic]) == 0 {
			time.Sleep(500 * time.Millisecond) // every broker's metadata follows the controller
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	reps := reassignReplicas(t, adm, topic)
	var parts []string
	for p := int32(0); p < int32(len(reps)); p++ {
		parts = append(parts, fmt.Sprint(reps[p]))
	}
	rc, _ := adm.DescribeTopicConfigs(context.Background(), topic)
	for _, r := range rc {
		for _, c := range r.Configs {
			if strings.Contains(c.Key, "throttled.replicas") && c.Source == kmsg.ConfigSourceDynamicTopicConfig {
				v := strings.Split(c.MaybeValue(), ",")
				sort.Strings(v)
				parts = append(parts, c.Key+"="+strings.Join(v, ","))
			}
		}
	}
	return strings.Join(parts, " ")
}

// TestReassignCompat runs kafka-reassign-partitions.sh command lines through the Java tool and
// kafkit and compares stdout and exit codes (--generate is compared by shape: the Java tool
// shuffles, see TestReassignCompatGenerate).
func TestReassignCompat(t *testing.T) {
	dir := compatLink(t)
	t.Cleanup(func() { Kafkit(t, "", "partition", "reassign", "status", "--clear-throttles") })
	plan := `{"version":1,"partitions":[{"topic":"{T}","partition":0,"replicas":[3,1]},{"topic":"{T}","partition":1,"replicas":[2,3],"log_dirs":["any","any"]}]}`
	cases := []compatCase{
		{name: "list nothing running", args: "--bootstrap-server {B} --list"},
		{name: "verify", args: "--bootstrap-server {B} --verify --reassignment-json-file {F}", setup: reassignPlaced("1:2,2:3"), file: plan},
		{name: "cancel nothing running", args: "--bootstrap-server {B} --cancel --reassignment-json-file {F}", setup: reassignPlaced("1:2,2:3"), file: plan},
		// --additional: the Java tool's move may still run when kafkit starts (both tools refuse
		// to start while any reassignment runs without it).
		{name: "execute throttled", args: "--bootstrap-server {B} --execute --additional --throttle 20000000 --reassignment-json-file {F}", setup: reassignPlaced("1:2,2:3"), file: plan, mutates: true, state: reassignState},
		{name: "two actions", args: "--bootstrap-server {B} --list --verify"},
		{name: "option of another action", args: "--bootstrap-server {B} --list --throttle 5"},
		{name: "missing file", args: "--bootstrap-server {B} --verify"},
		{name: "generate without brokers", args: "--bootstrap-server {B} --generate --topics-to-move-json-file {F}", file: `{"version":1,"topics":[{"topic":"{T}"}]}`},
	}
	for _, c := range cases {
		c.script = "kafka-reassign-partitions.sh"
		t.Run(c.name, func(t *testing.T) { runCompatCase(t, dir, c) })
	}
	// The Java tool moves replicas between a broker's log directories; kafkit refuses.
	r := run(context.Background(), nil, "", filepath.Join(dir, "kafka-reassign-partitions.sh"), "--bootstrap-server", Brokers(), "--execute", "--reassignment-json-file", "x.json", "--replica-alter-log-dirs-throttle", "100")
	if r.Code != 2 || !strings.Contains(r.Stderr, "--replica-alter-log-dirs-throttle is not supported by kafkit") {
		t.Errorf("--replica-alter-log-dirs-throttle: want exit 2:\n%s", r)
	}
	// A broker that does not exist: both fail with exit 1 and "Error: " on stdout, nothing sent.
	topic := Unique(t, "reassign-compat-bad")
	reassignPlaced("1:2")(t, topic)
	bad := WriteFile(t, "bad.json", fmt.Sprintf(`{"version":1,"partitions":[{"topic":%q,"partition":0,"replicas":[1,9]}]}`, topic))
	j := JavaTool(t, "", compatClasses["kafka-reassign-partitions.sh"], "--bootstrap-server", Brokers(), "--execute", "--reassignment-json-file", bad)
	k := run(context.Background(), nil, "", filepath.Join(dir, "kafka-reassign-partitions.sh"), "--bootstrap-server", Brokers(), "--execute", "--reassignment-json-file", bad)
	if j.Code != 1 || k.Code != 1 || !strings.HasPrefix(j.Stdout, "Error: ") || !strings.HasPrefix(k.Stdout, "Error: ") {
		t.Errorf("unknown broker:\njava %s\nkafkit %s", j, k)
	}
	if got := fmt.Sprint(reassignReplicas(t, Admin(t), topic)[0]); got != "[1 2]" {
		t.Errorf("replicas changed by a refused plan: %s", got)
	}
}

// reassignGenerated parses --generate's output: the current and the proposed assignment.
func reassignGenerated(t testing.TB, out string) (cur, prop map[string][]int32) {
	t.Helper()
	parse := func(doc string) map[string][]int32 {
		var d struct {
			Version    int
			Partitions []struct {
				Topic     string
				Partition int32
				Replicas  []int32
				LogDirs   []string `json:"log_dirs"`
			}
		}
		if err := json.Unmarshal([]byte(doc), &d); err != nil || d.Version != 1 {
			t.Fatalf("not a reassignment JSON (%v): %q", err, doc)
		}
		m := map[string][]int32{}
		for _, p := range d.Partitions {
			if len(p.LogDirs) != len(p.Replicas) {
				t.Fatalf("log_dirs %v for replicas %v", p.LogDirs, p.Replicas)
			}
			m[fmt.Sprintf("%s-%d", p.Topic, p.Partition)] = p.Replicas
		}
		return m
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 5 || lines[0] != "Current partition replica assignment" || lines[2] != "" || lines[3] != "Proposed partition reassignment configuration" {
		t.Fatalf("--generate output shape:\n%s", out)
	}
	return parse(lines[1]), parse(lines[4])
}

// reassignMoved counts the replicas of prop that are not in cur (data to copy), checking that
// prop keeps each partition's replica count, uses only brokers and never one twice.
func reassignMoved(t testing.TB, cur, prop map[string][]int32, brokers map[int32]bool) int {
	t.Helper()
	if len(cur) != len(prop) {
		t.Fatalf("proposed %d partitions for %d", len(prop), len(cur))
	}
	moved := 0
	for k, reps := range prop {
		was := map[int32]bool{}
		for _, b := range cur[k] {
			was[b] = true
		}
		seen := map[int32]bool{}
		for _, b := range reps {
			if seen[b] || !brokers[b] {
				t.Fatalf("%s: bad replicas %v", k, reps)
			}
			seen[b] = true
			if !was[b] {
				moved++
			}
		}
		if len(reps) != len(cur[k]) {
			t.Fatalf("%s: %d replicas, was %d", k, len(reps), len(cur[k]))
		}
	}
	return moved
}

// TestReassignCompatGenerate compares --generate by shape (the Java tool's proposal is random):
// the same current assignment, a valid proposal over --broker-list, and kafkit moving no more
// replicas than the Java tool.
func TestReassignCompatGenerate(t *testing.T) {
	dir := compatLink(t)
	topic := Unique(t, "reassign-gen")
	reassignPlaced("1:2,1:2,1:2,2:1,2:1,2:1")(t, topic)
	f := WriteFile(t, "topics.json", fmt.Sprintf(`{"version":1,"topics":[{"topic":%q}]}`, topic))
	args := []string{"--bootstrap-server", Brokers(), "--generate", "--topics-to-move-json-file", f, "--broker-list", "1,2,3"}
	j := JavaTool(t, "", compatClasses["kafka-reassign-partitions.sh"], args...)
	k := run(context.Background(), nil, "", filepath.Join(dir, "kafka-reassign-partitions.sh"), args...)
	if j.Code != 0 || k.Code != 0 {
		t.Fatalf("java %s\nkafkit %s", j, k)
	}
	jc, jp := reassignGenerated(t, compatNormalize(j.Stdout, nil, false))
	kc, kp := reassignGenerated(t, k.Stdout)
	if fmt.Sprint(jc) != fmt.Sprint(kc) {
		t.Errorf("current assignments differ:\njava   %v\nkafkit %v", jc, kc)
	}
	brokers := map[int32]bool{1: true, 2: true, 3: true}
	jm, km := reassignMoved(t, jc, jp, brokers), reassignMoved(t, kc, kp, brokers)
	t.Logf("replicas moved: java %d, kafkit %d", jm, km)
	if km > jm || km != 4 {
		t.Errorf("kafkit moves %d replicas (want 4, the fewest to spread 12 over 3 brokers), java %d", km, jm)
	}
}
