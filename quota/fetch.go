package quota

import (
	"context"
	"sort"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// Quota is one entity with its quota values.
type Quota struct {
	Entity kadm.ClientQuotaEntity
	Values map[string]float64
}

// describeFilter is the DescribeClientQuotas filter the list flags name: one component per
// given type (a name or the default), nothing for "every quota".
func describeFilter(e entityFlags) ([]kadm.DescribeClientQuotaComponent, error) {
	var comps []kadm.DescribeClientQuotaComponent
	add := func(typ string, names []string, def bool, flag string) error {
		if len(names)+b2i(def) > 1 {
			return cmdutil.UsageErrorf("list takes one --%s or --%s-default", flag, flag)
		}
		switch {
		case def:
			comps = append(comps, kadm.DescribeClientQuotaComponent{Type: typ, MatchType: 1})
		case len(names) == 1:
			n := names[0]
			comps = append(comps, kadm.DescribeClientQuotaComponent{Type: typ, MatchType: 0, MatchName: &n})
		}
		return nil
	}
	if err := add(typeUser, e.users, e.userDefault, "user"); err != nil {
		return nil, err
	}
	if err := add(typeClient, e.clients, e.clientDefault, "client"); err != nil {
		return nil, err
	}
	if err := add(typeIP, e.ips, e.ipDefault, "ip"); err != nil {
		return nil, err
	}
	if len(e.ips)+b2i(e.ipDefault) > 0 && len(comps) > 1 {
		return nil, cmdutil.UsageErrorf("--ip/--ip-default cannot be combined with --user or --client")
	}
	return comps, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// fetchQuotas describes the quotas matching comps (every quota when comps is empty), sorted by
// entity. One request.
func fetchQuotas(ctx context.Context, adm *cmdutil.Admin, comps []kadm.DescribeClientQuotaComponent) ([]Quota, error) {
	qs, err := adm.DescribeClientQuotas(ctx, false, comps)
	if err != nil {
		return nil, err
	}
	out := make([]Quota, 0, len(qs))
	for _, q := range qs {
		v := map[string]float64{}
		for _, kv := range q.Values {
			v[kv.Key] = kv.Value
		}
		out = append(out, Quota{Entity: sortedComponents(q.Entity), Values: v})
	}
	sort.Slice(out, func(i, j int) bool { return EntityString(out[i].Entity) < EntityString(out[j].Entity) })
	return out, nil
}

// byEntity indexes quotas by EntityString.
func byEntity(qs []Quota) map[string]map[string]float64 {
	m := make(map[string]map[string]float64, len(qs))
	for _, q := range qs {
		m[EntityString(q.Entity)] = q.Values
	}
	return m
}
