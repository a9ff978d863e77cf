package cluster

import (
	"strconv"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"
)

func quorumResponse() *kmsg.DescribeQuorumResponse {
	rs := func(id int32, leo, fetch, caught int64) kmsg.DescribeQuorumResponseTopicPartitionReplicaState {
		r := kmsg.NewDescribeQuorumResponseTopicPartitionReplicaState()
		r.ReplicaID, r.LogEndOffset, r.LastFetchTimestamp, r.LastCaughtUpTimestamp = id, leo, fetch, caught
		return r
	}
	p := kmsg.NewDescribeQuorumResponseTopicPartition()
	p.LeaderID, p.LeaderEpoch, p.HighWatermark = 2, 5, 100
	p.CurrentVoters = []kmsg.DescribeQuorumResponseTopicPartitionReplicaState{rs(3, 90, 1000, 900), rs(2, 100, 1500, 1500), rs(1, 100, 1400, 1400)}
	p.Observers = []kmsg.DescribeQuorumResponseTopicPartitionReplicaState{rs(4, 80, -1, -1)}
	p.CurrentVoters[0].ReplicaDirectoryID = [16]byte{1}
	t := kmsg.NewDescribeQuorumResponseTopic()
	t.Partitions = append(t.Partitions, p)
	resp := kmsg.NewPtrDescribeQuorumResponse()
	resp.Topics = append(resp.Topics, t)
	n := kmsg.NewDescribeQuorumResponseNode()
	n.NodeID = 3
	l := kmsg.NewDescribeQuorumResponseNodeListener()
	l.Name, l.Host, l.Port = "CONTROLLER", "c3", 9093
	n.Listeners = append(n.Listeners, l)
	resp.Nodes = append(resp.Nodes, n)
	return resp
}

func TestQuorumDescriptionView(t *testing.T) {
	q, err := QuorumView(quorumResponse(), 1)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range q.Replicas {
		got = append(got, strings.Join([]string{itoa(r.NodeID), r.Role, r.DirectoryID, strings.Join(r.Endpoints, ","), itoa(int32(r.Lag))}, " "))
	}
	want := []string{"2 leader   0", "1 voter   0", "3 voter AQAAAAAAAAAAAAAAAAAAAA CONTROLLER://c3:9093 10", "4 observer   20"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q", got)
	}
	if q.MaxFollowerLag != 10 || q.MaxFollowerLagTimeMs != 600 || !q.Dynamic || q.LeaderEpoch != 5 {
		t.Errorf("%+v", q)
	}
}

func itoa(n int32) string { return strconv.Itoa(int(n)) }

func TestPlanVoterChange(t *testing.T) {
	static, _ := QuorumView(quorumResponse(), 0)
	dynamic, _ := QuorumView(quorumResponse(), 1)
	ep, _ := ParseEndpoint("CONTROLLER://c5:9093")
	for _, c := range []struct {
		opts voterOptions
		q    QuorumDescription
		want string
	}{
		{voterOptions{ID: 3}, static, "this cluster's metadata quorum is static"},
		{voterOptions{ID: 3}, dynamic, "would remove controller 3 with directory id AQAAAAAAAAAAAAAAAAAAAA"},
		{voterOptions{ID: 1}, dynamic, "DescribeQuorum reports no directory id for controller 1: pass --directory-id"},
		{voterOptions{ID: 4}, dynamic, "controller 4 is not a voter"},
		{voterOptions{ID: 1, Add: true}, dynamic, "controller 1 is already a voter"},
		{voterOptions{ID: 5, Add: true, Endpoints: append(ep0(), ep)}, dynamic, "would add controller 5 with directory id AAAAAAAAAAAAAAAAAAAAAA and endpoints CONTROLLER://c5:9093"},
	} {
		o := c.opts
		what, err := planVoterChange(&o, c.q)
		got := "would " + what
		if err != nil {
			got = err.Error()
		}
		if !strings.HasPrefix(got, c.want) {
			t.Errorf("%+v: %q, want %q", c.opts, got, c.want)
		}
	}
	two := dynamic
	two.Replicas = two.Replicas[:2]
	if _, err := planVoterChange(&voterOptions{ID: 1, HasDirID: true}, two); err == nil || !strings.Contains(err.Error(), "without a fault-tolerant majority") {
		t.Errorf("two voters: %v", err)
	}
}

func ep0() []kmsg.AddRaftVoterRequestListener { return nil }

func TestParseEndpointAndDirectoryID(t *testing.T) {
	for in, want := range map[string]string{"CONTROLLER://h:9093": "CONTROLLER h 9093", "C://[::1]:1": "C ::1 1"} {
		l, err := ParseEndpoint(in)
		if err != nil || l.Name+" "+l.Host+" "+itoa(int32(l.Port)) != want {
			t.Errorf("%q: %+v %v", in, l, err)
		}
	}
	for _, in := range []string{"h:9093", "://h:1", "C://h", "C://h:0", "C://h:70000", "C://:1"} {
		if _, err := ParseEndpoint(in); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
	if _, err := ParseDirectoryID("AQAAAAAAAAAAAAAAAAAAAA"); err != nil {
		t.Error(err)
	}
	if _, err := ParseDirectoryID("short"); err == nil {
		t.Error("short id accepted")
	}
}

func TestPlanFeatureUpdate(t *testing.T) {
	set := FeatureSet{Features: []FeatureLevels{
		{Name: "group.version", SupportedMin: 0, SupportedMax: 1, Finalized: 1},
		{Name: "metadata.version", SupportedMin: 7, SupportedMax: 27, Finalized: 26},
		{Name: "transaction.version", SupportedMin: 0, SupportedMax: 2, Finalized: 2},
	}}
	plan, err := planFeatureUpdate(&featureUpdateOptions{Op: "upgrade", Levels: map[string]int16{"metadata.version": 27, "group.version": 1}}, set)
	if err != nil || len(plan) != 2 || plan[0].Result != "not_needed" || plan[1].Result != "would_upgrade" {
		t.Fatalf("%+v %v", plan, err)
	}
	_, err = planFeatureUpdate(&featureUpdateOptions{Op: "upgrade", Levels: map[string]int16{"metadata.version": 28, "transaction.version": 1, "x.version": 1}}, set)
	want := `nothing was changed:
  metadata.version=28 (4.2-IV0): every broker must support the level, and they support 7 (3.3-IV3) to 27 (4.1-IV1)
  the brokers do not know feature "x.version" (known: group.version, metadata.version, transaction.version)
  transaction.version is at 2: 1 is lower, use "kafkit cluster features downgrade"`
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

func TestParseFeatureUpdate(t *testing.T) {
	o := &featureUpdateOptions{Op: "upgrade"}
	if err := parseFeatureUpdate(o, nil, "", "4.0"); err != nil || o.Levels["metadata.version"] != 25 || o.Levels["transaction.version"] != 2 || len(o.Levels) != 4 {
		t.Errorf("--release-version 4.0: %v %v", o.Levels, err)
	}
	for _, c := range []struct {
		specs             []string
		metadata, release string
	}{
		{nil, "", ""}, {[]string{"a=1"}, "", "4.0"}, {[]string{"a"}, "", ""}, {[]string{"a=1", "a=2"}, "", ""}, {nil, "9.9", ""},
	} {
		if err := parseFeatureUpdate(&featureUpdateOptions{Op: "upgrade"}, c.specs, c.metadata, c.release); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
}
