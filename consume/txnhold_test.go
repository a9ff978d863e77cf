package consume

import (
	"context"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkit/kafkit/internal/testkit"
)

// read_committed stops at the last stable offset of a partition with an open transaction and
// says which transaction holds it; read_uncommitted says nothing.
func TestReadCommittedNamesTheOpenTransaction(t *testing.T) {
	c := testkit.Cluster(t, kfake.SeedTopics(2, "orders"))
	fill(t, producer(t, c), "orders", map[int32]int{0: 2, 1: 1})
	tx, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.TransactionalID("writer-0"))
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Close()
	if err := tx.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	produce(t, tx, &kgo.Record{Topic: "orders", Partition: 0, Value: []byte("open")})
	fill(t, producer(t, c), "orders", map[int32]int{0: 1})

	env := testkit.Factory(t, c)
	if err := consume(context.Background(), env, "orders", "-o", "start", "-e", "--isolation", "read_committed"); err != nil {
		t.Fatal(err)
	}
	if got := sortedLines(env.Out.String()); strings.Join(got, ",") != "p0-0,p0-1,p1-0" {
		t.Errorf("read_committed records: %v", got)
	}
	want := `note: orders/0: read_committed consumers stop at offset 2 (2 before the high watermark 4) until transaction "writer-0" (producer `
	if !strings.HasPrefix(env.ErrOut.String(), want) || strings.Count(env.ErrOut.String(), "note:") != 1 {
		t.Errorf("stderr:\n%s\nwant one note starting with\n%s", env.ErrOut, want)
	}
	env = testkit.Factory(t, c)
	if err := consume(context.Background(), env, "orders", "-o", "start", "-e"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(env.ErrOut.String(), "note:") {
		t.Errorf("read_uncommitted: %s", env.ErrOut)
	}
}
