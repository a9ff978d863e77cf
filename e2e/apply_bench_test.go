//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
)

// applyBenchFile is 200 users (one password file each), 1000 ACLs (one principal per user,
// 5 operations on its topic) and 200 quotas: one tenant file for 200 applications.
func applyBenchFile(b *testing.B, prefix string, n int) (file string, users []string) {
	dir := b.TempDir()
	var sb strings.Builder
	sb.WriteString("users:\n")
	for i := 0; i < n; i++ {
		u := fmt.Sprintf("%s-u%03d", prefix, i)
		users = append(users, u)
		pw := filepath.Join(dir, u)
		if err := os.WriteFile(pw, []byte("password-"+u), 0o600); err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(&sb, "  - {name: %s, iterations: 4096, password_file: %s}\n", u, pw)
	}
	sb.WriteString("acls:\n")
	for _, u := range users {
		fmt.Fprintf(&sb, "  - {principal: 'User:%s', resource: topic, name: %s-t, operations: [read, write, describe, create, delete]}\n", u, u)
	}
	sb.WriteString("quotas:\n")
	for _, u := range users {
		fmt.Fprintf(&sb, "  - {user: %s, producer_byte_rate: 1048576, consumer_byte_rate: 2097152}\n", u)
	}
	file = filepath.Join(dir, "tenants.yaml")
	if err := os.WriteFile(file, []byte(sb.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	return file, users
}

func applyBenchCleanup(b *testing.B, users []string) {
	adm := Admin(b)
	var del []kadm.DeleteSCRAM
	var quotas []kadm.AlterClientQuotaEntry
	principals := make([]string, len(users))
	for i := range users {
		del = append(del, kadm.DeleteSCRAM{User: users[i], Mechanism: kadm.ScramSha512})
		quotas = append(quotas, kadm.AlterClientQuotaEntry{Entity: kadm.ClientQuotaEntity{{Type: "user", Name: &users[i]}},
			Ops: []kadm.AlterClientQuotaOp{{Key: "producer_byte_rate", Remove: true}, {Key: "consumer_byte_rate", Remove: true}}})
		principals[i] = "User:" + users[i]
	}
	ctx := context.Background()
	_, _ = adm.AlterUserSCRAMs(ctx, del, nil)
	_, _ = adm.AlterClientQuotas(ctx, quotas)
	accessBenchCleanup(b, principals, nil)
}

// BenchmarkApplyTenants provisions 200 SCRAM users, 1000 ACLs and 200 quotas from one file with
// one `kafkit apply` (one request per kind, counted from the -v request log), then applies it
// again (no changes). The Java side is the equivalent shell loop: one ConfigCommand call per
// user for its credential, one AclCommand call per user for its 5 operations, one ConfigCommand
// call per user for its quotas (600 JVM starts). KAFKIT_BENCH_JAVA_CALLS (default 3) calls of
// each are timed; their mean times the loop's length is java_loop_s, and ratio is
// java_loop_s / kafkit_apply_s.
func BenchmarkApplyTenants(b *testing.B) {
	const n = 200
	javaN := topicBenchEnvInt("KAFKIT_BENCH_JAVA_CALLS", 3)
	for i := 0; i < b.N; i++ {
		prefix := Unique(b, "bench-apply")
		file, users := applyBenchFile(b, prefix, n)
		javaUsers := make([]string, javaN)
		for j := range javaUsers {
			javaUsers[j] = fmt.Sprintf("%s-j%03d", prefix, j)
		}
		b.Cleanup(func() { applyBenchCleanup(b, append(append([]string{}, users...), javaUsers...)) })
		r := Kafkit(b, "", "-v", "--timeout", "60s", "apply", "-f", file)
		if r.Code != 0 || strings.Count(r.Stdout, "created")+strings.Count(r.Stdout, "altered") < 3*n {
			b.Fatalf("kafkit apply: %s", r)
		}
		again := Kafkit(b, "", "--timeout", "60s", "apply", "-f", file)
		if again.Code != 0 || !strings.Contains(again.Stderr, "no changes") {
			b.Fatalf("kafkit apply again: %s", again)
		}
		jUser := accessBenchJava(b, javaN, func(j int) []string {
			return []string{compatClasses["kafka-configs.sh"], "--bootstrap-server", Brokers(), "--alter", "--entity-type", "users", "--entity-name", javaUsers[j],
				"--add-config", fmt.Sprintf("SCRAM-SHA-512=[iterations=4096,password=bench-password-%d]", j)}
		})
		jACL := accessBenchJava(b, javaN, func(j int) []string {
			a := []string{compatClasses["kafka-acls.sh"], "--bootstrap-server", Brokers(), "--add", "--allow-principal", "User:" + javaUsers[j], "--topic", javaUsers[j] + "-t"}
			for _, op := range []string{"Read", "Write", "Describe", "Create", "Delete"} {
				a = append(a, "--operation", op)
			}
			return a
		})
		jQuota := accessBenchJava(b, javaN, func(j int) []string {
			return []string{compatClasses["kafka-configs.sh"], "--bootstrap-server", Brokers(), "--alter", "--entity-type", "users", "--entity-name", javaUsers[j],
				"--add-config", "producer_byte_rate=1048576,consumer_byte_rate=2097152"}
		})
		k := r.Elapsed.Seconds()
		loop := (jUser + jACL + jQuota) * n
		b.ReportMetric(k, "kafkit_apply_s")
		b.ReportMetric(again.Elapsed.Seconds(), "kafkit_reapply_s")
		for _, req := range []string{"AlterUserSCRAMCredentials", "CreateACLs", "AlterClientQuotas"} {
			b.ReportMetric(float64(strings.Count(r.Stderr, "wrote "+req)), strings.ToLower(req)+"_requests")
		}
		b.ReportMetric(loop, "java_loop_s")
		b.ReportMetric(loop/k, "ratio")
	}
}
