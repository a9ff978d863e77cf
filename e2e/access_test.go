//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/acl"
)

// accessCleanup removes every ACL of principal and the SCRAM user name when the test ends.
func accessCleanup(t *testing.T, principal, user string) {
	t.Cleanup(func() {
		cl := Client(t)
		f := acl.Filter{Type: kmsg.ACLResourceTypeAny, Pattern: kmsg.ACLResourcePatternTypeAny, Principal: &principal, Operation: kmsg.ACLOperationAny, Permission: kmsg.ACLPermissionTypeAny}
		_, _ = acl.Delete(context.Background(), cl, []acl.Filter{f})
		if user != "" {
			_, _ = kadm.NewClient(cl).AlterUserSCRAMs(context.Background(), []kadm.DeleteSCRAM{{User: user, Mechanism: kadm.ScramSha512}}, nil)
		}
	})
}

// accessSASL is the environment of a kafkit run as user over the SASL listener.
func accessSASL(user, passwordFile string) []string {
	return []string{"KAFKIT_BROKERS=" + SASLBrokers(), "KAFKIT_SASL_USER=" + user, "KAFKIT_SASL_PASSWORD_FILE=" + passwordFile, "KAFKIT_SASL_MECHANISM=SCRAM-SHA-512"}
}

// accessEventually retries run until ok or 15 s pass: ACL and credential changes reach every
// broker's authorizer through the metadata log, a moment after the request returns.
func accessEventually(t *testing.T, what string, run func() Result, ok func(Result) bool) Result {
	t.Helper()
	var r Result
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
		if r = run(); ok(r) {
			return r
		}
	}
	t.Fatalf("%s: %s", what, r)
	return r
}

// A SCRAM user made and granted by kafkit produces and consumes over SASL; revoked, produce
// fails with an authorization error and a message naming the permissions to ask for.
func TestAccessSCRAMUserACLs(t *testing.T) {
	user, topic, group := Unique(t, "access-u"), Unique(t, "access-t"), Unique(t, "access-g")
	principal := "User:" + user
	accessCleanup(t, principal, user)
	if _, err := Admin(t).CreateTopic(t.Context(), 2, 3, nil, topic); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = Admin(t).DeleteTopics(context.Background(), topic) }) // t.Context() is done when cleanups run
	pw := WriteFile(t, "password", "access-e2e-secret\n")
	uc := MustKafkit(t, "", "-v", "user", "create", user, "--password-file", pw)
	r := MustKafkit(t, "", "acl", "create", "--principal", principal, "--producer", "--consumer", "--topic", topic, "--group", group, "-o", "json")
	var rows []map[string]string
	if err := json.Unmarshal([]byte(r.Stdout), &rows); err != nil || len(rows) != 5 {
		t.Fatalf("create: %v, %d rows\n%s", err, len(rows), r)
	}
	env := accessSASL(user, pw)
	accessEventually(t, "produce as the granted user", func() Result {
		return KafkitEnv(t, env, "one\ntwo\n", "produce", topic, "-k", "fixed")
	}, func(r Result) bool { return r.Code == 0 })
	c := KafkitEnv(t, env, "", "consume", topic, "-g", group, "-o", "start", "-n", "2")
	if c.Code != 0 || c.Stdout != "one\ntwo\n" {
		t.Fatalf("consume as the granted user: %s", c)
	}
	MustKafkit(t, "", "acl", "delete", "--principal", principal, "--topic", topic, "--yes")
	denied := accessEventually(t, "produce after the revoke", func() Result {
		return KafkitEnv(t, env, "three\n", "produce", topic)
	}, func(r Result) bool { return r.Code == 1 })
	// The refusal comes with the metadata (4.x: "ask for WRITE and DESCRIBE"), with the produce
	// itself (3.9: "ask for a WRITE ACL"), or on 3.9 before it, when the broker asked for the
	// idempotent producer's id has already applied the revoke: the user may write to no topic,
	// so InitProducerId fails with CLUSTER_AUTHORIZATION_FAILED. Each way names the permission.
	if !strings.Contains(denied.Stderr, "TOPIC_AUTHORIZATION_FAILED") && !strings.Contains(denied.Stderr, "CLUSTER_AUTHORIZATION_FAILED") {
		t.Errorf("denied produce: stderr names neither TOPIC_ nor CLUSTER_AUTHORIZATION_FAILED:\n%s", denied.Stderr)
	}
	for _, want := range []string{"ask for ", "WRITE", topic} {
		if !strings.Contains(denied.Stderr, want) {
			t.Errorf("denied produce: stderr lacks %q:\n%s", want, denied.Stderr)
		}
	}
	if strings.Contains(uc.Stdout+uc.Stderr+c.Stderr+denied.Stderr+r.Stderr, "access-e2e-secret") {
		t.Fatal("the password was printed (user create -v, produce or consume)")
	}
}

// accessJavaEntry is how AclCommand prints a kafkit JSON row's entry.
func accessJavaEntry(r map[string]string) string {
	return fmt.Sprintf("\t(principal=%s, host=%s, operation=%s, permissionType=%s)", r["principal"], r["host"],
		strings.ToUpper(strings.ReplaceAll(r["operation"], "-", "_")), strings.ToUpper(r["permission"]))
}

// accessJavaLines are the entry lines of an AclCommand listing, sorted (" \t" of the first
// entry of an --add block folded to "\t").
func accessJavaLines(out string) []string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "\t(") || strings.HasPrefix(l, " \t(") {
			lines = append(lines, strings.TrimPrefix(l, " "))
		}
	}
	sort.Strings(lines)
	return lines
}

// What kafkit creates, AclCommand lists; what AclCommand adds, kafkit lists.
func TestAccessInterop(t *testing.T) {
	topic, p1, p2 := Unique(t, "access-i"), "User:"+Unique(t, "access-p1"), "User:"+Unique(t, "access-p2")
	accessCleanup(t, p1, "")
	accessCleanup(t, p2, "")
	MustKafkit(t, "", "acl", "create", "--principal", p1, "--operation", "read,describe-configs", "--topic", topic, "--host", "10.1.2.3")
	MustKafkit(t, "", "acl", "create", "--principal", p1, "--permission", "deny", "--operation", "write", "--topic", topic, "--pattern", "prefixed")
	r := MustKafkit(t, "", "acl", "list", "--principal", p1, "-o", "json")
	var rows []map[string]string
	if err := json.Unmarshal([]byte(r.Stdout), &rows); err != nil || len(rows) != 3 {
		t.Fatalf("kafkit list: %v\n%s", err, r)
	}
	var want []string
	for _, row := range rows {
		want = append(want, accessJavaEntry(row))
	}
	sort.Strings(want)
	j := JavaTool(t, "", compatClasses["kafka-acls.sh"], "--bootstrap-server", Brokers(), "--list", "--topic", topic, "--resource-pattern-type", "any")
	if got := accessJavaLines(j.Stdout); j.Code != 0 || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("AclCommand lists:\n%s\nwant the entries:\n%s", j.Stdout, strings.Join(want, "\n"))
	}
	if !strings.Contains(j.Stdout, "ResourcePattern(resourceType=TOPIC, name="+topic+", patternType=PREFIXED)") {
		t.Fatalf("the prefixed ACL is missing from:\n%s", j.Stdout)
	}
	group := Unique(t, "access-ig")
	j = JavaTool(t, "", compatClasses["kafka-acls.sh"], "--bootstrap-server", Brokers(), "--add", "--allow-principal", p2, "--consumer", "--topic", topic, "--group", group)
	if j.Code != 0 {
		t.Fatalf("AclCommand --add: %s", j)
	}
	r = MustKafkit(t, "", "acl", "list", "--principal", p2, "-o", "json")
	rows = nil
	if err := json.Unmarshal([]byte(r.Stdout), &rows); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, row := range rows {
		got = append(got, strings.Join([]string{row["resource_type"], row["resource_name"], row["pattern_type"], row["host"], row["operation"], row["permission"]}, " "))
	}
	wantK := []string{"topic " + topic + " literal * read allow", "topic " + topic + " literal * describe allow", "group " + group + " literal * read allow"}
	if strings.Join(got, "\n") != strings.Join(wantK, "\n") {
		t.Fatalf("kafkit lists what AclCommand added as:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantK, "\n"))
	}
}

// Bad input: exit 2, a message saying what to do, and nothing sent (no ACL, no user).
func TestAccessBadInput(t *testing.T) {
	user := Unique(t, "access-bad")
	principal := "User:" + user
	accessCleanup(t, principal, user)
	short := WriteFile(t, "short", "abc\n")
	good := WriteFile(t, "good", "long-enough-password\n")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"acl", "create", "--principal", user, "--operation", "read", "--topic", "t"}, "must be TYPE:NAME, such as User:alice"},
		{[]string{"acl", "create", "--principal", principal, "--operation", "fly", "--topic", "t"}, `unknown operation "fly"`},
		{[]string{"acl", "create", "--principal", principal, "--operation", "read", "--resource-type", "queue"}, "unknown flag"},
		{[]string{"acl", "create", "--principal", principal, "--operation", "write", "--group", "g"}, "does not apply to a group"},
		{[]string{"acl", "create", "--principal", principal, "--operation", "read", "--topic", "t", "--host", "client.example"}, "not an IP address"},
		{[]string{"user", "create", user, "--password-file", short}, "shorter than 8 characters"},
		{[]string{"user", "create", user, "--password-file", good, "--iterations", "1000"}, "Kafka accepts 4096 to 16384"},
		{[]string{"user", "create", user}, "stdin is not a terminal"},
	}
	for _, c := range cases {
		r := Kafkit(t, "", c.args...)
		if r.Code != 2 || !strings.Contains(r.Stderr, c.want) {
			t.Errorf("%v: want exit 2 and %q: %s", c.args, c.want, r)
		}
	}
	if r := MustKafkit(t, "", "acl", "list", "--principal", principal, "-o", "json"); strings.TrimSpace(r.Stdout) != "[]" {
		t.Fatalf("bad input created ACLs: %s", r.Stdout)
	}
	if r := Kafkit(t, "", "user", "describe", user); r.Code != 1 {
		t.Fatalf("bad input created the user: %s", r)
	}
}
