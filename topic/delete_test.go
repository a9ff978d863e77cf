package topic

import (
	"strings"
	"testing"
	"time"


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
