package consume

import (
	"context"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/testkit"
)

// leaderDown makes ListOffsets answer LEADER_NOT_AVAILABLE for partition 1 of t, times times
// (forever when times < 0), and answers the other partitions from counts (start 0, end =
// the count), as kfake would.
func leaderDown(c *kfake.Cluster, counts map[int32]int64, times int32) *atomic.Int32 {
	var n atomic.Int32
	c.ControlKey(int16(kmsg.ListOffsets), func(kreq kmsg.Request) (kmsg.Response, error, bool) {
		if times >= 0 && n.Load() >= times {
			return nil, nil, false
		}
		c.KeepControl()
		n.Add(1)
		req := kreq.(*kmsg.ListOffsetsRequest)
		resp := req.ResponseKind().(*kmsg.ListOffsetsResponse)
		for _, rt := range req.Topics {
			st := kmsg.NewListOffsetsResponseTopic()
			st.Topic = rt.Topic
			for _, rp := range rt.Partitions {
				sp := kmsg.NewListOffsetsResponseTopicPartition()
				sp.Partition = rp.Partition
				sp.LeaderEpoch = -1
				switch {
				case rp.Partition == 1:
					sp.ErrorCode = kerr.LeaderNotAvailable.Code
				case rp.Timestamp == -2:
					sp.Offset = 0
				default:
					sp.Offset = counts[rp.Partition]
				}
				st.Partitions = append(st.Partitions, sp)
			}
			resp.Topics = append(resp.Topics, st)
		}
		return resp, nil, true
	})
	return &n
}

// TestLeaderNotAvailableRetried is issue 17 #12: a partition without a leader for a moment is
// retried within --timeout, and everything is read. The old code failed at once ("request
// ListOffsets has 1 separate shard errors").
func TestLeaderNotAvailableRetried(t *testing.T) {
	c := testkit.Cluster(t, kfake.SeedTopics(3, "t"))
	counts := map[int32]int64{0: 2, 1: 2, 2: 2}
	fill(t, producer(t, c), "t", map[int32]int{0: 2, 1: 2, 2: 2})
	n := leaderDown(c, counts, 3)
	env := testkit.Factory(t, c)
	if err := consume(context.Background(), env, "t", "-o", "start", "-e"); err != nil {
		t.Fatalf("err %v after %d injected errors", err, n.Load())
	}
	want := []string{"p0-0", "p0-1", "p1-0", "p1-1", "p2-0", "p2-1"}
	if got := sortedLines(env.Out.String()); !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestLeaderDownPrintsTheRest: a partition that stays without a leader for --timeout is named
// (exit 1) after the healthy partitions were printed; in a group with -e as well.
func TestLeaderDownPrintsTheRest(t *testing.T) {
	c := testkit.Cluster(t, kfake.SeedTopics(3, "t"))
	counts := map[int32]int64{0: 2, 1: 2, 2: 2}
	fill(t, producer(t, c), "t", map[int32]int{0: 2, 1: 2, 2: 2})
	leaderDown(c, counts, -1)
	s := testkit.Settings(c.ListenAddrs())
	s.Timeout = 2 * time.Second
	for _, extra := range [][]string{nil, {"-g", "g"}} {
		env := testkit.FactoryFor(t, s)
		start := time.Now()
		err := consume(context.Background(), env, append([]string{"t", "-o", "start", "-e", "-f", `%p:%o\n`}, extra...)...)
		want := "could not read partition t/1 (LEADER_NOT_AVAILABLE"
		if err == nil || !strings.Contains(err.Error(), want) || cmdutil.ExitCode(err) != 1 {
			t.Fatalf("%v: err %v, want %q", extra, err, want)
		}
		if got := sortedLines(env.Out.String()); !slices.Equal(got, []string{"0:0", "0:1", "2:0", "2:1"}) {
			t.Errorf("%v: printed %v, want partitions 0 and 2", extra, got)
		}
		if el := time.Since(start); el > 6*time.Second {
			t.Errorf("%v: took %s with --timeout 2s", extra, el)
		}
	}
}

// TestCoordinatorNotAvailableRetried is issue 17 #2: on a fresh cluster the first group
// request meets COORDINATOR_NOT_AVAILABLE while __consumer_offsets is created. consume -g
// --from-beginning -e retries it within --timeout (OffsetFetch, join, commit) and works.
func TestCoordinatorNotAvailableRetried(t *testing.T) {
	// With -e the OffsetFetch before reading meets the errors; with -n the group join does.
	coordinatorNotAvailable(t, 12, []string{"t", "-g", "g", "--from-beginning", "-e"})
	coordinatorNotAvailable(t, 4, []string{"t", "-g", "g2", "--from-beginning", "-n", "3"})
}

func coordinatorNotAvailable(t *testing.T, times int32, args []string) {
	c := testkit.Cluster(t, kfake.SeedTopics(1, "t"))
	fill(t, producer(t, c), "t", map[int32]int{0: 3})
	var n atomic.Int32
	c.ControlKey(int16(kmsg.FindCoordinator), func(kreq kmsg.Request) (kmsg.Response, error, bool) {
		if n.Load() >= times {
			return nil, nil, false
		}
		c.KeepControl()
		n.Add(1)
		req := kreq.(*kmsg.FindCoordinatorRequest)
		resp := req.ResponseKind().(*kmsg.FindCoordinatorResponse)
		resp.ErrorCode = kerr.CoordinatorNotAvailable.Code
		for _, k := range req.CoordinatorKeys {
			rc := kmsg.NewFindCoordinatorResponseCoordinator()
			rc.Key = k
			rc.NodeID = -1
			rc.ErrorCode = kerr.CoordinatorNotAvailable.Code
			resp.Coordinators = append(resp.Coordinators, rc)
		}
		return resp, nil, true
	})
	env := testkit.Factory(t, c)
	if err := consume(context.Background(), env, args...); err != nil {
		t.Fatalf("%v: err %v after %d injected COORDINATOR_NOT_AVAILABLE", args, err, n.Load())
	}
	if got := env.Out.String(); got != "p0-0\np0-1\np0-2\n" {
		t.Errorf("stdout %q", got)
	}
	if got := committed(t, env, args[2]); got[0] != 3 {
		t.Errorf("committed %v, want 3", got)
	}
	if n.Load() < times {
		t.Errorf("only %d FindCoordinator requests were answered with the error", n.Load())
	}
}
