package partition

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// TopicPartitions is a --topic value: a topic and the partitions named (nil: every partition).
type TopicPartitions struct {
	Topic      string
	Partitions []int32
}

// ParseTopicSpec parses "orders", "orders:3" or "orders:0,2,5" (a topic name cannot hold ':').
// Partitions come back sorted and without duplicates; a bad one is an error saying which.
func ParseTopicSpec(s string) (TopicPartitions, error) {
	name, parts, hasParts := strings.Cut(s, ":")
	if name == "" {
		return TopicPartitions{}, fmt.Errorf("--topic %q: no topic name before ':' (use TOPIC or TOPIC:P[,P...])", s)
	}
	tp := TopicPartitions{Topic: name}
	if !hasParts {
		return tp, nil
	}
	seen := map[int32]bool{}
	for _, p := range strings.Split(parts, ",") {
		n, err := strconv.ParseInt(strings.TrimSpace(p), 10, 32)
		if err != nil || n < 0 {
			return TopicPartitions{}, fmt.Errorf("--topic %q: %q is not a partition number (use TOPIC:0,1,2)", s, p)
		}
		if !seen[int32(n)] {
			seen[int32(n)] = true
			tp.Partitions = append(tp.Partitions, int32(n))
		}
	}
	sort.Slice(tp.Partitions, func(i, j int) bool { return tp.Partitions[i] < tp.Partitions[j] })
	return tp, nil
}

// mergeSpecs folds repeated --topic values: a topic named without partitions means all of them.
func mergeSpecs(specs []TopicPartitions) []TopicPartitions {
	by := map[string]*TopicPartitions{}
	var order []string
	for _, s := range specs {
		cur, ok := by[s.Topic]
		if !ok {
			c := s
			by[s.Topic] = &c
			order = append(order, s.Topic)
			continue
		}
		if cur.Partitions == nil || s.Partitions == nil {
			cur.Partitions = nil
			continue
		}
		merged, _ := ParseTopicSpec(s.Topic + ":" + joinInts(append(cur.Partitions, s.Partitions...)))
		cur.Partitions = merged.Partitions
	}
	out := make([]TopicPartitions, 0, len(order))
	for _, n := range order {
		out = append(out, *by[n])
	}
	return out
}

func joinInts(ns []int32) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(int(n))
	}
	return strings.Join(s, ",")
}
