package compat

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// topicRequest is a kafka-topics.sh command line, parsed and validated.
type topicRequest struct {
	Topic           string // as given (--topic)
	Filter          *regexp.Regexp
	TopicID         string
	Partitions      int32 // -1: not given
	Replication     int16 // -1: not given
	Configs         map[string]string
	ConfigOrder     []string
	Assignment      [][]int32
	IfExists        bool
	IfNotExists     bool
	ExcludeInternal bool
	Reports         topicReports
}

// topicReports are --describe's filters.
type topicReports struct {
	UnderReplicated, UnderMinISR, AtMinISR, Unavailable, WithOverrides bool
}

func (r topicReports) any() bool {
	return r.UnderReplicated || r.UnderMinISR || r.AtMinISR || r.Unavailable
}

// parseError is an error the Java tool reports on stderr (a bad option value), exit 1.
type parseError struct{ msg string }

func (e *parseError) Error() string { return e.msg }

func topicRequestFrom(p *Parsed, action string) (*topicRequest, error) {
	r := &topicRequest{Partitions: -1, Replication: -1, Configs: map[string]string{},
		IfExists: p.Has("if-exists"), IfNotExists: p.Has("if-not-exists"), ExcludeInternal: p.Has("exclude-internal"),
		Reports: topicReports{p.Has("under-replicated-partitions"), p.Has("under-min-isr-partitions"),
			p.Has("at-min-isr-partitions"), p.Has("unavailable-partitions"), p.Has("topics-with-overrides")}}
	var err error
	if r.Topic, _, err = p.One("topic"); err != nil {
		return nil, err
	}
	if r.TopicID, _, err = p.One("topic-id"); err != nil {
		return nil, err
	}
	if r.Topic != "" && action != "create" {
		if r.Filter, err = includeList(r.Topic); err != nil {
			return nil, err
		}
	}
	if err := parseTopicNumbers(p, r); err != nil {
		return nil, err
	}
	if err := parseTopicConfigs(p.Values("config"), r); err != nil {
		return nil, err
	}
	if a := p.Value("replica-assignment"); a != "" {
		if r.Assignment, err = parseJavaAssignment(a); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func parseTopicNumbers(p *Parsed, r *topicRequest) error {
	num := func(name string) (int64, bool, error) {
		v, ok, err := p.One(name)
		if err != nil || !ok {
			return 0, ok, err
		}
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil {
			return 0, true, &parseError{fmt.Sprintf("Cannot parse argument '%s' of option %s", v, name)}
		}
		return n, true, nil
	}
	n, ok, err := num("partitions")
	if err != nil {
		return err
	}
	if ok {
		if n < 1 {
			return fmt.Errorf("The partitions must be greater than 0")
		}
		r.Partitions = int32(n)
	}
	n, ok, err = num("replication-factor")
	if err != nil {
		return err
	}
	if ok {
		if n < 1 || n > 32767 {
			return fmt.Errorf("The replication factor must be between 1 and 32767 inclusive")
		}
		r.Replication = int16(n)
	}
	return nil
}

// parseTopicConfigs is TopicCommand's parseTopicConfigsToBeAdded: each --config is key=value
// (spaces around '=' allowed).
func parseTopicConfigs(values []string, r *topicRequest) error {
	for _, v := range values {
		k, val, ok := strings.Cut(v, "=")
		k, val = strings.TrimSpace(k), strings.TrimSpace(val)
		if !ok || k == "" || val == "" || strings.Contains(val, "=") {
			return fmt.Errorf(`requirement failed: Invalid topic config: all configs to be added must be in the format "key=val".`)
		}
		if _, seen := r.Configs[k]; !seen {
			r.ConfigOrder = append(r.ConfigOrder, k)
		}
		r.Configs[k] = val
	}
	return nil
}

// parseJavaAssignment is TopicCommand's parseReplicaAssignment: partitions separated by ',',
// broker ids by ':', no duplicates within a partition, the same count for every partition.
func parseJavaAssignment(s string) ([][]int32, error) {
	parts := strings.Split(s, ",")
	out := make([][]int32, 0, len(parts))
	for i, part := range parts {
		var ids []int32
		seen := map[int32]bool{}
		for _, b := range strings.Split(part, ":") {
			n, err := strconv.ParseInt(strings.TrimSpace(b), 10, 32)
			if err != nil {
				return nil, fmt.Errorf("For input string: \"%s\"", strings.TrimSpace(b))
			}
			if seen[int32(n)] {
				return nil, fmt.Errorf("Partition replica lists may not contain duplicate entries: %s", strings.TrimSpace(b))
			}
			seen[int32(n)] = true
			ids = append(ids, int32(n))
		}
		if i > 0 && len(ids) != len(out[0]) {
			return nil, fmt.Errorf("Partition %d has different replication factor: %s", i, javaList(ids))
		}
		out = append(out, ids)
	}
	return out, nil
}

// joinIDs is "1,2,3", as the tools print replica lists.
func joinIDs(ids []int32) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.Itoa(int(id))
	}
	return strings.Join(s, ",")
}

// javaList is "[1, 2, 3]", Java's List.toString.
func javaList(ids []int32) string {
	return "[" + strings.ReplaceAll(joinIDs(ids), ",", ", ") + "]"
}
