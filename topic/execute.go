package topic

// The topic executor: turns a plan's pending actions into batched CreateTopics,
// CreatePartitions, IncrementalAlterConfigs and DeleteTopics requests for runBatches, each split
// so it stays within what Kafka's controller takes in one request.

import (
	"context"
	"sort"
	"strconv"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/outcome"
)

// requestTimeoutMillis is the broker-side timeout of the change requests.
const requestTimeoutMillis = 60000

// executePlan validates the whole plan with the broker and, unless dryRun, applies it; every
// action gets its result in place. It reports whether everything succeeded. After a failed real
// send it re-reads the cluster and records what changed anyway (Action.Actual).
// defaultPartitions is the broker's num.partitions, to size requests of creates that leave
// the partitions to the broker.
// It reports whether everything succeeded and whether anything was sent for real.
func executePlan(ctx context.Context, adm *cmdutil.Admin, plan []Action, dryRun bool, defaultPartitions int) (ok, sent bool) {
	return executePlanWith(ctx, adm, plan, dryRun, defaultPartitions, reassignOptions{})
}

// executePlanWith is executePlan with the options of replication-factor changes.
func executePlanWith(ctx context.Context, adm *cmdutil.Admin, plan []Action, dryRun bool, defaultPartitions int, ro reassignOptions) (ok, sent bool) {
	ok, sent = runPlan(ctx, topicExecutor{adm: adm, plan: plan, defaultPartitions: defaultPartitions, reassign: ro}, dryRun)
	if !ok && sent {
		observeFailures(ctx, adm, plan)
	}
	return ok, sent
}

// topicExecutor is the engine's Executor for a topic plan.
type topicExecutor struct {
	adm               *cmdutil.Admin
	plan              actions
	defaultPartitions int
	reassign          reassignOptions
}

func (e topicExecutor) Outcome(i int) *outcome.Outcome { return e.plan.Outcome(i) }
func (e topicExecutor) Class(i int) outcome.Class      { return e.plan.Class(i) }
func (e topicExecutor) Len() int                       { return len(e.plan) }
func (e topicExecutor) Batches() []Batch {
	return topicBatches(e.adm, e.plan, e.defaultPartitions, e.reassign)
}

// topicBatches groups the pending actions by request kind, in the order they must run:
// creates, new partitions, replication factors, configs, deletes.
func topicBatches(adm *cmdutil.Admin, plan []Action, defaultPartitions int, ro reassignOptions) []Batch {
	var creates, parts, rfs, configs, deletes []int
	for i, a := range plan {
		if !a.Pending() {
			continue
		}
		switch a.Action {
		case actCreate:
			creates = append(creates, i)
		case actAddPartitions:
			parts = append(parts, i)
		case actReplicationFactor:
			rfs = append(rfs, i)
		case actSetConfig, actUnsetConfig:
			configs = append(configs, i)
		case actDeleteTopic:
			deletes = append(deletes, i)
		}
	}
	var bs []Batch
	for _, items := range splitByWeight(creates, func(i int) int { return createWeight(plan[i], defaultPartitions) }) {
		bs = append(bs, createBatch(adm, plan, items))
	}
	for _, items := range splitByWeight(parts, func(i int) int { return int(plan[i].Partitions) - atoi(plan[i].From) }) {
		bs = append(bs, partitionsBatch(adm, plan, items))
	}
	if len(rfs) > 0 {
		bs = append(bs, replicationBatch(adm, plan, rfs, ro))
	}
	for _, items := range splitConfigs(plan, configs) {
		bs = append(bs, configsBatch(adm, plan, items))
	}
	if len(deletes) > 0 {
		bs = append(bs, deleteBatch(adm, plan, deletes))
	}
	return bs
}

// createWeight is the number of controller records creating a.Topic takes.
func createWeight(a Action, defaultPartitions int) int {
	p := int(a.Partitions)
	switch {
	case len(a.Assignment) > 0:
		p = len(a.Assignment)
	case p <= 0:
		p = max(defaultPartitions, 1)
	}
	return createRecords(p, len(a.Configs))
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// splitByWeight cuts items into runs whose weights add up to at most maxRecordsPerRequest (an
// item heavier than that gets a run of its own; the planners refuse those before).
func splitByWeight(items []int, weight func(int) int) [][]int {
	var out [][]int
	var cur []int
	sum := 0
	for _, i := range items {
		w := max(weight(i), 1)
		if len(cur) > 0 && sum+w > maxRecordsPerRequest {
			out = append(out, cur)
			cur, sum = nil, 0
		}
		cur = append(cur, i)
		sum += w
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// splitConfigs splits config actions into requests of at most maxRecordsPerRequest configs,
// never splitting one topic's configs (IncrementalAlterConfigs is atomic per topic).
func splitConfigs(plan []Action, items []int) [][]int {
	byTopic := map[string][]int{}
	var order []string
	for _, i := range items {
		t := plan[i].Topic
		if byTopic[t] == nil {
			order = append(order, t)
		}
		byTopic[t] = append(byTopic[t], i)
	}
	groups := make([]int, len(order))
	for g := range order {
		groups[g] = g
	}
	var out [][]int
	for _, run := range splitByWeight(groups, func(g int) int { return len(byTopic[order[g]]) }) {
		var flat []int
		for _, g := range run {
			flat = append(flat, byTopic[order[g]]...)
		}
		out = append(out, flat)
	}
	return out
}

func createBatch(adm *cmdutil.Admin, plan []Action, items []int) Batch {
	return Batch{Kind: "CreateTopics", Items: items, Send: func(ctx context.Context, validateOnly bool) (map[int]error, error) {
		req := kmsg.NewPtrCreateTopicsRequest()
		req.TimeoutMillis = requestTimeoutMillis
		req.ValidateOnly = validateOnly
		byName := map[string]int{}
		for _, i := range items {
			a := plan[i]
			req.Topics = append(req.Topics, createRequestTopic(a.Topic, orDefault32(a.Partitions), orDefault16(a.ReplicationFactor), a.Configs, a.Assignment))
			byName[a.Topic] = i
		}
		resp, err := req.RequestWith(ctx, adm)
		if err != nil {
			return nil, err
		}
		errs := map[int]error{}
		for _, t := range resp.Topics {
			i, ok := byName[t.Topic]
			if !ok {
				continue
			}
			errs[i] = kafkaErr(kerr.ErrorForCode(t.ErrorCode), ptrStr(t.ErrorMessage))
			if t.ErrorCode == 0 {
				plan[i].gotPartitions, plan[i].gotRF = t.NumPartitions, t.ReplicationFactor
				if !validateOnly {
					plan[i].topicID = topicID(t.TopicID)
				}
			}
		}
		return errs, nil
	}}
}

func partitionsBatch(adm *cmdutil.Admin, plan []Action, items []int) Batch {
	return Batch{Kind: "CreatePartitions", Items: items, Send: func(ctx context.Context, validateOnly bool) (map[int]error, error) {
		req := kmsg.NewPtrCreatePartitionsRequest()
		req.TimeoutMillis = requestTimeoutMillis
		req.ValidateOnly = validateOnly
		byName := map[string]int{}
		for _, i := range items {
			t := kmsg.NewCreatePartitionsRequestTopic()
			t.Topic, t.Count = plan[i].Topic, plan[i].Partitions
			req.Topics = append(req.Topics, t)
			byName[t.Topic] = i
		}
		resp, err := req.RequestWith(ctx, adm)
		if err != nil {
			return nil, err
		}
		errs := map[int]error{}
		for _, t := range resp.Topics {
			if i, ok := byName[t.Topic]; ok {
				errs[i] = kafkaErr(kerr.ErrorForCode(t.ErrorCode), ptrStr(t.ErrorMessage))
			}
		}
		return errs, nil
	}}
}

func configsBatch(adm *cmdutil.Admin, plan []Action, items []int) Batch {
	return Batch{Kind: "IncrementalAlterConfigs", Items: items, Send: func(ctx context.Context, validateOnly bool) (map[int]error, error) {
		req := kmsg.NewPtrIncrementalAlterConfigsRequest()
		req.ValidateOnly = validateOnly
		resources := map[string]int{}
		for _, i := range items {
			a := plan[i]
			ri, ok := resources[a.Topic]
			if !ok {
				r := kmsg.NewIncrementalAlterConfigsRequestResource()
				r.ResourceType, r.ResourceName = kmsg.ConfigResourceTypeTopic, a.Topic
				req.Resources = append(req.Resources, r)
				ri = len(req.Resources) - 1
				resources[a.Topic] = ri
			}
			c := kmsg.NewIncrementalAlterConfigsRequestResourceConfig()
			c.Name = a.Key
			if a.Action == actSetConfig {
				c.Op, c.Value = kmsg.IncrementalAlterConfigOpSet, kmsg.StringPtr(a.To)
			} else {
				c.Op = kmsg.IncrementalAlterConfigOpDelete
			}
			req.Resources[ri].Configs = append(req.Resources[ri].Configs, c)
		}
		resp, err := req.RequestWith(ctx, adm)
		if err != nil {
			return nil, err
		}
		byTopic := map[string]error{}
		answered := map[string]bool{}
		for _, r := range resp.Resources {
			byTopic[r.ResourceName] = kafkaErr(kerr.ErrorForCode(r.ErrorCode), ptrStr(r.ErrorMessage))
			answered[r.ResourceName] = true
		}
		errs := map[int]error{}
		for _, i := range items {
			if answered[plan[i].Topic] {
				errs[i] = byTopic[plan[i].Topic]
			}
		}
		return errs, nil
	}}
}

// deleteBatch has no validate-only form in Kafka: the planner checked it against current
// metadata (the topics exist, internal ones refused).
func deleteBatch(adm *cmdutil.Admin, plan []Action, items []int) Batch {
	return Batch{Kind: "DeleteTopics", Items: items, ClientChecked: true, Send: func(ctx context.Context, _ bool) (map[int]error, error) {
		var names []string
		byName := map[string]int{}
		for _, i := range items {
			names = append(names, plan[i].Topic)
			byName[plan[i].Topic] = i
		}
		sort.Strings(names)
		rs, err := adm.DeleteTopics(ctx, names...)
		if err != nil && len(rs) == 0 {
			return nil, err
		}
		errs := map[int]error{}
		for n, r := range rs {
			if i, ok := byName[n]; ok {
				errs[i] = kafkaErr(r.Err, r.ErrMessage)
			}
		}
		return errs, err
	}}
}

// createRequestTopic builds one topic of a CreateTopics request.
func createRequestTopic(name string, partitions int32, rf int16, configs map[string]string, assignment [][]int32) kmsg.CreateTopicsRequestTopic {
	rt := kmsg.NewCreateTopicsRequestTopic()
	rt.Topic = name
	rt.NumPartitions, rt.ReplicationFactor = partitions, rf
	if len(assignment) > 0 {
		rt.NumPartitions, rt.ReplicationFactor = -1, -1
		for i, reps := range assignment {
			ra := kmsg.NewCreateTopicsRequestTopicReplicaAssignment()
			ra.Partition = int32(i)
			ra.Replicas = reps
			rt.ReplicaAssignment = append(rt.ReplicaAssignment, ra)
		}
	}
	for _, k := range sortedKeys(configs) {
		c := kmsg.NewCreateTopicsRequestTopicConfig()
		c.Name = k
		c.Value = kmsg.StringPtr(configs[k])
		rt.Configs = append(rt.Configs, c)
	}
	return rt
}

// orDefault32 turns "not given" (0 or less) into -1, the broker's default.
func orDefault32(n int32) int32 {
	if n <= 0 {
		return -1
	}
	return n
}

func orDefault16(n int16) int16 {
	if n <= 0 {
		return -1
	}
	return n
}

func ptrStr(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
