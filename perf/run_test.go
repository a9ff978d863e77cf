package perf

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/testkit"
)

func perfEnv(t *testing.T) *testkit.Env {
	c := testkit.Cluster(t, kfake.SeedTopics(3, "perf-t"))
	return testkit.Factory(t, c)
}

func TestProduceRunJavaLines(t *testing.T) {
	env := perfEnv(t)
	o := &produceOptions{IO: env.F.IO, NewClient: env.F.NewClient, Context: env.F.StreamContext, Now: time.Now,
		Topic: "perf-t", Records: 3000, RecordSize: 10, Acks: "all", Compression: "none", Linger: 5 * time.Millisecond,
		BatchSize: 16384, Interval: time.Hour, Warmup: 100, Java: true, Delimiter: "\n"}
	if err := produceRun(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`^3000 records sent, [0-9.]+ records/sec \([0-9.]+ MB/sec\), [0-9.]+ ms avg latency, [0-9.]+ ms max latency, \d+ ms 50th, \d+ ms 95th, \d+ ms 99th, \d+ ms 99\.9th\.\n$`)
	if !want.MatchString(env.Out.String()) {
		t.Errorf("stdout %q", env.Out)
	}
}

func TestProduceRunJSONAndKeys(t *testing.T) {
	env := perfEnv(t)
	o := &produceOptions{IO: env.F.IO, NewClient: env.F.NewClient, Context: env.F.StreamContext, Now: time.Now, Printer: output.Printer{Format: output.JSON},
		Topic: "perf-t", Records: 500, RecordSize: 20, Keys: 4, Acks: "1", Compression: "zstd", Linger: time.Millisecond, BatchSize: 1 << 20, Interval: time.Hour, Rate: 5000}
	start := time.Now()
	if err := produceRun(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	var r Report
	if err := json.Unmarshal(env.Out.Bytes(), &r); err != nil {
		t.Fatalf("%v: %s", err, env.Out)
	}
	// 20-byte values and 5-byte keys; --rate 5000 makes 500 records take about 100 ms.
	if r.Records != 500 || r.Bytes != 500*25 || r.Errors != 0 || r.Latency.MaxMS <= 0 || time.Since(start) < 90*time.Millisecond {
		t.Errorf("report %+v after %s", r, time.Since(start))
	}
}

func TestProduceRunUnknownTopicFails(t *testing.T) {
	env := perfEnv(t)
	o := &produceOptions{IO: env.F.IO, NewClient: env.F.NewClient, Context: env.F.StreamContext, Now: time.Now, Printer: output.Printer{Format: output.Table},
		Topic: "missing", Records: 10, RecordSize: 1, Acks: "all", Compression: "none", BatchSize: 1 << 20, Interval: time.Hour}
	err := produceRun(context.Background(), o)
	if err == nil || !strings.Contains(err.Error(), "10 records not delivered to missing (first error: UNKNOWN_TOPIC_OR_PARTITION") {
		t.Errorf("err %v\n%s", err, env.Out)
	}
}

func TestConsumeAndLatencyRun(t *testing.T) {
	env := perfEnv(t)
	p := &produceOptions{IO: env.F.IO, NewClient: env.F.NewClient, Context: env.F.StreamContext, Now: time.Now, Printer: output.Printer{Format: output.Table},
		Topic: "perf-t", Records: 2000, RecordSize: 10, Acks: "all", Compression: "none", BatchSize: 1 << 20, Interval: time.Hour}
	if err := produceRun(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	env.Out.Reset()
	c := &consumeOptions{IO: env.F.IO, NewClient: env.F.NewClient, Context: env.F.StreamContext, Now: time.Now,
		Topic: "perf-t", Records: 2000, Group: "perf-g", Idle: 5 * time.Second, FetchSize: 1 << 20, Interval: time.Hour, Java: true}
	if err := consumeRun(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(env.Out.String()), "\n")
	line := regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d:\d{3}, \d{4}-\d\d-\d\d \d\d:\d\d:\d\d:\d{3}, 0\.0191, [0-9.]+, 2000, [0-9.]+, \d+, \d+, [0-9.]+, [0-9.]+$`)
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "start.time, end.time, data.consumed.in.MB") || !line.MatchString(lines[1]) {
		t.Errorf("consumer perf lines:\n%s", env.Out)
	}
	env.Out.Reset()
	l := &latencyOptions{IO: env.F.IO, NewClient: env.F.NewClient, Context: env.F.StreamContext, Now: time.Now, Printer: output.Printer{Format: output.JSON},
		Topic: "perf-t", Records: 20, RecordSize: 10, Acks: "all", Wait: 5 * time.Second}
	if err := latencyRun(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	var r Report
	if err := json.Unmarshal(env.Out.Bytes(), &r); err != nil || r.Records != 20 || r.Latency.P50MS <= 0 {
		t.Errorf("latency report %+v %v", r, err)
	}
}

func TestPerfFlags(t *testing.T) {
	env := perfEnv(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"produce", "t"}, "give exactly one of --records N or --duration D"},
		{[]string{"produce", "t", "--records", "1", "--duration", "1s"}, "give exactly one"},
		{[]string{"produce", "t", "--records", "1", "--acks", "2"}, `--acks "2": use all, 1 or 0`},
		{[]string{"produce", "t", "--records", "1", "--compression", "brotli"}, `--compression "brotli"`},
		{[]string{"consume", "t"}, "give exactly one"},
		{[]string{"latency", "t", "--acks", "0"}, "latency needs an acknowledgement"},
		{[]string{"produce", "t", "--records", "1", "-o", "csv"}, "csv"},
	} {
		cmd := NewCmdPerf(env.F)
		cmd.SetArgs(c.args)
		cmd.SetOut(env.Out)
		cmd.SetErr(env.ErrOut)
		cmd.SilenceUsage, cmd.SilenceErrors = true, true
		err := cmd.Execute()
		if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: exit %d %v, want usage error with %q", c.args, cmdutil.ExitCode(err), err, c.want)
		}
	}
}
