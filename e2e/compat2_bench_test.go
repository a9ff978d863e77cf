//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// BenchmarkCompat2: the scripts and options TestCompat2 covers, through the Java tool and
// through kafkit, same cluster, same run; the ratio is the Java tool's wall time over kafkit's.
func BenchmarkCompat2(b *testing.B) {
	dir := b.TempDir()
	for script := range compatClasses {
		if err := os.Symlink(binPath, filepath.Join(dir, script)); err != nil {
			b.Fatal(err)
		}
	}
	topic := fmt.Sprintf("compat2-bench-%d", time.Now().UnixNano())
	if r := Kafkit(b, "", "topic", "create", topic, "-p", "3", "-r", "3"); r.Code != 0 {
		b.Fatal(r)
	}
	defer Kafkit(b, "", "topic", "delete", topic, "--if-exists")
	lines := strings.Repeat("h1:a,h2:b\tkey:value\n", 1000)
	B := Brokers()
	headers := []string{"--bootstrap-server", B, "--topic", topic, "--property", "parse.headers=true", "--property", "parse.key=true", "--property", "key.separator=:"}
	cases := []struct {
		name, script, stdin string
		args                []string
	}{
		// first: it writes the records the console consumer case reads
		{"console-producer-headers-1000", "kafka-console-producer.sh", lines, headers},
		{"broker-api-versions", "kafka-broker-api-versions.sh", "", []string{"--bootstrap-server", B}},
		{"consumer-groups-reset-dry-run", "kafka-consumer-groups.sh", "", []string{"--bootstrap-server", B, "--reset-offsets", "--group", topic + "-g", "--topic", topic, "--to-earliest", "--dry-run"}},
		{"console-consumer-formatter-1000", "kafka-console-consumer.sh", "", []string{"--bootstrap-server", B, "--topic", topic, "--from-beginning", "--max-messages", "1000",
			"--property", "print.value=false", "--property", "print.key=true", "--property", "print.headers=true", "--property", "null.literal=NIL"}},
	}
	for i := 0; i < b.N; i++ {
		for _, c := range cases {
			k := medianOf(5, func() time.Duration {
				r := run(b.Context(), nil, c.stdin, filepath.Join(dir, c.script), c.args...)
				if r.Code != 0 {
					b.Fatalf("kafkit %s: %s", c.name, r)
				}
				return r.Elapsed
			})
			j := medianOf(3, func() time.Duration {
				r := JavaTool(b, c.stdin, compatClasses[c.script], c.args...)
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
