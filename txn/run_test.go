package txn

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/testkit"
)

// fixture is a kfake cluster with topic orders (2 partitions, 2 committed records on each) and
// an open transaction of transactional id writer-0 on orders/0 (1 record, never ended).
type fixture struct {
	env *testkit.Env
	now time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	c := testkit.Cluster(t, kfake.SeedTopics(2, "orders"))
	ctx := context.Background()
	plain, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	for p := int32(0); p < 2; p++ {
		for i := 0; i < 2; i++ {
			if err := plain.ProduceSync(ctx, &kgo.Record{Topic: "orders", Partition: p, Value: []byte("v")}).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
	}
	tx, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.TransactionalID("writer-0"))
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Close()
	if err := tx.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	if err := tx.ProduceSync(ctx, &kgo.Record{Topic: "orders", Partition: 0, Value: []byte("in-txn")}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	return &fixture{env: testkit.Factory(t, c), now: time.Now().Add(time.Hour)}
}

func (fx *fixture) common(format output.Format) common {
	c := newCommon(fx.env.F)
	c.Printer = output.Printer{Format: format}
	c.Now = func() time.Time { return fx.now }
	return c
}

// stamps hides the wall-clock parts of a table (times and ages; the fixture's clock is fixed
// one hour after the cluster's).
var stamps = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ|\b\d+m\d\ds\b|\b59m\d\ds\b|\b1h00m\b`)

func normalize(s string) string { return stamps.ReplaceAllString(s, "T") }

func TestListAndDescribeRun(t *testing.T) {
	fx := newFixture(t)
	opts := &listOptions{common: fx.common(output.Table)}
	if err := listRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	// The coordinator and producer id are kfake's; the columns and the rest are exact.
	want := "TRANSACTIONAL-ID COORDINATOR PRODUCER-ID EPOCH STATE OPEN-FOR PARTITIONS\nwriter-0 C P 0 Ongoing T orders-0"
	got := regexp.MustCompile(`(writer-0\s+)\d+(\s+)\d+`).ReplaceAllString(normalize(fx.env.Out.String()), "${1}C${2}P")
	got = regexp.MustCompile(` +`).ReplaceAllString(strings.TrimSpace(got), " ")
	if got != want {
		t.Errorf("list:\n%s\nwant:\n%s", got, want)
	}
	fx.env.Out.Reset()
	opts = &listOptions{common: fx.common(output.JSON), DurationAbove: 2 * time.Hour}
	if err := listRun(context.Background(), opts); err != nil || strings.TrimSpace(fx.env.Out.String()) != "[]" {
		t.Errorf("--duration-above 2h: %v %s", err, fx.env.Out.String())
	}
	fx.env.Out.Reset()
	d := &describeOptions{common: fx.common(output.JSON), IDs: []string{"writer-0", "nobody"}}
	err := describeRun(context.Background(), d)
	var rows []Transaction
	if jerr := json.Unmarshal(fx.env.Out.Bytes(), &rows); jerr != nil {
		t.Fatal(jerr)
	}
	if err != cmdutil.SilentError || len(rows) != 2 || rows[0].State != "Ongoing" || rows[1].Error == "" ||
		!strings.Contains(fx.env.ErrOut.String(), `error: transaction "nobody"`) {
		t.Errorf("describe: %v %+v\n%s", err, rows, fx.env.ErrOut)
	}
}

func TestProducersAndHangingRun(t *testing.T) {
	fx := newFixture(t)
	p := &producersOptions{common: fx.common(output.JSON), Topics: []topicArg{{Topic: "orders", Partitions: []int32{0}}}, Broker: -1}
	if err := producersRun(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	var rows []ProducerRow
	if err := json.Unmarshal(fx.env.Out.Bytes(), &rows); err != nil {
		t.Fatal(err)
	}
	open := 0
	for _, r := range rows {
		if r.Open() {
			open++
			if r.TransactionalID != "writer-0" || r.StartOffset != 2 {
				t.Errorf("open producer %+v", r)
			}
		}
	}
	if open != 1 {
		t.Errorf("%d open transactions on orders/0, want 1: %+v", open, rows)
	}
	// writer-0 is an hour old by the fixture's clock, but its coordinator tracks it: not hanging.
	fx.env.Out.Reset()
	h := &hangingOptions{common: fx.common(output.Table), Broker: -1, MaxDuration: time.Minute}
	if err := hangingRun(context.Background(), h); err != nil {
		t.Fatalf("find-hanging: %v\n%s", err, fx.env.ErrOut)
	}
	if got := fx.env.Out.String(); got != "TOPIC   PARTITION   PRODUCER-ID   EPOCH   COORDINATOR-EPOCH   START-OFFSET   LAST-TIMESTAMP   OPEN-FOR   TRANSACTIONAL-ID\n" {
		t.Errorf("find-hanging:\n%s", got)
	}
}

func TestAbortRun(t *testing.T) {
	fx := newFixture(t)
	start := int64(2)
	a := &abortOptions{common: fx.common(output.JSON), Topic: "orders", Partition: 0, StartOffset: &start}
	if err := abortRun(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	var got Abort
	if err := json.Unmarshal(fx.env.Out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Result != "would_abort" || got.TransactionalID != "writer-0" || got.CoordinatorEpoch < 0 || fx.env.ErrOut.String() != "(dry run) nothing was written: add --execute to write the abort marker\n" {
		t.Errorf("dry run: %+v\n%s", got, fx.env.ErrOut)
	}
	other := int64(1)
	a.StartOffset = &other
	err := abortRun(context.Background(), a)
	if err == nil || !strings.Contains(err.Error(), "no open transaction starts at offset 1 on orders/0; open there: producer") {
		t.Errorf("wrong start offset: %v", err)
	}
}

func TestAbortFlags(t *testing.T) {
	tests := []struct {
		args, want string
	}{
		{"--topic t --partition 0 --start-offset 5", "t 0 start=5 pid=- exec=false"},
		{"--topic t --partition 2 --producer-id 7 --execute", "t 2 start=- pid=7 exec=true"},
		{"--topic t --partition 0", "usage: name the transaction with --start-offset or with --producer-id (one of them)"},
		{"--topic t --partition 0 --start-offset 1 --producer-id 2", "usage: name the transaction with --start-offset or with --producer-id (one of them)"},
		{"--partition 0 --start-offset 1", "usage: abort needs --topic and --partition"},
		{"--topic t --partition 0 --start-offset 1 --producer-epoch 1", "usage: --producer-epoch and --coordinator-epoch go with --producer-id"},
		{"--topic t --partition 0 --start-offset 1 --execute --dry-run", "usage: --dry-run and --execute contradict each other"},
		{"--topic t --partition -1 --start-offset 1", "usage: --partition -1: give a partition number"},
	}
	for _, tt := range tests {
		ios, _, _, _ := cmdutil.Test()
		var got string
		cmd := newCmdAbort(&cmdutil.Factory{IO: ios}, func(_ context.Context, o *abortOptions) error {
			got = o.Topic + " " + itoa(o.Partition) + " start=" + ptrText(o.StartOffset) + " pid=" + ptrText(o.ProducerID) + " exec=" + map[bool]string{true: "true", false: "false"}[o.Execute]
			return nil
		})
		cmd.SetArgs(strings.Fields(tt.args))
		cmd.SetOut(ios.Out)
		cmd.SetErr(ios.ErrOut)
		if err := cmd.Execute(); err != nil {
			if !cmdutil.IsUsage(err) {
				t.Errorf("%q: %v is not a usage error", tt.args, err)
			}
			got = "usage: " + err.Error()
		}
		if got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.args, got, tt.want)
		}
	}
}

func ptrText(v *int64) string {
	if v == nil {
		return "-"
	}
	return itoa(*v)
}

func TestParseTopicArg(t *testing.T) {
	for in, want := range map[string]string{"orders": "orders []", "orders:0,3": "orders [0 3]", "a.b-c_d:7": "a.b-c_d [7]",
		":1": "error", "orders:x": "error", "orders:-1": "error", "orders:": "error"} {
		a, err := parseTopicArg(in)
		got := fmt.Sprintf("%s %v", a.Topic, a.Partitions)
		if err != nil {
			got = "error"
		}
		if got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

func FuzzParseTopicArg(f *testing.F) {
	for _, s := range []string{"orders", "orders:0,1", ":", "a:b:c", "t:2147483648"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := parseTopicArg(s)
		if err != nil {
			return
		}
		if a.Topic == "" || strings.Contains(a.Topic, ":") {
			t.Fatalf("%q: topic %q", s, a.Topic)
		}
		for _, p := range a.Partitions {
			if p < 0 {
				t.Fatalf("%q: partition %d", s, p)
			}
		}
	})
}
