package txnstate

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// Hold is an open transaction that holds a partition's last stable offset below its high
// watermark: read_committed consumers stop at LastStable until it ends.
type Hold struct {
	Topic           string `json:"topic"`
	Partition       int32  `json:"partition"`
	LastStable      int64  `json:"last_stable_offset"`
	HighWatermark   int64  `json:"high_watermark"`
	ProducerID      int64  `json:"producer_id"`
	ProducerEpoch   int16  `json:"producer_epoch"`
	StartOffset     int64  `json:"start_offset"`
	TransactionalID string `json:"transactional_id,omitempty"`
	State           string `json:"state,omitempty"` // the coordinator's, "" when it does not know the producer
	// OpenMs is how long the transaction has been open: from its coordinator's start time, or
	// (coordinator unaware) from the producer's last write.
	OpenMs  int64  `json:"open_ms"`
	Hanging bool   `json:"hanging"`
	Reason  string `json:"reason,omitempty"` // why it hangs
}

// Bounds are a partition's last stable offset and high watermark.
type Bounds struct{ LastStable, HighWatermark int64 }

// Held finds what holds each partition of bounds whose last stable offset is below its high
// watermark: the open transaction that starts at the last stable offset, its transactional id
// and state. Partitions whose producers could not be described are left out.
func Held(ctx context.Context, adm *cmdutil.Admin, bounds map[TP]Bounds, now time.Time) ([]Hold, error) {
	var parts []TP
	for k, b := range bounds {
		if b.LastStable < b.HighWatermark {
			parts = append(parts, k)
		}
	}
	if len(parts) == 0 {
		return nil, nil
	}
	sort.Slice(parts, func(i, j int) bool {
		return parts[i].Topic < parts[j].Topic || parts[i].Topic == parts[j].Topic && parts[i].Partition < parts[j].Partition
	})
	producers, _, err := DescribeProducers(ctx, adm, parts, -1)
	if err != nil {
		return nil, err
	}
	open := holders(producers, bounds)
	res, err := Resolve(ctx, adm, open)
	if err != nil {
		return nil, err
	}
	return HoldsView(open, bounds, res, now), nil
}

// holders keeps, per partition, the open transaction that starts at the last stable offset (or
// the earliest open one when none starts there exactly).
func holders(producers []Producer, bounds map[TP]Bounds) []Producer {
	best := map[TP]Producer{}
	for _, p := range producers {
		if !p.Open() {
			continue
		}
		k := TP{p.Topic, p.Partition}
		cur, ok := best[k]
		if !ok || p.StartOffset < cur.StartOffset || p.StartOffset == bounds[k].LastStable {
			best[k] = p
		}
	}
	var out []Producer
	for _, p := range best {
		out = append(out, p)
	}
	SortProducers(out)
	return out
}

// HoldsView joins the holding producers with what their coordinators say (pure).
func HoldsView(open []Producer, bounds map[TP]Bounds, res Resolved, now time.Time) []Hold {
	hanging := map[TP]Hanging{}
	for _, h := range FindHanging(open, res.TxnIDs, res.Descs) {
		hanging[TP{h.Topic, h.Partition}] = h
	}
	var out []Hold
	for _, p := range open {
		k := TP{p.Topic, p.Partition}
		h := Hold{Topic: p.Topic, Partition: p.Partition, LastStable: bounds[k].LastStable, HighWatermark: bounds[k].HighWatermark,
			ProducerID: p.ProducerID, ProducerEpoch: p.ProducerEpoch, StartOffset: p.StartOffset,
			TransactionalID: res.TxnIDs[p.ProducerID], OpenMs: max(0, now.UnixMilli()-p.LastTimestamp)}
		if d := res.Descs[h.TransactionalID]; d != nil {
			h.State = d.State
			if d.StartTimestamp >= 0 {
				h.OpenMs = max(0, now.UnixMilli()-d.StartTimestamp)
			}
		}
		if hg, ok := hanging[k]; ok {
			h.Hanging, h.Reason = true, hg.Reason
		}
		out = append(out, h)
	}
	return out
}

// Text is the hold in one line for people: who holds the partition, for how long, what to do.
func (h Hold) Text() string {
	open := FormatAge(time.Duration(h.OpenMs) * time.Millisecond)
	behind := h.HighWatermark - h.LastStable
	if h.Hanging {
		return fmt.Sprintf("read_committed consumers stop at offset %d (%d before the high watermark %d): a hanging transaction of producer %d (epoch %d), open %s: %s; to end it: kafkit txn abort --topic %s --partition %d --start-offset %d --execute",
			h.LastStable, behind, h.HighWatermark, h.ProducerID, h.ProducerEpoch, open, h.Reason, h.Topic, h.Partition, h.StartOffset)
	}
	return fmt.Sprintf("read_committed consumers stop at offset %d (%d before the high watermark %d) until transaction %q (producer %d, %s) ends: open %s; see kafkit txn describe %s",
		h.LastStable, behind, h.HighWatermark, h.TransactionalID, h.ProducerID, h.State, open, h.TransactionalID)
}

// FormatAge renders a duration as people read it: 45s, 3m12s, 2h5m, 3d4h.
func FormatAge(d time.Duration) string {
	s := int64(d / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	case s < 86400:
		return fmt.Sprintf("%dh%02dm", s/3600, s%3600/60)
	}
	return fmt.Sprintf("%dd%dh", s/86400, s%86400/3600)
}
