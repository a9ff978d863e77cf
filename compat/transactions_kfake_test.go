package compat

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkit/kafkit/internal/testkit"
)

// An open transaction of writer-0 on orders/0 (after 2 committed records), through the script
// on kfake: describe-producers shows it, find-hanging does not report it (its coordinator
// tracks it), abort --start-offset ends it.
func TestTransactionsScriptOnKfake(t *testing.T) {
	c := testkit.Cluster(t, kfake.SeedTopics(1, "orders"))
	ctx := context.Background()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.DefaultProduceTopic("orders"))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := cl.ProduceSync(ctx, &kgo.Record{Value: []byte("a")}, &kgo.Record{Value: []byte("b")}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	tx, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.DefaultProduceTopic("orders"), kgo.TransactionalID("writer-0"))
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Close()
	if err := tx.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	if err := tx.ProduceSync(ctx, &kgo.Record{Value: []byte("open")}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	script := func(args ...string) (string, string, error) {
		env := testkit.Factory(t, c)
		s, _ := Lookup("kafka-transactions.sh")
		err := RunScript(ctx, env.F, s, append([]string{"--bootstrap-server", strings.Join(c.ListenAddrs(), ",")}, args...), nil)
		return env.Out.String(), env.ErrOut.String(), err
	}
	out, _, err := script("describe-producers", "--topic", "orders", "--partition", "0")
	// kfake's producer ids are large: compare with the padding collapsed.
	cells := regexp.MustCompile(` *\t`).ReplaceAllString(regexp.MustCompile(`[0-9]{6,}`).ReplaceAllString(out, "N"), "|")
	if err != nil || cells != "ProducerId|ProducerEpoch|LatestCoordinatorEpoch|LastSequence|LastTimestamp|CurrentTransactionStartOffset|\nN|0|0|0|N|2|\n" {
		t.Errorf("describe-producers: %v\n%q", err, cells)
	}
	out, _, err = script("find-hanging", "--topic", "orders", "--max-transaction-timeout", "0")
	if err != nil || out != "Topic\tPartition\tProducerId\tProducerEpoch\tCoordinatorEpoch\tStartOffset\tLastTimestamp\tDuration(min)\t\n" {
		t.Errorf("find-hanging: %v\n%q", err, out)
	}
	out, stderr, err := script("abort", "--topic", "orders", "--partition", "0", "--start-offset", "1")
	if err == nil || out != "" || stderr != "Could not find any open transactions starting at offset 1 on partition orders-0\n" {
		t.Errorf("abort at a wrong offset: %v %q %q", err, out, stderr)
	}
	if out, stderr, err = script("abort", "--topic", "orders", "--partition", "0", "--start-offset", "2"); err != nil || out != "" {
		t.Fatalf("abort: %v %q %q", err, out, stderr)
	}
	// The marker ends the transaction on the partition: its last stable offset is the end again.
	lso, err := kadm.NewClient(cl).ListCommittedOffsets(ctx, "orders")
	if o, _ := lso.Lookup("orders", 0); err != nil || o.Offset < 3 {
		t.Errorf("last stable offset after abort: %+v %v", o, err)
	}
}
