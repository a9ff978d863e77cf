package group

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
)

// Pure planners and views of the change engine and the lag view: exact rows, no cluster.

func TestPlanDelete(t *testing.T) {
	groups := []*groupInfo{
		{Name: "empty", State: "Empty"},
		{Name: "busy", State: "Stable", Members: []memberInfo{{MemberID: "m1"}, {MemberID: "m2"}}},
	}
	refused, toDelete := planDelete([]string{"busy", "empty", "gone", "empty"}, groups)
	wantRefused := []DeleteResult{
		{Group: "busy", Error: "refused: the group is Stable with 2 active members; stop its consumers first"},
		{Group: "gone", Error: "group not found"},
	}
	if !reflect.DeepEqual(refused, wantRefused) || !reflect.DeepEqual(toDelete, []string{"empty"}) {
		t.Errorf("refused %+v, to delete %v", refused, toDelete)
	}
}

func TestPlanDeleteOffsets(t *testing.T) {
	commits := commitsOf(map[string]map[int32]int64{"a": {0: 5, 1: -1, 2: 7}})
	refused, set := planDeleteOffsets([]topicSel{{Topic: "a"}, {Topic: "b", Partitions: []int32{3}}, {Topic: "c"}}, commits)
	if want := []DeleteOffsetResult{{Topic: "c", Partition: -1, Error: "the group has no committed offsets for this topic"}}; !reflect.DeepEqual(refused, want) {
		t.Errorf("refused %+v", refused)
	}
	if got := fmt.Sprint(set.Sorted()); got != "[{a [0 2]} {b [3]}]" {
		t.Errorf("set %v", got)
	}
	// A dry run predicts the broker's refusal of a topic a member is assigned.
	g := &groupInfo{Name: "g", State: "Stable", Members: []memberInfo{{Assigned: map[string][]int32{"a": {0}}}}}
	rows := dryRunOffsets(set, g)
	b, _ := json.Marshal(rows)
	want := `[{"topic":"a","partition":0,"deleted":false,"error":"refused: active members of the group (1, state Stable) are subscribed to this topic; stop them first"},` +
		`{"topic":"a","partition":2,"deleted":false,"error":"refused: active members of the group (1, state Stable) are subscribed to this topic; stop them first"},` +
		`{"topic":"b","partition":3,"deleted":false,"dry_run":true}]`
	if string(b) != want {
		t.Errorf("got\n%s\nwant\n%s", b, want)
	}
}

func TestSeekTargets(t *testing.T) {
	exist := map[string][]int32{"a": {0, 1, 2}}
	parts, bad := fileTargets(map[tp]int64{{"a", 1}: 5, {"a", 5}: 1, {"x", 0}: 2}, map[tp]int{{"a", 1}: 1, {"a", 5}: 2, {"x", 0}: 3}, exist)
	sortTPs(parts)
	b, _ := json.Marshal(sortedRows(bad))
	if !reflect.DeepEqual(parts, []tp{{"a", 1}}) ||
		string(b) != `[{"topic":"a","partition":5,"current_offset":null,"new_offset":null,"delta":null,"error":"--to-file line 2: partition 5 does not exist (topic \"a\" has 3 partitions)"},{"topic":"x","partition":0,"current_offset":null,"new_offset":null,"delta":null,"error":"--to-file line 3: topic \"x\" does not exist"}]` {
		t.Errorf("file: %v %s", parts, b)
	}
	parts, bad, missing := topicTargets([]topicSel{{Topic: "a"}, {Topic: "a", Partitions: []int32{7}}, {Topic: "x"}}, exist)
	if !reflect.DeepEqual(parts, []tp{{"a", 0}, {"a", 1}, {"a", 2}}) || len(bad) != 1 || bad[0].Partition != 7 || !reflect.DeepEqual(missing, []string{"x"}) {
		t.Errorf("topics: %v %+v %v", parts, bad, missing)
	}
	parts, bad = commitTargets(commitsOf(map[string]map[int32]int64{"a": {0: 3, 1: -1}, "x": {0: 9}}), exist)
	if !reflect.DeepEqual(parts, []tp{{"a", 0}}) || len(bad) != 1 || bad[0].Error != `topic "x" does not exist` || *bad[0].Current != 9 {
		t.Errorf("commits: %v %+v", parts, bad)
	}
}

func sortedRows(rows []SeekRow) []SeekRow {
	keys := make([]tp, len(rows))
	by := map[tp]SeekRow{}
	for i, r := range rows {
		keys[i] = tp{r.Topic, r.Partition}
		by[keys[i]] = r
	}
	sortTPs(keys)
	out := make([]SeekRow, len(keys))
	for i, k := range keys {
		out[i] = by[k]
	}
	return out
}

// lagView: one row per group and topic, uncommitted partitions counted.
func TestLagViewRows(t *testing.T) {
	snap := &snapshot{Groups: []*groupInfo{
		{Name: "a", Type: "classic", State: "Empty"},
		{Name: "b", Type: "classic", State: "Empty", CommitErr: errGone},
		{Name: "c", Type: "consumer", State: "Empty"},
	}}
	per := map[string][]PartitionLag{"a": {
		{Topic: "t", Partition: 0, CurrentOffset: ptr[int64](3), LogEndOffset: ptr[int64](10), Lag: ptr[int64](7)},
		{Topic: "t", Partition: 1, LogStartOffset: ptr[int64](0), LogEndOffset: ptr[int64](4), Lag: ptr[int64](4), Note: "no commit"},
		{Topic: "u", Partition: 0, CurrentOffset: ptr[int64](1), LogEndOffset: ptr[int64](1), Lag: ptr[int64](0)},
	}}
	rows := lagView(snap, per, false, false)
	b, _ := json.Marshal(rows)
	want := `[{"group":"a","topic":"t","type":"classic","state":"Empty","members":0,"partitions":2,"lagging":2,"partitions_with_unknown_lag":0,"uncommitted_partitions":1,"total_lag":11,"max_lag":7,"max_lag_partition":0,"time_lag_ms":null},` +
		`{"group":"a","topic":"u","type":"classic","state":"Empty","members":0,"partitions":1,"lagging":0,"partitions_with_unknown_lag":0,"uncommitted_partitions":0,"total_lag":0,"max_lag":0,"max_lag_partition":null,"time_lag_ms":null},` +
		`{"group":"b","topic":"","type":"classic","state":"Empty","members":0,"partitions":0,"lagging":0,"partitions_with_unknown_lag":0,"uncommitted_partitions":0,"total_lag":0,"max_lag":0,"max_lag_partition":null,"time_lag_ms":null,"error":"committed offsets: group not found"},` +
		`{"group":"c","topic":"","type":"consumer","state":"Empty","members":0,"partitions":0,"lagging":0,"partitions_with_unknown_lag":0,"uncommitted_partitions":0,"total_lag":0,"max_lag":0,"max_lag_partition":null,"time_lag_ms":null}]`
	if string(b) != want {
		t.Errorf("got\n%s\nwant\n%s", b, want)
	}
	if got := checkThresholds(rows, 10, 0); len(got) != 1 || got[0] != `lag check failed: group "a" total lag 11 > 10 (--fail-above)` {
		t.Errorf("thresholds %v", got)
	}
	if rows[0].timeUnknown != 2 || !rows[0].sums || rows[0].committedSum != 3 {
		t.Errorf("internal sums %+v", rows[0])
	}
	// The positions whose time lag is read: the commit, or the log start without one.
	pos := timePositions(per)
	if !reflect.DeepEqual(sortedTPOs(pos), []tpo{{"t", 0, 3}, {"t", 1, 0}}) {
		t.Errorf("positions %v", pos)
	}
}

func sortedTPOs(s []tpo) []tpo {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && (s[j].Topic < s[j-1].Topic || s[j].Topic == s[j-1].Topic && s[j].Partition < s[j-1].Partition); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s
}
