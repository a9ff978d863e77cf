package broker

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/configs"
	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/testkit"
)

func TestListView(t *testing.T) {
	c := kmsg.NewDescribeClusterResponse()
	c.Version = 2
	for _, id := range []int32{3, 1, 2} {
		b := kmsg.NewDescribeClusterResponseBroker()
		b.NodeID, b.Host, b.Port, b.IsFenced = id, "h", 9092, id == 3
		c.Brokers = append(c.Brokers, b)
	}
	q := kmsg.NewDescribeQuorumResponse()
	tp := kmsg.NewDescribeQuorumResponseTopic()
	p := kmsg.NewDescribeQuorumResponseTopicPartition()
	p.LeaderID = 2
	for _, id := range []int32{1, 2} {
		v := kmsg.NewDescribeQuorumResponseTopicPartitionReplicaState()
		v.ReplicaID = id
		p.CurrentVoters = append(p.CurrentVoters, v)
	}
	tp.Partitions = append(tp.Partitions, p)
	q.Topics = append(q.Topics, tp)
	rows := listView(&c, &q)
	var got []string
	for _, r := range rows {
		got = append(got, strings.Join(r.Roles, ",")+"/"+map[bool]string{true: "fenced", false: "ok"}[*r.Fenced])
	}
	if strings.Join(got, " ") != "broker,voter/ok broker,voter,leader/ok broker/fenced" || rows[0].ID != 1 {
		t.Errorf("got %v", got)
	}
	c.Version = 1
	if rows := listView(&c, nil); rows[0].Fenced != nil || len(rows[0].Roles) != 1 {
		t.Errorf("old cluster: %+v", rows[0])
	}
}

func TestConfigOptions(t *testing.T) {
	env := testkit.FactoryFor(t, testkit.Settings([]string{"127.0.0.1:1"}))
	cases := []struct {
		args []string
		fl   configFlags
		want string // resource or error
	}{
		{[]string{"1"}, configFlags{}, "broker 1"},
		{nil, configFlags{Default: true}, "the cluster-wide broker default"},
		{[]string{"2"}, configFlags{Loggers: true}, "broker 2 loggers"},
		{nil, configFlags{}, "name a broker id or --default"},
		{[]string{"x"}, configFlags{}, `broker id "x" is not a number`},
		{[]string{"1"}, configFlags{Default: true}, "--default names the cluster-wide default"},
		{[]string{"1"}, configFlags{Loggers: true, Flags: configs.Flags{Set: []string{"kafka=LOUD"}}}, `logger kafka: level "LOUD" is not one of`},
		{[]string{"1"}, configFlags{Flags: configs.Flags{DryRun: true}}, "--dry-run needs --set or --delete"},
	}
	for _, c := range cases {
		o, err := configOptions(env.F, &c.fl, c.args)
		got := ""
		if err != nil {
			got = err.Error()
			if cmdutil.ExitCode(err) != 2 {
				t.Errorf("%v: exit %d", c.args, cmdutil.ExitCode(err))
			}
		} else {
			got = o.Resource.String()
		}
		if !strings.HasPrefix(got, c.want) {
			t.Errorf("%v %+v: got %q, want %q", c.args, c.fl, got, c.want)
		}
	}
}

func TestDescribeRunOnKfake(t *testing.T) {
	c := testkit.Cluster(t)
	env := testkit.Factory(t, c)
	o := &configs.RunOptions{IO: env.F.IO, Admin: env.F.Admin, Context: env.F.Context, Printer: output.Printer{Format: output.JSON},
		Resource: configs.Resource{Type: kmsg.ConfigResourceTypeBroker, Name: "0"}}
	if err := describeRun(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	var es []configs.Entry
	if err := json.Unmarshal(env.Out.Bytes(), &es); err != nil {
		t.Fatalf("%v: %s", err, env.Out.String())
	}
	for _, e := range es {
		if e.Source == "DEFAULT_CONFIG" {
			t.Errorf("describe without --all shows a default: %+v", e)
		}
	}
}
