package topic

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/testkit"
)

// run executes one verb of `topic` against env with captured streams; out and errOut are reset
// first.
func run(t *testing.T, env *testkit.Env, args ...string) (string, string, error) {
	t.Helper()
	env.Out.Reset()
	env.ErrOut.Reset()
	cmd := NewCmdTopic(env.F)
	cmd.SetArgs(args)
	cmd.SetOut(env.Out)
	cmd.SetErr(env.ErrOut)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := cmd.ExecuteContextC(ctx)
	return env.Out.String(), env.ErrOut.String(), err
}

func mustRun(t *testing.T, env *testkit.Env, args ...string) string {
	t.Helper()
	out, errOut, err := run(t, env, args...)
	if err != nil {
		t.Fatalf("topic %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out, errOut)
	}
	return out
}

func newEnv(t *testing.T) *testkit.Env {
	t.Helper()
	return testkit.Factory(t, testkit.Cluster(t))
}

func wantExit(t *testing.T, err error, code int, msg string) {
	t.Helper()
	if got := cmdutil.ExitCode(err); got != code {
		t.Fatalf("exit code %d (%v), want %d", got, err, code)
	}
	if msg != "" && (err == nil || !strings.Contains(err.Error(), msg)) {
		t.Fatalf("error %q does not contain %q", err, msg)
	}
}

func wantEqual(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Fatalf("%s:\n--- got\n%s\n--- want\n%s", what, got, want)
	}
}

// topicNames lists the cluster's topics with a fresh request.
func topicNames(t *testing.T, env *testkit.Env) []string {
	t.Helper()
	cl, err := env.F.Client()
	if err != nil {
		t.Fatal(err)
	}
	m, err := fetchMetadata(context.Background(), cl)
	if err != nil {
		t.Fatal(err)
	}
	return m.Topics.Names()
}

func TestCreateAndList(t *testing.T) {
	env := newEnv(t)
	out := mustRun(t, env, "create", "orders", "-p", "3", "-r", "2", "-c", "retention.ms=1000")
	wantEqual(t, "create", out, "created topic \"orders\" (3 partitions, replication factor 2)\n")
	mustRun(t, env, "create", "payments", "logs.app", "-p", "1")

	out = mustRun(t, env, "list")
	wantEqual(t, "list", out, `NAME       PARTITIONS   REPLICAS
logs.app   1            3
orders     3            2
payments   1            3
`)
	out = mustRun(t, env, "list", "p.*|orders", "-o", "name")
	wantEqual(t, "list regex", out, "orders\npayments\n")
	out = mustRun(t, env, "list", "--no-headers", "nomatch")
	wantEqual(t, "list no match", out, "")

	out = mustRun(t, env, "list", "orders", "-o", "json")
	var rows []ListedTopic
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Name != "orders" || rows[0].Partitions != 3 || rows[0].ReplicationFactor != 2 || rows[0].TopicID == "" || rows[0].Internal {
		t.Fatalf("list json = %+v", rows)
	}
	out = mustRun(t, env, "list", "orders", "-o", "wide")
	wantEqual(t, "list wide", out, "NAME     PARTITIONS   REPLICAS   TOPIC-ID                 INTERNAL   UNDER-REPLICATED   OFFLINE\norders   3            2          "+rows[0].TopicID+"   false      0                  0\n")
}

func TestCreateRefusals(t *testing.T) {
	env := newEnv(t)
	mustRun(t, env, "create", "orders", "-p", "2")

	_, _, err := run(t, env, "create", "bad name")
	wantExit(t, err, 2, `topic name "bad name" has an illegal character ' ' at position 4`)
	_, _, err = run(t, env, "create", "..")
	wantExit(t, err, 2, `topic name ".." is not allowed`)
	_, _, err = run(t, env, "create", strings.Repeat("x", 250))
	wantExit(t, err, 2, "is 250 characters long; the limit is 249")
	_, _, err = run(t, env, "create", "x", "-c", "retention.ms")
	wantExit(t, err, 2, `bad config "retention.ms": use key=value`)
	_, _, err = run(t, env, "create", "x", "-p", "0")
	wantExit(t, err, 2, "--partitions must be at least 1, got 0")
	_, _, err = run(t, env, "create", "x", "-p", "2", "--replica-assignment", "1:2")
	wantExit(t, err, 2, "--replica-assignment replaces --partitions and --replication-factor")
	_, _, err = run(t, env, "create", "x", "-r", "4")
	wantExit(t, err, 1, "replication factor 4 is more than the 3 brokers in the cluster: use -r 3 or less")
	_, _, err = run(t, env, "create", "x", "-c", "retention.msx=1")
	wantExit(t, err, 1, `unknown topic config "retention.msx" (did you mean "retention.ms"?)`)
	_, _, err = run(t, env, "create", "x", "--replica-assignment", "0:7")
	wantExit(t, err, 1, "--replica-assignment: partition 0 names broker 7, which is not in the cluster (brokers: 0,1,2)")

	// An existing topic is a failure unless --if-not-exists; other topics are still created.
	out, errOut, err := run(t, env, "create", "orders", "fresh", "-p", "2")
	wantExit(t, err, 1, "")
	wantEqual(t, "stdout", out, "created topic \"fresh\" (2 partitions, replication factor 3)\n")
	wantEqual(t, "stderr", errOut, "error: cannot create topic \"orders\": already exists (add --if-not-exists to accept an existing topic)\n")

	out, errOut, err = run(t, env, "create", "orders", "-p", "4", "-c", "retention.ms=5", "--if-not-exists")
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "stdout", out, "topic \"orders\" already exists (2 partitions, replication factor 3)\n")
	if !strings.Contains(errOut, `warning: topic "orders" already exists and differs from what was asked: partitions 2, asked 4; retention.ms=`) {
		t.Fatalf("stderr = %q", errOut)
	}
	if got := strings.Join(topicNames(t, env), ","); got != "fresh,orders" {
		t.Fatalf("topics after refusals = %s", got)
	}
}

func TestCreateDryRunAndWarnings(t *testing.T) {
	env := newEnv(t)
	mustRun(t, env, "create", "a_b")
	out, errOut, err := run(t, env, "create", "a.b", "c.d_e", "--dry-run", "-p", "2")
	wantExit(t, err, 1, "")
	// kfake refuses the colliding name like Kafka does; the dry run still validates the rest.
	wantEqual(t, "stdout", out, "would create topic \"c.d_e\" (2 partitions, replication factor 3) (dry run)\n")
	for _, w := range []string{
		`warning: topic name "c.d_e" mixes '.' and '_'`,
		`warning: topic "a.b" collides with the existing topic "a_b"`,
		`error: cannot create topic "a.b": INVALID_TOPIC_EXCEPTION`,
	} {
		if !strings.Contains(errOut, w) {
			t.Errorf("stderr misses %q:\n%s", w, errOut)
		}
	}
	if got := strings.Join(topicNames(t, env), ","); got != "a_b" {
		t.Fatalf("dry run created topics: %s", got)
	}
	out = mustRun(t, env, "create", "j", "-p", "1", "--dry-run", "-o", "json")
	var res []CreatedTopic
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res) != 1 || res[0].Result != "would_create" || res[0].Partitions != 1 {
		t.Fatalf("json = %s (%v)", out, err)
	}
}

func TestAlter(t *testing.T) {
	env := newEnv(t)
	mustRun(t, env, "create", "orders", "-p", "2", "-c", "retention.ms=1000")

	_, _, err := run(t, env, "alter", "orders", "--partitions", "1")
	wantExit(t, err, 1, `cannot decrease the partitions of topic "orders" from 2 to 1: Kafka cannot remove partitions`)
	_, _, err = run(t, env, "alter", "orders")
	wantExit(t, err, 2, "nothing to change")
	_, _, err = run(t, env, "alter", "nope", "--partitions", "3")
	wantExit(t, err, 1, `topic "nope" not found`)
	_, _, err = run(t, env, "alter", "orders", "--set", "bogus.key=1")
	wantExit(t, err, 1, `unknown topic config "bogus.key"`)

	out := mustRun(t, env, "alter", "orders", "--partitions", "4", "--set", "retention.ms=2000", "--dry-run")
	wantEqual(t, "dry run", out, "topic \"orders\": partitions 2 -> 4 (dry run)\ntopic \"orders\": set retention.ms=2000 (was 1000) (dry run)\n")
	out = mustRun(t, env, "describe", "orders", "-o", "json")
	if !strings.Contains(out, `"partitions": 2,`) || !strings.Contains(out, `"value": "1000"`) {
		t.Fatalf("dry run changed the topic:\n%s", out)
	}

	out = mustRun(t, env, "alter", "orders", "--partitions", "4", "--set", "retention.ms=2000", "--set", "cleanup.policy=compact")
	wantEqual(t, "alter", out, "topic \"orders\": partitions 2 -> 4\ntopic \"orders\": set cleanup.policy=compact (was delete)\ntopic \"orders\": set retention.ms=2000 (was 1000)\n")
	out = mustRun(t, env, "alter", "orders", "--delete-config", "retention.ms", "--partitions", "4")
	wantEqual(t, "alter delete", out, "topic \"orders\" already has 4 partitions\ntopic \"orders\": deleted config retention.ms (was 2000; the default applies)\n")
	out = mustRun(t, env, "export", "orders")
	wantEqual(t, "export", out, "topics:\n  - name: orders\n    partitions: 4\n    replication_factor: 3\n    configs:\n      cleanup.policy: compact\n")
}

func TestDelete(t *testing.T) {
	env := newEnv(t)
	mustRun(t, env, "create", "t1", "t2", "keep", "-p", "1")

	_, _, err := run(t, env, "delete")
	wantExit(t, err, 2, "name the topics to delete, or give --regex")
	_, _, err = run(t, env, "delete", "t1", "missing")
	wantExit(t, err, 1, `topic "missing" not found (add --if-exists to ignore missing topics); nothing was deleted`)
	_, errOut, err := run(t, env, "delete", "--regex", "t.")
	wantExit(t, err, 2, "pass --yes to delete these 2 topics")
	wantEqual(t, "stderr", errOut, "--regex \"t.\" matches 2 topics:\n  t1\n  t2\n")
	out := mustRun(t, env, "delete", "--regex", "t.", "--dry-run")
	wantEqual(t, "dry run", out, "would delete topic \"t1\" (dry run)\nwould delete topic \"t2\" (dry run)\n")
	if got := strings.Join(topicNames(t, env), ","); got != "keep,t1,t2" {
		t.Fatalf("refused deletes changed the cluster: %s", got)
	}
	_, _, err = run(t, env, "delete", "--regex", "zz.*", "--yes")
	wantExit(t, err, 1, `no topic matches "zz.*"`)

	out = mustRun(t, env, "delete", "--regex", "t.", "--yes")
	wantEqual(t, "delete", out, "deleted topic \"t1\"\ndeleted topic \"t2\"\n")
	out = mustRun(t, env, "delete", "keep", "gone", "--if-exists", "-o", "json")
	wantEqual(t, "delete json", out, `[
  {
    "name": "gone",
    "result": "not_found"
  },
  {
    "name": "keep",
    "result": "deleted"
  }
]
`)
}

// produce writes n records to each given partition of topic.
func produce(t *testing.T, env *testkit.Env, topic string, perPartition map[int32]int, ts time.Time) {
	t.Helper()
	cl, err := env.F.NewClient(kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	var recs []*kgo.Record
	for p, n := range perPartition {
		for i := 0; i < n; i++ {
			recs = append(recs, &kgo.Record{Topic: topic, Partition: p, Value: []byte("v"), Timestamp: ts.Add(time.Duration(i) * time.Minute)})
		}
	}
	if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

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
	wantExit(t, err, 2, `this deletes 5 records from topic "orders": pass --yes to do it`)
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
	if err != nil || out != plan || errOut != "would delete 5 records from topic \"orders\" (dry run)\n" {
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

func TestDescribe(t *testing.T) {
	env := newEnv(t)
	mustRun(t, env, "create", "orders", "-p", "2", "-c", "retention.ms=1000")
	produce(t, env, "orders", map[int32]int{1: 3}, time.Now())

	out, _, err := run(t, env, "describe", "orders", "missing1", "missing2")
	wantExit(t, err, 1, `topics "missing1", "missing2" not found`)
	id := regexp.MustCompile(`Topic ID:            (\S+)`).FindStringSubmatch(out)
	if id == nil {
		t.Fatalf("no topic id in\n%s", out)
	}
	// kfake picks leaders and replica order itself: mask the placement columns.
	masked := regexp.MustCompile(`(?m)^(\d+)\s+\d+\s+[\d,]+\s+[\d,]+\s+`).ReplaceAllString(out, "$1 <placement> ")
	wantEqual(t, "describe", masked, `Name:                orders
Topic ID:            `+id[1]+`
Partitions:          2
Replication factor:  3
Configs:             retention.ms=1000 (DYNAMIC_TOPIC_CONFIG)

PARTITION   LEADER   REPLICAS   ISR     OFFLINE   LOG-START   HIGH-WATERMARK
0 <placement> -         0           0
1 <placement> -         0           3
`)
	_, _, err = run(t, env, "describe", "missing")
	wantExit(t, err, 1, `topic "missing" not found`)
	_, _, err = run(t, env, "describe", "--regex", "zz")
	wantExit(t, err, 1, `no topic matches "zz"`)
	_, _, err = run(t, env, "describe", "orders", "--regex", "o.*")
	wantExit(t, err, 2, "give topic names or --regex, not both")

	out = mustRun(t, env, "describe", "--regex", "ord.*", "-o", "json")
	var dts []DescribedTopic
	if err := json.Unmarshal([]byte(out), &dts); err != nil {
		t.Fatal(err)
	}
	if len(dts) != 1 || len(dts[0].PartitionDetails) != 2 || *dts[0].PartitionDetails[1].HighWatermark != 3 || dts[0].PartitionDetails[1].SizeBytes == nil || *dts[0].PartitionDetails[1].SizeBytes <= 0 {
		t.Fatalf("describe json = %s", out)
	}
	out = mustRun(t, env, "describe", "orders", "--configs")
	if !strings.Contains(out, "Configs:\n  NAME ") || !regexp.MustCompile(`(?m)^  retention\.ms\s+1000\s+DYNAMIC_TOPIC_CONFIG\s+false$`).MatchString(out) {
		t.Fatalf("describe --configs:\n%s", out)
	}
}

func TestPrintDescribeExact(t *testing.T) {
	v := int64(5)
	hw := int64(9)
	size := int64(1024)
	one := "1000"
	view := []DescribedTopic{{
		Name: "orders", TopicID: "abc", Partitions: 2, ReplicationFactor: 3,
		Configs: []DescribedConfig{{Name: "min.insync.replicas", Value: &[]string{"2"}[0], Source: "STATIC_BROKER_CONFIG"}, {Name: "retention.ms", Value: &one, Source: "DYNAMIC_TOPIC_CONFIG"}},
		PartitionDetails: []DescribedPartition{
			{Partition: 0, Leader: 1, LeaderEpoch: 4, Replicas: []int32{1, 2, 3}, ISR: []int32{1, 2}, Offline: []int32{3}, LogStartOffset: &v, HighWatermark: &hw, SizeBytes: &size},
			{Partition: 1, Leader: -1, Replicas: []int32{2, 3, 1}, ISR: []int32{}, Offline: []int32{}, Error: "LEADER_NOT_AVAILABLE"},
		},
	}}
	ios, _, out, _ := cmdutil.Test()
	opts := &describeOptions{IO: ios, Printer: output.Printer{Format: output.Wide}}
	if err := printDescribe(opts, view); err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "describe wide", out.String(), `Name:                orders
Topic ID:            abc
Partitions:          2
Replication factor:  3
Configs:             min.insync.replicas=2 (STATIC_BROKER_CONFIG)
                     retention.ms=1000 (DYNAMIC_TOPIC_CONFIG)

PARTITION   LEADER   REPLICAS   ISR   OFFLINE   LOG-START   HIGH-WATERMARK   LEADER-EPOCH   SIZE   ERROR
0           1        1,2,3      1,2   3         5           9                4              1024   -
1           -        2,3,1      -     -         -           -                0              -      LEADER_NOT_AVAILABLE
`)
}

func TestListHealthFilters(t *testing.T) {
	p := func(leader int32, reps, isr []int32) kadm.PartitionDetail {
		return kadm.PartitionDetail{Leader: leader, Replicas: reps, ISR: isr}
	}
	tds := kadm.TopicDetails{
		"healthy": {Topic: "healthy", Partitions: kadm.PartitionDetails{0: p(1, []int32{1, 2, 3}, []int32{1, 2, 3})}},
		"under":   {Topic: "under", Partitions: kadm.PartitionDetails{0: p(1, []int32{1, 2, 3}, []int32{1, 2})}},
		"below":   {Topic: "below", Partitions: kadm.PartitionDetails{0: p(1, []int32{1, 2}, []int32{1, 2}), 1: p(2, []int32{2, 1}, []int32{2})}},
		"offline": {Topic: "offline", Partitions: kadm.PartitionDetails{0: p(-1, []int32{1, 2, 3}, []int32{})}},
		"__int":   {Topic: "__int", IsInternal: true, Partitions: kadm.PartitionDetails{0: p(1, []int32{1}, []int32{1})}},
	}
	minISR := map[string]int{"healthy": 2, "under": 2, "below": 3, "offline": 2, "__int": 1}
	names := func(rows []ListedTopic) string {
		var s []string
		for _, r := range rows {
			s = append(s, r.Name)
		}
		return strings.Join(s, ",")
	}
	for _, tt := range []struct {
		h        healthFilter
		internal bool
		want     string
	}{
		{healthFilter{}, false, "below,healthy,offline,under"},
		{healthFilter{}, true, "__int,below,healthy,offline,under"},
		{healthFilter{UnderReplicated: true}, false, "below,offline,under"},
		{healthFilter{UnderMinISR: true}, false, "below,offline"},
		{healthFilter{AtMinISR: true}, false, "under"},
		{healthFilter{AtMinISR: true}, true, "__int,under"},
		{healthFilter{Unavailable: true}, false, "offline"},
		{healthFilter{Unavailable: true, AtMinISR: true}, false, "offline,under"},
	} {
		if got := names(listView(tds, nil, tt.internal, tt.h, minISR)); got != tt.want {
			t.Errorf("%+v internal=%v: %s, want %s", tt.h, tt.internal, got, tt.want)
		}
	}
	rows := listView(tds, nil, false, healthFilter{}, nil)
	if rows[0].Name != "below" || rows[0].UnderReplicatedPartitions != 1 || rows[2].OfflinePartitions != 1 {
		t.Fatalf("counts: %+v", rows)
	}
}

func TestApply(t *testing.T) {
	env := newEnv(t)
	mustRun(t, env, "create", "orders", "-p", "2", "-c", "retention.ms=1000")
	dir := t.TempDir()
	file := filepath.Join(dir, "topics.yaml")
	write := func(s string) {
		if err := os.WriteFile(file, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(`topics:
  - name: orders
    partitions: 4
    configs:
      retention.ms: 1000
      cleanup.policy: compact
  - name: events
    partitions: 3
    replication_factor: 2
    configs:
      segment.bytes: 1048576
  - name: audit
`)
	out, errOut, err := run(t, env, "apply", "-f", file, "--dry-run")
	wantExit(t, err, 3, "")
	wantEqual(t, "plan", out, `TOPIC    ACTION           DETAIL
audit    create           default partitions, default replication factor
events   create           3 partitions, replication factor 2, segment.bytes=1048576
orders   add_partitions   partitions 2 -> 4
orders   set_config       cleanup.policy: delete -> compact
`)
	wantEqual(t, "plan stderr", errOut, "4 changes to apply (dry run)\n")
	if got := strings.Join(topicNames(t, env), ","); got != "orders" {
		t.Fatalf("dry run changed the cluster: %s", got)
	}

	out, errOut, err = run(t, env, "apply", "-f", file)
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	wantEqual(t, "apply", out, `TOPIC    ACTION           DETAIL                                                      RESULT
audit    create           default partitions, default replication factor              done
events   create           3 partitions, replication factor 2, segment.bytes=1048576   done
orders   add_partitions   partitions 2 -> 4                                           done
orders   set_config       cleanup.policy: delete -> compact                           done
`)
	wantEqual(t, "apply stderr", errOut, "applied 4 of 4 changes; the cluster now matches "+file+"\n")

	out, errOut, err = run(t, env, "apply", "-f", file)
	if err != nil || out != "" || errOut != "no changes: 3 topics in "+file+" match the cluster\n" {
		t.Fatalf("re-apply: %v %q %q", err, out, errOut)
	}
	_, _, err = run(t, env, "apply", "-f", file, "--dry-run")
	wantExit(t, err, 0, "")

	// export → apply --dry-run: no changes.
	exported := mustRun(t, env, "export")
	env.In.WriteString(exported)
	_, errOut, err = run(t, env, "apply", "-f", "-", "--dry-run", "--prune-configs")
	if err != nil || errOut != "no changes: 3 topics in <stdin> match the cluster\n" {
		t.Fatalf("export -> apply: %v %q\n%s", err, errOut, exported)
	}

	// JSON plan for scripts.
	write("topics:\n  - name: orders\n    configs:\n      retention.ms: 2000\n")
	out, _, err = run(t, env, "apply", "-f", file, "--dry-run", "-o", "json", "--prune-configs")
	wantExit(t, err, 3, "")
	var rep ApplyReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Changes != 2 || !rep.DryRun || rep.InSync || rep.Actions[0].Action != "set_config" || rep.Actions[0].From != "1000" || rep.Actions[1].Action != "unset_config" || rep.Actions[1].Key != "cleanup.policy" {
		t.Fatalf("json report = %s", out)
	}

	// Refusals apply nothing and exit 1.
	write("topics:\n  - name: orders\n    partitions: 1\n    configs:\n      retention.ms: 2000\n")
	out, _, err = run(t, env, "apply", "-f", file)
	wantExit(t, err, 1, "the plan has 1 refusal that apply cannot do (see the refuse rows); nothing was changed")
	if !strings.Contains(out, "orders   refuse       partitions 4 -> 1: Kafka cannot remove partitions") {
		t.Fatalf("refusal plan:\n%s", out)
	}
	if !strings.Contains(mustRun(t, env, "export", "orders"), `retention.ms: "1000"`) {
		t.Fatal("a refused plan changed a config")
	}

	// A bad file is reported with file:line and nothing is sent.
	write("topics:\n  - name: new1\n  - name: new2\n    partitons: 3\n    configs:\n      retention.msx: 1\n")
	_, _, err = run(t, env, "apply", "-f", file)
	wantExit(t, err, 2, file+`:4: unknown key "partitons" in topic`)
	write("topics:\n  - name: new1\n    configs:\n      retention.msx: 1\n")
	_, _, err = run(t, env, "apply", "-f", file)
	wantExit(t, err, 2, file+`:4: topic "new1": unknown topic config "retention.msx" (did you mean "retention.ms"?)`)
	if got := strings.Join(topicNames(t, env), ","); got != "audit,events,orders" {
		t.Fatalf("bad files changed the cluster: %s", got)
	}
	_, _, err = run(t, env, "apply", "-f", filepath.Join(dir, "missing.yaml"))
	wantExit(t, err, 2, "no such file or directory")
	_, _, err = run(t, env, "apply", "-f", file, "--prune-topics")
	wantExit(t, err, 2, "--prune-topics deletes every topic that is not in the file: add --yes")

	// Prune topics, limited to a scope.
	write("topics:\n  - name: orders\n")
	out, _, err = run(t, env, "apply", "-f", file, "--prune-topics", "--prune-scope", "aud.*", "--yes")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "audit   delete_topic   not in the file") {
		t.Fatalf("prune:\n%s", out)
	}
	if got := strings.Join(topicNames(t, env), ","); got != "events,orders" {
		t.Fatalf("after prune: %s", got)
	}
}

func TestFlagParsing(t *testing.T) {
	env := newEnv(t)
	var got *createOptions
	cmd := newCmdCreate(env.F, func(_ context.Context, o *createOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"a", "b", "a", "-p", "3", "-c", "x.y=1", "--if-not-exists", "-o", "json"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got.Names, ",") != "a,b" || got.Partitions != 3 || got.Replication != -1 || got.Configs["x.y"] != "1" || !got.IfNotExists || got.Printer.Format != output.JSON {
		t.Fatalf("create options = %+v", got)
	}

	var ao *applyOptions
	dir := t.TempDir()
	f := filepath.Join(dir, "t.yaml")
	os.WriteFile(f, []byte("topics:\n  - name: a\n"), 0o600)
	acmd := newCmdApply(env.F, func(_ context.Context, o *applyOptions) error { ao = o; return nil })
	acmd.SetArgs([]string{"-f", f, "--dry-run", "--prune-configs"})
	if err := acmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if len(ao.Specs) != 1 || !ao.DryRun || !ao.PruneConfigs || ao.PruneTopics {
		t.Fatalf("apply options = %+v", ao)
	}

	for _, args := range [][]string{{"list", "-o", "xml"}, {"apply", "-f", f, "-o", "wide"}, {"offsets", "t", "-o", "name"}} {
		_, _, err := run(t, env, args...)
		wantExit(t, err, 2, "unknown output format")
	}

	var to *trimOptions
	tcmd := newCmdTrim(env.F, func(_ context.Context, o *trimOptions) error { to = o; return nil })
	tcmd.SetArgs([]string{"t", "--before", "-1h", "-p", "0,2", "--yes"})
	if err := tcmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if to.Before.String()[0] != '@' || len(to.Partitions) != 2 || !to.Yes {
		t.Fatalf("trim options = %+v", to)
	}
	_ = cobra.Command{}
}

func TestConfirmPrompts(t *testing.T) {
	env := newEnv(t)
	env.F.IO.InTTY = true
	mustRun(t, env, "create", "x1", "x2", "-p", "1")
	produce(t, env, "x1", map[int32]int{0: 4}, time.Now())

	env.In.WriteString("n\n")
	_, errOut, err := run(t, env, "delete", "--regex", "x.")
	wantExit(t, err, 1, "not confirmed: nothing was deleted")
	if !strings.HasSuffix(errOut, "Delete 2 topics? [y/N] ") {
		t.Fatalf("prompt: %q", errOut)
	}
	env.In.Reset()
	env.In.WriteString("y\n")
	out := mustRun(t, env, "delete", "--regex", "x2")
	wantEqual(t, "confirmed delete", out, "deleted topic \"x2\"\n")

	env.In.Reset()
	env.In.WriteString("\n")
	_, errOut, err = run(t, env, "trim", "x1", "--before", "2")
	wantExit(t, err, 1, "not confirmed: nothing was deleted")
	if !strings.HasSuffix(errOut, "Delete 2 records from topic \"x1\"? [y/N] ") {
		t.Fatalf("prompt: %q", errOut)
	}
	env.In.Reset()
	env.In.WriteString("yes\n")
	mustRun(t, env, "trim", "x1", "--before", "2")
	out = mustRun(t, env, "offsets", "x1", "-o", "json")
	wantEqual(t, "offsets json", out, `{
  "partitions": [
    {
      "topic": "x1",
      "partition": 0,
      "earliest": 2,
      "latest": 4,
      "records": 2
    }
  ],
  "total_records": 2
}
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
  result: done
`)
}

func TestListMinISRAgainstKfake(t *testing.T) {
	env := newEnv(t)
	// kfake does not validate configs: a min.insync.replicas above the replica count makes an
	// under-min-ISR topic without stopping brokers.
	mustRun(t, env, "create", "at", "-p", "1", "-c", "min.insync.replicas=3")
	mustRun(t, env, "create", "under", "-p", "1", "-c", "min.insync.replicas=4")
	mustRun(t, env, "create", "fine", "-p", "1")
	wantEqual(t, "at", mustRun(t, env, "list", "--at-min-isr", "-o", "name"), "at\n")
	wantEqual(t, "under", mustRun(t, env, "list", "--under-min-isr", "-o", "name"), "under\n")
	wantEqual(t, "either", mustRun(t, env, "list", "--under-min-isr", "--at-min-isr", "-o", "name"), "at\nunder\n")
	wantEqual(t, "under-replicated", mustRun(t, env, "list", "--under-replicated", "-o", "name"), "")
}
