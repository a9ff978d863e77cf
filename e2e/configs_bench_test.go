//go:build e2e

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// BenchmarkConfigsQuotasVsJava sets a producer_byte_rate on KAFKIT_BENCH_QUOTAS (default 200)
// client ids with one kafkit command (one batched AlterClientQuotas request), and times
// ConfigCommand --alter --add-config, which takes one entity per JVM run, the way a shell loop
// does. A 200-run JVM loop takes about 10 minutes here, so only KAFKIT_BENCH_JAVA_QUOTAS
// (default 5) runs are timed and their mean is extrapolated to the same count; the ratio is
// the extrapolated Java loop over kafkit's one command.
func BenchmarkConfigsQuotasVsJava(b *testing.B) {
	n := topicBenchEnvInt("KAFKIT_BENCH_QUOTAS", 200)
	javaN := topicBenchEnvInt("KAFKIT_BENCH_JAVA_QUOTAS", 5)
	for i := 0; i < b.N; i++ {
		prefix := Unique(b, "configs-bench")
		args := []string{"quota", "set", "-o", "json"}
		for j := 0; j < n; j++ {
			args = append(args, "--client", fmt.Sprintf("%s-k%03d", prefix, j))
		}
		r := Kafkit(b, "", append(args, "producer_byte_rate=1048576")...)
		if r.Code != 0 || strings.Count(r.Stdout, `"result": "altered"`) != n {
			b.Fatalf("kafkit quota set: %s", r)
		}
		kafkitS := r.Elapsed.Seconds()
		start := time.Now()
		for j := 0; j < javaN; j++ {
			jr := configsJavaB(b, "--alter", "--client", fmt.Sprintf("%s-j%03d", prefix, j), "--add-config", "producer_byte_rate=1048576")
			if jr.Code != 0 {
				b.Fatalf("ConfigCommand --alter: %s", jr)
			}
		}
		mean := time.Since(start).Seconds() / float64(javaN)
		extrapolated := mean * float64(n)

		del := append([]string{"quota", "delete", "--yes"}, args[4:]...)
		for j := 0; j < javaN; j++ {
			del = append(del, "--client", fmt.Sprintf("%s-j%03d", prefix, j))
		}
		if r := Kafkit(b, "", del...); r.Code != 0 {
			b.Errorf("cleanup: %s", r)
		}
		b.ReportMetric(kafkitS, "kafkit_s")
		b.ReportMetric(mean, "java_s/call")
		b.ReportMetric(extrapolated, "java_extrapolated_s")
		b.ReportMetric(extrapolated/kafkitS, "ratio")
		b.Logf("%d quotas: kafkit %.2fs in one request; Java %.2fs per call (%d timed) -> %.0fs for %d calls; %.0fx",
			n, kafkitS, mean, javaN, extrapolated, n, extrapolated/kafkitS)
	}
}

func configsJavaB(b *testing.B, args ...string) Result {
	b.Helper()
	return JavaTool(b, "", "kafka.admin.ConfigCommand", append([]string{"--bootstrap-server", Brokers()}, args...)...)
}
