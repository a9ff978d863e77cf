//go:build e2e

package e2e

import (
	"sort"
	"testing"
	"time"
)

// medianOf runs fn n times and returns the median duration; fn reports the time of one run.
func medianOf(n int, fn func() time.Duration) time.Duration {
	ds := make([]time.Duration, n)
	for i := range ds {
		ds[i] = fn()
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[n/2]
}

// BenchmarkClusterInfoLatency: one interactive question ("what is this cluster?") answered by
// kafkit, kcat -L and the Java kafka-metadata-quorum tool, same cluster, same run.
func BenchmarkClusterInfoLatency(b *testing.B) {
	for i := 0; i < b.N; i++ {
		k := medianOf(7, func() time.Duration {
			r := Kafkit(b, "", "cluster", "info")
			if r.Code != 0 {
				b.Fatal(r)
			}
			return r.Elapsed
		})
		c := medianOf(7, func() time.Duration {
			r := Kcat(b, "", "-L", "-m", "5")
			if r.Code != 0 {
				b.Fatal(r)
			}
			return r.Elapsed
		})
		j := medianOf(3, func() time.Duration {
			r := JavaTool(b, "", "org.apache.kafka.tools.MetadataQuorumCommand", "--bootstrap-server", Brokers(), "describe", "--status")
			if r.Code != 0 {
				b.Fatal(r)
			}
			return r.Elapsed
		})
		b.ReportMetric(float64(k.Microseconds())/1000, "kafkit_ms")
		b.ReportMetric(float64(c.Microseconds())/1000, "kcat_ms")
		b.ReportMetric(float64(j.Microseconds())/1000, "java_ms")
		b.ReportMetric(float64(j)/float64(k), "java/kafkit")
		b.ReportMetric(float64(c)/float64(k), "kcat/kafkit")
		b.Logf("cluster info median: kafkit %v, kcat -L %v, kafka-metadata-quorum %v (java/kafkit %.0fx, kcat/kafkit %.2fx)", k, c, j, float64(j)/float64(k), float64(c)/float64(k))
	}
}
