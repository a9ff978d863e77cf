package group

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
)

func (fx *fixture) seekOpts(t *testing.T, to string, topics ...string) *seekOptions {
	t.Helper()
	f := fx.env.F
	o := &seekOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Printer: output.Printer{Format: output.Table}, Group: "g1"}
	if err := seekValidate(o, to, "", topics, false, base.Add(10*time.Second), os.ReadFile); err != nil {
		t.Fatal(err)
	}
	return o
}

func (fx *fixture) committed(t *testing.T, group string) map[tp]int64 {
	t.Helper()
	resp, err := fx.adm.FetchOffsets(context.Background(), group)
	if err != nil {
		t.Fatal(err)
	}
	m := map[tp]int64{}
	for tpc, ps := range resp {
		for p, o := range ps {
			m[tp{tpc, p}] = o.At
		}
	}
	return m
}

func TestSeekDryRunOnKfake(t *testing.T) {
	fx := newFixture(t)
	o := fx.seekOpts(t, "@-7s", "orders") // records from base+3s on
	if err := seekRun(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	want := "TOPIC    PARTITION   CURRENT   NEW   DELTA\n" +
		"orders   0           4         3     -1\n" +
		"orders   1           5         3     -2\n" +
		"orders   2           -         0     -\n"
	if got := fx.env.Out.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if got := fx.env.ErrOut.String(); got != "(dry run) checked against the group's current state, nothing sent: add --execute to apply this plan\n" {
		t.Errorf("stderr %q", got)
	}
	if got := fx.committed(t, "g1"); got[tp{"orders", 0}] != 4 || got[tp{"orders", 1}] != 5 {
		t.Errorf("dry run changed offsets: %v", got)
	}
}

func TestSeekExecuteExportAndFileOnKfake(t *testing.T) {
	fx := newFixture(t)
	// Export the current position, move everything to the start, then restore from the CSV.
	o := fx.seekOpts(t, "+0", "orders:0,1")
	o.Printer.Format = formatCSV
	if err := seekRun(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	csv := fx.env.Out.String()
	if csv != "orders,0,4\norders,1,5\n" {
		t.Fatalf("export %q", csv)
	}
	path := filepath.Join(t.TempDir(), "plan.csv")
	if err := os.WriteFile(path, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}

	fx.env.Out.Reset()
	fx.env.ErrOut.Reset()
	o = fx.seekOpts(t, "start", "orders")
	o.Execute = true
	if err := seekRun(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if got := fx.env.ErrOut.String(); got != "committed 3 offsets for group \"g1\"\n" {
		t.Errorf("stderr %q", got)
	}
	if got := fx.committed(t, "g1"); got[tp{"orders", 0}] != 0 || got[tp{"orders", 1}] != 0 || got[tp{"orders", 2}] != 0 {
		t.Errorf("after seek to start: %v", got)
	}

	fx.env.Out.Reset()
	f := fx.env.F
	o = &seekOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Printer: output.Printer{Format: output.JSON}, Group: "g1", Execute: true}
	if err := seekValidate(o, "", path, nil, false, time.Now(), os.ReadFile); err != nil {
		t.Fatal(err)
	}
	if err := seekRun(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if got := fx.committed(t, "g1"); got[tp{"orders", 0}] != 4 || got[tp{"orders", 1}] != 5 {
		t.Errorf("after --to-file: %v", got)
	}
	if !strings.Contains(fx.env.Out.String(), `"applied": true`) {
		t.Errorf("JSON: %s", fx.env.Out)
	}
}

func TestSeekClampWarnsOnKfake(t *testing.T) {
	fx := newFixture(t)
	o := fx.seekOpts(t, "7", "orders:1")
	if err := seekRun(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if got := fx.env.Out.String(); got != "TOPIC    PARTITION   CURRENT   NEW   DELTA\norders   1           5         5     +0\n" {
		t.Errorf("plan %q", got)
	}
	if got := fx.env.ErrOut.String(); !strings.HasPrefix(got, "warning: orders/1: target 7 is past the log end: clamped to 5\n") {
		t.Errorf("stderr %q", got)
	}
}

func TestSeekUnknownTopicOnKfake(t *testing.T) {
	fx := newFixture(t)
	o := fx.seekOpts(t, "end", "nope")
	err := seekRun(context.Background(), o)
	if err == nil || err.Error() != `topic "nope" does not exist` {
		t.Errorf("err %v", err)
	}
}

func TestDeleteOnKfake(t *testing.T) {
	fx := newFixture(t)
	f := fx.env.F
	o := &deleteOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Printer: output.Printer{Format: output.Table}, Groups: []string{"nope", "g2"}}
	err := deleteRun(context.Background(), o)
	if err != cmdutil.SilentError {
		t.Fatalf("err %v", err)
	}
	if got := fx.env.Out.String(); got != "GROUP   RESULT\ng2      deleted\nnope    error: group not found\n" {
		t.Errorf("stdout %q", got)
	}
	if got := fx.env.ErrOut.String(); got != "error: group \"nope\": group not found\n" {
		t.Errorf("stderr %q", got)
	}
	groups, err := fx.adm.ListGroups(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := groups["g2"]; ok {
		t.Errorf("g2 still listed")
	}
}

func TestDeleteOffsetsOnKfake(t *testing.T) {
	fx := newFixture(t)
	f := fx.env.F
	o := &deleteOffsetsOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Printer: output.Printer{Format: output.Table}, Group: "g1",
		Topics: []topicSel{{Topic: "orders", Partitions: []int32{0}}, {Topic: "audit"}}}
	err := deleteOffsetsRun(context.Background(), o)
	if err != cmdutil.SilentError {
		t.Fatalf("err %v", err)
	}
	want := "GROUP   TOPIC    PARTITION   RESULT\n" +
		"g1      audit    -           error: the group has no committed offsets for this topic\n" +
		"g1      orders   0           deleted\n"
	if got := fx.env.Out.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	got := fx.committed(t, "g1")
	if _, ok := got[tp{"orders", 0}]; ok {
		t.Errorf("orders/0 still committed: %v", got)
	}
	if got[tp{"orders", 1}] != 5 {
		t.Errorf("orders/1 lost: %v", got)
	}
}
