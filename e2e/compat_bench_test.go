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

// BenchmarkCompat: the same kafka-*.sh command line through the Java tool and through kafkit
// (invoked by the script's name), same cluster, same run; the ratio per script is the wall time
// of the Java tool over kafkit's (goal: >= 20x).
func BenchmarkCompat(b *testing.B) {
	dir := b.TempDir()
	for script := range compatClasses {
		if err := os.Symlink(binPath, filepath.Join(dir, script)); err != nil {
			b.Fatal(err)
		}
	}
	topic := fmt.Sprintf("compat-bench-%d", time.Now().UnixNano())
	if r := Kafkit(b, "", "topic", "create", topic, "-p", "3", "-r", "3"); r.Code != 0 {
		b.Fatal(r)
	}
	defer Kafkit(b, "", "topic", "delete", topic, "--if-exists")
	lines := strings.Repeat("key:value\n", 1000)
	if r := Kafkit(b, lines, "produce", topic, "-K", ":"); r.Code != 0 {
		b.Fatal(r)
	}
	if r := Kafkit(b, "", "consume", topic, "-g", topic+"-g", "-o", "start", "-n", "500"); r.Code != 0 {
		b.Fatal(r)
	}
	B := Brokers()
	cases := []struct {
		name, script, stdin string
		args                []string
	}{
		{"topics-list", "kafka-topics.sh", "", []string{"--bootstrap-server", B, "--list"}},
		{"topics-describe", "kafka-topics.sh", "", []string{"--bootstrap-server", B, "--describe", "--topic", topic}},
		{"topics-create-exists", "kafka-topics.sh", "", []string{"--bootstrap-server", B, "--create", "--topic", topic, "--if-not-exists"}},
		{"console-consumer-1000", "kafka-console-consumer.sh", "", []string{"--bootstrap-server", B, "--topic", topic, "--from-beginning", "--max-messages", "1000", "--property", "print.key=true"}},
		{"console-producer-1000", "kafka-console-producer.sh", lines, []string{"--bootstrap-server", B, "--topic", topic, "--property", "parse.key=true", "--property", "key.separator=:"}},
		{"consumer-groups-describe", "kafka-consumer-groups.sh", "", []string{"--bootstrap-server", B, "--describe", "--group", topic + "-g"}},
		{"get-offsets", "kafka-get-offsets.sh", "", []string{"--bootstrap-server", B, "--topic", topic}},
		{"configs-describe", "kafka-configs.sh", "", []string{"--bootstrap-server", B, "--entity-type", "topics", "--entity-name", topic, "--describe"}},
		{"metadata-quorum-status", "kafka-metadata-quorum.sh", "", []string{"--bootstrap-server", B, "describe", "--status"}},
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
