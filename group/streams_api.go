package group

import (
	"context"
	"errors"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// StreamsDescription is one streams group as StreamsGroupDescribe answered it, for callers in
// other packages (the compat layer's kafka-streams-groups.sh prints the broker's answer as it
// is, in its order): the group, its coordinator (node id and host:port), and Err with the
// broker's ErrMessage when the coordinator could not be found or refused the group.
type StreamsDescription struct {
	kmsg.StreamsGroupDescribeResponseGroup
	Coordinator     int32
	CoordinatorAddr string
	Err             error
	ErrMessage      string
}

// DescribeStreamsGroups describes streams groups (with the topology description when
// topology is set), retrying coordinator errors as every group path does. Every name has an
// entry; a group that failed has its Err.
func DescribeStreamsGroups(ctx context.Context, adm *cmdutil.Admin, names []string, topology bool) map[string]StreamsDescription {
	var got map[string]streamsDescribed
	retryCoordinator(ctx, func() bool {
		got, _ = describeStreamsWith(ctx, adm, names, topology)
		for _, d := range got {
			if isCoordinatorErr(d.Err) {
				return true
			}
		}
		return false
	})
	out := make(map[string]StreamsDescription, len(names))
	for _, n := range names {
		d, ok := got[n]
		if !ok {
			out[n] = StreamsDescription{Err: errors.New("the coordinator did not describe the group")}
			continue
		}
		out[n] = StreamsDescription{StreamsGroupDescribeResponseGroup: d.StreamsGroupDescribeResponseGroup,
			Coordinator: d.Coordinator, CoordinatorAddr: d.CoordinatorAddr, Err: d.Err, ErrMessage: d.ErrMessage}
	}
	return out
}
