//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"github.com/kafkit/kafkit/internal/testkit"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// produceTopic creates a topic (partitions, replication factor, configs) and deletes it when
// the test ends.
func produceTopic(t testing.TB, prefix string, partitions int32, rf int16, configs map[string]*string) string {
	t.Helper()
	name := Unique(t, prefix)
	adm := Admin(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, err := adm.CreateTopic(ctx, partitions, rf, configs, name)
	if err == nil {
		err = resp.Err
	}
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = Admin(t).DeleteTopics(ctx, name)
	})
	// Wait until every broker knows the topic, so the first produce does not race creation.
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		md, err := adm.Metadata(ctx, name)
		if err == nil {
			if td, ok := md.Topics[name]; ok && td.Err == nil && len(td.Partitions) == int(partitions) {
				ok := true
				for _, p := range td.Partitions {
					ok = ok && p.Leader >= 0
				}
				if ok {
					return name
				}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("topic %s not ready", name)
	return ""
}

// produceConsumed is one record read back with kcat.
type produceConsumed struct {
	Partition int
	Key       string
	Value     string
	Headers   string
}

// produceKcatAll reads every record of topic with kcat (an independent client): partition,
// key, value and headers, separated by US/RS control characters so that commas and tabs in
// the data are kept.
func produceKcatAll(t testing.TB, topic string) []produceConsumed {
	t.Helper()
	var r Result
	for try := 0; try < 20; try++ { // a new topic may not be known to every broker yet
		r = Kcat(t, "", "-C", "-e", "-q", "-o", "beginning", "-t", topic, "-f", "%p\x1f%k\x1f%s\x1f%h\x1e")
		if r.Code == 0 || !strings.Contains(r.Stderr, "Unknown topic") {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	if r.Code != 0 {
		t.Fatalf("kcat: %s", r)
	}
	var out []produceConsumed
	for _, rec := range strings.Split(r.Stdout, "\x1e") {
		if rec == "" {
			continue
		}
		f := strings.Split(rec, "\x1f")
		if len(f) != 4 {
			t.Fatalf("kcat record %q", rec)
		}
		p, _ := strconv.Atoi(f[0])
		out = append(out, produceConsumed{p, f[1], f[2], f[3]})
	}
	return out
}

func producePartitionFor(key string, n int32) int {
	return int((testkit.Murmur2([]byte(key)) & 0x7fffffff) % n)
}

func TestProduceKeyed100kRoundTrip(t *testing.T) {
	topic := produceTopic(t, "produce-keyed", 6, 3, nil)
	const n = 100_000
	var in strings.Builder
	want := make([]string, 0, n)
	for i := range n {
		k, v := fmt.Sprintf("key-%d", i%5000), fmt.Sprintf("value-%06d,with,commas", i)
		fmt.Fprintf(&in, "%s,%s\n", k, v)
		want = append(want, fmt.Sprintf("%d|%s|%s|src=e2e,n=1", producePartitionFor(k, 6), k, v))
	}
	file := WriteFile(t, "keyed.txt", in.String())
	r := MustKafkit(t, "", "produce", topic, "-f", file, "-K", ",", "-H", "src=e2e", "-H", "n=1", "--summary")
	if !regexp.MustCompile(`^produced 100000 records \(\d+\.\d MB\) to ` + topic + `: 6 partitions, `).MatchString(r.Stderr) {
		t.Errorf("summary: %s", r.Stderr)
	}
	got := produceKcatAll(t, topic)
	gotS := make([]string, 0, len(got))
	for _, c := range got {
		gotS = append(gotS, fmt.Sprintf("%d|%s|%s|%s", c.Partition, c.Key, c.Value, c.Headers))
	}
	sort.Strings(want)
	sort.Strings(gotS)
	if len(gotS) != n {
		t.Fatalf("consumed %d records, want %d", len(gotS), n)
	}
	for i := range want {
		if want[i] != gotS[i] {
			t.Fatalf("record mismatch (first of possibly many): got %q want %q", gotS[i], want[i])
		}
	}
}

func TestProduceUnkeyed100kRoundTrip(t *testing.T) {
	topic := produceTopic(t, "produce-unkeyed", 6, 3, nil)
	const n = 100_000
	var in strings.Builder
	for i := range n {
		fmt.Fprintf(&in, "unkeyed value %06d\r\n", i) // CRLF input
	}
	r := MustKafkit(t, in.String(), "produce", topic)
	if r.Stderr != "" {
		t.Errorf("stderr in a pipe: %q", r.Stderr)
	}
	got := produceKcatAll(t, topic)
	if len(got) != n {
		t.Fatalf("consumed %d records, want %d", len(got), n)
	}
	seen := make(map[string]bool, n)
	parts := map[int]int{}
	for _, c := range got {
		if c.Key != "" || c.Headers != "" {
			t.Fatalf("unexpected key/headers: %+v", c)
		}
		seen[c.Value] = true
		parts[c.Partition]++
	}
	for i := range n {
		if v := fmt.Sprintf("unkeyed value %06d", i); !seen[v] {
			t.Fatalf("value %q missing", v)
		}
	}
	if len(parts) < 2 {
		t.Errorf("unkeyed records all on one partition: %v", parts)
	}
	// Order within a partition is the input order.
	last := map[int]string{}
	for _, c := range got {
		if c.Value < last[c.Partition] {
			t.Fatalf("partition %d out of order: %q after %q", c.Partition, c.Value, last[c.Partition])
		}
		last[c.Partition] = c.Value
	}
}

func TestProduceKeyPlacementMatchesJavaProducer(t *testing.T) {
	javaTopic := produceTopic(t, "produce-java", 6, 3, nil)
	kafkitTopic := produceTopic(t, "produce-kafkit", 6, 3, nil)
	var in strings.Builder
	for i := range 3000 {
		fmt.Fprintf(&in, "user-%d-%x,v%d\n", i, i*7919, i)
	}
	jr := JavaTool(t, in.String(), "org.apache.kafka.tools.ConsoleProducer", "--bootstrap-server", Brokers(), "--topic", javaTopic,
		"--property", "parse.key=true", "--property", "key.separator=,")
	if jr.Code != 0 {
		t.Fatalf("java producer: %s", jr)
	}
	MustKafkit(t, in.String(), "produce", kafkitTopic, "-K", ",")
	placement := func(topic string) map[string]int {
		m := map[string]int{}
		for _, c := range produceKcatAll(t, topic) {
			m[c.Key] = c.Partition
		}
		return m
	}
	jp, kp := placement(javaTopic), placement(kafkitTopic)
	if len(jp) != 3000 || len(kp) != 3000 {
		t.Fatalf("keys: java %d, kafkit %d, want 3000", len(jp), len(kp))
	}
	used := map[int]bool{}
	for k, p := range jp {
		if kp[k] != p {
			t.Errorf("key %s: Java chose partition %d, kafkit %d", k, p, kp[k])
		}
		used[p] = true
	}
	if len(used) != 6 {
		t.Errorf("keys spread over %d partitions, want 6", len(used))
	}
}

func TestProduceJSONInput(t *testing.T) {
	topic := produceTopic(t, "produce-json", 6, 3, nil)
	// A timestamp an hour ago: an old one would be deleted at once by retention.ms (7 days).
	ts0 := time.Now().Add(-time.Hour).UnixMilli()
	in := `{"key":"k1","value":"plain","headers":{"trace":"t1","kind":"a"}}
{"key":"k2","value":{"nested":[1,2]},"partition":4}
{"key_b64":"azM=","value_b64":"aGVsbG8gYmluYXJ5","headers":[["h","1"],["h","2"]],"partition":1,"timestamp":` + strconv.FormatInt(ts0, 10) + `}
`
	MustKafkit(t, in, "produce", topic, "--input", "json")
	got := produceKcatAll(t, topic)
	var s []string
	for _, c := range got {
		s = append(s, fmt.Sprintf("%d|%s|%s|%s", c.Partition, c.Key, c.Value, c.Headers))
	}
	sort.Strings(s)
	want := []string{
		"1|k3|hello binary|h=1,h=2",
		"4|k2|{\"nested\":[1,2]}|",
		fmt.Sprintf("%d|k1|plain|trace=t1,kind=a", producePartitionFor("k1", 6)),
	}
	sort.Strings(want)
	if strings.Join(s, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(s, "\n"), strings.Join(want, "\n"))
	}
	ts := Kcat(t, "", "-C", "-e", "-q", "-o", "beginning", "-t", topic, "-p", "1", "-f", "%T\n")
	if strings.TrimSpace(ts.Stdout) != strconv.FormatInt(ts0, 10) {
		t.Errorf("timestamp: %s", ts)
	}

	// A malformed line: named, exit 1, nothing after it sent.
	bad := produceTopic(t, "produce-json-bad", 1, 3, nil)
	r := Kafkit(t, "{\"value\":\"a\"}\n{\"value\":\n{\"value\":\"c\"}\n", "produce", bad, "--input", "json")
	if r.Code != 1 || !strings.Contains(r.Stderr, "error: line 2: invalid JSON:") {
		t.Fatalf("malformed: %s", r)
	}
	if got := produceKcatAll(t, bad); len(got) != 1 || got[0].Value != "a" {
		t.Errorf("records after a malformed line: %+v", got)
	}
}

func TestProduceMissingTopicAndOversize(t *testing.T) {
	missing := Unique(t, "produce-missing")
	r := Kafkit(t, "x\n", "produce", missing)
	if r.Code != 1 || !strings.Contains(r.Stderr, "error: topic "+missing+" does not exist: create it (kafkit topic create "+missing+") or pass --create-topic") {
		t.Fatalf("missing topic: %s", r)
	}
	mb := "2000"
	topic := produceTopic(t, "produce-small", 1, 3, map[string]*string{"max.message.bytes": &mb})
	r = Kafkit(t, "ok\n"+strings.Repeat("x", 5000)+"\nafter\n", "produce", topic)
	if r.Code != 1 || !strings.Contains(r.Stderr, "error: line 2: record of 5074 bytes is over the 2000-byte limit") {
		t.Fatalf("oversize: %s", r)
	}
	if got := produceKcatAll(t, topic); len(got) != 1 || got[0].Value != "ok" {
		t.Errorf("records: %+v", got)
	}
}

func TestProduceLongLines(t *testing.T) {
	mb := strconv.Itoa(6 << 20)
	topic := produceTopic(t, "produce-long", 1, 3, map[string]*string{"max.message.bytes": &mb})
	long := strings.Repeat("0123456789", 400_000) // 4 MB, four times the read buffer
	file := WriteFile(t, "long.txt", "short\n"+long+"\nend\n")
	MustKafkit(t, "", "produce", topic, "-f", file)
	r := Kcat(t, "", "-C", "-e", "-q", "-o", "beginning", "-t", topic, "-X", "fetch.message.max.bytes=8388608", "-f", "%S\n")
	if got := strings.Fields(r.Stdout); strings.Join(got, ",") != "5,4000000,3" {
		t.Errorf("record sizes %v, want [5 4000000 3]", got)
	}
}

func TestProduceSASL(t *testing.T) {
	topic := produceTopic(t, "produce-sasl", 6, 3, nil)
	r := KafkitEnv(t, []string{"KAFKIT_BROKERS=" + SASLBrokers(), "KAFKIT_SASL_USER=" + SCRAMUser, "KAFKIT_SASL_PASSWORD=" + SCRAMPassword, "KAFKIT_SASL_MECHANISM=SCRAM-SHA-256"},
		"k,v\n", "produce", topic, "-K", ",")
	if r.Code != 0 {
		t.Fatalf("%s", r)
	}
	if got := produceKcatAll(t, topic); len(got) != 1 || got[0].Key != "k" || got[0].Value != "v" {
		t.Errorf("%+v", got)
	}
}

// produceStart starts kafkit produce with a stdin pipe, for signal tests.
func produceStart(t *testing.T, args ...string) (*exec.Cmd, *os.File, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(binPath, args...)
	cmd.Env = cleanEnv([]string{"KAFKIT_BROKERS=" + Brokers()})
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdin = pr
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pr.Close()
	return cmd, pw, &stderr
}

func TestProduceSIGINTAndSIGTERM(t *testing.T) {
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			topic := produceTopic(t, "produce-sig", 6, 3, nil)
			cmd, stdin, stderr := produceStart(t, "produce", topic, "--linger", "0")
			for i := range 1000 {
				fmt.Fprintf(stdin, "line %d\n", i)
			}
			// Wait until the records are in (the input stays open, as a pipe a user stops).
			deadline := time.Now().Add(20 * time.Second)
			for len(produceKcatAll(t, topic)) < 1000 && time.Now().Before(deadline) {
				time.Sleep(200 * time.Millisecond)
			}
			cmd.Process.Signal(tc.sig)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				cmd.Process.Kill()
				t.Fatal("kafkit did not exit 20s after the signal")
			}
			stdin.Close()
			if code := cmd.ProcessState.ExitCode(); code != tc.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
			if !strings.Contains(stderr.String(), "interrupted: 1000 records delivered, 0 not delivered\n") {
				t.Errorf("stderr:\n%s", stderr)
			}
		})
	}
}

// produceNode stops or starts one broker of the test cluster (disruptive tests only).
func produceNode(t *testing.T, action string, n int) {
	t.Helper()
	cmd := exec.Command("bash", repoRoot+"/e2e/cluster/cluster.sh", action, strconv.Itoa(n))
	cmd.Dir = repoRoot
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("cluster.sh %s %d: %v\n%s", action, n, err, out)
	}
}

// produceRestart starts the stopped nodes again. cluster.sh start-node waits until 3 brokers
// are listed, which cannot happen while another node is still down: every node but the last
// is started with a short wait whose failure is expected, the last one with the full wait.
func produceRestart(t *testing.T, nodes ...int) {
	t.Helper()
	for i, n := range nodes {
		cmd := exec.Command("bash", repoRoot+"/e2e/cluster/cluster.sh", "start-node", strconv.Itoa(n))
		cmd.Dir = repoRoot
		if i < len(nodes)-1 {
			cmd.Env = append(os.Environ(), "KAFKIT_CLUSTER_READY_TIMEOUT=3")
		}
		out, err := cmd.CombinedOutput()
		if err != nil && i == len(nodes)-1 {
			t.Fatalf("cluster.sh start-node %d: %v\n%s", n, err, out)
		}
	}
}

func produceDisruptive(t *testing.T) {
	if os.Getenv("KAFKIT_E2E_DISRUPTIVE") != "1" {
		t.Skip("stops brokers: set KAFKIT_E2E_DISRUPTIVE=1 (the cluster's owner runs these)")
	}
}

func TestProduceDisruptiveOneBrokerDown(t *testing.T) {
	produceDisruptive(t)
	topic := produceTopic(t, "produce-one-down", 6, 3, nil)
	produceNode(t, "stop-node", 2)
	t.Cleanup(func() { produceNode(t, "start-node", 2) })
	var in strings.Builder
	for i := range 20_000 {
		fmt.Fprintf(&in, "k%d,v%d\n", i, i)
	}
	r := Kafkit(t, in.String(), "produce", topic, "-K", ",", "--summary", "--delivery-timeout", "60s")
	if r.Code != 0 || !strings.Contains(r.Stderr, "produced 20000 records") {
		t.Fatalf("with one broker down (min.insync.replicas=2 still met): %s", r)
	}
	produceNode(t, "start-node", 2)
	if got := produceKcatAll(t, topic); len(got) != 20_000 {
		t.Errorf("%d records in the topic, want 20000", len(got))
	}
}

func TestProduceDisruptiveNotEnoughReplicas(t *testing.T) {
	// min.insync.replicas=3 with one broker stopped: the controller drops it from the ISR on
	// its controlled shutdown, and the leaders refuse acks=all with NOT_ENOUGH_REPLICAS while
	// the KRaft quorum (2 of 3) stays up. (Kafka 4 caps min.insync.replicas at the replication
	// factor, so an RF=1 topic cannot provoke this without stopping a broker.)
	produceDisruptive(t)
	isr := "3"
	topic := produceTopic(t, "produce-ner", 6, 3, map[string]*string{"min.insync.replicas": &isr})
	produceNode(t, "stop-node", 3)
	t.Cleanup(func() { produceNode(t, "start-node", 3) })
	time.Sleep(2 * time.Second) // the ISR shrink reaches the leaders
	r := Kafkit(t, "a\nb\nc\n", "produce", topic, "--delivery-timeout", "8s", "-p", "0")
	if r.Code != 1 {
		t.Fatalf("want exit 1: %s", r)
	}
	for _, want := range []string{
		"error: 3 of 3 records were not delivered to " + topic + " (0 delivered):\n",
		"  line 1: not acknowledged within --delivery-timeout 8s (last error: NOT_ENOUGH_REPLICAS: ",
		"hint: fewer in-sync replicas than min.insync.replicas of " + topic + " are up",
	} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.Stderr)
		}
	}
	// acks=1 does not need the other replicas.
	MustKafkit(t, "d\n", "produce", topic, "--acks", "1", "-p", "0")
	produceNode(t, "start-node", 3)
	if got := produceKcatAll(t, topic); len(got) != 1 || got[0].Value != "d" {
		t.Errorf("records in the topic: %+v, want only d", got)
	}
}

func TestProduceDisruptiveTwoBrokersDown(t *testing.T) {
	produceDisruptive(t)
	topic := produceTopic(t, "produce-two-down", 6, 3, nil)
	produceNode(t, "stop-node", 2)
	t.Cleanup(func() { produceRestart(t, 2, 3) })
	produceNode(t, "stop-node", 3)
	var in strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&in, "v%d\n", i)
	}
	r := Kafkit(t, in.String(), "produce", topic, "--delivery-timeout", "15s", "--timeout", "5s", "--summary")
	if r.Code != 1 {
		t.Fatalf("want exit 1 with two of three brokers down: %s", r)
	}
	m := regexp.MustCompile(`error: (\d+) of 2000 records were not delivered to \S+ \((\d+) delivered\)`).FindStringSubmatch(r.Stderr)
	if m == nil {
		t.Fatalf("no failure report: %s", r)
	}
	t.Logf("report:\n%s", r.Stderr)
	if !strings.Contains(r.Stderr, "NOT_ENOUGH_REPLICAS") && !strings.Contains(r.Stderr, "not acknowledged") {
		t.Errorf("the report does not say why: %s", r.Stderr)
	}
	delivered, _ := strconv.Atoi(m[2])
	produceRestart(t, 2, 3)
	// Every record reported delivered is in the topic: the topic holds at least as many
	// distinct input values as were reported delivered, and nothing else.
	got := produceKcatAll(t, topic)
	distinct := map[string]bool{}
	for _, c := range got {
		if !regexp.MustCompile(`^v\d+$`).MatchString(c.Value) {
			t.Fatalf("unexpected record %+v", c)
		}
		distinct[c.Value] = true
	}
	if len(distinct) < delivered {
		t.Errorf("%d records reported delivered, only %d in the topic", delivered, len(distinct))
	}
}

func TestProduceCompressionAndAcks(t *testing.T) {
	topic := produceTopic(t, "produce-codecs", 6, 3, nil)
	want := 0
	for _, args := range [][]string{
		{"--compression", "gzip"}, {"--compression", "snappy"}, {"--compression", "lz4"}, {"--compression", "zstd"},
		{"--acks", "1"}, {"--acks", "0"}, {"--linger", "0", "--batch-max-bytes", "4096"},
	} {
		var in strings.Builder
		for i := range 500 {
			fmt.Fprintf(&in, "k%d|%s %d\n", i, strings.Join(args, " "), i)
		}
		MustKafkit(t, in.String(), append([]string{"produce", topic, "-K", "|"}, args...)...)
		want += 500
	}
	got := produceKcatAll(t, topic)
	if len(got) != want {
		t.Fatalf("%d records, want %d", len(got), want)
	}
	for _, c := range got {
		if c.Partition != producePartitionFor(c.Key, 6) {
			t.Fatalf("record %+v on the wrong partition", c)
		}
	}
}

// produceScript runs command in a pseudo-terminal with util-linux script(1), feeding stdin, and
// returns what the terminal showed.
func produceScript(t *testing.T, stdin string, command string) string {
	t.Helper()
	if _, err := exec.LookPath("script"); err != nil {
		t.Fatalf("script(1) (util-linux) is needed for terminal tests: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "script", "-qec", command, "/dev/null")
	cmd.Env = cleanEnv([]string{"KAFKIT_BROKERS=" + Brokers(), "TERM=xterm"})
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", command, err, out)
	}
	return strings.ReplaceAll(string(out), "\r", "")
}

func TestProduceTerminal(t *testing.T) {
	topic := produceTopic(t, "produce-tty", 6, 3, nil)
	// Interactive: a prompt, each line's partition and offset, Ctrl-D ends; then the summary.
	out := produceScript(t, "k1,hello\nk1,again\n\x04", binPath+" produce "+topic+" -K ,")
	p := producePartitionFor("k1", 6)
	for _, want := range []string{
		fmt.Sprintf("partition %d, offset 0\n", p),
		fmt.Sprintf("partition %d, offset 1\n", p),
		"produced 2 records (14 B) to " + topic + ": 1 partition, ",
		"> ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("terminal lacks %q:\n%s", want, out)
		}
	}
	// A file with stderr on a terminal: a progress bar, then the summary.
	var in strings.Builder
	for i := range 200_000 {
		fmt.Fprintf(&in, "record %d\n", i)
	}
	file := WriteFile(t, "progress.txt", in.String())
	out = produceScript(t, "", binPath+" produce "+topic+" -f "+file)
	if !strings.Contains(out, "produced 200000 records") || !strings.Contains(out, "% [") {
		t.Errorf("no progress bar or summary:\n%q", out)
	}
	out = produceScript(t, "", binPath+" produce "+topic+" -f "+file+" -q")
	if strings.TrimSpace(out) != "" {
		t.Errorf("--quiet printed %q", out)
	}
}

func TestProduceReplaysConsumeJSON(t *testing.T) {
	// kafkit consume -J output is kafkit produce --input json input: binary keys, values and
	// headers, partitions and timestamps survive a copy from one topic to another.
	src := produceTopic(t, "produce-copy-src", 6, 3, nil)
	dst := produceTopic(t, "produce-copy-dst", 6, 3, nil)
	ts0 := time.Now().Add(-time.Hour).UnixMilli() // recent: retention.ms would delete old records
	in := fmt.Sprintf(`{"key_b64":"AP8=","value_b64":"/wABAg==","headers":[["bin","x"]],"partition":3,"timestamp":%d}
{"key":"text","value":"plain","headers":{"h":"v"},"partition":5,"timestamp":%d}
{"key":null,"value":null,"partition":0,"timestamp":%d}
`, ts0, ts0+1, ts0+2)
	MustKafkit(t, in, "produce", src, "--input", "json")
	dump := MustKafkit(t, "", "consume", src, "-o", "start", "-e", "-J")
	MustKafkit(t, dump.Stdout, "produce", dst, "--input", "json")
	show := func(topic string) string {
		r := Kcat(t, "", "-C", "-e", "-q", "-o", "beginning", "-t", topic, "-f", "%p %T %K:%k %S:%s [%h]\n")
		lines := strings.Split(strings.TrimSpace(r.Stdout), "\n")
		sort.Strings(lines)
		return strings.Join(lines, "\n")
	}
	a, b := show(src), show(dst)
	if a != b || strings.Count(a, "\n") != 2 {
		t.Errorf("copy differs:\nsource\n%s\ncopy\n%s\n(consume -J said:\n%s)", a, b, dump.Stdout)
	}
}
