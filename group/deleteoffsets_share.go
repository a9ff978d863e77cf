package group

import (
	"context"
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/text"
)

// delete-offsets on share groups: DeleteShareGroupOffsets removes a topic's share-partition
// state (all partitions at once), as kafka-share-groups.sh --delete-offsets does.

// shareWholeTopics refuses partition selections: share offsets are deleted per topic.
func shareWholeTopics(group string, sels []topicSel) error {
	for _, s := range sels {
		if s.Partitions != nil {
			return &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: fmt.Errorf("%q is a share group: its offsets are deleted per topic (DeleteShareGroupOffsets); use --topic %s without partitions", group, text.Safe(s.Topic))}
		}
	}
	return nil
}

// planDeleteShareOffsets is every partition with share state of each topic named.
func planDeleteShareOffsets(sels []topicSel, starts kadm.OffsetResponses) ([]DeleteOffsetResult, kadm.TopicsSet) {
	set := make(kadm.TopicsSet)
	var refused []DeleteOffsetResult
	for _, s := range sels {
		n := 0
		for p, o := range starts[s.Topic] {
			if o.Err == nil {
				set.Add(s.Topic, p)
				n++
			}
		}
		if n == 0 {
			refused = append(refused, DeleteOffsetResult{Topic: s.Topic, Partition: -1, Error: "the share group has no offsets for this topic"})
		}
	}
	return refused, set
}

// executeDeleteShareOffsets sends one DeleteShareGroupOffsets for the topics of set; each
// partition gets its topic's result.
func executeDeleteShareOffsets(ctx context.Context, adm *cmdutil.Admin, g *groupInfo, set kadm.TopicsSet) ([]DeleteOffsetResult, error) {
	var resp kadm.DeleteShareGroupOffsetsResponses
	err := retryCoordinatorErr(ctx, func() error {
		var err error
		resp, err = adm.DeleteShareGroupOffsets(ctx, g.Name, set.Topics()...)
		return err
	})
	switch {
	case errors.Is(err, kerr.NonEmptyGroup):
		return nil, &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: fmt.Errorf("refused: share group %q is %s with %s; stop its consumers first", g.Name, g.State, text.Count(len(g.Members), "active member"))}
	case errors.Is(err, kerr.GroupIDNotFound):
		return nil, &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: fmt.Errorf("group %q not found", g.Name)}
	case err != nil:
		return nil, fmt.Errorf("cannot delete the offsets of share group %q: %v", g.Name, errText(err))
	}
	var out []DeleteOffsetResult
	set.Each(func(t string, p int32) {
		r := DeleteOffsetResult{Topic: t, Partition: p}
		e, ok := resp.Lookup(t)
		switch {
		case !ok:
			r.Error = "not in the broker's answer"
		case e != nil:
			r.Error = errText(e)
		default:
			r.Deleted = true
		}
		out = append(out, r)
	})
	return out, nil
}
