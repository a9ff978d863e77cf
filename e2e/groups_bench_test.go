//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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

// BenchmarkGroupsStreamsDescribe: one streams group of the tiny Kafka Streams app (stopped, so
// its state holds still), described by `kafkit group describe`, by kafkit's
// kafka-streams-groups.sh and by the Java StreamsGroupCommand, side by side (medians). Streams
// groups need Kafka 4.2+: run it with a 4.4.0 cluster (KAFKA_VERSION=4.4.0 make cluster-up).
func BenchmarkGroupsStreamsDescribe(b *testing.B) {
	if !groupsDetect(b).streams {
		b.Skipf("Kafka %s: the cluster has no streams groups (no StreamsGroupHeartbeat API or streams.version=0); run with KAFKA_VERSION=4.4.0", envOr("KAFKIT_E2E_KAFKA_VERSION", "4.1.1"))
	}
	dir := b.TempDir()
	if err := os.Symlink(binPath, filepath.Join(dir, "kafka-streams-groups.sh")); err != nil {
		b.Fatal(err)
	}
	app, _, stop := streamsCompatGroup(b)
	streamsCompatStop(b, app, stop)
	cases := []struct{ name, flags string }{{"offsets", ""}, {"members", "--members --verbose"}, {"state", "--state"}}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := medianOf(5, func() time.Duration { return MustKafkit(b, "", "group", "describe", app).Elapsed })
		b.ReportMetric(n.Seconds(), "native_s")
		for _, c := range cases {
			args := append([]string{"--bootstrap-server", Brokers(), "--describe", "--group", app}, strings.Fields(c.flags)...)
			k := medianOf(5, func() time.Duration {
				r := run(b.Context(), nil, "", filepath.Join(dir, "kafka-streams-groups.sh"), args...)
				if r.Code != 0 {
					b.Fatalf("kafkit %s: %s", c.name, r)
				}
				return r.Elapsed
			})
			j := medianOf(3, func() time.Duration {
				r := JavaTool(b, "", streamsGroupClass, args...)
				if r.Code != 0 {
					b.Fatalf("java %s: %s", c.name, r)
				}
				return r.Elapsed
			})
			b.ReportMetric(float64(j)/float64(k), c.name+"_java/kafkit")
			b.Logf("kafka-streams-groups.sh --describe %s: kafkit %v, java %v (java/kafkit %.0fx); kafkit group describe %v",
				c.flags, k.Round(100*time.Microsecond), j.Round(time.Millisecond), float64(j)/float64(k), n.Round(100*time.Microsecond))
		}
	}
}
