package partition

// rebalance evens out the replica counts of the target brokers: while the busiest broker has
// at least two replicas more than another one, it moves one replica from it, choosing first a
// replica that was about to be copied anyway (no extra data), then one that is not the
// preferred leader, never one whose move would put two replicas on one rack where that can be
// avoided.
func (st *planState) rebalance() {
	stuck := map[int32]bool{}
	for {
		o, ok := st.busiest(stuck)
		if !ok {
			return
		}
		if !st.moveOneFrom(o) {
			stuck[o] = true
		}
	}
}

// busiest is the target broker with the most replicas that is not stuck, when it holds at
// least two more than the least loaded broker.
func (st *planState) busiest(stuck map[int32]bool) (int32, bool) {
	o, minLoad := free, -1
	for _, b := range st.order {
		if minLoad < 0 || st.load[b] < minLoad {
			minLoad = st.load[b]
		}
		if !stuck[b] && (o == free || st.load[b] > st.load[o]) {
			o = b
		}
	}
	return o, o != free && st.load[o]-minLoad >= 2
}

// moveOneFrom moves one replica off broker o to a broker holding at least two fewer.
func (st *planState) moveOneFrom(o int32) bool {
	for _, u := range st.byLoad() {
		if st.load[o]-st.load[u] < 2 {
			return false
		}
		if i, j := st.pickReplica(o, u); i >= 0 {
			st.place(i, j, u)
			return true
		}
	}
	return false
}

// place moves slot j of partition i to broker u, keeping the counts.
func (st *planState) place(i, j int, u int32) {
	o := st.cur[i][j]
	if !st.origSet[i][o] {
		st.newOn[o]--
	}
	if !st.origSet[i][u] {
		st.newOn[u]++
	}
	st.cur[i][j] = u
	st.load[o]--
	st.load[u]++
}

// byLoad lists the target brokers, least loaded first.
func (st *planState) byLoad() []int32 {
	out := append([]int32(nil), st.order...)
	for a := 1; a < len(out); a++ {
		for b := a; b > 0 && st.load[out[b]] < st.load[out[b-1]]; b-- {
			out[b], out[b-1] = out[b-1], out[b]
		}
	}
	return out
}

// pickReplica finds the slot (partition i, position j) holding o that moves to u at the least
// cost; -1 when none may move there.
func (st *planState) pickReplica(o, u int32) (int, int) {
	bi, bj, bcost := -1, -1, 1<<30
	floor := 0 // the cheapest cost any replica of o can have
	if st.newOn[o] == 0 {
		floor = 4
	}
	for i, list := range st.cur {
		j := indexOf(list, o)
		if j < 0 || st.has(i, u) || st.rackPenalty(i, j, u) > st.rackPenalty(i, j, o) {
			continue
		}
		cost := 0
		if st.origSet[i][o] {
			cost += 4 // the replica is in place today: moving it copies data
		}
		if j == 0 {
			cost += 2
		}
		if !st.changed(i) {
			cost++
		}
		if cost < bcost {
			bi, bj, bcost = i, j, cost
			if cost <= floor {
				break
			}
		}
	}
	return bi, bj
}

func indexOf(list []int32, b int32) int {
	for j, x := range list {
		if x == b {
			return j
		}
	}
	return -1
}

func (st *planState) changed(i int) bool { return !equalIDs(st.cur[i], st.orig[i]) }

func equalIDs(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// balanceLeaders reorders replica lists (no data moves) so that no target broker is the
// preferred leader of two partitions more than another broker of the same partition could be.
// Only changing partitions are reordered, unless all is set (a spread plan).
func (st *planState) balanceLeaders(all bool) {
	leaders := map[int32]int{}
	for _, list := range st.cur {
		leaders[list[0]]++
	}
	for pass := 0; pass < 3; pass++ {
		swapped := false
		for i, list := range st.cur {
			if !all && !st.changed(i) {
				continue
			}
			l, best := list[0], 0
			for j := 1; j < len(list); j++ {
				if best == 0 || leaders[list[j]] < leaders[list[best]] {
					best = j
				}
			}
			if best > 0 && leaders[list[best]]+1 < leaders[l] {
				list[0], list[best] = list[best], list[0]
				leaders[l]--
				leaders[list[0]]++
				swapped = true
			}
		}
		if !swapped {
			return
		}
	}
}

// plan lists the partitions whose replica list changed.
func (st *planState) plan() Plan {
	p := Plan{Moves: []Move{}}
	for i, list := range st.cur {
		if !st.changed(i) {
			continue
		}
		m := Move{Topic: st.parts[i].Topic, Partition: st.parts[i].Partition, From: st.orig[i], To: append([]int32(nil), list...), Adding: []int32{}, Removing: []int32{}}
		now := idSet(list)
		for _, b := range list {
			if !st.origSet[i][b] {
				m.Adding = append(m.Adding, b)
			}
		}
		for _, b := range st.orig[i] {
			if !now[b] {
				m.Removing = append(m.Removing, b)
			}
		}
		p.Moves = append(p.Moves, m)
	}
	return p
}
