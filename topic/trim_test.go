package topic

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/offsetspec"
	"github.com/kafkit/kafkit/internal/output"
)

func TestOffsetsAndTrim(t *testing.T) {
	env := newEnv(t)
	mustRun(t, env, "create", "orders", "-p", "3")
	base := time.Now().Add(-2 * time.Hour).Truncate(time.Minute)
	produce(t, env, "orders", map[int32]int{0: 5, 1: 2}, base)

	out := mustRun(t, env, "offsets", "orders")
	wantEqual(t, "offsets", out, `TOPIC    PARTITION   EARLIEST   LATEST   RECORDS
orders   0           0          5        5
orders   1           0          2        2
orders   2           0          0        0
`)
	at := base.Add(90 * time.Second).UTC().Format(time.RFC3339)
	out = mustRun(t, env, "offsets", "orders", "--at", at)
	wantEqual(t, "offsets --at", out, `TOPIC    PARTITION   EARLIEST   LATEST   RECORDS   AT
orders   0           0          5        5         2
orders   1           0          2        2         -
orders   2           0          0        0         -
`)
	_, _, err := run(t, env, "offsets", "orders", "--at", "yesterday")
	wantExit(t, err, 2, `bad --at: bad time "yesterday"`)
	out, _, err = run(t, env, "offsets", "orders", "nope")
	wantExit(t, err, 1, `topic "nope" not found`)
	if !strings.HasPrefix(out, "TOPIC    PARTITION") {
		t.Fatalf("found topics not printed: %q", out)
	}

	// Without --yes, trim prints the plan and changes nothing.
	out, _, err = run(t, env, "trim", "orders", "--before", "3")
	wantExit(t, err, 2, `Delete 5 records from topic "orders": stdin is not a terminal, pass --yes to do it`)
	plan := `PARTITION   LOG-START   HIGH-WATERMARK   NEW-LOG-START   DELETED   RESULT
0           0           5                3               3         planned
1           0           2                2               2         planned
2           0           0                0               0         unchanged
`
	wantEqual(t, "trim plan", out, plan)
	out = mustRun(t, env, "offsets", "orders", "-o", "json")
	if !strings.Contains(out, `"total_records": 7`) {
		t.Fatalf("plan without --yes trimmed records:\n%s", out)
	}
	out, errOut, err := run(t, env, "trim", "orders", "--before", "3", "--dry-run")
	if err != nil || out != plan || errOut != "warning: --before 3 is past the end of topic \"orders\" partition 1 (high watermark 2): it deletes every record there; use --before end to say so\nwould delete 5 records from topic \"orders\" (dry run)\n" {
		t.Fatalf("dry run: %v\n%s\n%s", err, out, errOut)
	}
	_, _, err = run(t, env, "trim", "orders", "--before", "1", "-p", "7", "--yes")
	wantExit(t, err, 1, `topic "orders" has no partition 7 (it has 3 partitions)`)
	_, _, err = run(t, env, "trim", "orders")
	wantExit(t, err, 2, "--before is required")

	out, errOut, err = run(t, env, "trim", "orders", "--before", "-1", "-p", "0", "--yes")
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "trim", out, "PARTITION   LOG-START   HIGH-WATERMARK   NEW-LOG-START   DELETED   RESULT\n0           0           5                4               4         trimmed\n")
	wantEqual(t, "trim stderr", errOut, "deleted 4 records from topic \"orders\"\n")
	out = mustRun(t, env, "offsets", "orders")
	wantEqual(t, "offsets after trim", out, `TOPIC    PARTITION   EARLIEST   LATEST   RECORDS
orders   0           4          5        1
orders   1           0          2        2
orders   2           0          0        0
`)
}

func TestTrimAndAlterJSON(t *testing.T) {
	env := newEnv(t)
	mustRun(t, env, "create", "t", "-p", "2")
	produce(t, env, "t", map[int32]int{0: 3, 1: 1}, time.Now())
	out := mustRun(t, env, "trim", "t", "--before", "end", "--yes", "-o", "json")
	wantEqual(t, "trim json", out, `{
  "topic": "t",
  "before": "end",
  "dry_run": false,
  "records_deleted": 4,
  "partitions": [
    {
      "partition": 0,
      "log_start_offset": 0,
      "high_watermark": 3,
      "new_log_start_offset": 3,
      "records_deleted": 3,
      "result": "trimmed"
    },
    {
      "partition": 1,
      "log_start_offset": 0,
      "high_watermark": 1,
      "new_log_start_offset": 1,
      "records_deleted": 1,
      "result": "trimmed"
    }
  ]
}
`)
	out = mustRun(t, env, "alter", "t", "--partitions", "3", "-o", "yaml")
	wantEqual(t, "alter yaml", out, `- topic: t
  change: partitions
  from: "2"
  to: "3"
  result: altered
`)
}

// TestPastEndWarnings is issue 17 #19: --before 99999 on a 1,000-record partition deleted
// everything without a word.
func TestPastEndWarnings(t *testing.T) {
	res := TrimResult{Topic: "t", Partitions: []TrimRow{
		{Partition: 0, LogStart: 0, HighWatermark: 1000, NewLogStart: 1000, RecordsDeleted: 1000},
		{Partition: 1, LogStart: 0, HighWatermark: 0, NewLogStart: 0},
		{Partition: 2, LogStart: 0, HighWatermark: 200000, NewLogStart: 99999, RecordsDeleted: 99999},
	}}
	got := pastEndWarnings(offsetspec.Spec{Kind: offsetspec.Exact, Offset: 99999}, res)
	want := []string{`--before 99999 is past the end of topic "t" partition 0 (high watermark 1000): it deletes every record there; use --before end to say so`}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("warnings = %q", got)
	}
	if got := pastEndWarnings(offsetspec.Spec{Kind: offsetspec.End}, res); got != nil {
		t.Fatalf("--before end warned: %q", got)
	}
}

func TestTrimRunWarnsPastTheEnd(t *testing.T) {
	env := newEnv(t)
	mustRun(t, env, "create", "t", "-p", "1")
	produce(t, env, "t", map[int32]int{0: 1000}, time.Now())
	p := &cmdutil.FakePrompter{Answer: false}
	opts := &trimOptions{IO: env.F.IO, Admin: env.F.Admin, Context: env.F.Context, Printer: output.Printer{Format: output.Table}, Topic: "t", Before: offsetspec.Spec{Kind: offsetspec.Exact, Offset: 99999}, Prompter: p}
	out, errOut, err := runDirect(t, env, func(ctx context.Context) error { return trimRun(ctx, opts) })
	wantExit(t, err, 1, "not confirmed: nothing was changed")
	wantEqual(t, "stdout", out, "PARTITION   LOG-START   HIGH-WATERMARK   NEW-LOG-START   DELETED   RESULT\n0           0           1000             1000            1000      planned\n")
	wantEqual(t, "stderr", errOut, "warning: --before 99999 is past the end of topic \"t\" partition 0 (high watermark 1000): it deletes every record there; use --before end to say so\n")
	if want := []string{`Delete 1000 records from topic "t"?`}; !reflect.DeepEqual(p.Questions, want) {
		t.Fatalf("questions = %q", p.Questions)
	}
}

func TestNewCmdTrim(t *testing.T) {
	env := newEnv(t)
	o, err := parseFlags(t, env, newCmdTrim, "t", "--before", "-1h", "-p", "0,2", "--yes")
	if err != nil || o.Topic != "t" || o.Before.String()[0] != '@' || len(o.Partitions) != 2 || !o.Yes || o.DryRun || o.Prompter == nil {
		t.Fatalf("options %+v (%v)", o, err)
	}
	o, err = parseFlags(t, env, newCmdTrim, "t", "--before", "99999", "--dry-run")
	if err != nil || o.Before.Kind != offsetspec.Exact || o.Before.Offset != 99999 || !o.DryRun {
		t.Fatalf("options %+v (%v)", o, err)
	}
	_, err = parseFlags(t, env, newCmdTrim, "t")
	wantExit(t, err, 2, "--before is required")
	_, err = parseFlags(t, env, newCmdTrim, "t", "--before", "start")
	wantExit(t, err, 2, "deletes nothing")
	_, err = parseFlags(t, env, newCmdTrim, "t", "--before", "1", "-p", "-1")
	wantExit(t, err, 2, "bad --partition -1")
}
