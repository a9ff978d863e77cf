package apply

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/kafkit/kafkit/topic"
)

// Desired is everything an apply file asks for, checked completely before any request.
type Desired struct {
	HasTopics     bool
	Topics        []topic.TopicSpec
	Users         []UserSpec
	ACLs          []ACLSpec
	Quotas        []QuotaSpec
	BrokerConfigs []BrokerConfigSpec
}

const fileFormat = `  topics:                        # as in 'kafkit topic apply'
    - name: orders
      partitions: 6
      configs: {retention.ms: 604800000}
  users:                         # SCRAM credentials; the password from a file or an env var
    - name: orders-app
      mechanism: SCRAM-SHA-512   # or SCRAM-SHA-256 (default SCRAM-SHA-512)
      iterations: 8192           # default 8192, at least 4096
      password_file: /run/secrets/orders-app   # or password_env: ORDERS_APP_PASSWORD
  acls:
    - principal: User:orders-app
      host: "*"                  # default "*"
      permission: allow          # allow (default) or deny
      resource: topic            # topic, group, cluster, transactional_id, delegation_token
      name: orders               # the resource name (cluster: kafka-cluster, the default)
      pattern: literal           # literal (default) or prefixed
      operations: [write, describe]
  quotas:
    - user: orders-app           # user, client_id and/or ip; "<default>" for the default
      producer_byte_rate: 1048576
      consumer_byte_rate: 2097152
  broker_configs:
    - broker: default            # the cluster-wide default, or a broker id
      configs:
        log.retention.ms: 604800000`

var sectionNames = []string{"topics", "users", "acls", "quotas", "broker_configs"}

var yamlLine = regexp.MustCompile(`^line (\d+): (.*)$`)

// parser collects every problem of one file, each with file:line.
type parser struct {
	file string
	errs []string
}

// fileErrors is every problem of a file: a usage error (exit 2), nothing sent.
type fileErrors []string

func (e fileErrors) Error() string { return strings.Join(e, "\n") }

func (p *parser) add(line int, format string, args ...any) {
	p.errs = append(p.errs, fmt.Sprintf("%s:%d: %s", p.file, line, fmt.Sprintf(format, args...)))
}

// Parse reads an apply file completely: YAML syntax, unknown or duplicate keys, bad values,
// duplicate entries, missing password references. It sends nothing anywhere.
func Parse(file string, data []byte) (*Desired, error) {
	p := &parser{file: file}
	root, err := p.document(data)
	if err != nil {
		return nil, err
	}
	d := &Desired{}
	seen := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if prev, dup := seen[k.Value]; dup {
			p.add(k.Line, "%q is given twice (first at line %d)", k.Value, prev)
			continue
		}
		seen[k.Value] = k.Line
		p.section(d, k, v)
	}
	if len(seen) == 0 {
		p.add(root.Line, "the file has none of %s; expected:\n%s", strings.Join(sectionNames, ", "), fileFormat)
	}
	if len(p.errs) > 0 {
		return nil, fileErrors(p.errs)
	}
	return d, nil
}

// section dispatches one top-level key.
func (p *parser) section(d *Desired, k, v *yaml.Node) {
	if k.Value == "topics" {
		d.HasTopics = true
		specs, err := topic.ParseTopicList(p.file, v)
		if err != nil {
			p.errs = append(p.errs, err.Error())
		}
		d.Topics = specs
		return
	}
	items, ok := p.list(k, v)
	if !ok {
		return
	}
	switch k.Value {
	case "users":
		d.Users = p.users(items)
	case "acls":
		d.ACLs = p.acls(items)
	case "quotas":
		d.Quotas = p.quotas(items)
	case "broker_configs":
		d.BrokerConfigs = p.brokerConfigs(items)
	default:
		p.add(k.Line, "unknown key %q: the file's keys are %s", k.Value, strings.Join(sectionNames, ", "))
	}
}

// document decodes the one YAML document of the file and returns its top-level mapping.
func (p *parser) document(data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fileErrors{fmt.Sprintf("%s: the file is empty; expected:\n%s", p.file, fileFormat)}
		}
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			return nil, fileErrors{fmt.Sprintf("%s:%s: %s", p.file, m[1], m[2])}
		}
		return nil, fileErrors{fmt.Sprintf("%s: %s", p.file, msg)}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, fileErrors{fmt.Sprintf("%s:%d: a second YAML document: put everything in one", p.file, extra.Line)}
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		return nil, fileErrors{fmt.Sprintf("%s:%d: expected a mapping of sections, like:\n%s", p.file, root.Line, fileFormat)}
	}
	return root, nil
}

// list checks that a section is a list of mappings (an empty section is an empty list).
func (p *parser) list(k, v *yaml.Node) ([]*yaml.Node, bool) {
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		return nil, true
	}
	if v.Kind != yaml.SequenceNode {
		p.add(v.Line, "%q must be a list (entries starting with '- ')", k.Value)
		return nil, false
	}
	var items []*yaml.Node
	for _, it := range v.Content {
		if it.Kind != yaml.MappingNode {
			p.add(it.Line, "each entry of %q must be a mapping of keys", k.Value)
			continue
		}
		items = append(items, it)
	}
	return items, true
}

// fields walks an entry's keys, refusing unknown and duplicate ones; f returns false for a key
// it does not know.
func (p *parser) fields(item *yaml.Node, what string, known string, f func(k, v *yaml.Node) bool) {
	seen := map[string]bool{}
	for i := 0; i+1 < len(item.Content); i += 2 {
		k, v := item.Content[i], item.Content[i+1]
		if seen[k.Value] {
			p.add(k.Line, "%q is given twice in this %s", k.Value, what)
			continue
		}
		seen[k.Value] = true
		if !f(k, v) {
			p.add(k.Line, "unknown key %q in a %s: use %s", k.Value, what, known)
		}
	}
}

// scalar is v's value when it is a scalar, else an error at its line.
func (p *parser) scalar(k, v *yaml.Node) (string, bool) {
	if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		p.add(v.Line, "%q needs a value", k.Value)
		return "", false
	}
	return v.Value, true
}

// integer is v as an integer within [lo, hi].
func (p *parser) integer(k, v *yaml.Node, lo, hi int64) (int64, bool) {
	s, ok := p.scalar(k, v)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < lo || n > hi {
		p.add(v.Line, "%q must be a whole number from %d to %d, got %q", k.Value, lo, hi, s)
		return 0, false
	}
	return n, true
}
