package txnstate

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// Candidates are the open transactions whose last write is older than maxDuration (now minus
// the producer's last timestamp), as kafka-transactions.sh find-hanging selects them.
func Candidates(producers []Producer, now time.Time, maxDuration time.Duration) []Producer {
	var out []Producer
	for _, p := range producers {
		if p.Open() && now.UnixMilli()-p.LastTimestamp > maxDuration.Milliseconds() {
			out = append(out, p)
		}
	}
	return out
}

// Hanging is an open transaction on a partition that its coordinator will never end.
type Hanging struct {
	Producer
	TransactionalID string `json:"transactional_id,omitempty"`
	// Reason says why: no coordinator knows the producer id, the coordinator does not know
	// the transactional id, or it knows it without this partition.
	Reason string `json:"reason"`
}

// FindHanging is find-hanging's decision (TransactionsCommand.FindHangingTransactionsCommand):
// an open transaction hangs when no coordinator maps its producer id to a transactional id,
// when the coordinator does not know that transactional id, or when the coordinator's
// description of it does not list the partition (the coordinator lists the partitions of an
// ongoing transaction and those still waiting for markers, so a partition outside that list
// will get no marker). txnIDs comes from TransactionalIDs, descs from Describe.
func FindHanging(open []Producer, txnIDs map[int64]string, descs map[string]*kadm.DescribedTransaction) []Hanging {
	var out []Hanging
	for _, p := range open {
		id, known := txnIDs[p.ProducerID]
		switch d := descs[id]; {
		case !known:
			out = append(out, Hanging{Producer: p, Reason: fmt.Sprintf("no coordinator knows producer id %d", p.ProducerID)})
		case d == nil:
			out = append(out, Hanging{Producer: p, TransactionalID: id, Reason: "the coordinator does not know transactional id " + id})
		case !d.Topics.Lookup(p.Topic, p.Partition):
			out = append(out, Hanging{Producer: p, TransactionalID: id,
				Reason: fmt.Sprintf("the coordinator has %s in state %s without this partition", id, d.State)})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Topic != b.Topic {
			return a.Topic < b.Topic
		}
		if a.Partition != b.Partition {
			return a.Partition < b.Partition
		}
		return a.ProducerID < b.ProducerID
	})
	return out
}

// Resolved is what the coordinators say about a set of open transactions: transactional ids
// by producer id and their descriptions (nil: not known).
type Resolved struct {
	TxnIDs map[int64]string
	Descs  map[string]*kadm.DescribedTransaction
}

// Resolve asks the coordinators about the producers of open transactions.
func Resolve(ctx context.Context, adm *cmdutil.Admin, open []Producer) (Resolved, error) {
	seen := map[int64]bool{}
	var pids []int64
	for _, p := range open {
		if !seen[p.ProducerID] {
			seen[p.ProducerID] = true
			pids = append(pids, p.ProducerID)
		}
	}
	ids, err := TransactionalIDs(ctx, adm, pids)
	if err != nil {
		return Resolved{}, fmt.Errorf("cannot list the transactions of %d producers: %w", len(pids), err)
	}
	var names []string
	for _, id := range ids {
		names = append(names, id)
	}
	sort.Strings(names)
	descs, err := Describe(ctx, adm, names)
	if err != nil {
		return Resolved{}, fmt.Errorf("cannot describe %d transactions: %w", len(names), err)
	}
	return Resolved{TxnIDs: ids, Descs: descs}, nil
}

// SearchPartitions are the partitions find-hanging searches: every partition of topics (every
// topic, internal ones included, when topics is nil) and, with broker >= 0, only those with a
// replica on that broker.
func SearchPartitions(ctx context.Context, adm *cmdutil.Admin, topics []string, broker int32) ([]TP, error) {
	var td kadm.TopicDetails
	var err error
	if topics == nil {
		td, err = adm.ListTopicsWithInternal(ctx)
	} else {
		td, err = adm.ListTopics(ctx, topics...)
	}
	if err != nil {
		return nil, err
	}
	var out []TP
	for _, t := range td.Sorted() {
		if t.Err != nil {
			return nil, &TopicError{Topic: t.Topic, Err: t.Err}
		}
		for _, p := range t.Partitions.Sorted() {
			if broker < 0 || contains(p.Replicas, broker) {
				out = append(out, TP{t.Topic, p.Partition})
			}
		}
	}
	return out, nil
}

// TopicError is a topic that could not be described.
type TopicError struct {
	Topic string
	Err   error
}

func (e *TopicError) Error() string { return "topic " + e.Topic + ": " + e.Err.Error() }
func (e *TopicError) Unwrap() error { return e.Err }

func contains(s []int32, v int32) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
