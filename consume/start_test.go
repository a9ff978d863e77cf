package consume

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kafkit/kafkit/internal/offsetspec"
)

func TestResolveStart(t *testing.T) {
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	// Partitions of different lengths: [10,20), [0,3), empty at 5, empty at 0.
	long := partition{Topic: "t", Partition: 0, LogStart: 10, End: 20, AtTime: 15}
	short := partition{Topic: "t", Partition: 1, LogStart: 0, End: 3, AtTime: -1}
	emptyAt5 := partition{Topic: "t", Partition: 2, LogStart: 5, End: 5, AtTime: -1}
	empty := partition{Topic: "t", Partition: 3, LogStart: 0, End: 0, AtTime: -1}
	tests := []struct {
		spec string
		p    partition
		want int64
		err  string
	}{
		{"start", long, 10, ""},
		{"end", long, 20, ""},
		{"start", emptyAt5, 5, ""},
		{"end", empty, 0, ""},
		{"15", long, 15, ""},
		{"10", long, 10, ""},
		{"20", long, 20, ""},
		{"9", long, 0, "offset 9 is out of range for t/0: it holds offsets 10 to 20"},
		{"21", long, 0, "offset 21 is out of range"},
		{"0", empty, 0, ""},
		{"+0", long, 10, ""},
		{"+3", long, 13, ""},
		{"+10", long, 20, ""},
		{"+100", long, 20, ""},
		{"+2", short, 2, ""},
		{"+5", short, 3, ""},
		{"-0", long, 20, ""},
		{"-3", long, 17, ""},
		{"-10", long, 10, ""},
		{"-100", long, 10, ""},
		{"-10", short, 0, ""},
		{"-1", short, 2, ""},
		{"-1", emptyAt5, 5, ""},
		{"@2026-11-20T09:00:00Z", long, 15, ""}, // AtTime from ListOffsets
		{"@-1h", short, 3, ""},                  // no record at or after: end
		{"@0", emptyAt5, 5, ""},
	}
	for _, tt := range tests {
		spec, err := offsetspec.Parse(tt.spec, now)
		if err != nil {
			t.Fatalf("parse %q: %v", tt.spec, err)
		}
		got, err := resolveStart(spec, tt.p, true)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s on %s: err %v, want %q", tt.spec, tt.p, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s on %+v: got %d, %v; want %d", tt.spec, tt.p, got, err, tt.want)
		}
	}
	// Not strict (group mode): exact offsets are clamped as kgo does.
	for _, tt := range []struct {
		n    int64
		want int64
	}{{5, 10}, {25, 20}, {12, 12}} {
		got, err := resolveStart(offsetspec.Spec{Kind: offsetspec.Exact, Offset: tt.n}, long, false)
		if err != nil || got != tt.want {
			t.Errorf("clamped %d: got %d, %v; want %d", tt.n, got, err, tt.want)
		}
	}
	// A time before the log start (records deleted) starts at the log start.
	got, _ := resolveStart(offsetspec.Spec{Kind: offsetspec.Time}, partition{LogStart: 10, End: 20, AtTime: 3}, true)
	if got != 10 {
		t.Errorf("time before log start: got %d", got)
	}
}

func FuzzResolveStart(f *testing.F) {
	f.Add("-5", int64(0), int64(10), int64(-1))
	f.Add("+5", int64(3), int64(4), int64(2))
	f.Add("@0", int64(3), int64(9), int64(12))
	f.Fuzz(func(t *testing.T, s string, logStart, end, atTime int64) {
		if logStart < 0 || end < logStart {
			return
		}
		spec, err := offsetspec.Parse(s, time.Unix(0, 0))
		if err != nil {
			return
		}
		p := partition{LogStart: logStart, End: end, AtTime: atTime}
		got, err := resolveStart(spec, p, false)
		if err != nil {
			t.Fatalf("non-strict resolve of %s failed: %v", spec, err)
		}
		if got < logStart || got > end {
			t.Fatalf("%s on [%d,%d] at %d: %d is outside the partition", spec, logStart, end, atTime, got)
		}
	})
}

func TestMatchTopics(t *testing.T) {
	all := []string{"orders", "orders.eu", "orders.us", "payments", "xorders"}
	got, err := matchTopics(all, []string{`orders\..*`, "pay.*"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"orders.eu", "orders.us", "payments"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	got, _ = matchTopics(all, []string{"orders"})
	if !reflect.DeepEqual(got, []string{"orders"}) {
		t.Errorf("whole-name match: got %v", got)
	}
	if _, err := matchTopics(all, []string{"("}); err == nil || !strings.Contains(err.Error(), `bad regular expression "("`) {
		t.Errorf("bad regex: %v", err)
	}
}
