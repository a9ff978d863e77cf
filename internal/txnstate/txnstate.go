// Package txnstate reads the transactional state of partitions and producers, for the txn
// family and for the commands that explain lag held by an open transaction (group lag,
// consume). Fetchers return per-item errors in their results and a request-level error only
// when nothing could be asked; the decisions (which transaction hangs, what holds a partition)
// are pure functions.
package txnstate

import (
	"context"
	"errors"
	"sort"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// TP is a topic partition.
type TP struct {
	Topic     string
	Partition int32
}

// Producer is one active producer on a partition, as DescribeProducers reports it.
// StartOffset is the first offset of its open transaction, -1 when none is open.
type Producer struct {
	Topic            string `json:"topic"`
	Partition        int32  `json:"partition"`
	ProducerID       int64  `json:"producer_id"`
	ProducerEpoch    int16  `json:"producer_epoch"`
	LastSequence     int32  `json:"last_sequence"`
	LastTimestamp    int64  `json:"last_timestamp"`
	CoordinatorEpoch int32  `json:"coordinator_epoch"`
	StartOffset      int64  `json:"current_txn_start_offset"`
}

// Open reports whether the producer has an open transaction on the partition.
func (p Producer) Open() bool { return p.StartOffset >= 0 }

// SortProducers orders producers by topic, partition and producer id.
func SortProducers(ps []Producer) {
	sort.Slice(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.Topic != b.Topic {
			return a.Topic < b.Topic
		}
		if a.Partition != b.Partition {
			return a.Partition < b.Partition
		}
		return a.ProducerID < b.ProducerID
	})
}

// batchSize bounds the partitions of one DescribeProducers request, as the Java tool does.
const batchSize = 500

// DescribeProducers describes the active producers of parts on their leaders (broker < 0) or on
// one replica (broker >= 0). Partitions that failed get their error in errs.
func DescribeProducers(ctx context.Context, adm *cmdutil.Admin, parts []TP, broker int32) ([]Producer, map[TP]error, error) {
	var out []Producer
	errs := map[TP]error{}
	for i := 0; i < len(parts); i += batchSize {
		batch := parts[i:min(len(parts), i+batchSize)]
		var err error
		if broker < 0 {
			err = describeOnLeaders(ctx, adm, batch, &out, errs)
		} else {
			err = describeOnBroker(ctx, adm, batch, broker, &out, errs)
		}
		if err != nil {
			return nil, nil, err
		}
	}
	SortProducers(out)
	return out, errs, nil
}

func describeOnLeaders(ctx context.Context, adm *cmdutil.Admin, parts []TP, out *[]Producer, errs map[TP]error) error {
	set := kadm.TopicsSet{}
	for _, p := range parts {
		set.Add(p.Topic, p.Partition)
	}
	res, err := adm.DescribeProducers(ctx, set)
	var se *kadm.ShardErrors
	if err != nil && !errors.As(err, &se) {
		return err
	}
	if se != nil {
		for _, e := range se.Errs {
			if req, ok := e.Req.(*kmsg.DescribeProducersRequest); ok {
				for _, t := range req.Topics {
					for _, p := range t.Partitions {
						errs[TP{t.Topic, p}] = e.Err
					}
				}
			}
		}
	}
	answered := map[TP]bool{}
	res.EachPartition(func(p kadm.DescribedProducersPartition) {
		answered[TP{p.Topic, p.Partition}] = true
		if p.Err != nil {
			errs[TP{p.Topic, p.Partition}] = p.Err
			return
		}
		for _, d := range p.ActiveProducers {
			*out = append(*out, Producer{Topic: d.Topic, Partition: d.Partition, ProducerID: d.ProducerID, ProducerEpoch: d.ProducerEpoch,
				LastSequence: d.LastSequence, LastTimestamp: d.LastTimestamp, CoordinatorEpoch: d.CoordinatorEpoch, StartOffset: d.CurrentTxnStartOffset})
		}
	})
	for _, p := range parts {
		if !answered[p] && errs[p] == nil {
			errs[p] = errors.New("no answer for this partition")
		}
	}
	return nil
}

// DescribeProducersOn is DescribeProducers on one broker, the producers of each partition in
// the order the broker answers (its own map's order, which the Java admin client keeps), not
// sorted.
func DescribeProducersOn(ctx context.Context, adm *cmdutil.Admin, parts []TP, broker int32) ([]Producer, map[TP]error, error) {
	var out []Producer
	errs := map[TP]error{}
	for i := 0; i < len(parts); i += batchSize {
		if err := describeOnBroker(ctx, adm, parts[i:min(len(parts), i+batchSize)], broker, &out, errs); err != nil {
			return nil, nil, err
		}
	}
	return out, errs, nil
}

// describeOnBroker sends one DescribeProducers request to a broker (the Java tool's --broker-id).
func describeOnBroker(ctx context.Context, adm *cmdutil.Admin, parts []TP, broker int32, out *[]Producer, errs map[TP]error) error {
	req := kmsg.NewPtrDescribeProducersRequest()
	idx := map[string]int{}
	for _, p := range parts {
		i, ok := idx[p.Topic]
		if !ok {
			i = len(req.Topics)
			idx[p.Topic] = i
			t := kmsg.NewDescribeProducersRequestTopic()
			t.Topic = p.Topic
			req.Topics = append(req.Topics, t)
		}
		req.Topics[i].Partitions = append(req.Topics[i].Partitions, p.Partition)
	}
	resp, err := req.RequestWith(ctx, adm.Kgo().Broker(int(broker)))
	if err != nil {
		return err
	}
	for _, t := range resp.Topics {
		for _, p := range t.Partitions {
			if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
				errs[TP{t.Topic, p.Partition}] = err
				continue
			}
			for _, a := range p.ActiveProducers {
				*out = append(*out, Producer{Topic: t.Topic, Partition: p.Partition, ProducerID: a.ProducerID, ProducerEpoch: int16(a.ProducerEpoch),
					LastSequence: a.LastSequence, LastTimestamp: a.LastTimestamp, CoordinatorEpoch: a.CoordinatorEpoch, StartOffset: a.CurrentTxnStartOffset})
			}
		}
	}
	return nil
}

// TransactionalIDs maps producer ids to the transactional ids their coordinators know them by
// (ListTransactions filtered by producer id, every state). A producer id no coordinator knows
// is absent.
func TransactionalIDs(ctx context.Context, adm *cmdutil.Admin, pids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(pids) == 0 {
		return out, nil
	}
	listed, err := adm.ListTransactions(ctx, pids, nil)
	if err != nil {
		return nil, err
	}
	want := map[int64]bool{}
	for _, p := range pids {
		want[p] = true
	}
	for _, l := range listed.Sorted() {
		if want[l.ProducerID] {
			out[l.ProducerID] = l.TxnID
		}
	}
	return out, nil
}

// Describe describes transactional ids; an id its coordinator does not know maps to nil.
// Any other failure is the error.
func Describe(ctx context.Context, adm *cmdutil.Admin, ids []string) (map[string]*kadm.DescribedTransaction, error) {
	out := map[string]*kadm.DescribedTransaction{}
	if len(ids) == 0 {
		return out, nil
	}
	res, err := adm.DescribeTransactions(ctx, ids...)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		d, ok := res[id]
		switch {
		case !ok || errors.Is(d.Err, kerr.TransactionalIDNotFound):
			out[id] = nil
		case d.Err != nil:
			return nil, &DescribeError{ID: id, Err: d.Err}
		default:
			out[id] = &d
		}
	}
	return out, nil
}

// DescribeError is the failure to describe one transactional id.
type DescribeError struct {
	ID  string
	Err error
}

func (e *DescribeError) Error() string { return "transactional id " + e.ID + ": " + e.Err.Error() }
func (e *DescribeError) Unwrap() error { return e.Err }
