//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// txnScene is a topic with three partitions, each with 3 committed records, then:
// p0: a transaction of a killed producer (2 records; its coordinator still tracks it),
// p1, p2: hanging transactions (1 record each, 20 minutes old, from a producer id no
// coordinator knows); then 1 more committed record on each partition, behind the open ones.
type txnScene struct {
	topic, id, group string
	ghosts           [3]int64
}

func newTxnScene(t *testing.T) *txnScene {
	s := &txnScene{topic: Unique(t, "txn"), id: Unique(t, "txn-id"), group: Unique(t, "txn-g")}
	txnTopic(t, s.topic, 3)
	for p := int32(0); p < 3; p++ {
		txnPlain(t, s.topic, p, 3)
	}
	txnKilled(t, s.id, s.topic, 0, 2)
	s.ghosts[1] = txnGhost(t, s.topic, 1)
	s.ghosts[2] = txnGhost(t, s.topic, 2)
	for p := int32(0); p < 3; p++ {
		txnPlain(t, s.topic, p, 1)
	}
	return s
}

func txnJSON[T any](t *testing.T, r Result) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(r.Stdout), &v); err != nil {
		t.Fatalf("%v\n%s", err, r)
	}
	return v
}

type txnHangingRow struct {
	Partition       int32  `json:"partition"`
	ProducerID      int64  `json:"producer_id"`
	StartOffset     int64  `json:"current_txn_start_offset"`
	TransactionalID string `json:"transactional_id"`
}

// hangingPartitions runs find-hanging on the topic and returns the partitions found and the exit code.
func (s *txnScene) hanging(t *testing.T, extra ...string) ([]int32, int) {
	t.Helper()
	r := Kafkit(t, "", append([]string{"txn", "find-hanging", "--topic", s.topic, "-o", "json"}, extra...)...)
	var ps []int32
	for _, h := range txnJSON[[]txnHangingRow](t, r) {
		ps = append(ps, h.Partition)
	}
	return ps, r.Code
}

func TestTxnHangingLifecycle(t *testing.T) {
	s := newTxnScene(t)
	dir := compatLink(t)
	t.Run("list-describe-producers", s.checkListed)
	t.Run("find-hanging", s.checkHanging)
	t.Run("compat-before", func(t *testing.T) { s.compatBefore(t, dir) })
	t.Run("held-lag", s.checkHeld)
	t.Run("abort", func(t *testing.T) { s.checkAbort(t, dir) })
	t.Run("after", func(t *testing.T) { s.checkAfter(t, dir) })
}

func (s *txnScene) checkListed(t *testing.T) {
	type txn struct {
		ID         string   `json:"transactional_id"`
		State      string   `json:"state"`
		Partitions []string `json:"partitions"`
		OpenMs     *int64   `json:"open_ms"`
	}
	listed := txnJSON[[]txn](t, MustKafkit(t, "", "txn", "list", s.id, "-o", "json"))
	if len(listed) != 1 || listed[0].State != "Ongoing" || strings.Join(listed[0].Partitions, ",") != s.topic+"-0" || listed[0].OpenMs == nil {
		t.Errorf("txn list %s: %+v", s.id, listed)
	}
	if got := txnJSON[[]txn](t, MustKafkit(t, "", "txn", "list", s.id, "--duration-above", "1h", "-o", "json")); len(got) != 0 {
		t.Errorf("--duration-above 1h kept a transaction open for seconds: %+v", got)
	}
	d := txnJSON[[]txn](t, MustKafkit(t, "", "txn", "describe", s.id, "-o", "json"))
	if len(d) != 1 || d[0].State != "Ongoing" {
		t.Errorf("txn describe: %+v", d)
	}
	if r := Kafkit(t, "", "txn", "describe", s.id+"-nope"); r.Code != 1 || !strings.Contains(r.Stderr, "no coordinator knows") {
		t.Errorf("describe of an unknown id: %s", r)
	}
	prods := txnJSON[[]txnHangingRow](t, MustKafkit(t, "", "txn", "producers", s.topic, "-o", "json"))
	want := fmt.Sprintf("[{0 %s 3} {1 - 3} {2 - 3}]", s.id)
	var got []string
	for _, p := range prods {
		if p.StartOffset >= 0 {
			got = append(got, fmt.Sprintf("{%d %s %d}", p.Partition, orDash(p.TransactionalID), p.StartOffset))
		}
	}
	if "["+strings.Join(got, " ")+"]" != want {
		t.Errorf("txn producers: open transactions %v, want %s", got, want)
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (s *txnScene) checkHanging(t *testing.T) {
	// The killed producer's transaction is tracked by its coordinator: never hanging, even
	// with no age limit; the ghosts are 20 minutes old.
	for _, c := range []struct {
		args []string
		want string
		code int
	}{
		{nil, "[1 2]", 3},
		{[]string{"--max-duration", "0s"}, "[1 2]", 3},
		{[]string{"--max-duration", "1h"}, "[]", 0},
	} {
		ps, code := s.hanging(t, c.args...)
		if fmt.Sprint(ps) != c.want && !(c.want == "[]" && ps == nil) || code != c.code {
			t.Errorf("find-hanging %v: partitions %v exit %d, want %s exit %d", c.args, ps, code, c.want, c.code)
		}
	}
}

func (s *txnScene) compatBefore(t *testing.T, dir string) {
	B := "--bootstrap-server {B} "
	for _, c := range []compatCase{
		{name: "list-pattern", args: B + "list --transactional-id-pattern " + s.id},
		{name: "describe", args: B + "describe --transactional-id " + s.id, volatile: true},
		{name: "describe-producers-abbreviated", args: "--bootstrap {B} describe-producers --top " + s.topic + " --part 1"},
		{name: "find-hanging", args: B + "find-hanging --topic " + s.topic, volatile: true, sorted: true},
		{name: "find-hanging-no-age", args: B + "find-hanging --topic " + s.topic + " --max-transaction-timeout 0", volatile: true, sorted: true},
		{name: "find-hanging-needs-scope", args: B + "find-hanging"},
		{name: "abort-no-such-start", args: B + "abort --topic " + s.topic + " --partition 1 --start-offset 1"},
	} {
		c.script = "kafka-transactions.sh"
		t.Run(c.name, func(t *testing.T) {
			if v, major, minor := matrixVersion(t); c.name == "list-pattern" && major*100+minor < 401 {
				t.Skipf("the Java tools of Kafka %s have no --transactional-id-pattern (4.1 added it); kafkit's kafka-transactions.sh is the 4.1 tool", v)
			}
			runCompatCase(t, dir, c)
		})
	}
}

func (s *txnScene) checkHeld(t *testing.T) {
	r := MustKafkit(t, "", "consume", s.topic, "-g", s.group, "--isolation", "read_committed", "-o", "start", "-e")
	if n := strings.Count(r.Stdout, "plain\n"); n != 9 || strings.Contains(r.Stdout, "in-txn") {
		t.Errorf("read_committed read %d committed records before the open transactions, want 9:\n%s", n, r.Stdout)
	}
	for _, want := range []string{s.topic + "/0: read_committed consumers stop at offset 3", "until transaction \"" + s.id + "\"",
		s.topic + "/1: read_committed consumers stop at offset 3", "hanging transaction of producer", "--partition 2 --start-offset 3 --execute"} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("consume stderr lacks %q:\n%s", want, r.Stderr)
		}
	}
	rows := txnJSON[[]txnLagRow](t, MustKafkit(t, "", "group", "lag", s.group, "-o", "json", "--partitions", "--no-time-lag"))
	want := fmt.Sprintf("[%s producer %d producer %d]", s.id, s.ghosts[1], s.ghosts[2])
	if len(rows) != 1 || rows[0].TotalLag != 7 || fmt.Sprint(rows[0].HeldByTxn) != want {
		t.Fatalf("group lag: %+v, want total 7 held by %s", rows, want)
	}
	for _, p := range rows[0].PartitionLags {
		if p.HeldByTxn == nil || p.HeldByTxn.LastStable != 3 || p.HeldByTxn.Hanging != (p.Partition != 0) {
			t.Errorf("partition %d: held_by_txn %+v", p.Partition, p.HeldByTxn)
		}
	}
}

type txnLagRow struct {
	TotalLag      int64    `json:"total_lag"`
	HeldByTxn     []string `json:"held_by_txn"`
	PartitionLags []struct {
		Partition int32 `json:"partition"`
		HeldByTxn *struct {
			LastStable int64  `json:"last_stable_offset"`
			ID         string `json:"transactional_id"`
			Hanging    bool   `json:"hanging"`
		} `json:"held_by_txn"`
	} `json:"partition_lags"`
}

func (s *txnScene) checkAbort(t *testing.T, dir string) {
	// A dry run names the transaction and changes nothing.
	r := MustKafkit(t, "", "txn", "abort", "--topic", s.topic, "--partition", "1", "--start-offset", "3")
	if !strings.Contains(r.Stdout, fmt.Sprint(s.ghosts[1])) || !strings.Contains(r.Stdout, "would_abort") || !strings.Contains(r.Stderr, "(dry run)") {
		t.Errorf("abort dry run: %s", r)
	}
	if n := txnOpen(t, s.topic); n != 3 {
		t.Fatalf("the dry run changed something: %d open transactions, want 3", n)
	}
	// The Java tool aborts p1's hanging transaction, kafkit's compat p2's: same output, same exit.
	B := "--bootstrap-server {B} "
	j := JavaTool(t, "", compatClasses["kafka-transactions.sh"], strings.Fields(strings.ReplaceAll(B, "{B}", Brokers())+"abort --topic "+s.topic+" --partition 1 --start-offset 3")...)
	k := run(t.Context(), nil, "", dir+"/kafka-transactions.sh", strings.Fields(strings.ReplaceAll(B, "{B}", Brokers())+"abort --topic "+s.topic+" --partition 2 --start-offset 3")...)
	if j.Code != 0 || k.Code != 0 || j.Stdout != k.Stdout {
		t.Errorf("abort: java %s\nkafkit %s", j, k)
	}
	// kafkit aborts the killed producer's transaction on p0, which its coordinator still tracks.
	r = MustKafkit(t, "", "txn", "abort", "--topic", s.topic, "--partition", "0", "--start-offset", "3", "--execute", "-o", "json")
	if a := txnJSON[struct{ Result, TransactionalID string }](t, r); a.Result != "aborted" {
		t.Errorf("abort --execute: %s", r)
	}
	if n := txnOpen(t, s.topic); n != 0 {
		t.Errorf("%d open transactions after the aborts, want 0", n)
	}
}

func (s *txnScene) checkAfter(t *testing.T, dir string) {
	if ps, code := s.hanging(t, "--max-duration", "0s"); len(ps) != 0 || code != 0 {
		t.Errorf("find-hanging after the aborts: %v exit %d", ps, code)
	}
	runCompatCase(t, dir, compatCase{script: "kafka-transactions.sh", args: "--bootstrap-server {B} find-hanging --topic " + s.topic + " --max-transaction-timeout 0"})
	r := MustKafkit(t, "", "consume", s.topic, "-g", s.group, "--isolation", "read_committed", "-e")
	if n := strings.Count(r.Stdout, "plain\n"); n != 3 || strings.Contains(r.Stdout, "in-txn") || strings.Contains(r.Stdout, "ghost") || strings.Contains(r.Stderr, "note:") {
		t.Errorf("read_committed after the aborts: %s", r)
	}
	rows := txnJSON[[]txnLagRow](t, MustKafkit(t, "", "group", "lag", s.group, "-o", "json", "--no-time-lag"))
	if len(rows) != 1 || rows[0].TotalLag >= 7 || len(rows[0].HeldByTxn) != 0 {
		t.Errorf("group lag after the aborts: %+v (was 7, held)", rows)
	}
	t.Logf("group lag after the aborts: %d (the abort markers at the end of each partition)", rows[0].TotalLag)
}

// txnKilledScene is a topic whose name is also the transactional id of a killed producer's
// open transaction on partition 0.
func txnKilledScene(t *testing.T, topic string) {
	txnTopic(t, topic, 1)
	txnKilled(t, topic, topic, 0, 1)
}

// txnEnded waits (3 s at most) until the id's transaction is aborted (CompleteAbort, or Empty
// once the fencing InitProducerId, retried while the abort completes, is through) and its
// partition closed.
func txnEnded(t *testing.T, id string) string {
	t.Helper()
	for i := 0; ; i++ {
		d, err := Admin(t).DescribeTransactions(t.Context(), id)
		state := ""
		if err == nil {
			state = d[id].State
		}
		if state == "CompleteAbort" || state == "Empty" {
			state = "ended"
		}
		if state == "ended" && txnOpen(t, id) == 0 || i == 30 {
			return fmt.Sprintf("%s, %d open", state, txnOpen(t, id))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestTxnForceTerminate(t *testing.T) {
	t.Run("native", func(t *testing.T) {
		t.Parallel()
		id := Unique(t, "txn-ft")
		txnKilledScene(t, id)
		r := MustKafkit(t, "", "txn", "force-terminate", id)
		if d, err := Admin(t).DescribeTransactions(t.Context(), id); !strings.Contains(r.Stdout, "would_terminate") || err != nil || d[id].State != "Ongoing" {
			t.Fatalf("dry run: %s", r)
		}
		r = MustKafkit(t, "", "txn", "force-terminate", id, "--execute", "-o", "json")
		if a := txnJSON[struct{ Result string }](t, r); a.Result != "terminated" {
			t.Errorf("force-terminate --execute: %s", r)
		}
		if got := txnEnded(t, id); got != "ended, 0 open" {
			t.Errorf("after force-terminate: %s", got)
		}
	})
	t.Run("compat", func(t *testing.T) {
		t.Parallel()
		runCompatCase(t, compatLink(t), compatCase{script: "kafka-transactions.sh", mutates: true, setup: txnKilledScene, state: txnEnded,
			args: "--bootstrap-server {B} forceTerminateTransaction --transactionalId {T}"})
	})
}
