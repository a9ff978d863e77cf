package topic

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
)

func TestDelete(t *testing.T) {
	env := newEnv(t)
	mustRun(t, env, "create", "t1", "t2", "keep", "-p", "1")

	_, _, err := run(t, env, "delete")
	wantExit(t, err, 2, "name the topics to delete, or give --regex")
	_, _, err = run(t, env, "delete", "t1", "missing")
	wantExit(t, err, 1, `topic "missing" not found (add --if-exists to ignore missing topics); nothing was deleted`)
	_, errOut, err := run(t, env, "delete", "--regex", "t.")
	wantExit(t, err, 2, "Delete 2 topics: stdin is not a terminal, pass --yes to do it")
	wantEqual(t, "stderr", errOut, "--regex \"t.\" matches 2 topics:\n  t1\n  t2\n")
	out := mustRun(t, env, "delete", "--regex", "t.", "--dry-run")
	wantEqual(t, "dry run", out, "would delete topic \"t1\" (dry run: checked against current metadata, not by the broker)\nwould delete topic \"t2\" (dry run: checked against current metadata, not by the broker)\n")
	if got := strings.Join(topicNames(t, env), ","); got != "keep,t1,t2" {
		t.Fatalf("refused deletes changed the cluster: %s", got)
	}
	_, _, err = run(t, env, "delete", "--regex", "zz.*", "--yes")
	wantExit(t, err, 1, `no topic matches "zz.*"`)

	out = mustRun(t, env, "delete", "--regex", "t.", "--yes")
	wantEqual(t, "delete", out, "deleted topic \"t1\"\ndeleted topic \"t2\"\n")
	out = mustRun(t, env, "delete", "keep", "gone", "--if-exists", "-o", "json")
	wantEqual(t, "delete json", out, `[
  {
    "name": "gone",
    "result": "not_found"
  },
  {
    "name": "keep",
    "result": "deleted"
  }
]
`)
}

func TestConfirmPrompts(t *testing.T) {
	env := newEnv(t)
	env.F.IO.InTTY = true
	mustRun(t, env, "create", "x1", "x2", "-p", "1")
	produce(t, env, "x1", map[int32]int{0: 4}, time.Now())

	env.In.WriteString("n\n")
	_, errOut, err := run(t, env, "delete", "--regex", "x.")
	wantExit(t, err, 1, "not confirmed: nothing was changed")
	if !strings.HasSuffix(errOut, "Delete 2 topics? [y/N] ") {
		t.Fatalf("prompt: %q", errOut)
	}
	env.In.Reset()
	env.In.WriteString("y\n")
	out := mustRun(t, env, "delete", "--regex", "x2")
	wantEqual(t, "confirmed delete", out, "deleted topic \"x2\"\n")

	env.In.Reset()
	env.In.WriteString("\n")
	_, errOut, err = run(t, env, "trim", "x1", "--before", "2")
	wantExit(t, err, 1, "not confirmed: nothing was changed")
	if !strings.HasSuffix(errOut, "Delete 2 records from topic \"x1\"? [y/N] ") {
		t.Fatalf("prompt: %q", errOut)
	}
	env.In.Reset()
	env.In.WriteString("yes\n")
	mustRun(t, env, "trim", "x1", "--before", "2")
	out = mustRun(t, env, "offsets", "x1", "-o", "json")
	wantEqual(t, "offsets json", out, `{
  "partitions": [
    {
      "topic": "x1",
      "partition": 0,
      "earliest": 2,
      "latest": 4,
      "records": 2
    }
  ],
  "total_records": 2
}
`)
}

func TestNewCmdDelete(t *testing.T) {
	env := newEnv(t)
	o, err := parseFlags(t, env, newCmdDelete, "a", "b", "--if-exists", "--dry-run")
	if err != nil || strings.Join(o.Names, ",") != "a,b" || !o.IfExists || !o.DryRun || o.Regex != nil || o.Prompter == nil {
		t.Fatalf("options %+v (%v)", o, err)
	}
	o, err = parseFlags(t, env, newCmdDelete, "--regex", "t.*", "--yes", "--force-internal")
	if err != nil || o.Regex.String() != "^(?:t.*)$" || !o.Yes || !o.ForceInternal {
		t.Fatalf("options %+v (%v)", o, err)
	}
	_, err = parseFlags(t, env, newCmdDelete)
	wantExit(t, err, 2, "name the topics to delete, or give --regex")
	_, err = parseFlags(t, env, newCmdDelete, "a", "--regex", "b")
	wantExit(t, err, 2, "give topic names or --regex, not both")
	_, err = parseFlags(t, env, newCmdDelete, "--regex", "(")
	wantExit(t, err, 2, "bad regular expression")
}

// TestPlanDelete is the delete planner without a cluster.
func TestPlanDelete(t *testing.T) {
	m := metadataWith(1, "t1", "t2", "keep", "__consumer_offsets")
	m.Topics["__consumer_offsets"] = kadm.TopicDetail{Topic: "__consumer_offsets", IsInternal: true, Partitions: kadm.PartitionDetails{}}
	re := func(s string) *regexp.Regexp { r, _ := compileTopicRegex(s); return r }
	tests := []struct {
		opts    deleteOptions
		want    string
		wantErr string
	}{
		{opts: deleteOptions{Names: []string{"t2", "t1", "t2"}}, want: "t1 delete_topic -\nt2 delete_topic -\n"},
		{opts: deleteOptions{Names: []string{"t1", "gone"}, IfExists: true}, want: "gone delete_topic not_found\nt1 delete_topic -\n"},
		{opts: deleteOptions{Names: []string{"t1", "gone"}}, wantErr: `topic "gone" not found (add --if-exists to ignore missing topics); nothing was deleted`},
		{opts: deleteOptions{Regex: re("t."), RegexText: "t."}, want: "t1 delete_topic -\nt2 delete_topic -\n"},
		{opts: deleteOptions{Regex: re("zz"), RegexText: "zz"}, wantErr: `no topic matches "zz"`},
		{opts: deleteOptions{Regex: re("__.*"), RegexText: "__.*"}, wantErr: `refusing to delete internal topic "__consumer_offsets"`},
		{opts: deleteOptions{Regex: re("__.*"), RegexText: "__.*", ForceInternal: true}, want: "__consumer_offsets delete_topic -\n"},
	}
	for _, tt := range tests {
		plan, err := planDelete(&tt.opts, m)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%+v: error %v, want %s", tt.opts, err, tt.wantErr)
			}
			continue
		}
		if got := results(plan); err != nil || got != tt.want {
			t.Errorf("%+v: (%v)\n%s\nwant\n%s", tt.opts, err, got, tt.want)
		}
	}
}

// TestDeleteRunConfirms drives the confirmation with a fake prompter.
func TestDeleteRunConfirms(t *testing.T) {
	env := newEnv(t)
	mustRun(t, env, "create", "x1", "x2", "-p", "1")
	re, _ := compileTopicRegex("x.")
	p := &cmdutil.FakePrompter{Answer: false}
	opts := &deleteOptions{IO: env.F.IO, Admin: env.F.Admin, Context: env.F.Context, Printer: output.Printer{Format: output.Table}, Regex: re, RegexText: "x.", Prompter: p}
	out, errOut, err := runDirect(t, env, func(ctx context.Context) error { return deleteRun(ctx, opts) })
	wantExit(t, err, 1, "not confirmed: nothing was changed")
	wantEqual(t, "stdout", out, "")
	wantEqual(t, "stderr", errOut, "--regex \"x.\" matches 2 topics:\n  x1\n  x2\n")
	if strings.Join(p.Questions, "|") != "Delete 2 topics?" {
		t.Fatalf("questions %q", p.Questions)
	}
	p.Answer = true
	out, errOut, err = runDirect(t, env, func(ctx context.Context) error { return deleteRun(ctx, opts) })
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "stdout", out, "deleted topic \"x1\"\ndeleted topic \"x2\"\n")
	if got := strings.Join(topicNames(t, env), ","); got != "" {
		t.Fatalf("left: %s", got)
	}
}
