//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

func produceBenchEnvInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// produceBenchFile writes n lines of size bytes (a unique prefix, then filler) once.
func produceBenchFile(b *testing.B, n, size int) string {
	b.Helper()
	p := filepath.Join(b.TempDir(), fmt.Sprintf("records-%dx%d.txt", n, size))
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	filler := bytes.Repeat([]byte("x"), size)
	for i := range n {
		prefix := fmt.Sprintf("%010d-", i)
		w.WriteString(prefix)
		w.Write(filler[:size-len(prefix)])
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	return p
}

// produceBenchRun runs a producer with stdin from a file (the Java console producer reads
// only stdin), and measures wall time and peak RSS.
func produceBenchRun(b *testing.B, stdinFile string, name string, args ...string) Result {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd, peakRSS := measuredCommand(ctx, name, args...)
	cmd.Env = cleanEnv(nil)
	if stdinFile != "" {
		f, err := os.Open(stdinFile)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		cmd.Stdin = f
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	_ = cmd.Run()
	r := Result{Stdout: out.String(), Stderr: errb.String(), Elapsed: time.Since(start), Code: -1}
	if cmd.ProcessState != nil {
		r.Code = cmd.ProcessState.ExitCode()
		r.MaxRSSKB = peakRSS()
	}
	return r
}

// produceBenchCount is the number of records in topic.
func produceBenchCount(b *testing.B, topic string) int64 {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ends, err := Admin(b).ListEndOffsets(ctx, topic)
	if err != nil {
		b.Fatal(err)
	}
	var n int64
	for _, ps := range ends {
		for _, o := range ps {
			n += o.Offset
		}
	}
	return n
}

// produceBenchCompare produces the same file with kafkit, kcat -P and the Java console
// producer, each into its own fresh topic (6 partitions, RF 3, acks=all), and reports
// records/s, MB/s, peak RSS and the throughput ratios.
func produceBenchCompare(b *testing.B, n, size int) {
	file := produceBenchFile(b, n, size)
	mb := float64(n*size) / 1e6
	type tool struct {
		name  string
		stdin bool
		cmd   func(topic string) (string, []string)
	}
	tools := []tool{
		{"kafkit", false, func(topic string) (string, []string) {
			return binPath, []string{"-b", Brokers(), "--timeout", "60s", "produce", topic, "-f", file, "--acks", "all"}
		}},
		{"kcat", false, func(topic string) (string, []string) {
			return "kcat", []string{"-P", "-b", Brokers(), "-t", topic, "-X", "acks=all", "-l", file}
		}},
		{"java", true, func(topic string) (string, []string) {
			return "java", []string{"-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", KafkaLib() + "/*",
				"org.apache.kafka.tools.ConsoleProducer", "--bootstrap-server", Brokers(), "--topic", topic,
				"--producer-property", "acks=all"}
		}},
	}
	// Several rounds, the order rotated each round so that no tool always meets a cold (or a
	// warmed-up) cluster first; the median time per tool is reported (KAFKIT_BENCH_PRODUCE_REPS).
	reps := 3
	if v, err := strconv.Atoi(os.Getenv("KAFKIT_BENCH_PRODUCE_REPS")); err == nil && v > 0 {
		reps = v
	}
	times := map[string][]float64{}
	rss := map[string]float64{}
	for i := 0; i < b.N; i++ {
		for rep := 0; rep < reps; rep++ {
			for k := range tools {
				tl := tools[(k+rep)%len(tools)]
				topic := produceTopic(b, "bench-produce-"+tl.name, 6, 3, nil)
				name, args := tl.cmd(topic)
				stdin := ""
				if tl.stdin {
					stdin = file
				}
				r := produceBenchRun(b, stdin, name, args...)
				if r.Code != 0 {
					b.Fatalf("%s: %s", tl.name, r)
				}
				if got := produceBenchCount(b, topic); got != int64(n) {
					b.Fatalf("%s: %d records in the topic, want %d", tl.name, got, n)
				}
				times[tl.name] = append(times[tl.name], r.Elapsed.Seconds())
				rss[tl.name] = max(rss[tl.name], float64(r.MaxRSSKB)/1024)
				// Free the disk before the next tool (best effort).
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				_, _ = Admin(b).DeleteTopics(ctx, topic)
				cancel()
			}
		}
	}
	secs := map[string]float64{}
	for name, ts := range times {
		sort.Float64s(ts)
		secs[name] = ts[len(ts)/2]
	}
	var line []string
	for _, tl := range tools {
		s := secs[tl.name]
		b.ReportMetric(s, tl.name+"_s")
		b.ReportMetric(float64(n)/s, tl.name+"_rec/s")
		b.ReportMetric(mb/s, tl.name+"_MB/s")
		b.ReportMetric(rss[tl.name], tl.name+"_rss_MB")
		line = append(line, fmt.Sprintf("%s %.2fs %.0f rec/s %.1f MB/s rss %.0f MB", tl.name, s, float64(n)/s, mb/s, rss[tl.name]))
	}
	b.ReportMetric(secs["kcat"]/secs["kafkit"], "ratio_kafkit_over_kcat")
	b.ReportMetric(secs["java"]/secs["kafkit"], "ratio_kafkit_over_java")
	b.Logf("produce %d x %d B, median of %d rotated rounds: %s; throughput kafkit/kcat %.2fx, kafkit/java %.2fx",
		n, size, reps, strings.Join(line, "; "), secs["kcat"]/secs["kafkit"], secs["java"]/secs["kafkit"])
}

// BenchmarkProduceSmallRecords: 1,000,000 records of 100 bytes from a file
// (KAFKIT_BENCH_PRODUCE_SMALL to scale the count).
func BenchmarkProduceSmallRecords(b *testing.B) {
	produceBenchCompare(b, produceBenchEnvInt("KAFKIT_BENCH_PRODUCE_SMALL", 1_000_000), 100)
}

// BenchmarkProduceLargeRecords: 10,000 records of 100 KB (KAFKIT_BENCH_PRODUCE_LARGE to
// scale the count).
func BenchmarkProduceLargeRecords(b *testing.B) {
	produceBenchCompare(b, produceBenchEnvInt("KAFKIT_BENCH_PRODUCE_LARGE", 10_000), 100*1024)
}
