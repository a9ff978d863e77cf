package topic

import (
	"context"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/outcome"
	"github.com/kafkit/kafkit/internal/settle"
)

// A changing verb waits, at most limit, until every broker shows what it did (see package
// settle): created topics in their metadata (waitVisible), altered configs in DescribeConfigs.

// appliedConfigs are the topic configs the plan altered.
func appliedConfigs(plan []Action) settle.Changes {
	out := settle.Changes{}
	for _, a := range plan {
		if a.Result != outcome.Altered || (a.Action != actSetConfig && a.Action != actUnsetConfig) {
			continue
		}
		r := settle.Resource{Type: kmsg.ConfigResourceTypeTopic, Name: a.Topic}
		out.Add(r, a.Key, settle.Want{Value: a.To, Unset: a.Action == actUnsetConfig})
	}
	return out
}

// waitApplied waits until every broker shows the plan's created topics and altered configs.
func waitApplied(ctx context.Context, adm *cmdutil.Admin, brokers []kgo.BrokerMetadata, plan []Action, limit time.Duration) {
	waitVisible(ctx, adm, brokers, resultTopics(plan, outcome.Created), limit)
	settle.ConfigsOn(ctx, adm, nodeIDs(brokers), appliedConfigs(plan), limit)
}

func nodeIDs(brokers []kgo.BrokerMetadata) []int32 {
	ids := make([]int32, len(brokers))
	for i, b := range brokers {
		ids[i] = b.NodeID
	}
	return ids
}
