package topic

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// TopicSpec is one desired topic of an apply file. Zero Partitions / ReplicationFactor mean
// "not given": the broker default at creation, not compared afterwards.
type TopicSpec struct {
	Name              string
	Partitions        int32
	ReplicationFactor int16
	Configs           map[string]string

	Line        int            // line of the topic's entry, for messages
	ConfigLines map[string]int // line of each config key
}

// specErrors are every problem found in an apply file, each "file:line: message".
type specErrors []string

func (e specErrors) Error() string { return strings.Join(e, "\n") }

// fileFormat is the apply/export format, shown in help and in errors.
const fileFormat = `topics:
  - name: orders                 # required
    partitions: 6                # optional: default num.partitions; only ever increased
    replication_factor: 3        # optional: default default.replication.factor
    configs:                     # optional: topic configs, any scalar value
      retention.ms: 604800000
      cleanup.policy: delete`

var yamlLine = regexp.MustCompile(`^line (\d+): (.*)$`)

// parseSpec reads an apply file completely and reports every problem with file:line: YAML
// syntax, unknown or duplicate keys, duplicate or illegal topic names, bad values. It sends
// nothing anywhere.
func parseSpec(file string, data []byte) ([]TopicSpec, error) {
	p := &specParser{file: file}
	list, err := p.topicsList(data)
	if err != nil {
		return nil, err
	}
	if list == nil {
		return nil, p.errs
	}
	return p.list(list)
}

// list reads the entries of a 'topics:' sequence.
func (p *specParser) list(list *yaml.Node) ([]TopicSpec, error) {
	var out []TopicSpec
	names := map[string]int{}
	keys := map[string]int{}
	for _, item := range list.Content {
		ts, ok := p.topic(item)
		if !ok {
			continue
		}
		if prev, dup := names[ts.Name]; dup {
			p.add(item.Line, "topic %q is listed twice (first at line %d)", ts.Name, prev)
			continue
		}
		names[ts.Name] = item.Line
		if other, ok := keys[collisionKey(ts.Name)]; ok {
			p.add(item.Line, "topic %q collides with the topic at line %d: Kafka treats '.' and '_' as the same character in topic names", ts.Name, other)
			continue
		}
		keys[collisionKey(ts.Name)] = item.Line
		out = append(out, ts)
	}
	if len(p.errs) > 0 {
		return nil, p.errs
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// specParser collects the problems of one apply file.
type specParser struct {
	file string
	errs specErrors
}

func (p *specParser) add(line int, format string, args ...any) {
	p.errs = append(p.errs, fmt.Sprintf("%s:%d: %s", p.file, line, fmt.Sprintf(format, args...)))
}

// topicsList decodes the document and returns its 'topics:' sequence. A document that cannot
// be read at all is an error; a missing or malformed list is a nil list with p.errs set.
func (p *specParser) topicsList(data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, specErrors{fmt.Sprintf("%s: the file is empty; expected:\n%s", p.file, fileFormat)}
		}
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			return nil, specErrors{fmt.Sprintf("%s:%s: %s", p.file, m[1], m[2])}
		}
		return nil, specErrors{fmt.Sprintf("%s: %s", p.file, msg)}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		p.add(extra.Line, "a second YAML document: put every topic under one 'topics:' list")
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		return nil, specErrors{fmt.Sprintf("%s:%d: expected a mapping with a 'topics:' list, like:\n%s", p.file, root.Line, fileFormat)}
	}
	var list *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch {
		case k.Value != "topics":
			p.add(k.Line, "unknown key %q: the file has one key, 'topics'", k.Value)
		case list != nil:
			p.add(k.Line, "'topics' is given twice")
		default:
			list = v
		}
	}
	switch {
	case list == nil:
		p.errs = append(p.errs, fmt.Sprintf("%s:%d: no 'topics:' list; expected:\n%s", p.file, root.Line, fileFormat))
		return nil, nil
	case list.Kind == yaml.ScalarNode && list.Tag == "!!null":
		return &yaml.Node{Kind: yaml.SequenceNode}, nil
	case list.Kind != yaml.SequenceNode:
		p.add(list.Line, "'topics' must be a list of topics (entries starting with '- name: ...')")
		return nil, nil
	}
	return list, nil
}

// topic reads one entry of the list; ok is false when it has no usable name.
func (p *specParser) topic(item *yaml.Node) (TopicSpec, bool) {
	if item.Kind != yaml.MappingNode {
		p.add(item.Line, "each topic must be a mapping with at least 'name:'")
		return TopicSpec{}, false
	}
	ts := TopicSpec{Line: item.Line, Configs: map[string]string{}, ConfigLines: map[string]int{}}
	seen := map[string]int{}
	hasName := false
	for i := 0; i+1 < len(item.Content); i += 2 {
		k, v := item.Content[i], item.Content[i+1]
		if prev, dup := seen[k.Value]; dup {
			p.add(k.Line, "%q is given twice in this topic (first at line %d)", k.Value, prev)
			continue
		}
		seen[k.Value] = k.Line
		hasName = hasName || k.Value == "name"
		p.topicField(&ts, k, v)
	}
	if !hasName {
		p.add(item.Line, "topic without 'name:'")
		return ts, false
	}
	return ts, ts.Name != ""
}

// topicField reads one key of a topic entry into ts.
func (p *specParser) topicField(ts *TopicSpec, k, v *yaml.Node) {
	switch k.Value {
	case "name":
		if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
			p.add(v.Line, "name must be a topic name")
			return
		}
		if err := validateTopicName(v.Value); err != nil {
			p.add(v.Line, "%v", err)
			return
		}
		ts.Name = v.Value
	case "partitions":
		n, err := specInt(v, 1, 1<<20)
		if err != nil {
			p.add(v.Line, "partitions: %v", err)
			return
		}
		ts.Partitions = int32(n)
	case "replication_factor":
		n, err := specInt(v, 1, 32767)
		if err != nil {
			p.add(v.Line, "replication_factor: %v", err)
			return
		}
		ts.ReplicationFactor = int16(n)
	case "configs":
		p.configs(ts, v)
	default:
		msg := fmt.Sprintf("unknown key %q in topic", k.Value)
		if hint := specKeyHint(k.Value); hint != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", hint)
		}
		p.add(k.Line, "%s; a topic has name, partitions, replication_factor and configs", msg)
	}
}

// configs reads a topic's 'configs:' mapping into ts.
func (p *specParser) configs(ts *TopicSpec, v *yaml.Node) {
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		return
	}
	if v.Kind != yaml.MappingNode {
		p.add(v.Line, "configs must be a mapping of config name to value, e.g. retention.ms: 604800000")
		return
	}
	for j := 0; j+1 < len(v.Content); j += 2 {
		ck, cv := v.Content[j], v.Content[j+1]
		if prev, dup := ts.ConfigLines[ck.Value]; dup {
			p.add(ck.Line, "config %q is given twice (first at line %d)", ck.Value, prev)
			continue
		}
		ts.ConfigLines[ck.Value] = ck.Line
		switch {
		case ck.Kind != yaml.ScalarNode || ck.Value == "" || strings.ContainsAny(ck.Value, " ="):
			p.add(ck.Line, "bad config name %q", ck.Value)
		case cv.Kind != yaml.ScalarNode:
			p.add(cv.Line, "config %q: the value must be a single value (quote lists: \"compact,delete\")", ck.Value)
		case cv.Tag == "!!null":
			p.add(cv.Line, "config %q has no value: give one, or remove the line (and apply with --prune-configs to unset it)", ck.Value)
		default:
			ts.Configs[ck.Value] = cv.Value
		}
	}
}

func specInt(v *yaml.Node, lo, hi int64) (int64, error) {
	if v.Kind != yaml.ScalarNode || v.Tag != "!!int" {
		return 0, fmt.Errorf("%q is not a whole number", v.Value)
	}
	n, err := strconv.ParseInt(v.Value, 0, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a whole number", v.Value)
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("%d is out of range (%d to %d)", n, lo, hi)
	}
	return n, nil
}

func specKeyHint(k string) string {
	switch strings.ToLower(strings.ReplaceAll(k, "-", "_")) {
	case "replicas", "replication", "rf", "replicationfactor", "replication_factor":
		return "replication_factor"
	case "partition", "num_partitions", "numpartitions":
		return "partitions"
	case "config", "configuration", "settings":
		return "configs"
	case "topic", "topic_name":
		return "name"
	}
	return ""
}

// checkSpecConfigKeys reports config keys neither kafkit nor the broker (brokerKeys) knows,
// with the file:line of each.
func checkSpecConfigKeys(file string, specs []TopicSpec, brokerKeys map[string]bool) error {
	var errs specErrors
	for _, ts := range specs {
		keys := make([]string, 0, len(ts.Configs))
		for k := range ts.Configs {
			keys = append(keys, k)
		}
		for _, k := range unknownConfigKeys(keys, brokerKeys) {
			errs = append(errs, fmt.Sprintf("%s:%d: topic %q: %s", file, ts.ConfigLines[k], ts.Name, unknownConfigMessage(k)))
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}
