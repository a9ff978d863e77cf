package topic

import (
	"context"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/outcome"
)

// After the controller accepts a change, each broker applies its record a moment later: a
// command run right after (a script's `topic apply && topic apply --dry-run`) could read the
// old value from a broker that lags. So a changing verb waits, at most limit, until every
// broker shows what it did: created topics in their metadata (waitVisible), altered configs
// in DescribeConfigs.

// configWant is a config an altered action set (value) or removed from the topic (unset).
type configWant struct {
	value string
	unset bool
}

// appliedConfigs are the topic configs the plan altered, by topic and key.
func appliedConfigs(plan []Action) map[string]map[string]configWant {
	out := map[string]map[string]configWant{}
	for _, a := range plan {
		if a.Result != outcome.Altered || (a.Action != actSetConfig && a.Action != actUnsetConfig) {
			continue
		}
		if out[a.Topic] == nil {
			out[a.Topic] = map[string]configWant{}
		}
		out[a.Topic][a.Key] = configWant{value: a.To, unset: a.Action == actUnsetConfig}
	}
	return out
}

// waitApplied waits until every broker shows the plan's created topics and altered configs.
func waitApplied(ctx context.Context, adm *cmdutil.Admin, brokers []kgo.BrokerMetadata, plan []Action, limit time.Duration) {
	waitVisible(ctx, adm, brokers, resultTopics(plan, outcome.Created), limit)
	if want := appliedConfigs(plan); len(want) > 0 {
		waitConfigs(ctx, adm, brokers, want, limit)
	}
}

// waitConfigs waits until every broker shows want.
func waitConfigs(ctx context.Context, adm *cmdutil.Admin, brokers []kgo.BrokerMetadata, want map[string]map[string]configWant, limit time.Duration) {
	untilEveryBroker(ctx, brokers, limit, func(ctx context.Context, id int32) bool {
		return brokerShows(ctx, adm, id, want)
	})
}

// untilEveryBroker asks each broker for which shows is not yet true again, all at once and
// 50 ms apart, until it is true for every broker or limit has passed (it then gives up
// silently: the change was made, only its spreading is not confirmed).
func untilEveryBroker(ctx context.Context, brokers []kgo.BrokerMetadata, limit time.Duration, shows func(context.Context, int32) bool) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	pending := map[int32]bool{}
	for _, b := range brokers {
		pending[b.NodeID] = true
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

// brokerShows reports whether broker id's DescribeConfigs answer has every wanted config.
func brokerShows(ctx context.Context, adm *cmdutil.Admin, id int32, want map[string]map[string]configWant) bool {
	req := kmsg.NewPtrDescribeConfigsRequest()
	for t, keys := range want {
		r := kmsg.NewDescribeConfigsRequestResource()
		r.ResourceType, r.ResourceName = kmsg.ConfigResourceTypeTopic, t
		for k := range keys {
			r.ConfigNames = append(r.ConfigNames, k)
		}
		req.Resources = append(req.Resources, r)
	}
	resp, err := req.RequestWith(ctx, adm.Kgo().Broker(int(id)))
	if err != nil || len(resp.Resources) != len(want) {
		return false
	}
	for _, r := range resp.Resources {
		if r.ErrorCode != 0 || !configsMatch(r.Configs, want[r.ResourceName]) {
			return false
		}
	}
	return true
}

// configsMatch reports whether a topic's described configs show each wanted one.
func configsMatch(got []kmsg.DescribeConfigsResponseResourceConfig, want map[string]configWant) bool {
	seen := 0
	for _, c := range got {
		w, ok := want[c.Name]
		if !ok {
			continue
		}
		onTopic := c.Source == kmsg.ConfigSourceDynamicTopicConfig
		if w.unset == onTopic || (!w.unset && (c.Value == nil || *c.Value != w.value)) {
			return false
		}
		seen++
	}
	return seen == len(want)
}
