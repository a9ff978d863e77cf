package topic

import (
	"context"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/outcome"
	"github.com/kafkit/kafkit/internal/settle"
)

func TestAppliedConfigs(t *testing.T) {
	plan := []Action{
		{Topic: "a", Action: actSetConfig, Key: "retention.ms", To: "7200000", Outcome: outcome.Outcome{Result: outcome.Altered}},
		{Topic: "a", Action: actUnsetConfig, Key: "cleanup.policy", Outcome: outcome.Outcome{Result: outcome.Altered}},
		{Topic: "b", Action: actSetConfig, Key: "retention.ms", To: "1", Outcome: outcome.Outcome{Result: outcome.Failed}},
		{Topic: "c", Action: actCreate, Outcome: outcome.Outcome{Result: outcome.Created}},
	}
	want := appliedConfigs(plan)
	a := want[settle.Resource{Type: kmsg.ConfigResourceTypeTopic, Name: "a"}]
	if len(want) != 1 || len(a) != 2 || a["retention.ms"].Value != "7200000" || !a["cleanup.policy"].Unset {
		t.Fatalf("appliedConfigs: %+v", want)
	}
}

// On kfake (every broker answers from one state) a broker lists a created topic, not a
// missing one; topic alter returns with the change shown.
func TestBrokerListsOnCluster(t *testing.T) {
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
	if !brokerLists(context.Background(), adm, id, []string{"st"}) || brokerLists(context.Background(), adm, id, []string{"st", "missing"}) {
		t.Error("brokerLists: want st listed, a missing topic not")
	}
	want := settle.Changes{}
	want.Add(settle.Resource{Type: kmsg.ConfigResourceTypeTopic, Name: "st"}, "retention.ms", settle.Want{Value: "7200000"})
	if !settle.Shows(context.Background(), adm, id, want) {
		t.Error("the altered config is not shown")
	}
}
