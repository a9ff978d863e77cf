//go:build e2e

package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// reassignClusterSh runs e2e/cluster/cluster.sh with args (add-broker, remove-broker).
func reassignClusterSh(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command("bash", append([]string{filepath.Join(repoRoot, "e2e", "cluster", "cluster.sh")}, args...)...)
	cmd.Dir = repoRoot
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cluster.sh %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// reassignReplicas reads the replica lists of topic (fresh metadata).
func reassignReplicas(t *testing.T, adm *kadm.Client, topic string) map[int32][]int32 {
	t.Helper()
	m, err := adm.Metadata(context.Background(), topic)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int32][]int32{}
	for p, d := range m.Topics[topic].Partitions {
		out[p] = d.Replicas
	}
	return out
}

// reassignThrottles lists every throttle config set on brokers 1-4 and on topic.
func reassignThrottles(t *testing.T, adm *kadm.Client, topic string, brokers ...int32) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	brs, err := adm.DescribeBrokerConfigs(ctx, brokers...)
	if err != nil {
		t.Fatal(err)
	}
	tcs, err := adm.DescribeTopicConfigs(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range append(brs, tcs...) {
		for _, c := range r.Configs {
			if strings.Contains(c.Key, "replication.throttled") && c.MaybeValue() != "" && (c.Source == kmsg.ConfigSourceDynamicBrokerConfig || c.Source == kmsg.ConfigSourceDynamicTopicConfig) {
				out = append(out, r.Name+":"+c.Key+"="+c.MaybeValue())
			}
		}
	}
	return out
}

// reassignProduce writes n records "0".."n-1" with acks=all (idempotent) and returns once
// every one was acknowledged.
func reassignProduce(t *testing.T, topic string, n int) error {
	cl := Client(t, kgo.DefaultProduceTopic(topic), kgo.RequiredAcks(kgo.AllISRAcks()), kgo.ProducerLinger(5*time.Millisecond))
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	for i := 0; i < n; i++ {
		wg.Add(1)
		cl.Produce(context.Background(), &kgo.Record{Value: []byte(fmt.Sprint(i))}, func(_ *kgo.Record, err error) {
			if err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
			}
			wg.Done()
		})
	}
	wg.Wait()
	return first
}

// reassignConsumer runs `kafkit consume -g` in the background and collects the values.
type reassignConsumer struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	seen map[string]bool
	done chan struct{}
}

func startReassignConsumer(t *testing.T, topic, group string) *reassignConsumer {
	t.Helper()
	c := &reassignConsumer{seen: map[string]bool{}, done: make(chan struct{})}
	c.cmd = exec.Command(binPath, "consume", topic, "-g", group, "-o", "start")
	c.cmd.Env = cleanEnv([]string{"KAFKIT_BROKERS=" + Brokers()})
	out, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.cmd.Process.Kill(); <-c.done })
	go func() {
		defer close(c.done)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			c.mu.Lock()
			c.seen[sc.Text()] = true
			c.mu.Unlock()
		}
		_ = c.cmd.Wait()
	}()
	return c
}

// waitAll waits until every value 0..n-1 was consumed, then stops the consumer; it returns the
// missing values.
func (c *reassignConsumer) waitAll(n int, timeout time.Duration) []string {
	deadline := time.Now().Add(timeout)
	for {
		c.mu.Lock()
		var missing []string
		for i := 0; i < n && len(missing) < 10; i++ {
			if !c.seen[fmt.Sprint(i)] {
				missing = append(missing, fmt.Sprint(i))
			}
		}
		c.mu.Unlock()
		if len(missing) == 0 || time.Now().After(deadline) {
			_ = c.cmd.Process.Signal(syscall.SIGTERM)
			return missing
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestReassignDisruptiveDrainBroker4 adds a broker-only node 4, puts a topic's replicas on it,
// and drains it with kafkit (plan + execute --throttle --wait) while 100k records are produced
// with acks=all and a kafkit group consumes: nothing is lost, the throttles are gone at the
// end, the Java tool's --verify agrees, and node 4 is removed again.
func TestReassignDisruptiveDrainBroker4(t *testing.T) {
	if os.Getenv("KAFKIT_E2E_DISRUPTIVE") != "1" {
		t.Skip("adds a broker: set KAFKIT_E2E_DISRUPTIVE=1 (the cluster's owner runs these)")
	}
	reassignClusterSh(t, "add-broker")
	t.Cleanup(func() { reassignClusterSh(t, "remove-broker") })
	topic := Unique(t, "reassign-drain")
	MustKafkit(t, "", "topic", "create", topic, "--replica-assignment", "4:1:2,2:4:3,3:1:4")
	t.Cleanup(func() { Kafkit(t, "", "topic", "delete", topic, "--yes") })
	adm := Admin(t)

	const n = 100000
	consumer := startReassignConsumer(t, topic, Unique(t, "reassign-drain-g"))
	produced := make(chan error, 1)
	go func() { produced <- reassignProduce(t, topic, n) }()

	dir := t.TempDir()
	planFile, rollback := filepath.Join(dir, "plan.json"), filepath.Join(dir, "rollback.json")
	r := MustKafkit(t, "", "partition", "reassign", "plan", "--drain", "4", "--topic", topic, "-o", "json", "--rollback-file", rollback)
	if err := os.WriteFile(planFile, []byte(r.Stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Stderr, "3 partitions change, 3 replicas to copy") {
		t.Errorf("plan summary:\n%s", r)
	}
	r = MustKafkit(t, "", "partition", "reassign", "execute", "-f", planFile, "--throttle", "10MB", "--wait", "--interval", "500ms")
	if strings.Count(r.Stdout, "completed") != 3 || !strings.Contains(r.Stderr, "throttles removed from brokers 1,2,3,4") {
		t.Errorf("execute:\n%s", r)
	}
	if err := <-produced; err != nil {
		t.Fatalf("a record was not acknowledged during the drain: %v", err)
	}
	if missing := consumer.waitAll(n, 60*time.Second); len(missing) > 0 {
		t.Errorf("records produced with acks=all but never consumed, e.g. %v", missing)
	}
	for p, reps := range reassignReplicas(t, adm, topic) {
		for _, b := range reps {
			if b == 4 {
				t.Errorf("partition %d still has a replica on broker 4: %v", p, reps)
			}
		}
	}
	if th := reassignThrottles(t, adm, topic, 1, 2, 3, 4); len(th) > 0 {
		t.Errorf("throttles left behind: %v", th)
	}
	j := JavaTool(t, "", "org.apache.kafka.tools.reassign.ReassignPartitionsCommand", "--bootstrap-server", Brokers(), "--reassignment-json-file", planFile, "--verify")
	if j.Code != 0 || strings.Count(j.Stdout, "is completed.") != 3 {
		t.Errorf("Java --verify does not agree:\n%s", j)
	}
}

// TestReassignReplicationFactor: RF 1 -> 3 (topic alter) and 3 -> 2 (partition reassign
// execute with plan flags) on a topic with data; every record is still there after each.
func TestReassignReplicationFactor(t *testing.T) {
	topic := Unique(t, "reassign-rf")
	MustKafkit(t, "", "topic", "create", topic, "-p", "3", "-r", "1")
	t.Cleanup(func() { Kafkit(t, "", "topic", "delete", topic, "--yes") })
	const n = 3000
	if err := reassignProduce(t, topic, n); err != nil {
		t.Fatal(err)
	}
	adm := Admin(t)
	check := func(rf int) {
		t.Helper()
		// Every broker's metadata follows the controller within moments.
		topicEventually(t, func() (bool, string) {
			for p, reps := range reassignReplicas(t, adm, topic) {
				if len(reps) != rf {
					return false, fmt.Sprintf("partition %d: replicas %v, want %d", p, reps, rf)
				}
			}
			return true, ""
		})
		r := MustKafkit(t, "", "consume", topic, "-o", "start", "-e")
		seen := map[string]bool{}
		for _, l := range strings.Split(strings.TrimSpace(r.Stdout), "\n") {
			seen[l] = true
		}
		for i := 0; i < n; i++ {
			if !seen[fmt.Sprint(i)] {
				t.Fatalf("RF %d: record %d is gone (%d distinct values read)", rf, i, len(seen))
			}
		}
	}
	r := MustKafkit(t, "", "topic", "alter", topic, "--replication-factor", "3", "--wait", "--throttle", "50MB")
	if !strings.Contains(r.Stdout, "replication factor 1 -> 3 (reassigned)") {
		t.Errorf("alter:\n%s", r)
	}
	check(3)
	r = MustKafkit(t, "", "partition", "reassign", "execute", "--replication-factor", "2", "--topic", topic, "--wait", "--batch", "2", "--interval", "300ms", "-o", "json")
	var rows []struct{ Result string }
	if err := json.Unmarshal([]byte(r.Stdout), &rows); err != nil || len(rows) != 3 || rows[0].Result != "completed" || rows[2].Result != "completed" ||
		!strings.Contains(r.Stderr, "wave 1 of 2: 2 partitions") || !strings.Contains(r.Stderr, "wave 2 of 2: 1 partition") {
		t.Errorf("execute -o json: %v\n%s", err, r)
	}
	check(2)
	file := WriteFile(t, "topics.yaml", fmt.Sprintf("topics:\n  - name: %s\n    partitions: 3\n    replication_factor: 3\n", topic))
	r = MustKafkit(t, "", "topic", "apply", "-f", file, "--wait")
	if !strings.Contains(r.Stdout, "replication_factor") || !strings.Contains(r.Stderr, "the cluster now matches") {
		t.Errorf("apply replication_factor 3:\n%s", r)
	}
	check(3)
}

// TestReassignInterruptedKeepsThrottlesVisible stops a throttled execute --wait with SIGINT: it
// says the move goes on and which throttles stay; status shows them; cancel --all stops the
// move and removes them.
func TestReassignInterruptedKeepsThrottlesVisible(t *testing.T) {
	topic := Unique(t, "reassign-int")
	MustKafkit(t, "", "topic", "create", topic, "--replica-assignment", "1")
	t.Cleanup(func() { Kafkit(t, "", "topic", "delete", topic, "--yes") })
	cl := Client(t, kgo.DefaultProduceTopic(topic))
	// 20 MB: a new follower's first fetch copies up to replica.fetch.response.max.bytes (10 MB)
	// before the throttle bites; then it gets 1 KB/s.
	big := make([]byte, 100000)
	var recs []*kgo.Record
	for i := 0; i < 200; i++ {
		recs = append(recs, &kgo.Record{Value: big})
	}
	if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binPath, "partition", "reassign", "execute", "--replication-factor", "2", "--topic", topic, "--throttle", "1KB", "--wait", "--interval", "500ms")
	cmd.Env = cleanEnv([]string{"KAFKIT_BROKERS=" + Brokers()})
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * time.Second)
	_ = cmd.Process.Signal(syscall.SIGINT)
	_ = cmd.Wait()
	if !strings.Contains(stderr.String(), "interrupted: the reassignment goes on in the cluster, and the throttles stay set on brokers") ||
		!strings.Contains(stderr.String(), "ETA") {
		t.Errorf("execute stopped with SIGINT (exit %d):\n%s", cmd.ProcessState.ExitCode(), stderr.String())
	}
	r := MustKafkit(t, "", "partition", "reassign", "status", "--topics", regexp.QuoteMeta(topic))
	if !strings.Contains(r.Stdout, topic) || !strings.Contains(r.Stderr, "replication throttles set on brokers") {
		t.Errorf("status while it runs:\n%s", r)
	}
	r = Kafkit(t, "", "partition", "reassign", "status", "--clear-throttles")
	if r.Code != 1 || !strings.Contains(r.Stderr, "still running") {
		t.Errorf("status --clear-throttles while it runs:\n%s", r)
	}
	r = MustKafkit(t, "", "partition", "reassign", "cancel", "--topic", topic)
	if !strings.Contains(r.Stdout, "cancelled") || !strings.Contains(r.Stderr, "throttles removed from") {
		t.Errorf("cancel:\n%s", r)
	}
	if th := reassignThrottles(t, Admin(t), topic, 1, 2, 3); len(th) > 0 {
		t.Errorf("throttles left after cancel: %v", th)
	}
}

// TestReassignBadInput: plans naming brokers that do not exist, duplicate replicas, RF above
// the broker count, unknown topics and partitions are refused with exit 2 and nothing sent;
// cancel with nothing running says so and exits 1.
func TestReassignBadInput(t *testing.T) {
	topic := Unique(t, "reassign-bad")
	MustKafkit(t, "", "topic", "create", topic, "-p", "2", "-r", "2")
	t.Cleanup(func() { Kafkit(t, "", "topic", "delete", topic, "--yes") })
	adm := Admin(t)
	before := reassignReplicas(t, adm, topic)
	planOf := func(parts string) string {
		return WriteFile(t, "plan.json", fmt.Sprintf(`{"version":1,"partitions":[%s]}`, strings.ReplaceAll(parts, "T", topic)))
	}
	for _, c := range []struct {
		args []string
		err  string
	}{
		{[]string{"execute", "-f", planOf(`{"topic":"T","partition":0,"replicas":[1,9]}`)}, "broker 9 does not exist or is not running (live brokers: 1,2,3)"},
		{[]string{"execute", "-f", planOf(`{"topic":"T","partition":0,"replicas":[1,1]}`)}, "broker 1 is listed twice in replicas 1,1"},
		{[]string{"execute", "-f", planOf(`{"topic":"T","partition":7,"replicas":[1,2]}`)}, "partition " + topic + "-7 does not exist"},
		{[]string{"execute", "-f", planOf(`{"topic":"T-nope","partition":0,"replicas":[1,2]}`)}, "does not exist"},
		{[]string{"execute", "-f", planOf(`{"topic":"T","partition":0,"replicas":[1,2,3,4]}`)}, "4 replicas but the cluster has only 3 brokers"},
		{[]string{"plan", "--replication-factor", "5", "--topic", topic}, "needs 5 replicas but only 3 brokers can hold them"},
		{[]string{"plan", "--brokers", "1,2,9", "--topic", topic}, "broker 9 does not exist (the cluster has brokers 1,2,3)"},
		{[]string{"plan", "--drain", "3", "--topic", topic + "-nope"}, "does not exist"},
	} {
		r := Kafkit(t, "", append([]string{"partition", "reassign"}, c.args...)...)
		if r.Code != 2 || !strings.Contains(r.Stderr, c.err) {
			t.Errorf("%v: want exit 2 and %q:\n%s", c.args, c.err, r)
		}
	}
	if after := reassignReplicas(t, adm, topic); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("replicas changed by refused plans: %v -> %v", before, after)
	}
	r := Kafkit(t, "", "partition", "reassign", "cancel", "--topic", topic)
	if r.Code != 1 || !regexp.MustCompile(`nothing to cancel`).MatchString(r.Stderr) {
		t.Errorf("cancel with nothing running:\n%s", r)
	}
}
