package topic

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/output"
)

func TestFlagParsing(t *testing.T) {
	env := newEnv(t)
	var got *createOptions
	cmd := newCmdCreate(env.F, func(_ context.Context, o *createOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"a", "b", "a", "-p", "3", "-c", "x.y=1", "--if-not-exists", "-o", "json"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got.Names, ",") != "a,b" || got.Partitions != 3 || got.Replication != -1 || got.Configs["x.y"] != "1" || !got.IfNotExists || got.Printer.Format != output.JSON {
		t.Fatalf("create options = %+v", got)
	}

	var ao *applyOptions
	dir := t.TempDir()
	f := filepath.Join(dir, "t.yaml")
	os.WriteFile(f, []byte("topics:\n  - name: a\n"), 0o600)
	acmd := newCmdApply(env.F, func(_ context.Context, o *applyOptions) error { ao = o; return nil })
	acmd.SetArgs([]string{"-f", f, "--dry-run", "--prune-configs"})
	if err := acmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if len(ao.Specs) != 1 || !ao.DryRun || !ao.PruneConfigs || ao.PruneTopics {
		t.Fatalf("apply options = %+v", ao)
	}

	for _, args := range [][]string{{"list", "-o", "xml"}, {"apply", "-f", f, "-o", "wide"}, {"offsets", "t", "-o", "name"}} {
		_, _, err := run(t, env, args...)
		wantExit(t, err, 2, "unknown output format")
	}

	var to *trimOptions
	tcmd := newCmdTrim(env.F, func(_ context.Context, o *trimOptions) error { to = o; return nil })
	tcmd.SetArgs([]string{"t", "--before", "-1h", "-p", "0,2", "--yes"})
	if err := tcmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if to.Before.String()[0] != '@' || len(to.Partitions) != 2 || !to.Yes {
		t.Fatalf("trim options = %+v", to)
	}
	_ = cobra.Command{}
}
