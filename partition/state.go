package partition

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// State is what the planner and the executor read from the cluster: the live brokers and the
// replica lists of the topics asked for.
type State struct {
	Brokers []Broker
	Topics  map[string][]Assignment // by topic, partitions in order
	// Internal names the internal topics (__consumer_offsets ...).
	Internal map[string]bool
}

// BrokerIDs lists the live brokers' ids, ascending.
func (s State) BrokerIDs() []int32 {
	ids := make([]int32, len(s.Brokers))
	for i, b := range s.Brokers {
		ids[i] = b.ID
	}
	sortIDs(ids)
	return ids
}

// Partition returns the current replicas of topic-partition, and whether it exists.
func (s State) Partition(topic string, p int32) ([]int32, bool) {
	for _, a := range s.Topics[topic] {
		if a.Partition == p {
			return a.Replicas, true
		}
	}
	return nil, false
}

// FetchState reads the brokers and the named topics (every topic when names is empty) with one
// fresh Metadata request; a named topic that does not exist is absent from Topics.
func FetchState(ctx context.Context, cl kmsg.Requestor, names ...string) (State, error) {
	req := kmsg.NewPtrMetadataRequest()
	if len(names) > 0 {
		req.Topics = []kmsg.MetadataRequestTopic{}
		for _, n := range names {
			t := kmsg.NewMetadataRequestTopic()
			t.Topic = kmsg.StringPtr(n)
			req.Topics = append(req.Topics, t)
		}
	}
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return State{}, err
	}
	st := State{Topics: map[string][]Assignment{}, Internal: map[string]bool{}}
	for _, b := range resp.Brokers {
		st.Brokers = append(st.Brokers, Broker{ID: b.NodeID, Rack: deref(b.Rack)})
	}
	sort.Slice(st.Brokers, func(i, j int) bool { return st.Brokers[i].ID < st.Brokers[j].ID })
	for _, t := range resp.Topics {
		if t.Topic == nil {
			continue
		}
		terr := kerr.ErrorForCode(t.ErrorCode)
		switch {
		case errors.Is(terr, kerr.UnknownTopicOrPartition):
			continue
		case errors.Is(terr, kerr.TopicAuthorizationFailed):
			return State{}, fmt.Errorf("not authorized to describe topic %q", *t.Topic)
		case terr != nil:
			return State{}, fmt.Errorf("topic %q: %v", *t.Topic, terr)
		}
		var ps []Assignment
		for _, p := range t.Partitions {
			ps = append(ps, Assignment{Topic: *t.Topic, Partition: p.Partition, Replicas: p.Replicas})
		}
		sort.Slice(ps, func(i, j int) bool { return ps[i].Partition < ps[j].Partition })
		st.Topics[*t.Topic] = ps
		st.Internal[*t.Topic] = t.IsInternal
	}
	return st, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Select returns the partitions of the topics matching re (nil: every topic) or named exactly,
// sorted; the names that do not exist are returned in missing.
func (s State) Select(re *regexp.Regexp, exact []string) (parts []Assignment, missing []string) {
	want := map[string]bool{}
	for _, n := range exact {
		if _, ok := s.Topics[n]; !ok {
			missing = append(missing, n)
		}
		want[n] = true
	}
	for _, t := range sortedTopics(s.Topics) {
		if want[t] || (re != nil && re.MatchString(t)) || (re == nil && len(exact) == 0) {
			parts = append(parts, s.Topics[t]...)
		}
	}
	return parts, missing
}

func sortedTopics(m map[string][]Assignment) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// CheckPlan checks a plan read from a file against the cluster: every topic and partition
// exists, every broker is live, no partition has more replicas than there are brokers. The
// error names the first problem and what to do; nothing has been sent.
func (s State) CheckPlan(plan []Assignment) error {
	live := idSet(s.BrokerIDs())
	for _, a := range plan {
		if _, ok := s.Topics[a.Topic]; !ok {
			return fmt.Errorf("topic %q does not exist", a.Topic)
		}
		if _, ok := s.Partition(a.Topic, a.Partition); !ok {
			return fmt.Errorf("partition %s-%d does not exist (topic %q has %d partitions)", a.Topic, a.Partition, a.Topic, len(s.Topics[a.Topic]))
		}
		if len(a.Replicas) > len(live) {
			return fmt.Errorf("partition %s-%d: %d replicas but the cluster has only %s (%s)", a.Topic, a.Partition, len(a.Replicas), countBrokers(len(live)), joinIDs(s.BrokerIDs()))
		}
		for _, b := range a.Replicas {
			if !live[b] {
				return fmt.Errorf("partition %s-%d: broker %d does not exist or is not running (live brokers: %s)", a.Topic, a.Partition, b, joinIDs(s.BrokerIDs()))
			}
		}
	}
	return nil
}

// MovesFor turns a plan's target assignments into moves against the current state, leaving
// out the partitions already as asked.
func (s State) MovesFor(plan []Assignment) (moves []Move, unchanged []Assignment) {
	sorted := append([]Assignment(nil), plan...)
	sortAssignments(sorted)
	for _, a := range sorted {
		cur, _ := s.Partition(a.Topic, a.Partition)
		if equalIDs(cur, a.Replicas) {
			unchanged = append(unchanged, a)
			continue
		}
		moves = append(moves, newMove(a.Topic, a.Partition, cur, a.Replicas))
	}
	return moves, unchanged
}

func newMove(topic string, p int32, from, to []int32) Move {
	m := Move{Topic: topic, Partition: p, From: append([]int32(nil), from...), To: append([]int32(nil), to...), Adding: []int32{}, Removing: []int32{}}
	was, now := idSet(from), idSet(to)
	for _, b := range to {
		if !was[b] {
			m.Adding = append(m.Adding, b)
		}
	}
	for _, b := range from {
		if !now[b] {
			m.Removing = append(m.Removing, b)
		}
	}
	return m
}

// Targets and Currents are a plan's two JSON documents: where the partitions go, and where
// they are (the rollback).
func Targets(moves []Move) []Assignment {
	out := make([]Assignment, len(moves))
	for i, m := range moves {
		out[i] = Assignment{Topic: m.Topic, Partition: m.Partition, Replicas: m.To}
	}
	return out
}

func Currents(moves []Move) []Assignment {
	out := make([]Assignment, len(moves))
	for i, m := range moves {
		out[i] = Assignment{Topic: m.Topic, Partition: m.Partition, Replicas: m.From}
	}
	return out
}

// ParseBrokerList parses "1,2,3" (spaces allowed).
func ParseBrokerList(s string) ([]int32, error) {
	var out []int32
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		var id int32
		if _, err := fmt.Sscan(f, &id); err != nil || f == "" || fmt.Sprint(id) != f || id < 0 {
			return nil, fmt.Errorf("bad broker id %q in %q: give broker ids separated by commas, e.g. 1,2,3", f, s)
		}
		out = append(out, id)
	}
	return out, nil
}

// SortMoves sorts moves by topic and partition.
func SortMoves(moves []Move) {
	sort.Slice(moves, func(i, j int) bool {
		if moves[i].Topic != moves[j].Topic {
			return moves[i].Topic < moves[j].Topic
		}
		return moves[i].Partition < moves[j].Partition
	})
}
