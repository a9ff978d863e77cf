package compat

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/kafkit/kafkit/group"
	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/text"
)

// kafka-streams-groups.sh --reset-offsets: the plan and its commit come from kafkit group
// seek's engine (resetWithRequest, shared with kafka-consumer-groups.sh), with the partitions
// StreamsGroupCommand chooses: --all-input-topics is the group's commits on its topology's
// source topics; --input-topic partitions must all have commits. The group must be Empty (or
// not exist); with --execute, --delete-all-internal-topics / --delete-internal-topic delete
// internal topics after the commit. Groups and partitions come in HashMap order.

func (s *streamsCompat) reset(ctx context.Context) error {
	names, err := s.groupNames(ctx)
	if err != nil {
		return err
	}
	var csvData []byte
	if f := s.p.Value("from-file"); f != "" {
		if csvData, err = os.ReadFile(s.p.Values("from-file")[0]); err != nil {
			return err
		}
	}
	plan := resetPlan{}
	for _, g := range javaStringOrder(names) {
		if err := s.resetGroup(ctx, g, csvData, &plan); err != nil {
			return err
		}
	}
	plan.rows = streamsPlanOrder(plan.rows)
	printResetPlan(s.e, s.p, plan)
	if plan.refused {
		s.status = cmdutil.SilentError
	}
	return nil
}

// streamsPlanOrder orders each group's rows (groups already in order) as a HashMap of
// partitions iterates.
func streamsPlanOrder(rows []resetRow) []resetRow {
	var out []resetRow
	for i := 0; i < len(rows); {
		j := i
		for j < len(rows) && rows[j].group == rows[i].group {
			j++
		}
		byTP := map[tpKey]resetRow{}
		var keys []tpKey
		for _, r := range rows[i:j] {
			k := tpKey{r.topic, r.partition}
			byTP[k] = r
			keys = append(keys, k)
		}
		sortTPKeys(keys)
		for _, k := range javaTPOrder(keys) {
			out = append(out, byTP[k])
		}
		i = j
	}
	return out
}

func (s *streamsCompat) resetGroup(ctx context.Context, g string, csvData []byte, plan *resetPlan) error {
	d := group.DescribeStreamsGroups(ctx, s.adm, []string{g}, false)[g]
	if d.Err != nil && !errors.Is(d.Err, kerr.GroupIDNotFound) {
		return fmt.Errorf("java.util.concurrent.ExecutionException: %s", javaAdminException(d.Err, d.ErrMessage))
	}
	if d.Err == nil && d.State != "Empty" && d.State != "Dead" {
		plan.groups++
		plan.messages = append(plan.messages, "", fmt.Sprintf("Error: Assignments can only be reset if the group '%s' is inactive, but the current state is %s.", g, d.State))
		plan.refused = true
		return nil
	}
	req, err := s.resetRequest(ctx, g, d, csvData, plan)
	if err != nil || req == nil {
		return err
	}
	if err := resetWithRequest(ctx, s.adm, s.p, *req, plan); err != nil {
		return err
	}
	if s.p.Has("execute") {
		s.deleteResetTopics(ctx, g, d, plan)
	}
	return nil
}

// resetRequest is the seek request of one group, or nil (with the group counted) when the
// tool resets nothing for it.
func (s *streamsCompat) resetRequest(ctx context.Context, g string, d group.StreamsDescription, csvData []byte, plan *resetPlan) (*group.SeekRequest, error) {
	req, err := seekRequest(s.streamsSeekParsed(), g, csvData, time.Now())
	if err != nil {
		return nil, err
	}
	req.AllTopics = false
	if s.p.Has("from-file") {
		return &req, nil
	}
	commits, err := s.adm.FetchOffsets(ctx, g)
	if err != nil && !errors.Is(err, kerr.GroupIDNotFound) {
		return nil, javaGroupError(err, "")
	}
	var tps []tpKey
	if s.p.Has("all-input-topics") {
		tps = streamsSourceCommits(d, commits)
	} else {
		if tps, err = s.inputPartitions(ctx); err != nil {
			return nil, err
		}
		for _, k := range tps {
			if c, ok := commits.Lookup(k.topic, k.partition); !ok || c.Err != nil || c.At < 0 {
				plan.messages = append(plan.messages, "", fmt.Sprintf("Error: One or more topics are not part of the group '%s'.", g))
				tps = nil
				break
			}
		}
	}
	if len(tps) == 0 {
		plan.groups++
		return nil, nil
	}
	req.Topics = topicPartitionArgs(tps)
	return &req, nil
}

// streamsSeekParsed is the command line as resetWithRequest reads it: the first --to-offset
// and --to-datetime (the tool takes the first of several).
func (s *streamsCompat) streamsSeekParsed() *Parsed {
	c := &Parsed{values: map[string][]string{}, seen: s.p.seen, Args: s.p.Args, Raw: s.p.Raw}
	for k, v := range s.p.values {
		c.values[k] = v
	}
	for _, o := range []string{"to-offset", "to-datetime", "from-file"} {
		if v := s.p.Values(o); len(v) > 1 {
			c.values[o] = v[:1]
		}
	}
	return c
}

// streamsSourceCommits are the group's committed partitions of its topology's source topics.
func streamsSourceCommits(d group.StreamsDescription, commits kadm.OffsetResponses) []tpKey {
	source := map[string]bool{}
	if d.Topology != nil {
		for _, st := range d.Topology.Subtopologies {
			for _, t := range st.SourceTopics {
				source[t] = true
			}
		}
	}
	var out []tpKey
	commits.Each(func(o kadm.OffsetResponse) {
		if o.Err == nil && o.At >= 0 && source[o.Topic] {
			out = append(out, tpKey{o.Topic, o.Partition})
		}
	})
	sortTPKeys(out)
	return out
}

// inputPartitions is parseTopicPartitionsToReset and checkAllTopicPartitionsValid: --input-topic
// T:0,1 and T (all its partitions), every one existing.
func (s *streamsCompat) inputPartitions(ctx context.Context) ([]tpKey, error) {
	var out, named []tpKey
	var whole []string
	for _, a := range s.p.Values("input-topic") {
		if !strings.Contains(a, ":") {
			whole = append(whole, a)
			continue
		}
		tps, err := javaTopicPartitions(a)
		if err != nil {
			return nil, err
		}
		named = append(named, tps...)
	}
	topics := map[string]bool{}
	for _, t := range whole {
		topics[t] = true
	}
	for _, k := range named {
		topics[k.topic] = true
	}
	td, err := s.adm.ListTopics(ctx, sortedKeys(topics)...)
	if err != nil {
		return nil, err
	}
	for _, t := range text.Unique(whole) {
		d, ok := td[t]
		if !ok || d.Err != nil {
			return nil, errors.New("java.util.concurrent.ExecutionException: " + javaAdminException(kerr.UnknownTopicOrPartition, ""))
		}
		for _, p := range d.Partitions.Numbers() {
			out = append(out, tpKey{t, p})
		}
	}
	var missing []string
	for _, k := range named {
		if d, ok := td[k.topic]; !ok || d.Err != nil || d.Partitions[k.partition].Topic == "" {
			missing = append(missing, k.topic+"-"+strconv.Itoa(int(k.partition)))
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("The partitions \"%s\" do not exist", strings.Join(missing, ","))
	}
	out = append(named, out...)
	sortTPKeys(out)
	return out, nil
}

// topicPartitionArgs writes partitions as seek's --topic T:0,1 arguments.
func topicPartitionArgs(tps []tpKey) []string {
	by := map[string][]string{}
	for _, k := range tps {
		by[k.topic] = append(by[k.topic], strconv.Itoa(int(k.partition)))
	}
	var out []string
	for _, t := range sortedKeys(by) {
		out = append(out, t+":"+strings.Join(by[t], ","))
	}
	sort.Strings(out)
	return out
}

// deleteResetTopics deletes the internal topics --execute was asked to delete, reporting a
// failure as the tool does (the reset stays committed).
func (s *streamsCompat) deleteResetTopics(ctx context.Context, g string, d group.StreamsDescription, plan *resetPlan) {
	var topics, errs []string
	switch {
	case s.p.Has("delete-all-internal-topics") && d.Err == nil:
		topics, errs = streamsGroupInternal(d)
		for _, e := range errs {
			plan.messages = append(plan.messages, "", e)
		}
	case s.p.Has("delete-internal-topic"):
		topics = s.p.Values("delete-internal-topic")
	}
	if len(topics) == 0 {
		return
	}
	resp, err := s.adm.DeleteTopics(ctx, topics...)
	if err == nil {
		err = resp.Error()
	}
	switch {
	case err == nil:
	case errors.Is(err, kerr.UnknownTopicOrPartition):
		plan.messages = append(plan.messages, "", fmt.Sprintf("Error: Deleting internal topics for group '%s' failed because the topics do not exist.", g))
	default:
		plan.messages = append(plan.messages, "", fmt.Sprintf("Error: Deleting internal topics for group '%s' failed due to %s", g, javaAdminException(err, "")))
	}
}
