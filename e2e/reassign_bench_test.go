//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// BenchmarkReassignGenerateVsJava plans the spread of a 60-partition RF-2 topic that is nearly
// balanced over brokers 1,2,3 (54 partitions rotate 1:2, 2:3, 3:1; 6 more sit on 1:2) over
// brokers 1,2,3, with kafka-reassign-partitions.sh --generate through
// kafkit (its planner) and through the Java tool. Reported: replicas each plan copies (kafkit
// must copy fewer or as many: the Java tool reassigns from a random start broker) and the wall
// time of each command.
func BenchmarkReassignGenerateVsJava(b *testing.B) {
	topic := Unique(b, "reassign-bench")
	var asg []string
	for i := 0; i < 54; i++ {
		asg = append(asg, []string{"1:2", "2:3", "3:1"}[i%3])
	}
	for i := 0; i < 6; i++ {
		asg = append(asg, "1:2")
	}
	if r := Kafkit(b, "", "topic", "create", topic, "--replica-assignment", strings.Join(asg, ",")); r.Code != 0 {
		b.Fatal(r)
	}
	b.Cleanup(func() { _, _ = Admin(b).DeleteTopics(context.Background(), topic) })
	dir := b.TempDir()
	link := filepath.Join(dir, "kafka-reassign-partitions.sh")
	if r := run(context.Background(), nil, "", "ln", "-s", binPath, link); r.Code != 0 {
		b.Fatal(r)
	}
	f := WriteFile(b, "topics.json", fmt.Sprintf(`{"version":1,"topics":[{"topic":%q}]}`, topic))
	args := []string{"--bootstrap-server", Brokers(), "--generate", "--topics-to-move-json-file", f, "--broker-list", "1,2,3"}
	brokers := map[int32]bool{1: true, 2: true, 3: true}
	var jMoved, kMoved int
	var jS, kS float64
	for i := 0; i < b.N; i++ {
		j := JavaTool(b, "", "org.apache.kafka.tools.reassign.ReassignPartitionsCommand", args...)
		k := run(context.Background(), nil, "", link, args...)
		if j.Code != 0 || k.Code != 0 {
			b.Fatalf("java %s\nkafkit %s", j, k)
		}
		jc, jp := reassignGenerated(b, compatNormalize(j.Stdout, nil, false))
		kc, kp := reassignGenerated(b, k.Stdout)
		jMoved += reassignMoved(b, jc, jp, brokers)
		kMoved += reassignMoved(b, kc, kp, brokers)
		jS += j.Elapsed.Seconds()
		kS += k.Elapsed.Seconds()
	}
	n := float64(b.N)
	b.ReportMetric(float64(kMoved)/n, "kafkit_replicas_moved")
	b.ReportMetric(float64(jMoved)/n, "java_replicas_moved")
	b.ReportMetric(float64(kMoved)/float64(max(jMoved, 1)), "moved_ratio_kafkit/java")
	b.ReportMetric(jS/kS, "speedup_x")
}

// BenchmarkReassignDisruptiveDrainVsJava drains broker 4 (a 6-partition RF-3 topic with 30 MB,
// a replica of every partition on broker 4) with a 50 MB/s throttle, the kafkit way (plan
// --drain, execute --wait) and the Java way (--generate onto 1,2,3, --execute --throttle, then
// --verify every second until nothing is in progress, which also removes the throttle). Node 4
// is put back in between. Reported: wall time of each workflow and replicas each copies.
// Disruptive: it adds a broker (KAFKIT_E2E_DISRUPTIVE=1, exclusive lock).
func BenchmarkReassignDisruptiveDrainVsJava(b *testing.B) {
	if os.Getenv("KAFKIT_E2E_DISRUPTIVE") != "1" {
		b.Skip("adds a broker: set KAFKIT_E2E_DISRUPTIVE=1 (the cluster's owner runs these)")
	}
	reassignBenchClusterSh(b, "add-broker")
	b.Cleanup(func() { reassignBenchClusterSh(b, "remove-broker") })
	topic := Unique(b, "reassign-bench-drain")
	if r := Kafkit(b, "", "topic", "create", topic, "--replica-assignment", "4:1:2,2:4:3,3:1:4,4:2:3,1:4:2,2:3:4"); r.Code != 0 {
		b.Fatal(r)
	}
	b.Cleanup(func() { _, _ = Admin(b).DeleteTopics(context.Background(), topic) })
	cl := Client(b, kgo.DefaultProduceTopic(topic), kgo.RecordPartitioner(kgo.RoundRobinPartitioner()))
	var recs []*kgo.Record
	for i := 0; i < 300; i++ {
		recs = append(recs, &kgo.Record{Value: make([]byte, 100000)})
	}
	if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	var kS, jS float64
	var kMoved, jMoved int
	for i := 0; i < b.N; i++ {
		plan, rollback := filepath.Join(dir, "plan.json"), filepath.Join(dir, "rollback.json")
		start := time.Now()
		r := Kafkit(b, "", "partition", "reassign", "plan", "--drain", "4", "--topic", topic, "-o", "json", "--rollback-file", rollback)
		if r.Code != 0 || os.WriteFile(plan, []byte(r.Stdout), 0o600) != nil {
			b.Fatal(r)
		}
		if r := Kafkit(b, "", "partition", "reassign", "execute", "-f", plan, "--throttle", "50MB", "--wait", "--interval", "500ms"); r.Code != 0 {
			b.Fatal(r)
		}
		kS += time.Since(start).Seconds()
		kMoved += strings.Count(r.Stdout, `"replicas"`) // the plan: one copy per drained partition
		if r := Kafkit(b, "", "partition", "reassign", "execute", "-f", rollback, "--wait", "--interval", "500ms"); r.Code != 0 {
			b.Fatal(r)
		}
		s, moved := reassignJavaDrain(b, dir, topic)
		jS += s
		jMoved += moved
		if r := Kafkit(b, "", "partition", "reassign", "execute", "-f", rollback, "--wait", "--interval", "500ms"); r.Code != 0 {
			b.Fatal(r)
		}
	}
	n := float64(b.N)
	b.ReportMetric(kS/n, "kafkit_s")
	b.ReportMetric(jS/n, "java_s")
	b.ReportMetric(jS/kS, "speedup_x")
	b.ReportMetric(float64(kMoved)/n, "kafkit_replicas_moved")
	b.ReportMetric(float64(jMoved)/n, "java_replicas_moved")
}

// reassignJavaDrain is the Java workflow of a drain; it returns its wall time and the replicas
// its proposal copies.
func reassignJavaDrain(b *testing.B, dir, topic string) (float64, int) {
	const class = "org.apache.kafka.tools.reassign.ReassignPartitionsCommand"
	topics := WriteFile(b, "topics.json", fmt.Sprintf(`{"version":1,"topics":[{"topic":%q}]}`, topic))
	start := time.Now()
	j := JavaTool(b, "", class, "--bootstrap-server", Brokers(), "--generate", "--topics-to-move-json-file", topics, "--broker-list", "1,2,3")
	if j.Code != 0 {
		b.Fatal(j)
	}
	cur, prop := reassignGenerated(b, compatNormalize(j.Stdout, nil, false))
	moved := reassignMoved(b, cur, prop, map[int32]bool{1: true, 2: true, 3: true})
	lines := strings.Split(strings.TrimSpace(compatNormalize(j.Stdout, nil, false)), "\n")
	plan := filepath.Join(dir, "java-plan.json")
	if err := os.WriteFile(plan, []byte(lines[4]), 0o600); err != nil {
		b.Fatal(err)
	}
	if j := JavaTool(b, "", class, "--bootstrap-server", Brokers(), "--execute", "--throttle", "50000000", "--reassignment-json-file", plan); j.Code != 0 {
		b.Fatal(j)
	}
	for {
		j := JavaTool(b, "", class, "--bootstrap-server", Brokers(), "--verify", "--reassignment-json-file", plan)
		if j.Code != 0 {
			b.Fatal(j)
		}
		if !strings.Contains(j.Stdout, "still in progress") {
			break
		}
		time.Sleep(time.Second)
	}
	return time.Since(start).Seconds(), moved
}

// reassignBenchClusterSh is reassignClusterSh for benchmarks.
func reassignBenchClusterSh(b *testing.B, args ...string) {
	b.Helper()
	cmd := exec.Command("bash", append([]string{filepath.Join(repoRoot, "e2e", "cluster", "cluster.sh")}, args...)...)
	cmd.Dir = repoRoot
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("cluster.sh %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}
