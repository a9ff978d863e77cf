package cluster

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
)

func healthySnapshot() *snapshot {
	rep := []int32{1, 2, 3}
	parts := func(n int) []snapPartition {
		var ps []snapPartition
		for i := 0; i < n; i++ {
			ps = append(ps, snapPartition{ID: int32(i), Leader: int32(i%3 + 1), Replicas: rep, ISR: rep})
		}
		return ps
	}
	return &snapshot{
		Protocol:   "PLAINTEXT",
		Brokers:    []snapBroker{{ID: 1, Host: "k0", Port: 9092}, {ID: 2, Host: "k1", Port: 9092}, {ID: 3, Host: "k2", Port: 9092}},
		Registered: []snapBroker{{ID: 1}, {ID: 2}, {ID: 3}},
		Quorum: &Quorum{LeaderID: 1, LeaderEpoch: 4, HighWatermark: 100, Replicas: []QuorumReplica{
			{NodeID: 1, Role: "leader", LogEndOffset: 100}, {NodeID: 2, Role: "voter", LogEndOffset: 100, LastCaughtUpAgo: "20ms"},
			{NodeID: 3, Role: "voter", LogEndOffset: 99, Lag: 1, LastCaughtUpAgo: "300ms"}}},
		Topics: []snapTopic{
			{Name: "__consumer_offsets", Internal: true, MinISR: 2, Partitions: parts(3)},
			{Name: "orders", MinISR: 2, Partitions: parts(6)},
		},
		Dirs:      []snapDir{{Broker: 1, Dir: "/d1", Total: 100, Usable: 50}, {Broker: 2, Dir: "/d2", Total: 100, Usable: 50}, {Broker: 3, Dir: "/d3", Total: -1, Usable: -1}},
		DirErrs:   map[int32]error{},
		Listeners: []snapListener{{Broker: 1, Addr: "k0:9092"}, {Broker: 2, Addr: "k1:9092"}, {Broker: 3, Addr: "k2:9092"}},
		Probe:     &snapProbe{Topic: "probe", Partition: 0, Offset: 7, RoundTrip: 12 * time.Millisecond},
	}
}

var allChecks = func() map[string]bool {
	m := map[string]bool{}
	for _, id := range checkIDs {
		m[id] = true
	}
	return m
}()

var defaultLimits = checkLimits{MaxVoterLag: 1000, DiskWarn: 80, ProbeTopic: "probe"}

func TestEvaluateHealthy(t *testing.T) {
	fs := evaluate(healthySnapshot(), allChecks, defaultLimits)
	want := map[string]string{
		checkBrokers:    "3 of 3 expected brokers registered and unfenced",
		checkQuorum:     "leader 1, epoch 4, 3 voters within 1000 records",
		checkPartitions: "9 partitions in 2 topics: none offline, under-replicated or under min.insync.replicas",
		checkRF:         "2 topics can lose a broker and keep accepting acks=all writes (RF >= min.insync.replicas + 1)",
		checkInternal:   "__consumer_offsets at replication factor >= 3",
		checkListeners:  "3 advertised listeners resolve and answer PLAINTEXT from here",
		checkDisks:      "3 log dirs online, all under 80% full (1 do not report their size: broker 3 /d3)",
		checkProbe:      "wrote a record to probe/0 at offset 7 with acks=all and read it back in 12ms",
	}
	if len(fs) != len(checkIDs) {
		t.Fatalf("%d findings, want %d", len(fs), len(checkIDs))
	}
	for i, f := range fs {
		if f.ID != checkIDs[i] || f.Status != statusOK || f.Summary != want[f.ID] || len(f.Items) != 0 {
			t.Errorf("%s: %s %q %v, want ok %q", f.ID, f.Status, f.Summary, f.Items, want[f.ID])
		}
	}
}

// TestEvaluateFailures provokes each failing case on an otherwise healthy snapshot.
func TestEvaluateFailures(t *testing.T) {
	cases := []struct {
		name   string
		check  string
		status string
		lim    func(*checkLimits)
		mutate func(*snapshot)
		want   []string // in the summary, items and fix
	}{
		{"broker stopped", checkBrokers, statusFailed, nil, func(s *snapshot) {
			s.Registered = []snapBroker{{ID: 1}, {ID: 3}}
		}, []string{"2 of 3 expected", "broker 2 (a voter) is not registered and unfenced", "start the missing brokers"}},
		{"broker fenced", checkBrokers, statusFailed, nil, func(s *snapshot) {
			s.Registered[1].Fenced = true
		}, []string{"2 of 3", "broker 2 is registered but fenced"}},
		{"expect more brokers", checkBrokers, statusFailed, func(l *checkLimits) { l.ExpectBrokers = 5 }, nil, []string{"3 of 5 expected"}},
		{"no DescribeCluster: metadata", checkBrokers, statusFailed, nil, func(s *snapshot) {
			s.Registered, s.RegErr = nil, errors.New("old")
			s.Brokers = s.Brokers[:2]
		}, []string{"2 of 3", "broker 3 (a voter)"}},
		{"no quorum leader", checkQuorum, statusFailed, nil, func(s *snapshot) { s.Quorum.LeaderID = -1 }, []string{"has no leader", "majority"}},
		{"voter lag", checkQuorum, statusFailed, func(l *checkLimits) { l.MaxVoterLag = 0 }, nil, []string{"1 of 3 voters lagging", "voter 3 is 1 records behind the leader (bound 0)"}},
		{"stale voter", checkQuorum, statusFailed, nil, func(s *snapshot) { s.Quorum.Replicas[2].LastCaughtUpAgo = "42s" }, []string{"voter 3 last caught up 42s ago"}},
		{"quorum unknown", checkQuorum, statusError, nil, func(s *snapshot) { s.Quorum, s.QuorumErr = nil, errors.New("not KRaft") }, []string{"could not describe the metadata quorum: not KRaft"}},
		{"under-replicated", checkPartitions, statusFailed, nil, func(s *snapshot) {
			for i := range s.Topics[1].Partitions {
				s.Topics[1].Partitions[i].ISR = []int32{1, 3}
			}
		}, []string{"0 offline, 6 under-replicated, 0 under min.insync.replicas, 6 at min.insync.replicas (of 9 partitions)", "orders: 0 offline, 6 under-replicated, 0 under min ISR of 6 partitions", "acks=all producers still work"}},
		{"offline and under min ISR", checkPartitions, statusFailed, nil, func(s *snapshot) {
			s.Topics[1].Partitions[0] = snapPartition{Leader: -1, Replicas: []int32{1, 2, 3}, Offline: true}
			s.Topics[0].Partitions[0].ISR = []int32{1}
		}, []string{"1 offline, 1 under-replicated, 2 under min.insync.replicas", "__consumer_offsets: 0 offline, 1 under-replicated, 1 under min ISR of 3", "orders: 1 offline", "lost every in-sync replica"}},
		{"RF 1 on min.insync 2", checkRF, statusFailed, nil, func(s *snapshot) {
			s.Topics = append(s.Topics, snapTopic{Name: "health-rf1", MinISR: 2, Partitions: []snapPartition{{Leader: 1, Replicas: []int32{1}, ISR: []int32{1}}}})
		}, []string{"1 of 3 topics stop accepting acks=all writes", "health-rf1: replication factor 1, min.insync.replicas 2", "min.insync.replicas=N"}},
		{"RF equals min ISR", checkRF, statusFailed, nil, func(s *snapshot) { s.Topics[1].MinISR = 3 }, []string{"orders: replication factor 3, min.insync.replicas 3"}},
		{"configs unknown", checkRF, statusError, nil, func(s *snapshot) { s.ConfigErr = errors.New("denied") }, []string{"could not describe the topics' min.insync.replicas: denied"}},
		{"internal RF 1", checkInternal, statusFailed, nil, func(s *snapshot) {
			for i := range s.Topics[0].Partitions {
				s.Topics[0].Partitions[i].Replicas = []int32{2}
			}
		}, []string{"1 internal topics below replication factor 3", "__consumer_offsets: replication factor 1 on a 3-broker cluster", "offsets.topic.replication.factor"}},
		{"advertised host does not resolve", checkListeners, statusFailed, nil, func(s *snapshot) {
			s.Listeners[1] = snapListener{Broker: 2, Addr: "bogus.invalid:9092", ResolveErr: errors.New("lookup bogus.invalid: no such host")}
		}, []string{"1 of 3 advertised listeners do not work from here with PLAINTEXT", "broker 2 advertises bogus.invalid:9092: the name does not resolve from here (lookup bogus.invalid: no such host)", "kubectl exec"}},
		{"chart: PLAINTEXT client, SASL listener", checkListeners, statusFailed, nil, func(s *snapshot) {
			s.Listeners[0] = snapListener{Broker: 1, Addr: "k0:9092", ConnErr: errors.New("EOF"), Cause: "the broker closed the connection: this listener requires SASL authentication"}
		}, []string{"broker 1 advertises k0:9092: this client speaks PLAINTEXT and the listener wants SASL", "SASL_PLAINTEXT by default", "listeners.client.protocol=PLAINTEXT"}},
		{"SASL client, PLAINTEXT listener", checkListeners, statusFailed, nil, func(s *snapshot) {
			s.Protocol = "SASL_PLAINTEXT"
			s.Listeners[2] = snapListener{Broker: 3, Addr: "k2:9092", ConnErr: errors.New("x"), Cause: "this listener does not expect SASL"}
		}, []string{"this client speaks SASL_PLAINTEXT and the listener is not a SASL listener", "drop the --sasl-* settings"}},
		{"listener refused", checkListeners, statusFailed, nil, func(s *snapshot) {
			s.Listeners[2] = snapListener{Broker: 3, Addr: "k2:9092", ConnErr: errors.New("x"), Cause: "connection refused", Hint: "nothing listens there"}
		}, []string{"broker 3 advertises k2:9092: connection refused with PLAINTEXT", "nothing listens there"}},
		{"disk threshold 0%", checkDisks, statusFailed, func(l *checkLimits) { l.DiskWarn = 0 }, nil, []string{"2 of 3 log dirs offline or over 0% full", "broker 1 log dir /d1 is 50.0% full (50B free of 100B; --disk-warn 0%)", "persistence.size"}},
		{"offline log dir", checkDisks, statusFailed, nil, func(s *snapshot) { s.Dirs[0].Err = kerr.KafkaStorageError }, []string{"broker 1 log dir /d1 is offline (KAFKA_STORAGE_ERROR"}},
		{"log dirs not described", checkDisks, statusError, nil, func(s *snapshot) { s.DirErrs[2] = errors.New("timeout") }, []string{"could not describe the log dirs of 1 brokers", "broker 2: could not describe its log dirs: timeout"}},
		{"probe failed", checkProbe, statusFailed, nil, func(s *snapshot) { s.Probe.Err = kerr.NotEnoughReplicas }, []string{"could not write and read back a record on probe: NOT_ENOUGH_REPLICAS", "kafkit topic create probe"}},
		{"probe not asked", checkProbe, statusSkipped, func(l *checkLimits) { l.ProbeTopic = "" }, nil, []string{"no --probe-topic given"}},
		{"metadata failed", checkPartitions, statusError, nil, func(s *snapshot) { s.MetaErr = errors.New("timed out") }, []string{"could not read the metadata: timed out"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, lim := healthySnapshot(), defaultLimits
			if c.mutate != nil {
				c.mutate(s)
			}
			if c.lim != nil {
				c.lim(&lim)
			}
			fs := evaluate(s, map[string]bool{c.check: true}, lim)
			if len(fs) != 1 {
				t.Fatalf("%d findings", len(fs))
			}
			f := fs[0]
			all := f.Summary + "\n" + strings.Join(f.Items, "\n") + "\n" + f.Fix
			if f.Status != c.status {
				t.Errorf("status %s, want %s\n%s", f.Status, c.status, all)
			}
			for _, w := range c.want {
				if !strings.Contains(all, w) {
					t.Errorf("missing %q in\n%s", w, all)
				}
			}
		})
	}
}

func TestSelectChecksAndPercent(t *testing.T) {
	w, err := selectChecks([]string{"brokers", "disks"}, []string{"disks"})
	if err != nil || !w["brokers"] || w["disks"] || w["quorum"] {
		t.Errorf("only/skip: %v %v", w, err)
	}
	if w, _ := selectChecks(nil, []string{"probe"}); !w["listeners"] || w["probe"] {
		t.Errorf("skip: %v", w)
	}
	if _, err := selectChecks([]string{"disk"}, nil); err == nil || !strings.Contains(err.Error(), `unknown check "disk": the checks are brokers, quorum`) {
		t.Errorf("unknown id: %v", err)
	}
	for in, want := range map[string]float64{"80%": 80, "0%": 0, "12.5": 12.5, " 100% ": 100} {
		if got, err := parsePercent(in); err != nil || got != want {
			t.Errorf("%q: %v %v", in, got, err)
		}
	}
	for _, in := range []string{"", "x%", "101%", "-1"} {
		if _, err := parsePercent(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

func FuzzParsePercent(f *testing.F) {
	for _, s := range []string{"80%", "0", "12.5%", "x", "1e2", "-0%", "NaN"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parsePercent(s)
		if err == nil && !(v >= 0 && v <= 100) {
			t.Errorf("%q -> %v accepted", s, v)
		}
	})
}
