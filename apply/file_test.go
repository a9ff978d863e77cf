package apply

import (
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"
)

func TestParseErrors(t *testing.T) {
	for _, c := range []struct {
		name, file string
		want       []string // each must appear in the error, with its line
	}{
		{"empty", ``, []string{"f.yaml: the file is empty"}},
		{"unknown section", "topicz: []\n", []string{`f.yaml:1: unknown key "topicz"`}},
		{"section twice", "acls: []\nacls: []\n", []string{`f.yaml:2: "acls" is given twice (first at line 1)`}},
		{"password in the file", "users:\n  - name: a\n    password: hunter22\n", []string{
			"f.yaml:3: a password is never written in the file", `f.yaml:2: user "a" needs password_file or password_env`}},
		{"low iterations", "users:\n  - name: a\n    iterations: 1000\n    password_env: X\n", []string{`f.yaml:3: "iterations" must be a whole number from 4096 to 16384`}},
		{"bad mechanism", "users:\n  - name: a\n    mechanism: MD5\n    password_env: X\n", []string{`f.yaml:3: mechanism "MD5"`}},
		{"principal without a type", "acls:\n  - principal: alice\n    resource: topic\n    name: t\n    operations: [read]\n", []string{
			`f.yaml:2: an acl needs a principal like User:orders-app (got "alice")`}},
		{"unknown operation", "acls:\n  - principal: User:a\n    resource: topic\n    name: t\n    operations: [read, fly]\n", []string{`f.yaml:5: unknown operation "fly": use one of all, read,`}},
		{"operation the resource type lacks", "acls:\n  - principal: User:a\n    resource: group\n    name: g\n    operations:\n      - read\n      - write\n", []string{
			"f.yaml:7: operation write does not apply to a group: use all, alter-configs, delete, describe, describe-configs, read"}},
		{"unknown resource", "acls:\n  - principal: User:a\n    resource: table\n    name: t\n    operations: [read]\n", []string{`f.yaml:3: unknown resource type "table": use one of topic, group`}},
		{"any is not an operation to grant", "acls:\n  - principal: User:a\n    resource: topic\n    name: t\n    operations: any\n", []string{`operation "any"`}},
		{"duplicate acl", "acls:\n  - principal: User:a\n    resource: topic\n    name: t\n    operations: [read, read]\n", []string{"is listed twice"}},
		{"quota not a number", "quotas:\n  - user: a\n    producer_byte_rate: fast\n", []string{`f.yaml:3: producer_byte_rate must be a number of at least 0, got "fast"`}},
		{"quota unknown key", "quotas:\n  - user: a\n    byte_rate: 5\n", []string{`f.yaml:3: unknown key "byte_rate" in a quota`}},
		{"quota without entity", "quotas:\n  - producer_byte_rate: 5\n", []string{"f.yaml:2: a quota needs its entity"}},
		{"broker id", "broker_configs:\n  - broker: all\n    configs: {a: b}\n", []string{`f.yaml:2: broker "all"`}},
		{"topics keep topic apply's checks", "topics:\n  - name: a\n    partitions: zero\n", []string{"f.yaml:3:"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("f.yaml", []byte(c.file))
			if err == nil {
				t.Fatalf("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestParseTenant(t *testing.T) {
	d, err := Parse("f.yaml", []byte(`
topics:
  - name: orders
users:
  - name: app
    password_env: APP_PW
acls:
  - principal: User:app
    resource: cluster
    operations: [IdempotentWrite]
  - principal: User:app
    host: 10.0.0.1
    permission: deny
    resource: TRANSACTIONAL_ID
    name: app-
    pattern: prefixed
    operations: [write, describe]
quotas:
  - user: <default>
    client_id: c1
    request_percentage: 12.5
broker_configs:
  - broker: default
    configs: {log.retention.ms: 1000}
  - broker: 2
    configs: {log.cleaner.threads: 2}
`))
	if err != nil {
		t.Fatal(err)
	}
	if !d.HasTopics || len(d.Topics) != 1 || d.Users[0].Iterations != defaultIterations || d.Users[0].Mechanism.String() != "SCRAM-SHA-512" {
		t.Errorf("topics/users: %+v %+v", d.Topics, d.Users)
	}
	if b := d.ACLs[0].Bindings[0]; b.Name != "kafka-cluster" || b.Host != "*" || b.Operation != kmsg.ACLOperationIdempotentWrite {
		t.Errorf("cluster acl: %+v", b)
	}
	if bs := d.ACLs[1].Bindings; len(bs) != 2 || bs[0].Permission != kmsg.ACLPermissionTypeDeny || bs[0].Pattern != kmsg.ACLResourcePatternTypePrefixed || bs[1].Host != "10.0.0.1" {
		t.Errorf("prefixed deny acl: %+v", bs)
	}
	if q := d.Quotas[0]; entityString(q.Entity) != "client-id=c1,user=<default>" || q.Values["request_percentage"] != 12.5 {
		t.Errorf("quota: %s %v", entityString(q.Entity), q.Values)
	}
	if b := d.BrokerConfigs; len(b) != 2 || b[0].Broker != -1 || b[1].Broker != 2 || b[0].Configs["log.retention.ms"] != "1000" {
		t.Errorf("broker configs: %+v", b)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("acls:\n  - principal: User:a\n    resource: topic\n    name: t\n    operations: [read]\n")
	f.Add("quotas:\n  - user: a\n    producer_byte_rate: 1e3\n")
	f.Add("users:\n  - name: a\n    password_file: /x\n")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse("f", []byte(s))
		if err == nil && d == nil {
			t.Fatal("nil Desired without an error")
		}
	})
}
