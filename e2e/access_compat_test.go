//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/acl"
)

// accessACLs creates ACLs for the case's topic (principal User:<topic>) before a case runs,
// and removes every ACL on the topic when the test ends.
func accessACLs(specs ...acl.Spec) func(t *testing.T, topic string) {
	return func(t *testing.T, topic string) {
		t.Helper()
		accessTopicCleanup(t, topic)
		var bs []acl.Binding
		for _, s := range specs {
			s.Principals = []string{"User:" + topic}
			if len(s.Topics) > 0 || s.Consumer || s.Producer {
				s.Topics = []string{topic}
			}
			if s.Consumer {
				s.Groups = []string{topic}
			}
			b, err := s.Bindings()
			if err != nil {
				t.Fatal(err)
			}
			bs = append(bs, b...)
		}
		if _, err := acl.Create(context.Background(), Client(t), bs); err != nil {
			t.Fatal(err)
		}
	}
}

func accessTopicCleanup(t *testing.T, topic string) {
	t.Cleanup(func() {
		for _, name := range []string{topic, topic + "-g"} {
			n := name
			f := acl.Filter{Type: kmsg.ACLResourceTypeAny, Name: &n, Pattern: kmsg.ACLResourcePatternTypeAny, Operation: kmsg.ACLOperationAny, Permission: kmsg.ACLPermissionTypeAny}
			_, _ = acl.Delete(context.Background(), Client(t), []acl.Filter{f})
		}
		p := "User:" + topic
		f := acl.Filter{Type: kmsg.ACLResourceTypeAny, Pattern: kmsg.ACLResourcePatternTypeAny, Principal: &p, Operation: kmsg.ACLOperationAny, Permission: kmsg.ACLPermissionTypeAny}
		_, _ = acl.Delete(context.Background(), Client(t), []acl.Filter{f})
	})
}

// accessACLState is the set of ACLs on the topic (and its group topic-g) and of principal
// User:<topic>, with the topic's name replaced, for comparing side effects.
func accessACLState(t *testing.T, topic string) string {
	t.Helper()
	accessTopicCleanup(t, topic)
	p := "User:" + topic
	bs, err := acl.Describe(context.Background(), Client(t), []acl.Filter{{Type: kmsg.ACLResourceTypeAny, Pattern: kmsg.ACLResourcePatternTypeAny, Principal: &p, Operation: kmsg.ACLOperationAny, Permission: kmsg.ACLPermissionTypeAny}})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range acl.Rows(bs) {
		out = append(out, strings.ReplaceAll(fmt.Sprintf("%s/%s/%s/%s/%s", r.ResourceType, r.ResourceName, r.PatternType, r.Operation, r.Permission), topic, "{T}"))
	}
	return strings.Join(out, " ")
}

func TestCompatACLs(t *testing.T) {
	dir := compatLink(t)
	read := acl.Spec{Topics: []string{"x"}, Operations: []string{"read", "describe"}}
	deny := acl.Spec{Topics: []string{"x"}, Operations: []string{"write"}, Permission: "deny", Hosts: []string{"10.0.0.9"}}
	consumer := acl.Spec{Consumer: true, Topics: []string{"x"}}
	cases := []compatCase{
		{name: "list-topic", script: "kafka-acls.sh", args: "--bootstrap-server {B} --list --topic {T}", setup: accessACLs(read, deny), sorted: true},
		{name: "list-principal", script: "kafka-acls.sh", args: "--bootstrap-server {B} --list --topic {T} --principal User:{T}", setup: accessACLs(read), sorted: true},
		{name: "add-one", script: "kafka-acls.sh", args: "--bootstrap-server {B} --add --allow-principal User:{T} --operation Read --topic {T}", mutates: true, setup: accessTopicCleanup, state: accessACLState},
		{name: "add-exists", script: "kafka-acls.sh", args: "--bootstrap-server {B} --add --allow-principal User:{T} --operation Read --topic {T}", mutates: true, setup: accessACLs(acl.Spec{Topics: []string{"x"}, Operations: []string{"read"}}), state: accessACLState},
		{name: "add-deny-host", script: "kafka-acls.sh", args: "--bootstrap-server {B} --add --deny-principal User:{T} --deny-host 10.0.0.7 --operation WRITE --topic {T} --resource-pattern-type prefixed", mutates: true, setup: accessTopicCleanup, state: accessACLState},
		{name: "remove-force", script: "kafka-acls.sh", args: "--bootstrap-server {B} --remove --force --topic {T}", mutates: true, setup: accessACLs(read, deny), state: accessACLState},
		{name: "remove-consumer", script: "kafka-acls.sh", args: "--bootstrap-server {B} --remove --force --allow-principal User:{T} --consumer --topic {T} --group {T}", mutates: true, setup: accessACLs(consumer), state: accessACLState},
		{name: "usage-bad-op", script: "kafka-acls.sh", args: "--bootstrap-server {B} --add --allow-principal User:x --operation Fly --topic {T}"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runCompatCase(t, dir, c) })
	}
}

// --add with several entries per resource prints Java's HashSet order, and its first entry
// with a leading space: compared with that space folded and the lines sorted.
func TestCompatACLsAddConveniences(t *testing.T) {
	dir := compatLink(t)
	base := Unique(t, "access-cc")
	for _, args := range []string{
		"--add --allow-principal User:{T} --consumer --producer --topic {T} --group {T}-g --idempotent --transactional-id {T}",
	} {
		out := map[string]string{}
		state := map[string]string{}
		for _, tool := range []string{"java", "kafkit"} {
			topic := base + "-" + tool[:1]
			accessTopicCleanup(t, topic)
			a := strings.Fields(strings.NewReplacer("{T}", topic).Replace("--bootstrap-server " + Brokers() + " " + args))
			var r Result
			if tool == "java" {
				r = JavaTool(t, "", compatClasses["kafka-acls.sh"], a...)
			} else {
				r = run(t.Context(), nil, "", filepath.Join(dir, "kafka-acls.sh"), a...)
			}
			if r.Code != 0 {
				t.Fatalf("%s %s: %s", tool, args, r)
			}
			norm := strings.ReplaceAll(strings.ReplaceAll(r.Stdout, "\n \t", "\n\t"), topic, "{T}")
			out[tool] = strings.Join(accessSortedLines(norm), "\n")
			state[tool] = accessACLState(t, topic)
			_, _ = acl.Delete(context.Background(), Client(t), []acl.Filter{{Type: kmsg.ACLResourceTypeAny, Pattern: kmsg.ACLResourcePatternTypeAny, Principal: ptr("User:" + topic), Operation: kmsg.ACLOperationAny, Permission: kmsg.ACLPermissionTypeAny}})
		}
		if out["java"] != out["kafkit"] || state["java"] != state["kafkit"] {
			t.Errorf("%s\njava:\n%s\n%s\nkafkit:\n%s\n%s", args, out["java"], state["java"], out["kafkit"], state["kafkit"])
		}
	}
}

func accessSortedLines(s string) []string {
	lines := strings.Split(s, "\n")
	sort.Strings(lines)
	return lines
}

func ptr(s string) *string { return &s }
