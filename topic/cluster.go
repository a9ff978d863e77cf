package topic

// What the changing verbs read from the cluster before they plan, and the client-side limits
// the planners check against it.

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/text"
)

// brokerState is what the planners know about the brokers: the registered ones and which of
// them are unavailable (fenced: stopped or not heartbeating). Zero value: unknown.
type brokerState struct {
	Registered []int32
	Down       []int32
}

// live is the number of brokers that can take new replicas.
func (b brokerState) live() int { return len(b.Registered) - len(b.Down) }

// known reports whether anything is known about the brokers.
func (b brokerState) known() bool { return len(b.Registered) > 0 }

// rfRefusal says why replication factor rf cannot be placed, or "" when it can (or when the
// brokers are unknown). how is the advice's form of a smaller factor: "-r %d" or
// "replication_factor: %d".
func (b brokerState) rfRefusal(rf int, how string) string {
	switch {
	case !b.known() || rf <= b.live():
		return ""
	case rf > len(b.Registered):
		return fmt.Sprintf("replication factor %d is more than the %s in the cluster: use %s or less", rf, text.Count(len(b.Registered), "broker"), fmt.Sprintf(how, len(b.Registered)))
	}
	them := "it"
	if len(b.Down) > 1 {
		them = "them"
	}
	return fmt.Sprintf("replication factor %d needs %d available brokers, but the cluster has %s, %d unavailable (%s %s): start %s again, or use %s or less",
		rf, rf, text.Count(len(b.Registered), "broker"), len(b.Down), text.Plural(len(b.Down), "broker"), int32List(b.Down), them, fmt.Sprintf(how, b.live()))
}

// fetchBrokers reads the registered brokers with DescribeCluster, fenced ones included (v2,
// Kafka 4.0+); metadata lists only the available ones. With an older broker (or kfake) it
// falls back to the metadata's brokers, all taken as available.
func fetchBrokers(ctx context.Context, adm *cmdutil.Admin, m kadm.Metadata) brokerState {
	var b brokerState
	req := kmsg.NewPtrDescribeClusterRequest()
	req.IncludeFencedBrokers = true
	resp, err := req.RequestWith(ctx, adm)
	if err == nil && resp.ErrorCode == 0 && len(resp.Brokers) > 0 {
		for _, br := range resp.Brokers {
			b.Registered = append(b.Registered, br.NodeID)
			if br.IsFenced {
				b.Down = append(b.Down, br.NodeID)
			}
		}
	} else {
		for _, br := range m.Brokers {
			b.Registered = append(b.Registered, br.NodeID)
		}
	}
	sort.Slice(b.Registered, func(i, j int) bool { return b.Registered[i] < b.Registered[j] })
	sort.Slice(b.Down, func(i, j int) bool { return b.Down[i] < b.Down[j] })
	return b
}

// createRecords is how many controller records creating a topic takes: one for the topic, one
// per partition, one per config.
func createRecords(partitions int, configs int) int { return 1 + partitions + configs }

// createLimitRefusal says why a topic with this many partitions and configs cannot be created
// in one request, or "".
func createLimitRefusal(partitions, configs int) string {
	if createRecords(partitions, configs) <= maxRecordsPerRequest {
		return ""
	}
	return fmt.Sprintf("%s and %s are more than Kafka's controller accepts in one request (%d records: one per topic, partition and config): create it with at most %d partitions and add the rest with 'kafkit topic alter --partitions'",
		text.Count(partitions, "partition"), text.Count(configs, "config"), maxRecordsPerRequest, maxRecordsPerRequest-1-configs)
}

// growLimitRefusal says why growing a topic from cur to want partitions is refused, or "".
// Kafka's controller half-applies a CreatePartitions request above its limit and partitions
// cannot be removed, so kafkit never sends one.
func growLimitRefusal(cur, want int) string {
	if want-cur <= maxRecordsPerRequest {
		return ""
	}
	return fmt.Sprintf("partitions %d -> %d adds %d partitions; Kafka's controller accepts at most %d new partitions in one request (above that it fails with UNKNOWN_SERVER_ERROR after adding some, and partitions cannot be removed): grow in steps, e.g. --partitions %d first",
		cur, want, want-cur, maxRecordsPerRequest, cur+maxRecordsPerRequest)
}

// fetchActual reads the cluster state the planners compare against: every topic (internal ones
// marked) and the configs of the named ones. It always sends a fresh metadata request.
func fetchActual(ctx context.Context, adm *cmdutil.Admin, configsOf []string) (map[string]ActualTopic, kadm.Metadata, error) {
	m, err := fetchMetadata(ctx, adm)
	if err != nil {
		return nil, m, err
	}
	actual := map[string]ActualTopic{}
	for _, td := range m.Topics {
		if td.Err != nil {
			continue
		}
		actual[td.Topic] = ActualTopic{Name: td.Topic, Partitions: len(td.Partitions), ReplicationFactor: replicationFactor(td), Internal: td.IsInternal}
	}
	var names []string
	for _, n := range configsOf {
		if _, ok := actual[n]; ok {
			names = append(names, n)
		}
	}
	cfgs, errs, err := describeConfigs(ctx, adm, names)
	if err != nil {
		return nil, m, err
	}
	if len(errs) > 0 {
		var msgs []string
		for _, n := range sortedKeys(errs) {
			msgs = append(msgs, fmt.Sprintf("topic %q: %v", n, errs[n]))
		}
		return nil, m, fmt.Errorf("cannot read topic configs: %s", strings.Join(msgs, "; "))
	}
	for n, c := range cfgs {
		a := actual[n]
		a.Configs = actualConfigs(c)
		actual[n] = a
	}
	return actual, m, nil
}

func actualConfigs(c topicConfigs) map[string]ActualConfig {
	out := map[string]ActualConfig{}
	for k, cfg := range c {
		out[k] = ActualConfig{Value: cfg.MaybeValue(), OnTopic: cfg.Source == kmsg.ConfigSourceDynamicTopicConfig}
	}
	return out
}

// observeFailures re-reads the cluster after an executor error and records, on each failed
// action, what the cluster shows when it changed anyway: the request may have half-applied.
func observeFailures(ctx context.Context, adm *cmdutil.Admin, plan []Action) {
	var names []string
	for _, a := range plan {
		if a.IsFailed() {
			names = append(names, a.Topic)
		}
	}
	if len(names) == 0 {
		return
	}
	actual, _, err := fetchActual(ctx, adm, names)
	if err != nil {
		for i := range plan {
			if plan[i].IsFailed() {
				plan[i].Actual = "nothing: the cluster could not be re-read (" + err.Error() + "); check with 'kafkit topic describe'"
			}
		}
		return
	}
	for i := range plan {
		if plan[i].IsFailed() {
			plan[i].Actual = observed(plan[i], actual)
		}
	}
}

// observed says how the cluster differs from before a failed action, "" when it does not.
func observed(a Action, actual map[string]ActualTopic) string {
	t, ok := actual[a.Topic]
	switch a.Action {
	case actCreate:
		if ok {
			return fmt.Sprintf("the topic exists (%s, replication factor %d)", text.Count(t.Partitions, "partition"), t.ReplicationFactor)
		}
	case actAddPartitions:
		if ok && a.From != fmt.Sprint(t.Partitions) {
			return text.Count(t.Partitions, "partition")
		}
	case actSetConfig:
		if c, has := t.Configs[a.Key]; ok && has && c.Value == a.To && c.Value != a.From {
			return fmt.Sprintf("%s=%s", a.Key, c.Value)
		}
	case actUnsetConfig:
		if c, has := t.Configs[a.Key]; ok && has && !c.OnTopic {
			return fmt.Sprintf("%s back at its default (%s)", a.Key, c.Value)
		}
	case actDeleteTopic:
		if !ok {
			return "the topic is gone"
		}
	}
	return ""
}

// describeErrors names each topic whose configs could not be read and fails.
func describeErrors(io *cmdutil.IOStreams, errs map[string]error) error {
	for _, n := range sortedKeys(errs) {
		errorf(io, "cannot read the configs of topic %q: %v", text.Safe(n), errs[n])
	}
	return cmdutil.SilentError
}

// brokerNumPartitions is the broker's num.partitions (what a create without -p gets); 100 when
// it cannot be read, which keeps batched creates well inside the controller's limit.
func brokerNumPartitions(ctx context.Context, adm *cmdutil.Admin, b brokerState) int {
	const unknown = 100
	if !b.known() {
		return unknown
	}
	rcs, err := adm.DescribeBrokerConfigs(ctx, b.Registered[0])
	if err != nil {
		return unknown
	}
	for _, rc := range rcs {
		for _, c := range rc.Configs {
			if c.Key == "num.partitions" {
				if n, err := strconv.Atoi(c.MaybeValue()); err == nil && n > 0 {
					return n
				}
			}
		}
	}
	return unknown
}
