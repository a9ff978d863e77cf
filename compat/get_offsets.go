package compat

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

func getOffsetsScript() *Script {
	opts := append(commonOptions(),
		Option{Name: "topic", Arg: RequiredArg, Help: "topic regex (default: every topic)"},
		Option{Name: "partitions", Arg: RequiredArg, Help: "comma-separated partition ids"},
		Option{Name: "topic-partitions", Arg: RequiredArg, Help: "patterns topic1:1,topic2:0-3,topic3,topic4:5-,topic5:-3"},
		Option{Name: "time", Arg: RequiredArg, Help: "latest (-1, default), earliest (-2), max-timestamp (-3) or a timestamp in ms"},
		Option{Name: "exclude-internal-topics", Help: "leave out internal topics"},
		Option{Name: "broker-list", Arg: RequiredArg, Alias: "bootstrap-server", Help: "older spelling of --bootstrap-server"},
	)
	return &Script{
		Name:    "kafka-get-offsets.sh",
		Summary: "An interactive shell for getting topic-partition offsets.",
		Native:  "kafkit topic offsets",
		Options: opts,
		Run:     getOffsetsRun,
	}
}

// partitionRule is one --topic-partitions pattern, or --topic with --partitions.
type partitionRule struct {
	topic    *regexp.Regexp
	only     map[int32]bool // --partitions, or a single partition
	from, to int32          // a range (to exclusive), when only is nil
}

func (r partitionRule) allows(topic string, p int32) bool {
	if !r.topic.MatchString(topic) {
		return false
	}
	if r.only != nil {
		return len(r.only) == 0 || r.only[p]
	}
	return p >= r.from && p < r.to
}

var topicPartitionPattern = regexp.MustCompile(`^([^:,]*)(?::(?:([0-9]*)|(?:([0-9]*)-([0-9]*))))?$`)

// offsetRules parses the filters as GetOffsetShell does; errors are its TerseExceptions.
func offsetRules(p *Parsed) ([]partitionRule, error) {
	if tp := p.Value("topic-partitions"); tp != "" {
		if p.Has("topic") || p.Has("partitions") {
			return nil, errors.New("--topic-partitions cannot be used with --topic or --partitions")
		}
		var rules []partitionRule
		for _, spec := range strings.Split(tp, ",") {
			r, err := parseRuleSpec(spec)
			if err != nil {
				return nil, err
			}
			rules = append(rules, r)
		}
		return rules, nil
	}
	topic := p.Value("topic")
	if topic == "" {
		topic = ".*"
	}
	re, err := includeList(topic)
	if err != nil {
		return nil, err
	}
	r := partitionRule{topic: re, only: map[int32]bool{}}
	if ps := p.Value("partitions"); ps != "" {
		for _, s := range strings.Split(ps, ",") {
			n, err := strconv.ParseInt(s, 10, 32)
			if err != nil {
				return nil, fmt.Errorf("--partitions expects a comma separated list of numeric partition ids, but received: %s", ps)
			}
			r.only[int32(n)] = true
		}
	}
	return []partitionRule{r}, nil
}

func parseRuleSpec(spec string) (partitionRule, error) {
	m := topicPartitionPattern.FindStringSubmatch(spec)
	if m == nil {
		return partitionRule{}, fmt.Errorf("Invalid rule specification: %s", spec)
	}
	topic := m[1]
	if topic == "" {
		topic = ".*"
	}
	re, err := includeList(topic)
	if err != nil {
		return partitionRule{}, err
	}
	r := partitionRule{topic: re, from: 0, to: 1<<31 - 1}
	num := func(s string) int32 { n, _ := strconv.ParseInt(s, 10, 32); return int32(n) }
	switch {
	case m[2] != "":
		r.only = map[int32]bool{num(m[2]): true}
	case m[3] != "" || m[4] != "":
		if m[3] != "" {
			r.from = num(m[3])
		}
		if m[4] != "" {
			r.to = num(m[4])
		}
	}
	return r, nil
}

// offsetTime maps --time to kadm: -1 latest, -2 earliest, -3 max timestamp, or a time in ms.
func offsetTime(v string) (int64, error) {
	switch v {
	case "", "latest":
		return -1, nil
	case "earliest":
		return -2, nil
	case "max-timestamp":
		return -3, nil
	case "earliest-local", "latest-tiered", "-4", "-5":
		return 0, cmdutil.UsageErrorf("kafka-get-offsets.sh: --time %s (tiered storage) is not supported by kafkit", v)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("Malformed time argument %s. Please use -1 or latest / -2 or earliest / -3 or max-timestamp / -4 or earliest-local / -5 or latest-tiered, or a specified long format timestamp", v)
	}
	return n, nil
}

func getOffsetsRun(ctx context.Context, e *Env, p *Parsed) error {
	fail := func(err error) error {
		if cmdutil.IsUsage(err) {
			return err
		}
		fmt.Fprintf(e.IO.ErrOut, "Error occurred: %v\n", err)
		return cmdutil.SilentError
	}
	if err := repeated(getOffsetsScript().Options, p); err != nil {
		return fail(err)
	}
	rules, err := offsetRules(p)
	if err != nil {
		return fail(err)
	}
	at, err := offsetTime(p.Value("time"))
	if err != nil {
		return fail(err)
	}
	ctx, cancel, err := e.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	lines, err := fetchGetOffsets(ctx, e, rules, at, p.Has("exclude-internal-topics"))
	if err != nil {
		return fail(e.Explain(err))
	}
	for _, l := range lines {
		fmt.Fprintln(e.IO.Out, l)
	}
	return nil
}

func fetchGetOffsets(ctx context.Context, e *Env, rules []partitionRule, at int64, excludeInternal bool) ([]string, error) {
	adm, err := e.Admin()
	if err != nil {
		return nil, err
	}
	td, err := adm.ListTopicsWithInternal(ctx)
	if err != nil {
		return nil, err
	}
	want := map[string][]int32{}
	for _, t := range td.Sorted() {
		if excludeInternal && (t.IsInternal || internalTopics[t.Topic]) {
			continue
		}
		for _, pd := range t.Partitions.Sorted() {
			for _, r := range rules {
				if r.allows(t.Topic, pd.Partition) {
					want[t.Topic] = append(want[t.Topic], pd.Partition)
					break
				}
			}
		}
	}
	if len(want) == 0 {
		return nil, errors.New("Could not match any topic-partitions with the specified filters")
	}
	listed, err := listOffsetsAt(ctx, adm, at, sortedKeys(want))
	if err != nil {
		return nil, err
	}
	var lines []string
	for topic, parts := range want {
		for _, part := range parts {
			o, ok := listed.Lookup(topic, part)
			if !ok {
				continue
			}
			if o.Err != nil {
				fmt.Fprintf(e.IO.ErrOut, "Skip getting offsets for topic-partition %s-%d due to error: %v\n", topic, part, o.Err)
				continue
			}
			// kadm answers "no record at or after the time" with the end offset and no
			// timestamp; GetOffsetShell prints nothing for such a partition.
			if o.Offset >= 0 && !(at >= 0 && o.Timestamp < 0) {
				lines = append(lines, fmt.Sprintf("%s:%d:%d", topic, part, o.Offset))
			}
		}
	}
	// GetOffsetShell sorts by TopicPartition.toString(), "topic-partition", as text.
	sort.Slice(lines, func(i, j int) bool { return tpString(lines[i]) < tpString(lines[j]) })
	return lines, nil
}

func tpString(line string) string {
	i := strings.LastIndexByte(line, ':')
	j := strings.LastIndexByte(line[:i], ':')
	return line[:j] + "-" + line[j+1:i]
}

func listOffsetsAt(ctx context.Context, adm *cmdutil.Admin, at int64, topics []string) (kadm.ListedOffsets, error) {
	switch at {
	case -1:
		return adm.ListEndOffsets(ctx, topics...)
	case -2:
		return adm.ListStartOffsets(ctx, topics...)
	case -3:
		return adm.ListMaxTimestampOffsets(ctx, topics...)
	}
	return adm.ListOffsetsAfterMilli(ctx, at, topics...)
}
