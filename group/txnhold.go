package group

import (
	"context"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/text"
	"github.com/kafkit/kafkit/internal/txnstate"
)

// markHeldByTxn finds the lagging partitions whose lag an open transaction holds: the group
// has read up to the last stable offset (its commit is there: a read_committed consumer cannot
// go further; one that committed past it reads uncommitted records and is not held) and the
// high watermark is beyond it. Each such row gets HeldByTxn and a note, and a line on w says
// which transaction and for how long. It costs one ListOffsets (read_committed) per broker,
// and DescribeProducers only where a partition is held. Failures are warnings: lag is shown
// anyway.
func markHeldByTxn(ctx context.Context, adm *cmdutil.Admin, per map[string][]PartitionLag, now time.Time, w io.Writer) {
	topicSet := map[string]bool{}
	for _, rows := range per {
		for _, r := range rows {
			if r.Lag != nil && *r.Lag > 0 && r.CurrentOffset != nil && r.LogEndOffset != nil {
				topicSet[r.Topic] = true
			}
		}
	}
	if len(topicSet) == 0 {
		return
	}
	var topics []string
	for t := range topicSet {
		topics = append(topics, t)
	}
	sort.Strings(topics)
	lso, err := adm.ListCommittedOffsets(ctx, topics...)
	if err != nil && len(lso) == 0 {
		fmt.Fprintf(w, "warning: open transactions not checked: %v\n", err)
		return
	}
	bounds := map[txnstate.TP]txnstate.Bounds{}
	for _, rows := range per {
		for _, r := range rows {
			l, ok := lso.Lookup(r.Topic, r.Partition)
			if ok && l.Err == nil && r.CurrentOffset != nil && r.LogEndOffset != nil && *r.CurrentOffset == l.Offset && l.Offset < *r.LogEndOffset {
				bounds[txnstate.TP{Topic: r.Topic, Partition: r.Partition}] = txnstate.Bounds{LastStable: l.Offset, HighWatermark: *r.LogEndOffset}
			}
		}
	}
	holds, err := txnstate.Held(ctx, adm, bounds, now)
	if err != nil {
		fmt.Fprintf(w, "warning: open transactions not checked: %v\n", err)
		return
	}
	applyHolds(per, holds, w)
}

// applyHolds attaches the holds to the rows of every group at the held partition's last
// stable offset, and says so on w.
func applyHolds(per map[string][]PartitionLag, holds []txnstate.Hold, w io.Writer) {
	byTP := map[tp]txnstate.Hold{}
	for _, h := range holds {
		byTP[tp{h.Topic, h.Partition}] = h
	}
	var groups []string
	for g := range per {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	for _, g := range groups {
		rows := per[g]
		for i := range rows {
			r := &rows[i]
			h, ok := byTP[tp{r.Topic, r.Partition}]
			if !ok || r.CurrentOffset == nil || *r.CurrentOffset != h.LastStable {
				continue
			}
			r.HeldByTxn = &h
			r.Note = joinNonEmpty("; ", r.Note, "held by an open transaction")
			fmt.Fprintf(w, "note: group %q, %s/%d: %s\n", g, text.Safe(r.Topic), r.Partition, text.Safe(h.Text()))
		}
	}
}

// heldBy names the transactions holding a topic's partitions: transactional ids, or
// "producer N" for one no coordinator knows.
func heldBy(ps []PartitionLag) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range ps {
		if p.HeldByTxn == nil {
			continue
		}
		name := p.HeldByTxn.TransactionalID
		if name == "" {
			name = fmt.Sprintf("producer %d", p.HeldByTxn.ProducerID)
		}
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out
}
