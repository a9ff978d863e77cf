package perf

import (
	"math"
	"math/bits"
	"sync"
	"time"
)

// Histogram counts latencies in microseconds in log-linear buckets: exact below 1024 µs, then
// 512 buckets per power of two (0.2% resolution), so a run of any length takes 40 KiB and
// percentiles are read without keeping every sample. Count, sum and max are exact.
type Histogram struct {
	counts [1024 + 512*54]int64
	n      int64
	sum    int64 // µs
	max    int64 // µs
}

func bucketOf(us int64) int {
	if us < 1024 {
		return int(max(us, 0))
	}
	e := bits.Len64(uint64(us)) - 10 // us >> e is in [512, 1024)
	return 1024 + (e-1)*512 + int(us>>e) - 512
}

// bucketValue is the low end of a bucket's range, in µs (at most 0.2% under the samples in it).
func bucketValue(b int) int64 {
	if b < 1024 {
		return int64(b)
	}
	e := (b-1024)/512 + 1
	m := int64((b-1024)%512 + 512)
	return m << e
}

// Record adds one latency.
func (h *Histogram) Record(d time.Duration) {
	us := d.Microseconds()
	h.counts[bucketOf(us)]++
	h.n++
	h.sum += us
	h.max = max(h.max, us)
}

// Count is how many latencies were recorded.
func (h *Histogram) Count() int64 { return h.n }

// Quantile is the latency at or below which a fraction q (0..1) of the records fall; 0 when empty.
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := int64(math.Ceil(q * float64(h.n)))
	rank = min(max(rank, 1), h.n)
	var seen int64
	for b, c := range h.counts {
		seen += c
		if seen >= rank {
			return time.Duration(min(bucketValue(b), h.max)) * time.Microsecond
		}
	}
	return time.Duration(h.max) * time.Microsecond
}

// Mean is the average latency.
func (h *Histogram) Mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return time.Duration(h.sum/h.n) * time.Microsecond
}

// Max is the largest latency recorded.
func (h *Histogram) Max() time.Duration { return time.Duration(h.max) * time.Microsecond }

// Latency is a latency summary in milliseconds, as the report prints it.
type Latency struct {
	AvgMS  float64 `json:"avg_ms"`
	P50MS  float64 `json:"p50_ms"`
	P95MS  float64 `json:"p95_ms"`
	P99MS  float64 `json:"p99_ms"`
	P999MS float64 `json:"p99_9_ms"`
	MaxMS  float64 `json:"max_ms"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Summary reads the percentiles.
func (h *Histogram) Summary() Latency {
	return Latency{AvgMS: ms(h.Mean()), P50MS: ms(h.Quantile(0.5)), P95MS: ms(h.Quantile(0.95)),
		P99MS: ms(h.Quantile(0.99)), P999MS: ms(h.Quantile(0.999)), MaxMS: ms(h.Max())}
}

// Report is the throughput and latency of a run or of one reporting window.
type Report struct {
	Records       int64   `json:"records"`
	Bytes         int64   `json:"bytes"`
	ElapsedSec    float64 `json:"elapsed_sec"`
	RecordsPerSec float64 `json:"records_per_sec"`
	MBPerSec      float64 `json:"mb_per_sec"` // MiB, as the Java tools count
	Latency       Latency `json:"latency"`
	Errors        int64   `json:"errors"`
	FirstError    string  `json:"first_error,omitempty"`
}

const mib = 1024 * 1024

// Meter accumulates records, bytes and latencies for the whole run and for the current window;
// the clock is injected so tests control time. Safe for concurrent use (kgo's callbacks).
type Meter struct {
	mu       sync.Mutex
	now      func() time.Time
	start    time.Time
	winStart time.Time
	total    counts
	win      counts
}

type counts struct {
	records, bytes, errors int64
	firstErr               string
	hist                   Histogram
}

// NewMeter starts a meter at now().
func NewMeter(now func() time.Time) *Meter {
	t := now()
	return &Meter{now: now, start: t, winStart: t}
}

// Restart resets everything, as if the meter started now (after the warm-up records).
func (m *Meter) Restart() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.start, m.winStart = m.now(), m.now()
	m.total, m.win = counts{}, counts{}
}

// Record adds one record of size bytes with its latency.
func (m *Meter) Record(size int, latency time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range []*counts{&m.total, &m.win} {
		c.records++
		c.bytes += int64(size)
		c.hist.Record(latency)
	}
}

// RecordBatch adds n records of bytes in all, with one latency (a fetch).
func (m *Meter) RecordBatch(n int, bytes int64, latency time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range []*counts{&m.total, &m.win} {
		c.records += int64(n)
		c.bytes += bytes
		c.hist.Record(latency)
	}
}

// Fail counts a record that was not delivered.
func (m *Meter) Fail(err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range []*counts{&m.total, &m.win} {
		c.errors++
		if c.firstErr == "" {
			c.firstErr = err.Error()
		}
	}
}

// Window reports the window since the last call (or the start) and opens a new one.
func (m *Meter) Window() Report {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	r := report(&m.win, now.Sub(m.winStart))
	m.win, m.winStart = counts{}, now
	return r
}

// Total reports the whole run so far.
func (m *Meter) Total() Report {
	m.mu.Lock()
	defer m.mu.Unlock()
	return report(&m.total, m.now().Sub(m.start))
}

func report(c *counts, elapsed time.Duration) Report {
	r := Report{Records: c.records, Bytes: c.bytes, ElapsedSec: elapsed.Seconds(), Latency: c.hist.Summary(), Errors: c.errors, FirstError: c.firstErr}
	if s := elapsed.Seconds(); s > 0 {
		r.RecordsPerSec = float64(c.records) / s
		r.MBPerSec = float64(c.bytes) / mib / s
	}
	return r
}
