package topic

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kafkit/kafkit/internal/outcome"
	"github.com/kafkit/kafkit/internal/text"
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
	PruneConfigs bool        // unset configs set on a topic but absent from its entry
	PruneTopics  bool        // delete topics absent from the file (actual must hold only candidates)
	Brokers      brokerState // to refuse a replication factor the cluster cannot place; zero: unknown
	Existing     []string    // every topic of the cluster, for name collisions; nil: the keys of actual
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

var actionOrder = map[string]int{actCreate: 0, actRefuse: 1, actAddPartitions: 2, actReplicationFactor: 3, actSetConfig: 4, actUnsetConfig: 5, actDeleteTopic: 6}

// Action is one step of an apply plan.
type Action struct {
	Topic  string `json:"topic"`
	Action string `json:"action"`
	Key    string `json:"key,omitempty"`
	From   string `json:"from,omitempty"`
	To     string `json:"to,omitempty"`
	Detail string `json:"detail"`
	// Result is the engine's word (created, would_create, altered, would_alter, deleted,
	// would_delete, unchanged, exists, not_found, failed, skipped) and Error why it failed.
	outcome.Outcome
	// Actual is what re-reading the cluster showed after this action failed, when the cluster
	// changed anyway (e.g. "11 partitions").
	Actual string `json:"actual,omitempty"`

	// For create (and add_partitions): the settings; 0 or absent = the broker default.
	Partitions        int32             `json:"partitions,omitempty"`
	ReplicationFactor int16             `json:"replication_factor,omitempty"`
	Configs           map[string]string `json:"configs,omitempty"`
	Assignment        [][]int32         `json:"-"` // create --replica-assignment
	// Differences says how an existing topic differs from what create asked.
	Differences []string `json:"differences,omitempty"`

	// Filled from the broker's answer to a create.
	gotPartitions int32
	gotRF         int16
	topicID       string
	note          string // what still runs after a replication-factor change
}

// class is the engine's change class of the action.
func (a Action) class() outcome.Class {
	switch a.Action {
	case actCreate:
		return outcome.Create
	case actDeleteTopic:
		return outcome.Delete
	}
	return outcome.Alter
}

// what names the action in messages: "add_partitions", "set_config retention.ms".
func (a Action) what() string {
	if a.Key != "" {
		return a.Action + " " + a.Key
	}
	return a.Action
}

// actions is a plan as the engine tracks it.
type actions []Action

func (p actions) Outcome(i int) *outcome.Outcome { return &p[i].Outcome }
func (p actions) Class(i int) outcome.Class      { return p[i].class() }

// failures lists the failed actions for the partial-failure report.
func failures(plan []Action) []Failure {
	var fs []Failure
	for _, a := range plan {
		if a.IsFailed() {
			fs = append(fs, Failure{Subject: fmt.Sprintf("topic %q", text.Safe(a.Topic)), What: a.what(), Error: a.Error, Actual: a.Actual})
		}
	}
	return fs
}

// computePlan compares the desired topics with the cluster and returns the actions, sorted by
// topic and then by kind. A config is in sync when the topic's effective value (wherever it is
// set) equals the desired value. It is a pure function.
func computePlan(desired []TopicSpec, actual map[string]ActualTopic, o planOptions) []Action {
	var acts []Action
	want := map[string]bool{}
	existing := o.Existing
	if existing == nil {
		existing = sortedKeys(actual)
	}
	coll := collisions(specNames(desired), existing)
	for _, d := range desired {
		want[d.Name] = true
		a, ok := actual[d.Name]
		if !ok {
			acts = append(acts, planNewTopic(d, coll[d.Name], o.Brokers))
			continue
		}
		acts = append(acts, planPartitions(d, a, o.Brokers)...)
		acts = append(acts, planConfigs(d, a, o.PruneConfigs)...)
	}
	if o.PruneTopics {
		acts = append(acts, planPrune(actual, want)...)
	}
	sortActions(acts)
	return acts
}

func specNames(specs []TopicSpec) []string {
	out := make([]string, len(specs))
	for i, s := range specs {
		out[i] = s.Name
	}
	return out
}

// planNewTopic is the create of a topic the cluster does not have, or the refusal of it.
func planNewTopic(d TopicSpec, collidesWith string, brokers brokerState) Action {
	refuse := func(why string) Action { return Action{Topic: d.Name, Action: actRefuse, Detail: why} }
	if collidesWith != "" {
		return refuse(fmt.Sprintf("collides with the existing topic %q: Kafka treats '.' and '_' as the same character in topic names and refuses it", collidesWith))
	}
	if why := brokers.rfRefusal(int(d.ReplicationFactor), "replication_factor: %d"); why != "" {
		return refuse(why)
	}
	if why := createLimitRefusal(int(d.Partitions), len(d.Configs)); why != "" {
		return refuse(why)
	}
	return Action{Topic: d.Name, Action: actCreate, Detail: createDetail(d), Partitions: d.Partitions, ReplicationFactor: d.ReplicationFactor, Configs: d.Configs}
}

// planPartitions compares the partition count and replication factor of an existing topic.
func planPartitions(d TopicSpec, a ActualTopic, brokers brokerState) []Action {
	var acts []Action
	from, to := fmt.Sprint(a.Partitions), fmt.Sprint(d.Partitions)
	switch {
	case d.Partitions > 0 && int(d.Partitions) < a.Partitions:
		acts = append(acts, Action{Topic: d.Name, Action: actRefuse, From: from, To: to,
			Detail: fmt.Sprintf("partitions %d -> %d: Kafka cannot remove partitions; set partitions: %d in the file, or create a new topic and copy the data", a.Partitions, d.Partitions, a.Partitions)})
	case d.Partitions > 0 && int(d.Partitions) > a.Partitions:
		if why := growLimitRefusal(a.Partitions, int(d.Partitions)); why != "" {
			acts = append(acts, Action{Topic: d.Name, Action: actRefuse, From: from, To: to, Detail: why})
			break
		}
		acts = append(acts, Action{Topic: d.Name, Action: actAddPartitions, From: from, To: to, Partitions: d.Partitions,
			Detail: fmt.Sprintf("partitions %d -> %d", a.Partitions, d.Partitions)})
	}
	if d.ReplicationFactor > 0 && int(d.ReplicationFactor) != a.ReplicationFactor {
		from, to := fmt.Sprint(a.ReplicationFactor), fmt.Sprint(d.ReplicationFactor)
		if why := brokers.rfRefusal(int(d.ReplicationFactor), "replication_factor: %d"); why != "" {
			acts = append(acts, Action{Topic: d.Name, Action: actRefuse, From: from, To: to, Detail: why})
		} else {
			acts = append(acts, rfAction(d.Name, a.ReplicationFactor, int(d.ReplicationFactor)))
		}
	}
	return acts
}

// planConfigs sets the configs whose effective value differs and, with prune, unsets the ones
// set on the topic but absent from the file.
func planConfigs(d TopicSpec, a ActualTopic, prune bool) []Action {
	var acts []Action
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
	if !prune {
		return acts
	}
	for _, k := range sortedKeys(a.Configs) {
		c := a.Configs[k]
		if _, keep := d.Configs[k]; keep || !c.OnTopic {
			continue
		}
		acts = append(acts, Action{Topic: d.Name, Action: actUnsetConfig, Key: k, From: c.Value, Detail: fmt.Sprintf("%s: %s -> (default)", k, c.Value)})
	}
	return acts
}

// planPrune deletes the non-internal topics of actual that the file does not list.
func planPrune(actual map[string]ActualTopic, want map[string]bool) []Action {
	var acts []Action
	for _, n := range sortedKeys(actual) {
		a := actual[n]
		if want[n] || a.Internal {
			continue
		}
		acts = append(acts, Action{Topic: n, Action: actDeleteTopic, Detail: fmt.Sprintf("not in the file (%s, replication factor %d)", text.Count(a.Partitions, "partition"), a.ReplicationFactor)})
	}
	return acts
}

// sortActions orders a plan by topic, then kind, then config key.
func sortActions(acts []Action) {
	sort.SliceStable(acts, func(i, j int) bool {
		if acts[i].Topic != acts[j].Topic {
			return acts[i].Topic < acts[j].Topic
		}
		if actionOrder[acts[i].Action] != actionOrder[acts[j].Action] {
			return actionOrder[acts[i].Action] < actionOrder[acts[j].Action]
		}
		return acts[i].Key < acts[j].Key
	})
}

func createDetail(d TopicSpec) string {
	var parts []string
	if d.Partitions > 0 {
		parts = append(parts, text.Count(int(d.Partitions), "partition"))
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

// resultTopics returns the topics of the actions with result r.
func resultTopics(plan []Action, r string) []string {
	var out []string
	for _, a := range plan {
		if a.Result == r {
			out = append(out, a.Topic)
		}
	}
	return out
}

// countResult counts the actions with result r.
func countResult(plan []Action, r string) int {
	return len(resultTopics(plan, r))
}
