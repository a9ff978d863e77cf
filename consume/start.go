package consume

import (
	"context"
	"errors"
	"fmt"
	"github.com/kafkit/kafkit/internal/cmdutil"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"

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

// lookupPartitions resolves topics (or, with regex, patterns) to partitions with their bounds
// and start offsets: one metadata request, then ListOffsets for start, end and, for @time
// specs, the time. Errors name the topic or partition.
func lookupPartitions(ctx context.Context, adm *kadm.Client, names []string, regex bool, only []int32, spec offsetspec.Spec, readCommitted, strict bool) ([]partition, error) {
	topics := names
	if regex {
		all, err := adm.ListTopics(ctx)
		if err != nil {
			return nil, err
		}
		topics, err = matchTopics(all.Names(), names)
		if err != nil {
			return nil, err
		}
		if len(topics) == 0 {
			return nil, fmt.Errorf("no topic matches %s", strings.Join(names, " or "))
		}
	}
	md, err := adm.Metadata(ctx, topics...)
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

	list := func(what string, fn func() (kadm.ListedOffsets, error), set func(*partition, int64)) error {
		lo, err := fn()
		if err != nil {
			if errors.Is(err, kerr.TopicAuthorizationFailed) {
				return topicsError(topics, err)
			}
			return fmt.Errorf("listing %s offsets: %w", what, err)
		}
		for i := range parts {
			p := &parts[i]
			o, ok := lo.Lookup(p.Topic, p.Partition)
			if !ok {
				return fmt.Errorf("no %s offset for %s", what, p)
			}
			if o.Err != nil {
				if errors.Is(o.Err, kerr.TopicAuthorizationFailed) || errors.Is(o.Err, kerr.UnknownTopicOrPartition) {
					return topicError(p.Topic, o.Err)
				}
				return fmt.Errorf("%s offset of %s: %v", what, p, o.Err)
			}
			set(p, o.Offset)
		}
		return nil
	}
	if err := list("start", func() (kadm.ListedOffsets, error) { return adm.ListStartOffsets(ctx, topics...) },
		func(p *partition, o int64) { p.LogStart = o }); err != nil {
		return nil, err
	}
	endFn := adm.ListEndOffsets
	if readCommitted {
		endFn = adm.ListCommittedOffsets
	}
	if err := list("end", func() (kadm.ListedOffsets, error) { return endFn(ctx, topics...) },
		func(p *partition, o int64) { p.End = o }); err != nil {
		return nil, err
	}
	if spec.Kind == offsetspec.Time {
		if err := list("time", func() (kadm.ListedOffsets, error) { return adm.ListOffsetsAfterMilli(ctx, spec.Millis, topics...) },
			func(p *partition, o int64) { p.AtTime = o }); err != nil {
			return nil, err
		}
	}
	for i := range parts {
		s, err := resolveStart(spec, parts[i], strict)
		if err != nil {
			return nil, err
		}
		parts[i].Start = s
	}
	return parts, nil
}

// fetchCommitted returns the group's committed offsets for parts (-1: no commit).
func fetchCommitted(ctx context.Context, adm *kadm.Client, group string, parts []partition) (map[tp]int64, error) {
	resp, err := adm.FetchOffsets(ctx, group)
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
