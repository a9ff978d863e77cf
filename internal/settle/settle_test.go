package settle

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/testkit"
)

func cfg(name, value string, src kmsg.ConfigSource) kmsg.DescribeConfigsResponseResourceConfig {
	c := kmsg.NewDescribeConfigsResponseResourceConfig()
	c.Name, c.Value, c.Source = name, kmsg.StringPtr(value), src
	return c
}

func TestMatch(t *testing.T) {
	want := map[string]Want{"retention.ms": {Value: "7200000"}, "cleanup.policy": {Unset: true}}
	own := kmsg.ConfigSourceDynamicTopicConfig
	applied := []kmsg.DescribeConfigsResponseResourceConfig{
		cfg("retention.ms", "7200000", own),
		cfg("cleanup.policy", "delete", kmsg.ConfigSourceDefaultConfig),
	}
	if !Match(applied, want, own) {
		t.Error("a broker that applied both changes does not match")
	}
	stale := []kmsg.DescribeConfigsResponseResourceConfig{
		cfg("retention.ms", "3600000", own),
		cfg("cleanup.policy", "delete", kmsg.ConfigSourceDefaultConfig),
	}
	staleUnset := []kmsg.DescribeConfigsResponseResourceConfig{
		cfg("retention.ms", "7200000", own),
		cfg("cleanup.policy", "compact", own),
	}
	// The broker-level value shows at the default level's source on a broker that lags.
	wrongLevel := []kmsg.DescribeConfigsResponseResourceConfig{
		cfg("retention.ms", "7200000", kmsg.ConfigSourceDynamicDefaultBrokerConfig),
		cfg("cleanup.policy", "delete", kmsg.ConfigSourceDefaultConfig),
	}
	for name, got := range map[string][]kmsg.DescribeConfigsResponseResourceConfig{
		"old value": stale, "still set": staleUnset, "key missing": applied[:1], "other level": wrongLevel,
	} {
		if Match(got, want, own) {
			t.Errorf("a lagging broker (%s) matches", name)
		}
	}
	secret := cfg("sasl.jaas.config", "", kmsg.ConfigSourceDynamicBrokerConfig)
	secret.Value, secret.IsSensitive = nil, true
	if !Match([]kmsg.DescribeConfigsResponseResourceConfig{secret}, map[string]Want{"sasl.jaas.config": {Value: "x"}}, kmsg.ConfigSourceDynamicBrokerConfig) {
		t.Error("a sensitive config set at its level does not match")
	}
}

func TestServedBy(t *testing.T) {
	b2 := Resource{kmsg.ConfigResourceTypeBroker, "2"}
	def := Resource{kmsg.ConfigResourceTypeBroker, ""}
	top := Resource{kmsg.ConfigResourceTypeTopic, "t"}
	if !servedBy(b2, 2) || servedBy(b2, 1) || !servedBy(def, 1) || !servedBy(top, 3) {
		t.Error("a broker answers for its own configs, the default and topics")
	}
	if levelSource(b2) != kmsg.ConfigSourceDynamicBrokerConfig || levelSource(def) != kmsg.ConfigSourceDynamicDefaultBrokerConfig || levelSource(top) != kmsg.ConfigSourceDynamicTopicConfig {
		t.Error("levelSource")
	}
}

// On kfake (every broker answers from one state) a broker shows an altered topic and broker
// config, and not a value they do not have.
func TestShowsOnCluster(t *testing.T) {
	c := testkit.Cluster(t)
	env := testkit.Factory(t, c)
	adm, err := env.F.Admin()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := adm.CreateTopic(ctx, 1, 1, nil, "st"); err != nil {
		t.Fatal(err)
	}
	v := "7200000"
	if _, err := adm.AlterTopicConfigs(ctx, []kadm.AlterConfig{{Name: "retention.ms", Value: &v}}, "st"); err != nil {
		t.Fatal(err)
	}
	bv := "15001"
	if _, err := adm.AlterBrokerConfigs(ctx, []kadm.AlterConfig{{Name: "log.cleaner.backoff.ms", Value: &bv}}, 1); err != nil {
		t.Fatal(err)
	}
	good := Changes{}
	good.Add(Resource{kmsg.ConfigResourceTypeTopic, "st"}, "retention.ms", Want{Value: v})
	good.Add(Resource{kmsg.ConfigResourceTypeBroker, "1"}, "log.cleaner.backoff.ms", Want{Value: bv})
	for _, id := range []int32{0, 1, 2} {
		if !Shows(ctx, adm, id, good) {
			t.Errorf("broker %d: the altered configs are not shown", id)
		}
	}
	bad := Changes{}
	bad.Add(Resource{kmsg.ConfigResourceTypeTopic, "st"}, "retention.ms", Want{Value: "1"})
	if Shows(ctx, adm, 0, bad) {
		t.Error("a value the topic does not have is shown")
	}
}

// Every asks each broker once when all show at once, and asks a lagging one again until the
// limit, without asking again those that showed.
func TestEvery(t *testing.T) {
	var mu sync.Mutex
	calls := map[int32]int{}
	Every(context.Background(), []int32{1, 2, 3}, time.Second, func(_ context.Context, id int32) bool {
		mu.Lock()
		defer mu.Unlock()
		calls[id]++
		return id != 3 || calls[id] >= 3
	})
	if calls[1] != 1 || calls[2] != 1 || calls[3] != 3 {
		t.Errorf("calls: %v, want 1 1 3", calls)
	}
	n := 0
	Every(context.Background(), []int32{1}, 200*time.Millisecond, func(context.Context, int32) bool { n++; return false })
	if n < 2 {
		t.Errorf("a broker that never shows was asked %d times, want again until the limit", n)
	}
}

// AddAlters records what an alter set or removed, for the wait that follows it.
func TestAddAlters(t *testing.T) {
	ch := Changes{}
	b2 := Resource{kmsg.ConfigResourceTypeBroker, "2"}
	ch.AddAlters(b2, []kadm.AlterConfig{{Name: "leader.replication.throttled.rate", Value: kmsg.StringPtr("100")}, {Op: kadm.DeleteConfig, Name: "follower.replication.throttled.rate"}})
	got := ch[b2]
	if len(ch) != 1 || got["leader.replication.throttled.rate"] != (Want{Value: "100"}) || got["follower.replication.throttled.rate"] != (Want{Unset: true}) {
		t.Errorf("AddAlters: %+v", ch)
	}
}
