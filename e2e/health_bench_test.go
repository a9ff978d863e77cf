//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// healthChild runs a command and returns its stdout, wall time and CPU time (user + system,
// from the child's rusage).
func healthChild(b *testing.B, name string, args ...string) (string, time.Duration, time.Duration) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = cleanEnv([]string{"KAFKIT_BROKERS=" + Brokers()})
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	if err := cmd.Run(); err != nil {
		b.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String(), time.Since(start), cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}

// BenchmarkHealthPerfProduceVsJava: kafka-producer-perf-test.sh's Java ProducerPerformance and
// kafkit (through the same script name, so with the Java producer's batch.size and linger.ms)
// at acks=all on the same topic, side by side: the ratio of records/s, and kafkit's own CPU per
// record (the client is not the bottleneck when this is a small part of the time per record).
func BenchmarkHealthPerfProduceVsJava(b *testing.B) {
	const records = 300000
	topic := Unique(b, "health-bench")
	if r := Kafkit(b, "", "topic", "create", topic, "-p", "6", "-r", "3"); r.Code != 0 {
		b.Fatal(r)
	}
	b.Cleanup(func() { Kafkit(b, "", "topic", "delete", topic, "--yes") })
	dir := b.TempDir()
	link := filepath.Join(dir, "kafka-producer-perf-test.sh")
	if err := exec.Command("ln", "-s", binPath, link).Run(); err != nil {
		b.Fatal(err)
	}
	args := []string{"--topic", topic, "--num-records", "300000", "--record-size", "100", "--throughput", "-1", "--producer-props", "bootstrap.servers=" + Brokers(), "acks=all"}
	var jr, kr, nr, cpu float64
	for i := 0; i < b.N; i++ {
		jout, _, _ := healthChild(b, "java", append([]string{"-Xmx256m", "-XX:+UseSerialGC", "-cp", KafkaLib() + "/*", "org.apache.kafka.tools.ProducerPerformance"}, args...)...)
		kout, _, kcpu := healthChild(b, link, args...)
		nout, _, _ := healthChild(b, binPath, "perf", "produce", topic, "--records", "300000", "--record-size", "100", "--java-output")
		jr, kr, nr = perfRate(b, "java", jout), perfRate(b, "kafkit", kout), perfRate(b, "kafkit native", nout)
		cpu = float64(kcpu.Microseconds()) / records
	}
	b.ReportMetric(jr, "java-records/s")
	b.ReportMetric(kr, "kafkit-records/s")
	b.ReportMetric(kr/jr, "kafkit/java")
	b.ReportMetric(nr/jr, "native-defaults/java")
	b.ReportMetric(cpu, "kafkit-cpu-µs/record")
}

// BenchmarkHealthCheckVsJava: `kafkit cluster check` against what it replaces, the Java tools
// one health question at a time: kafka-topics --describe with each of the four health flags and
// kafka-metadata-quorum describe --status.
func BenchmarkHealthCheckVsJava(b *testing.B) {
	java := func(class string, args ...string) time.Duration {
		_, d, _ := healthChild(b, "java", append([]string{"-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", KafkaLib() + "/*", class}, args...)...)
		return d
	}
	var jd, kd time.Duration
	for i := 0; i < b.N; i++ {
		jd = 0
		for _, flag := range []string{"--under-replicated-partitions", "--under-min-isr-partitions", "--at-min-isr-partitions", "--unavailable-partitions"} {
			jd += java("org.apache.kafka.tools.TopicCommand", "--bootstrap-server", Brokers(), "--describe", flag)
		}
		jd += java("org.apache.kafka.tools.MetadataQuorumCommand", "--bootstrap-server", Brokers(), "describe", "--status")
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		r := run(ctx, []string{"KAFKIT_BROKERS=" + Brokers()}, "", binPath, "cluster", "check", "--skip", "probe")
		cancel()
		if r.Code != 0 && r.Code != 3 {
			b.Fatalf("cluster check: %s", r)
		}
		kd = r.Elapsed
	}
	b.ReportMetric(float64(jd.Milliseconds()), "java-ms")
	b.ReportMetric(float64(kd.Microseconds())/1000, "kafkit-ms")
	b.ReportMetric(float64(jd)/float64(kd), "java/kafkit")
	_ = regexp.MustCompile
}
