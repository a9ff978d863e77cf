package group

import (
	"context"
	"fmt"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/text"
)

// seek on share groups: the offsets moved are the share-partition start offsets
// (DescribeShareGroupOffsets, then AlterShareGroupOffsets), as kafka-share-groups.sh
// --reset-offsets does. Streams groups keep ordinary commits: seek moves them as it moves a
// consumer group's.

// seekableType refuses, before anything is sent, a group type whose offsets seek cannot move.
func seekableType(group, typ string) error {
	switch typ {
	case "", "classic", "consumer", "share", "streams":
		return nil
	}
	return fmt.Errorf("group %q is a %s group: kafkit cannot move its offsets (only classic, consumer, share and streams groups)", group, text.Safe(typ))
}

// shareStartOffsets reads g's start offsets as the plan's "current" offsets; a partition with
// no start offset yet has no current offset.
func (st *seekState) shareStartOffsets(ctx context.Context, adm *cmdutil.Admin, g *groupInfo) error {
	fetchShareOffsets(ctx, adm, []*groupInfo{g})
	if g.CommitErr != nil {
		return fmt.Errorf("cannot read the start offsets of share group %q: %v", g.Name, errText(g.CommitErr))
	}
	st.Commits = kadm.OffsetResponses{}
	g.Commits.Each(func(o kadm.OffsetResponse) {
		if o.Err == nil && o.At >= 0 {
			st.Commits.Add(o)
		}
	})
	return nil
}

// executeShareSeek sets the plan's new start offsets in one AlterShareGroupOffsets (retried
// while the coordinator is not ready); a failed partition gets its error in its row.
func executeShareSeek(ctx context.Context, adm *cmdutil.Admin, group string, res *SeekResult) error {
	os := make(kadm.Offsets)
	for _, r := range res.Plan {
		if r.Error == "" && r.New != nil {
			os.AddOffset(r.Topic, r.Partition, *r.New, -1)
		}
	}
	if len(os) == 0 {
		return nil
	}
	var resp kadm.AlterShareGroupOffsetsResponses
	err := retryCoordinatorErr(ctx, func() error {
		var err error
		resp, err = adm.AlterShareGroupOffsets(ctx, group, os)
		return err
	})
	if err != nil {
		return fmt.Errorf("cannot set the start offsets of share group %q: %v", group, errText(err))
	}
	for i := range res.Plan {
		r := &res.Plan[i]
		if r.Error != "" || r.New == nil {
			continue
		}
		switch e, ok := resp.Lookup(r.Topic, r.Partition); {
		case !ok:
			// Kafka 4.1 answers AlterShareGroupOffsets with no error and no partition, and
			// changes nothing (its kafka-share-groups.sh --reset-offsets is "not yet implemented").
			r.Error = "not applied: the broker's answer names no partition (Kafka before 4.2 does not implement AlterShareGroupOffsets)"
		case e != nil:
			r.Error = "alter: " + errText(e)
		}
	}
	return nil
}
