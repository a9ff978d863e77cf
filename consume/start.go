package consume

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/offsetspec"
)

// partition is what consume knows about one partition before it starts reading it.
type partition struct {
	Topic     string
	Partition int32
	LogStart  int64 // the log start offset
	End       int64 // the high watermark (last stable offset with read_committed): the -e snapshot
	AtTime    int64 // for @time specs: the first offset at or after the time (End when none)
	Start     int64 // where reading starts, resolved from the -o spec
}

func (p partition) String() string { return fmt.Sprintf("%s/%d", p.Topic, p.Partition) }

// resolveStart turns an offset spec into the offset to start reading p at. Relative offsets are
// clamped to the partition's range (-10 on a partition of 3 records reads those 3); an exact
// offset outside the range is an error naming the range when strict, else clamped too (in a
// group, as kgo bounds it). Pure: the bounds come in p.
func resolveStart(spec offsetspec.Spec, p partition, strict bool) (int64, error) {
	switch spec.Kind {
	case offsetspec.Start:
		return p.LogStart, nil
	case offsetspec.End:
		return p.End, nil
	case offsetspec.Exact:
		if !strict {
			return max(p.LogStart, min(spec.Offset, p.End)), nil
		}
		if spec.Offset < p.LogStart || spec.Offset > p.End {
			return 0, fmt.Errorf("offset %d is out of range for %s: it holds offsets %d to %d (use -o start, -o end, or -p to pick partitions)", spec.Offset, p, p.LogStart, p.End)
		}
		return spec.Offset, nil
	case offsetspec.FromStart:
		if spec.Offset > p.End-p.LogStart {
			return p.End, nil
		}
		return p.LogStart + spec.Offset, nil
	case offsetspec.FromEnd:
		if spec.Offset > p.End-p.LogStart {
			return p.LogStart, nil
		}
		return p.End - spec.Offset, nil
	case offsetspec.Time:
		switch {
		case p.AtTime < 0 || p.AtTime > p.End:
			return p.End, nil
		case p.AtTime < p.LogStart:
			return p.LogStart, nil
		}
		return p.AtTime, nil
	}
	return 0, fmt.Errorf("unsupported offset %s", spec)
}

// matchTopics returns the topics whose whole name matches one of the patterns, sorted.
func matchTopics(all []string, patterns []string) ([]string, error) {
	var res []*regexp.Regexp
	for _, p := range patterns {
		re, err := cmdutil.NameRegex(p)
		if err != nil {
			return nil, err
		}
		res = append(res, re)
	}
	var out []string
	for _, t := range all {
		for _, re := range res {
			if re.MatchString(t) {
				out = append(out, t)
				break
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// topicError explains a topic-level metadata error.
func topicError(topic string, err error) error {
	switch {
	case errors.Is(err, kerr.UnknownTopicOrPartition):
		return fmt.Errorf("topic %q does not exist (kafkit topic list shows the topics)", topic)
	case errors.Is(err, kerr.TopicAuthorizationFailed):
		return fmt.Errorf("not authorized to read topic %q (%v): ask for READ and DESCRIBE on it", topic, err)
	}
	return fmt.Errorf("topic %q: %v", topic, err)
}

// topicsError explains an authorization failure that names no single topic.
func topicsError(topics []string, err error) error {
	if !errors.Is(err, kerr.TopicAuthorizationFailed) {
		return err
	}
	if len(topics) == 1 {
		return topicError(topics[0], err)
	}
	return fmt.Errorf("not authorized to read one of the topics %s (%v): ask for READ and DESCRIBE on them", strings.Join(topics, ", "), err)
}

// admin is what consume asks the cluster before it reads (*cmdutil.Admin has it all).
type admin interface {
	ListTopics(ctx context.Context, topics ...string) (kadm.TopicDetails, error)
	Metadata(ctx context.Context, topics ...string) (kadm.Metadata, error)
	ListStartOffsets(ctx context.Context, topics ...string) (kadm.ListedOffsets, error)
	ListEndOffsets(ctx context.Context, topics ...string) (kadm.ListedOffsets, error)
	ListCommittedOffsets(ctx context.Context, topics ...string) (kadm.ListedOffsets, error)
	ListOffsetsAfterMilli(ctx context.Context, millis int64, topics ...string) (kadm.ListedOffsets, error)
	FetchOffsets(ctx context.Context, group string) (kadm.OffsetResponses, error)
}

var _ admin = (*cmdutil.Admin)(nil)

// lookup is what lookupPartitions resolves.
type lookup struct {
	names         []string // topics, or patterns with regex
	regex         bool
	only          []int32 // -p
	spec          offsetspec.Spec
	readCommitted bool
	strict        bool          // an exact offset outside a partition is an error (not in a group)
	retryFor      time.Duration // how long to retry partitions without a leader
}

// partitionErr is a partition consume could not list offsets for (its leader is down).
type partitionErr struct {
	tp  tp
	err error
}

// retryBackoff is the pause between attempts at partitions whose leader is unavailable.
const retryBackoff = 250 * time.Millisecond

// lookupPartitions resolves topics (or, with regex, patterns) to partitions with their bounds
// and start offsets: one metadata request, then ListOffsets for start, end and, for @time
// specs, the time. Partitions whose offsets cannot be listed for a reason that can pass (no
// leader: LEADER_NOT_AVAILABLE, a broker down) are retried for l.retryFor, then returned as
// unreadable so that the others can still be read. Other errors name the topic or partition.
func lookupPartitions(ctx context.Context, adm admin, l lookup) ([]partition, []partitionErr, error) {
	topics, err := resolveTopics(ctx, adm, l.names, l.regex)
	if err != nil {
		return nil, nil, err
	}
	parts, err := topicPartitions(ctx, adm, topics, l.only)
	if err != nil {
		return nil, nil, err
	}
	deadline := time.Now().Add(l.retryFor)
	if d, ok := ctx.Deadline(); ok && d.Add(-time.Second).Before(deadline) {
		deadline = d.Add(-time.Second) // leave time for the requests after the retries
	}
	lists := []offsetList{{"start", func() (kadm.ListedOffsets, error) { return adm.ListStartOffsets(ctx, topics...) },
		func(p *partition, o int64) { p.LogStart = o }}}
	endFn := adm.ListEndOffsets
	if l.readCommitted {
		endFn = adm.ListCommittedOffsets
	}
	lists = append(lists, offsetList{"end", func() (kadm.ListedOffsets, error) { return endFn(ctx, topics...) },
		func(p *partition, o int64) { p.End = o }})
	if l.spec.Kind == offsetspec.Time {
		lists = append(lists, offsetList{"time", func() (kadm.ListedOffsets, error) { return adm.ListOffsetsAfterMilli(ctx, l.spec.Millis, topics...) },
			func(p *partition, o int64) { p.AtTime = o }})
	}
	failed := map[tp]error{}
	for _, ol := range lists {
		if err := ol.fill(ctx, parts, topics, failed, deadline); err != nil {
			return nil, nil, err
		}
	}
	var good []partition
	var bad []partitionErr
	for _, p := range parts {
		k := tp{p.Topic, p.Partition}
		if e, ok := failed[k]; ok {
			bad = append(bad, partitionErr{k, e})
			continue
		}
		s, err := resolveStart(l.spec, p, l.strict)
		if err != nil {
			return nil, nil, err
		}
		p.Start = s
		good = append(good, p)
	}
	return good, bad, nil
}

// anyUnknown reports whether the metadata lacks one of topics (maybe only not known yet to the
// broker that answered).
func anyUnknown(md kadm.Metadata, topics []string) bool {
	for _, t := range topics {
		if td, ok := md.Topics[t]; !ok || errors.Is(td.Err, kerr.UnknownTopicOrPartition) {
			return true
		}
	}
	return false
}

// resolveTopics is names, or with regex the topics whose whole name matches one of them.
func resolveTopics(ctx context.Context, adm admin, names []string, regex bool) ([]string, error) {
	if !regex {
		return names, nil
	}
	all, err := adm.ListTopics(ctx)
	if err != nil {
		return nil, err
	}
	topics, err := matchTopics(all.Names(), names)
	if err != nil {
		return nil, err
	}
	if len(topics) == 0 {
		return nil, fmt.Errorf("no topic matches %s", strings.Join(names, " or "))
	}
	return topics, nil
}

// topicPartitions lists the partitions of topics (only those in only, when given) from one
// metadata request.
func topicPartitions(ctx context.Context, adm admin, topics []string, only []int32) ([]partition, error) {
	md, _, err := cmdutil.RetryMissing(ctx, func() (kadm.Metadata, bool, error) {
		md, err := adm.Metadata(ctx, topics...)
		return md, err == nil && anyUnknown(md, topics), err
	})
	if err != nil {
		return nil, topicsError(topics, err)
	}
	var parts []partition
	for _, t := range topics {
		td, ok := md.Topics[t]
		if !ok {
			return nil, topicError(t, kerr.UnknownTopicOrPartition)
		}
		if td.Err != nil {
			return nil, topicError(t, td.Err)
		}
		ids := make([]int32, 0, len(td.Partitions))
		for id := range td.Partitions {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		if len(only) > 0 {
			for _, p := range only {
				if _, ok := td.Partitions[p]; !ok {
					return nil, fmt.Errorf("topic %q has no partition %d (it has %d: 0 to %d)", t, p, len(ids), len(ids)-1)
				}
			}
			ids = only
		}
		for _, id := range ids {
			parts = append(parts, partition{Topic: t, Partition: id, AtTime: -1})
		}
	}
	return parts, nil
}

// offsetList is one ListOffsets listing and where its answer goes in a partition.
type offsetList struct {
	what string
	list func() (kadm.ListedOffsets, error)
	set  func(*partition, int64)
}

// fill lists offsets into parts, retrying the partitions that failed for a passing reason
// until deadline; those still failing then are recorded in failed (and not asked again).
func (ol offsetList) fill(ctx context.Context, parts []partition, topics []string, failed map[tp]error, deadline time.Time) error {
	done := make(map[tp]bool, len(parts))
	for {
		lo, err := ol.list()
		var se *kadm.ShardErrors
		if err != nil && !errors.As(err, &se) {
			if errors.Is(err, kerr.TopicAuthorizationFailed) {
				return topicsError(topics, err)
			}
			return fmt.Errorf("listing %s offsets: %w", ol.what, err)
		}
		pending := 0
		last := time.Now().Add(retryBackoff).After(deadline)
		for i := range parts {
			p := &parts[i]
			k := tp{p.Topic, p.Partition}
			if done[k] || failed[k] != nil {
				continue
			}
			o, ok := lo.Lookup(p.Topic, p.Partition)
			switch {
			case ok && o.Err == nil:
				ol.set(p, o.Offset)
				done[k] = true
				continue
			case ok && (errors.Is(o.Err, kerr.TopicAuthorizationFailed) || errors.Is(o.Err, kerr.UnknownTopicOrPartition)):
				return topicError(p.Topic, o.Err)
			case ok && !kerr.IsRetriable(o.Err) && !errors.Is(o.Err, kerr.LeaderNotAvailable):
				return fmt.Errorf("%s offset of %s: %v", ol.what, p, o.Err)
			}
			pending++
			if last {
				failed[k] = partitionReason(o, ok, err)
			}
		}
		if pending == 0 || last {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("listing %s offsets: %w", ol.what, ctx.Err())
		case <-time.After(retryBackoff):
		}
	}
}

// partitionReason is why a partition has no offset: its own error, or the failed request's.
func partitionReason(o kadm.ListedOffset, ok bool, err error) error {
	if ok && o.Err != nil {
		return o.Err
	}
	var se *kadm.ShardErrors
	if errors.As(err, &se) && len(se.Errs) > 0 {
		return se.Errs[0].Err
	}
	if err != nil {
		return err
	}
	return errors.New("no offset in the answer")
}

// fetchCommitted returns the group's committed offsets for parts (-1: no commit), retrying a
// coordinator that is not available yet (a fresh cluster creates __consumer_offsets on the
// first group request), moved or loading, for up to retryFor.
func fetchCommitted(ctx context.Context, adm admin, group string, parts []partition, retryFor time.Duration) (map[tp]int64, error) {
	deadline := time.Now().Add(retryFor)
	var resp kadm.OffsetResponses
	var err error
	for {
		resp, err = adm.FetchOffsets(ctx, group)
		if !coordinatorBusy(err) || time.Now().Add(retryBackoff).After(deadline) {
			break
		}
		select {
		case <-ctx.Done():
		case <-time.After(retryBackoff):
		}
		if ctx.Err() != nil {
			break
		}
	}
	if errors.Is(err, kerr.GroupIDNotFound) {
		resp, err = nil, nil // a new group: no commits
	}
	if err != nil {
		if errors.Is(err, kerr.GroupAuthorizationFailed) {
			return nil, fmt.Errorf("not authorized to use group %q (%v): ask for READ and DESCRIBE on the group", group, err)
		}
		return nil, fmt.Errorf("fetching the committed offsets of group %q: %w", group, err)
	}
	out := make(map[tp]int64, len(parts))
	for _, p := range parts {
		out[tp{p.Topic, p.Partition}] = -1
		if o, ok := resp.Lookup(p.Topic, p.Partition); ok && o.Err == nil {
			out[tp{p.Topic, p.Partition}] = o.At
		}
	}
	return out, nil
}
