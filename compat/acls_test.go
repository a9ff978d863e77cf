package compat

import (
	"context"
	"strings"
	"testing"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/testkit"
)

func TestCheckACLsArgs(t *testing.T) {
	tests := []struct{ args, action, msg string }{
		{"--list", "list", ""},
		{"--add --allow-principal User:a --producer --topic t --idempotent", "add", ""},
		{"--remove --topic t --force", "remove", ""},
		{"--list --add", "", "Command must include exactly one action: --list, --add, --remove. "},
		{"--list --producer", "", `Option "[list]" can't be used with option "[producer]"`},
		{"--add --producer --operation Read --topic t", "", `Option "[producer]" can't be used with option "[operation]"`},
		{"--add --principal User:a --topic t", "", "The --principal option is only available if --list is set"},
		{"--add --producer", "", "With --producer you must specify a --topic"},
		{"--add --idempotent --topic t", "", "The --idempotent option is only available if --producer is set"},
		{"--add --consumer --topic t", "", "With --consumer you must specify a --topic and a --group and no --cluster or --transactional-id option should be specified."},
	}
	s := aclsScript()
	for _, tt := range tests {
		p, err := Parse(s.Options, strings.Fields(tt.args))
		if err != nil {
			t.Fatalf("%q: %v", tt.args, err)
		}
		action, msg := checkACLsArgs(p)
		if msg != tt.msg || (msg == "" && action != tt.action) {
			t.Errorf("%q: %q %q, want %q %q", tt.args, action, msg, tt.action, tt.msg)
		}
	}
}

func runACLsScript(t *testing.T, env *testkit.Env, stdin, args string) error {
	t.Helper()
	env.Out.Reset()
	env.In.Reset()
	env.In.WriteString(stdin)
	s, _ := Lookup("kafka-acls.sh")
	return RunScript(context.Background(), env.F, s, strings.Fields(args), nil)
}

func TestACLsScriptRun(t *testing.T) {
	c := testkit.Cluster(t)
	env := testkit.Factory(t, c)
	b := "--bootstrap-server " + strings.Join(c.ListenAddrs(), ",")
	if err := runACLsScript(t, env, "", b+" --add --allow-principal User:a --producer --topic t --idempotent"); err != nil {
		t.Fatal(err)
	}
	want := "Adding ACLs for resource `ResourcePattern(resourceType=TOPIC, name=t, patternType=LITERAL)`: \n" +
		" \t(principal=User:a, host=*, operation=WRITE, permissionType=ALLOW)\n" +
		"\t(principal=User:a, host=*, operation=CREATE, permissionType=ALLOW)\n" +
		"\t(principal=User:a, host=*, operation=DESCRIBE, permissionType=ALLOW)\n\n" +
		"Adding ACLs for resource `ResourcePattern(resourceType=CLUSTER, name=kafka-cluster, patternType=LITERAL)`: \n" +
		" \t(principal=User:a, host=*, operation=IDEMPOTENT_WRITE, permissionType=ALLOW)\n\n"
	if env.Out.String() != want {
		t.Fatalf("add:\n%q\nwant\n%q", env.Out, want)
	}
	if err := runACLsScript(t, env, "", b+" --add --allow-principal User:a --operation Write --topic t"); err != nil {
		t.Fatal(err)
	}
	if want := "Adding ACLs for resource `ResourcePattern(resourceType=TOPIC, name=t, patternType=LITERAL)`: \n \t(principal=User:a, host=*, operation=WRITE, permissionType=ALLOW)\n\n"; env.Out.String() != want {
		t.Fatalf("add again (Kafka 4.1 lists it again):\n%q", env.Out)
	}
	if err := runACLsScript(t, env, "", b+" --list --principal User:a --cluster"); err != nil {
		t.Fatal(err)
	}
	if want := "ACLs for principal `User:a`\nCurrent ACLs for resource `ResourcePattern(resourceType=CLUSTER, name=kafka-cluster, patternType=LITERAL)`:\n\t(principal=User:a, host=*, operation=IDEMPOTENT_WRITE, permissionType=ALLOW)\n\n"; env.Out.String() != want {
		t.Fatalf("list:\n%q", env.Out)
	}
	err := runACLsScript(t, env, "", b+" --remove --topic t")
	if cmdutil.ExitCode(err) != 1 || !strings.HasPrefix(env.Out.String(), "Are you sure you want to delete all ACLs for resource filter `ResourcePattern(resourceType=TOPIC, name=t, patternType=LITERAL)`? (y/n)\nError while executing ACL command: no answer on stdin") {
		t.Fatalf("remove without an answer: exit %d\n%s", cmdutil.ExitCode(err), env.Out)
	}
	if err := runACLsScript(t, env, "n\n", b+" --remove --topic t"); err != nil {
		t.Fatal(err)
	}
	if err := runACLsScript(t, env, "Y\n", b+" --remove --topic t"); err != nil {
		t.Fatal(err)
	}
	if err := runACLsScript(t, env, "", b+" --remove --cluster --force"); err != nil {
		t.Fatal(err)
	}
	if err := runACLsScript(t, env, "", b+" --list"); err != nil || env.Out.String() != "" {
		t.Fatalf("list after remove: %v %q", err, env.Out)
	}
}
