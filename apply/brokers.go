package apply

import (
	"context"
	"fmt"
	"strconv"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kmsg"
	"go.yaml.in/yaml/v3"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/settle"
)

// BrokerConfigSpec is the dynamic configs of one broker (Broker >= 0) or of the cluster-wide
// default (Broker -1, "default" in the file).
type BrokerConfigSpec struct {
	Line    int
	Broker  int32
	Configs map[string]string
}

func (s BrokerConfigSpec) target() string { return brokerTarget(s.Broker) }

func brokerTarget(b int32) string {
	if b < 0 {
		return "default"
	}
	return "broker " + strconv.Itoa(int(b))
}

func (p *parser) brokerConfigs(items []*yaml.Node) []BrokerConfigSpec {
	var out []BrokerConfigSpec
	seen := map[int32]int{}
	for _, it := range items {
		b := BrokerConfigSpec{Line: it.Line, Broker: -2, Configs: map[string]string{}}
		p.fields(it, "broker_configs entry", "broker, configs", func(k, v *yaml.Node) bool {
			switch k.Value {
			case "broker":
				b.Broker = p.brokerID(k, v)
			case "configs":
				p.configMap(k, v, b.Configs)
			default:
				return false
			}
			return true
		})
		if b.Broker == -2 {
			p.add(it.Line, "a broker_configs entry needs broker: default or a broker id")
			continue
		}
		if prev, dup := seen[b.Broker]; dup {
			p.add(it.Line, "%s is listed twice (first at line %d)", b.target(), prev)
			continue
		}
		seen[b.Broker] = it.Line
		out = append(out, b)
	}
	return out
}

func (p *parser) brokerID(k, v *yaml.Node) int32 {
	s, ok := p.scalar(k, v)
	if !ok {
		return -3
	}
	if s == "default" {
		return -1
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil || n < 0 {
		p.add(v.Line, "broker %q: use default (the cluster-wide default) or a broker id", s)
		return -3
	}
	return int32(n)
}

func (p *parser) configMap(k, v *yaml.Node, into map[string]string) {
	if v.Kind != yaml.MappingNode {
		p.add(v.Line, "%q must be a mapping of config names to values", k.Value)
		return
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		ck, cv := v.Content[i], v.Content[i+1]
		if _, dup := into[ck.Value]; dup {
			p.add(ck.Line, "config %q is given twice", ck.Value)
			continue
		}
		if s, ok := p.scalar(ck, cv); ok {
			into[ck.Value] = s
		}
	}
}

// brokersSection plans dynamic broker configs: set what differs at each listed level and, with
// --prune-configs, unset the dynamic configs set at that level that the file does not list.
type brokersSection struct {
	want   []BrokerConfigSpec
	prune  bool
	actual map[int32]map[string]kadm.Config // per level: the configs set at that level
	alters map[int32][]kadm.AlterConfig
}

// levelSource is where a value set at that level comes from.
func levelSource(b int32) kmsg.ConfigSource {
	if b < 0 {
		return kmsg.ConfigSourceDynamicDefaultBrokerConfig
	}
	return kmsg.ConfigSourceDynamicBrokerConfig
}

func (s *brokersSection) fetch(ctx context.Context, adm *cmdutil.Admin) error {
	s.actual = map[int32]map[string]kadm.Config{}
	for _, b := range s.want {
		var ids []int32
		if b.Broker >= 0 {
			ids = []int32{b.Broker}
		}
		rcs, err := adm.DescribeBrokerConfigs(ctx, ids...)
		if err == nil && len(rcs) == 1 {
			err = rcs[0].Err
		}
		if err != nil {
			return fmt.Errorf("reading the configs of %s: %v", b.target(), err)
		}
		m := map[string]kadm.Config{}
		for _, c := range rcs[0].Configs {
			if c.Source == levelSource(b.Broker) || c.Sensitive {
				m[c.Key] = c
			}
		}
		s.actual[b.Broker] = m
	}
	return nil
}

// plan returns the rows, or an error naming a sensitive config (its value cannot be read back,
// so a file could never be in sync).
func (s *brokersSection) plan(file string) ([]Action, error) {
	var acts []Action
	s.alters = map[int32][]kadm.AlterConfig{}
	for _, b := range s.want {
		have := s.actual[b.Broker]
		for _, k := range sortedKeys(b.Configs) {
			v := b.Configs[k]
			cur, ok := have[k]
			if ok && cur.Sensitive {
				return nil, fmt.Errorf("%s:%d: %s config %s is sensitive: its value cannot be read back to compare, so set it with kafkit broker config, not in the file", file, b.Line, b.target(), k)
			}
			if ok && cur.Source == levelSource(b.Broker) && cur.Value != nil && *cur.Value == v {
				continue
			}
			s.alters[b.Broker] = append(s.alters[b.Broker], kadm.AlterConfig{Op: kadm.SetConfig, Name: k, Value: &v})
			detail := fmt.Sprintf("%s=%s", k, v)
			if ok && cur.Value != nil && cur.Source == levelSource(b.Broker) {
				detail = fmt.Sprintf("%s: %s -> %s", k, *cur.Value, v)
			}
			acts = append(acts, Action{Kind: kindBrokerConfig, Name: b.target(), Action: actSetConfig, Detail: detail})
		}
		if !s.prune {
			continue
		}
		for _, k := range sortedKeys(have) {
			if _, listed := b.Configs[k]; !listed && have[k].Source == levelSource(b.Broker) {
				s.alters[b.Broker] = append(s.alters[b.Broker], kadm.AlterConfig{Op: kadm.DeleteConfig, Name: k})
				acts = append(acts, Action{Kind: kindBrokerConfig, Name: b.target(), Action: actUnsetConfig, Detail: k})
			}
		}
	}
	return acts, nil
}

// execute sends one IncrementalAlterConfigs per level (validate-only for a dry run).
func (s *brokersSection) execute(ctx context.Context, adm *cmdutil.Admin, acts []Action, dry bool) {
	errs := map[string]error{}
	for _, b := range s.want {
		alters := s.alters[b.Broker]
		if len(alters) == 0 {
			continue
		}
		var ids []int32
		if b.Broker >= 0 {
			ids = []int32{b.Broker}
		}
		alter := adm.AlterBrokerConfigs
		if dry {
			alter = adm.ValidateAlterBrokerConfigs
		}
		res, err := alter(ctx, alters, ids...)
		if err == nil && len(res) == 1 && res[0].Err != nil {
			err = fmt.Errorf("%v%s", res[0].Err, msgSuffix(res[0].ErrMessage))
		}
		errs[b.target()] = err
	}
	if !dry {
		s.settle(ctx, adm, errs)
	}
	for i := range acts {
		switch err := errs[acts[i].Name]; {
		case err != nil:
			acts[i].fail(err)
		case dry:
			acts[i].would()
		default:
			acts[i].done()
		}
	}
}

// settle waits (at most 5 s) until each altered level shows on its brokers: a broker's own
// configs on it, the default on every broker, so that a re-apply right after reads no stale
// value (a broker applies the controller's record a moment later, longer while it reconfigures).
func (s *brokersSection) settle(ctx context.Context, adm *cmdutil.Admin, errs map[string]error) {
	ch := settle.Changes{}
	for _, b := range s.want {
		if err, sent := errs[b.target()]; !sent || err != nil {
			continue
		}
		r := settle.Resource{Type: kmsg.ConfigResourceTypeBroker}
		if b.Broker >= 0 {
			r.Name = strconv.Itoa(int(b.Broker))
		}
		ch.AddAlters(r, s.alters[b.Broker])
	}
	settle.Configs(ctx, adm, ch)
}
