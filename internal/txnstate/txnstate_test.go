package txnstate

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
)

var now = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

func open(topic string, p int32, pid int64, start int64, age time.Duration) Producer {
	return Producer{Topic: topic, Partition: p, ProducerID: pid, StartOffset: start, LastTimestamp: now.Add(-age).UnixMilli(), CoordinatorEpoch: -1}
}

func TestCandidates(t *testing.T) {
	ps := []Producer{
		open("t", 0, 1, 10, 20*time.Minute),
		open("t", 1, 2, -1, time.Hour),     // no open transaction
		open("t", 2, 3, 5, 15*time.Minute), // exactly the limit: not older
		open("t", 3, 4, 7, 15*time.Minute+time.Millisecond),
	}
	var got []int64
	for _, p := range Candidates(ps, now, 15*time.Minute) {
		got = append(got, p.ProducerID)
	}
	if fmt.Sprint(got) != "[1 4]" {
		t.Errorf("candidates %v, want [1 4]", got)
	}
}

func TestFindHanging(t *testing.T) {
	ongoing := &kadm.DescribedTransaction{TxnID: "a", State: "Ongoing", Topics: kadm.TopicsSet{"t": {0: {}}}}
	ps := []Producer{
		open("t", 0, 1, 10, time.Hour), // a, Ongoing with t-0: its coordinator will end it
		open("t", 1, 1, 11, time.Hour), // a, without t-1: hangs
		open("t", 2, 2, 12, time.Hour), // no transactional id: hangs
		open("t", 3, 3, 13, time.Hour), // b: not known by its coordinator: hangs
	}
	got := FindHanging(ps, map[int64]string{1: "a", 3: "b"}, map[string]*kadm.DescribedTransaction{"a": ongoing, "b": nil})
	var lines []string
	for _, h := range got {
		lines = append(lines, fmt.Sprintf("%d %d %q %s", h.Partition, h.ProducerID, h.TransactionalID, h.Reason))
	}
	want := `1 1 "a" the coordinator has a in state Ongoing without this partition
2 2 "" no coordinator knows producer id 2
3 3 "b" the coordinator does not know transactional id b`
	if strings.Join(lines, "\n") != want {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), want)
	}
}

func TestHoldsView(t *testing.T) {
	ps := []Producer{open("t", 0, 1, 3, 90*time.Second), open("t", 1, 2, 7, 20*time.Minute)}
	bounds := map[TP]Bounds{{"t", 0}: {3, 6}, {"t", 1}: {7, 9}}
	start := now.Add(-3 * time.Minute).UnixMilli()
	res := Resolved{TxnIDs: map[int64]string{1: "writer-0"},
		Descs: map[string]*kadm.DescribedTransaction{"writer-0": {TxnID: "writer-0", State: "Ongoing", StartTimestamp: start, Topics: kadm.TopicsSet{"t": {0: {}}}}}}
	hs := HoldsView(ps, bounds, res, now)
	if len(hs) != 2 {
		t.Fatalf("holds %+v", hs)
	}
	want0 := `read_committed consumers stop at offset 3 (3 before the high watermark 6) until transaction "writer-0" (producer 1, Ongoing) ends: open 3m00s; see kafkit txn describe writer-0`
	want1 := `read_committed consumers stop at offset 7 (2 before the high watermark 9): a hanging transaction of producer 2 (epoch 0), open 20m00s: no coordinator knows producer id 2; to end it: kafkit txn abort --topic t --partition 1 --start-offset 7 --execute`
	if hs[0].Text() != want0 || hs[0].Hanging || hs[0].OpenMs != 180000 {
		t.Errorf("hold 0: %+v\n%s", hs[0], hs[0].Text())
	}
	if hs[1].Text() != want1 || !hs[1].Hanging || hs[1].TransactionalID != "" {
		t.Errorf("hold 1: %+v\n%s", hs[1], hs[1].Text())
	}
}

func TestHolders(t *testing.T) {
	// Two open transactions on a partition: the one at the last stable offset holds it.
	ps := []Producer{open("t", 0, 1, 9, time.Minute), open("t", 0, 2, 4, time.Minute), open("t", 0, 3, -1, time.Minute)}
	got := holders(ps, map[TP]Bounds{{"t", 0}: {4, 12}})
	if len(got) != 1 || got[0].ProducerID != 2 {
		t.Errorf("holders %+v, want producer 2", got)
	}
}

func TestFormatAge(t *testing.T) {
	for d, want := range map[time.Duration]string{0: "0s", 59 * time.Second: "59s", 192 * time.Second: "3m12s", 2*time.Hour + 5*time.Minute: "2h05m", 76 * time.Hour: "3d4h"} {
		if got := FormatAge(d); got != want {
			t.Errorf("FormatAge(%v) = %q, want %q", d, got, want)
		}
	}
}
