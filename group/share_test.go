package group

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkit/kafkit/internal/output"
)

// shareFixture is newFixture plus share group s1, created by a share consumer that read from
// orders, then left; its start offsets are set to orders/0 at 4 and orders/1 at 5.
func shareFixture(t *testing.T) *fixture {
	t.Helper()
	fx := newFixture(t)
	cl, err := kgo.NewClient(kgo.SeedBrokers(fx.c.ListenAddrs()...), kgo.ShareGroup("s1"), kgo.ConsumeTopics("orders"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		d, err := fx.adm.DescribeShareGroups(ctx, "s1")
		if err == nil && d["s1"].Err == nil && len(d["s1"].Members) == 1 {
			break
		}
		cl.PollFetches(ctx)
	}
	cl.Close()
	os := kadm.Offsets{}
	os.AddOffset("orders", 0, 4, -1)
	os.AddOffset("orders", 1, 5, -1)
	if _, err := fx.adm.AlterShareGroupOffsets(context.Background(), "s1", os); err != nil {
		t.Fatal(err)
	}
	return fx
}

func (fx *fixture) normalize(s string) string {
	for _, a := range fx.c.ListenAddrs() {
		s = strings.ReplaceAll(s, a, "ADDR")
	}
	return regexpCoord.ReplaceAllString(s, "coordinator N")
}

func TestShareGroupDescribeLagListOnKfake(t *testing.T) {
	fx := shareFixture(t)
	f := fx.env.F
	opts := &describeOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Printer: output.Printer{Format: output.Table}, Groups: []string{"s1"}}
	if err := describeRun(context.Background(), opts); err != nil {
		t.Fatalf("%v\n%s", err, fx.env.ErrOut)
	}
	want := "Group s1: share, Empty, assignor simple, coordinator N (ADDR), no active members, total lag 6\n" +
		"GROUP   TOPIC    PARTITION   START-OFFSET   LOG-END-OFFSET   LAG   MEMBERS\n" +
		"s1      orders   0           4              10               6     0\n" +
		"s1      orders   1           5              5                0     0\n" +
		"s1      orders   2           0              0                0     0\n"
	if got := fx.normalize(fx.env.Out.String()); got != want {
		t.Errorf("describe: got\n%s\nwant\n%s", got, want)
	}
	lo := fx.lagOpts(output.Table)
	lo.All, lo.Groups = false, []string{"s1"}
	fx.env.Out.Reset()
	if err := lagRun(context.Background(), lo); err != nil {
		t.Fatalf("%v\n%s", err, fx.env.ErrOut)
	}
	want = "GROUP   TOPIC    PARTITIONS   LAGGING   TOTAL-LAG   MAX-LAG   TIME-LAG   STATE\n" +
		"s1      orders   3            1         6           6 (p0)    6.0s       Empty\n"
	if got := fx.env.Out.String(); got != want {
		t.Errorf("lag: got\n%s\nwant\n%s", got, want)
	}
	fx.env.Out.Reset()
	lstOpts := &listOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Printer: output.Printer{Format: output.Table}, Types: []string{"share"}}
	if err := listRun(context.Background(), lstOpts); err != nil {
		t.Fatal(err)
	}
	if got := fx.env.Out.String(); got != "GROUP   TYPE    STATE   PROTOCOL   MEMBERS\ns1      share   Empty   simple     0\n" {
		t.Errorf("list --type share: %q", got)
	}
}

// A share group's seek moves its start offsets (AlterShareGroupOffsets); delete-offsets takes
// whole topics only; delete removes the group.
func TestShareGroupSeekDeleteOnKfake(t *testing.T) {
	fx := shareFixture(t)
	f := fx.env.F
	o := fx.seekOpts(t, "start", "orders")
	o.Group, o.Execute = "s1", true
	if err := seekRun(context.Background(), o); err != nil {
		t.Fatalf("%v\n%s", err, fx.env.ErrOut)
	}
	want := "TOPIC    PARTITION   CURRENT   NEW   DELTA\n" +
		"orders   0           4         0     -4\n" +
		"orders   1           5         0     -5\n" +
		"orders   2           0         0     +0\n"
	if got := fx.env.Out.String(); got != want {
		t.Errorf("seek: got\n%s\nwant\n%s", got, want)
	}
	if got := fx.env.ErrOut.String(); got != "set 3 start offsets for share group \"s1\"\n" {
		t.Errorf("seek stderr %q", got)
	}
	d, err := fx.adm.DescribeShareGroupOffsets(context.Background(), "s1")
	if err != nil || d["s1"].Offsets["orders"][0].StartOffset != 0 || d["s1"].Offsets["orders"][1].StartOffset != 0 {
		t.Errorf("start offsets not moved: %+v %v", d, err)
	}
	fx.env.Out.Reset()
	fx.env.ErrOut.Reset()
	do := &deleteOffsetsOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Printer: output.Printer{Format: output.Table}, Group: "s1",
		Topics: []topicSel{{Topic: "orders", Partitions: []int32{0}}}}
	if err := deleteOffsetsRun(context.Background(), do); err == nil || !strings.Contains(err.Error(), "deleted per topic") {
		t.Errorf("partition selection on a share group: %v", err)
	}
	do.Topics = []topicSel{{Topic: "orders"}}
	if err := deleteOffsetsRun(context.Background(), do); err != nil {
		t.Fatalf("%v\n%s", err, fx.env.ErrOut)
	}
	want = "GROUP   TOPIC    PARTITION   RESULT\n" +
		"s1      orders   0           deleted\n" +
		"s1      orders   1           deleted\n" +
		"s1      orders   2           deleted\n"
	if got := fx.env.Out.String(); got != want {
		t.Errorf("delete-offsets: got\n%s\nwant\n%s", got, want)
	}
	fx = shareFixture(t) // kfake drops a share group whose every offset was deleted
	f = fx.env.F
	del := &deleteOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Printer: output.Printer{Format: output.Table}, Groups: []string{"s1"}}
	if err := deleteRun(context.Background(), del); err != nil {
		t.Fatalf("%v\n%s", err, fx.env.ErrOut)
	}
	if got := fx.env.Out.String(); got != "GROUP   RESULT\ns1      deleted\n" {
		t.Errorf("delete: %q", got)
	}
}

// Without the broker's lag (DescribeShareGroupOffsets v0, Kafka before 4.2) the lag is log end -
// start offset, noted as an upper bound; a partition without a start offset has no lag.
func TestShareLagsWithoutBrokerLag(t *testing.T) {
	g := &groupInfo{Name: "s", Type: "share"}
	rows := []PartitionLag{
		{Topic: "t", Partition: 0, CurrentOffset: ptr(int64(3)), LogEndOffset: ptr(int64(10)), Lag: ptr(int64(7))},
		{Topic: "t", Partition: 1, LogEndOffset: ptr(int64(4)), Lag: ptr(int64(4)), Note: "no commit: 4 records from the log start"},
		{Topic: "t", Partition: 2, CurrentOffset: ptr(int64(5)), LogEndOffset: ptr(int64(5)), Lag: ptr(int64(0))},
	}
	got := shareLags(g, rows)
	if got[0].Note != shareUpperBound || *got[0].Lag != 7 {
		t.Errorf("row 0: %+v", got[0])
	}
	if got[1].Lag != nil || !strings.Contains(got[1].Note, "no share-partition start offset") {
		t.Errorf("row 1: %+v", got[1])
	}
	if got[2].Note != "" {
		t.Errorf("row 2: %+v", got[2])
	}
	g.ShareLag = map[tp]int64{{"t", 0}: 2}
	rows[0].Note = ""
	if got := shareLags(g, rows[:1]); *got[0].Lag != 2 || got[0].Note != "" {
		t.Errorf("broker lag not used: %+v", got[0])
	}
}

// A live share member: describe counts it on every partition it is assigned, and delete and
// seek --execute are refused with the reason.
func TestShareGroupActiveMemberOnKfake(t *testing.T) {
	fx := newFixture(t)
	cl, err := kgo.NewClient(kgo.SeedBrokers(fx.c.ListenAddrs()...), kgo.ShareGroup("s2"), kgo.ConsumeTopics("orders"), kgo.ClientID("worker"))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	go func() {
		for ctx.Err() == nil {
			cl.PollFetches(ctx)
		}
	}()
	for ctx.Err() == nil {
		d, err := fx.adm.DescribeShareGroups(ctx, "s2")
		if err == nil && len(d["s2"].Members) == 1 && len(d["s2"].Members[0].Assignment) > 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	f := fx.env.F
	opts := &describeOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Printer: output.Printer{Format: output.Table}, Groups: []string{"s2"}, Members: true}
	if err := describeRun(context.Background(), opts); err != nil {
		t.Fatalf("%v\n%s", err, fx.env.ErrOut)
	}
	out := fx.normalize(fx.env.Out.String())
	if !strings.Contains(out, "Group s2: share, Stable, assignor simple, coordinator N (ADDR), 1 member") ||
		!regexpMembers1.MatchString(out) || !strings.Contains(out, "worker") {
		t.Errorf("describe:\n%s", out)
	}
	fx.env.Out.Reset()
	del := &deleteOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Printer: output.Printer{Format: output.Table}, Groups: []string{"s2"}}
	if err := deleteRun(context.Background(), del); err == nil || !strings.Contains(fx.env.Out.String(), "refused: the group is Stable with 1 active member") {
		t.Errorf("delete of an active share group: %v\n%s", err, fx.env.Out)
	}
}

// regexpMembers1 matches a share describe row of orders/0 read by one member.
var regexpMembers1 = regexp.MustCompile(`(?m)^s2\s+orders\s+0\s+\S+\s+10\s+\S+\s+1\b`)
