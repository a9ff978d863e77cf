package consume

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/config"
	"github.com/kafkit/kafkit/internal/testkit"
)

// producer returns a client producing to c with manual partitioning.
func producer(t *testing.T, c *kfake.Cluster) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

func produce(t *testing.T, cl *kgo.Client, recs ...*kgo.Record) {
	t.Helper()
	if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatalf("produce: %v", err)
	}
}

// fill writes n records "p<P>-<i>" to each partition given as partition → n.
func fill(t *testing.T, cl *kgo.Client, topic string, counts map[int32]int) {
	t.Helper()
	var recs []*kgo.Record
	for p, n := range counts {
		for i := 0; i < n; i++ {
			recs = append(recs, &kgo.Record{Topic: topic, Partition: p, Value: []byte(fmt.Sprintf("p%d-%d", p, i))})
		}
	}
	produce(t, cl, recs...)
}

// consume runs `kafkit consume args...` against env and returns its error.
func consume(ctx context.Context, env *testkit.Env, args ...string) error {
	cmd := newCmdConsume(env.F, nil)
	cmd.SetArgs(args)
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	return cmd.ExecuteContext(ctx)
}

func sortedLines(s string) []string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	if len(lines) == 1 && lines[0] == "" {
		return nil
	}
	sort.Strings(lines)
	return lines
}

func TestOffsetsAcrossPartitions(t *testing.T) {
	c := testkit.Cluster(t, kfake.SeedTopics(3, "t"))
	pr := producer(t, c)
	fill(t, pr, "t", map[int32]int{0: 5, 1: 2}) // partition 2 stays empty

	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"-o", "start"}, []string{"0:0", "0:1", "0:2", "0:3", "0:4", "1:0", "1:1"}},
		{[]string{"--from-beginning"}, []string{"0:0", "0:1", "0:2", "0:3", "0:4", "1:0", "1:1"}},
		{[]string{"-o", "-3"}, []string{"0:2", "0:3", "0:4", "1:0", "1:1"}},
		{[]string{"-o", "+3"}, []string{"0:3", "0:4"}},
		{[]string{"-o", "end"}, nil},
		{[]string{"-o", "1", "-p", "0,1"}, []string{"0:1", "0:2", "0:3", "0:4", "1:1"}},
		{[]string{"-o", "-1", "-p", "1"}, []string{"1:1"}},
	}
	for _, tt := range tests {
		env := testkit.Factory(t, c)
		args := append([]string{"t", "-e", "-f", `%p:%o\n`}, tt.args...)
		if err := consume(context.Background(), env, args...); err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		if got := sortedLines(env.Out.String()); !slices.Equal(got, tt.want) {
			t.Errorf("%v: got %v, want %v", tt.args, got, tt.want)
		}
		if env.ErrOut.Len() != 0 {
			t.Errorf("%v: stderr %q", tt.args, env.ErrOut)
		}
	}
}

func TestOffsetByTime(t *testing.T) {
	c := testkit.Cluster(t, kfake.SeedTopics(2, "t"))
	pr := producer(t, c)
	base := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	var recs []*kgo.Record
	for i := 0; i < 4; i++ {
		for p := int32(0); p < 2; p++ {
			recs = append(recs, &kgo.Record{Topic: "t", Partition: p, Value: []byte(fmt.Sprintf("p%d-%d", p, i)), Timestamp: base.Add(time.Duration(i) * time.Minute)})
		}
	}
	produce(t, pr, recs...)
	for _, tt := range []struct {
		at   string
		want []string
	}{
		{"@2026-11-20T10:02:00Z", []string{"p0-2", "p0-3", "p1-2", "p1-3"}},
		{"@2026-11-20T10:01:30Z", []string{"p0-2", "p0-3", "p1-2", "p1-3"}},
		{"@" + strconv.FormatInt(base.Add(3*time.Minute).UnixMilli(), 10), []string{"p0-3", "p1-3"}},
		{"@2026-11-20T09:00:00Z", []string{"p0-0", "p0-1", "p0-2", "p0-3", "p1-0", "p1-1", "p1-2", "p1-3"}},
		{"@2026-11-20T11:00:00Z", nil},
	} {
		env := testkit.Factory(t, c)
		if err := consume(context.Background(), env, "t", "-e", "-o", tt.at); err != nil {
			t.Fatalf("%s: %v", tt.at, err)
		}
		if got := sortedLines(env.Out.String()); !slices.Equal(got, tt.want) {
			t.Errorf("-o %s: got %v, want %v", tt.at, got, tt.want)
		}
	}
}

func TestOutputModes(t *testing.T) {
	c := testkit.Cluster(t, kfake.SeedTopics(1, "t"))
	pr := producer(t, c)
	ts := time.UnixMilli(1764000000000)
	produce(t, pr,
		&kgo.Record{Topic: "t", Key: []byte("k1"), Value: []byte("v1"), Timestamp: ts, Headers: []kgo.RecordHeader{{Key: "h", Value: []byte("x")}}},
		&kgo.Record{Topic: "t", Key: nil, Value: nil, Timestamp: ts},
		&kgo.Record{Topic: "t", Key: []byte{0xff, 0xfe}, Value: []byte{0x00, 0x80}, Timestamp: ts, Headers: []kgo.RecordHeader{{Key: "bin", Value: []byte{0xc3}}, {Key: "nil"}}},
		&kgo.Record{Topic: "t", Key: []byte("j"), Value: []byte(`{"a": 1}`), Timestamp: ts},
	)
	tests := []struct {
		args []string
		want string
	}{
		{nil, "v1\nnull\n\x00\x80\n{\"a\": 1}\n"},
		{[]string{"-f", `%o|%k|%K|%s|%S|%h|%T\n`}, "0|k1|2|v1|2|h=x|1764000000000\n1||-1||-1||1764000000000\n2|\xff\xfe|2|\x00\x80|2|bin=\xc3,nil=NULL|1764000000000\n3|j|1|{\"a\": 1}|8||1764000000000\n"},
		{[]string{"-J"}, `{"topic":"t","partition":0,"offset":0,"timestamp":1764000000000,"key":"k1","value":"v1","headers":[{"key":"h","value":"x"}]}
{"topic":"t","partition":0,"offset":1,"timestamp":1764000000000,"key":null,"value":null,"headers":[]}
{"topic":"t","partition":0,"offset":2,"timestamp":1764000000000,"key":"//4=","key_encoding":"base64","value":"AIA=","value_encoding":"base64","headers":[{"key":"bin","value":"ww==","value_encoding":"base64"},{"key":"nil","value":null}]}
{"topic":"t","partition":0,"offset":3,"timestamp":1764000000000,"key":"j","value":"{\"a\": 1}","headers":[]}
`},
		{[]string{"-J", "--json-values", "-o", "3"}, `{"topic":"t","partition":0,"offset":3,"timestamp":1764000000000,"key":"j","value":{"a": 1},"headers":[]}` + "\n"},
		{[]string{"--print", "key,offset,headers,timestamp,partition", "-n", "2"}, "CreateTime:1764000000000\tPartition:0\tOffset:0\th:x\tk1\tv1\nCreateTime:1764000000000\tPartition:0\tOffset:1\tNO_HEADERS\tnull\tnull\n"},
		{[]string{"--print", "key", "--separator", " => ", "-n", "1"}, "k1 => v1\n"},
	}
	for _, tt := range tests {
		env := testkit.Factory(t, c)
		args := append([]string{"t", "-e", "-o", "start"}, tt.args...)
		if err := consume(context.Background(), env, args...); err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		if got := env.Out.String(); got != tt.want {
			t.Errorf("%v:\ngot  %q\nwant %q", tt.args, got, tt.want)
		}
	}
}

func TestNumAndSummary(t *testing.T) {
	c := testkit.Cluster(t, kfake.SeedTopics(1, "t"))
	fill(t, producer(t, c), "t", map[int32]int{0: 10})
	env := testkit.Factory(t, c)
	env.F.IO.ErrTTY = true // summary on a terminal
	if err := consume(context.Background(), env, "t", "-o", "start", "-n", "3"); err != nil {
		t.Fatal(err)
	}
	if got := env.Out.String(); got != "p0-0\np0-1\np0-2\n" {
		t.Errorf("stdout %q", got)
	}
	if got := env.ErrOut.String(); got != "Consumed 3 records\n" {
		t.Errorf("stderr %q", got)
	}
}

func TestUntilEndSnapshotWhileProducing(t *testing.T) {
	c := testkit.Cluster(t, kfake.SeedTopics(3, "t"))
	pr := producer(t, c)
	fill(t, pr, "t", map[int32]int{0: 50, 1: 30}) // partition 2 empty: done at once
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var produced atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // keep writing while consuming
		defer wg.Done()
		for i := 0; ctx.Err() == nil; i++ {
			pr.Produce(ctx, &kgo.Record{Topic: "t", Partition: int32(i % 3), Value: []byte("late")}, func(*kgo.Record, error) { produced.Add(1) })
			time.Sleep(time.Millisecond)
		}
	}()
	env := testkit.Factory(t, c)
	done := make(chan error, 1)
	go func() { done <- consume(context.Background(), env, "t", "-o", "start", "-e", "-f", `%p:%o:%s\n`) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("-e did not stop while producers keep writing")
	}
	cancel()
	wg.Wait()
	// Every partition is read contiguously from 0; the 80 records there at start are all in.
	next := map[string]int{}
	for _, l := range strings.Split(strings.TrimSpace(env.Out.String()), "\n") {
		f := strings.SplitN(l, ":", 3)
		o, _ := strconv.Atoi(f[1])
		if o != next[f[0]] {
			t.Fatalf("partition %s: offset %d after %d", f[0], o, next[f[0]]-1)
		}
		next[f[0]]++
	}
	if next["0"] < 50 || next["1"] < 30 {
		t.Errorf("missing records from the snapshot: %v", next)
	}
}

func TestUntilEndEmptyTopic(t *testing.T) {
	c := testkit.Cluster(t, kfake.SeedTopics(4, "empty"))
	env := testkit.Factory(t, c)
	start := time.Now()
	if err := consume(context.Background(), env, "empty", "-o", "start", "-e"); err != nil {
		t.Fatal(err)
	}
	if env.Out.Len() != 0 || time.Since(start) > 3*time.Second {
		t.Errorf("stdout %q after %s", env.Out, time.Since(start))
	}
}

func TestIdleTimeout(t *testing.T) {
	c := testkit.Cluster(t, kfake.SeedTopics(1, "t"))
	fill(t, producer(t, c), "t", map[int32]int{0: 2})
	env := testkit.Factory(t, c)
	start := time.Now()
	if err := consume(context.Background(), env, "t", "-o", "start", "--idle-timeout", "500ms"); err != nil {
		t.Fatal(err)
	}
	if got := env.Out.String(); got != "p0-0\np0-1\n" {
		t.Errorf("stdout %q", got)
	}
	if el := time.Since(start); el < 500*time.Millisecond || el > 5*time.Second {
		t.Errorf("stopped after %s", el)
	}
}

// TestInterruptReportsSignal: Ctrl-C ends consume with the Interrupted cause (exit 130/143 in
// main) after writing out what was read.
func TestInterruptReportsSignal(t *testing.T) {
	c := testkit.Cluster(t, kfake.SeedTopics(1, "t"))
	fill(t, producer(t, c), "t", map[int32]int{0: 1})
	env := testkit.Factory(t, c)
	ctx, cancel := context.WithCancelCause(context.Background())
	time.AfterFunc(500*time.Millisecond, func() { cancel(cmdutil.Interrupted{Signal: syscall.SIGINT}) })
	var intr cmdutil.Interrupted
	if err := consume(ctx, env, "t", "-o", "start"); !errors.As(err, &intr) || intr.ExitCode() != 130 {
		t.Fatalf("interrupt: %v", err)
	}
	if got := env.Out.String(); got != "p0-0\n" {
		t.Errorf("stdout %q", got)
	}
}

// pipeWriter accepts limit bytes, then fails like a pipe whose reader has gone (| head).
type pipeWriter struct {
	buf   bytes.Buffer
	limit int
}

func (w *pipeWriter) Write(p []byte) (int, error) {
	if w.buf.Len()+len(p) > w.limit {
		n := w.limit - w.buf.Len()
		w.buf.Write(p[:n])
		return n, syscall.EPIPE
	}
	return w.buf.Write(p)
}

func TestBrokenPipeIsNormalEnd(t *testing.T) {
	c := testkit.Cluster(t, kfake.SeedTopics(1, "t"))
	fill(t, producer(t, c), "t", map[int32]int{0: 1000})
	env := testkit.Factory(t, c)
	pw := &pipeWriter{limit: 20}
	env.F.IO.Out = pw
	if err := consume(context.Background(), env, "t", "-o", "start"); err != nil {
		t.Fatalf("broken pipe: %v", err)
	}
	if !strings.HasPrefix(pw.buf.String(), "p0-0\np0-1\n") || env.ErrOut.Len() != 0 {
		t.Errorf("stdout %q stderr %q", pw.buf.String(), env.ErrOut)
	}
}

func TestErrors(t *testing.T) {
	c := testkit.Cluster(t, kfake.SeedTopics(2, "t"))
	fill(t, producer(t, c), "t", map[int32]int{0: 3})
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"nope", "-o", "start"}, `topic "nope" does not exist`},
		{[]string{"t", "-p", "7"}, `topic "t" has no partition 7 (it has 2: 0 to 1)`},
		{[]string{"t", "-o", "9", "-p", "0"}, "offset 9 is out of range for t/0: it holds offsets 0 to 3"},
		{[]string{"t", "-o", "2"}, "offset 2 is out of range for t/1: it holds offsets 0 to 0"},
		{[]string{"zz.*", "--regex"}, "no topic matches zz.*"},
	} {
		env := testkit.Factory(t, c)
		err := consume(context.Background(), env, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) || cmdutil.ExitCode(err) != 1 {
			t.Errorf("%v: err %v (exit %d), want %q", tt.args, err, cmdutil.ExitCode(err), tt.want)
		}
		if env.Out.Len() != 0 {
			t.Errorf("%v: stdout %q", tt.args, env.Out)
		}
	}
}

func TestRegex(t *testing.T) {
	c := testkit.Cluster(t, kfake.SeedTopics(1, "orders.eu", "orders.us", "other"))
	pr := producer(t, c)
	for _, tp := range []string{"orders.eu", "orders.us", "other"} {
		produce(t, pr, &kgo.Record{Topic: tp, Value: []byte(tp)})
	}
	env := testkit.Factory(t, c)
	if err := consume(context.Background(), env, `orders\..*`, "--regex", "-o", "start", "-e", "-f", `%t %s\n`); err != nil {
		t.Fatal(err)
	}
	if got := sortedLines(env.Out.String()); !slices.Equal(got, []string{"orders.eu orders.eu", "orders.us orders.us"}) {
		t.Errorf("got %v", got)
	}
}

// committed returns the group's committed offsets as "p:offset" strings.
func committed(t *testing.T, env *testkit.Env, group string) map[int32]int64 {
	t.Helper()
	adm, err := env.F.Admin()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := adm.FetchOffsets(context.Background(), group)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int32]int64{}
	resp.Each(func(o kadm.OffsetResponse) { out[o.Partition] = o.At })
	return out
}

func TestGroupCommitsOnlyWritten(t *testing.T) {
	c := testkit.Cluster(t, kfake.SeedTopics(1, "t"))
	fill(t, producer(t, c), "t", map[int32]int{0: 20})

	// -n 5: exactly the five written records are committed.
	env := testkit.Factory(t, c)
	if err := consume(context.Background(), env, "t", "-g", "g", "-o", "start", "-n", "5"); err != nil {
		t.Fatal(err)
	}
	if got := env.Out.String(); got != "p0-0\np0-1\np0-2\np0-3\np0-4\n" {
		t.Errorf("first run %q", got)
	}
	if got := committed(t, env, "g"); got[0] != 5 {
		t.Errorf("committed %v, want 5", got)
	}

	// The reader goes away after 2 records (| head): only what was written is committed;
	// a restart resumes with no gap.
	env = testkit.Factory(t, c)
	pw := &pipeWriter{limit: 10}
	env.F.IO.Out = pw
	if err := consume(context.Background(), env, "t", "-g", "g"); err != nil {
		t.Fatal(err)
	}
	if got := committed(t, env, "g"); got[0] != 7 { // "p0-5\np0-6\n" is exactly 10 bytes
		t.Errorf("committed %d after writing %q", got[0], pw.buf.String())
	}

	// -o applies only without a commit: -o end is ignored, the group resumes.
	env = testkit.Factory(t, c)
	if err := consume(context.Background(), env, "t", "-g", "g", "-o", "end", "-e"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(env.Out.String()), "\n")
	if len(lines) == 0 || lines[len(lines)-1] != "p0-19" {
		t.Fatalf("resume: %q", env.Out.String())
	}
	if lines[0] != "p0-7" {
		t.Errorf("resumed at %s, want p0-7", lines[0])
	}
	if got := committed(t, env, "g"); got[0] != 20 {
		t.Errorf("final commit %v, want 20", got)
	}
}

// TestGroupReaderDiesNoGap: the reader of stdout dies mid-stream (EPIPE in the middle of a
// poll) again and again; each restart must resume at or before the first record not written:
// duplicates allowed, no gap. The real kill -9 is in e2e (TestConsumeGroupKillNoGap).
func TestGroupReaderDiesNoGap(t *testing.T) {
	c := testkit.Cluster(t, kfake.SeedTopics(2, "t"))
	fill(t, producer(t, c), "t", map[int32]int{0: 3000, 1: 3000})
	seen := map[string]bool{}
	rounds := 0
	for ; rounds < 40 && len(seen) < 6000; rounds++ {
		env := testkit.Factory(t, c)
		pw := &pipeWriter{limit: 4000 + 137*rounds}
		env.F.IO.Out = pw
		if err := consume(context.Background(), env, "t", "-g", "gk", "-o", "start", "-e"); err != nil {
			t.Fatal(err)
		}
		out := pw.buf.String()
		if i := strings.LastIndexByte(out, '\n'); i >= 0 {
			out = out[:i] // the last line may be cut by the broken pipe
		} else {
			out = ""
		}
		for _, l := range strings.Fields(out) {
			seen[l] = true
		}
		env.F.Close()
	}
	if rounds < 3 {
		t.Errorf("only %d rounds: the reader did not die mid-stream", rounds)
	}
	for p := 0; p < 2; p++ {
		for i := 0; i < 3000; i++ {
			if !seen[fmt.Sprintf("p%d-%d", p, i)] {
				t.Fatalf("gap: p%d-%d never printed (%d records seen in %d rounds)", p, i, len(seen), rounds)
			}
		}
	}
}

// TestReadCommittedUntilEnd: with transactions, read_committed skips aborted records and -e
// still stops although the last offsets before the end are transaction markers.
func TestReadCommittedUntilEnd(t *testing.T) {
	c := testkit.Cluster(t, kfake.SeedTopics(1, "t"))
	tx, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.TransactionalID("tx"), kgo.DefaultProduceTopic("t"))
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Close()
	ctx := context.Background()
	for _, commit := range []bool{true, false, true} {
		if err := tx.BeginTransaction(); err != nil {
			t.Fatal(err)
		}
		v := "committed"
		if !commit {
			v = "aborted"
		}
		if err := tx.ProduceSync(ctx, &kgo.Record{Value: []byte(v)}).FirstErr(); err != nil {
			t.Fatal(err)
		}
		if err := tx.EndTransaction(ctx, kgo.TransactionEndTry(commit)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		isolation, want string
	}{
		{"read_committed", "committed\ncommitted\n"},
		{"read_uncommitted", "committed\naborted\ncommitted\n"},
	} {
		env := testkit.Factory(t, c)
		done := make(chan error, 1)
		go func() { done <- consume(ctx, env, "t", "-o", "start", "-e", "--isolation", tt.isolation) }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(15 * time.Second):
			t.Fatalf("%s: -e did not stop at the end (transaction markers)", tt.isolation)
		}
		if got := env.Out.String(); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.isolation, got, tt.want)
		}
	}
}

func TestNotAuthorized(t *testing.T) {
	c := testkit.Cluster(t, kfake.SeedTopics(1, "secret", "open"), kfake.EnableSASL(), kfake.EnableACLs(),
		kfake.Superuser("SCRAM-SHA-256", "admin", "admin"),
		kfake.User("SCRAM-SHA-256", "reader", "pw",
			kfake.ACL{Resource: kmsg.ACLResourceTypeTopic, Name: "open", Pattern: kmsg.ACLResourcePatternTypeLiteral, Operation: kmsg.ACLOperationAll, Allow: true}))
	s := testkit.Settings(c.ListenAddrs())
	s.SASL = config.SASL{Mechanism: "SCRAM-SHA-256", User: "reader", Password: "pw"}
	env := testkit.FactoryFor(t, s)
	err := consume(context.Background(), env, "secret", "-o", "start", "-e")
	if err == nil || !strings.Contains(err.Error(), `not authorized to read topic "secret"`) || cmdutil.ExitCode(err) != 1 {
		t.Fatalf("err %v", err)
	}
	env = testkit.FactoryFor(t, s)
	if err := consume(context.Background(), env, "open", "-o", "start", "-e"); err != nil {
		t.Fatalf("allowed topic: %v", err)
	}
}

// TestProgressOnTerminal: with -e, stderr on a terminal and stdout redirected, a progress line
// is drawn on stderr and erased before the summary.
func TestProgressOnTerminal(t *testing.T) {
	c := testkit.Cluster(t, kfake.SeedTopics(2, "t"))
	fill(t, producer(t, c), "t", map[int32]int{0: 2, 1: 1})
	env := testkit.Factory(t, c)
	env.F.IO.ErrTTY = true
	if err := consume(context.Background(), env, "t", "-o", "start", "-e"); err != nil {
		t.Fatal(err)
	}
	if got := env.ErrOut.String(); !strings.HasSuffix(got, "\r\033[KConsumed 3 records\n") {
		t.Errorf("stderr %q", got)
	}
	env = testkit.Factory(t, c)
	env.F.IO.ErrTTY, env.F.IO.OutTTY = true, true // records on the same terminal: no progress
	if err := consume(context.Background(), env, "t", "-o", "start", "-e"); err != nil {
		t.Fatal(err)
	}
	if got := env.ErrOut.String(); got != "Consumed 3 records\n" {
		t.Errorf("stderr %q", got)
	}
}

// failWriter accepts limit bytes, then fails with err (EBADF: a stdout that is not writable).
type failWriter struct {
	buf   bytes.Buffer
	limit int
	err   error
}

func (w *failWriter) Write(p []byte) (int, error) {
	if w.buf.Len()+len(p) > w.limit {
		n := w.limit - w.buf.Len()
		w.buf.Write(p[:n])
		return n, w.err
	}
	return w.buf.Write(p)
}

// TestGroupWriteErrorCommitsWhatWasWritten: a write that fails with EBADF after 25 bytes ends
// consume with exit 1 and a message, and only the records whose last byte was written are
// committed ("p0-0\n" .. "p0-4\n" are 25 bytes; the sixth was cut).
func TestGroupWriteErrorCommitsWhatWasWritten(t *testing.T) {
	c := testkit.Cluster(t, kfake.SeedTopics(1, "t"))
	fill(t, producer(t, c), "t", map[int32]int{0: 1000})
	env := testkit.Factory(t, c)
	env.F.IO.Out = &failWriter{limit: 27, err: syscall.EBADF}
	err := consume(context.Background(), env, "t", "-g", "g", "-o", "start")
	if err == nil || !strings.Contains(err.Error(), "writing output: bad file descriptor") || cmdutil.ExitCode(err) != 1 {
		t.Fatalf("err %v", err)
	}
	if got := committed(t, env, "g"); got[0] != 5 {
		t.Fatalf("committed %d, want the 5 records written whole", got[0])
	}
}
