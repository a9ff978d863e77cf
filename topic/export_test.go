package topic

import (
	"context"
	"testing"
)

func TestNewCmdExport(t *testing.T) {
	env := newEnv(t)
	o, err := parseFlags(t, env, newCmdExport, "ord.*")
	if err != nil || o.Regex.String() != "^(?:ord.*)$" {
		t.Fatalf("options %+v (%v)", o, err)
	}
	_, err = parseFlags(t, env, newCmdExport, "a", "b")
	wantExit(t, err, 2, "accepts at most 1 arg")
}

func TestExportRun(t *testing.T) {
	env := newEnv(t)
	mustRun(t, env, "create", "orders", "-p", "2", "-r", "2", "-c", "retention.ms=1000")
	opts := &exportOptions{IO: env.F.IO, Admin: env.F.Admin, Context: env.F.Context}
	out, errOut, err := runDirect(t, env, func(ctx context.Context) error { return exportRun(ctx, opts) })
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "export", out, "topics:\n  - name: orders\n    partitions: 2\n    replication_factor: 2\n    configs:\n      retention.ms: \"1000\"\n")
	wantEqual(t, "stderr", errOut, "")
	opts.Regex, _ = compileTopicRegex("none")
	out, errOut, _ = runDirect(t, env, func(ctx context.Context) error { return exportRun(ctx, opts) })
	wantEqual(t, "empty export", out+errOut, "topics: []\nwarning: no topic to export\n")
}
