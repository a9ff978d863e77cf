package group

import (
	"context"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkit/kafkit/internal/output"
)

// A transaction left open on orders/2 (1 record): g3 has read up to its last stable offset,
// so its lag (the open record and one committed after it) is held by writer-0.
func TestLagNamesTheOpenTransaction(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	tx, err := kgo.NewClient(kgo.SeedBrokers(fx.c.ListenAddrs()...), kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.TransactionalID("writer-0"))
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Close()
	if err := tx.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"open"} {
		if err := tx.ProduceSync(ctx, &kgo.Record{Topic: "orders", Partition: 2, Value: []byte(v)}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	plain, err := kgo.NewClient(kgo.SeedBrokers(fx.c.ListenAddrs()...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if err := plain.ProduceSync(ctx, &kgo.Record{Topic: "orders", Partition: 2, Value: []byte("after")}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	commit(t, fx.adm, "g3", map[string]map[int32]int64{"orders": {0: 10, 1: 5, 2: 0}})
	opts := fx.lagOpts(output.Table)
	opts.All, opts.Groups, opts.Partitions, opts.NoTimeLag = false, []string{"g3"}, true, true
	if err := lagRun(ctx, opts); err != nil {
		t.Fatalf("%v\n%s", err, fx.env.ErrOut)
	}
	if got := fx.env.Out.String(); !strings.Contains(got, "g3      orders   2           0                2                2     -          held by an open transaction\n") {
		t.Errorf("partition table:\n%s", got)
	}
	wantNote := `note: group "g3", orders/2: read_committed consumers stop at offset 0 (2 before the high watermark 2) until transaction "writer-0"`
	if !strings.HasPrefix(fx.env.ErrOut.String(), wantNote) {
		t.Errorf("stderr:\n%s\nwant a line starting with\n%s", fx.env.ErrOut, wantNote)
	}
	rows, _, err := lagSnapshot(ctx, opts)
	if err != nil || len(rows) != 1 || strings.Join(rows[0].HeldByTxn, ",") != "writer-0" || rows[0].PartitionLags[2].HeldByTxn == nil ||
		rows[0].PartitionLags[2].HeldByTxn.LastStable != 0 || rows[0].PartitionLags[0].HeldByTxn != nil {
		t.Errorf("rows: %+v %v", rows, err)
	}
}
