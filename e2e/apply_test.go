//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
)

// applyTenant is a tenant's whole file: a topic, a SCRAM user, its ACLs, two quotas and a
// per-broker config.
func applyTenant(topic, user, group, pwFile string, ops string) string {
	return fmt.Sprintf(`topics:
  - name: %[1]s
    partitions: 2
    configs: {retention.ms: 3600000}
users:
  - name: %[2]s
    iterations: 8192
    password_file: %[4]s
acls:
  - principal: User:%[2]s
    resource: topic
    name: %[1]s
    operations: [%[5]s]
  - principal: User:%[2]s
    resource: group
    name: %[3]s
    pattern: prefixed
    operations: [read]
quotas:
  - user: %[2]s
    producer_byte_rate: 10485760
  - user: %[2]s
    client_id: %[2]s-cli
    consumer_byte_rate: 20971520
broker_configs:
  - broker: 3
    configs: {log.cleaner.backoff.ms: 15001}
`, topic, user, group, pwFile, ops)
}

func applyCleanup(t *testing.T, topic, user string) {
	accessCleanup(t, "User:"+user, user)
	t.Cleanup(func() {
		adm := Admin(t)
		ctx := context.Background()
		_, _ = adm.DeleteTopics(ctx, topic)
		name, cli := user, user+"-cli"
		_, _ = adm.AlterClientQuotas(ctx, []kadm.AlterClientQuotaEntry{
			{Entity: kadm.ClientQuotaEntity{{Type: "user", Name: &name}}, Ops: []kadm.AlterClientQuotaOp{{Key: "producer_byte_rate", Remove: true}}},
			{Entity: kadm.ClientQuotaEntity{{Type: "user", Name: &name}, {Type: "client-id", Name: &cli}}, Ops: []kadm.AlterClientQuotaOp{{Key: "consumer_byte_rate", Remove: true}}},
		})
		_, _ = adm.AlterBrokerConfigs(ctx, []kadm.AlterConfig{{Op: kadm.DeleteConfig, Name: "log.cleaner.backoff.ms"}}, 3)
	})
}

// TestApplyTenant: one file provisions a tenant (topic, SCRAM user, ACLs, quotas, a broker
// config); the dry run shows every kind and exits 3; applied, the user produces and consumes
// over SCRAM under the ACLs; applying again and export -> apply --dry-run show no changes;
// --prune-acls removes what the file dropped.
func TestApplyTenant(t *testing.T) {
	topic, user, group := Unique(t, "apply-t"), Unique(t, "apply-u"), Unique(t, "apply-g")
	applyCleanup(t, topic, user)
	pw := WriteFile(t, "apply.password", "apply-e2e-secret\n")
	file := WriteFile(t, "tenant.yaml", applyTenant(topic, user, group, pw, "write, describe, read"))

	dry := Kafkit(t, "", "apply", "-f", file, "--dry-run")
	if dry.Code != 3 {
		t.Fatalf("dry run: want exit 3: %s", dry)
	}
	for _, want := range []string{"topic ", "create_user", "create_acl", "set_quota", "set_config", "would_create", "would_alter"} {
		if !strings.Contains(dry.Stdout, want) {
			t.Errorf("dry run lacks %q:\n%s", want, dry.Stdout)
		}
	}
	if _, err := Admin(t).DescribeUserSCRAMs(t.Context(), user); err == nil {
		if d, _ := Admin(t).DescribeUserSCRAMs(t.Context(), user); len(d[user].CredInfos) > 0 {
			t.Fatalf("the dry run created the user")
		}
	}
	ap := MustKafkit(t, "", "apply", "-f", file, "-o", "json")
	if strings.Count(ap.Stdout, `"result": "failed"`) > 0 || !strings.Contains(ap.Stdout, `"result": "created"`) {
		t.Fatalf("apply: %s", ap)
	}
	env := accessSASL(user, pw)
	accessEventually(t, "produce as the provisioned user", func() Result {
		return KafkitEnv(t, env, "a\nb\n", "produce", topic, "-k", "k")
	}, func(r Result) bool { return r.Code == 0 })
	if c := KafkitEnv(t, env, "", "consume", topic, "-g", group+"-1", "-o", "start", "-n", "2"); c.Code != 0 || c.Stdout != "a\nb\n" {
		t.Fatalf("consume as the provisioned user: %s", c)
	}
	again := Kafkit(t, "", "apply", "-f", file)
	if again.Code != 0 || !strings.Contains(again.Stderr, "no changes") {
		t.Fatalf("re-apply: %s", again)
	}
	exp := MustKafkit(t, "", "export", "--topics", topic, "--only", "topics,users,acls,quotas")
	if !strings.Contains(exp.Stdout, "name: "+user) || strings.Contains(exp.Stdout, "apply-e2e-secret") {
		t.Fatalf("export: %s", exp)
	}
	if r := Kafkit(t, exp.Stdout, "apply", "-f", "-", "--dry-run"); r.Code != 0 {
		t.Fatalf("export -> apply --dry-run: want no changes (exit 0): %s\nthe export:\n%s", r, exp.Stdout)
	}
	applyPrune(t, topic, user, group, pw)
	if strings.Contains(dry.Stdout+dry.Stderr+ap.Stdout+ap.Stderr+again.Stderr, "apply-e2e-secret") {
		t.Fatal("the password was printed")
	}
}

// applyPrune drops the read operation from the file: --prune-acls deletes exactly that ACL and
// the user can no longer consume.
func applyPrune(t *testing.T, topic, user, group, pw string) {
	file := WriteFile(t, "tenant-pruned.yaml", applyTenant(topic, user, group, pw, "write, describe"))
	if r := Kafkit(t, "", "apply", "-f", file, "--prune-acls"); r.Code != 2 || !strings.Contains(r.Stderr, "--yes") {
		t.Fatalf("--prune-acls without --yes: want exit 2: %s", r)
	}
	r := MustKafkit(t, "", "apply", "-f", file, "--prune-acls", "--yes")
	if strings.Count(r.Stdout, "delete_acl") != 1 || !strings.Contains(r.Stdout, "allow read on topic "+topic) {
		t.Fatalf("prune: want one delete_acl of read on %s:\n%s", topic, r)
	}
	env := accessSASL(user, pw)
	accessEventually(t, "consume after the prune", func() Result {
		return KafkitEnv(t, env, "", "consume", topic, "-g", group+"-2", "-o", "start", "-n", "1", "--timeout", "3s")
	}, func(r Result) bool { return r.Code != 0 && strings.Contains(r.Stderr, "TOPIC_AUTHORIZATION_FAILED") })
}

// TestApplyBadFileSendsNothing: a file with problems in several sections gets every problem with
// its line, exit 2, and nothing is created.
func TestApplyBadFileSendsNothing(t *testing.T) {
	topic, user := Unique(t, "apply-bad-t"), Unique(t, "apply-bad-u")
	applyCleanup(t, topic, user)
	file := WriteFile(t, "bad.yaml", fmt.Sprintf(`topics:
  - name: %s
users:
  - name: %s
    password: hunter2-in-the-file
acls:
  - principal: %s
    resource: topic
    name: %s
    operations: [read, fly]
quotas:
  - user: %s
    producer_byte_rate: fast
`, topic, user, user, topic, user))
	r := Kafkit(t, "", "apply", "-f", file)
	if r.Code != 2 {
		t.Fatalf("want exit 2: %s", r)
	}
	for _, want := range []string{":5: a password is never written in the file", ":7: an acl needs a principal like User:", ":10: unknown operation \"fly\": use one of all, read,", ":13: producer_byte_rate must be a number", "nothing was sent"} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.Stderr)
		}
	}
	if strings.Contains(r.Stderr, "hunter2-in-the-file") {
		t.Error("the password from the file was echoed")
	}
	md, err := Admin(t).ListTopics(t.Context(), topic)
	if err != nil || md.Has(topic) {
		t.Errorf("the topic was created (err %v)", err)
	}
}
