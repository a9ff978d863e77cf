package group

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/testkit"
)

// Tests for the issue 17 defects in group; each failed on the code before the fix.

// #4: g4 committed only orders/2 (empty); orders/0 and orders/1 hold 15 records nobody
// committed. The old lag gate counted 0 and showed 1 partition.
func TestLagCountsUncommittedPartitionsOnKfake(t *testing.T) {
	for _, tt := range []struct {
		name    string
		exclude bool
		code    int
		stderr  string
	}{
		{name: "counted by default", code: cmdutil.ExitCheckFailed, stderr: "lag check failed: group \"g4\" total lag 15 > 10 (--fail-above)\n"},
		{name: "--exclude-uncommitted", exclude: true, code: 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fx := newFixture(t)
			commit(t, fx.adm, "g4", map[string]map[int32]int64{"orders": {2: 0}})
			opts := fx.lagOpts(output.JSON)
			opts.All, opts.Groups, opts.Partitions, opts.NoTimeLag = false, []string{"g4"}, true, true
			opts.FailAbove, opts.ExcludeUncommitted = 10, tt.exclude
			err := lagRun(context.Background(), opts)
			if cmdutil.ExitCode(err) != tt.code {
				t.Fatalf("exit %d (%v), want %d", cmdutil.ExitCode(err), err, tt.code)
			}
			if got := fx.env.ErrOut.String(); got != tt.stderr {
				t.Errorf("stderr %q, want %q", got, tt.stderr)
			}
			var rows []LagRow
			if err := json.Unmarshal(fx.env.Out.Bytes(), &rows); err != nil || len(rows) != 1 {
				t.Fatalf("%v\n%s", err, fx.env.Out)
			}
			r := rows[0]
			if r.Partitions != 3 || len(r.PartitionLags) != 3 || r.Uncommitted != 2 {
				t.Errorf("row %+v", r)
			}
			if want := map[bool]int64{false: 15, true: 0}[tt.exclude]; r.TotalLag != want {
				t.Errorf("total lag %d, want %d", r.TotalLag, want)
			}
			p0 := r.PartitionLags[0]
			if p0.CurrentOffset != nil || (tt.exclude != (p0.Lag == nil)) || p0.Note == "" {
				t.Errorf("orders/0: %+v", p0)
			}
		})
	}
}

// #4 in describe: the same partitions, table and header.
func TestDescribeShowsUncommittedPartitionsOnKfake(t *testing.T) {
	fx := newFixture(t)
	commit(t, fx.adm, "g4", map[string]map[int32]int64{"orders": {2: 0}})
	f := fx.env.F
	opts := &describeOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Printer: output.Printer{Format: output.Table}, Groups: []string{"g4"}}
	if err := describeRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	out := regexpCoord.ReplaceAllString(fx.env.Out.String(), "coordinator N")
	out = out[strings.Index(out, "no active members"):]
	want := "no active members, total lag 15\n" +
		"GROUP   TOPIC    PARTITION   CURRENT-OFFSET   LOG-END-OFFSET   LAG   CONSUMER-ID   HOST   CLIENT-ID   NOTE\n" +
		"g4      orders   0           -                10               10    -             -      -           no commit: 10 records from the log start (what a consumer reset to earliest reads)\n" +
		"g4      orders   1           -                5                5     -             -      -           no commit: 5 records from the log start (what a consumer reset to earliest reads)\n" +
		"g4      orders   2           0                0                0     -             -      -           -\n"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

// #18: a group name with a newline and an escape sequence cannot add a row or colour the
// terminal in any table; JSON keeps the name as it is.
func TestHostileGroupNameOnKfake(t *testing.T) {
	const evil = "evil\nGROUP FAKE\x1b[31mRED"
	const shown = `evil\nGROUP FAKE\x1b[31mRED`
	fx := newFixture(t)
	commit(t, fx.adm, evil, map[string]map[int32]int64{"audit": {0: 1}})
	f := fx.env.F
	runs := map[string]func() error{
		"list": func() error {
			return listRun(context.Background(), &listOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Printer: output.Printer{Format: output.Wide}})
		},
		"list -o name": func() error {
			return listRun(context.Background(), &listOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Printer: output.Printer{Format: output.Name}})
		},
		"lag": func() error {
			o := fx.lagOpts(output.Table)
			o.Partitions = true
			return lagRun(context.Background(), o)
		},
		"describe": func() error {
			return describeRun(context.Background(), &describeOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Printer: output.Printer{Format: output.Wide}, All: true, Members: true})
		},
		"delete --dry-run": func() error {
			return deleteRun(context.Background(), &deleteOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Printer: output.Printer{Format: output.Table}, Groups: []string{evil}, DryRun: true})
		},
	}
	for name, run := range runs {
		t.Run(name, func(t *testing.T) {
			fx.env.Out.Reset()
			fx.env.ErrOut.Reset()
			if err := run(); err != nil {
				t.Fatal(err)
			}
			all := fx.env.Out.String() + fx.env.ErrOut.String()
			if strings.Contains(all, "\x1b") {
				t.Errorf("escape sequence printed:\n%q", all)
			}
			for _, line := range strings.Split(all, "\n") {
				if strings.HasPrefix(line, "GROUP FAKE") {
					t.Errorf("forged row %q in\n%s", line, all)
				}
			}
			if !strings.Contains(fx.env.Out.String(), shown) {
				t.Errorf("escaped name missing:\n%s", fx.env.Out)
			}
		})
	}
	fx.env.Out.Reset()
	if err := listRun(context.Background(), &listOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Printer: output.Printer{Format: output.JSON}}); err != nil {
		t.Fatal(err)
	}
	var rows []ListedGroup
	if err := json.Unmarshal(fx.env.Out.Bytes(), &rows); err != nil || rows[0].Group != evil {
		t.Errorf("JSON must keep the raw name: %v %+v", err, rows)
	}
}

// #5 and issue 10: an unknown --state is a usage error naming the valid states; -o name exists.
func TestListFlagsToOptions(t *testing.T) {
	env := testkit.FactoryFor(t, testkit.Settings([]string{"127.0.0.1:1"}))
	run := func(args ...string) (*listOptions, error) {
		var got *listOptions
		cmd := newCmdList(env.F, func(_ context.Context, o *listOptions) error { got = o; return nil })
		cmd.SetArgs(args)
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		return got, cmd.Execute()
	}
	o, err := run("--state", "Stable,EMPTY", "--type", "consumer", "-o", "name", "orders-.*")
	if err != nil || strings.Join(o.States, ",") != "stable,empty" || o.Types[0] != "consumer" || o.Printer.Format != output.Name || !o.Match.MatchString("orders-1") {
		t.Fatalf("options %+v, %v", o, err)
	}
	_, err = run("--state", "happy")
	if !cmdutil.IsUsage(err) || err.Error() != `--state: unknown value "happy": use stable, empty, preparingrebalance, completingrebalance, assigning, reconciling, notready, dead` {
		t.Errorf("--state happy: %v", err)
	}
	if _, err := run("--type", "bogus"); !cmdutil.IsUsage(err) {
		t.Errorf("--type bogus: %v", err)
	}
}

func TestListNameOnKfake(t *testing.T) {
	fx := newFixture(t)
	f := fx.env.F
	opts := &listOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Printer: output.Printer{Format: output.Name}, States: []string{"empty"}}
	if err := listRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	if got := fx.env.Out.String(); got != "g1\ng2\n" {
		t.Errorf("stdout %q", got)
	}
}

// #8: a --to-file with one good row and rows for a missing topic and a missing partition
// commits nothing and names the bad lines. The old code committed the good row.
func TestSeekToFileValidatesEveryRowOnKfake(t *testing.T) {
	fx := newFixture(t)
	path := filepath.Join(t.TempDir(), "plan.csv")
	if err := os.WriteFile(path, []byte("orders,0,1\nnope,0,3\norders,9,2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f := fx.env.F
	o := &seekOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Printer: output.Printer{Format: output.Table}, Group: "g1", Execute: true}
	if err := seekValidate(o, "", path, nil, false, time.Now(), os.ReadFile); err != nil {
		t.Fatal(err)
	}
	err := seekRun(context.Background(), o)
	if cmdutil.ExitCode(err) != 1 || err.Error() != "2 partitions cannot be moved (named above): nothing was committed" {
		t.Fatalf("err %v", err)
	}
	want := "error: nope/0: --to-file line 2: topic \"nope\" does not exist\n" +
		"error: orders/9: --to-file line 3: partition 9 does not exist (topic \"orders\" has 3 partitions)\n"
	if got := fx.env.ErrOut.String(); got != want {
		t.Errorf("stderr\n%s\nwant\n%s", got, want)
	}
	if got := fx.committed(t, "g1"); got[tp{"orders", 0}] != 4 {
		t.Errorf("orders/0 moved to %d: a bad file must commit nothing", got[tp{"orders", 0}])
	}
}

// #19: a missing partition is named once (the old code printed the same reason twice, once
// for the start and once for the end offset), and --execute commits nothing.
func TestSeekMissingPartitionOnKfake(t *testing.T) {
	fx := newFixture(t)
	o := fx.seekOpts(t, "start", "orders:0,7")
	o.Execute = true
	err := seekRun(context.Background(), o)
	if cmdutil.ExitCode(err) != 1 {
		t.Fatalf("err %v", err)
	}
	if got := fx.env.ErrOut.String(); got != "error: orders/7: partition 7 does not exist (topic \"orders\" has 3 partitions)\n" {
		t.Errorf("stderr %q", got)
	}
	if got := fx.committed(t, "g1"); got[tp{"orders", 0}] != 4 {
		t.Errorf("orders/0 moved: %v", got)
	}
}

// #19: group delete --dry-run reports what it would delete and sends nothing.
func TestDeleteDryRunOnKfake(t *testing.T) {
	fx := newFixture(t)
	f := fx.env.F
	o := &deleteOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Printer: output.Printer{Format: output.Table}, Groups: []string{"g2", "g1", "nope"}, DryRun: true}
	if err := deleteRun(context.Background(), o); err != cmdutil.SilentError {
		t.Fatalf("err %v", err)
	}
	want := "GROUP   RESULT\ng1      would be deleted (dry run)\ng2      would be deleted (dry run)\nnope    error: group not found\n"
	if got := fx.env.Out.String(); got != want {
		t.Errorf("stdout\n%s\nwant\n%s", got, want)
	}
	if got := fx.env.ErrOut.String(); got != "error: group \"nope\": group not found\n(dry run) checked against the group's current state, nothing sent: 2 groups would be deleted\n" {
		t.Errorf("stderr %q", got)
	}
	groups, err := fx.adm.ListGroups(context.Background())
	if err != nil || len(groups) != 2 {
		t.Errorf("groups after a dry run: %v %v", groups.Groups(), err)
	}
	fx.env.Out.Reset()
	o.Printer, o.Groups = output.Printer{Format: output.JSON}, []string{"g2"}
	if err := deleteRun(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if got := fx.env.Out.String(); got != "[\n  {\n    \"group\": \"g2\",\n    \"deleted\": false,\n    \"dry_run\": true\n  }\n]\n" {
		t.Errorf("JSON %s", got)
	}
}

// #19: group delete-offsets --dry-run.
func TestDeleteOffsetsDryRunOnKfake(t *testing.T) {
	fx := newFixture(t)
	f := fx.env.F
	o := &deleteOffsetsOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Printer: output.Printer{Format: output.Table}, Group: "g1",
		Topics: []topicSel{{Topic: "orders"}}, DryRun: true}
	if err := deleteOffsetsRun(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	want := "GROUP   TOPIC    PARTITION   RESULT\n" +
		"g1      orders   0           would be deleted (dry run)\n" +
		"g1      orders   1           would be deleted (dry run)\n"
	if got := fx.env.Out.String(); got != want {
		t.Errorf("stdout\n%s\nwant\n%s", got, want)
	}
	if got := fx.env.ErrOut.String(); got != "(dry run) checked against the group's current state, nothing sent: 2 committed offsets would be deleted\n" {
		t.Errorf("stderr %q", got)
	}
	if got := fx.committed(t, "g1"); got[tp{"orders", 0}] != 4 || got[tp{"orders", 1}] != 5 {
		t.Errorf("commits after a dry run: %v", got)
	}
}

// The dry-run flags reach the options.
func TestDeleteFlagsToOptions(t *testing.T) {
	env := testkit.FactoryFor(t, testkit.Settings([]string{"127.0.0.1:1"}))
	var d *deleteOptions
	cmd := newCmdDelete(env.F, func(_ context.Context, o *deleteOptions) error { d = o; return nil })
	cmd.SetArgs([]string{"a", "b", "--dry-run"})
	if err := cmd.Execute(); err != nil || !d.DryRun || len(d.Groups) != 2 {
		t.Errorf("delete: %+v %v", d, err)
	}
	var do *deleteOffsetsOptions
	cmd = newCmdDeleteOffsets(env.F, func(_ context.Context, o *deleteOffsetsOptions) error { do = o; return nil })
	cmd.SetArgs([]string{"g", "--topic", "t:1", "--dry-run"})
	if err := cmd.Execute(); err != nil || !do.DryRun || do.Topics[0].Topic != "t" {
		t.Errorf("delete-offsets: %+v %v", do, err)
	}
	for _, c := range []*cobra.Command{newCmdDelete(env.F, nil), newCmdDeleteOffsets(env.F, nil), newCmdSeek(env.F, nil)} {
		if !strings.Contains(c.Long, "broker does not validate it") && !strings.Contains(c.Long, "broker does not check it") {
			t.Errorf("%s --help does not say what --dry-run checks", c.Name())
		}
	}
}

// Issue 10: --export is -o csv, and contradicts another -o.
func TestSeekExportIsOutputCSV(t *testing.T) {
	env := testkit.FactoryFor(t, testkit.Settings([]string{"127.0.0.1:1"}))
	run := func(args ...string) (*seekOptions, error) {
		var got *seekOptions
		cmd := newCmdSeek(env.F, func(_ context.Context, o *seekOptions) error { got = o; return nil })
		cmd.SetArgs(append([]string{"g", "--to", "end", "--all-topics"}, args...))
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		return got, cmd.Execute()
	}
	for _, args := range [][]string{{"--export"}, {"-o", "csv"}, {"--export", "-o", "csv"}} {
		if o, err := run(args...); err != nil || o.Printer.Format != formatCSV {
			t.Errorf("%v: %+v %v", args, o, err)
		}
	}
	if _, err := run("--export", "-o", "json"); !cmdutil.IsUsage(err) {
		t.Errorf("--export -o json: %v", err)
	}
}
