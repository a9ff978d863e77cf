//go:build e2e

package e2e

// kafka-streams-groups.sh through the compat layer against the Java tool
// (StreamsGroupCommand) of the cluster's version, on one streams group of the tiny Kafka
// Streams app (groupsStreamsApp): described while it runs and after it stops, its offsets
// reset (dry run, export, execute) and deleted, then the group deleted with its internal
// topics. Only where the cluster has streams groups (Kafka 4.4; see TestGroupsStreams).

import (
	"context"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

const streamsGroupClass = "org.apache.kafka.tools.streams.StreamsGroupCommand"

func groupsNeedStreams(t *testing.T) {
	t.Helper()
	if !groupsDetect(t).streams {
		t.Skipf("Kafka %s: the cluster has no streams groups (no StreamsGroupHeartbeat API or streams.version=0)", envOr("KAFKIT_E2E_KAFKA_VERSION", "4.1.1"))
	}
}

// streamsCompatRun runs the Java tool and kafkit's kafka-streams-groups.sh on the same
// command line ({B} the brokers) and fails unless stdout, the exit code (kafkit's 1 where
// Java exits 0 after an error, when javaExitsZero) and, for a usage error, stderr's first
// line are the same. It returns kafkit's stdout.
func streamsCompatRun(t *testing.T, dir string, javaExitsZero bool, args string) string {
	t.Helper()
	return streamsCompatBetween(t, dir, javaExitsZero, args, nil)
}

// streamsCompatBetween is streamsCompatRun with between run after the Java tool (to restore
// what a changing command changed, so that kafkit meets the same state).
func streamsCompatBetween(t *testing.T, dir string, javaExitsZero bool, args string, between func()) string {
	t.Helper()
	a := strings.Fields(strings.ReplaceAll(args, "{B}", Brokers()))
	j := JavaTool(t, "", streamsGroupClass, a...)
	if between != nil {
		between()
	}
	k := run(t.Context(), nil, "", filepath.Join(dir, "kafka-streams-groups.sh"), a...)
	jo, ko := compatNormalize(j.Stdout, nil, false), compatNormalize(k.Stdout, nil, false)
	want := j.Code
	if javaExitsZero && j.Code == 0 {
		want = 1
	}
	if jo != ko && sameRows(jo, ko) {
		// Rows of partitions that share a bucket of the tool's HashMap come in the order Java
		// inserted them, which depends on the order of its admin client's answers.
		t.Logf("%s: the same rows in another order (a HashMap bucket shared):\njava:\n%s\nkafkit:\n%s", args, jo, ko)
		ko = jo
	}
	if jo != ko || k.Code != want {
		t.Errorf("%s\njava (exit %d):\n%s\nkafkit (exit %d, want %d):\n%s\njava stderr:\n%s\nkafkit stderr:\n%s", args, j.Code, jo, k.Code, want, ko, clip(j.Stderr), k.Stderr)
	}
	if jo == "" && j.Code != 0 {
		jl, _, _ := strings.Cut(j.Stderr, "\n")
		kl, _, _ := strings.Cut(k.Stderr, "\n")
		if jl != kl {
			t.Errorf("%s: stderr\njava:   %s\nkafkit: %s", args, jl, kl)
		}
	}
	return k.Stdout
}

// sameRows reports whether a and b have the same first line (the header) and the same lines.
func sameRows(a, b string) bool {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	if len(al) != len(bl) || al[0] != bl[0] {
		return false
	}
	sort.Strings(al)
	sort.Strings(bl)
	return strings.Join(al, "\n") == strings.Join(bl, "\n")
}

// streamsCompatGroup produces 6 records into a 2-partition input topic, starts the app and
// waits until its group is Stable and caught up; it returns the app id, the input topic and
// the stop func.
func streamsCompatGroup(t testing.TB) (string, string, func()) {
	t.Helper()
	app := Unique(t, "sgc")
	in, out := app+"-in", app+"-out"
	groupTopic(t, Admin(t), in, 2)
	groupTopic(t, Admin(t), out, 2)
	groupsCleanup(t, app)
	MustKafkit(t, "1,a\n2,b\n3,a\n4,c\n5,b\n6,a\n", "produce", in, "-K", ",")
	stop := groupsStreamsApp(t, app, in, out)
	for i := 0; ; i++ {
		d, ok := groupsDescribeStreams(t, app)
		if ok && d.State == "Stable" && len(d.Members) == 1 && d.TotalLag == 0 && len(d.Partitions) > 0 {
			break
		}
		if i == 300 {
			t.Fatalf("the streams group did not become Stable and caught up: %+v", d)
		}
		time.Sleep(200 * time.Millisecond)
	}
	return app, in, stop
}

// streamsCompatStop stops the app and waits until its group is Empty.
func streamsCompatStop(t testing.TB, app string, stop func()) {
	t.Helper()
	stop()
	for i := 0; ; i++ {
		d, _ := groupsDescribeStreams(t, app)
		if d.State == "Empty" && len(d.Members) == 0 {
			return
		}
		if i == 300 {
			t.Fatalf("stopped: %+v; want Empty", d)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// streamsCommits is the group's committed offsets of topic: "p=offset" sorted.
func streamsCommits(t *testing.T, group, topic string) string {
	t.Helper()
	offs, err := Admin(t).FetchOffsets(context.Background(), group)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range []int32{0, 1} {
		if o, ok := offs.Lookup(topic, p); ok && o.Err == nil && o.At >= 0 {
			out = append(out, itoa(int(p))+"="+itoa(int(o.At)))
		}
	}
	return strings.Join(out, " ")
}

func TestGroupsStreamsCompatUsage(t *testing.T) {
	groupsNeedStreams(t)
	dir := compatLink(t)
	for _, args := range []string{
		"--bootstrap-server {B} --describe",
		"--bootstrap-server {B} --describe --group g --members --state",
		"--bootstrap-server {B} --describe --group g --state=Stable",
		"--bootstrap-server {B} --members --group g",
		"--bootstrap-server {B} --list --describe --group g",
		"--bootstrap-server {B} --list --group g",
		"--bootstrap-server {B} --delete",
		"--bootstrap-server {B} --delete --group g --all-input-topics",
		"--bootstrap-server {B} --delete-offsets --group g",
		"--bootstrap-server {B} --delete-offsets --group g --group h --all-input-topics",
		"--bootstrap-server {B} --reset-offsets --group g --to-earliest",
		"--bootstrap-server {B} --reset-offsets --group g --to-earliest --to-latest --dry-run",
		"--bootstrap-server {B} --reset-offsets --group g --dry-run --execute --to-earliest",
		"--bootstrap-server {B} --reset-offsets --group g --to-earliest --dry-run --delete-all-internal-topics",
		"--bootstrap-server {B} --describe --group g --delete-internal-topic x",
		"--bootstrap-server {B} --list --dry-run",
		"--bootstrap-server {B} --reset-offsets --group g --to-offset x --dry-run --all-input-topics",
		"--bootstrap-server {B}",
		"--bootstrap-server {B} --list --state bogus",
	} {
		streamsCompatRun(t, dir, false, args)
	}
}

func TestGroupsStreamsCompat(t *testing.T) {
	groupsNeedStreams(t)
	dir := compatLink(t)
	app, in, stop := streamsCompatGroup(t)
	g := " --group " + app
	// While the app runs: offsets (lag 0), members and their tasks, state; an active group
	// cannot be reset or deleted.
	for _, c := range []struct {
		args  string
		zero  bool
		check string
	}{
		{args: "--describe" + g, check: in},
		{args: "--describe --offsets --verbose" + g, check: "LEADER-EPOCH"},
		{args: "--describe --members" + g, check: "ACTIVE: 0:["},
		{args: "--describe --members --verbose" + g, check: "TARGET-ACTIVE"},
		{args: "--describe --state" + g, check: "Stable"},
		{args: "--describe --state --verbose" + g, check: "GROUP-EPOCH"},
		{args: "--describe --group " + app + "-none", check: "GroupIdNotFoundException"},
		{args: "--describe --topology" + g, check: "opolog"},
		{args: "--reset-offsets --to-earliest --all-input-topics --dry-run" + g, zero: true, check: "inactive"},
		{args: "--delete" + g, zero: true, check: "is not EMPTY"},
		{args: "--delete-offsets --input-topic " + in + g, zero: true, check: "GroupSubscribedToTopicException"},
	} {
		if out := streamsCompatRun(t, dir, c.zero, "--bootstrap-server {B} "+c.args); !strings.Contains(out, c.check) {
			t.Errorf("%s: kafkit's output has no %q:\n%s", c.args, c.check, out)
		}
	}
	streamsCompatStop(t, app, stop)
	// Stopped: --offsets and --members print nothing, --state says it is empty.
	for _, args := range []string{"--describe" + g, "--describe --members" + g, "--describe --state --verbose" + g} {
		streamsCompatRun(t, dir, false, "--bootstrap-server {B} "+args)
	}
	before := streamsCommits(t, app, in)
	if !strings.Contains(before, "0=") || !strings.Contains(before, "1=") {
		t.Fatalf("commits before the reset: %q; want both partitions", before)
	}
	for _, args := range []string{
		"--reset-offsets --to-earliest --all-input-topics --dry-run",
		"--reset-offsets --to-latest --input-topic " + in + " --dry-run",
		"--reset-offsets --to-offset 1 --input-topic " + in + ":0 --dry-run",
		"--reset-offsets --shift-by -1 --all-input-topics --dry-run",
		"--reset-offsets --to-current --all-input-topics --dry-run",
		"--reset-offsets --by-duration PT1H --all-input-topics --dry-run",
		"--reset-offsets --to-earliest --all-input-topics --dry-run --export",
		"--reset-offsets --to-earliest --input-topic " + app + "-out:0 --dry-run",
		"--reset-offsets --to-datetime 2020-01-01T00:00:00.000 --all-input-topics --dry-run",
	} {
		streamsCompatRun(t, dir, false, "--bootstrap-server {B} "+args+g)
	}
	// --from-file with the plan --export wrote (topic,partition,offset lines).
	export := streamsCompatRun(t, dir, false, "--bootstrap-server {B} --reset-offsets --shift-by -1 --all-input-topics --dry-run --export"+g)
	csv := WriteFile(t, "plan.csv", strings.TrimSpace(export)+"\n")
	if out := streamsCompatRun(t, dir, false, "--bootstrap-server {B} --reset-offsets --from-file "+csv+" --dry-run"+g); !strings.Contains(out, in) {
		t.Errorf("--from-file: no rows:\n%s", out)
	}
	if after := streamsCommits(t, app, in); after != before {
		t.Fatalf("a dry run changed the commits: %q -> %q", before, after)
	}
	// --execute: Java first, then kafkit on the state Java left (the same plan: idempotent).
	streamsCompatRun(t, dir, false, "--bootstrap-server {B} --reset-offsets --to-earliest --all-input-topics --execute"+g)
	if got := streamsCommits(t, app, in); got != "0=0 1=0" {
		t.Errorf("after --to-earliest --execute: commits %q, want 0=0 1=0", got)
	}
	// restore commits the log start of these partitions (seek's --topic T[:P,..]) again.
	restore := func(topic string) func() {
		return func() { MustKafkit(t, "", "group", "seek", app, "--to", "start", "--topic", topic, "--execute") }
	}
	toEarliest := restore(in)
	streamsCompatBetween(t, dir, false, "--bootstrap-server {B} --reset-offsets --shift-by 1 --all-input-topics --execute"+g, toEarliest)
	if got := streamsCommits(t, app, in); got != "0=1 1=1" {
		t.Errorf("after --shift-by 1 --execute: commits %q, want 0=1 1=1", got)
	}
	// --delete-offsets: what Java deleted is committed again before kafkit deletes it.
	streamsCompatBetween(t, dir, false, "--bootstrap-server {B} --delete-offsets --input-topic "+in+":0"+g, toEarliest)
	if got := streamsCommits(t, app, in); got != "1=0" {
		t.Errorf("after --delete-offsets %s:0: commits %q, want 1=0", in, got)
	}
	streamsCompatRun(t, dir, true, "--bootstrap-server {B} --delete-offsets --input-topic "+app+"-none-topic"+g)
	streamsCompatBetween(t, dir, false, "--bootstrap-server {B} --delete-offsets --all-input-topics"+g, restore(in+":1"))
	if got := streamsCommits(t, app, in); got != "" {
		t.Errorf("after --delete-offsets --all-input-topics: commits %q, want none", got)
	}
}

// TestGroupsStreamsCompatDelete deletes two stopped groups of the app with their internal
// topics, one with each tool, and compares the reports (group names normalized).
func TestGroupsStreamsCompatDelete(t *testing.T) {
	groupsNeedStreams(t)
	dir := compatLink(t)
	apps := map[string]string{}
	for _, tool := range []string{"java", "kafkit"} {
		app, _, stop := streamsCompatGroup(t)
		streamsCompatStop(t, app, stop)
		apps[tool] = app
	}
	out := map[string]Result{}
	a := func(app string) []string {
		return strings.Fields("--bootstrap-server " + Brokers() + " --delete --delete-all-internal-topics --group " + app)
	}
	out["java"] = JavaTool(t, "", streamsGroupClass, a(apps["java"])...)
	out["kafkit"] = run(t.Context(), nil, "", filepath.Join(dir, "kafka-streams-groups.sh"), a(apps["kafkit"])...)
	jo := strings.ReplaceAll(compatNormalize(out["java"].Stdout, nil, false), apps["java"], "{APP}")
	ko := strings.ReplaceAll(compatNormalize(out["kafkit"].Stdout, nil, false), apps["kafkit"], "{APP}")
	if jo != ko || out["java"].Code != out["kafkit"].Code || !strings.Contains(ko, "internal topics") {
		t.Errorf("delete --delete-all-internal-topics\njava (exit %d):\n%s\nkafkit (exit %d):\n%s\nkafkit stderr:\n%s", out["java"].Code, jo, out["kafkit"].Code, ko, out["kafkit"].Stderr)
	}
	for _, app := range apps {
		changelog := app + "-counts-changelog"
		td, err := Admin(t).ListTopics(context.Background(), changelog, app+"-counts-repartition")
		if err == nil && td.Has(changelog) && td[changelog].Err == nil {
			t.Errorf("internal topic %s still exists", changelog)
		}
	}
	// Both groups are gone now: the same refusal from both tools.
	streamsCompatRun(t, dir, true, "--bootstrap-server {B} --delete --group "+apps["java"])
}
