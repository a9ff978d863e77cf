//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

func topicBenchEnvInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// topicBenchCleanup deletes every topic starting with prefix, in one batched delete.
func topicBenchCleanup(b *testing.B, prefix string) {
	r := Kafkit(b, "", "--timeout", "120s", "topic", "delete", "--regex", regexp.QuoteMeta(prefix)+".*", "--yes")
	if r.Code != 0 && !strings.Contains(r.Stderr, "no topic matches") {
		b.Logf("cleanup of %s*: %s", prefix, r)
	}
}

// BenchmarkTopicApplyVsJavaCreate provisions KAFKIT_BENCH_TOPICS (default 500) topics from one
// apply file, and times the Java TopicCommand --create run once per topic the way a shell loop
// does. A 500-invocation JVM loop takes about 25 minutes on this machine, so only
// KAFKIT_BENCH_JAVA_CREATES (default 20) invocations are run and their mean is extrapolated to
// the same topic count; both the measured and the extrapolated figures are reported.
func BenchmarkTopicApplyVsJavaCreate(b *testing.B) {
	n := topicBenchEnvInt("KAFKIT_BENCH_TOPICS", 500)
	javaN := topicBenchEnvInt("KAFKIT_BENCH_JAVA_CREATES", 20)
	for i := 0; i < b.N; i++ {
		prefix := Unique(b, "bench-apply")
		var f strings.Builder
		f.WriteString("topics:\n")
		for j := 0; j < n; j++ {
			fmt.Fprintf(&f, "  - name: %s-k%04d\n    partitions: 2\n    replication_factor: 3\n    configs:\n      retention.ms: 86400000\n", prefix, j)
		}
		file := WriteFile(b, "bench.yaml", f.String())

		r := Kafkit(b, "", "--timeout", "120s", "topic", "apply", "-f", file)
		if r.Code != 0 || !strings.Contains(r.Stderr, fmt.Sprintf("applied %d of %d changes", n, n)) {
			topicBenchCleanup(b, prefix)
			b.Fatalf("kafkit apply: %s", r)
		}
		kafkitS := r.Elapsed.Seconds()
		rssMB := float64(r.MaxRSSKB) / 1024

		start := time.Now()
		for j := 0; j < javaN; j++ {
			jr := JavaTool(b, "", "org.apache.kafka.tools.TopicCommand", "--bootstrap-server", Brokers(), "--create",
				"--topic", fmt.Sprintf("%s-j%04d", prefix, j), "--partitions", "2", "--replication-factor", "3", "--config", "retention.ms=86400000")
			if jr.Code != 0 {
				topicBenchCleanup(b, prefix)
				b.Fatalf("TopicCommand --create: %s", jr)
			}
		}
		javaS := time.Since(start).Seconds()
		mean := javaS / float64(javaN)
		extrapolated := mean * float64(n)

		// Re-applying the same file: the no-op path a CI job takes on every run.
		r2 := Kafkit(b, "", "--timeout", "120s", "topic", "apply", "-f", file)
		if r2.Code != 0 {
			b.Errorf("re-apply: %s", r2)
		}
		del := time.Now()
		topicBenchCleanup(b, prefix)
		deleteS := time.Since(del).Seconds()

		b.ReportMetric(kafkitS, "kafkit_apply_s")
		b.ReportMetric(r2.Elapsed.Seconds(), "kafkit_reapply_s")
		b.ReportMetric(rssMB, "kafkit_rss_MB")
		b.ReportMetric(javaS, "java_measured_s")
		b.ReportMetric(float64(javaN), "java_invocations")
		b.ReportMetric(mean, "java_mean_per_create_s")
		b.ReportMetric(extrapolated, "java_extrapolated_s")
		b.ReportMetric(extrapolated/kafkitS, "ratio_java_extrapolated_over_kafkit")
		b.ReportMetric(deleteS, "kafkit_delete_all_s")
		b.Logf("%d topics: kafkit apply %.2fs (re-apply %.2fs, RSS %.0f MB); Java TopicCommand --create: %d invocations measured %.1fs = %.2fs each, EXTRAPOLATED to %d: %.0fs; ratio %.0fx; batched delete %.2fs",
			n, kafkitS, r2.Elapsed.Seconds(), rssMB, javaN, javaS, mean, n, extrapolated, extrapolated/kafkitS, deleteS)
	}
}

func topicMedian(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// BenchmarkTopicListDescribeLatency: median wall time of `topic list` and `topic describe` for
// kafkit, kcat -L and the Java TopicCommand (KAFKIT_BENCH_RUNS runs each, default 5), with 50
// extra topics on the cluster.
func BenchmarkTopicListDescribeLatency(b *testing.B) {
	runs := topicBenchEnvInt("KAFKIT_BENCH_RUNS", 5)
	for i := 0; i < b.N; i++ {
		prefix := Unique(b, "bench-ls")
		var f strings.Builder
		f.WriteString("topics:\n")
		for j := 0; j < 50; j++ {
			fmt.Fprintf(&f, "  - name: %s-%02d\n    partitions: 3\n    replication_factor: 3\n", prefix, j)
		}
		if r := Kafkit(b, "", "--timeout", "60s", "topic", "apply", "-f", WriteFile(b, "ls.yaml", f.String())); r.Code != 0 {
			b.Fatalf("setup: %s", r)
		}
		one := prefix + "-07"
		type tool struct {
			name string
			run  func() Result
		}
		measure := func(t tool) time.Duration {
			var ds []time.Duration
			for k := 0; k < runs; k++ {
				r := t.run()
				if r.Code != 0 {
					topicBenchCleanup(b, prefix)
					b.Fatalf("%s: %s", t.name, r)
				}
				ds = append(ds, r.Elapsed)
			}
			return topicMedian(ds)
		}
		kList := measure(tool{"kafkit list", func() Result { return Kafkit(b, "", "topic", "list") }})
		cList := measure(tool{"kcat -L", func() Result { return Kcat(b, "", "-L") }})
		jList := measure(tool{"TopicCommand --list", func() Result {
			return JavaTool(b, "", "org.apache.kafka.tools.TopicCommand", "--bootstrap-server", Brokers(), "--list")
		}})
		kDesc := measure(tool{"kafkit describe", func() Result { return Kafkit(b, "", "topic", "describe", one) }})
		cDesc := measure(tool{"kcat -L -t", func() Result { return Kcat(b, "", "-L", "-t", one) }})
		jDesc := measure(tool{"TopicCommand --describe", func() Result {
			return JavaTool(b, "", "org.apache.kafka.tools.TopicCommand", "--bootstrap-server", Brokers(), "--describe", "--topic", one)
		}})
		topicBenchCleanup(b, prefix)

		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		b.ReportMetric(ms(kList), "kafkit_list_ms")
		b.ReportMetric(ms(cList), "kcat_list_ms")
		b.ReportMetric(ms(jList), "java_list_ms")
		b.ReportMetric(ms(kList)/ms(cList), "ratio_kafkit_over_kcat_list")
		b.ReportMetric(ms(kDesc), "kafkit_describe_ms")
		b.ReportMetric(ms(cDesc), "kcat_describe_ms")
		b.ReportMetric(ms(jDesc), "java_describe_ms")
		b.ReportMetric(ms(jDesc)/ms(kDesc), "ratio_java_over_kafkit_describe")
		b.Logf("median of %d: list kafkit %.0fms, kcat -L %.0fms (kafkit/kcat %.2f), TopicCommand %.0fms; describe kafkit %.0fms (also reads offsets and configs), kcat -L -t %.0fms, TopicCommand %.0fms",
			runs, ms(kList), ms(cList), ms(kList)/ms(cList), ms(jList), ms(kDesc), ms(cDesc), ms(jDesc))
	}
}
