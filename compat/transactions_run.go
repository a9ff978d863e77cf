package compat

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/txnstate"
)

// prettyPrintTable is ToolsUtils.prettyPrintTable: every cell padded to its column's width
// and followed by a tab.
func prettyPrintTable(w io.Writer, headers []string, rows [][]string) {
	widths := make([]int, len(headers))
	for i, h := range headers {
		widths[i] = len(h)
	}
	for _, r := range rows {
		for i := range headers {
			widths[i] = max(widths[i], len(r[i]))
		}
	}
	line := func(cells []string) {
		var b strings.Builder
		for i, c := range cells {
			b.WriteString(c)
			b.WriteString(strings.Repeat(" ", widths[i]-len(c)))
			b.WriteByte('\t')
		}
		fmt.Fprintln(w, b.String())
	}
	line(headers)
	for _, r := range rows {
		line(r)
	}
}

func txnList(ctx context.Context, t *txnTool) error {
	duration, hasDuration, err := t.number("duration-filter", 64)
	if err != nil {
		return err
	}
	adm, err := t.e.Admin()
	if err != nil {
		return err
	}
	req := kmsg.NewPtrListTransactionsRequest()
	if hasDuration {
		req.DurationFilterMillis = duration
	}
	if v := t.p.Value("transactional-id-pattern"); t.p.Has("transactional-id-pattern") {
		req.TransactionalIDPattern = &v
	}
	byBroker := map[int32][][]string{}
	for _, sh := range adm.Kgo().RequestSharded(ctx, req) {
		if sh.Err != nil {
			return t.fail("Failed to list transactions", sh.Err)
		}
		resp := sh.Resp.(*kmsg.ListTransactionsResponse)
		if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
			return t.fail("Failed to list transactions", err)
		}
		for _, s := range resp.TransactionStates {
			byBroker[sh.Meta.NodeID] = append(byBroker[sh.Meta.NodeID], []string{s.TransactionalID, strconv.Itoa(int(sh.Meta.NodeID)), strconv.FormatInt(s.ProducerID, 10), s.TransactionState})
		}
	}
	var brokers []int32
	for b := range byBroker {
		brokers = append(brokers, b)
	}
	sort.Slice(brokers, func(i, j int) bool { return brokers[i] < brokers[j] })
	var rows [][]string
	for _, b := range brokers {
		rs := byBroker[b]
		sort.Slice(rs, func(i, j int) bool { return rs[i][0] < rs[j][0] })
		rows = append(rows, rs...)
	}
	prettyPrintTable(t.e.IO.Out, []string{"TransactionalId", "Coordinator", "ProducerId", "TransactionState"}, rows)
	return nil
}

func txnDescribe(ctx context.Context, t *txnTool) error {
	id := t.p.Value("transactional-id")
	adm, err := t.e.Admin()
	if err != nil {
		return err
	}
	described, err := adm.DescribeTransactions(ctx, id)
	d, ok := described[id]
	if err == nil && ok {
		err = d.Err
	}
	if err == nil && !ok {
		err = errors.New("no answer from the coordinator")
	}
	if err != nil {
		return t.fail("Failed to describe transaction state of transactional-id `"+id+"`", javaTxnError(err))
	}
	start, dur := "None", "None"
	if d.StartTimestamp >= 0 {
		start = strconv.FormatInt(d.StartTimestamp, 10)
		dur = strconv.FormatInt(time.Now().UnixMilli()-d.StartTimestamp, 10)
	}
	row := []string{strconv.Itoa(int(d.Coordinator)), id, strconv.FormatInt(d.ProducerID, 10), strconv.Itoa(int(d.ProducerEpoch)), d.State,
		strconv.Itoa(int(d.TimeoutMillis)), start, dur, strings.Join(javaPartitionSet(d.Topics), ",")}
	prettyPrintTable(t.e.IO.Out, []string{"CoordinatorId", "TransactionalId", "ProducerId", "ProducerEpoch", "TransactionState",
		"TransactionTimeoutMs", "CurrentTransactionStartTimeMs", "TransactionDurationMs", "TopicPartitions"}, [][]string{row})
	return nil
}

// javaPartitionSet lists a transaction's partitions as topic-partition, in the order of the
// HashSet the admin client keeps them in.
func javaPartitionSet(s kadm.TopicsSet) []string {
	var names []string
	var hashes []int32
	for _, tp := range s.Sorted() {
		ps := append([]int32(nil), tp.Partitions...)
		sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
		for _, p := range ps {
			names = append(names, fmt.Sprintf("%s-%d", tp.Topic, p))
			hashes = append(hashes, javaTopicPartitionHash(tp.Topic, p))
		}
	}
	out := make([]string, 0, len(names))
	for _, i := range javaHashOrder(hashes) {
		out = append(out, names[i])
	}
	return out
}

// javaTxnError is an error as the Java admin client's exception message says it.
func javaTxnError(err error) error {
	var ke *kerr.Error
	if errors.As(err, &ke) {
		return errors.New(ke.Description)
	}
	return err
}

// leaderOf is the leader of a partition, from fresh metadata.
func leaderOf(ctx context.Context, adm *cmdutil.Admin, topic string, partition int32) (int32, error) {
	md, err := adm.Metadata(ctx, topic)
	if err != nil {
		return -1, err
	}
	td, ok := md.Topics[topic]
	if !ok || td.Err != nil {
		if td.Err != nil {
			return -1, javaTxnError(td.Err)
		}
		return -1, errors.New("This server does not host this topic-partition.")
	}
	p, ok := td.Partitions[partition]
	if !ok {
		return -1, errors.New("This server does not host this topic-partition.")
	}
	if p.Err != nil {
		return -1, javaTxnError(p.Err)
	}
	return p.Leader, nil
}

// producersOf describes one partition's producers on broker (-1: its leader), in the order the
// broker answered.
func producersOf(ctx context.Context, adm *cmdutil.Admin, tp txnstate.TP, broker int32) ([]txnstate.Producer, error) {
	if broker < 0 {
		l, err := leaderOf(ctx, adm, tp.Topic, tp.Partition)
		if err != nil {
			return nil, err
		}
		broker = l
	}
	ps, errs, err := txnstate.DescribeProducersOn(ctx, adm, []txnstate.TP{tp}, broker)
	if err == nil {
		err = errs[tp]
	}
	if err != nil {
		return nil, javaTxnError(err)
	}
	return ps, nil
}

func txnDescribeProducers(ctx context.Context, t *txnTool) error {
	broker, hasBroker, err := t.number("broker-id", 32)
	if err != nil {
		return err
	}
	partition, _, err := t.number("partition", 32)
	if err != nil {
		return err
	}
	adm, err := t.e.Admin()
	if err != nil {
		return err
	}
	tp := txnstate.TP{Topic: t.p.Value("topic"), Partition: int32(partition)}
	if !hasBroker {
		broker = -1
	}
	ps, err := producersOf(ctx, adm, tp, int32(broker))
	if err != nil {
		clause := "leader"
		if hasBroker {
			clause = fmt.Sprintf("broker %d", broker)
		}
		return t.fail(fmt.Sprintf("Failed to describe producers for partition %s-%d on %s", tp.Topic, tp.Partition, clause), err)
	}
	// The broker keeps a partition's producers in a HashMap by producer id and answers in its
	// order (ids that share a bucket in the order it learnt them); the admin client keeps it.
	var rows [][]string
	for _, p := range ps {
		start := "None"
		if p.Open() {
			start = strconv.FormatInt(p.StartOffset, 10)
		}
		rows = append(rows, []string{strconv.FormatInt(p.ProducerID, 10), strconv.Itoa(int(p.ProducerEpoch)), strconv.Itoa(int(p.CoordinatorEpoch)),
			strconv.Itoa(int(p.LastSequence)), strconv.FormatInt(p.LastTimestamp, 10), start})
	}
	prettyPrintTable(t.e.IO.Out, []string{"ProducerId", "ProducerEpoch", "LatestCoordinatorEpoch", "LastSequence", "LastTimestamp", "CurrentTransactionStartOffset"}, rows)
	return nil
}
