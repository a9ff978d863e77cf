package acl

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/testkit"
)

// runACL runs `acl ARGS` against env's factory and returns the error.
func runACL(env *testkit.Env, args ...string) error {
	cmd := NewCmdACL(env.F)
	cmd.SetArgs(args)
	cmd.SetOut(env.ErrOut)
	cmd.SetErr(env.ErrOut)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	return cmd.ExecuteContext(context.Background())
}

// counting counts requests of key sent to c.
func counting(c *kfake.Cluster, key kmsg.Key) *atomic.Int32 {
	var n atomic.Int32
	c.ControlKey(int16(key), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		n.Add(1)
		return nil, nil, false
	})
	return &n
}

func TestCreateListDeleteRun(t *testing.T) {
	c := testkit.Cluster(t)
	creates := counting(c, kmsg.CreateACLs)
	env := testkit.Factory(t, c)
	if err := runACL(env, "create", "--principal", "User:app", "--producer", "--topic", "orders", "--idempotent", "--dry-run"); cmdutil.ExitCode(err) != 3 {
		t.Fatalf("dry run: exit %d (%v), want 3", cmdutil.ExitCode(err), err)
	}
	if creates.Load() != 0 {
		t.Fatal("a dry run sent CreateACLs")
	}
	wantDry := `RESULT         TYPE      NAME            PATTERN   PRINCIPAL   HOST   OPERATION          PERMISSION
would_create   topic     orders          literal   User:app    *      write              allow
would_create   topic     orders          literal   User:app    *      create             allow
would_create   topic     orders          literal   User:app    *      describe           allow
would_create   cluster   kafka-cluster   literal   User:app    *      idempotent-write   allow
`
	if env.Out.String() != wantDry {
		t.Fatalf("dry run output:\n%s\nwant:\n%s", env.Out, wantDry)
	}
	env.Out.Reset()
	if err := runACL(env, "create", "--principal", "User:app", "--producer", "--topic", "orders", "--idempotent"); err != nil {
		t.Fatal(err)
	}
	env.Out.Reset()
	env.ErrOut.Reset()
	if err := runACL(env, "create", "--principal", "User:app", "--consumer", "--producer", "--topic", "orders", "--group", "g", "--idempotent"); err != nil {
		t.Fatal(err)
	}
	if creates.Load() != 2 {
		t.Fatalf("%d CreateACLs requests for two creates, want 2 (one batch each)", creates.Load())
	}
	if got := env.ErrOut.String(); got != "created 2 ACLs, 4 ACLs already existed\n" {
		t.Fatalf("summary %q", got)
	}
	if !strings.Contains(env.Out.String(), "exists    topic     orders          literal   User:app    *      write") || !strings.Contains(env.Out.String(), "created   group     g") {
		t.Fatalf("create output:\n%s", env.Out)
	}
	env.Out.Reset()
	if err := runACL(env, "list", "--principal", "User:app", "--topic", "orders", "-o", "json"); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(env.Out.String(), `"resource_name": "orders"`); n != 4 {
		t.Fatalf("list json has %d orders ACLs, want 4:\n%s", n, env.Out)
	}
	deleteRunTest(t, c, env)
}

func deleteRunTest(t *testing.T, c *kfake.Cluster, env *testkit.Env) {
	deletes := counting(c, kmsg.DeleteACLs)
	env.Out.Reset()
	err := runACL(env, "delete", "--principal", "User:app", "--dry-run")
	if cmdutil.ExitCode(err) != 3 || deletes.Load() != 0 || strings.Count(env.Out.String(), "would_delete") != 6 {
		t.Fatalf("delete dry run: exit %d, %d deletes, output:\n%s", cmdutil.ExitCode(err), deletes.Load(), env.Out)
	}
	env.ErrOut.Reset()
	err = runACL(env, "delete", "--principal", "User:app")
	if cmdutil.ExitCode(err) != 2 || !strings.Contains(env.ErrOut.String(), "6 ACLs match:\nTYPE ") || deletes.Load() != 0 {
		t.Fatalf("delete without --yes and no terminal: exit %d, stderr:\n%s", cmdutil.ExitCode(err), env.ErrOut)
	}
	env.Out.Reset()
	if err := runACL(env, "delete", "--principal", "User:app", "--yes"); err != nil {
		t.Fatal(err)
	}
	if deletes.Load() != 1 || strings.Count(env.Out.String(), "deleted ") != 6 {
		t.Fatalf("%d DeleteACLs requests, output:\n%s", deletes.Load(), env.Out)
	}
	env.Out.Reset()
	if err := runACL(env, "list"); err != nil || env.Out.String() != "TYPE   NAME   PATTERN   PRINCIPAL   HOST   OPERATION   PERMISSION\n" {
		t.Fatalf("list after delete: %v\n%s", err, env.Out)
	}
}

func TestNoAuthorizer(t *testing.T) {
	c := testkit.Cluster(t)
	for _, key := range []kmsg.Key{kmsg.DescribeACLs, kmsg.CreateACLs} {
		c.ControlKey(int16(key), func(kreq kmsg.Request) (kmsg.Response, error, bool) {
			c.KeepControl()
			switch req := kreq.(type) {
			case *kmsg.DescribeACLsRequest:
				resp := req.ResponseKind().(*kmsg.DescribeACLsResponse)
				resp.ErrorCode = kerr.SecurityDisabled.Code
				return resp, nil, true
			case *kmsg.CreateACLsRequest:
				resp := req.ResponseKind().(*kmsg.CreateACLsResponse)
				for range req.Creations {
					r := kmsg.NewCreateACLsResponseResult()
					r.ErrorCode = kerr.SecurityDisabled.Code
					resp.Results = append(resp.Results, r)
				}
				return resp, nil, true
			}
			return nil, nil, false
		})
	}
	env := testkit.Factory(t, c)
	for _, args := range [][]string{{"list"}, {"create", "--principal", "User:a", "--operation", "read", "--topic", "t"}} {
		err := runACL(env, args...)
		if !errors.Is(err, ErrNoAuthorizer) || cmdutil.ExitCode(err) != 1 || !strings.Contains(err.Error(), "SECURITY_DISABLED") {
			t.Fatalf("%v: %v (exit %d)", args, err, cmdutil.ExitCode(err))
		}
	}
	adm, err := env.F.Admin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Create(context.Background(), adm, []Binding{b(kmsg.ACLResourceTypeTopic, "t", "User:a", kmsg.ACLOperationRead)}); !errors.Is(err, ErrNoAuthorizer) {
		t.Fatal(err)
	}
}

func TestUsageErrorsSendNothing(t *testing.T) {
	c := testkit.Cluster(t)
	var sent atomic.Int32
	c.Control(func(kmsg.Request) (kmsg.Response, error, bool) { c.KeepControl(); sent.Add(1); return nil, nil, false })
	env := testkit.Factory(t, c)
	for _, args := range [][]string{
		{"create", "--principal", "alice", "--operation", "read", "--topic", "t"},
		{"create", "--principal", "User:a", "--operation", "fly", "--topic", "t"},
		{"create", "--principal", "User:a", "--operation", "read", "--resource", "t"},
		{"create", "--principal", "User:a", "--consumer", "--topic", "t"},
		{"delete", "--yes"},
		{"list", "--pattern", "sideways"},
		{"list", "-o", "xml"},
	} {
		if err := runACL(env, args...); cmdutil.ExitCode(err) != 2 && !strings.Contains(errString(err), "unknown flag") {
			t.Errorf("%v: exit %d (%v), want 2", args, cmdutil.ExitCode(err), err)
		}
	}
	if sent.Load() != 0 {
		t.Fatalf("%d requests sent for bad input", sent.Load())
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// More ACLs than Kafka's controller takes in one request go in a second request.
func TestCreateChunks(t *testing.T) {
	c := testkit.Cluster(t)
	creates := counting(c, kmsg.CreateACLs)
	env := testkit.Factory(t, c)
	adm, err := env.F.Admin()
	if err != nil {
		t.Fatal(err)
	}
	bs := make([]Binding, maxPerRequest+1)
	for i := range bs {
		bs[i] = b(kmsg.ACLResourceTypeTopic, "t", "User:u"+strconv.Itoa(i), kmsg.ACLOperationRead)
	}
	errs, err := Create(context.Background(), adm, bs)
	if err != nil || len(errs) != len(bs) || errors.Join(errs...) != nil {
		t.Fatalf("%v, %d results", err, len(errs))
	}
	if creates.Load() != 2 {
		t.Fatalf("%d requests for %d ACLs, want 2", creates.Load(), len(bs))
	}
}
