//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkTxnFindHanging: find-hanging on one topic (6 partitions, one hanging transaction)
// and on every partition of broker 1, through kafkit (native and as kafka-transactions.sh) and
// through the Java tool, on the same cluster; the ratios are the Java tool's wall time over
// kafkit's (median of 3).
func BenchmarkTxnFindHanging(b *testing.B) {
	topic := Unique(b, "txn-bench")
	txnTopic(b, topic, 6)
	txnGhost(b, topic, 2)
	dir := b.TempDir()
	if err := os.Symlink(binPath, filepath.Join(dir, "kafka-transactions.sh")); err != nil {
		b.Fatal(err)
	}
	B := Brokers()
	cases := []struct {
		name         string
		native, java []string
	}{
		{"topic", []string{"txn", "find-hanging", "--topic", topic}, []string{"--bootstrap-server", B, "find-hanging", "--topic", topic}},
		{"broker", []string{"txn", "find-hanging", "--broker", "1"}, []string{"--bootstrap-server", B, "find-hanging", "--broker-id", "1"}},
	}
	for i := 0; i < b.N; i++ {
		for _, c := range cases {
			k := medianOf(3, func() time.Duration {
				r := Kafkit(b, "", c.native...)
				if r.Code != 3 {
					b.Fatalf("kafkit %v: %s", c.native, r)
				}
				return r.Elapsed
			})
			kc := medianOf(3, func() time.Duration {
				return run(b.Context(), nil, "", filepath.Join(dir, "kafka-transactions.sh"), c.java...).Elapsed
			})
			j := medianOf(3, func() time.Duration {
				r := JavaTool(b, "", compatClasses["kafka-transactions.sh"], c.java...)
				if r.Code != 0 {
					b.Fatalf("java %v: %s", c.java, r)
				}
				return r.Elapsed
			})
			b.ReportMetric(float64(j)/float64(k), c.name+"_java/kafkit")
			b.ReportMetric(float64(j)/float64(kc), c.name+"_java/compat")
			b.Logf("find-hanging %s: kafkit %v, compat %v, java %v (java/kafkit %.0fx)", c.name, k.Round(100*time.Microsecond), kc.Round(100*time.Microsecond), j.Round(time.Millisecond), float64(j)/float64(k))
		}
	}
}
