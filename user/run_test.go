package user

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/testkit"
)

func runUser(env *testkit.Env, args ...string) error {
	cmd := NewCmdUser(env.F)
	cmd.SetArgs(args)
	cmd.SetOut(env.ErrOut)
	cmd.SetErr(env.ErrOut)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	return cmd.ExecuteContext(context.Background())
}

func counting(c *kfake.Cluster, key kmsg.Key) *atomic.Int32 {
	var n atomic.Int32
	c.ControlKey(int16(key), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		n.Add(1)
		return nil, nil, false
	})
	return &n
}

const secret = "s3cret-password"

func TestUserLifecycleRun(t *testing.T) {
	c := testkit.Cluster(t)
	alters := counting(c, kmsg.AlterUserSCRAMCredentials)
	env := testkit.Factory(t, c)
	pwFile := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pwFile, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := runUser(env, "create", "app", "--password-file", pwFile, "--dry-run"); cmdutil.ExitCode(err) != 3 || alters.Load() != 0 {
		t.Fatalf("dry run: exit %d, %d requests", cmdutil.ExitCode(err), alters.Load())
	}
	env.Out.Reset()
	if err := runUser(env, "create", "app", "--password-file", pwFile); err != nil {
		t.Fatal(err)
	}
	if want := "RESULT    USER   MECHANISM       ITERATIONS\ncreated   app    SCRAM-SHA-512   8192\n"; env.Out.String() != want {
		t.Fatalf("create output:\n%q\nwant\n%q", env.Out, want)
	}
	err := runUser(env, "create", "app", "--password-file", pwFile)
	if cmdutil.ExitCode(err) != 1 || !strings.Contains(env.ErrOut.String(), "already has a SCRAM-SHA-512 credential: use kafkit user update") {
		t.Fatalf("second create: exit %d, stderr %s", cmdutil.ExitCode(err), env.ErrOut)
	}
	err = runUser(env, "update", "nobody", "--password-file", pwFile)
	if cmdutil.ExitCode(err) != 1 || !strings.Contains(env.ErrOut.String(), "has no SCRAM-SHA-512 credential: use kafkit user create") {
		t.Fatalf("update of a missing user: exit %d, stderr %s", cmdutil.ExitCode(err), env.ErrOut)
	}
	env.In.WriteString(secret + "\n")
	if err := runUser(env, "update", "app", "--mechanism", "SCRAM-SHA-512", "--iterations", "4096", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	env.Out.Reset()
	if err := runUser(env, "list"); err != nil {
		t.Fatal(err)
	}
	if want := "USER   MECHANISM       ITERATIONS\napp    SCRAM-SHA-512   4096\n"; env.Out.String() != want {
		t.Fatalf("list:\n%q\nwant\n%q", env.Out, want)
	}
	if alters.Load() != 2 {
		t.Fatalf("%d AlterUserScramCredentials requests, want 2 (create, update)", alters.Load())
	}
	userDeleteTest(t, env)
	if strings.Contains(env.Out.String()+env.ErrOut.String(), secret) {
		t.Fatal("the password was printed")
	}
}

func userDeleteTest(t *testing.T, env *testkit.Env) {
	if err := runUser(env, "delete", "app"); cmdutil.ExitCode(err) != 2 || !strings.Contains(env.ErrOut.String(), "1 credential to delete:\n  app SCRAM-SHA-512\n") {
		t.Fatalf("delete without --yes: exit %d, stderr %s", cmdutil.ExitCode(err), env.ErrOut)
	}
	env.Out.Reset()
	if err := runUser(env, "delete", "app", "--yes", "-o", "json"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(env.Out.String(), `"result": "deleted"`) {
		t.Fatalf("delete output: %s", env.Out)
	}
	env.ErrOut.Reset()
	if err := runUser(env, "describe", "app"); cmdutil.ExitCode(err) != 1 || !strings.Contains(env.ErrOut.String(), `user "app" has no SCRAM credential`) {
		t.Fatalf("describe after delete: exit %d, stderr %s", cmdutil.ExitCode(err), env.ErrOut)
	}
}

func TestUserBadInputSendsNothing(t *testing.T) {
	c := testkit.Cluster(t)
	var sent atomic.Int32
	c.Control(func(kmsg.Request) (kmsg.Response, error, bool) { c.KeepControl(); sent.Add(1); return nil, nil, false })
	env := testkit.Factory(t, c)
	short := filepath.Join(t.TempDir(), "short")
	_ = os.WriteFile(short, []byte("abc"), 0o600)
	for _, args := range [][]string{
		{"create", "app", "--password-file", short},
		{"create", "app", "--password-env", "ACCESS_UNSET_VARIABLE"},
		{"create", "app", "--password-stdin", "--iterations", "1000"},
		{"create", "app", "--password-stdin", "--mechanism", "PLAIN"},
		{"create", "app"},
		{"create", "", "--password-stdin"},
		{"delete", "app", "--mechanism", "MD5"},
	} {
		if err := runUser(env, args...); cmdutil.ExitCode(err) != 2 {
			t.Errorf("%v: exit %d (%v), want 2", args, cmdutil.ExitCode(err), err)
		}
	}
	if sent.Load() != 0 {
		t.Fatalf("%d requests sent for bad input", sent.Load())
	}
}
