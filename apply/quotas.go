package apply

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"go.yaml.in/yaml/v3"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// QuotaSpec is one entity's quotas: the entity (user, client-id and/or ip; a nil name is the
// default entity, "<default>" in the file) and its values.
type QuotaSpec struct {
	Line   int
	Entity kadm.ClientQuotaEntity
	Values map[string]float64
}

// quotaKeys are the quotas Kafka knows; connection_creation_rate applies to ips only.
var quotaKeys = []string{"producer_byte_rate", "consumer_byte_rate", "request_percentage", "controller_mutation_rate", "connection_creation_rate"}

var entityKeys = map[string]string{"user": "user", "client_id": "client-id", "ip": "ip"}

const defaultEntity = "<default>"

func (p *parser) quotas(items []*yaml.Node) []QuotaSpec {
	var out []QuotaSpec
	seen := map[string]int{}
	for _, it := range items {
		q := QuotaSpec{Line: it.Line, Values: map[string]float64{}}
		p.fields(it, "quota", "user, client_id, ip and "+strings.Join(quotaKeys, ", "), func(k, v *yaml.Node) bool {
			return p.quotaField(&q, k, v)
		})
		if len(q.Entity) == 0 {
			p.add(it.Line, "a quota needs its entity: user, client_id and/or ip (\"<default>\" for the default)")
			continue
		}
		if len(q.Values) == 0 {
			p.add(it.Line, "the quota for %s sets nothing: add e.g. producer_byte_rate: 1048576", entityString(q.Entity))
			continue
		}
		q.Entity = sortEntity(q.Entity)
		if prev, dup := seen[entityString(q.Entity)]; dup {
			p.add(it.Line, "the quota for %s is listed twice (first at line %d)", entityString(q.Entity), prev)
			continue
		}
		seen[entityString(q.Entity)] = it.Line
		out = append(out, q)
	}
	return out
}

func (p *parser) quotaField(q *QuotaSpec, k, v *yaml.Node) bool {
	if typ, ok := entityKeys[k.Value]; ok {
		s, ok := p.scalar(k, v)
		if ok {
			var name *string
			if s != defaultEntity {
				name = &s
			}
			q.Entity = append(q.Entity, kadm.ClientQuotaEntityComponent{Type: typ, Name: name})
		}
		return true
	}
	for _, key := range quotaKeys {
		if k.Value == key {
			s, ok := p.scalar(k, v)
			f, err := strconv.ParseFloat(s, 64)
			switch {
			case !ok:
			case err != nil || f < 0:
				p.add(v.Line, "%s must be a number of at least 0, got %q", k.Value, s)
			default:
				q.Values[key] = f
			}
			return true
		}
	}
	return false
}

func sortEntity(e kadm.ClientQuotaEntity) kadm.ClientQuotaEntity {
	sort.Slice(e, func(i, j int) bool { return e[i].Type < e[j].Type })
	return e
}

// entityString is "user=orders-app,client-id=<default>".
func entityString(e kadm.ClientQuotaEntity) string {
	parts := make([]string, len(e))
	for i, c := range e {
		parts[i] = c.String()
	}
	return strings.Join(parts, ",")
}

// quotasSection plans quotas: set the values that differ; with --prune-quotas also remove the
// values the file does not list, on its entities and on every other entity.
type quotasSection struct {
	want    []QuotaSpec
	prune   bool
	actual  map[string]kadm.DescribedClientQuota
	entries []kadm.AlterClientQuotaEntry
}

func (s *quotasSection) fetch(ctx context.Context, adm *cmdutil.Admin) error {
	if len(s.want) == 0 && !s.prune {
		return nil
	}
	d, err := adm.DescribeClientQuotas(ctx, false, nil)
	if err != nil {
		return fmt.Errorf("reading the client quotas: %v", err)
	}
	s.actual = map[string]kadm.DescribedClientQuota{}
	for _, q := range d {
		q.Entity = sortEntity(q.Entity)
		s.actual[entityString(q.Entity)] = q
	}
	return nil
}

func (s *quotasSection) plan() []Action {
	var acts []Action
	listed := map[string]bool{}
	for _, q := range s.want {
		name := entityString(q.Entity)
		listed[name] = true
		have := quotaValues(s.actual[name])
		var ops []kadm.AlterClientQuotaOp
		for _, k := range sortedKeys(q.Values) {
			if cur, ok := have[k]; !ok || cur != q.Values[k] {
				ops = append(ops, kadm.AlterClientQuotaOp{Key: k, Value: q.Values[k]})
				acts = append(acts, Action{Kind: kindQuota, Name: name, Action: actSetQuota, Detail: change(k, have, q.Values[k])})
			}
		}
		if s.prune {
			ops, acts = s.unset(name, have, q.Values, ops, acts)
		}
		if len(ops) > 0 {
			s.entries = append(s.entries, kadm.AlterClientQuotaEntry{Entity: q.Entity, Ops: ops})
		}
	}
	if s.prune {
		for _, name := range sortedKeys(s.actual) {
			if !listed[name] {
				ops, rows := s.unset(name, quotaValues(s.actual[name]), nil, nil, nil)
				acts = append(acts, rows...)
				s.entries = append(s.entries, kadm.AlterClientQuotaEntry{Entity: s.actual[name].Entity, Ops: ops})
			}
		}
	}
	return acts
}

// unset adds the removal of every value in have that want lacks.
func (s *quotasSection) unset(name string, have, want map[string]float64, ops []kadm.AlterClientQuotaOp, acts []Action) ([]kadm.AlterClientQuotaOp, []Action) {
	for _, k := range sortedKeys(have) {
		if _, ok := want[k]; !ok {
			ops = append(ops, kadm.AlterClientQuotaOp{Key: k, Remove: true})
			acts = append(acts, Action{Kind: kindQuota, Name: name, Action: actUnsetQuota, Detail: fmt.Sprintf("%s (was %s)", k, num(have[k]))})
		}
	}
	return ops, acts
}

func quotaValues(q kadm.DescribedClientQuota) map[string]float64 {
	m := map[string]float64{}
	for _, v := range q.Values {
		m[v.Key] = v.Value
	}
	return m
}

func change(k string, have map[string]float64, to float64) string {
	if cur, ok := have[k]; ok {
		return fmt.Sprintf("%s: %s -> %s", k, num(cur), num(to))
	}
	return fmt.Sprintf("%s: %s", k, num(to))
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// execute sends every entity's changes in one AlterClientQuotas request, validate-only for a
// dry run. Each row gets its entity's result.
func (s *quotasSection) execute(ctx context.Context, adm *cmdutil.Admin, acts []Action, dry bool) {
	if len(s.entries) == 0 {
		return
	}
	alter := adm.AlterClientQuotas
	if dry {
		alter = adm.ValidateAlterClientQuotas
	}
	res, err := alter(ctx, s.entries)
	errs := map[string]error{}
	for _, r := range res {
		if r.Err != nil {
			errs[entityString(sortEntity(r.Entity))] = fmt.Errorf("%v%s", r.Err, msgSuffix(r.ErrMessage))
		}
	}
	for i := range acts {
		switch {
		case err != nil:
			acts[i].fail(err)
		case errs[acts[i].Name] != nil:
			acts[i].fail(errs[acts[i].Name])
		case dry:
			acts[i].would()
		default:
			acts[i].done()
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
