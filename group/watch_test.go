package group

import (
	"strings"
	"testing"
	"time"

	"github.com/kafkit/kafkit/internal/output"
)

func TestWithRates(t *testing.T) {
	prev := []LagRow{
		{Group: "g", Topic: "a", TotalLag: 100, committedSum: 1000, endSum: 1100, sums: true},
		{Group: "g", Topic: "b", TotalLag: 10, committedSum: 50, endSum: 60, sums: true},
		{Group: "h", Topic: "a", TotalLag: 0, committedSum: 10, endSum: 10, sums: true},
	}
	cur := []LagRow{
		{Group: "g", Topic: "a", TotalLag: 50, committedSum: 1100, endSum: 1150, sums: true}, // consume 20/s, produce 10/s
		{Group: "g", Topic: "b", TotalLag: 30, committedSum: 50, endSum: 80, sums: true},     // stuck
		{Group: "h", Topic: "a", TotalLag: 0, committedSum: 10, endSum: 10, sums: true},      // idle, caught up
		{Group: "k", Topic: "a", TotalLag: 5, committedSum: 1, endSum: 6, sums: true},        // new row: no rates
		{Group: "g", Topic: "a", TotalLag: 5},                                                // (duplicate key ignored by design)
	}
	got := withRates(prev, cur[:4], 5*time.Second)
	type want struct {
		c, p  string
		catch string
	}
	wants := []want{{"20.0", "10.0", "~5.0s"}, {"0.0", "4.0", "falling behind"}, {"0.0", "0.0", "caught up"}, {"-", "-", ""}}
	for i, w := range wants {
		if rate(got[i].ConsumeRate) != w.c || rate(got[i].ProduceRate) != w.p || got[i].CatchUp != w.catch {
			t.Errorf("row %d: %s %s %q, want %+v", i, rate(got[i].ConsumeRate), rate(got[i].ProduceRate), got[i].CatchUp, w)
		}
	}
	// First snapshot: no rates at all.
	for _, r := range withRates(nil, cur[:2], 0) {
		if r.ConsumeRate != nil || r.CatchUp != "" {
			t.Errorf("first snapshot has rates: %+v", r)
		}
	}
	// A seek backwards is not negative consumption.
	back := withRates([]LagRow{{Group: "g", Topic: "a", committedSum: 100, endSum: 100, sums: true}},
		[]LagRow{{Group: "g", Topic: "a", TotalLag: 100, committedSum: 0, endSum: 100, sums: true}}, time.Second)
	if rate(back[0].ConsumeRate) != "0.0" || back[0].CatchUp != "stalled" {
		t.Errorf("seek back: %+v", back[0])
	}
}

func TestCatchUp(t *testing.T) {
	for _, tt := range []struct {
		lag  int64
		c, p float64
		want string
	}{{0, 0, 0, "caught up"}, {0, 5, 50, "caught up"}, {100, 0, 0, "stalled"}, {100, 0, 3, "falling behind"}, {100, 10, 10, "falling behind"}, {100, 5, 10, "falling behind"}, {600, 12, 2, "~1m00s"}, {1, 1000, 0, "~1ms"}} {
		if got := catchUp(tt.lag, tt.c, tt.p); got != tt.want {
			t.Errorf("catchUp(%d, %v, %v) = %q, want %q", tt.lag, tt.c, tt.p, got, tt.want)
		}
	}
}

func TestWatchFrame(t *testing.T) {
	at := time.Date(2026, 11, 20, 10, 0, 5, 0, time.UTC)
	prev := []LagRow{{Group: "g", Topic: "a", Type: "classic", State: "Stable", Partitions: 2, TotalLag: 100, committedSum: 1000, endSum: 1100, sums: true}}
	cur := []LagRow{{Group: "g", Topic: "a", Type: "classic", State: "Stable", Partitions: 2, Lagging: 1, TotalLag: 50, MaxLag: 50, MaxLagPartition: ptr[int32](1),
		TimeLagMs: ptr[int64](2500), committedSum: 1100, endSum: 1150, sums: true}}
	p := output.Printer{Format: output.Table}
	frame, err := watchFrame(prev, cur, at.Add(-5*time.Second), at, 5*time.Second, true, p, false)
	if err != nil {
		t.Fatal(err)
	}
	want := "\033[H\033[2J" + "2026-11-20T10:00:05Z  every 5s  (Ctrl-C to stop)\n" +
		"GROUP   TOPIC   PARTITIONS   LAGGING   TOTAL-LAG   MAX-LAG   TIME-LAG   STATE    CONSUME/S   PRODUCE/S   CATCH-UP\n" +
		"g       a       2            1         50          50 (p1)   2.5s       Stable   20.0        10.0        ~5.0s\n"
	if string(frame) != want {
		t.Errorf("tty frame\n%q\nwant\n%q", frame, want)
	}
	// Not a terminal: no escape codes; the first snapshot has no blank line before it, later
	// ones do.
	first, _ := watchFrame(nil, cur, time.Time{}, at, 5*time.Second, false, p, false)
	if strings.Contains(string(first), "\033") || !strings.HasPrefix(string(first), "2026-11-20T10:00:05Z  every 5s\n") || !strings.Contains(string(first), "   -           -           -\n") {
		t.Errorf("first plain frame:\n%s", first)
	}
	next, _ := watchFrame(prev, cur, at.Add(-5*time.Second), at, 5*time.Second, false, p, false)
	if !strings.HasPrefix(string(next), "\n2026-11-20T10:00:05Z  every 5s\n") {
		t.Errorf("next plain frame:\n%s", next)
	}
	js, _ := watchFrame(prev, cur, at.Add(-5*time.Second), at, 5*time.Second, true, output.Printer{Format: output.JSON}, false)
	if !strings.Contains(string(js), `"consume_rate": 20,`) || strings.Contains(string(js), "\033") {
		t.Errorf("JSON frame:\n%s", js)
	}
}
