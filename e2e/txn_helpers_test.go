//go:build e2e

package e2e

import (
	"context"
	"encoding/binary"
	"hash/crc32"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/kversion"
)

// txnTopic creates a topic (RF 3) and waits until it is ready.
func txnTopic(t testing.TB, topic string, partitions int32) {
	t.Helper()
	adm := Admin(t)
	if _, err := adm.CreateTopic(t.Context(), partitions, 3, nil, topic); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = Admin(t).DeleteTopics(context.Background(), topic) })
	for i := 0; ; i++ {
		td, err := adm.ListTopics(t.Context(), topic)
		if err == nil && td.Has(topic) && td[topic].Err == nil && len(td[topic].Partitions) == int(partitions) {
			return
		}
		if i == 150 {
			t.Fatalf("topic %s not ready", topic)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// txnPlain writes n plain (non-transactional) records to a partition.
func txnPlain(t testing.TB, topic string, partition int32, n int) {
	t.Helper()
	cl := Client(t, kgo.RecordPartitioner(kgo.ManualPartitioner()))
	for i := 0; i < n; i++ {
		if err := cl.ProduceSync(t.Context(), &kgo.Record{Topic: topic, Partition: partition, Value: []byte("plain")}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
}

// txnKilled begins a transaction with id, writes n records to the partition and stops the
// producer without ending it, as a killed producer does: its coordinator still tracks the
// transaction (Ongoing) and aborts it at its timeout (60 s, after the test).
func txnKilled(t testing.TB, id, topic string, partition int32, n int) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(Brokers(), ",")...), kgo.TransactionalID(id),
		kgo.TransactionTimeout(60*time.Second), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close() // Close does not end the transaction
	if err := cl.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if err := cl.ProduceSync(t.Context(), &kgo.Record{Topic: topic, Partition: partition, Value: []byte("in-txn")}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
}

// txnGhost leaves a hanging transaction on a partition: a transactional batch, 20 minutes old,
// from a producer id that no coordinator maps to a transactional id. Brokers verify
// transactional writes with the coordinator (KIP-890), so the partition leader's
// transaction.partition.verification.enable is off for the one write (and restored), and the
// write uses Produce v9, from before the leader adds partitions to transactions itself.
// Returns the producer id.
func txnGhost(t testing.TB, topic string, partition int32) int64 {
	t.Helper()
	ctx := t.Context()
	adm := Admin(t)
	td, err := adm.ListTopics(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	leader := td[topic].Partitions[partition].Leader
	cl := Client(t)
	ip := kmsg.NewPtrInitProducerIDRequest()
	ip.TransactionTimeoutMillis = -1
	ipr, err := ip.RequestWith(ctx, cl)
	if err == nil {
		err = kerr.ErrorForCode(ipr.ErrorCode)
	}
	if err != nil {
		t.Fatal(err)
	}
	restore := txnVerificationOff(t, adm, leader)
	defer restore()
	old := Client(t, kgo.MaxVersions(kversion.V3_6_0()))
	req := txnGhostProduce(topic, partition, ipr.ProducerID, ipr.ProducerEpoch, time.Now().Add(-20*time.Minute))
	for i := 0; ; i++ {
		resp, err := req.RequestWith(ctx, old.Broker(int(leader)))
		if err == nil {
			err = kerr.ErrorForCode(resp.Topics[0].Partitions[0].ErrorCode)
		}
		if err == nil {
			return ipr.ProducerID
		}
		if i == 30 {
			t.Fatalf("ghost transaction on %s/%d: %v", topic, partition, err)
		}
		time.Sleep(100 * time.Millisecond) // the dynamic config reaches the broker
	}
}

// txnVerificationOff turns transaction verification off on one broker; the returned function
// puts the setting back as it was.
func txnVerificationOff(t testing.TB, adm *kadm.Client, broker int32) func() {
	t.Helper()
	const key = "transaction.partition.verification.enable"
	ctx := context.Background()
	var was *string
	if rc, err := adm.DescribeBrokerConfigs(ctx, broker); err == nil {
		for _, r := range rc {
			for _, c := range r.Configs {
				if c.Key == key && c.Source == kmsg.ConfigSourceDynamicBrokerConfig {
					was = c.Value
				}
			}
		}
	}
	off := "false"
	if _, err := adm.AlterBrokerConfigs(ctx, []kadm.AlterConfig{{Op: kadm.SetConfig, Name: key, Value: &off}}, broker); err != nil {
		t.Fatal(err)
	}
	return func() {
		op := kadm.AlterConfig{Op: kadm.DeleteConfig, Name: key}
		if was != nil {
			op = kadm.AlterConfig{Op: kadm.SetConfig, Name: key, Value: was}
		}
		if _, err := adm.AlterBrokerConfigs(ctx, []kadm.AlterConfig{op}, broker); err != nil {
			t.Errorf("restoring %s on broker %d: %v", key, broker, err)
		}
	}
}

// txnGhostProduce is a Produce request with one transactional batch of one record.
func txnGhostProduce(topic string, partition int32, pid int64, epoch int16, ts time.Time) *kmsg.ProduceRequest {
	rec := kmsg.Record{Value: []byte("ghost")}
	body := rec.AppendTo(nil)
	rec.Length = int32(len(body) - 1)
	ms := ts.UnixMilli()
	b := kmsg.RecordBatch{PartitionLeaderEpoch: -1, Magic: 2, Attributes: 0x10, FirstTimestamp: ms, MaxTimestamp: ms,
		ProducerID: pid, ProducerEpoch: epoch, NumRecords: 1, Records: rec.AppendTo(nil)}
	raw := b.AppendTo(nil)
	binary.BigEndian.PutUint32(raw[8:], uint32(len(raw)-12))
	binary.BigEndian.PutUint32(raw[17:], crc32.Checksum(raw[21:], crc32.MakeTable(crc32.Castagnoli)))
	req := kmsg.NewPtrProduceRequest()
	id := "kafkit-e2e-ghost-never-registered"
	req.TransactionID, req.Acks, req.TimeoutMillis = &id, -1, 5000
	pt := kmsg.NewProduceRequestTopic()
	pt.Topic = topic
	pp := kmsg.NewProduceRequestTopicPartition()
	pp.Partition, pp.Records = partition, raw
	pt.Partitions = append(pt.Partitions, pp)
	req.Topics = append(req.Topics, pt)
	return req
}

// txnOpen counts the open transactions on a topic's partitions, as the leaders report them.
func txnOpen(t testing.TB, topic string) int {
	t.Helper()
	dp, err := Admin(t).DescribeProducers(t.Context(), kadm.TopicsSet{topic: nil})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	dp.EachProducer(func(p kadm.DescribedProducer) {
		if p.CurrentTxnStartOffset >= 0 {
			n++
		}
	})
	return n
}
