//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
)

// Issue 17 defects in group, on the real cluster.

// groupCommit commits offsets for group and deletes the group when the test ends.
func groupCommit(t *testing.T, adm *kadm.Client, group, topic string, offsets map[int32]int64) {
	t.Helper()
	offs := make(kadm.Offsets)
	for p, o := range offsets {
		offs.AddOffset(topic, p, o, -1)
	}
	if err := adm.CommitAllOffsets(context.Background(), group, offs); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = adm.DeleteGroup(ctx, group)
	})
}

// #4: a stopped group committed on 1 of 3 partitions, with records on the other two. The old
// gate exited 0 and its JSON said "partitions": 1.
func TestGroupLagCountsUncommittedPartitions(t *testing.T) {
	adm := kadm.NewClient(Client(t))
	topic, group := Unique(t, "grp"), Unique(t, "grp-uncommitted")
	groupTopic(t, adm, topic, 3)
	var ts []time.Time
	for i := 0; i < 15; i++ {
		ts = append(ts, time.Now().Add(-time.Hour))
	}
	groupProduce(t, topic, 3, ts)
	groupCommit(t, adm, group, topic, map[int32]int64{0: 15})

	r := Kafkit(t, "", "group", "lag", group, "--fail-above", "10")
	if r.Code != 3 || !strings.Contains(r.Stderr, fmt.Sprintf("group %q total lag 30 > 10", group)) {
		t.Errorf("--fail-above 10: %s", r)
	}
	r = Kafkit(t, "", "group", "lag", group, "--fail-time-above", "30m")
	if r.Code != 3 || !strings.Contains(r.Stderr, "time lag") {
		t.Errorf("--fail-time-above 30m: %s", r)
	}
	r = Kafkit(t, "", "group", "lag", group, "--fail-above", "10", "--exclude-uncommitted")
	if r.Code != 0 {
		t.Errorf("--exclude-uncommitted: %s", r)
	}

	rows, _, _ := groupLag(t, group)
	if len(rows) != 1 || rows[0].Partitions != 3 || len(rows[0].PartitionLags) != 3 || rows[0].TotalLag != 30 {
		t.Fatalf("lag JSON %+v", rows)
	}
	for _, p := range rows[0].PartitionLags[1:] {
		if p.CurrentOffset != nil || p.Lag == nil || *p.Lag != 15 || p.TimeLagMs == nil {
			t.Errorf("uncommitted partition %d: %+v", p.Partition, p)
		}
	}
	d := groupDescribe(t, group)
	if len(d.Partitions) != 3 || d.TotalLag != 30 || d.Partitions[1].Note == "" {
		t.Errorf("describe %+v", d)
	}
	table := MustKafkit(t, "", "group", "lag", group, "--partitions").Stdout
	if !strings.Contains(table, fmt.Sprintf("%s   %s   1           -                15               15", group, topic)) {
		t.Errorf("lag table:\n%s", table)
	}
}

// #5 and -o name: an unknown state is a usage error; -o name prints names only.
func TestGroupListStateAndName(t *testing.T) {
	r := Kafkit(t, "", "group", "list", "--state", "happy")
	if r.Code != 2 || !strings.Contains(r.Stderr, `unknown value "happy": use stable, empty,`) {
		t.Errorf("--state happy: %s", r)
	}
	adm := kadm.NewClient(Client(t))
	topic, group := Unique(t, "grp"), Unique(t, "grp-name")
	groupTopic(t, adm, topic, 1)
	groupCommit(t, adm, group, topic, map[int32]int64{0: 0})
	if r := MustKafkit(t, "", "group", "list", group, "-o", "name", "--state", "Empty"); r.Stdout != group+"\n" {
		t.Errorf("-o name: %q", r.Stdout)
	}
}

// #8: a --to-file with a good row and an unknown-topic row commits nothing. The old code
// committed the good row and exited 1.
func TestGroupSeekToFileBadRowCommitsNothing(t *testing.T) {
	adm := kadm.NewClient(Client(t))
	topic, group := Unique(t, "grp"), Unique(t, "grp-file")
	groupTopic(t, adm, topic, 2)
	groupProduce(t, topic, 2, []time.Time{time.Now(), time.Now(), time.Now(), time.Now()})
	groupCommit(t, adm, group, topic, map[int32]int64{0: 1, 1: 1})
	missing := Unique(t, "grp-missing")
	csv := WriteFile(t, "plan.csv", fmt.Sprintf("%s,0,3\n%s,0,1\n%s,5,1\n", topic, missing, topic))
	r := Kafkit(t, "", "group", "seek", group, "--to-file", csv, "--execute")
	if r.Code != 1 || !strings.Contains(r.Stderr, fmt.Sprintf("--to-file line 2: topic %q does not exist", missing)) ||
		!strings.Contains(r.Stderr, "--to-file line 3: partition 5 does not exist") || !strings.Contains(r.Stderr, "nothing was committed") {
		t.Errorf("bad file: %s", r)
	}
	if d := groupDescribe(t, group); *d.Partitions[0].CurrentOffset != 1 {
		t.Errorf("partition 0 moved to %d: nothing may be committed from a bad file", *d.Partitions[0].CurrentOffset)
	}
	// #19: a missing partition is named once.
	r = Kafkit(t, "", "group", "seek", group, "--to", "start", "--topic", topic+":0,7")
	if r.Code != 1 || strings.Count(r.Stderr, "partition 7 does not exist") != 1 {
		t.Errorf("missing partition: %s", r)
	}
}

// #19: delete and delete-offsets --dry-run send nothing.
func TestGroupDeleteDryRun(t *testing.T) {
	adm := kadm.NewClient(Client(t))
	topic, group := Unique(t, "grp"), Unique(t, "grp-dry")
	groupTopic(t, adm, topic, 2)
	groupCommit(t, adm, group, topic, map[int32]int64{0: 0, 1: 0})
	r := MustKafkit(t, "", "group", "delete-offsets", group, "--topic", topic, "--dry-run", "-o", "json")
	var res []struct {
		Partition int32 `json:"partition"`
		DryRun    bool  `json:"dry_run"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &res); err != nil || len(res) != 2 || !res[0].DryRun || !strings.Contains(r.Stderr, "nothing sent") {
		t.Errorf("delete-offsets --dry-run: %v %s", err, r)
	}
	r = MustKafkit(t, "", "group", "delete", group, "--dry-run")
	if !strings.Contains(r.Stdout, "would be deleted (dry run)") || !strings.Contains(r.Stderr, "1 group would be deleted") {
		t.Errorf("delete --dry-run: %s", r)
	}
	if d := groupDescribe(t, group); len(d.Partitions) != 2 || d.Partitions[0].CurrentOffset == nil || d.Partitions[1].CurrentOffset == nil {
		t.Errorf("a dry run changed the group: %+v", d)
	}
}
