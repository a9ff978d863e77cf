package partition

import (
	"reflect"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
)

func TestThrottlesFor(t *testing.T) {
	moves := []Move{
		newMove("t", 0, []int32{1, 2}, []int32{3, 1}),
		newMove("t", 1, []int32{2, 3}, []int32{2, 3}),
		newMove("a", 2, []int32{1}, []int32{4}),
	}
	got := ThrottlesFor(moves, 1000)
	want := Throttles{
		Brokers: []BrokerThrottle{{1, "1000", "1000"}, {2, "1000", "1000"}, {3, "1000", "1000"}, {4, "1000", "1000"}},
		Topics:  []TopicThrottle{{Topic: "a", Leader: "2:1", Follower: "2:4"}, {Topic: "t", Leader: "0:1,0:2,1:2,1:3", Follower: "0:3"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	if d := got.Describe(); d != "brokers 1,2,3,4 and topics a, t" {
		t.Fatalf("describe: %s", d)
	}
}

func TestParseRate(t *testing.T) {
	for in, want := range map[string]int64{"1048576": 1048576, "50MB": 50e6, "50MiB": 50 << 20, "10mb/s": 10e6, "1GiB": 1 << 30, "500KB": 500e3, "7B": 7} {
		if got, err := ParseRate(in); err != nil || got != want {
			t.Errorf("%q: %d %v, want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-5", "MB", "5XB", "1.5MB", "99999999999GiB"} {
		if _, err := ParseRate(in); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

// FuzzParseRate: a parsed rate is always positive.
func FuzzParseRate(f *testing.F) {
	f.Add("50MiB")
	f.Fuzz(func(t *testing.T, in string) {
		if n, err := ParseRate(in); err == nil && n <= 0 {
			t.Fatalf("%q -> %d", in, n)
		}
	})
}

func TestBytesLeftAndSettle(t *testing.T) {
	dirs := kadm.DescribedAllLogDirs{
		1: {"/d": {Broker: 1, Dir: "/d", Topics: kadm.DescribedLogDirTopics{"t": {0: {Broker: 1, Topic: "t", Partition: 0, Size: 1000}}}}},
		3: {"/d": {Broker: 3, Dir: "/d", Topics: kadm.DescribedLogDirTopics{"t": {0: {Broker: 3, Topic: "t", Partition: 0, Size: 400}}}}},
	}
	m := newMove("t", 0, []int32{1, 2}, []int32{3, 4})
	if got := BytesLeft(dirs, m); got != 600+1000 {
		t.Fatalf("bytes left %d, want 1600", got)
	}
	rs := []MoveResult{{Move: m, Result: ResStarted}, {Move: newMove("t", 1, []int32{1}, []int32{2}), Result: ResStarted}, {Move: newMove("t", 2, []int32{1}, []int32{2}), Result: ResStarted}}
	running := kadm.ListPartitionReassignmentsResponses{"t": {0: {Topic: "t", Partition: 0}}}
	st := State{Topics: map[string][]Assignment{"t": {{"t", 0, []int32{1, 2, 3, 4}}, {"t", 1, []int32{2}}, {"t", 2, []int32{1}}}}}
	grace := map[int]int{2: graceChecks}
	pending := markEnded(rs, []int{0, 1, 2}, running, st, grace)
	if !reflect.DeepEqual(pending, []int{0}) || rs[1].Result != ResCompleted || rs[2].Result != ResFailed {
		t.Fatalf("pending %v, results %+v", pending, rs)
	}
	if HumanBytes(512) != "512 B" || HumanBytes(1536) != "1.5 KiB" || HumanBytes(12<<20) != "12.0 MiB" {
		t.Fatal(HumanBytes(512), HumanBytes(1536), HumanBytes(12<<20))
	}
}

func TestSplitWaves(t *testing.T) {
	if got := splitWaves(5, 2); !reflect.DeepEqual(got, [][]int{{0, 1}, {2, 3}, {4}}) {
		t.Fatal(got)
	}
	if got := splitWaves(3, 0); !reflect.DeepEqual(got, [][]int{{0, 1, 2}}) {
		t.Fatal(got)
	}
}

func TestReportExecution(t *testing.T) {
	th := ThrottlesFor([]Move{newMove("t", 0, []int32{1}, []int32{2})}, 10)
	for _, c := range []struct {
		ex   Execution
		err  error
		wait bool
		want string
		code bool
	}{
		{Execution{Throttles: th, ThrottlesLeft: true, Results: []MoveResult{{Result: ResInProgress}}}, ErrInterrupted, true,
			"interrupted: the reassignment goes on in the cluster, and the throttles stay set on brokers 1,2 and topics t.\nWatch it with \"kafkit partition reassign status\"; once it has ended remove the throttles with \"kafkit partition reassign status --clear-throttles\" (or stop it with \"kafkit partition reassign cancel --all\").\n", true},
		{Execution{Throttles: th, ThrottlesLeft: true, Results: []MoveResult{{Result: ResStarted}}}, nil, false,
			"the throttles stay set on brokers 1,2 and topics t until the reassignment ends: then remove them with \"kafkit partition reassign status --clear-throttles\" (or run execute with --wait)\nreassignment started: \"kafkit partition reassign status\" shows its progress\n", false},
		{Execution{Throttles: th, Results: []MoveResult{{Result: ResCompleted}}}, nil, true, "throttles removed from brokers 1,2 and topics t\n", false},
		{Execution{Results: []MoveResult{{Move: Move{Topic: "t", Partition: 3}, Result: ResFailed, Error: "NOT_CONTROLLER"}}}, nil, true, "error: t-3: NOT_CONTROLLER\n", true},
	} {
		var b strings.Builder
		err := reportExecution(&b, &c.ex, c.err, c.wait)
		if b.String() != c.want || (err != nil) != c.code {
			t.Errorf("got %q (%v), want %q", b.String(), err, c.want)
		}
	}
}
