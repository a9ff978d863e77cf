package topic

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
)

func TestDescribe(t *testing.T) {
	env := newEnv(t)
	mustRun(t, env, "create", "orders", "-p", "2", "-c", "retention.ms=1000")
	produce(t, env, "orders", map[int32]int{1: 3}, time.Now())

	out, _, err := run(t, env, "describe", "orders", "missing1", "missing2")
	wantExit(t, err, 1, `topics "missing1", "missing2" not found`)
	id := regexp.MustCompile(`Topic ID:            (\S+)`).FindStringSubmatch(out)
	if id == nil {
		t.Fatalf("no topic id in\n%s", out)
	}
	// kfake picks leaders and replica order itself: mask the placement columns.
	masked := regexp.MustCompile(`(?m)^(\d+)\s+\d+\s+[\d,]+\s+[\d,]+\s+`).ReplaceAllString(out, "$1 <placement> ")
	wantEqual(t, "describe", masked, `Name:                orders
Topic ID:            `+id[1]+`
Partitions:          2
Replication factor:  3
Configs:             retention.ms=1000 (DYNAMIC_TOPIC_CONFIG)

PARTITION   LEADER   REPLICAS   ISR     OFFLINE   LOG-START   HIGH-WATERMARK
0 <placement> -         0           0
1 <placement> -         0           3
`)
	_, _, err = run(t, env, "describe", "missing")
	wantExit(t, err, 1, `topic "missing" not found`)
	_, _, err = run(t, env, "describe", "--regex", "zz")
	wantExit(t, err, 1, `no topic matches "zz"`)
	_, _, err = run(t, env, "describe", "orders", "--regex", "o.*")
	wantExit(t, err, 2, "give topic names or --regex, not both")

	out = mustRun(t, env, "describe", "--regex", "ord.*", "-o", "json")
	var dts []DescribedTopic
	if err := json.Unmarshal([]byte(out), &dts); err != nil {
		t.Fatal(err)
	}
	if len(dts) != 1 || len(dts[0].PartitionDetails) != 2 || *dts[0].PartitionDetails[1].HighWatermark != 3 || dts[0].PartitionDetails[1].SizeBytes == nil || *dts[0].PartitionDetails[1].SizeBytes <= 0 {
		t.Fatalf("describe json = %s", out)
	}
	out = mustRun(t, env, "describe", "orders", "--configs")
	if !strings.Contains(out, "Configs:\n  NAME ") || !regexp.MustCompile(`(?m)^  retention\.ms\s+1000\s+DYNAMIC_TOPIC_CONFIG\s+false$`).MatchString(out) {
		t.Fatalf("describe --configs:\n%s", out)
	}
}

func TestPrintDescribeExact(t *testing.T) {
	v := int64(5)
	hw := int64(9)
	size := int64(1024)
	one := "1000"
	view := []DescribedTopic{{
		Name: "orders", TopicID: "abc", Partitions: 2, ReplicationFactor: 3,
		Configs: []DescribedConfig{{Name: "min.insync.replicas", Value: &[]string{"2"}[0], Source: "STATIC_BROKER_CONFIG"}, {Name: "retention.ms", Value: &one, Source: "DYNAMIC_TOPIC_CONFIG"}},
		PartitionDetails: []DescribedPartition{
			{Partition: 0, Leader: 1, LeaderEpoch: 4, Replicas: []int32{1, 2, 3}, ISR: []int32{1, 2}, Offline: []int32{3}, LogStartOffset: &v, HighWatermark: &hw, SizeBytes: &size},
			{Partition: 1, Leader: -1, Replicas: []int32{2, 3, 1}, ISR: []int32{}, Offline: []int32{}, Error: "LEADER_NOT_AVAILABLE"},
		},
	}}
	ios, _, out, _ := cmdutil.Test()
	opts := &describeOptions{IO: ios, Printer: output.Printer{Format: output.Wide}}
	if err := printDescribe(opts, view); err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "describe wide", out.String(), `Name:                orders
Topic ID:            abc
Partitions:          2
Replication factor:  3
Configs:             min.insync.replicas=2 (STATIC_BROKER_CONFIG)
                     retention.ms=1000 (DYNAMIC_TOPIC_CONFIG)

PARTITION   LEADER   REPLICAS   ISR   OFFLINE   LOG-START   HIGH-WATERMARK   LEADER-EPOCH   SIZE   ERROR
0           1        1,2,3      1,2   3         5           9                4              1024   -
1           -        2,3,1      -     -         -           -                0              -      LEADER_NOT_AVAILABLE
`)
}

func TestNewCmdDescribe(t *testing.T) {
	env := newEnv(t)
	o, err := parseFlags(t, env, newCmdDescribe, "a", "b", "--configs", "-o", "wide")
	if err != nil || strings.Join(o.Topics, ",") != "a,b" || !o.AllConfigs || o.Printer.Format != output.Wide {
		t.Fatalf("options %+v (%v)", o, err)
	}
	o, err = parseFlags(t, env, newCmdDescribe, "--regex", "o.*", "--internal")
	if err != nil || o.Regex.String() != "^(?:o.*)$" || !o.Internal {
		t.Fatalf("options %+v (%v)", o, err)
	}
	_, err = parseFlags(t, env, newCmdDescribe, "a", "--regex", "o.*")
	wantExit(t, err, 2, "give topic names or --regex, not both")
}

// TestDescribeNames picks the topics without a cluster.
func TestDescribeNames(t *testing.T) {
	m := metadataWith(1, "a", "b", "__c")
	m.Topics["__c"] = kadm.TopicDetail{Topic: "__c", IsInternal: true}
	re, _ := compileTopicRegex("zz")
	for _, tt := range []struct {
		opts          describeOptions
		names, missed string
		err           string
	}{
		{describeOptions{Topics: []string{"b", "x", "b"}}, "b", "x", ""},
		{describeOptions{}, "a,b", "", ""},
		{describeOptions{Internal: true}, "__c,a,b", "", ""},
		{describeOptions{Regex: re}, "", "", `no topic matches "zz"`},
	} {
		names, missing, err := describeNames(&tt.opts, m)
		errText := ""
		if err != nil {
			errText = err.Error()
		}
		if strings.Join(names, ",") != tt.names || strings.Join(missing, ",") != tt.missed || errText != tt.err {
			t.Errorf("%+v: %v %v %v", tt.opts, names, missing, err)
		}
	}
}
