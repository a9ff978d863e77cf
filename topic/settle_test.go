package topic

import (
	"context"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/outcome"
)

func TestAppliedConfigsAndMatch(t *testing.T) {
	plan := []Action{
		{Topic: "a", Action: actSetConfig, Key: "retention.ms", To: "7200000", Outcome: outcome.Outcome{Result: outcome.Altered}},
		{Topic: "a", Action: actUnsetConfig, Key: "cleanup.policy", Outcome: outcome.Outcome{Result: outcome.Altered}},
		{Topic: "b", Action: actSetConfig, Key: "retention.ms", To: "1", Outcome: outcome.Outcome{Result: outcome.Failed}},
		{Topic: "c", Action: actCreate, Outcome: outcome.Outcome{Result: outcome.Created}},
	}
	want := appliedConfigs(plan)
	if len(want) != 1 || len(want["a"]) != 2 || want["a"]["retention.ms"].value != "7200000" || !want["a"]["cleanup.policy"].unset {
		t.Fatalf("appliedConfigs: %+v", want)
	}
	cfg := func(name, value string, src kmsg.ConfigSource) kmsg.DescribeConfigsResponseResourceConfig {
		c := kmsg.NewDescribeConfigsResponseResourceConfig()
		c.Name, c.Value, c.Source = name, kmsg.StringPtr(value), src
		return c
	}
	applied := []kmsg.DescribeConfigsResponseResourceConfig{
		cfg("retention.ms", "7200000", kmsg.ConfigSourceDynamicTopicConfig),
		cfg("cleanup.policy", "delete", kmsg.ConfigSourceDefaultConfig),
	}
	if !configsMatch(applied, want["a"]) {
		t.Error("a broker that applied both changes does not match")
	}
	stale := []kmsg.DescribeConfigsResponseResourceConfig{
		cfg("retention.ms", "3600000", kmsg.ConfigSourceDynamicTopicConfig),
		cfg("cleanup.policy", "delete", kmsg.ConfigSourceDefaultConfig),
	}
	staleUnset := []kmsg.DescribeConfigsResponseResourceConfig{
		cfg("retention.ms", "7200000", kmsg.ConfigSourceDynamicTopicConfig),
		cfg("cleanup.policy", "compact", kmsg.ConfigSourceDynamicTopicConfig),
	}
	if configsMatch(stale, want["a"]) || configsMatch(staleUnset, want["a"]) || configsMatch(applied[:1], want["a"]) {
		t.Error("a lagging broker (old value, config still on the topic, or a key missing) matches")
	}
}

// On kfake (every broker answers from one state) a broker that has the change shows it, and
// one asked for a value the topic does not have does not.
func TestBrokerShowsOnCluster(t *testing.T) {
	env := newEnv(t)
	mustRun(t, env, "create", "st", "-p", "1", "-r", "1")
	mustRun(t, env, "alter", "st", "--set", "retention.ms=7200000")
	adm, err := env.F.Admin()
	if err != nil {
		t.Fatal(err)
	}
	m, err := fetchMetadata(context.Background(), adm, "st")
	if err != nil || len(m.Brokers) == 0 {
		t.Fatalf("metadata: %v %+v", err, m.Brokers)
	}
	id := m.Brokers[0].NodeID
	if !brokerShows(context.Background(), adm, id, map[string]map[string]configWant{"st": {"retention.ms": {value: "7200000"}}}) {
		t.Error("the altered config is not shown")
	}
	if brokerShows(context.Background(), adm, id, map[string]map[string]configWant{"st": {"retention.ms": {value: "1"}}}) {
		t.Error("a value the topic does not have is shown")
	}
	if !brokerLists(context.Background(), adm, id, []string{"st"}) || brokerLists(context.Background(), adm, id, []string{"st", "missing"}) {
		t.Error("brokerLists: want st listed, a missing topic not")
	}
}
