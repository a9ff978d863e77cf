//go:build e2e

package e2e

import (
	"strings"
	"testing"
)

// BenchmarkGroupsShareDescribe: one share group with start offsets on 3 partitions, described
// by `kafkit group describe` and by the Java kafka-share-groups.sh --describe, side by side.
func BenchmarkGroupsShareDescribe(b *testing.B) {
	if !groupsDetect(b).share {
		b.Skip("the cluster has no share groups (no ShareGroupHeartbeat API or share.version=0)")
	}
	topic := Unique(b, "groups-bench")
	groupTopic(b, Admin(b), topic, 3)
	var in strings.Builder
	for i := range 60 {
		in.WriteString("r" + itoa(i) + "\n")
	}
	MustKafkit(b, in.String(), "produce", topic)
	g := topic + "-sg"
	groupsCleanup(b, g)
	groupsShareEarliest(b, g)
	MustKafkit(b, "", "consume", topic, "--share-group", g, "-n", "10")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := MustKafkit(b, "", "group", "describe", g)
		j := JavaTool(b, "", "org.apache.kafka.tools.consumer.group.ShareGroupCommand", "--bootstrap-server", Brokers(), "--describe", "--group", g)
		if j.Code != 0 {
			b.Fatalf("java: %s", j)
		}
		b.ReportMetric(k.Elapsed.Seconds(), "kafkit_s")
		b.ReportMetric(j.Elapsed.Seconds(), "java_s")
		b.ReportMetric(j.Elapsed.Seconds()/k.Elapsed.Seconds(), "ratio_java_over_kafkit")
	}
}
