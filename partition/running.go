package partition

import (
	"context"
	"fmt"
	"sort"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// Running is one partition being reassigned, as ListPartitionReassignments reports it.
type Running struct {
	Topic     string  `json:"topic"`
	Partition int32   `json:"partition"`
	Replicas  []int32 `json:"replicas"`
	Adding    []int32 `json:"adding"`
	Removing  []int32 `json:"removing"`
	// BytesLeft is what the adding replicas still have to copy (-1: unknown).
	BytesLeft int64 `json:"bytes_left"`
}

// move is the running reassignment as a Move: from the replicas not being added to the ones
// not being removed.
func (r Running) move() Move {
	adding, removing := idSet(r.Adding), idSet(r.Removing)
	var from, to []int32
	for _, b := range r.Replicas {
		if !adding[b] {
			from = append(from, b)
		}
		if !removing[b] {
			to = append(to, b)
		}
	}
	return Move{Topic: r.Topic, Partition: r.Partition, From: from, To: to, Adding: r.Adding, Removing: r.Removing}
}

// ListRunning lists every running reassignment of the cluster (ListPartitionReassignments with
// no topics), sorted.
func ListRunning(ctx context.Context, adm *cmdutil.Admin) ([]Running, error) {
	req := kmsg.NewPtrListPartitionReassignmentsRequest()
	req.TimeoutMillis = 30000
	resp, err := req.RequestWith(ctx, adm)
	if err != nil {
		return nil, fmt.Errorf("cannot list the partition reassignments: %v", err)
	}
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
		return nil, fmt.Errorf("cannot list the partition reassignments: %v%s", err, msgSuffix(resp.ErrorMessage))
	}
	var out []Running
	for _, t := range resp.Topics {
		for _, p := range t.Partitions {
			out = append(out, Running{Topic: t.Topic, Partition: p.Partition, Replicas: p.Replicas, Adding: nonNil(p.AddingReplicas), Removing: nonNil(p.RemovingReplicas), BytesLeft: -1})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Topic != out[j].Topic {
			return out[i].Topic < out[j].Topic
		}
		return out[i].Partition < out[j].Partition
	})
	return out, nil
}

func msgSuffix(s *string) string {
	if s == nil || *s == "" {
		return ""
	}
	return ": " + *s
}
