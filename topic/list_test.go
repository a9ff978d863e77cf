package topic

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/output"
)

func TestListHealthFilters(t *testing.T) {
	p := func(leader int32, reps, isr []int32) kadm.PartitionDetail {
		return kadm.PartitionDetail{Leader: leader, Replicas: reps, ISR: isr}
	}
	tds := kadm.TopicDetails{
		"healthy": {Topic: "healthy", Partitions: kadm.PartitionDetails{0: p(1, []int32{1, 2, 3}, []int32{1, 2, 3})}},
		"under":   {Topic: "under", Partitions: kadm.PartitionDetails{0: p(1, []int32{1, 2, 3}, []int32{1, 2})}},
		"below":   {Topic: "below", Partitions: kadm.PartitionDetails{0: p(1, []int32{1, 2}, []int32{1, 2}), 1: p(2, []int32{2, 1}, []int32{2})}},
		"offline": {Topic: "offline", Partitions: kadm.PartitionDetails{0: p(-1, []int32{1, 2, 3}, []int32{})}},
		"__int":   {Topic: "__int", IsInternal: true, Partitions: kadm.PartitionDetails{0: p(1, []int32{1}, []int32{1})}},
	}
	minISR := map[string]int{"healthy": 2, "under": 2, "below": 3, "offline": 2, "__int": 1}
	names := func(rows []ListedTopic) string {
		var s []string
		for _, r := range rows {
			s = append(s, r.Name)
		}
		return strings.Join(s, ",")
	}
	for _, tt := range []struct {
		h        healthFilter
		internal bool
		want     string
	}{
		{healthFilter{}, false, "below,healthy,offline,under"},
		{healthFilter{}, true, "__int,below,healthy,offline,under"},
		{healthFilter{UnderReplicated: true}, false, "below,offline,under"},
		{healthFilter{UnderMinISR: true}, false, "below,offline"},
		{healthFilter{AtMinISR: true}, false, "under"},
		{healthFilter{AtMinISR: true}, true, "__int,under"},
		{healthFilter{Unavailable: true}, false, "offline"},
		{healthFilter{Unavailable: true, AtMinISR: true}, false, "offline,under"},
	} {
		if got := names(listView(tds, nil, tt.internal, tt.h, minISR)); got != tt.want {
			t.Errorf("%+v internal=%v: %s, want %s", tt.h, tt.internal, got, tt.want)
		}
	}
	rows := listView(tds, nil, false, healthFilter{}, nil)
	if rows[0].Name != "below" || rows[0].UnderReplicatedPartitions != 1 || rows[2].OfflinePartitions != 1 {
		t.Fatalf("counts: %+v", rows)
	}
}

func TestListMinISRAgainstKfake(t *testing.T) {
	env := newEnv(t)
	// kfake does not validate configs: a min.insync.replicas above the replica count makes an
	// under-min-ISR topic without stopping brokers.
	mustRun(t, env, "create", "at", "-p", "1", "-c", "min.insync.replicas=3")
	mustRun(t, env, "create", "under", "-p", "1", "-c", "min.insync.replicas=4")
	mustRun(t, env, "create", "fine", "-p", "1")
	wantEqual(t, "at", mustRun(t, env, "list", "--at-min-isr", "-o", "name"), "at\n")
	wantEqual(t, "under", mustRun(t, env, "list", "--under-min-isr", "-o", "name"), "under\n")
	wantEqual(t, "either", mustRun(t, env, "list", "--under-min-isr", "--at-min-isr", "-o", "name"), "at\nunder\n")
	wantEqual(t, "under-replicated", mustRun(t, env, "list", "--under-replicated", "-o", "name"), "")
}

func TestNewCmdList(t *testing.T) {
	env := newEnv(t)
	o, err := parseFlags(t, env, newCmdList, "ord.*", "--internal", "--under-min-isr", "-o", "name")
	if err != nil || o.Regex.String() != "^(?:ord.*)$" || !o.Internal || !o.Health.UnderMinISR || o.Health.AtMinISR || o.Printer.Format != output.Name {
		t.Fatalf("options %+v (%v)", o, err)
	}
	_, err = parseFlags(t, env, newCmdList, "(")
	wantExit(t, err, 2, "bad regular expression")
	_, err = parseFlags(t, env, newCmdList, "a", "b")
	wantExit(t, err, 2, "accepts at most 1 arg")
	_, err = parseFlags(t, env, newCmdList, "-o", "xml")
	wantExit(t, err, 2, "unknown output format")
}

func TestListRun(t *testing.T) {
	env := newEnv(t)
	mustRun(t, env, "create", "b", "-p", "2", "-r", "2")
	mustRun(t, env, "create", "a", "-p", "1")
	opts := &listOptions{IO: env.F.IO, Admin: env.F.Admin, Context: env.F.Context, Printer: output.Printer{Format: output.Table}}
	out, errOut, err := runDirect(t, env, func(ctx context.Context) error { return listRun(ctx, opts) })
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "list", out, "NAME   PARTITIONS   REPLICAS\na      1            3\nb      2            2\n")
	wantEqual(t, "stderr", errOut, "")
	opts.Printer = output.Printer{Format: output.Name}
	opts.Regex = regexp.MustCompile("^b$")
	out, _, _ = runDirect(t, env, func(ctx context.Context) error { return listRun(ctx, opts) })
	wantEqual(t, "list -o name", out, "b\n")
}
