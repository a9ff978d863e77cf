package compat

import (
	"context"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkit/kafkit/internal/testkit"
)

// groupsFixture is a kfake cluster with topic t (2 partitions, 10 and 4 records) and group g
// committed at t/0=3 and t/1=4.
func groupsFixture(t *testing.T) (*kfake.Cluster, *kadm.Client) {
	t.Helper()
	c := testkit.Cluster(t, kfake.SeedTopics(2, "t"))
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.DefaultProduceTopic("t"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	for p, n := range []int{10, 4} {
		for i := 0; i < n; i++ {
			if err := cl.ProduceSync(context.Background(), &kgo.Record{Partition: int32(p), Value: []byte("v")}).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
	}
	adm := kadm.NewClient(cl)
	os := kadm.Offsets{}
	os.AddOffset("t", 0, 3, -1)
	os.AddOffset("t", 1, 4, -1)
	if err := adm.CommitAllOffsets(context.Background(), "g", os); err != nil {
		t.Fatal(err)
	}
	return c, adm
}

func runGroupsScript(t *testing.T, c *kfake.Cluster, args string) (string, error) {
	t.Helper()
	env := testkit.Factory(t, c)
	line := append([]string{"--bootstrap-server", strings.Join(c.ListenAddrs(), ",")}, strings.Fields(args)...)
	err := RunScript(context.Background(), env.F, consumerGroupsScript(), line, nil)
	return env.Out.String(), err
}

func TestResetOffsetsRun(t *testing.T) {
	c, adm := groupsFixture(t)
	row := func(g, topic, p, o string) string {
		return "\n" + pad(g, 30) + " " + pad(topic, 30) + " " + pad(p, 10) + " " + pad(o, 15)
	}
	header := row("GROUP", "TOPIC", "PARTITION", "NEW-OFFSET")
	tests := []struct{ args, want string }{
		{"--reset-offsets --group g --topic t --to-earliest", header + row("g", "t", "0", "0") + row("g", "t", "1", "0") + "\n"},
		{"--reset-offsets --group g --topic t:1 --shift-by -3 --dry-run", header + row("g", "t", "1", "1") + "\n"},
		{"--reset-offsets --group g --all-topics --to-offset 99", header + row("g", "t", "0", "10") + row("g", "t", "1", "4") + "\n"},
		{"--reset-offsets --group g --topic t --to-current --export", "t,0,3\nt,1,4\n\n"},
		{"--reset-offsets --group g --group h --topic t:0 --to-latest --export", "g,t,0,10\nh,t,0,10\n\n"},
	}
	for _, tt := range tests {
		out, err := runGroupsScript(t, c, tt.args)
		if err != nil || out != tt.want {
			t.Errorf("%s:\n got %q %v\nwant %q", tt.args, out, err, tt.want)
		}
	}
	if out, err := runGroupsScript(t, c, "--reset-offsets --group g --topic t:0 --to-offset 7 --execute"); err != nil || !strings.Contains(out, row("g", "t", "0", "7")) {
		t.Fatalf("execute: %q %v", out, err)
	}
	offs, _ := adm.FetchOffsets(context.Background(), "g")
	if o, _ := offs.Lookup("t", 0); o.At != 7 {
		t.Errorf("t/0 committed at %d, want 7", o.At)
	}
	if o, _ := offs.Lookup("t", 1); o.At != 4 {
		t.Errorf("t/1 committed at %d, want 4 (not named)", o.At)
	}
}

func TestDeleteOffsetsAndDeleteRun(t *testing.T) {
	c, adm := groupsFixture(t)
	out, err := runGroupsScript(t, c, "--delete-offsets --group g --topic t:0")
	want := "Request succeeded for deleting offsets from group g.\n\n" + pad("TOPIC", 15) + " " + pad("PARTITION", 10) + " " + pad("STATUS", 15) +
		"\n" + pad("t", 15) + " " + pad("0", 10) + " " + pad("Successful", 15) + "\n"
	if err != nil || out != want {
		t.Errorf("delete-offsets:\n got %q %v\nwant %q", out, err, want)
	}
	out, err = runGroupsScript(t, c, "--delete --group g --group nope")
	want = "\nError: Deletion of some consumer groups failed:\n* Group 'nope' could not be deleted due to: org.apache.kafka.common.errors.GroupIdNotFoundException: The group id does not exist.\n\nThese consumer groups were deleted successfully: 'g'\n"
	if err == nil || out != want {
		t.Errorf("delete:\n got %q %v\nwant %q (and an error: Java exits 0, kafkit 1)", out, err, want)
	}
	if listed, _ := adm.ListGroups(context.Background()); listed.Groups() != nil && len(listed.Groups()) != 0 {
		t.Errorf("groups left: %v", listed.Groups())
	}
}

func pad(s string, n int) string { return s + strings.Repeat(" ", max(0, n-len(s))) }

func TestJacksonCSVAndExceptionNames(t *testing.T) {
	for in, want := range map[string]string{"orders": "orders", "a,b": `"a,b"`, "a-very-long-topic-name-over-24": `"a-very-long-topic-name-over-24"`, `q"t`: `"q""t"`, "#c": `"#c"`} {
		if got := jacksonCSV(in); got != want {
			t.Errorf("jacksonCSV(%q) = %s, want %s", in, got, want)
		}
	}
	for in, want := range map[string]string{"NON_EMPTY_GROUP": "GroupNotEmptyException", "GROUP_AUTHORIZATION_FAILED": "GroupAuthorizationException", "GROUP_SUBSCRIBED_TO_TOPIC": "GroupSubscribedToTopicException", "UNKNOWN_TOPIC_OR_PARTITION": "UnknownTopicOrPartitionException"} {
		if got := javaExceptionName(in); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
}

func TestDescribeAllGroupsState(t *testing.T) {
	c, adm := groupsFixture(t)
	os := kadm.Offsets{}
	os.AddOffset("t", 0, 1, -1)
	if err := adm.CommitAllOffsets(context.Background(), "a", os); err != nil {
		t.Fatal(err)
	}
	out, err := runGroupsScript(t, c, "--describe --all-groups --state")
	if err != nil || strings.Count(out, "GROUP ") != 2 || strings.Index(out, "\na ") > strings.Index(out, "\ng ") || !strings.Contains(out, "Empty") {
		t.Errorf("got %q %v: a and g, sorted, each with its state", out, err)
	}
}
