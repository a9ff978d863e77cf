package partition

import "sort"

// planState is the planner's working copy: one replica list per partition (-1 marks a slot
// still to fill) and the replica and leader counts per target broker.
type planState struct {
	parts     []Assignment
	orig      [][]int32
	cur       [][]int32
	wantRF    int
	order     []int32 // target broker ids, ascending
	allowed   map[int32]bool
	rack      map[int32]string
	rackAware bool
	load      map[int32]int
	newOn     map[int32]int // replicas placed on a broker that are not there today
	origSet   []map[int32]bool
}

const free = int32(-1)

func newState(parts []Assignment, target []Broker, g Goal) *planState {
	st := &planState{wantRF: g.ReplicationFactor, allowed: map[int32]bool{}, rack: map[int32]string{}, load: map[int32]int{}, newOn: map[int32]int{}}
	st.parts = append([]Assignment(nil), parts...)
	sort.Slice(st.parts, func(i, j int) bool {
		if st.parts[i].Topic != st.parts[j].Topic {
			return st.parts[i].Topic < st.parts[j].Topic
		}
		return st.parts[i].Partition < st.parts[j].Partition
	})
	st.rackAware = true
	for _, b := range target {
		st.order = append(st.order, b.ID)
		st.allowed[b.ID] = true
		st.rack[b.ID] = b.Rack
		st.load[b.ID] = 0
		st.rackAware = st.rackAware && b.Rack != ""
	}
	sortIDs(st.order)
	for _, p := range st.parts {
		st.orig = append(st.orig, append([]int32(nil), p.Replicas...))
		st.origSet = append(st.origSet, idSet(p.Replicas))
	}
	return st
}

// rf is the replication factor partition i must end with.
func (st *planState) rf(i int) int {
	if st.wantRF > 0 {
		return st.wantRF
	}
	return len(st.orig[i])
}

// keep leaves every replica that may stay in place (on a target broker, not a duplicate), then
// trims partitions above their replication factor, dropping the replicas on the busiest brokers
// and the preferred leader last.
func (st *planState) keep() {
	st.cur = make([][]int32, len(st.parts))
	for i, reps := range st.orig {
		seen := map[int32]bool{}
		list := make([]int32, len(reps))
		for j, b := range reps {
			list[j] = free
			if st.allowed[b] && !seen[b] {
				list[j] = b
				seen[b] = true
				st.load[b]++
			}
		}
		st.cur[i] = list
	}
	for i := range st.cur {
		st.trim(i)
		for len(st.cur[i]) < st.rf(i) {
			st.cur[i] = append(st.cur[i], free)
		}
	}
}

func (st *planState) trim(i int) {
	for len(st.cur[i]) > st.rf(i) {
		drop := -1
		for j, b := range st.cur[i] {
			if b == free {
				drop = j
				break
			}
			if j > 0 && (drop < 0 || st.load[b] > st.load[st.cur[i][drop]]) {
				drop = j
			}
		}
		if drop < 0 {
			drop = 0
		}
		if b := st.cur[i][drop]; b != free {
			st.load[b]--
		}
		st.cur[i] = append(st.cur[i][:drop], st.cur[i][drop+1:]...)
	}
}

// fill puts a broker in every free slot: the least loaded one that holds no replica of the
// partition yet, on a rack the partition does not use when racks are known.
func (st *planState) fill() {
	for i, list := range st.cur {
		for j, b := range list {
			if b != free {
				continue
			}
			best := free
			for _, c := range st.order {
				if st.has(i, c) {
					continue
				}
				if best == free || st.better(i, j, c, best) {
					best = c
				}
			}
			list[j] = best
			st.load[best]++
			if !st.origSet[i][best] {
				st.newOn[best]++
			}
		}
	}
}

// better reports whether broker c is a better choice than d for slot j of partition i.
func (st *planState) better(i, j int, c, d int32) bool {
	pc, pd := st.rackPenalty(i, j, c), st.rackPenalty(i, j, d)
	if pc != pd {
		return pc < pd
	}
	if st.load[c] != st.load[d] {
		return st.load[c] < st.load[d]
	}
	return c < d
}

func (st *planState) has(i int, b int32) bool {
	for _, x := range st.cur[i] {
		if x == b {
			return true
		}
	}
	return false
}

// rackPenalty counts the other replicas of partition i (all but slot j) on b's rack.
func (st *planState) rackPenalty(i, j int, b int32) int {
	if !st.rackAware {
		return 0
	}
	n := 0
	for k, x := range st.cur[i] {
		if k != j && x != free && st.rack[x] == st.rack[b] {
			n++
		}
	}
	return n
}
