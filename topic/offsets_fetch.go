package topic

import (
	"context"
	"sort"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// Special ListOffsets timestamps.
const (
	tsLatest   = -1
	tsEarliest = -2
)

// listedOffset is one partition's answer: Offset -1 with Err nil means "no record at or after
// that time" for a by-time lookup.
type listedOffset struct {
	Offset    int64
	Timestamp int64
	Err       error
}

// partitionOffsets maps topic → partition → answer.
type partitionOffsets map[string]map[int32]listedOffset

func (o partitionOffsets) get(t string, p int32) (listedOffset, bool) {
	lo, ok := o[t][p]
	return lo, ok
}

// listOffsets asks the partition leaders for the offset at ts (tsEarliest, tsLatest or unix
// milliseconds) of every partition of the given topics, as found in fresh metadata (kadm's
// helpers use the metadata cache, which can miss a topic created a moment ago).
func listOffsets(ctx context.Context, adm *cmdutil.Admin, tds []kadm.TopicDetail, ts int64) (partitionOffsets, error) {
	out := partitionOffsets{}
	req := kmsg.NewPtrListOffsetsRequest()
	for _, td := range tds {
		rt := kmsg.NewListOffsetsRequestTopic()
		rt.Topic = td.Topic
		ps := td.Partitions.Numbers()
		sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
		for _, p := range ps {
			rp := kmsg.NewListOffsetsRequestTopicPartition()
			rp.Partition = p
			rp.Timestamp = ts
			rp.CurrentLeaderEpoch = -1
			rt.Partitions = append(rt.Partitions, rp)
		}
		req.Topics = append(req.Topics, rt)
	}
	if len(req.Topics) == 0 {
		return out, nil
	}
	shards := adm.Kgo().RequestSharded(ctx, req)
	var firstErr error
	for _, sh := range shards {
		if sh.Err != nil {
			// Mark every partition of this shard's request as failed.
			if sreq, ok := sh.Req.(*kmsg.ListOffsetsRequest); ok {
				for _, t := range sreq.Topics {
					for _, p := range t.Partitions {
						set(out, t.Topic, p.Partition, listedOffset{Offset: -1, Err: sh.Err})
					}
				}
			} else if firstErr == nil {
				firstErr = sh.Err
			}
			continue
		}
		resp := sh.Resp.(*kmsg.ListOffsetsResponse)
		for _, t := range resp.Topics {
			for _, p := range t.Partitions {
				set(out, t.Topic, p.Partition, listedOffset{Offset: p.Offset, Timestamp: p.Timestamp, Err: kerr.ErrorForCode(p.ErrorCode)})
			}
		}
	}
	if len(out) == 0 && firstErr != nil {
		return nil, firstErr
	}
	return out, nil
}

func set(o partitionOffsets, t string, p int32, lo listedOffset) {
	if o[t] == nil {
		o[t] = map[int32]listedOffset{}
	}
	o[t][p] = lo
}
