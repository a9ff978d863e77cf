package consume

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/kafkit/kafkit/internal/text"
	"github.com/kafkit/kafkit/internal/txnstate"
)

// noteHeld says on stderr, for --isolation read_committed, which partitions an open
// transaction holds below their high watermark: reading stops at the last stable offset
// (the -e end) until that transaction ends, and the note names it and how long it has been
// open. One ListOffsets per broker; DescribeProducers only for held partitions. A failure
// to check is silent (-v logs it): the records are what matters.
func noteHeld(ctx context.Context, opts *consumeOptions, parts []partition) {
	if !opts.ReadCommitted || len(parts) == 0 {
		return
	}
	sctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return
	}
	defer cancel()
	adm, err := opts.Admin()
	if err != nil {
		return
	}
	set := map[string]bool{}
	var topics []string
	for _, p := range parts {
		if !set[p.Topic] {
			set[p.Topic] = true
			topics = append(topics, p.Topic)
		}
	}
	sort.Strings(topics)
	hwm, err := adm.ListEndOffsets(sctx, topics...)
	if err != nil && len(hwm) == 0 {
		opts.Debugf("open transactions not checked: %v", err)
		return
	}
	bounds := map[txnstate.TP]txnstate.Bounds{}
	for _, p := range parts {
		if h, ok := hwm.Lookup(p.Topic, p.Partition); ok && h.Err == nil && h.Offset > p.End {
			bounds[txnstate.TP{Topic: p.Topic, Partition: p.Partition}] = txnstate.Bounds{LastStable: p.End, HighWatermark: h.Offset}
		}
	}
	holds, err := txnstate.Held(sctx, adm, bounds, time.Now())
	if err != nil {
		opts.Debugf("open transactions not checked: %v", err)
		return
	}
	for _, h := range holds {
		fmt.Fprintf(opts.IO.ErrOut, "note: %s/%d: %s\n", text.Safe(h.Topic), h.Partition, text.Safe(h.Text()))
	}
}
