package perf

import (
	"errors"
	"testing"
	"time"
)

// fakeClock is a clock the test moves.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time      { return c.t }
func (c *fakeClock) add(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *fakeClock               { return &fakeClock{t: time.Unix(1_700_000_000, 0)} }
func near(got, want, tol float64) bool   { return got >= want-tol && got <= want+tol }

func TestHistogramPercentiles(t *testing.T) {
	var h Histogram
	for i := 1; i <= 1000; i++ { // 1..1000 ms
		h.Record(time.Duration(i) * time.Millisecond)
	}
	s := h.Summary()
	for name, c := range map[string][2]float64{"p50": {s.P50MS, 500}, "p95": {s.P95MS, 950}, "p99": {s.P99MS, 990}, "p99.9": {s.P999MS, 999}, "max": {s.MaxMS, 1000}, "avg": {s.AvgMS, 500.5}} {
		if !near(c[0], c[1], c[1]*0.003) {
			t.Errorf("%s = %v, want %v (±0.3%%)", name, c[0], c[1])
		}
	}
	var e Histogram
	if e.Quantile(0.5) != 0 || e.Mean() != 0 {
		t.Error("empty histogram")
	}
	var one Histogram
	one.Record(1500 * time.Microsecond)
	if one.Quantile(0.999) != 1500*time.Microsecond || one.Quantile(0) != 1500*time.Microsecond {
		t.Errorf("single sample: %v", one.Quantile(0.999))
	}
}

func TestHistogramBucketsAreMonotonic(t *testing.T) {
	prev := -1
	for us := int64(0); us < 1<<40; us = us*5/4 + 1 {
		b := bucketOf(us)
		if b < prev || b >= len(Histogram{}.counts) {
			t.Fatalf("bucket(%d)=%d after %d", us, b, prev)
		}
		if v := bucketValue(b); float64(v) < float64(us)*0.997 || float64(v) > float64(us)*1.003+1 {
			t.Fatalf("bucket(%d) reads back %d", us, v)
		}
		prev = b
	}
}

// TestMeterControlledClock: throughput comes from the counts and the clock, latency from what
// each record reported, never one from the other.
func TestMeterControlledClock(t *testing.T) {
	c := newClock()
	m := NewMeter(c.now)
	for i := 0; i < 100; i++ {
		m.Record(1024, 2*time.Millisecond)
	}
	m.Record(1024, 40*time.Millisecond)
	c.add(2 * time.Second)
	w := m.Window()
	if w.Records != 101 || w.RecordsPerSec != 50.5 || !near(w.MBPerSec, 101.0/1024/2, 1e-9) || w.Latency.P50MS != 2 || w.Latency.MaxMS != 40 {
		t.Errorf("window: %+v", w)
	}
	m.Record(512, 8*time.Millisecond)
	m.Fail(errors.New("NOT_ENOUGH_REPLICAS"))
	m.Fail(errors.New("later"))
	c.add(time.Second)
	w2 := m.Window()
	if w2.Records != 1 || w2.RecordsPerSec != 1 || w2.Latency.MaxMS != 8 || w2.Errors != 2 || w2.FirstError != "NOT_ENOUGH_REPLICAS" {
		t.Errorf("second window: %+v", w2)
	}
	tot := m.Total()
	if tot.Records != 102 || tot.ElapsedSec != 3 || tot.RecordsPerSec != 34 || tot.Latency.MaxMS != 40 || tot.Errors != 2 {
		t.Errorf("total: %+v", tot)
	}
	m.Restart()
	c.add(time.Second)
	if r := m.Total(); r.Records != 0 || r.ElapsedSec != 1 {
		t.Errorf("after restart: %+v", r)
	}
}
