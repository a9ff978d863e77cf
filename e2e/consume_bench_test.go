//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

func consumeBenchEnvInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// consumeBenchFill produces n records of size bytes (a unique prefix, then filler) to topic,
// uncompressed, spread over its partitions.
func consumeBenchFill(b *testing.B, topic string, n, size int) {
	b.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(Brokers(), ",")...),
		kgo.ProducerBatchCompression(kgo.NoCompression()), kgo.ProducerLinger(5*time.Millisecond),
		kgo.ProducerBatchMaxBytes(1<<20), kgo.MaxBufferedRecords(100000), kgo.RecordPartitioner(kgo.RoundRobinPartitioner()))
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	filler := bytes.Repeat([]byte("x"), size)
	ctx := context.Background()
	var firstErr error
	for i := range n {
		v := make([]byte, size)
		copy(v, filler)
		copy(v, fmt.Sprintf("%010d-", i))
		cl.Produce(ctx, &kgo.Record{Topic: topic, Value: v}, func(_ *kgo.Record, err error) {
			if err != nil && firstErr == nil {
				firstErr = err
			}
		})
	}
	if err := cl.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	if firstErr != nil {
		b.Fatalf("producing the benchmark records: %v", firstErr)
	}
}

// consumeBenchRun runs a consumer with stdout into outPath and measures wall time and peak RSS.
func consumeBenchRun(b *testing.B, outPath string, name string, args ...string) Result {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	out, err := os.Create(outPath)
	if err != nil {
		b.Fatal(err)
	}
	defer out.Close()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = cleanEnv([]string{"KAFKIT_BROKERS=" + Brokers()})
	var errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = out, &errb
	start := time.Now()
	r := Result{Code: -1}
	if err := cmd.Start(); err != nil {
		b.Fatalf("%s: %v", name, err)
	}
	// Peak RSS from the child's own VmHWM: rusage's maxrss of a child started with vfork
	// includes the test process's memory at exec time, which is large after producing.
	hwm := make(chan int64, 1)
	stop := make(chan struct{})
	go func() {
		var peak int64
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			if kb := consumeBenchVmHWM(cmd.Process.Pid); kb > peak {
				peak = kb
			}
			select {
			case <-stop:
				hwm <- peak
				return
			case <-t.C:
			}
		}
	}()
	_ = cmd.Wait()
	r.Elapsed = time.Since(start)
	close(stop)
	r.MaxRSSKB = <-hwm
	r.Stderr = errb.String()
	if cmd.ProcessState != nil {
		r.Code = cmd.ProcessState.ExitCode()
	}
	if r.Code != 0 {
		b.Fatalf("%s %s: %s", name, strings.Join(args, " "), r)
	}
	return r
}

// consumeBenchVmHWM is the peak RSS (VmHWM, KiB) of a running process, 0 once it is gone.
func consumeBenchVmHWM(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb
		}
	}
	return 0
}

// consumeBenchLines counts the lines of a file, streaming it.
func consumeBenchLines(b *testing.B, path string) int {
	b.Helper()
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	n := 0
	buf := make([]byte, 1<<20)
	for {
		k, err := f.Read(buf)
		n += bytes.Count(buf[:k], []byte("\n"))
		if err == io.EOF {
			return n
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}

// consumeBenchMedian runs fn reps times and returns the run with the median time, with the
// highest peak RSS of all runs.
func consumeBenchMedian(reps int, fn func() Result) Result {
	var rs []Result
	var rss int64
	for range reps {
		r := fn()
		rss = max(rss, r.MaxRSSKB)
		rs = append(rs, r)
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].Elapsed < rs[j].Elapsed })
	m := rs[len(rs)/2]
	m.MaxRSSKB = rss
	return m
}

// BenchmarkConsumeVsKcatAndJava reads the same topic (KAFKIT_BENCH_CONSUME_RECORDS records,
// default 1,000,000, of 100 bytes, in 6 partitions) from start to end with kafkit (to
// /dev/null, to a file, as JSON), kcat (plain and -J) and the Java ConsoleConsumer, each
// KAFKIT_BENCH_CONSUME_REPS times (default 3, the median is reported) after one warm-up read.
func BenchmarkConsumeVsKcatAndJava(b *testing.B) {
	n := consumeBenchEnvInt("KAFKIT_BENCH_CONSUME_RECORDS", 1000000)
	reps := consumeBenchEnvInt("KAFKIT_BENCH_CONSUME_REPS", 3)
	const size = 100
	topic := consumeTopic(b, "consume-bench", 6)
	start := time.Now()
	consumeBenchFill(b, topic, n, size)
	b.Logf("produced %d records of %d bytes in %s", n, size, time.Since(start).Round(time.Millisecond))
	mb := float64(n*size) / 1e6
	dir := b.TempDir()
	nstr := strconv.Itoa(n)
	file := filepath.Join(dir, "out")
	// checked runs write to a file whose lines are counted.
	checked := func(name string, args ...string) Result {
		r := consumeBenchRun(b, file, name, args...)
		if got := consumeBenchLines(b, file); got != n {
			b.Fatalf("%s wrote %d lines, want %d", name, got, n)
		}
		_ = os.Remove(file)
		return r
	}
	for i := 0; i < b.N; i++ {
		consumeBenchRun(b, "/dev/null", binPath, "consume", topic, "-o", "start", "-e") // warm-up: broker page cache
		b.ResetTimer()
		kafkitNull := consumeBenchMedian(reps, func() Result {
			return consumeBenchRun(b, "/dev/null", binPath, "consume", topic, "-o", "start", "-e")
		})
		kafkitFile := consumeBenchMedian(reps, func() Result { return checked(binPath, "consume", topic, "-o", "start", "-e") })
		kcatNull := consumeBenchMedian(reps, func() Result {
			return consumeBenchRun(b, "/dev/null", "kcat", "-b", Brokers(), "-C", "-t", topic, "-o", "beginning", "-e", "-q")
		})
		kcatFile := consumeBenchMedian(reps, func() Result {
			return checked("kcat", "-b", Brokers(), "-C", "-t", topic, "-o", "beginning", "-e", "-q")
		})
		java := consumeBenchMedian(reps, func() Result {
			return consumeBenchRun(b, "/dev/null", "java", "-Xmx512m", "-cp", KafkaLib()+"/*", "org.apache.kafka.tools.consumer.ConsoleConsumer",
				"--bootstrap-server", Brokers(), "--topic", topic, "--from-beginning", "--max-messages", nstr)
		})
		kafkitJSON := consumeBenchMedian(reps, func() Result {
			return checked(binPath, "consume", topic, "-o", "start", "-e", "-J")
		})
		kcatJSON := consumeBenchMedian(reps, func() Result {
			return checked("kcat", "-b", Brokers(), "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-J")
		})
		b.StopTimer()

		rate := func(r Result) float64 { return float64(n) / r.Elapsed.Seconds() }
		b.ReportMetric(kafkitNull.Elapsed.Seconds(), "kafkit_s")
		b.ReportMetric(rate(kafkitNull), "kafkit_rec/s")
		b.ReportMetric(mb/kafkitNull.Elapsed.Seconds(), "kafkit_MB/s")
		b.ReportMetric(float64(kafkitNull.MaxRSSKB)/1024, "kafkit_rss_MB")
		b.ReportMetric(kafkitFile.Elapsed.Seconds(), "kafkit_file_s")
		b.ReportMetric(kcatNull.Elapsed.Seconds(), "kcat_s")
		b.ReportMetric(float64(kcatNull.MaxRSSKB)/1024, "kcat_rss_MB")
		b.ReportMetric(kcatFile.Elapsed.Seconds(), "kcat_file_s")
		b.ReportMetric(java.Elapsed.Seconds(), "java_s")
		b.ReportMetric(float64(java.MaxRSSKB)/1024, "java_rss_MB")
		b.ReportMetric(kcatNull.Elapsed.Seconds()/kafkitNull.Elapsed.Seconds(), "ratio_kcat_over_kafkit")
		b.ReportMetric(kcatFile.Elapsed.Seconds()/kafkitFile.Elapsed.Seconds(), "ratio_kcat_file_over_kafkit_file")
		b.ReportMetric(java.Elapsed.Seconds()/kafkitNull.Elapsed.Seconds(), "ratio_java_over_kafkit")
		b.ReportMetric(kafkitJSON.Elapsed.Seconds(), "kafkit_json_s")
		b.ReportMetric(kcatJSON.Elapsed.Seconds(), "kcat_json_s")
		b.ReportMetric(kcatJSON.Elapsed.Seconds()/kafkitJSON.Elapsed.Seconds(), "ratio_kcat_json_over_kafkit_json")
		line := func(name string, r Result) string {
			return fmt.Sprintf("%-26s %6.2fs %9.0f rec/s %6.1f MB/s  peak RSS %4d MB", name, r.Elapsed.Seconds(), rate(r), mb/r.Elapsed.Seconds(), r.MaxRSSKB/1024)
		}
		b.Logf("consume %d x %d B, 6 partitions, median of %d:\n  %s\n  %s\n  %s\n  %s\n  %s\n  %s\n  %s\n  kcat/kafkit %.2fx (to a file %.2fx), java/kafkit %.2fx, kcat -J/kafkit -J %.2fx",
			n, size, reps,
			line("kafkit > /dev/null", kafkitNull), line("kafkit > file", kafkitFile),
			line("kcat -C > /dev/null", kcatNull), line("kcat -C > file", kcatFile),
			line("java ConsoleConsumer", java), line("kafkit -J > file", kafkitJSON), line("kcat -J > file", kcatJSON),
			kcatNull.Elapsed.Seconds()/kafkitNull.Elapsed.Seconds(), kcatFile.Elapsed.Seconds()/kafkitFile.Elapsed.Seconds(),
			java.Elapsed.Seconds()/kafkitNull.Elapsed.Seconds(), kcatJSON.Elapsed.Seconds()/kafkitJSON.Elapsed.Seconds())
	}
}

// BenchmarkConsumeBigTopicRSS reads a topic of about 1 GB (10,000,000 records of 100 bytes;
// KAFKIT_BENCH_BIG_RECORDS to change) and reports kafkit's peak RSS, which the bounded fetch
// buffers keep under 150 MB. About 30 s here, and 3 GB of broker disk while it runs (the topic
// is deleted after): KAFKIT_BENCH_BIG=0 skips it.
func BenchmarkConsumeBigTopicRSS(b *testing.B) {
	if os.Getenv("KAFKIT_BENCH_BIG") == "0" {
		b.Skip("KAFKIT_BENCH_BIG=0")
	}
	n := consumeBenchEnvInt("KAFKIT_BENCH_BIG_RECORDS", 10000000)
	const size = 100
	topic := consumeTopic(b, "consume-big", 6)
	consumeBenchFill(b, topic, n, size)
	for i := 0; i < b.N; i++ {
		b.ResetTimer()
		r := consumeBenchRun(b, "/dev/null", binPath, "consume", topic, "-o", "start", "-e")
		b.StopTimer()
		b.ReportMetric(r.Elapsed.Seconds(), "kafkit_s")
		b.ReportMetric(float64(r.MaxRSSKB)/1024, "kafkit_rss_MB")
		b.ReportMetric(float64(n*size)/1e6/r.Elapsed.Seconds(), "kafkit_MB/s")
		b.Logf("kafkit read %d records (%.0f MB) in %s: %.0f MB/s, peak RSS %d MB (goal <= 150)",
			n, float64(n*size)/1e6, r.Elapsed.Round(time.Millisecond), float64(n*size)/1e6/r.Elapsed.Seconds(), r.MaxRSSKB/1024)
	}
}
