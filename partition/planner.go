package partition

// The reassignment planner: current assignment + brokers + a goal -> the partitions whose
// replica list changes. It is pure (no cluster) so that `plan`, `topic alter
// --replication-factor`, `topic apply` and kafka-reassign-partitions.sh --generate share it.

import (
	"fmt"
	"sort"
	"strings"
)

// Broker is one broker the planner may place replicas on.
type Broker struct {
	ID   int32
	Rack string
}

// Assignment is one partition's replica list; Replicas[0] is the preferred leader.
type Assignment struct {
	Topic     string  `json:"topic"`
	Partition int32   `json:"partition"`
	Replicas  []int32 `json:"replicas"`
}

// Goal says what the plan should achieve for the partitions it is given.
type Goal struct {
	// Brokers: spread every replica evenly over exactly these brokers (nil: every broker).
	Brokers []int32
	// Drain: move every replica off these brokers, touching only the partitions on them.
	Drain []int32
	// ReplicationFactor: the new number of replicas per partition (0: keep each one's).
	ReplicationFactor int
}

// Move is one partition whose replica list changes.
type Move struct {
	Topic     string  `json:"topic"`
	Partition int32   `json:"partition"`
	From      []int32 `json:"from"`
	To        []int32 `json:"to"`
	Adding    []int32 `json:"adding"`   // brokers that get a new copy (data is copied to them)
	Removing  []int32 `json:"removing"` // brokers whose copy is deleted at the end
}

// LeaderChanges reports whether the preferred leader changes.
func (m Move) LeaderChanges() bool { return len(m.From) == 0 || len(m.To) == 0 || m.From[0] != m.To[0] }

// Plan is the planner's answer: the moves, sorted by topic and partition.
type Plan struct {
	Moves []Move `json:"moves"`
}

// ReplicasMoved counts the replicas that must be copied to a new broker.
func (p Plan) ReplicasMoved() int {
	n := 0
	for _, m := range p.Moves {
		n += len(m.Adding)
	}
	return n
}

// PlanError is a goal the planner cannot meet (unknown broker, replication factor above the
// broker count): the command's usage error, nothing is sent.
type PlanError struct{ Msg string }

func (e *PlanError) Error() string { return e.Msg }

func planErrorf(format string, args ...any) error {
	return &PlanError{Msg: fmt.Sprintf(format, args...)}
}

// Compute plans the reassignment of parts (the partitions the goal is about) over brokers
// (every live broker of the cluster). It never puts two replicas of a partition on one broker,
// keeps every replica that may stay where it is, moves as few as the goal needs, prefers
// brokers on racks a partition does not use yet (when every target broker has a rack), and
// balances preferred leaders over the target brokers. It is deterministic.
func Compute(parts []Assignment, brokers []Broker, g Goal) (Plan, error) {
	target, err := targetBrokers(brokers, g)
	if err != nil {
		return Plan{}, err
	}
	st := newState(parts, target, g)
	for i := range st.parts {
		if r := st.rf(i); r > len(target) {
			return Plan{}, planErrorf("%s-%d needs %d replicas but only %s can hold them (%s): lower the replication factor or add brokers",
				st.parts[i].Topic, st.parts[i].Partition, r, countBrokers(len(target)), joinIDs(st.order))
		}
	}
	st.keep()
	st.fill()
	if len(g.Drain) == 0 {
		st.rebalance()
	}
	st.balanceLeaders(len(g.Drain) == 0 && g.ReplicationFactor == 0)
	return st.plan(), nil
}

func countBrokers(n int) string {
	if n == 1 {
		return "1 broker"
	}
	return fmt.Sprintf("%d brokers", n)
}

// targetBrokers checks the goal's broker ids against the cluster and returns the brokers that
// may hold replicas.
func targetBrokers(brokers []Broker, g Goal) ([]Broker, error) {
	known := map[int32]Broker{}
	for _, b := range brokers {
		known[b.ID] = b
	}
	ids := make([]int32, 0, len(brokers))
	for _, b := range brokers {
		ids = append(ids, b.ID)
	}
	sortIDs(ids)
	for _, list := range [][]int32{g.Brokers, g.Drain} {
		if err := checkKnown(list, known, ids); err != nil {
			return nil, err
		}
	}
	want := g.Brokers
	if want == nil {
		want = ids
	}
	drain := idSet(g.Drain)
	var out []Broker
	for _, id := range want {
		if !drain[id] {
			out = append(out, known[id])
		}
	}
	if len(out) == 0 {
		return nil, planErrorf("no broker is left to hold the replicas (brokers %s)", joinIDs(ids))
	}
	return out, nil
}

func checkKnown(list []int32, known map[int32]Broker, all []int32) error {
	seen := map[int32]bool{}
	for _, id := range list {
		if _, ok := known[id]; !ok {
			return planErrorf("broker %d does not exist (the cluster has brokers %s)", id, joinIDs(all))
		}
		if seen[id] {
			return planErrorf("broker %d is listed twice", id)
		}
		seen[id] = true
	}
	return nil
}

func idSet(ids []int32) map[int32]bool {
	m := make(map[int32]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

func sortIDs(ids []int32) { sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] }) }

func joinIDs(ids []int32) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = fmt.Sprint(id)
	}
	return strings.Join(s, ",")
}
