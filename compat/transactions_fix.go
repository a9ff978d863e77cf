package compat

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/txnstate"
)

// abortSpec is the Java tool's AbortTransactionSpec.
type abortSpec struct {
	tp               txnstate.TP
	producerID       int64
	producerEpoch    int16
	coordinatorEpoch int32
}

func (s abortSpec) String() string {
	return fmt.Sprintf("AbortTransactionSpec(topicPartition=%s-%d, producerId=%d, producerEpoch=%d, coordinatorEpoch=%d)",
		s.tp.Topic, s.tp.Partition, s.producerID, s.producerEpoch, s.coordinatorEpoch)
}

// abortArgs reads abort's numeric options (a conversion error is already printed).
func (t *txnTool) abortArgs() (partition int32, start, pid *int64, epoch *int16, coord *int32, err error) {
	nums := map[string]*int64{}
	for name, bits := range map[string]int{"partition": 32, "start-offset": 64, "producer-id": 64, "producer-epoch": 16, "coordinator-epoch": 32} {
		n, has, nerr := t.number(name, bits)
		if nerr != nil {
			return 0, nil, nil, nil, nil, nerr
		}
		if has {
			nums[name] = &n
		}
	}
	partition = int32(*nums["partition"])
	start, pid = nums["start-offset"], nums["producer-id"]
	if v := nums["producer-epoch"]; v != nil {
		e := int16(*v)
		epoch = &e
	}
	if v := nums["coordinator-epoch"]; v != nil {
		c := int32(*v)
		coord = &c
	}
	return partition, start, pid, epoch, coord, nil
}

func txnAbort(ctx context.Context, t *txnTool) error {
	partition, start, pid, epoch, coord, err := t.abortArgs()
	if err != nil {
		return err
	}
	tp := txnstate.TP{Topic: t.p.Value("topic"), Partition: partition}
	spec := abortSpec{tp: tp}
	switch {
	case start == nil && pid == nil:
		return t.fail("The transaction to abort must be identified either with --start-offset (for brokers on 3.0 or above) or with --producer-id, --producer-epoch, and --coordinator-epoch (for older brokers)", nil)
	case start == nil && epoch == nil:
		return t.fail("Missing required argument --producer-epoch", nil)
	case start == nil && coord == nil:
		return t.fail("Missing required argument --coordinator-epoch", nil)
	case start == nil:
		spec.producerID, spec.producerEpoch, spec.coordinatorEpoch = *pid, *epoch, max(*coord, 0)
	}
	adm, err := t.e.Admin()
	if err != nil {
		return err
	}
	if start != nil {
		ps, err := producersOf(ctx, adm, tp, -1)
		if err != nil {
			return t.fail(fmt.Sprintf("Failed to validate producer state for partition %s-%d", tp.Topic, tp.Partition), err)
		}
		found := false
		for _, p := range ps {
			if p.Open() && p.StartOffset == *start {
				spec.producerID, spec.producerEpoch, spec.coordinatorEpoch, found = p.ProducerID, p.ProducerEpoch, max(p.CoordinatorEpoch, 0), true
				break
			}
		}
		if !found {
			return t.fail(fmt.Sprintf("Could not find any open transactions starting at offset %d on partition %s-%d", *start, tp.Topic, tp.Partition), nil)
		}
	}
	resp, err := adm.WriteTxnMarkers(ctx, kadm.TxnMarkers{ProducerID: spec.producerID, ProducerEpoch: spec.producerEpoch,
		CoordinatorEpoch: spec.coordinatorEpoch, Topics: kadm.TopicsSet{tp.Topic: {tp.Partition: {}}}})
	if err == nil {
		for _, p := range resp.SortedPartitions() {
			if p.Err != nil {
				err = p.Err
			}
		}
	}
	if err != nil {
		return t.fail("Failed to abort transaction "+spec.String(), javaTxnError(err))
	}
	return nil
}

func txnFindHanging(ctx context.Context, t *txnTool) error {
	broker, hasBroker, err := t.number("broker-id", 32)
	if err != nil {
		return err
	}
	partition, hasPartition, err := t.number("partition", 32)
	if err != nil {
		return err
	}
	maxMin, hasMax, err := t.number("max-transaction-timeout", 32)
	if err != nil {
		return err
	}
	if !hasMax {
		maxMin = 15
	}
	topic, hasTopic := t.p.Value("topic"), t.p.Has("topic")
	if !hasTopic && !hasBroker {
		return t.fail("The `find-hanging` command requires either --topic or --broker-id to limit the scope of the search", nil)
	}
	if hasPartition && !hasTopic {
		return t.fail("The --partition argument requires --topic to be provided", nil)
	}
	if !hasBroker {
		broker = -1
	}
	adm, err := t.e.Admin()
	if err != nil {
		return err
	}
	var parts []txnstate.TP
	if hasPartition {
		parts = []txnstate.TP{{Topic: topic, Partition: int32(partition)}}
	} else {
		var topics []string
		if hasTopic {
			topics = []string{topic}
		}
		if parts, err = txnstate.SearchPartitions(ctx, adm, topics, int32(broker)); err != nil {
			return t.fail(fmt.Sprintf("Failed to describe %d topics", max(1, len(topics))), javaTxnError(err))
		}
	}
	producers, errs, err := txnstate.DescribeProducers(ctx, adm, parts, int32(broker))
	for _, e := range errs {
		err = e
	}
	if err != nil {
		brokerText := "Optional.empty"
		if hasBroker {
			brokerText = fmt.Sprintf("Optional[%d]", broker)
		}
		return t.fail(fmt.Sprintf("Failed to describe producers for %d partitions on broker %s", len(parts), brokerText), javaTxnError(err))
	}
	now := time.Now()
	cands := txnstate.Candidates(producers, now, time.Duration(maxMin)*time.Minute)
	var hanging []txnstate.Hanging
	if len(cands) > 0 {
		res, err := txnstate.Resolve(ctx, adm, cands)
		if err != nil {
			return t.fail("Failed to describe transactions", javaTxnError(err))
		}
		hanging = txnstate.FindHanging(cands, res.TxnIDs, res.Descs)
	}
	var rows [][]string
	for _, h := range javaHangingOrder(hanging) {
		rows = append(rows, []string{h.Topic, strconv.Itoa(int(h.Partition)), strconv.FormatInt(h.ProducerID, 10), strconv.Itoa(int(h.ProducerEpoch)),
			strconv.Itoa(int(h.CoordinatorEpoch)), strconv.FormatInt(h.StartOffset, 10), strconv.FormatInt(h.LastTimestamp, 10),
			strconv.FormatInt((now.UnixMilli()-h.LastTimestamp)/60000, 10)})
	}
	prettyPrintTable(t.e.IO.Out, []string{"Topic", "Partition", "ProducerId", "ProducerEpoch", "CoordinatorEpoch", "StartOffset", "LastTimestamp", "Duration(min)"}, rows)
	return nil
}

// javaHangingOrder orders hanging transactions as the Java tool prints them: by producer id in
// HashMap order, then by partition in HashMap order.
func javaHangingOrder(hs []txnstate.Hanging) []txnstate.Hanging {
	byPID := map[int64][]txnstate.Hanging{}
	var pids []int64
	var pidHashes []int32
	for _, h := range hs {
		if _, ok := byPID[h.ProducerID]; !ok {
			pids = append(pids, h.ProducerID)
			pidHashes = append(pidHashes, javaLongHash(h.ProducerID))
		}
		byPID[h.ProducerID] = append(byPID[h.ProducerID], h)
	}
	var out []txnstate.Hanging
	for _, i := range javaHashOrder(pidHashes) {
		group := byPID[pids[i]]
		var hashes []int32
		for _, h := range group {
			hashes = append(hashes, javaTopicPartitionHash(h.Topic, h.Partition))
		}
		for _, j := range javaHashOrder(hashes) {
			out = append(out, group[j])
		}
	}
	return out
}

func txnForceTerminate(ctx context.Context, t *txnTool) error {
	id := t.p.Value("transactionalId")
	adm, err := t.e.Admin()
	if err != nil {
		return err
	}
	_, _, err = txnstate.Fence(ctx, adm, id)
	if err != nil {
		return t.fail("Failed to force terminate transactionalId `"+id+"`", javaTxnError(err))
	}
	return nil
}
