package topic

import (
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
