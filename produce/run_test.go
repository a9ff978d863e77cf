package produce

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/config"
	"github.com/kafkit/kafkit/internal/testkit"
)

// harness is a kfake cluster with a 6-partition topic "t" and a factory with captured streams.
type harness struct {
	c       *kfake.Cluster
	env     *testkit.Env
	signals chan os.Signal // set: the signals after the first interrupt (default: the process's)
}

func newHarness(t *testing.T, opts ...kfake.Opt) *harness {
	t.Helper()
	c := testkit.Cluster(t, append([]kfake.Opt{kfake.DefaultNumPartitions(6)}, opts...)...)
	if err := c.CreateTopic("t", 6, nil); err != nil {
		t.Fatal(err)
	}
	return &harness{c: c, env: testkit.Factory(t, c)}
}

// run parses args (TOPIC included) as the command does and calls produceRun with stdin; it
// returns produceRun's error (or the usage error).
func (h *harness) run(t *testing.T, stdin string, args ...string) error {
	t.Helper()
	return h.runCtx(t, context.Background(), stdin, args...)
}

func (h *harness) runCtx(t *testing.T, ctx context.Context, stdin string, args ...string) error {
	t.Helper()
	h.env.In.Reset()
	h.env.In.WriteString(stdin)
	o, err := parseOptions(h.env.F, args...)
	if err != nil {
		return err
	}
	if h.signals != nil {
		o.Signals = func() (<-chan os.Signal, func()) { return h.signals, func() {} }
	}
	return produceRun(ctx, o)
}

// rec is a consumed record, written for comparison.
type rec struct {
	Partition int32
	Key       string // <null> for null
	Value     string
	Headers   string
	Timestamp int64
}

func (r rec) String() string {
	return fmt.Sprintf("p%d %s=%s [%s]", r.Partition, r.Key, r.Value, r.Headers)
}

func nullable(b []byte) string {
	if b == nil {
		return "<null>"
	}
	return string(b)
}

// consume reads every record of topic, in partition then offset order.
func (h *harness) consume(t *testing.T, topic string) []rec {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(h.c.ListenAddrs()...), kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	want := h.count(t, topic)
	var out []rec
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for int64(len(out)) < want {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("consumed %d of %d records", len(out), want)
		}
		fs.EachRecord(func(r *kgo.Record) {
			var hs []string
			for _, h := range r.Headers {
				hs = append(hs, h.Key+"="+nullable(h.Value))
			}
			out = append(out, rec{r.Partition, nullable(r.Key), nullable(r.Value), strings.Join(hs, ","), r.Timestamp.UnixMilli()})
		})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Partition < out[j].Partition })
	return out
}

// count is the number of records in topic (sum of end offsets).
func (h *harness) count(t *testing.T, topic string) int64 {
	t.Helper()
	adm, err := h.env.F.Admin()
	if err != nil {
		t.Fatal(err)
	}
	ends, err := adm.ListEndOffsets(context.Background(), topic)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	ends.Each(func(o kadm.ListedOffset) { n += o.Offset })
	return n
}

func values(rs []rec) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Value)
	}
	sort.Strings(out)
	return out
}

func strs(rs []rec) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.String())
	}
	sort.Strings(out)
	return out
}

func eq(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\ngot\n  %s\nwant\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestProduceLines(t *testing.T) {
	h := newHarness(t)
	if err := h.run(t, "one\ntwo\r\n\nthree", "t"); err != nil {
		t.Fatal(err)
	}
	eq(t, "values", values(h.consume(t, "t")), []string{"", "one", "three", "two"})
	if s := h.env.ErrOut.String(); s != "" {
		t.Errorf("stderr in a pipe without --summary: %q", s)
	}
}

func TestProduceKeySeparatorNullMarkerSkipEmpty(t *testing.T) {
	h := newHarness(t)
	in := "k1,v1\r\nk2,a,b\n\nNULL,v3\nk4,NULL\n,\n"
	if err := h.run(t, in, "t", "-K", ",", "--null-marker", "NULL", "--skip-empty", "-H", "src=test", "-H", "n=2"); err != nil {
		t.Fatal(err)
	}
	got := h.consume(t, "t")
	var kv []string
	for _, r := range got {
		kv = append(kv, r.Key+"="+r.Value+" ["+r.Headers+"]")
	}
	sort.Strings(kv)
	eq(t, "records", kv, []string{
		"<null>=v3 [src=test,n=2]",
		"= [src=test,n=2]",
		"k1=v1 [src=test,n=2]",
		"k2=a,b [src=test,n=2]",
		"k4=<null> [src=test,n=2]",
	})
}

func TestProduceKeyPlacementIsJavaMurmur2(t *testing.T) {
	h := newHarness(t)
	var in strings.Builder
	for i := range 500 {
		fmt.Fprintf(&in, "key-%d\tv%d\n", i, i)
	}
	if err := h.run(t, in.String(), "t", "-K", `\t`); err != nil {
		t.Fatal(err)
	}
	got := h.consume(t, "t")
	if len(got) != 500 {
		t.Fatalf("%d records, want 500", len(got))
	}
	used := map[int32]bool{}
	for _, r := range got {
		want := (testkit.Murmur2([]byte(r.Key)) & 0x7fffffff) % 6
		if r.Partition != want {
			t.Errorf("key %s on partition %d, Java puts it on %d", r.Key, r.Partition, want)
		}
		used[r.Partition] = true
	}
	if len(used) != 6 {
		t.Errorf("keys used %d partitions, want 6", len(used))
	}
}

func TestProduceFixedKeyPartitionTimestamp(t *testing.T) {
	h := newHarness(t)
	if err := h.run(t, "a\nb\n", "t", "-k", "K", "-p", "4", "--timestamp", "2026-11-20T10:00:00Z"); err != nil {
		t.Fatal(err, h.env.ErrOut.String())
	}
	got := h.consume(t, "t")
	eq(t, "records", strs(got), []string{"p4 K=a []", "p4 K=b []"})
	for _, r := range got {
		if r.Timestamp != time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC).UnixMilli() {
			t.Errorf("timestamp %d", r.Timestamp)
		}
	}
}

func TestProduceJSON(t *testing.T) {
	h := newHarness(t)
	in := `{"key":"k1","value":"v1","headers":{"a":"1","b":null},"partition":2}
{"key_b64":"AP8=","value_b64":"AAEC","partition":5,"timestamp":1700000000000}
{"value":{"n":1, "s":"x"},"partition":0}
{"key":"tomb","value":null,"partition":1}
`
	if err := h.run(t, in, "t", "--input", "json"); err != nil {
		t.Fatal(err)
	}
	got := h.consume(t, "t")
	eq(t, "records", strs(got), []string{
		"p0 <null>={\"n\":1,\"s\":\"x\"} []",
		"p1 tomb=<null> []",
		"p2 k1=v1 [a=1,b=<null>]",
		"p5 \x00\xff=\x00\x01\x02 []",
	})
	for _, r := range got {
		if r.Partition == 5 && r.Timestamp != 1700000000000 {
			t.Errorf("timestamp %d", r.Timestamp)
		}
	}
}

func TestProduceMalformedJSONStopsAtTheLine(t *testing.T) {
	h := newHarness(t)
	in := "{\"value\":\"a\"}\n{\"value\":\"b\"}\n{\"value\": oops}\n{\"value\":\"d\"}\n"
	err := h.run(t, in, "t", "--input", "json")
	if err == nil || err.Error() != "line 3: invalid JSON: invalid character 'o' looking for beginning of value (at byte 11)\n2 of the 2 records before it delivered; nothing after it was sent" {
		t.Fatalf("err = %v", err)
	}
	if cmdutil.ExitCode(err) != 1 {
		t.Errorf("exit %d, want 1", cmdutil.ExitCode(err))
	}
	eq(t, "values", values(h.consume(t, "t")), []string{"a", "b"})
	if got := h.env.ErrOut.String(); got != "" {
		t.Errorf("stderr %q", got)
	}
}

func TestProduceSkipInvalid(t *testing.T) {
	h := newHarness(t)
	in := "{\"value\":\"a\"}\nnot json\n{\"value\":\"c\"}\n[1]\n"
	if err := h.run(t, in, "t", "--input", "json", "--skip-invalid"); err != nil {
		t.Fatal(err)
	}
	eq(t, "values", values(h.consume(t, "t")), []string{"a", "c"})
	want := `warning: skipped 2 invalid lines (--skip-invalid):
  line 2: not a JSON object: each line must be one object such as {"key":"k","value":"v"}
  line 4: not a JSON object: each line must be one object such as {"key":"k","value":"v"}
`
	if got := h.env.ErrOut.String(); got != want {
		t.Errorf("stderr:\n%s\nwant\n%s", got, want)
	}
}

func TestProduceMissingSeparator(t *testing.T) {
	h := newHarness(t)
	err := h.run(t, "k,v\nnokey\nk2,v2\n", "t", "-K", ",")
	if err == nil || err.Error() != `line 2: no key separator "," in the line (pass --allow-missing-key to send such lines with a null key)`+"\n1 of the 1 record before it delivered; nothing after it was sent" {
		t.Fatalf("err = %v", err)
	}
	eq(t, "values", values(h.consume(t, "t")), []string{"v"})

	h2 := newHarness(t)
	if err := h2.run(t, "k,v\nnokey\n", "t", "-K", ",", "--allow-missing-key"); err != nil {
		t.Fatal(err)
	}
	got := strs(h2.consume(t, "t"))
	keyed := fmt.Sprintf("p%d k=v []", (testkit.Murmur2([]byte("k"))&0x7fffffff)%6)
	if len(got) != 2 || !(got[0] == keyed && strings.HasSuffix(got[1], " <null>=nokey []") || got[1] == keyed && strings.HasSuffix(got[0], " <null>=nokey []")) {
		t.Errorf("records %q, want %q and a null-keyed nokey", got, keyed)
	}
}

func TestProduceEmptyInput(t *testing.T) {
	h := newHarness(t)
	if err := h.run(t, "", "t", "--summary"); err != nil {
		t.Fatal(err)
	}
	if n := h.count(t, "t"); n != 0 {
		t.Errorf("%d records", n)
	}
	if !regexp.MustCompile(`^produced 0 records \(0 B\) to t: 0 partitions, \S+, 0 records/s, 0.0 MB/s\n$`).MatchString(h.env.ErrOut.String()) {
		t.Errorf("summary %q", h.env.ErrOut.String())
	}
}

func TestProduceSummary(t *testing.T) {
	h := newHarness(t)
	if err := h.run(t, "a,1\nb,2\nc,3\n", "t", "-K", ",", "--summary"); err != nil {
		t.Fatal(err)
	}
	parts := map[int32]bool{}
	for _, k := range []string{"a", "b", "c"} {
		parts[(testkit.Murmur2([]byte(k))&0x7fffffff)%6] = true
	}
	re := fmt.Sprintf(`^produced 3 records \(6 B\) to t: %d partitions?, \S+, \d+ records/s, 0.0 MB/s\n$`, len(parts))
	if !regexp.MustCompile(re).MatchString(h.env.ErrOut.String()) {
		t.Errorf("summary %q does not match %s", h.env.ErrOut.String(), re)
	}
}

func TestProduceOversizeRecord(t *testing.T) {
	h := newHarness(t)
	if err := h.c.CreateTopic("small", 1, map[string]string{"max.message.bytes": "200"}); err != nil {
		t.Fatal(err)
	}
	in := "short\n" + strings.Repeat("x", 150) + "\n" + strings.Repeat("y", 500) + "\nafter\n"
	err := h.run(t, in, "small")
	want := "line 2: record of 224 bytes is over the 200-byte limit (the topic's max.message.bytes, or --max-record-bytes / --batch-max-bytes)\n1 of the 1 record before it delivered; nothing after it was sent"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v\nwant %s", err, want)
	}
	eq(t, "values", values(h.consume(t, "small")), []string{"short"})

	// Longer than the line limit: named with its size too; --skip-invalid goes on.
	h.env.ErrOut.Reset()
	if err := h.run(t, in, "small", "--skip-invalid"); err != nil {
		t.Fatal(err)
	}
	eq(t, "values", values(h.consume(t, "small")), []string{"after", "short", "short"})
	wantErr := `warning: skipped 2 invalid lines (--skip-invalid):
  line 2: record of 224 bytes is over the 200-byte limit (the topic's max.message.bytes, or --max-record-bytes / --batch-max-bytes)
  line 3: record of 574 bytes is over the 200-byte limit (the topic's max.message.bytes, or --max-record-bytes / --batch-max-bytes)
`
	if got := h.env.ErrOut.String(); got != wantErr {
		t.Errorf("stderr:\n%s\nwant\n%s", got, wantErr)
	}
}

func TestProduceLongLines(t *testing.T) {
	h := newHarness(t)
	if err := h.c.CreateTopic("big", 1, map[string]string{"max.message.bytes": "8000000"}); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("z", 3<<20) // three times the read buffer
	if err := h.run(t, "a\n"+long+"\nb\n", "big"); err != nil {
		t.Fatal(err)
	}
	got := values(h.consume(t, "big"))
	if len(got) != 3 || got[0] != "a" || got[1] != "b" || got[2] != long {
		t.Errorf("got %d records, lengths %d", len(got), len(got[len(got)-1]))
	}
}

func TestProduceRawFiles(t *testing.T) {
	h := newHarness(t)
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.bin"), filepath.Join(dir, "b.bin")
	os.WriteFile(a, []byte{0, '\n', 1, '\r', '\n'}, 0o600)
	os.WriteFile(b, []byte("second\n"), 0o600)
	if err := h.run(t, "", "t", "--input", "raw", "-f", a, "-f", b, "-k", "f", "-p", "1"); err != nil {
		t.Fatal(err)
	}
	eq(t, "records", strs(h.consume(t, "t")), []string{"p1 f=\x00\n\x01\r\n []", "p1 f=second\n []"})
}

func TestProduceFilesInOrderWithPositions(t *testing.T) {
	h := newHarness(t)
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt")
	os.WriteFile(a, []byte("1\n2\n"), 0o600)
	os.WriteFile(b, []byte("3\n{bad\n"), 0o600)
	err := h.run(t, "", "t", "-f", a, "-f", b, "-p", "0", "--input", "json")
	if err == nil || !strings.HasPrefix(err.Error(), a+":1: not a JSON object") {
		t.Fatalf("err = %v", err)
	}
	if err := h.run(t, "", "t", "-f", a, "-f", b, "-p", "0"); err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, r := range h.consume(t, "t") {
		order = append(order, r.Value)
	}
	eq(t, "order", order, []string{"1", "2", "3", "{bad"})
	if err := h.run(t, "", "t", "-f", filepath.Join(dir, "nope")); err == nil || err.Error() != "cannot read "+filepath.Join(dir, "nope")+": no such file or directory" {
		t.Fatalf("missing file: %v", err)
	}
}

func TestProduceTopicMissing(t *testing.T) {
	h := newHarness(t)
	err := h.run(t, "a\n", "nope")
	if err == nil || err.Error() != "topic nope does not exist: create it (kafkit topic create nope) or pass --create-topic" {
		t.Fatalf("err = %v", err)
	}
	if err := h.run(t, "", "created", "--create-topic"); err != nil {
		t.Fatal(err)
	}
	if err := h.run(t, "x\n", "created"); err != nil {
		t.Fatal(err)
	}
	eq(t, "values", values(h.consume(t, "created")), []string{"x"})
}

func TestProducePartitionOutOfRange(t *testing.T) {
	h := newHarness(t)
	err := h.run(t, "a\n", "t", "-p", "6")
	if err == nil || err.Error() != "partition 6 does not exist: topic t has 6 partitions (0-5)" || cmdutil.ExitCode(err) != 2 {
		t.Fatalf("err = %v (exit %d)", err, cmdutil.ExitCode(err))
	}
	err = h.run(t, `{"value":"a","partition":9}`+"\n", "t", "--input", "json")
	if err == nil || err.Error() != "line 1: partition 9 does not exist: topic t has 6 partitions" {
		t.Fatalf("err = %v", err)
	}
}

// failProduce makes every Produce request fail with code for each partition.
func failProduce(c *kfake.Cluster, code int16, keep bool) {
	c.ControlKey(int16(kmsg.Produce), func(kreq kmsg.Request) (kmsg.Response, error, bool) {
		if keep {
			c.KeepControl()
		}
		req := kreq.(*kmsg.ProduceRequest)
		resp := req.ResponseKind().(*kmsg.ProduceResponse)
		for _, rt := range req.Topics {
			st := kmsg.NewProduceResponseTopic()
			st.Topic, st.TopicID = rt.Topic, rt.TopicID
			for _, rp := range rt.Partitions {
				sp := kmsg.NewProduceResponseTopicPartition()
				sp.Partition = rp.Partition
				sp.ErrorCode = code
				st.Partitions = append(st.Partitions, sp)
			}
			resp.Topics = append(resp.Topics, st)
		}
		return resp, nil, true
	})
}

func TestProduceFailuresAreCountedAndReported(t *testing.T) {
	h := newHarness(t)
	failProduce(h.c, kerr.TopicAuthorizationFailed.Code, true)
	err := h.run(t, "a\nb\nc\n", "t", "-p", "0")
	if err != cmdutil.SilentError {
		t.Fatalf("err = %v, want the silent exit 1", err)
	}
	want := `error: 3 of 3 records were not delivered to t (0 delivered):
  line 1: TOPIC_AUTHORIZATION_FAILED: Not authorized to access topics: [Topic authorization failed.]
  line 2: TOPIC_AUTHORIZATION_FAILED: Not authorized to access topics: [Topic authorization failed.]
  line 3: TOPIC_AUTHORIZATION_FAILED: Not authorized to access topics: [Topic authorization failed.]
hint: this user may not write to t: ask for a WRITE ACL on the topic
`
	if got := h.env.ErrOut.String(); got != want {
		t.Errorf("stderr:\n%s\nwant\n%s", got, want)
	}
}

// A user with WRITE on no topic: Kafka 3.x refuses the idempotent producer's InitProducerId
// with CLUSTER_AUTHORIZATION_FAILED before any produce; the hint names the ACL to ask for.
func TestProduceNoProducerIDNamesTheACL(t *testing.T) {
	h := newHarness(t)
	h.c.ControlKey(int16(kmsg.InitProducerID), func(kreq kmsg.Request) (kmsg.Response, error, bool) {
		h.c.KeepControl()
		resp := kreq.(*kmsg.InitProducerIDRequest).ResponseKind().(*kmsg.InitProducerIDResponse)
		resp.ErrorCode = kerr.ClusterAuthorizationFailed.Code
		return resp, nil, true
	})
	if err := h.run(t, "a\n", "t", "-p", "0"); err != cmdutil.SilentError {
		t.Fatalf("err = %v, want the silent exit 1", err)
	}
	got := h.env.ErrOut.String()
	for _, want := range []string{"error: 1 of 1 records were not delivered to t (0 delivered):\n", "CLUSTER_AUTHORIZATION_FAILED",
		"hint: this user may write to no topic, so the broker gave the (idempotent) producer no producer id: ask for a WRITE ACL on t\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("stderr lacks %q:\n%s", want, got)
		}
	}
}

func TestProduceNotEnoughReplicasTimesOut(t *testing.T) {
	h := newHarness(t)
	failProduce(h.c, kerr.NotEnoughReplicas.Code, true)
	var in strings.Builder
	for i := range 8 {
		fmt.Fprintf(&in, "v%d\n", i)
	}
	err := h.run(t, in.String(), "t", "--delivery-timeout", "1s", "--summary")
	if err != cmdutil.SilentError {
		t.Fatalf("err = %v", err)
	}
	got := h.env.ErrOut.String()
	for _, want := range []string{
		"produced 0 records (0 B) to t: 0 partitions,",
		", 8 failed\n",
		"error: 8 of 8 records were not delivered to t (0 delivered):\n",
		": not acknowledged within --delivery-timeout 1s (last error: NOT_ENOUGH_REPLICAS: Messages are rejected since there are fewer in-sync replicas than required.)\n",
		"  ... and 3 more\n",
		"hint: fewer in-sync replicas than min.insync.replicas of t are up",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("stderr lacks %q:\n%s", want, got)
		}
	}
	if !regexp.MustCompile(`\n  line \d: not ack`).MatchString(got) {
		t.Errorf("failures do not name lines:\n%s", got)
	}
}

func TestProducePartialFailure(t *testing.T) {
	h := newHarness(t)
	// Only partition 3 refuses: records elsewhere are delivered, the others reported.
	h.c.ControlKey(int16(kmsg.Produce), func(kreq kmsg.Request) (kmsg.Response, error, bool) {
		h.c.KeepControl()
		req := kreq.(*kmsg.ProduceRequest)
		has3 := false
		for _, rt := range req.Topics {
			for _, rp := range rt.Partitions {
				has3 = has3 || rp.Partition == 3
			}
		}
		if !has3 {
			return nil, nil, false
		}
		// Partition 3 fails for good; others in the same request are asked to retry.
		resp := req.ResponseKind().(*kmsg.ProduceResponse)
		for _, rt := range req.Topics {
			st := kmsg.NewProduceResponseTopic()
			st.Topic, st.TopicID = rt.Topic, rt.TopicID
			for _, rp := range rt.Partitions {
				sp := kmsg.NewProduceResponseTopicPartition()
				sp.Partition, sp.ErrorCode = rp.Partition, kerr.NotLeaderForPartition.Code
				if rp.Partition == 3 {
					sp.ErrorCode = kerr.InvalidRecord.Code
				}
				st.Partitions = append(st.Partitions, sp)
			}
			resp.Topics = append(resp.Topics, st)
		}
		return resp, nil, true
	})
	in := `{"value":"ok1","partition":1}
{"value":"bad","partition":3}
{"value":"ok2","partition":2}
`
	err := h.run(t, in, "t", "--input", "json", "--linger", "0")
	if err != cmdutil.SilentError {
		t.Fatalf("err = %v", err)
	}
	want := "error: 1 of 3 records were not delivered to t (2 delivered):\n  line 2: INVALID_RECORD: This record has failed the validation on the broker and hence been rejected.\n"
	if got := h.env.ErrOut.String(); got != want {
		t.Errorf("stderr:\n%s\nwant\n%s", got, want)
	}
	eq(t, "values", values(h.consume(t, "t")), []string{"ok1", "ok2"})
}

// blockingReader gives lines, then blocks until closed, like a pipe nobody writes to.
type blockingReader struct {
	lines chan string
	buf   string
}

func (b *blockingReader) Read(p []byte) (int, error) {
	if b.buf == "" {
		l, ok := <-b.lines
		if !ok {
			return 0, io.EOF
		}
		b.buf = l
	}
	n := copy(p, b.buf)
	b.buf = b.buf[n:]
	return n, nil
}

func TestProduceInterrupt(t *testing.T) {
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			h := newHarness(t)
			br := &blockingReader{lines: make(chan string, 10)}
			h.env.F.IO.In = br
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			br.lines <- "a\nb\nc\n"
			var wg sync.WaitGroup
			var err error
			wg.Add(1)
			go func() {
				defer wg.Done()
				err = h.runCtx(t, ctx, "", "t", "--linger", "0")
			}()
			deadline := time.Now().Add(5 * time.Second)
			for h.count(t, "t") < 3 && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			cancel(cmdutil.Interrupted{Signal: tc.sig})
			wg.Wait()
			if cmdutil.ExitCode(err) != tc.code {
				t.Fatalf("err = %v (exit %d), want exit %d", err, cmdutil.ExitCode(err), tc.code)
			}
			got := h.env.ErrOut.String()
			if !strings.HasPrefix(got, "delivered before the interrupt: 3 records (3 B) to t:") || !strings.HasSuffix(got, "interrupted: 3 records delivered, 0 not delivered\n") {
				t.Errorf("stderr %q", got)
			}
		})
	}
}

func TestProduceInterruptWhileBrokersRefuse(t *testing.T) {
	// Records in flight that the cluster never acknowledges are not reported as delivered.
	h := newHarness(t)
	failProduce(h.c, kerr.NotEnoughReplicas.Code, true)
	br := &blockingReader{lines: make(chan string, 10)}
	h.env.F.IO.In = br
	br.lines <- "a\nb\n"
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	h.env.F.LoadSettings = func() (cfg config.Settings, w []string, err error) {
		s := testkit.Settings(h.c.ListenAddrs())
		s.Timeout = 500 * time.Millisecond // the bounded wait for in-flight records
		return s, nil, nil
	}
	done := make(chan error)
	go func() { done <- h.runCtx(t, ctx, "", "t") }()
	time.Sleep(500 * time.Millisecond)
	cancel(cmdutil.Interrupted{Signal: syscall.SIGINT})
	select {
	case err := <-done:
		if cmdutil.ExitCode(err) != 130 {
			t.Fatalf("err = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no exit 10s after the interrupt")
	}
	got := h.env.ErrOut.String()
	if !strings.Contains(got, "interrupted: 0 records delivered, 2 not delivered\n") || !strings.Contains(got, "error: 2 of 2 records were not delivered to t (0 delivered):\n") {
		t.Errorf("stderr:\n%s", got)
	}
}

func TestProduceInteractive(t *testing.T) {
	h := newHarness(t)
	h.env.F.IO.InTTY = true
	if err := h.run(t, "a\nb\n", "t", "-p", "2"); err != nil {
		t.Fatal(err)
	}
	want := "> partition 2, offset 0\n> partition 2, offset 1\n> \n"
	if got := h.env.ErrOut.String(); got != want {
		t.Errorf("stderr %q, want %q", got, want)
	}
	// Errors are shown and the session goes on.
	h.env.ErrOut.Reset()
	if err := h.run(t, "nokey\nk,v\n", "t", "-K", ",", "-p", "2"); err != nil {
		t.Fatal(err)
	}
	want = "> error: no key separator \",\" in the line (pass --allow-missing-key to send such lines with a null key)\n> partition 2, offset 2\n> \n"
	if got := h.env.ErrOut.String(); got != want {
		t.Errorf("stderr %q, want %q", got, want)
	}
}

func TestProduceClusterGoneFailsWithinDeliveryTimeout(t *testing.T) {
	// Records whose requests are never answered (the cluster went away) fail after the delivery
	// timeout instead of hanging, and are not counted as delivered.
	h := newHarness(t)
	h.c.ControlKey(int16(kmsg.Produce), func(kmsg.Request) (kmsg.Response, error, bool) {
		h.c.KeepControl()
		return nil, errors.New("gone"), true // the connection drops: no answer, ever
	})
	done := make(chan error, 1)
	go func() { done <- h.run(t, "a\nb\n", "t", "--delivery-timeout", "1s") }()
	select {
	case err := <-done:
		if err != cmdutil.SilentError {
			t.Fatalf("err = %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("still producing 20s after a 1s delivery timeout")
	}
	if got := h.env.ErrOut.String(); !strings.Contains(got, "error: 2 of 2 records were not delivered to t (0 delivered):\n  line 1: not acknowledged within --delivery-timeout 1s") {
		t.Errorf("stderr:\n%s", got)
	}
}

// withTimeout sets the --timeout of the harness's factory.
func (h *harness) withTimeout(d time.Duration) {
	h.env.F.LoadSettings = func() (config.Settings, []string, error) {
		s := testkit.Settings(h.c.ListenAddrs())
		s.Timeout = d
		return s, nil, nil
	}
}

// runBounded runs produce and fails the test if it has not returned within limit.
func (h *harness) runBounded(t *testing.T, limit time.Duration, stdin string, args ...string) (error, time.Duration) {
	t.Helper()
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- h.run(t, stdin, args...) }()
	select {
	case err := <-done:
		return err, time.Since(start)
	case <-time.After(limit):
		t.Fatalf("still producing after %s", limit)
		return nil, 0
	}
}

func TestProduceTimeoutBoundsDelivery(t *testing.T) {
	// Without --delivery-timeout, --timeout bounds each record: with the cluster refusing
	// (NOT_ENOUGH_REPLICAS) or not answering at all, the run ends after about --timeout with
	// exit 1, the count and the reason. (It ran the 2-minute delivery timeout before.)
	ner := kerr.NotEnoughReplicas.Error()
	for _, tc := range []struct {
		name    string
		control func(h *harness)
		args    []string
		reason  string
		hint    string
	}{
		{"not enough replicas", func(h *harness) { failProduce(h.c, kerr.NotEnoughReplicas.Code, true) }, nil,
			"not acknowledged within --timeout 1s (last error: " + ner + ")",
			"hint: fewer in-sync replicas than min.insync.replicas of t are up: check the brokers (kafkit cluster info), or produce with --acks 1 if losing records is acceptable\n"},
		{"no answer", func(h *harness) {
			h.c.ControlKey(int16(kmsg.Produce), func(kmsg.Request) (kmsg.Response, error, bool) {
				h.c.KeepControl()
				return nil, errors.New("gone"), true // the connection drops: no answer, ever
			})
		}, nil, "not acknowledged within --timeout 1s",
			"hint: records time out when brokers are down or overloaded: check the brokers (kafkit cluster info), or give each record longer with --delivery-timeout (e.g. 2m)\n"},
		{"--delivery-timeout wins", func(h *harness) { failProduce(h.c, kerr.NotEnoughReplicas.Code, true) }, []string{"--delivery-timeout", "2s"},
			"not acknowledged within --delivery-timeout 2s (last error: " + ner + ")", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.withTimeout(time.Second)
			tc.control(h)
			err, took := h.runBounded(t, 15*time.Second, "a\nb\nc\n", append([]string{"t", "-p", "0"}, tc.args...)...)
			if err != cmdutil.SilentError {
				t.Fatalf("err = %v, want the silent exit 1", err)
			}
			if bound := map[bool]time.Duration{false: time.Second, true: 2 * time.Second}[tc.args != nil]; took < bound || took > bound+3*time.Second {
				t.Errorf("took %s, want about %s", took, bound)
			}
			got := h.env.ErrOut.String()
			if tc.hint == "" {
				got, _, _ = strings.Cut(got, "hint: ")
			}
			want := "error: 3 of 3 records were not delivered to t (0 delivered):\n" +
				"  line 1: " + tc.reason + "\n  line 2: " + tc.reason + "\n  line 3: " + tc.reason + "\n" + tc.hint
			if tc.name == "no answer" {
				// The reason of a connection that drops is the client's text: not pinned here.
				got = regexp.MustCompile(` \(last error: [^\n]*\)`).ReplaceAllString(got, "")
			}
			if got != want {
				t.Errorf("stderr:\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func TestProduceSecondInterruptStopsAtOnce(t *testing.T) {
	// After Ctrl-C, kafkit waits up to --timeout (here 30s) for records in flight; a second
	// Ctrl-C ends that wait at once with the same report and exit 130. (It was ignored.)
	h := newHarness(t)
	h.withTimeout(30 * time.Second)
	failProduce(h.c, kerr.NotEnoughReplicas.Code, true)
	h.signals = make(chan os.Signal, 1)
	br := &blockingReader{lines: make(chan string, 10)}
	h.env.F.IO.In = br
	br.lines <- "a\nb\n"
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	done := make(chan error, 1)
	go func() { done <- h.runCtx(t, ctx, "", "t", "-p", "0") }()
	time.Sleep(500 * time.Millisecond)
	cancel(cmdutil.Interrupted{Signal: syscall.SIGINT})
	time.Sleep(300 * time.Millisecond)
	second := time.Now()
	h.signals <- syscall.SIGINT
	select {
	case err := <-done:
		if cmdutil.ExitCode(err) != 130 {
			t.Fatalf("err = %v, want exit 130", err)
		}
		if took := time.Since(second); took > 2*time.Second {
			t.Errorf("exited %s after the second interrupt", took)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no exit 10s after the second interrupt")
	}
	got := h.env.ErrOut.String()
	summary, rest, _ := strings.Cut(got, "\n")
	if !regexp.MustCompile(`^delivered before the interrupt: 0 records \(0 B\) to t: 0 partitions, \S+, 0 records/s, 0.0 MB/s, 2 failed$`).MatchString(summary) {
		t.Errorf("summary %q", summary)
	}
	want := `error: 2 of 2 records were not delivered to t (0 delivered):
  line 1: not acknowledged before kafkit stopped
  line 2: not acknowledged before kafkit stopped
interrupted again: stopped without waiting for the records in flight (a record not acknowledged may still have been written)
interrupted: 0 records delivered, 2 not delivered
`
	if rest != want {
		t.Errorf("stderr:\n%s\nwant\n%s", rest, want)
	}
}

func TestProduceStopsReadingAfterATimeout(t *testing.T) {
	// Once a record is not acknowledged within --timeout, kafkit sends nothing more, even if
	// the input goes on (or waits, as a pipe nobody writes to): it says where it stopped.
	h := newHarness(t)
	h.withTimeout(time.Second)
	failProduce(h.c, kerr.NotEnoughReplicas.Code, true)
	br := &blockingReader{lines: make(chan string, 10)}
	defer close(br.lines)
	h.env.F.IO.In = br
	br.lines <- "a\nb\n"
	done := make(chan error, 1)
	go func() { done <- h.run(t, "", "t", "-p", "0") }()
	var err error
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("still producing 10s after records timed out with --timeout 1s")
	}
	if err != cmdutil.SilentError {
		t.Fatalf("err = %v", err)
	}
	reason := "not acknowledged within --timeout 1s (last error: " + kerr.NotEnoughReplicas.Error() + ")"
	want := "error: 2 of 2 records were not delivered to t (0 delivered):\n  line 1: " + reason + "\n  line 2: " + reason + "\n" +
		"hint: fewer in-sync replicas than min.insync.replicas of t are up: check the brokers (kafkit cluster info), or produce with --acks 1 if losing records is acceptable\n" +
		"stopped reading after 2 records: records were not acknowledged within --timeout 1s, so nothing after that was sent\n"
	if got := h.env.ErrOut.String(); got != want {
		t.Errorf("stderr:\n%s\nwant\n%s", got, want)
	}
}

func TestProduceTimeoutBoundsAStuckClient(t *testing.T) {
	// Produce requests answered only after 3s: records in flight cannot be failed by the client
	// before the answer, and the run still ends after about --timeout (1s), the records
	// reported as not acknowledged in time. (The real cluster's case: two of three brokers
	// down, a producer ID that cannot be had, 9s with --timeout 5s.)
	h := newHarness(t)
	h.withTimeout(time.Second)
	h.c.ControlKey(int16(kmsg.Produce), func(kreq kmsg.Request) (kmsg.Response, error, bool) {
		h.c.KeepControl()
		h.c.SleepControl(func() { time.Sleep(3 * time.Second) })
		return nil, nil, false // then answered as usual
	})
	err, took := h.runBounded(t, 15*time.Second, "a\nb\n", "t", "-p", "0")
	if err != cmdutil.SilentError {
		t.Fatalf("err = %v", err)
	}
	if took > 2500*time.Millisecond {
		t.Errorf("took %s with --timeout 1s", took)
	}
	want := "error: 2 of 2 records were not delivered to t (0 delivered):\n  line 1: not acknowledged within --timeout 1s\n  line 2: not acknowledged within --timeout 1s\n" +
		"hint: records time out when brokers are down or overloaded: check the brokers (kafkit cluster info), or give each record longer with --delivery-timeout (e.g. 2m)\n"
	if got := h.env.ErrOut.String(); got != want {
		t.Errorf("stderr:\n%s\nwant\n%s", got, want)
	}
}
