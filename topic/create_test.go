package topic

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/kafkit/kafkit/internal/output"
)

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

func TestNewCmdCreate(t *testing.T) {
	env := newEnv(t)
	tests := []struct {
		args    []string
		want    string // Names|Partitions|Replication|Configs|IfNotExists|DryRun|Assignment
		wantErr string
	}{
		{args: []string{"a", "b", "a"}, want: "a,b|-1|-1|map[]|false|false|[]"},
		{args: []string{"a", "-p", "3", "-r", "2", "-c", "x.y=1", "--if-not-exists", "--dry-run"}, want: "a|3|2|map[x.y:1]|true|true|[]"},
		{args: []string{"a", "--replica-assignment", "1:2,2:1"}, want: "a|-1|-1|map[]|false|false|[[1 2] [2 1]]"},
		{args: []string{"bad name"}, wantErr: `topic name "bad name" has an illegal character ' ' at position 4`},
		{args: []string{".."}, wantErr: `topic name ".." is not allowed`},
		{args: []string{strings.Repeat("x", 250)}, wantErr: "is 250 characters long; the limit is 249"},
		{args: []string{"x", "-c", "retention.ms"}, wantErr: `bad config "retention.ms": use key=value`},
		{args: []string{"x", "-c", "a=1", "-c", "a=2"}, wantErr: `config "a" given twice`},
		{args: []string{"x", "-p", "0"}, wantErr: "--partitions must be at least 1, got 0"},
		{args: []string{"x", "-r", "0"}, wantErr: "--replication-factor must be between 1 and 32767, got 0"},
		{args: []string{"x", "-p", "2", "--replica-assignment", "1:2"}, wantErr: "--replica-assignment replaces --partitions and --replication-factor"},
		{args: []string{"x", "--replica-assignment", "1:1"}, wantErr: "partition 0 lists broker 1 twice"},
		{args: []string{"x", "-o", "wide"}, wantErr: "unknown output format"},
		{args: []string{}, wantErr: "requires at least 1 arg"},
	}
	for _, tt := range tests {
		var got *createOptions
		cmd := newCmdCreate(env.F, func(_ context.Context, o *createOptions) error { got = o; return nil })
		cmd.SetArgs(tt.args)
		cmd.SetOut(env.Out)
		cmd.SetErr(env.ErrOut)
		err := cmd.Execute()
		if tt.wantErr != "" {
			wantExit(t, err, 2, tt.wantErr)
			continue
		}
		if err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		s := fmt.Sprintf("%s|%d|%d|%v|%v|%v|%v", strings.Join(got.Names, ","), got.Partitions, got.Replication, got.Configs, got.IfNotExists, got.DryRun, got.Assignment)
		if s != tt.want {
			t.Errorf("%v: options %s, want %s", tt.args, s, tt.want)
		}
	}
}

// TestPlanCreate is the create planner without a cluster.
func TestPlanCreate(t *testing.T) {
	st := createState{m: metadataWith(2, "orders", "a_b")}
	tests := []struct {
		names       []string
		ifNotExists bool
		want        string
	}{
		{[]string{"new", "orders"}, false, "new create -\norders create failed: already exists (add --if-not-exists to accept an existing topic)\n"},
		{[]string{"orders"}, true, "orders create exists\n"},
		{[]string{"a.b"}, false, "a.b create failed: collides with the existing topic \"a_b\" ('.' and '_' are the same in Kafka's metric names): Kafka refuses it\n"},
		// issue 17 #8: create must refuse a colliding pair as apply does.
		{[]string{"mc.x", "mc_x"}, false, "mc.x create -\nmc_x create failed: collides with \"mc.x\" in the same command ('.' and '_' are the same in Kafka's metric names): Kafka would create only one of them\n"},
	}
	for _, tt := range tests {
		opts := &createOptions{Names: tt.names, Partitions: -1, Replication: -1, IfNotExists: tt.ifNotExists}
		if got := results(planCreate(opts, st)); got != tt.want {
			t.Errorf("%v: plan\n%s\nwant\n%s", tt.names, got, tt.want)
		}
	}
}

// TestCheckCreate covers the refusals that apply to the whole command.
func TestCheckCreate(t *testing.T) {
	st := createState{m: metadataWith(1), brokers: brokerState{Registered: []int32{0, 1, 2}}}
	down := createState{m: metadataWith(1), brokers: brokerState{Registered: []int32{0, 1, 2}, Down: []int32{2}}}
	tests := []struct {
		opts createOptions
		st   createState
		want string
	}{
		{createOptions{Partitions: 3, Replication: 3}, st, ""},
		{createOptions{Partitions: 3, Replication: 4}, st, "replication factor 4 is more than the 3 brokers in the cluster: use -r 3 or less"},
		// issue 17 #17: one of three brokers down is not "the 2 brokers in the cluster".
		{createOptions{Partitions: 3, Replication: 3}, down, "replication factor 3 needs 3 available brokers, but the cluster has 3 brokers, 1 unavailable (broker 2): start it again, or use -r 2 or less"},
		{createOptions{Partitions: 9999, Replication: 1}, st, ""},
		{createOptions{Partitions: 9999, Replication: 1, Configs: map[string]string{"a": "1"}}, st, "9999 partitions and 1 config are more than Kafka's controller accepts in one request (10000 records: one per topic, partition and config): create it with at most 9998 partitions and add the rest with 'kafkit topic alter --partitions'"},
		{createOptions{Assignment: [][]int32{{0, 7}}}, st, "--replica-assignment: partition 0 names broker 7, which is not in the cluster (brokers: 0,1,2)"},
	}
	for _, tt := range tests {
		err := checkCreate(&tt.opts, tt.st)
		if got := fmt.Sprint(err); tt.want == "" && err != nil || tt.want != "" && got != tt.want {
			t.Errorf("%+v: %v, want %q", tt.opts, err, tt.want)
		}
	}
}

// TestCreateRun calls the run function directly.
func TestCreateRun(t *testing.T) {
	env := newEnv(t)
	opts := func(names ...string) *createOptions {
		return &createOptions{IO: env.F.IO, Admin: env.F.Admin, Context: env.F.Context, Printer: output.Printer{Format: output.Table}, Names: names, Partitions: 2, Replication: -1}
	}
	out, errOut, err := runDirect(t, env, func(ctx context.Context) error { return createRun(ctx, opts("orders", "events")) })
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "stdout", out, "created topic \"events\" (2 partitions, replication factor 3)\ncreated topic \"orders\" (2 partitions, replication factor 3)\n")
	wantEqual(t, "stderr", errOut, "")

	// Validate everything first: one refused topic and nothing is created.
	out, errOut, err = runDirect(t, env, func(ctx context.Context) error { return createRun(ctx, opts("orders", "fresh")) })
	wantExit(t, err, 1, "")
	wantEqual(t, "stdout", out, "")
	wantEqual(t, "stderr", errOut, `error: topic "orders": create failed: already exists (add --if-not-exists to accept an existing topic)
nothing was changed: 1 change failed validation, so the other 1 change was not sent
`)
	// issue 17 #8: "mc.x mc_x" is refused before anything is sent.
	out, errOut, err = runDirect(t, env, func(ctx context.Context) error { return createRun(ctx, opts("mc.x", "mc_x")) })
	wantExit(t, err, 1, "")
	wantEqual(t, "stdout", out, "")
	wantEqual(t, "stderr", errOut, `error: topic "mc_x": create failed: collides with "mc.x" in the same command ('.' and '_' are the same in Kafka's metric names): Kafka would create only one of them
nothing was changed: 1 change failed validation, so the other 1 change was not sent
`)
	if got := strings.Join(topicNames(t, env), ","); got != "events,orders" {
		t.Fatalf("refused creates changed the cluster: %s", got)
	}

	o := opts("j")
	o.DryRun, o.Printer = true, output.Printer{Format: output.JSON}
	out, _, err = runDirect(t, env, func(ctx context.Context) error { return createRun(ctx, o) })
	if err != nil {
		t.Fatal(err)
	}
	var res []CreatedTopic
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res) != 1 || res[0].Result != "would_create" || res[0].Partitions != 2 || res[0].TopicID != "" {
		t.Fatalf("json = %s (%v)", out, err)
	}
}

func TestCreateRefusals(t *testing.T) {
	env := newEnv(t)
	mustRun(t, env, "create", "orders", "-p", "2")

	_, _, err := run(t, env, "create", "x", "-r", "4")
	wantExit(t, err, 1, "replication factor 4 is more than the 3 brokers in the cluster: use -r 3 or less")
	_, _, err = run(t, env, "create", "x", "-c", "retention.msx=1")
	wantExit(t, err, 1, `unknown topic config "retention.msx" (did you mean "retention.ms"?)`)
	_, _, err = run(t, env, "create", "x", "--replica-assignment", "0:7")
	wantExit(t, err, 1, "--replica-assignment: partition 0 names broker 7, which is not in the cluster (brokers: 0,1,2)")

	out, errOut, err := run(t, env, "create", "orders", "-p", "4", "-c", "retention.ms=5", "--if-not-exists")
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "stdout", out, "topic \"orders\" already exists (2 partitions, replication factor 3)\n")
	if !strings.Contains(errOut, `warning: topic "orders" already exists and differs from what was asked: partitions 2, asked 4; retention.ms=`) {
		t.Fatalf("stderr = %q", errOut)
	}
	if got := strings.Join(topicNames(t, env), ","); got != "orders" {
		t.Fatalf("topics after refusals = %s", got)
	}
}

func TestCreateDryRunAndWarnings(t *testing.T) {
	env := newEnv(t)
	mustRun(t, env, "create", "a_b")
	out, errOut, err := run(t, env, "create", "c.d_e", "--dry-run", "-p", "2")
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "stdout", out, "would create topic \"c.d_e\" (2 partitions, replication factor 3) (dry run: validated by the broker)\n")
	wantEqual(t, "stderr", errOut, "warning: topic name \"c.d_e\" mixes '.' and '_': Kafka's metric names cannot tell them apart, so \"c_d_e\" could not exist beside it\n")
	_, errOut, err = run(t, env, "create", "a.b", "--dry-run")
	wantExit(t, err, 1, "")
	if !strings.Contains(errOut, `error: topic "a.b": create failed: collides with the existing topic "a_b"`) {
		t.Errorf("stderr:\n%s", errOut)
	}
	if got := strings.Join(topicNames(t, env), ","); got != "a_b" {
		t.Fatalf("dry run created topics: %s", got)
	}
}
