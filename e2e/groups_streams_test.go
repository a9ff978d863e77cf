//go:build e2e

package e2e

// A streams group (KIP-1071) from a tiny Kafka Streams app (testdata/GroupsStreamsApp.java,
// run from source against the cluster's own kafka-streams jar): described with its members,
// tasks and sub-topologies and lagged while it runs and after it stops; delete
// --include-internal-topics removes it and its internal topics. Only
// where the cluster has streams groups (Kafka 4.4: streams.version=1 by default; 4.1 needs
// unstable metadata, so the e2e cluster there has none).

import (
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

type groupsStreamsDescribed struct {
	Type    string `json:"type"`
	State   string `json:"state"`
	Members []struct {
		Tasks *struct {
			Active map[string][]int32 `json:"active"`
		} `json:"tasks"`
	} `json:"members"`
	TotalLag   int64 `json:"total_lag"`
	Partitions []struct {
		Topic string `json:"topic"`
		Lag   *int64 `json:"lag"`
	} `json:"partitions"`
	Streams *struct {
		Subtopologies []struct {
			ID                   string   `json:"id"`
			SourceTopics         []string `json:"source_topics"`
			StateChangelogTopics []string `json:"state_changelog_topics"`
		} `json:"subtopologies"`
	} `json:"streams"`
}

func groupsDescribeStreams(t testing.TB, group string) (groupsStreamsDescribed, bool) {
	t.Helper()
	r := Kafkit(t, "", "group", "describe", group, "-o", "json")
	var out []groupsStreamsDescribed
	if r.Code != 0 || json.Unmarshal([]byte(r.Stdout), &out) != nil || len(out) != 1 {
		return groupsStreamsDescribed{}, false
	}
	return out[0], true
}

// groupsStreamsApp starts the streams app with the streams protocol and returns a stop func.
func groupsStreamsApp(t testing.TB, app, in, out string) func() {
	t.Helper()
	jars, _ := filepath.Glob(filepath.Join(KafkaLib(), "kafka-streams-*.jar"))
	if len(jars) == 0 {
		t.Fatalf("no kafka-streams jar in %s: fetch the Kafka jars again with e2e/cluster/cluster.sh (pom.xml lists kafka-streams)", KafkaLib())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	cmd := exec.CommandContext(ctx, "java", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", KafkaLib()+"/*",
		filepath.Join(repoRoot, "e2e", "testdata", "GroupsStreamsApp.java"), Brokers(), app, in, out, "streams")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			_ = cmd.Process.Signal(syscall.SIGTERM)
			_ = cmd.Wait()
			cancel()
		}
	}
	t.Cleanup(stop)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("streams app stderr:\n%s", clip(stderr.String()))
		}
	})
	return stop
}

func TestGroupsStreams(t *testing.T) {
	if !groupsDetect(t).streams {
		t.Skipf("Kafka %s: the cluster has no streams groups (no StreamsGroupHeartbeat API or streams.version=0)", envOr("KAFKIT_E2E_KAFKA_VERSION", "4.1.1"))
	}
	app := Unique(t, "groups-streams")
	in, out := app+"-in", app+"-out"
	groupTopic(t, Admin(t), in, 2)
	groupTopic(t, Admin(t), out, 2)
	groupsCleanup(t, app)
	MustKafkit(t, "a\nb\na\nc\nb\na\n", "produce", in)
	stop := groupsStreamsApp(t, app, in, out)
	var d groupsStreamsDescribed
	for i := 0; ; i++ {
		var ok bool
		d, ok = groupsDescribeStreams(t, app)
		if ok && d.State == "Stable" && len(d.Members) == 1 && d.TotalLag == 0 && len(d.Partitions) > 0 {
			break
		}
		if i == 300 {
			t.Fatalf("the streams group did not become Stable and caught up: %+v", d)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if d.Type != "streams" || d.Streams == nil || len(d.Streams.Subtopologies) != 2 {
		t.Fatalf("active: %+v; want a streams group with 2 sub-topologies", d)
	}
	changelog := app + "-counts-changelog"
	if got := d.Streams.Subtopologies[1].StateChangelogTopics; len(got) != 1 || got[0] != changelog {
		t.Errorf("sub-topology 1 changelogs %v, want [%s]", got, changelog)
	}
	if tasks := d.Members[0].Tasks; tasks == nil || len(tasks.Active["0"]) != 2 || len(tasks.Active["1"]) == 0 {
		t.Errorf("member tasks %+v: want both partitions of sub-topology 0 and those of 1", d.Members[0].Tasks)
	}
	if r := MustKafkit(t, "", "group", "list", "--type", "streams", "-o", "name"); !strings.Contains(r.Stdout, app+"\n") {
		t.Errorf("group list --type streams does not show %s:\n%s", app, r.Stdout)
	}
	MustKafkit(t, "d\n", "produce", in)
	stop()
	for i := 0; d.State != "Empty" && i < 300; i++ { // a member that did not leave times out in 45 s
		time.Sleep(200 * time.Millisecond)
		d, _ = groupsDescribeStreams(t, app)
	}
	if d.State != "Empty" || len(d.Members) != 0 {
		t.Errorf("stopped: state %q, %d members; want Empty", d.State, len(d.Members))
	}
	lag := MustKafkit(t, "", "group", "lag", app, "--topic", in, "--no-time-lag", "-o", "json")
	var rows []struct {
		Type     string `json:"type"`
		TotalLag int64  `json:"total_lag"`
	}
	if err := json.Unmarshal([]byte(lag.Stdout), &rows); err != nil || len(rows) != 1 || rows[0].Type != "streams" || rows[0].TotalLag > 1 {
		t.Errorf("lag after stop: %v %s; want one streams row, lag at most the record produced before the stop", err, lag.Stdout)
	}
	del := MustKafkit(t, "", "group", "delete", app, "--include-internal-topics", "-o", "json")
	if !strings.Contains(del.Stdout, `"deleted": true`) || !strings.Contains(del.Stdout, changelog) {
		t.Errorf("delete --include-internal-topics: %s", del.Stdout)
	}
	time.Sleep(500 * time.Millisecond)
	if td, err := Admin(t).ListTopics(context.Background(), changelog, app+"-counts-repartition"); err == nil && (td.Has(changelog) && td[changelog].Err == nil) {
		t.Errorf("internal topic %s still exists", changelog)
	}
}
