package apply

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kmsg"
)

func rowsString(acts []Action) string {
	var b strings.Builder
	for _, a := range acts {
		b.WriteString(a.Kind + " " + a.Name + " " + a.Action + " " + a.Detail + "\n")
	}
	return b.String()
}

func TestACLPlan(t *testing.T) {
	read := Binding{Principal: "User:a", Host: "*", Permission: kmsg.ACLPermissionTypeAllow, Resource: kmsg.ACLResourceTypeTopic, Name: "t", Pattern: kmsg.ACLResourcePatternTypeLiteral, Operation: kmsg.ACLOperationRead}
	write, stale, other := read, read, read
	write.Operation = kmsg.ACLOperationWrite
	stale.Name = "old"
	other.Principal = "User:b"
	s := &aclsSection{want: []ACLSpec{{Bindings: []Binding{read, write}}}, prune: true, actual: []Binding{read, stale, other}}
	got := rowsString(s.plan())
	want := "acl User:a create_acl allow write on topic t (literal) from *\n" +
		"acl User:a delete_acl allow read on topic old (literal) from *\n" // User:b is not the file's: kept
	if got != want {
		t.Errorf("plan:\n%s\nwant:\n%s", got, want)
	}
	if len(s.creates) != 1 || len(s.deletes) != 1 {
		t.Errorf("batches: %d creates, %d deletes", len(s.creates), len(s.deletes))
	}
}

func TestUserPlan(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "pw")
	if err := os.WriteFile(pw, []byte("long-enough-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := &usersSection{
		want: []UserSpec{
			{Name: "new", Mechanism: kadm.ScramSha512, Iterations: 8192, PasswordFile: pw},
			{Name: "same", Mechanism: kadm.ScramSha512, Iterations: 8192, PasswordEnv: "UNSET_NOT_NEEDED"},
			{Name: "iter", Mechanism: kadm.ScramSha256, Iterations: 8192, PasswordFile: pw},
		},
		prune: true,
		actual: kadm.DescribedUserSCRAMs{
			"same":  {User: "same", CredInfos: []kadm.CredInfo{{Mechanism: kadm.ScramSha512, Iterations: 8192}}},
			"iter":  {User: "iter", CredInfos: []kadm.CredInfo{{Mechanism: kadm.ScramSha256, Iterations: 4096}}},
			"stale": {User: "stale", CredInfos: []kadm.CredInfo{{Mechanism: kadm.ScramSha256, Iterations: 4096}}},
		},
	}
	acts, err := s.plan("f.yaml", false)
	if err != nil {
		t.Fatal(err)
	}
	want := "user new create_user SCRAM-SHA-512, 8192 iterations\n" +
		"user iter update_user SCRAM-SHA-256: iterations 4096 -> 8192 (password re-set)\n" +
		"user stale delete_user SCRAM-SHA-256\n"
	if got := rowsString(acts); got != want {
		t.Errorf("plan:\n%s\nwant:\n%s", got, want)
	}
	if len(s.upsert) != 2 || s.upsert[0].Password != "long-enough-secret" {
		t.Errorf("upserts: %d, password read %v", len(s.upsert), s.upsert[0].Password == "long-enough-secret")
	}
	for _, a := range acts {
		if strings.Contains(a.Detail, "secret") {
			t.Errorf("a row shows the password: %+v", a)
		}
	}
	// a credential that needs its password, whose variable is not set: an error naming the line
	s2 := &usersSection{want: []UserSpec{{Line: 7, Name: "x", Mechanism: kadm.ScramSha512, Iterations: 8192, PasswordEnv: "KAFKIT_TEST_UNSET_PW"}}}
	if _, err := s2.plan("f.yaml", false); err == nil || !strings.Contains(err.Error(), "f.yaml:7: user \"x\": the environment variable KAFKIT_TEST_UNSET_PW") {
		t.Errorf("unset variable: %v", err)
	}
	t.Setenv("KAFKIT_TEST_SHORT_PW", "short")
	s3 := &usersSection{want: []UserSpec{{Line: 3, Name: "x", Mechanism: kadm.ScramSha512, Iterations: 8192, PasswordEnv: "KAFKIT_TEST_SHORT_PW"}}}
	if _, err := s3.plan("f.yaml", false); err == nil || !strings.Contains(err.Error(), "shorter than 8") || strings.Contains(err.Error(), "short\"") {
		t.Errorf("short password: %v", err)
	}
}

func TestQuotaPlan(t *testing.T) {
	a := "a"
	user := kadm.ClientQuotaEntity{{Type: "user", Name: &a}}
	other := kadm.ClientQuotaEntity{{Type: "ip", Name: nil}}
	s := &quotasSection{
		want:  []QuotaSpec{{Entity: user, Values: map[string]float64{"producer_byte_rate": 2048, "consumer_byte_rate": 100}}},
		prune: true,
		actual: map[string]kadm.DescribedClientQuota{
			"user=a":       {Entity: user, Values: kadm.ClientQuotaValues{{Key: "producer_byte_rate", Value: 1024}, {Key: "consumer_byte_rate", Value: 100}, {Key: "request_percentage", Value: 50}}},
			"ip=<default>": {Entity: other, Values: kadm.ClientQuotaValues{{Key: "connection_creation_rate", Value: 5}}},
		},
	}
	want := "quota user=a set_quota producer_byte_rate: 1024 -> 2048\n" +
		"quota user=a unset_quota request_percentage (was 50)\n" +
		"quota ip=<default> unset_quota connection_creation_rate (was 5)\n"
	if got := rowsString(s.plan()); got != want {
		t.Errorf("plan:\n%s\nwant:\n%s", got, want)
	}
	if len(s.entries) != 2 {
		t.Errorf("%d entries, want 2 (one per entity, in one request)", len(s.entries))
	}
}

func TestBrokerConfigPlan(t *testing.T) {
	v1, v2 := "1000", "3"
	s := &brokersSection{
		want:  []BrokerConfigSpec{{Broker: -1, Configs: map[string]string{"log.retention.ms": "1000"}}, {Broker: 2, Configs: map[string]string{"log.cleaner.threads": "2"}}},
		prune: true,
		actual: map[int32]map[string]kadm.Config{
			-1: {"log.retention.ms": {Key: "log.retention.ms", Value: &v1, Source: kmsg.ConfigSourceDynamicDefaultBrokerConfig}},
			2:  {"log.cleaner.threads": {Key: "log.cleaner.threads", Value: &v2, Source: kmsg.ConfigSourceDynamicBrokerConfig}, "num.io.threads": {Key: "num.io.threads", Value: &v2, Source: kmsg.ConfigSourceDynamicBrokerConfig}},
		},
	}
	acts, err := s.plan("f.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := "broker_config broker 2 set_config log.cleaner.threads: 3 -> 2\n" +
		"broker_config broker 2 unset_config num.io.threads\n"
	if got := rowsString(acts); got != want {
		t.Errorf("plan:\n%s\nwant:\n%s", got, want)
	}
	s.actual[2]["sasl.jaas.config"] = kadm.Config{Key: "sasl.jaas.config", Sensitive: true}
	s.want[1].Configs["sasl.jaas.config"] = "x"
	if _, err := s.plan("f.yaml"); err == nil || !strings.Contains(err.Error(), "sensitive") {
		t.Errorf("sensitive config: %v", err)
	}
}
