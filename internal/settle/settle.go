// Package settle waits for a change the controller accepted to show on the brokers.
//
// In KRaft the controller commits a change and each broker applies its record a moment later
// (longer while it reconfigures, e.g. the log cleaner for a log.cleaner.* broker config). A
// command run right after (a script's `apply && apply --dry-run`) could otherwise read the old
// value from a broker that lags. So a changing verb waits, at most a limit, until every broker
// that serves a changed resource shows it; it then gives up silently: the change was made, only
// its spreading is not confirmed.
package settle

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// Resource is a config resource a change touched: a topic, a broker, or the broker default
// (Type broker, Name "").
type Resource struct {
	Type kmsg.ConfigResourceType
	Name string
}

// Want is a config a change set (Value) or removed from the resource (Unset).
type Want struct {
	Value string
	Unset bool
}

// Changes are the wanted configs by resource and key.
type Changes map[Resource]map[string]Want

// Add records that key was set to value (or unset) on r.
func (c Changes) Add(r Resource, key string, w Want) {
	if c[r] == nil {
		c[r] = map[string]Want{}
	}
	c[r][key] = w
}

// Brokers are the brokers that serve rs: a broker resource's own broker, and every broker
// (ListBrokers; none if that fails, so nothing is waited for) for a topic or the default.
func Brokers(ctx context.Context, adm *cmdutil.Admin, rs ...Resource) []int32 {
	ids := map[int32]bool{}
	all := false
	for _, r := range rs {
		n, err := strconv.ParseInt(r.Name, 10, 32)
		if r.Type == kmsg.ConfigResourceTypeBroker && err == nil {
			ids[int32(n)] = true
		} else {
			all = true
		}
	}
	if all {
		if bs, err := adm.ListBrokers(ctx); err == nil {
			for _, b := range bs {
				ids[b.NodeID] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(ids))
}

// Every asks each broker for which shows is not yet true again, all at once and 50 ms apart,
// until it is true for every broker or limit has passed.
func Every(ctx context.Context, ids []int32, limit time.Duration, shows func(context.Context, int32) bool) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	pending := map[int32]bool{}
	for _, id := range ids {
		pending[id] = true
	}
	for len(pending) > 0 {
		var mu sync.Mutex
		var wg sync.WaitGroup
		for id := range pending {
			wg.Add(1)
			go func(id int32) {
				defer wg.Done()
				if shows(ctx, id) {
					mu.Lock()
					delete(pending, id)
					mu.Unlock()
				}
			}(id)
		}
		wg.Wait()
		if len(pending) == 0 {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Limit is how long a changing verb waits for its change to show.
const Limit = 5 * time.Second

// AddAlters records the configs an IncrementalAlterConfigs set or deleted on r.
func (c Changes) AddAlters(r Resource, alters []kadm.AlterConfig) {
	for _, a := range alters {
		w := Want{Unset: a.Op == kadm.DeleteConfig}
		if a.Value != nil {
			w.Value = *a.Value
		}
		c.Add(r, a.Name, w)
	}
}

// Configs waits (at most Limit) until the brokers that serve the changes show them (Brokers).
func Configs(ctx context.Context, adm *cmdutil.Admin, ch Changes) {
	if len(ch) == 0 {
		return
	}
	ConfigsOn(ctx, adm, Brokers(ctx, adm, slices.Collect(maps.Keys(ch))...), ch, Limit)
}

// ConfigsOn waits (at most limit) until each broker of ids shows the changes it serves: a
// topic's and the broker default's on every broker, a broker's own configs on that broker.
func ConfigsOn(ctx context.Context, adm *cmdutil.Admin, ids []int32, ch Changes, limit time.Duration) {
	if len(ch) == 0 {
		return
	}
	Every(ctx, ids, limit, func(ctx context.Context, id int32) bool {
		return Shows(ctx, adm, id, ch)
	})
}

// Shows reports whether broker id's DescribeConfigs answer has every change it serves.
func Shows(ctx context.Context, adm *cmdutil.Admin, id int32, ch Changes) bool {
	req := kmsg.NewPtrDescribeConfigsRequest()
	for r, keys := range ch {
		if !servedBy(r, id) {
			continue
		}
		rr := kmsg.NewDescribeConfigsRequestResource()
		rr.ResourceType, rr.ResourceName = r.Type, r.Name
		for k := range keys {
			rr.ConfigNames = append(rr.ConfigNames, k)
		}
		req.Resources = append(req.Resources, rr)
	}
	if len(req.Resources) == 0 {
		return true
	}
	resp, err := req.RequestWith(ctx, adm.Kgo().Broker(int(id)))
	if err != nil || len(resp.Resources) != len(req.Resources) {
		return false
	}
	for _, r := range resp.Resources {
		res := Resource{r.ResourceType, r.ResourceName}
		if r.ErrorCode != 0 || !Match(r.Configs, ch[res], levelSource(res)) {
			return false
		}
	}
	return true
}

// servedBy: a broker answers for its own broker resource only; topics and the default anywhere.
func servedBy(r Resource, id int32) bool {
	return r.Type != kmsg.ConfigResourceTypeBroker || r.Name == "" || r.Name == strconv.Itoa(int(id))
}

// levelSource is the source a value set on r shows with.
func levelSource(r Resource) kmsg.ConfigSource {
	switch {
	case r.Type == kmsg.ConfigResourceTypeTopic:
		return kmsg.ConfigSourceDynamicTopicConfig
	case r.Name == "":
		return kmsg.ConfigSourceDynamicDefaultBrokerConfig
	}
	return kmsg.ConfigSourceDynamicBrokerConfig
}

// Match reports whether described configs show each wanted one: a set key at the resource's
// own level with its value (a sensitive one, whose value is never sent, by its level alone), an
// unset key no longer at that level.
func Match(got []kmsg.DescribeConfigsResponseResourceConfig, want map[string]Want, own kmsg.ConfigSource) bool {
	seen := 0
	for _, c := range got {
		w, ok := want[c.Name]
		if !ok {
			continue
		}
		atLevel := c.Source == own
		if w.Unset == atLevel {
			return false
		}
		if !w.Unset && !c.IsSensitive && (c.Value == nil || *c.Value != w.Value) {
			return false
		}
		seen++
	}
	return seen == len(want)
}
