package group

import (
	"bytes"
	"testing"

	"github.com/kafkit/kafkit/internal/output"
)

func TestWriteDescribeMembersAndWide(t *testing.T) {
	view := []DescribedGroup{{
		Group: "g", Type: "consumer", State: "Stable", Assignor: "uniform", Coordinator: 2, CoordinatorAddr: "k2:9092", TotalLag: 7,
		Members: []memberInfo{{MemberID: "m1", ClientID: "app", Host: "/10.0.0.1", Assigned: map[string][]int32{"b": {1}, "a": {0, 2}}}},
		Partitions: []PartitionLag{
			{Topic: "a", Partition: 0, CurrentOffset: ptr[int64](3), LogStartOffset: ptr[int64](0), LogEndOffset: ptr[int64](10), Lag: ptr[int64](7), ConsumerID: "m1", Host: "/10.0.0.1", ClientID: "app"},
			{Topic: "a", Partition: 2, LogStartOffset: ptr[int64](0), LogEndOffset: ptr[int64](0), ConsumerID: "m1", Host: "/10.0.0.1", ClientID: "app"},
		},
	}, {Group: "s", Type: "share", State: "Empty", Members: []memberInfo{}}}
	var b bytes.Buffer
	if err := writeDescribe(&output.Text{W: &b, Wide: true}, view, true); err != nil {
		t.Fatal(err)
	}
	want := "Group g: consumer, Stable, assignor uniform, coordinator 2 (k2:9092), 1 member, total lag 7\n" +
		"GROUP   TOPIC   PARTITION   CURRENT-OFFSET   LOG-START-OFFSET   LOG-END-OFFSET   LAG   CONSUMER-ID   HOST        CLIENT-ID   NOTE\n" +
		"g       a       0           3                0                  10               7     m1            /10.0.0.1   app         -\n" +
		"g       a       2           -                0                  0                -     m1            /10.0.0.1   app         -\n" +
		"\n" +
		"GROUP   CONSUMER-ID   INSTANCE-ID   HOST        CLIENT-ID   #PARTITIONS   ASSIGNMENT\n" +
		"g       m1            -             /10.0.0.1   app         3             a:0,2 b:1\n" +
		"\n" +
		"Group s: share, Empty, no active members, total lag 0\n" +
		"(no share-partition offsets: the group has not consumed yet)\n" +
		"\n" +
		"Group s has no active members.\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestListViewFilters(t *testing.T) {
	snap := &snapshot{Groups: []*groupInfo{
		{Name: "orders-a", Type: "classic", State: "Stable", Assignor: "range", Members: make([]memberInfo, 2), Coordinator: 1, CoordinatorAddr: "k1:9092"},
		{Name: "orders-b", Type: "consumer", State: "Empty", Coordinator: 3},
		{Name: "billing", Type: "classic", State: "Empty"},
	}}
	names := func(rows []ListedGroup) string {
		s := ""
		for _, r := range rows {
			s += r.Group + " "
		}
		return s
	}
	opts := &listOptions{}
	if got := names(listView(snap, opts)); got != "orders-a orders-b billing " {
		t.Errorf("all: %s", got)
	}
	opts.Types = []string{"consumer"}
	if got := names(listView(snap, opts)); got != "orders-b " {
		t.Errorf("type: %s", got)
	}
	opts.Types, opts.States = nil, []string{"empty"}
	if got := names(listView(snap, opts)); got != "orders-b billing " {
		t.Errorf("state: %s", got)
	}
	var b bytes.Buffer
	p := output.Printer{Format: output.Wide}
	rows := listView(snap, &listOptions{})
	if err := p.Print(&b, rows, func(t *output.Text) error {
		return (&listOptions{}).render(t, rows)
	}); err != nil {
		t.Fatal(err)
	}
	want := "GROUP      TYPE       STATE    PROTOCOL   MEMBERS   COORDINATOR   PROTOCOL-TYPE   ERROR\n" +
		"orders-a   classic    Stable   range      2         1 (k1:9092)   -               -\n" +
		"orders-b   consumer   Empty    -          0         3             -               -\n" +
		"billing    classic    Empty    -          0         0             -               -\n"
	if b.String() != want {
		t.Errorf("wide\n%s\nwant\n%s", b.String(), want)
	}
}

func TestTimeLagText(t *testing.T) {
	for _, tt := range []struct {
		r    LagRow
		want string
	}{
		{LagRow{}, "-"},
		{LagRow{TimeLagMs: ptr[int64](1500)}, "1.5s"},
		{LagRow{timeUnknown: 2}, "?"},
		{LagRow{TimeLagMs: ptr[int64](1500), timeUnknown: 1}, "1.5s"}, // the worst known
	} {
		if got := timeLagText(tt.r); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.r, got, tt.want)
		}
	}
}
