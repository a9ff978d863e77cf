package topic

import (
	"context"
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

// runDirect calls a run function with a context and resets the captured streams first.
func runDirect(t *testing.T, env *testkit.Env, f func(context.Context) error) (string, string, error) {
	t.Helper()
	env.Out.Reset()
	env.ErrOut.Reset()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := f(ctx)
	return env.Out.String(), env.ErrOut.String(), err
}

// metadataWith builds metadata holding the named topics (each with n partitions of 3 replicas)
// and brokers 0-2, for planner tests without a cluster.
func metadataWith(parts int, names ...string) kadm.Metadata {
	m := kadm.Metadata{Topics: kadm.TopicDetails{}}
	for i := int32(0); i < 3; i++ {
		m.Brokers = append(m.Brokers, kgo.BrokerMetadata{NodeID: i})
	}
	for _, n := range names {
		td := kadm.TopicDetail{Topic: n, Partitions: kadm.PartitionDetails{}}
		for p := int32(0); p < int32(parts); p++ {
			td.Partitions[p] = kadm.PartitionDetail{Topic: n, Partition: p, Leader: 0, Replicas: []int32{0, 1, 2}, ISR: []int32{0, 1, 2}}
		}
		m.Topics[n] = td
	}
	return m
}

// results lists "topic action result" per action, for compact planner assertions.
func results(plan []Action) string {
	var b strings.Builder
	for _, a := range plan {
		b.WriteString(a.Topic + " " + a.what() + " " + output.Dash(a.Result))
		if a.Error != "" {
			b.WriteString(": " + a.Error)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// parseFlags runs a verb's cobra command with args and returns the options its RunE built,
// without running the verb (flag -> options tests, no network).
func parseFlags[O any](t *testing.T, env *testkit.Env, newCmd func(*cmdutil.Factory, func(context.Context, *O) error) *cobra.Command, args ...string) (*O, error) {
	t.Helper()
	var got *O
	cmd := newCmd(env.F, func(_ context.Context, o *O) error { got = o; return nil })
	cmd.SetArgs(args)
	cmd.SetOut(env.Out)
	cmd.SetErr(env.ErrOut)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.Execute()
	return got, err
}
