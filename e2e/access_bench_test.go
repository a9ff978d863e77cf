//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/acl"
)

// accessBenchOps are the 8 operations a topic supports: 125 topics × 8 = 1000 ACLs.
var accessBenchOps = []string{"read", "write", "create", "describe", "delete", "alter", "describe-configs", "alter-configs"}

func accessBenchCleanup(b *testing.B, principals []string, users []string) {
	cl := Client(b)
	var fs []acl.Filter
	for i := range principals {
		fs = append(fs, acl.Filter{Type: kmsg.ACLResourceTypeAny, Pattern: kmsg.ACLResourcePatternTypeAny, Principal: &principals[i], Operation: kmsg.ACLOperationAny, Permission: kmsg.ACLPermissionTypeAny})
	}
	if _, err := acl.Delete(context.Background(), cl, fs); err != nil {
		b.Logf("cleanup of ACLs: %v", err)
	}
	var del []kadm.DeleteSCRAM
	for _, u := range users {
		del = append(del, kadm.DeleteSCRAM{User: u, Mechanism: kadm.ScramSha512})
	}
	if _, err := kadm.NewClient(cl).AlterUserSCRAMs(context.Background(), del, nil); err != nil {
		b.Logf("cleanup of users: %v", err)
	}
}

// BenchmarkAccessProvision creates 1000 ACLs (one principal, 8 operations on 125 topics) and
// 200 SCRAM users with kafkit: one `kafkit acl create` (one CreateACLs request) and one
// `kafkit user create --password-dir` (one AlterUserScramCredentials request), counted from
// kafkit's -v request log. The Java side is the equivalent shell loop: one AclCommand --add
// per topic (its 8 operations, 125 calls) and one ConfigCommand --add-config SCRAM-SHA-512
// per user (200 calls). A full loop takes ~10 minutes of JVM starts, so KAFKIT_BENCH_JAVA_CALLS
// (default 5) calls of each are timed and their mean is multiplied by the loop's length:
// java_*_s are those extrapolations and the ratios are java_*_s / kafkit_*_s.
func BenchmarkAccessProvision(b *testing.B) {
	const topics, users, iterations = 125, 200, 4096
	javaN := topicBenchEnvInt("KAFKIT_BENCH_JAVA_CALLS", 5)
	for i := 0; i < b.N; i++ {
		prefix := Unique(b, "bench-access")
		principal, javaPrincipal := "User:"+prefix+"-k", "User:"+prefix+"-j"
		var names []string
		dir := b.TempDir()
		for u := 0; u < users; u++ {
			names = append(names, fmt.Sprintf("%s-u%03d", prefix, u))
			if err := os.WriteFile(filepath.Join(dir, names[u]), []byte(fmt.Sprintf("password-%s-%d", prefix, u)), 0o600); err != nil {
				b.Fatal(err)
			}
		}
		javaUsers := []string{}
		for u := 0; u < javaN; u++ {
			javaUsers = append(javaUsers, fmt.Sprintf("%s-j%03d", prefix, u))
		}
		b.Cleanup(func() { accessBenchCleanup(b, []string{principal, javaPrincipal}, append(append([]string{}, names...), javaUsers...)) })

		args := []string{"-v", "--timeout", "60s", "acl", "create", "--principal", principal, "--operation", strings.Join(accessBenchOps, ",")}
		for t := 0; t < topics; t++ {
			args = append(args, "--topic", fmt.Sprintf("%s-t%03d", prefix, t))
		}
		ra := Kafkit(b, "", args...)
		if ra.Code != 0 || !strings.Contains(ra.Stderr, "created 1000 ACLs") {
			b.Fatalf("kafkit acl create: %s", ra)
		}
		ru := Kafkit(b, "", append([]string{"-v", "--timeout", "60s", "user", "create", "--password-dir", dir, "--iterations", fmt.Sprint(iterations)}, names...)...)
		if ru.Code != 0 || !strings.Contains(ru.Stderr, fmt.Sprintf("created %d credentials", users)) {
			b.Fatalf("kafkit user create: %s", ru)
		}
		javaACL := accessBenchJava(b, javaN, func(j int) []string {
			a := []string{"--bootstrap-server", Brokers(), "--add", "--allow-principal", javaPrincipal, "--topic", fmt.Sprintf("%s-jt%03d", prefix, j)}
			for _, op := range []string{"Read", "Write", "Create", "Describe", "Delete", "Alter", "DescribeConfigs", "AlterConfigs"} {
				a = append(a, "--operation", op)
			}
			return append([]string{compatClasses["kafka-acls.sh"]}, a...)
		})
		javaUser := accessBenchJava(b, javaN, func(j int) []string {
			return []string{compatClasses["kafka-configs.sh"], "--bootstrap-server", Brokers(), "--alter", "--entity-type", "users", "--entity-name", javaUsers[j],
				"--add-config", fmt.Sprintf("SCRAM-SHA-512=[iterations=%d,password=bench-password-%d]", iterations, j)}
		})
		kACL, kUser := ra.Elapsed.Seconds(), ru.Elapsed.Seconds()
		jACL, jUser := javaACL*topics, javaUser*users
		b.ReportMetric(kACL, "kafkit_1000_acls_s")
		b.ReportMetric(kUser, "kafkit_200_users_s")
		b.ReportMetric(float64(strings.Count(ra.Stderr, "wrote CreateACLs")), "create_acls_requests")
		b.ReportMetric(float64(strings.Count(ru.Stderr, "wrote AlterUserSCRAMCredentials")), "alter_scram_requests")
		b.ReportMetric(javaACL, "java_acl_call_s")
		b.ReportMetric(javaUser, "java_user_call_s")
		b.ReportMetric(jACL, "java_125_acl_calls_s")
		b.ReportMetric(jUser, "java_200_user_calls_s")
		b.ReportMetric(jACL/kACL, "acl_ratio")
		b.ReportMetric(jUser/kUser, "user_ratio")
		b.ReportMetric((jACL+jUser)/(kACL+kUser), "total_ratio")
	}
}

// accessBenchJava runs n Java tool calls (args(j) is class then arguments) and returns the
// mean seconds per call.
func accessBenchJava(b *testing.B, n int, args func(j int) []string) float64 {
	start := time.Now()
	for j := 0; j < n; j++ {
		a := args(j)
		if r := JavaTool(b, "", a[0], a[1:]...); r.Code != 0 {
			b.Fatalf("%s: %s", a[0], r)
		}
	}
	return time.Since(start).Seconds() / float64(n)
}
