//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkBrokeropsCompat: the brokerops scripts through the Java tool and through kafkit,
// same cluster, same run; reported as java/kafkit wall-time ratios. Read-only command lines
// (feature changes are validate-only).
func BenchmarkBrokeropsCompat(b *testing.B) {
	dir := b.TempDir()
	for _, s := range []string{"kafka-log-dirs.sh", "kafka-features.sh", "kafka-leader-election.sh", "kafka-cluster.sh", "kafka-metadata-quorum.sh"} {
		if err := os.Symlink(binPath, filepath.Join(dir, s)); err != nil {
			b.Fatal(err)
		}
	}
	B := Brokers()
	cases := []struct {
		name, script string
		args         []string
	}{
		{"log-dirs", "kafka-log-dirs.sh", []string{"--bootstrap-server", B, "--describe"}},
		{"features-describe", "kafka-features.sh", []string{"--bootstrap-server", B, "describe"}},
		{"features-upgrade-dry", "kafka-features.sh", []string{"--bootstrap-server", B, "upgrade", "--release-version", "4.1-IV1", "--dry-run"}},
		{"elect-preferred", "kafka-leader-election.sh", []string{"--bootstrap-server", B, "--election-type", "PREFERRED", "--topic", "__consumer_offsets", "--partition", "0"}},
		{"cluster-endpoints", "kafka-cluster.sh", []string{"list-endpoints", "--bootstrap-server", B}},
		{"quorum-replication", "kafka-metadata-quorum.sh", []string{"--bootstrap-server", B, "describe", "--replication"}},
	}
	for i := 0; i < b.N; i++ {
		for _, c := range cases {
			k := medianOf(5, func() time.Duration {
				r := run(b.Context(), nil, "", filepath.Join(dir, c.script), c.args...)
				if r.Code != 0 {
					b.Fatalf("kafkit %s: %s", c.name, r)
				}
				return r.Elapsed
			})
			j := medianOf(3, func() time.Duration {
				r := JavaTool(b, "", compatClasses[c.script], c.args...)
				if r.Code != 0 {
					b.Fatalf("java %s: %s", c.name, r)
				}
				return r.Elapsed
			})
			b.ReportMetric(float64(j)/float64(k), c.name+"_java/kafkit")
			b.Logf("%s %s: kafkit %v, java %v (java/kafkit %.0fx)", c.script, c.name, k.Round(100*time.Microsecond), j.Round(time.Millisecond), float64(j)/float64(k))
		}
	}
}
