package partition

import (
	"fmt"
	"reflect"
	"testing"
)

func brokers(ids ...int32) []Broker {
	var out []Broker
	for _, id := range ids {
		out = append(out, Broker{ID: id})
	}
	return out
}

func as(topic string, reps ...[]int32) []Assignment {
	var out []Assignment
	for i, r := range reps {
		out = append(out, Assignment{Topic: topic, Partition: int32(i), Replicas: r})
	}
	return out
}

func r(ids ...int32) []int32 { return ids }

// checkInvariants: no broker twice in a partition, every replica on a target broker, the
// replication factor as wanted.
func checkInvariants(t *testing.T, parts []Assignment, p Plan, target map[int32]bool, rf int) map[string][]int32 {
	t.Helper()
	final := map[string][]int32{}
	for _, a := range parts {
		final[fmt.Sprintf("%s-%d", a.Topic, a.Partition)] = a.Replicas
	}
	for _, m := range p.Moves {
		final[fmt.Sprintf("%s-%d", m.Topic, m.Partition)] = m.To
	}
	for k, reps := range final {
		seen := map[int32]bool{}
		for _, b := range reps {
			if seen[b] {
				t.Fatalf("%s: broker %d twice in %v", k, b, reps)
			}
			seen[b] = true
			if target != nil && !target[b] {
				t.Fatalf("%s: replica on broker %d, not a target", k, b)
			}
		}
		if rf > 0 && len(reps) != rf {
			t.Fatalf("%s: %d replicas, want %d", k, len(reps), rf)
		}
	}
	return final
}

func loads(final map[string][]int32) (replicas, leaders map[int32]int) {
	replicas, leaders = map[int32]int{}, map[int32]int{}
	for _, reps := range final {
		for _, b := range reps {
			replicas[b]++
		}
		leaders[reps[0]]++
	}
	return replicas, leaders
}

func spreadOK(t *testing.T, what string, m map[int32]int, ids ...int32) {
	t.Helper()
	lo, hi := 1<<30, -1
	for _, id := range ids {
		lo, hi = min(lo, m[id]), max(hi, m[id])
	}
	if hi-lo > 1 {
		t.Fatalf("%s not balanced: %v", what, m)
	}
}

func TestComputeDrain(t *testing.T) {
	parts := as("t", r(4, 1, 2), r(1, 4, 3), r(2, 3, 1), r(3, 1, 4), r(4, 2, 3), r(1, 2, 3))
	p, err := Compute(parts, brokers(1, 2, 3, 4), Goal{Drain: []int32{4}})
	if err != nil {
		t.Fatal(err)
	}
	final := checkInvariants(t, parts, p, map[int32]bool{1: true, 2: true, 3: true}, 3)
	if got := p.ReplicasMoved(); got != 4 {
		t.Fatalf("moved %d replicas, want 4 (one per replica on broker 4): %+v", got, p.Moves)
	}
	for _, m := range p.Moves {
		if !reflect.DeepEqual(m.Removing, []int32{4}) {
			t.Fatalf("%s-%d removes %v, want [4]", m.Topic, m.Partition, m.Removing)
		}
	}
	if !reflect.DeepEqual(final["t-1"], []int32{1, 2, 3}) && !reflect.DeepEqual(final["t-1"], []int32{2, 1, 3}) {
		t.Fatalf("t-1 = %v", final["t-1"])
	}
}

func TestComputeSpreadToNewBroker(t *testing.T) {
	var reps [][]int32
	for i := 0; i < 12; i++ {
		b := int32(i%3) + 1
		reps = append(reps, r(b, b%3+1, (b+1)%3+1))
	}
	parts := as("t", reps...)
	p, err := Compute(parts, brokers(1, 2, 3, 4), Goal{Brokers: []int32{1, 2, 3, 4}})
	if err != nil {
		t.Fatal(err)
	}
	final := checkInvariants(t, parts, p, nil, 3)
	rep, lead := loads(final)
	spreadOK(t, "replicas", rep, 1, 2, 3, 4)
	spreadOK(t, "leaders", lead, 1, 2, 3, 4)
	if got := p.ReplicasMoved(); got != 9 {
		t.Fatalf("moved %d replicas, want 9 (broker 4's share of 36)", got)
	}
}

func TestComputeBalancedIsEmpty(t *testing.T) {
	parts := as("t", r(1, 2, 3), r(2, 3, 1), r(3, 1, 2))
	p, err := Compute(parts, brokers(1, 2, 3), Goal{})
	if err != nil || len(p.Moves) != 0 {
		t.Fatalf("plan %+v, %v: want nothing to do", p, err)
	}
}

func TestComputeReplicationFactor(t *testing.T) {
	parts := as("t", r(1), r(2), r(3), r(1))
	p, err := Compute(parts, brokers(1, 2, 3), Goal{ReplicationFactor: 3})
	if err != nil {
		t.Fatal(err)
	}
	final := checkInvariants(t, parts, p, nil, 3)
	for k, reps := range final {
		orig := map[string]int32{"t-0": 1, "t-1": 2, "t-2": 3, "t-3": 1}[k]
		if reps[0] != orig {
			t.Fatalf("%s: leader moved from %d: %v", k, orig, reps)
		}
	}
	if p.ReplicasMoved() != 8 {
		t.Fatalf("moved %d, want 8 (2 new copies per partition)", p.ReplicasMoved())
	}
	down, err := Compute(as("t", r(1, 2, 3), r(2, 3, 1), r(3, 1, 2)), brokers(1, 2, 3), Goal{ReplicationFactor: 2})
	if err != nil {
		t.Fatal(err)
	}
	final = checkInvariants(t, nil, down, nil, 2)
	rep, _ := loads(final)
	spreadOK(t, "replicas", rep, 1, 2, 3)
	if down.ReplicasMoved() != 0 || len(down.Moves) != 3 {
		t.Fatalf("RF 3->2 copies %d replicas in %d moves, want 0 in 3", down.ReplicasMoved(), len(down.Moves))
	}
	for _, m := range down.Moves {
		if m.To[0] != m.From[0] {
			t.Fatalf("RF 3->2 changed the leader of %d: %v -> %v", m.Partition, m.From, m.To)
		}
	}
}

func TestComputeRackAware(t *testing.T) {
	bs := []Broker{{1, "a"}, {2, "a"}, {3, "b"}, {4, "b"}}
	parts := as("t", r(1), r(2), r(3), r(4))
	p, err := Compute(parts, bs, Goal{ReplicationFactor: 2})
	if err != nil {
		t.Fatal(err)
	}
	rack := map[int32]string{1: "a", 2: "a", 3: "b", 4: "b"}
	for _, m := range p.Moves {
		if rack[m.To[0]] == rack[m.To[1]] {
			t.Fatalf("%d: both replicas on rack %s: %v", m.Partition, rack[m.To[0]], m.To)
		}
	}
}

func TestComputeErrors(t *testing.T) {
	parts := as("t", r(1, 2), r(2, 3))
	for _, c := range []struct {
		goal Goal
		want string
	}{
		{Goal{Brokers: []int32{1, 9}}, "broker 9 does not exist (the cluster has brokers 1,2,3)"},
		{Goal{Drain: []int32{7}}, "broker 7 does not exist (the cluster has brokers 1,2,3)"},
		{Goal{Brokers: []int32{1, 1}}, "broker 1 is listed twice"},
		{Goal{ReplicationFactor: 4}, "t-0 needs 4 replicas but only 3 brokers can hold them (1,2,3): lower the replication factor or add brokers"},
		{Goal{Drain: []int32{1, 2}}, "t-0 needs 2 replicas but only 1 broker can hold them (3): lower the replication factor or add brokers"},
	} {
		_, err := Compute(parts, brokers(1, 2, 3), c.goal)
		if err == nil || err.Error() != c.want {
			t.Errorf("%+v: got %v, want %q", c.goal, err, c.want)
		}
	}
}

// bigCluster is 2,000 partitions of RF 3 over brokers 1-3, plus an empty broker 4.
func bigCluster() ([]Assignment, []Broker) {
	var parts []Assignment
	for i := 0; i < 2000; i++ {
		b := int32(i%3) + 1
		parts = append(parts, Assignment{Topic: fmt.Sprintf("t%02d", i/100), Partition: int32(i % 100), Replicas: r(b, b%3+1, (b+1)%3+1)})
	}
	return parts, brokers(1, 2, 3, 4)
}

func TestComputeBig(t *testing.T) {
	parts, bs := bigCluster()
	p, err := Compute(parts, bs, Goal{})
	if err != nil {
		t.Fatal(err)
	}
	rep, lead := loads(checkInvariants(t, parts, p, nil, 3))
	spreadOK(t, "replicas", rep, 1, 2, 3, 4)
	spreadOK(t, "leaders", lead, 1, 2, 3, 4)
	if p.ReplicasMoved() != 1500 {
		t.Fatalf("moved %d, want 1500 (a quarter of 6,000)", p.ReplicasMoved())
	}
}

// BenchmarkCompute2000 plans 2,000 partitions onto a new broker (the bound: < 100 ms).
func BenchmarkCompute2000(b *testing.B) {
	parts, bs := bigCluster()
	for i := 0; i < b.N; i++ {
		if _, err := Compute(parts, bs, Goal{}); err != nil {
			b.Fatal(err)
		}
	}
}
