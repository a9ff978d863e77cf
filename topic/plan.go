package topic

import (
	"fmt"
	"sort"
	"strings"
)

// ActualTopic is what the cluster has for one topic, as the plan needs it.
type ActualTopic struct {
	Name              string
	Partitions        int
	ReplicationFactor int
	Internal          bool
	Configs           map[string]ActualConfig
}

// ActualConfig is one described config: its effective value and whether it is set on the topic
// itself (source DYNAMIC_TOPIC_CONFIG) rather than inherited from the broker or Kafka.
type ActualConfig struct {
	Value   string
	OnTopic bool
}

// planOptions change what the plan may do.
type planOptions struct {
	PruneConfigs bool // unset configs set on a topic but absent from its entry
	PruneTopics  bool // delete topics absent from the file (actual must hold only candidates)
	Brokers      int  // live brokers, to refuse a replication factor above it; 0: unknown
}

// The kinds of action, in the order they are listed for one topic.
const (
	actCreate        = "create"
	actRefuse        = "refuse"
	actAddPartitions = "add_partitions"
	actSetConfig     = "set_config"
	actUnsetConfig   = "unset_config"
	actDeleteTopic   = "delete_topic"
)

var actionOrder = map[string]int{actCreate: 0, actRefuse: 1, actAddPartitions: 2, actSetConfig: 3, actUnsetConfig: 4, actDeleteTopic: 5}

// Action is one step of an apply plan.
type Action struct {
	Topic  string `json:"topic"`
	Action string `json:"action"`
	Key    string `json:"key,omitempty"`
	From   string `json:"from,omitempty"`
	To     string `json:"to,omitempty"`
	Detail string `json:"detail"`
	Result string `json:"result,omitempty"` // after apply: done, failed, skipped
	Error  string `json:"error,omitempty"`

	// For create (and add_partitions): the settings; 0 or absent = the broker default.
	Partitions        int32             `json:"partitions,omitempty"`
	ReplicationFactor int16             `json:"replication_factor,omitempty"`
	Configs           map[string]string `json:"configs,omitempty"`
}

// computePlan compares the desired topics with the cluster and returns the actions, sorted by
// topic and then by kind. A config is in sync when the topic's effective value (wherever it is
// set) equals the desired value. It is a pure function.
func computePlan(desired []TopicSpec, actual map[string]ActualTopic, o planOptions) []Action {
	var acts []Action
	want := map[string]bool{}
	for _, d := range desired {
		want[d.Name] = true
		a, ok := actual[d.Name]
		if !ok {
			if o.Brokers > 0 && int(d.ReplicationFactor) > o.Brokers {
				acts = append(acts, Action{Topic: d.Name, Action: actRefuse, Detail: fmt.Sprintf("replication factor %d is more than the %s in the cluster", d.ReplicationFactor, plural(o.Brokers, "broker"))})
				continue
			}
			acts = append(acts, Action{Topic: d.Name, Action: actCreate, Detail: createDetail(d), Partitions: d.Partitions, ReplicationFactor: d.ReplicationFactor, Configs: d.Configs})
			continue
		}
		if d.Partitions > 0 && int(d.Partitions) < a.Partitions {
			acts = append(acts, Action{Topic: d.Name, Action: actRefuse, From: fmt.Sprint(a.Partitions), To: fmt.Sprint(d.Partitions),
				Detail: fmt.Sprintf("partitions %d -> %d: Kafka cannot remove partitions; set partitions: %d in the file, or create a new topic and copy the data", a.Partitions, d.Partitions, a.Partitions)})
		} else if d.Partitions > 0 && int(d.Partitions) > a.Partitions {
			acts = append(acts, Action{Topic: d.Name, Action: actAddPartitions, From: fmt.Sprint(a.Partitions), To: fmt.Sprint(d.Partitions), Partitions: d.Partitions,
				Detail: fmt.Sprintf("partitions %d -> %d", a.Partitions, d.Partitions)})
		}
		if d.ReplicationFactor > 0 && int(d.ReplicationFactor) != a.ReplicationFactor {
			acts = append(acts, Action{Topic: d.Name, Action: actRefuse, From: fmt.Sprint(a.ReplicationFactor), To: fmt.Sprint(d.ReplicationFactor),
				Detail: fmt.Sprintf("replication factor %d -> %d: apply does not move replicas; reassign them (kafka-reassign-partitions.sh --execute with a plan listing %d replicas per partition), or set replication_factor: %d in the file", a.ReplicationFactor, d.ReplicationFactor, d.ReplicationFactor, a.ReplicationFactor)})
		}
		for _, k := range sortedKeys(d.Configs) {
			v := d.Configs[k]
			cur, ok := a.Configs[k]
			if ok && cur.Value == v {
				continue
			}
			from := "(unset)"
			if ok {
				from = cur.Value
			}
			acts = append(acts, Action{Topic: d.Name, Action: actSetConfig, Key: k, From: from, To: v, Detail: fmt.Sprintf("%s: %s -> %s", k, from, v)})
		}
		if o.PruneConfigs {
			for _, k := range sortedKeys(a.Configs) {
				c := a.Configs[k]
				if _, keep := d.Configs[k]; keep || !c.OnTopic {
					continue
				}
				acts = append(acts, Action{Topic: d.Name, Action: actUnsetConfig, Key: k, From: c.Value, Detail: fmt.Sprintf("%s: %s -> (default)", k, c.Value)})
			}
		}
	}
	if o.PruneTopics {
		for _, n := range sortedKeys(actual) {
			a := actual[n]
			if want[n] || a.Internal {
				continue
			}
			acts = append(acts, Action{Topic: n, Action: actDeleteTopic, Detail: fmt.Sprintf("not in the file (%s, replication factor %d)", plural(a.Partitions, "partition"), a.ReplicationFactor)})
		}
	}
	sort.SliceStable(acts, func(i, j int) bool {
		if acts[i].Topic != acts[j].Topic {
			return acts[i].Topic < acts[j].Topic
		}
		if actionOrder[acts[i].Action] != actionOrder[acts[j].Action] {
			return actionOrder[acts[i].Action] < actionOrder[acts[j].Action]
		}
		return acts[i].Key < acts[j].Key
	})
	return acts
}

func createDetail(d TopicSpec) string {
	var parts []string
	if d.Partitions > 0 {
		parts = append(parts, plural(int(d.Partitions), "partition"))
	} else {
		parts = append(parts, "default partitions")
	}
	if d.ReplicationFactor > 0 {
		parts = append(parts, fmt.Sprintf("replication factor %d", d.ReplicationFactor))
	} else {
		parts = append(parts, "default replication factor")
	}
	if len(d.Configs) > 0 {
		var kv []string
		for _, k := range sortedKeys(d.Configs) {
			kv = append(kv, k+"="+d.Configs[k])
		}
		parts = append(parts, strings.Join(kv, ", "))
	}
	return strings.Join(parts, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// planCounts returns the number of changes and of refusals.
func planCounts(acts []Action) (changes, refusals int) {
	for _, a := range acts {
		if a.Action == actRefuse {
			refusals++
		} else {
			changes++
		}
	}
	return changes, refusals
}
