//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
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
