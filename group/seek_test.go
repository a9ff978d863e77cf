package group

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/offsetspec"
	"github.com/kafkit/kafkit/internal/testkit"
)

func planJSON(t *testing.T, rows []SeekRow) string {
	t.Helper()
	b, err := json.Marshal(rows)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSeekPlanEverySpec(t *testing.T) {
	parts := []tp{{"t", 1}, {"t", 0}, {"t", 2}}
	commits := commitsOf(map[string]map[int32]int64{"t": {0: 50, 1: 5}}) // partition 2: no commit
	start := listedOf(map[string]map[int32]int64{"t": {0: 10, 1: 0, 2: 0}})
	end := listedOf(map[string]map[int32]int64{"t": {0: 100, 1: 20, 2: 30}})
	atTime := listedOf(map[string]map[int32]int64{"t": {0: 70, 1: -1, 2: 3}})
	spec := func(s string) *offsetspec.Spec {
		sp, err := offsetspec.Parse(s, time.UnixMilli(0))
		if err != nil {
			t.Fatal(err)
		}
		return &sp
	}
	tests := []struct {
		name string
		spec *offsetspec.Spec
		file map[tp]int64
		want string
	}{
		{"start", spec("start"), nil,
			`[{"topic":"t","partition":0,"current_offset":50,"new_offset":10,"delta":-40},{"topic":"t","partition":1,"current_offset":5,"new_offset":0,"delta":-5},{"topic":"t","partition":2,"current_offset":null,"new_offset":0,"delta":null}]`},
		{"end", spec("end"), nil,
			`[{"topic":"t","partition":0,"current_offset":50,"new_offset":100,"delta":50},{"topic":"t","partition":1,"current_offset":5,"new_offset":20,"delta":15},{"topic":"t","partition":2,"current_offset":null,"new_offset":30,"delta":null}]`},
		{"offset, clamped at both ends", spec("25"), nil,
			`[{"topic":"t","partition":0,"current_offset":50,"new_offset":25,"delta":-25},{"topic":"t","partition":1,"current_offset":5,"new_offset":20,"delta":15,"note":"target 25 is past the log end: clamped to 20"},{"topic":"t","partition":2,"current_offset":null,"new_offset":25,"delta":null}]`},
		{"shift forward from the commit", spec("+10"), nil,
			`[{"topic":"t","partition":0,"current_offset":50,"new_offset":60,"delta":10},{"topic":"t","partition":1,"current_offset":5,"new_offset":15,"delta":10},{"topic":"t","partition":2,"current_offset":null,"new_offset":null,"delta":null,"error":"no committed offset to move from: use start, end, an offset or a time"}]`},
		{"shift back, clamped to the log start", spec("-45"), nil,
			`[{"topic":"t","partition":0,"current_offset":50,"new_offset":10,"delta":-40,"note":"target 5 is before the log start: clamped to 10"},{"topic":"t","partition":1,"current_offset":5,"new_offset":0,"delta":-5,"note":"target -40 is before the log start: clamped to 0"},{"topic":"t","partition":2,"current_offset":null,"new_offset":null,"delta":null,"error":"no committed offset to move from: use start, end, an offset or a time"}]`},
		{"time: no record after it means the end", spec("@1000"), nil,
			`[{"topic":"t","partition":0,"current_offset":50,"new_offset":70,"delta":20},{"topic":"t","partition":1,"current_offset":5,"new_offset":20,"delta":15},{"topic":"t","partition":2,"current_offset":null,"new_offset":3,"delta":null}]`},
		{"file", nil, map[tp]int64{{"t", 0}: 60, {"t", 1}: 99, {"t", 2}: 0},
			`[{"topic":"t","partition":0,"current_offset":50,"new_offset":60,"delta":10},{"topic":"t","partition":1,"current_offset":5,"new_offset":20,"delta":15,"note":"target 99 is past the log end: clamped to 20"},{"topic":"t","partition":2,"current_offset":null,"new_offset":0,"delta":null}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := planJSON(t, seekPlan(append([]tp{}, parts...), tt.spec, tt.file, commits, start, end, atTime))
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
	// A partition whose offsets cannot be listed is not moved.
	bad := kadm.ListedOffsets{"t": {0: {Topic: "t", Partition: 0, Err: kerr.NotLeaderForPartition}}}
	got := planJSON(t, seekPlan([]tp{{"t", 0}}, spec("end"), nil, commits, bad, end, nil))
	if !strings.Contains(got, `"new_offset":null`) || !strings.Contains(got, `"error":"offsets not available: NOT_LEADER_FOR_PARTITION`) {
		t.Errorf("unlistable partition: %s", got)
	}
	// Missing from both listings: the reason once, not once per listing (issue 17 #19).
	got = planJSON(t, seekPlan([]tp{{"t", 9}}, spec("end"), nil, commits, start, end, nil))
	if want := `[{"topic":"t","partition":9,"current_offset":null,"new_offset":null,"delta":null,"error":"offsets not available: partition not in the cluster's metadata"}]`; got != want {
		t.Errorf("missing partition:\n%s\nwant\n%s", got, want)
	}
}

func TestSeekValidate(t *testing.T) {
	read := func(name string) ([]byte, error) {
		if name == "plan.csv" {
			return []byte("t,0,5\nt,1,6\n"), nil
		}
		return nil, os.ErrNotExist
	}
	now := time.UnixMilli(10_000_000)
	tests := []struct {
		name        string
		to, file    string
		topics      []string
		all, exec   bool
		dry         bool
		err         string
		wantTopics  []topicSel
		wantFile    map[tp]int64
		wantSpecStr string
	}{
		{name: "to with topics", to: "start", topics: []string{"a", "b:2,0"}, wantTopics: []topicSel{{"a", nil}, {"b", []int32{0, 2}}}, wantSpecStr: "start"},
		{name: "relative time", to: "@-1h", all: true, wantSpecStr: "@1970-01-01T01:46:40Z"},
		{name: "file", file: "plan.csv", wantFile: map[tp]int64{{"t", 0}: 5, {"t", 1}: 6}},
		{name: "neither", all: true, err: "pass exactly one of --to SPEC and --to-file CSV"},
		{name: "both", to: "end", file: "plan.csv", err: "pass exactly one of"},
		{name: "no partitions", to: "end", err: "say which partitions"},
		{name: "topics and all", to: "end", topics: []string{"a"}, all: true, err: "say which partitions"},
		{name: "file with topics", file: "plan.csv", topics: []string{"a"}, err: "--to-file names its partitions"},
		{name: "missing file", file: "nope.csv", err: "--to-file: file does not exist"},
		{name: "bad spec", to: "soon", all: true, err: `--to: bad offset "soon"`},
		{name: "bad partition", to: "end", topics: []string{"a:x"}, err: `--topic: bad partition "x" in "a:x"`},
		{name: "dry run and execute", to: "end", all: true, exec: true, dry: true, err: "contradict"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := &seekOptions{Group: "g", AllTopics: tt.all, Execute: tt.exec}
			err := seekValidate(opts, tt.to, tt.file, tt.topics, tt.dry, now, read)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !cmdutil.IsUsage(err) {
					t.Fatalf("error %v, want usage error %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(opts.Topics, tt.wantTopics) || !reflect.DeepEqual(opts.FromFile, tt.wantFile) {
				t.Errorf("topics %v file %v", opts.Topics, opts.FromFile)
			}
			if tt.wantSpecStr != "" && opts.Spec.String() != tt.wantSpecStr {
				t.Errorf("spec %s, want %s", opts.Spec, tt.wantSpecStr)
			}
		})
	}
}

func FuzzParseTopicSel(f *testing.F) {
	for _, s := range []string{"t", "t:0", "t:1,2,3", ":1", "t:", "t:-1", "t:1,,2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sel, err := parseTopicSel(s)
		if err != nil {
			return
		}
		if sel.Topic == "" {
			t.Fatalf("%q: empty topic accepted", s)
		}
		for i, p := range sel.Partitions {
			if p < 0 || (i > 0 && p <= sel.Partitions[i-1]) {
				t.Fatalf("%q: partitions %v not sorted, unique, non-negative", s, sel.Partitions)
			}
		}
	})
}

func TestSeekFlagsToOptions(t *testing.T) {
	env := testkit.FactoryFor(t, testkit.Settings([]string{"127.0.0.1:1"}))
	var got *seekOptions
	cmd := newCmdSeek(env.F, func(_ context.Context, o *seekOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"g1", "--to", "-5", "--topic", "orders:1,0", "-t", "audit", "--execute", "-o", "json"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Group != "g1" || got.Spec.Kind != offsetspec.FromEnd || got.Spec.Offset != 5 || !got.Execute ||
		!reflect.DeepEqual(got.Topics, []topicSel{{"orders", []int32{0, 1}}, {"audit", nil}}) || got.Printer.Format != "json" {
		t.Errorf("options %+v", got)
	}
	cmd = newCmdSeek(env.F, func(context.Context, *seekOptions) error { return errors.New("must not run") })
	cmd.SetArgs([]string{"g1", "--to", "end", "--all-topics", "-o", "xml"})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	if err := cmd.Execute(); !cmdutil.IsUsage(err) {
		t.Errorf("bad -o: %v, want a usage error before any Kafka call", err)
	}
}
