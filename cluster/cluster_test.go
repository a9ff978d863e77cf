package cluster

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/testkit"
)

func TestInfoRunOnKfake(t *testing.T) {
	c := testkit.Cluster(t, kfake.Ports(0, 0, 0))
	env := testkit.Factory(t, c)
	opts := &infoOptions{IO: env.F.IO, Admin: env.F.Admin, Context: env.F.Context, Printer: output.Printer{Format: output.Table}, Now: time.Now}
	if err := infoRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	got := env.Out.String()
	addrs := c.ListenAddrs()
	want := "Cluster ID:         kfake\n" +
		"Active controller:  " + strings.TrimSpace(got[strings.Index(got, "controller:")+len("controller:"):strings.Index(got, "\n\n")]) + "\n" +
		"\nBrokers (3):\n" +
		"ID   ADDRESS" + strings.Repeat(" ", len(addrs[0])-len("ADDRESS")+3) + "RACK\n" +
		"0    " + addrs[0] + "   krack\n" +
		"1    " + addrs[1] + "   krack\n" +
		"2    " + addrs[2] + "   krack\n" +
		"\nMetadata quorum: not available (the cluster does not support DescribeQuorum (not KRaft, or older than Kafka 3.3))\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if env.ErrOut.Len() != 0 {
		t.Errorf("stderr: %q", env.ErrOut.String())
	}
}

func TestInfoJSONOnKfake(t *testing.T) {
	c := testkit.Cluster(t)
	env := testkit.Factory(t, c)
	opts := &infoOptions{IO: env.F.IO, Admin: env.F.Admin, Context: env.F.Context, Printer: output.Printer{Format: output.JSON}, Now: time.Now}
	if err := infoRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"cluster_id": "kfake"`, `"node_id": 2`, `"quorum": null`, `"quorum_error": "the cluster does not support DescribeQuorum`} {
		if !strings.Contains(env.Out.String(), want) {
			t.Errorf("JSON lacks %s:\n%s", want, env.Out.String())
		}
	}
}

func TestQuorumView(t *testing.T) {
	now := time.UnixMilli(1_000_000)
	resp := kmsg.NewPtrDescribeQuorumResponse()
	p := kmsg.NewDescribeQuorumResponseTopicPartition()
	p.LeaderID, p.LeaderEpoch, p.HighWatermark = 2, 7, 500
	voter := func(id int32, leo, caughtUp int64) kmsg.DescribeQuorumResponseTopicPartitionReplicaState {
		r := kmsg.NewDescribeQuorumResponseTopicPartitionReplicaState()
		r.ReplicaID, r.LogEndOffset, r.LastCaughtUpTimestamp = id, leo, caughtUp
		return r
	}
	p.CurrentVoters = []kmsg.DescribeQuorumResponseTopicPartitionReplicaState{voter(3, 490, 999_500), voter(2, 500, -1), voter(1, 500, 1_000_000)}
	p.Observers = []kmsg.DescribeQuorumResponseTopicPartitionReplicaState{voter(4, -1, -1)}
	topic := kmsg.NewDescribeQuorumResponseTopic()
	topic.Partitions = append(topic.Partitions, p)
	resp.Topics = append(resp.Topics, topic)

	meta := kadm.Metadata{Cluster: "abc", Controller: 1, Brokers: kadm.BrokerDetails{{NodeID: 2, Host: "h2", Port: 9092}, {NodeID: 1, Host: "h1", Port: 9092}}}
	info := infoView(meta, resp, nil, now)
	if info.ActiveController != 2 || info.MetadataController != 1 {
		t.Errorf("controllers: %+v", info)
	}
	if info.Brokers[0].NodeID != 1 {
		t.Errorf("brokers not sorted: %+v", info.Brokers)
	}
	want := []QuorumReplica{
		{NodeID: 1, Role: "voter", LogEndOffset: 500, Lag: 0, LastCaughtUpAgo: "0s"},
		{NodeID: 2, Role: "leader", LogEndOffset: 500},
		{NodeID: 3, Role: "voter", LogEndOffset: 490, Lag: 10, LastCaughtUpAgo: "500ms"},
		{NodeID: 4, Role: "observer", LogEndOffset: -1},
	}
	if len(info.Quorum.Replicas) != len(want) {
		t.Fatalf("replicas %+v", info.Quorum.Replicas)
	}
	for i := range want {
		if info.Quorum.Replicas[i] != want[i] {
			t.Errorf("replica %d = %+v, want %+v", i, info.Quorum.Replicas[i], want[i])
		}
	}
	info = infoView(meta, nil, errors.New("boom"), now)
	if info.Quorum != nil || info.QuorumError != "the cluster did not answer DescribeQuorum: boom" || info.ActiveController != 1 {
		t.Errorf("error view: %+v", info)
	}
}

func TestAPIVersionsRunOnKfake(t *testing.T) {
	c := testkit.Cluster(t, kfake.NumBrokers(1))
	env := testkit.Factory(t, c)
	opts := &apiVersionsOptions{IO: env.F.IO, Admin: env.F.Admin, Context: env.F.Context, Printer: output.Printer{Format: output.Table}}
	if err := apiVersionsRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(env.Out.String()), "\n")
	if lines[0] != "BROKER   KEY   API                            MIN   MAX   USABLE" {
		t.Errorf("header %q", lines[0])
	}
	if !strings.HasPrefix(lines[1], "0        0     Produce") {
		t.Errorf("first row %q", lines[1])
	}
	if len(lines) < 20 {
		t.Errorf("only %d rows", len(lines))
	}
}

func TestAPIVersionsView(t *testing.T) {
	c := testkit.Cluster(t, kfake.NumBrokers(1))
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	vs, err := kadm.NewClient(cl).ApiVersions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	view := apiVersionsView(vs)
	if len(view) != 1 || view[0].NodeID != 0 || view[0].Error != "" {
		t.Fatalf("view %+v", view)
	}
	prev := int16(-1)
	for _, a := range view[0].APIs {
		if a.Key <= prev {
			t.Errorf("APIs not sorted at key %d", a.Key)
		}
		prev = a.Key
		if a.Usable > a.MaxVersion || (a.Usable >= 0 && a.Usable < a.MinVersion) {
			t.Errorf("usable %d outside [%d,%d] for %s", a.Usable, a.MinVersion, a.MaxVersion, a.Name)
		}
	}
}

// One broker accepts requests and never answers (kill -STOP): `cluster info` still answers from
// the other two within --timeout.
func TestInfoWithFrozenBroker(t *testing.T) {
	c := testkit.Cluster(t)
	thaw := make(chan struct{})
	t.Cleanup(func() { close(thaw) })
	c.Control(func(kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		if c.CurrentNode() == 1 {
			c.SleepControl(func() { <-thaw })
		}
		return nil, nil, false
	})
	for i := 0; i < 3; i++ {
		env := testkit.Factory(t, c)
		opts := &infoOptions{IO: env.F.IO, Admin: env.F.Admin, Context: env.F.Context, Printer: output.Printer{Format: output.JSON}, Now: time.Now}
		start := time.Now()
		if err := infoRun(context.Background(), opts); err != nil {
			t.Fatalf("run %d: %v after %s", i, env.F.Explain(err), time.Since(start))
		}
		if !strings.Contains(env.Out.String(), `"cluster_id": "kfake"`) {
			t.Errorf("run %d: %s", i, env.Out.String())
		}
	}
}
