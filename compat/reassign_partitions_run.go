package compat

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/config"
	"github.com/kafkit/kafkit/internal/text"
	"github.com/kafkit/kafkit/partition"
)

// list prints the running reassignments as --list does.
func (r *reassignRun) list(ctx context.Context) error {
	running, err := partition.ListRunning(ctx, r.adm)
	if err != nil {
		return err
	}
	if len(running) == 0 {
		fmt.Fprintln(r.e.IO.Out, "No partition reassignments found.")
		return nil
	}
	fmt.Fprintln(r.e.IO.Out, "Current partition reassignments:")
	for _, x := range running {
		line := fmt.Sprintf("%s-%d: replicas: %s.", x.Topic, x.Partition, idList(x.Replicas))
		if len(x.Adding) > 0 {
			line += fmt.Sprintf(" adding: %s.", idList(x.Adding))
		}
		if len(x.Removing) > 0 {
			line += fmt.Sprintf(" removing: %s.", idList(x.Removing))
		}
		fmt.Fprintln(r.e.IO.Out, line)
	}
	return nil
}

// verify prints each partition's state and, when nothing moves any more, clears the throttles.
func (r *reassignRun) verify(ctx context.Context) error {
	plan, err := r.readPlan()
	if err != nil {
		return err
	}
	running, err := partition.ListRunning(ctx, r.adm)
	if err != nil {
		return err
	}
	st, err := partition.FetchState(ctx, r.adm, planTopicNames(plan)...)
	if err != nil {
		return err
	}
	moving := map[string]bool{}
	for _, x := range running {
		moving[fmt.Sprintf("%s-%d", x.Topic, x.Partition)] = true
	}
	out := r.e.IO.Out
	fmt.Fprintln(out, "Status of partition reassignment:")
	for _, a := range sortedPlan(plan) {
		name := fmt.Sprintf("%s-%d", a.Topic, a.Partition)
		cur, _ := st.Partition(a.Topic, a.Partition)
		switch {
		case moving[name]:
			fmt.Fprintf(out, "Reassignment of partition %s is still in progress.\n", name)
		case idList(cur) == idList(a.Replicas):
			fmt.Fprintf(out, "Reassignment of partition %s is completed.\n", name)
		default:
			fmt.Fprintf(out, "There is no active reassignment of partition %s, but replica set is %s rather than %s.\n", name, idList(cur), idList(a.Replicas))
		}
	}
	fmt.Fprintln(out) // the (empty) state of log directory moves
	if len(running) > 0 || r.p.Has("preserve-throttles") {
		return nil
	}
	return r.clearThrottles(ctx, st, plan)
}

// clearThrottles removes the throttles from every live broker and the plan's brokers and
// topics, saying so as the Java tool does.
func (r *reassignRun) clearThrottles(ctx context.Context, st partition.State, plan []partition.Assignment) error {
	set := map[int32]bool{}
	for _, id := range st.BrokerIDs() {
		set[id] = true
	}
	for _, a := range plan {
		for _, b := range a.Replicas {
			set[b] = true
		}
	}
	brokers := make([]int32, 0, len(set))
	for b := range set {
		brokers = append(brokers, b)
	}
	sort.Slice(brokers, func(i, j int) bool { return brokers[i] < brokers[j] })
	topics := planTopicNames(plan)
	fmt.Fprintf(r.e.IO.Out, "Clearing broker-level throttles on broker%s %s\n", plural(len(brokers)), idList(brokers))
	live := map[int32]bool{}
	for _, id := range st.BrokerIDs() {
		live[id] = true
	}
	var liveBrokers []int32
	for _, b := range brokers {
		if live[b] {
			liveBrokers = append(liveBrokers, b)
		}
	}
	if err := partition.ClearThrottles(ctx, r.adm, liveBrokers, nil); err != nil {
		return err
	}
	fmt.Fprintf(r.e.IO.Out, "Clearing topic-level throttles on topic%s %s\n", plural(len(topics)), strings.Join(topics, ","))
	return partition.ClearThrottles(ctx, r.adm, nil, topics)
}

func planTopicNames(plan []partition.Assignment) []string {
	topics := make([]string, len(plan))
	for i, a := range plan {
		topics[i] = a.Topic
	}
	return text.SortedUnique(topics)
}

func sortedPlan(plan []partition.Assignment) []partition.Assignment {
	out := append([]partition.Assignment(nil), plan...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Topic != out[j].Topic {
			return out[i].Topic < out[j].Topic
		}
		return out[i].Partition < out[j].Partition
	})
	return out
}

// cancel cancels the plan's running reassignments, then clears the throttles.
func (r *reassignRun) cancel(ctx context.Context) error {
	plan, err := r.readPlan()
	if err != nil {
		return err
	}
	running, err := partition.ListRunning(ctx, r.adm)
	if err != nil {
		return err
	}
	in := kadm.TopicsSet{}
	for _, a := range plan {
		in.Add(a.Topic, a.Partition)
	}
	var targets []partition.Running
	for _, x := range running {
		if _, ok := in[x.Topic][x.Partition]; ok {
			targets = append(targets, x)
		}
	}
	if err := r.cancelTargets(ctx, targets); err != nil {
		return err
	}
	fmt.Fprint(r.e.IO.Out, "None of the specified partition moves are active.")
	if r.p.Has("preserve-throttles") {
		return nil
	}
	st, err := partition.FetchState(ctx, r.adm, planTopicNames(plan)...)
	if err != nil {
		return err
	}
	return r.clearThrottles(ctx, st, plan)
}

func (r *reassignRun) cancelTargets(ctx context.Context, targets []partition.Running) error {
	if len(targets) == 0 {
		fmt.Fprintln(r.e.IO.Out, "None of the specified partition reassignments are active.")
		return nil
	}
	var done []partition.Assignment
	var failed []string
	for _, c := range partition.CancelRunning(ctx, r.adm, targets) {
		if c.Error != "" {
			failed = append(failed, fmt.Sprintf("%s-%d: %s", c.Topic, c.Partition, c.Error))
			continue
		}
		done = append(done, partition.Assignment{Topic: c.Topic, Partition: c.Partition})
	}
	if len(failed) > 0 {
		return terseError{fmt.Sprintf("Error cancelling partition reassignment%s for:\n%s", plural(len(failed)), strings.Join(failed, "\n"))}
	}
	fmt.Fprintf(r.e.IO.Out, "Successfully cancelled partition reassignment%s for: %s\n", plural(len(done)), tpList(done))
	return nil
}

// generate proposes an assignment of the topics onto --broker-list with kafkit's planner: it
// keeps what may stay (the Java tool starts from a random broker and moves most replicas), so
// the proposal is valid for --execute but not the Java tool's bytes.
func (r *reassignRun) generate(ctx context.Context) error {
	topics, err := readTopicsToMove(r.p.Value("topics-to-move-json-file"))
	if err != nil {
		return err
	}
	ids, err := partition.ParseBrokerList(r.p.Value("broker-list"))
	if err != nil {
		return err
	}
	st, err := partition.FetchState(ctx, r.adm, topics...)
	if err != nil {
		return err
	}
	parts, missing := st.Select(nil, topics)
	if len(missing) > 0 {
		return fmt.Errorf("topic %q does not exist", missing[0])
	}
	brokers := st.Brokers
	if r.p.Has("disable-rack-aware") {
		for i := range brokers {
			brokers[i].Rack = ""
		}
	}
	plan, err := partition.Compute(parts, brokers, partition.Goal{Brokers: ids})
	if err != nil {
		return err
	}
	fmt.Fprintf(r.e.IO.Out, "Current partition replica assignment\n%s\n\n", partition.EncodeJSON(parts))
	fmt.Fprintf(r.e.IO.Out, "Proposed partition reassignment configuration\n%s\n", partition.EncodeJSON(proposed(parts, plan)))
	return nil
}

// proposed is every partition with its planned replicas (unchanged ones too, as Java lists them).
func proposed(parts []partition.Assignment, plan partition.Plan) []partition.Assignment {
	to := map[string][]int32{}
	for _, m := range plan.Moves {
		to[fmt.Sprintf("%s-%d", m.Topic, m.Partition)] = m.To
	}
	out := make([]partition.Assignment, len(parts))
	for i, a := range parts {
		out[i] = a
		if t, ok := to[fmt.Sprintf("%s-%d", a.Topic, a.Partition)]; ok {
			out[i].Replicas = t
		}
	}
	return out
}

// readTopicsToMove parses {"version":1,"topics":[{"topic":"foo"}]}.
func readTopicsToMove(path string) ([]string, error) {
	data, err := config.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Version *int `json:"version"`
		Topics  []struct {
			Topic string `json:"topic"`
		} `json:"topics"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("The input string is not a valid JSON")
	}
	if doc.Version != nil && *doc.Version != 1 {
		return nil, fmt.Errorf("Not supported version field value %d", *doc.Version)
	}
	var out []string
	seen := map[string]bool{}
	for _, t := range doc.Topics {
		if seen[t.Topic] {
			return nil, fmt.Errorf("List of topics to reassign contains duplicate entries: %s", t.Topic)
		}
		seen[t.Topic] = true
		out = append(out, t.Topic)
	}
	return out, nil
}
