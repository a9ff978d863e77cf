//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// topicCleanup deletes the topics when the test ends (best effort).
func topicCleanup(t *testing.T, names ...string) {
	t.Cleanup(func() {
		Kafkit(t, "", append([]string{"topic", "delete", "--if-exists", "--timeout", "30s"}, names...)...)
	})
}

// topicCreate creates a topic with kafkit and schedules its deletion.
func topicCreate(t *testing.T, name string, args ...string) {
	t.Helper()
	topicCleanup(t, name)
	MustKafkit(t, "", append([]string{"topic", "create", name}, args...)...)
}

// topicDescribe returns kafkit's JSON description of one topic.
func topicDescribe(t *testing.T, name string) topicDescribed {
	t.Helper()
	r := MustKafkit(t, "", "topic", "describe", name, "-o", "json")
	var ds []topicDescribed
	if err := json.Unmarshal([]byte(r.Stdout), &ds); err != nil || len(ds) != 1 {
		t.Fatalf("describe json: %v\n%s", err, r.Stdout)
	}
	return ds[0]
}

type topicDescribed struct {
	Name              string `json:"name"`
	TopicID           string `json:"topic_id"`
	Partitions        int    `json:"partitions"`
	ReplicationFactor int    `json:"replication_factor"`
	Configs           []struct {
		Name   string  `json:"name"`
		Value  *string `json:"value"`
		Source string  `json:"source"`
	} `json:"configs"`
	PartitionDetails []struct {
		Partition     int32   `json:"partition"`
		Leader        int32   `json:"leader"`
		Replicas      []int32 `json:"replicas"`
		ISR           []int32 `json:"isr"`
		LogStart      *int64  `json:"log_start_offset"`
		HighWatermark *int64  `json:"high_watermark"`
		SizeBytes     *int64  `json:"size_bytes"`
	} `json:"partition_details"`
}

func (d topicDescribed) config(name string) (string, string) {
	for _, c := range d.Configs {
		if c.Name == name && c.Value != nil {
			return *c.Value, c.Source
		}
	}
	return "", ""
}

func topicTool(t *testing.T, args ...string) Result {
	t.Helper()
	return JavaTool(t, "", "org.apache.kafka.tools.TopicCommand", append([]string{"--bootstrap-server", Brokers()}, args...)...)
}

func wantCode(t *testing.T, r Result, code int, stderr string) {
	t.Helper()
	if r.Code != code || !strings.Contains(r.Stderr, stderr) {
		t.Fatalf("want exit %d and stderr containing %q, got %s", code, stderr, r)
	}
}

// TestTopicCreateRF3MatchesJava: RF 3 placement on the real cluster, as kafka-topics sees it.
func TestTopicCreateRF3MatchesJava(t *testing.T) {
	name := Unique(t, "t-rf3")
	topicCreate(t, name, "-p", "3", "-r", "3", "-c", "retention.ms=3600000")
	d := topicDescribe(t, name)
	if d.Partitions != 3 || d.ReplicationFactor != 3 || len(d.PartitionDetails) != 3 {
		t.Fatalf("describe: %+v", d)
	}
	leaders := map[int32]bool{}
	for _, p := range d.PartitionDetails {
		seen := map[int32]bool{}
		for _, r := range p.Replicas {
			seen[r] = true
		}
		if len(p.Replicas) != 3 || len(seen) != 3 || len(p.ISR) != 3 || !seen[p.Leader] || p.Leader != p.Replicas[0] {
			t.Fatalf("partition %d: replicas %v isr %v leader %d", p.Partition, p.Replicas, p.ISR, p.Leader)
		}
		leaders[p.Leader] = true
	}
	if len(leaders) != 3 {
		t.Errorf("leaders not spread over the 3 brokers: %v", leaders)
	}
	if v, src := d.config("retention.ms"); v != "3600000" || src != "DYNAMIC_TOPIC_CONFIG" {
		t.Errorf("retention.ms = %q (%s)", v, src)
	}
	if v, src := d.config("min.insync.replicas"); v != "2" || src == "DYNAMIC_TOPIC_CONFIG" || src == "DEFAULT_CONFIG" || src == "" {
		t.Errorf("min.insync.replicas = %q (%s); the cluster sets 2 for every broker", v, src)
	}
	// The Java tool agrees on id, counts and placement.
	j := topicTool(t, "--describe", "--topic", name)
	if j.Code != 0 {
		t.Fatal(j)
	}
	head := fmt.Sprintf("Topic: %s\tTopicId: %s\tPartitionCount: 3\tReplicationFactor: 3\t", name, d.TopicID)
	if !strings.Contains(j.Stdout, head) {
		t.Fatalf("TopicCommand --describe does not start with %q:\n%s", head, j.Stdout)
	}
	for _, p := range d.PartitionDetails {
		line := fmt.Sprintf("Partition: %d\tLeader: %d\tReplicas: %s\tIsr: %s", p.Partition, p.Leader, ids(p.Replicas), ids(p.ISR))
		if !strings.Contains(j.Stdout, line) {
			t.Errorf("TopicCommand misses %q:\n%s", line, j.Stdout)
		}
	}
	// The table shows the same.
	r := MustKafkit(t, "", "topic", "describe", name)
	if !strings.Contains(r.Stdout, "Replication factor:  3") || !regexp.MustCompile(`(?m)^0\s+\d\s+\d,\d,\d\s+\d,\d,\d\s+-\s+0\s+0$`).MatchString(r.Stdout) {
		t.Fatalf("describe table:\n%s", r.Stdout)
	}
}

func ids(s []int32) string {
	var out []string
	for _, i := range s {
		out = append(out, fmt.Sprint(i))
	}
	return strings.Join(out, ",")
}

// TestTopicConfigValidation: the broker validates configs; kafkit shows its message and leaves
// the cluster unchanged.
func TestTopicConfigValidation(t *testing.T) {
	name := Unique(t, "t-cfg")
	topicCleanup(t, name)
	r := Kafkit(t, "", "topic", "create", name, "-c", "retention.ms=abc")
	wantCode(t, r, 1, `error: topic "`+name+`": create failed: INVALID_CONFIG: Invalid value abc for configuration retention.ms: Not a number of type LONG`)
	r = Kafkit(t, "", "topic", "create", name, "-c", "retention.ms=abc", "--dry-run")
	wantCode(t, r, 1, "Invalid value abc for configuration retention.ms")
	r = Kafkit(t, "", "topic", "create", name, "-c", "retention.msx=1")
	wantCode(t, r, 1, `unknown topic config "retention.msx" (did you mean "retention.ms"?)`)
	r = Kafkit(t, "", "topic", "describe", name)
	wantCode(t, r, 1, `error: topic "`+name+`" not found`)
	if strings.Contains(r.Stderr, "Optional") {
		t.Fatal(r)
	}

	MustKafkit(t, "", "topic", "create", name, "-p", "1", "-c", "retention.ms=60000")
	r = Kafkit(t, "", "topic", "alter", name, "--set", "retention.ms=abc")
	wantCode(t, r, 1, "Invalid value abc for configuration retention.ms")
	r = Kafkit(t, "", "topic", "alter", name, "--set", "cleanup.policy=sometimes", "--dry-run")
	wantCode(t, r, 1, "cleanup.policy")
	if v, _ := topicDescribe(t, name).config("retention.ms"); v != "60000" {
		t.Fatalf("a refused alter changed retention.ms to %q", v)
	}
	// A key newer than kafkit's list is accepted when the broker describes it: the broker has the
	// last word on keys kafkit does not know. (Nothing to assert beyond the known keys working.)
	MustKafkit(t, "", "topic", "alter", name, "--set", "retention.ms=120000", "--set", "message.timestamp.type=LogAppendTime")
	// describe may ask a broker that applies the config record a moment after the controller.
	topicEventually(t, func() (bool, string) {
		v, _ := topicDescribe(t, name).config("message.timestamp.type")
		return v == "LogAppendTime", "message.timestamp.type = " + v
	})
	// --delete-config returns to the broker default.
	MustKafkit(t, "", "topic", "alter", name, "--delete-config", "retention.ms")
	if v, src := topicDescribe(t, name).config("retention.ms"); src == "DYNAMIC_TOPIC_CONFIG" {
		t.Fatalf("retention.ms still set on the topic: %q", v)
	}
}

// TestTopicMinISRFilters uses min.insync.replicas above and at the ISR size, with all brokers up.
func TestTopicMinISRFilters(t *testing.T) {
	at := Unique(t, "t-atmin")
	under := Unique(t, "t-undermin")
	healthy := Unique(t, "t-healthy")
	topicCreate(t, at, "-p", "2", "-r", "3", "-c", "min.insync.replicas=3")
	topicCreate(t, under, "-p", "2", "-r", "2", "-c", "min.insync.replicas=3")
	topicCreate(t, healthy, "-p", "2", "-r", "3")
	re := fmt.Sprintf("%s|%s|%s", regexp.QuoteMeta(at), regexp.QuoteMeta(under), regexp.QuoteMeta(healthy))
	list := func(flag string) string {
		r := MustKafkit(t, "", "topic", "list", re, flag, "-o", "name")
		return strings.TrimSpace(r.Stdout)
	}
	if got := list("--at-min-isr"); got != at {
		t.Errorf("--at-min-isr = %q, want %q", got, at)
	}
	if got := list("--under-min-isr"); got != under {
		t.Errorf("--under-min-isr = %q, want %q", got, under)
	}
	if got := list("--under-replicated"); got != "" {
		t.Errorf("--under-replicated = %q, want none", got)
	}
	if got := list("--unavailable"); got != "" {
		t.Errorf("--unavailable = %q, want none", got)
	}
	// The Java tool reports the same partitions.
	j := topicTool(t, "--describe", "--under-min-isr-partitions", "--topic", re)
	if j.Code != 0 || !strings.Contains(j.Stdout, under) || strings.Contains(j.Stdout, at) {
		t.Errorf("TopicCommand --under-min-isr-partitions:\n%s", j)
	}
	j = topicTool(t, "--describe", "--at-min-isr-partitions", "--topic", re)
	if j.Code != 0 || !strings.Contains(j.Stdout, at) || strings.Contains(j.Stdout, under) {
		t.Errorf("TopicCommand --at-min-isr-partitions:\n%s", j)
	}
	r := MustKafkit(t, "", "topic", "list", re, "--under-min-isr", "-o", "json")
	if !strings.Contains(r.Stdout, `"under_min_isr_partitions": 2`) || !strings.Contains(r.Stdout, `"min_insync_replicas": 3`) {
		t.Errorf("list json:\n%s", r.Stdout)
	}
}

// TestTopicInternal: internal topics exist only on the real cluster.
func TestTopicInternal(t *testing.T) {
	// A consumer group commit makes sure __consumer_offsets exists.
	name := Unique(t, "t-int")
	topicCreate(t, name, "-p", "1")
	Kcat(t, "x\n", "-P", "-t", name)
	c := Kcat(t, "", "-G", Unique(t, "g-int"), "-o", "beginning", "-e", "-c", "1", name)
	_ = c
	r := MustKafkit(t, "", "topic", "list", "__consumer_offsets", "-o", "name")
	if strings.TrimSpace(r.Stdout) != "" {
		t.Fatalf("internal topic listed without --internal: %q", r.Stdout)
	}
	r = MustKafkit(t, "", "topic", "list", "__consumer_offsets", "--internal", "-o", "wide")
	if !regexp.MustCompile(`(?m)^__consumer_offsets\s+\d+\s+3\s+\S+\s+true\s+0\s+0$`).MatchString(r.Stdout) {
		t.Fatalf("list --internal:\n%s", r.Stdout)
	}
	r = Kafkit(t, "", "topic", "delete", "__consumer_offsets")
	wantCode(t, r, 2, `refusing to delete internal topic "__consumer_offsets": Kafka needs them`)
	r = Kafkit(t, "", "topic", "delete", "--regex", "__consumer_offs.*", "--yes")
	wantCode(t, r, 2, "add --force-internal if you really mean it")
	r = MustKafkit(t, "", "topic", "describe", "__consumer_offsets", "-o", "json")
	if !strings.Contains(r.Stdout, `"internal": true`) {
		t.Fatalf("internal topic gone or not internal:\n%s", r.Stdout)
	}
}

// TestTopicOffsetsInterop: a topic created by kafkit and filled by kcat; offsets agree with
// GetOffsetShell; sizes come from DescribeLogDirs; trim deletes records.
func TestTopicOffsetsInterop(t *testing.T) {
	name := Unique(t, "t-off")
	topicCreate(t, name, "-p", "3", "-r", "3")
	var b strings.Builder
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&b, "record-%d\n", i)
	}
	if r := Kcat(t, b.String(), "-P", "-t", name, "-p", "0"); r.Code != 0 {
		t.Fatal(r)
	}
	if r := Kcat(t, "a\nb\nc\n", "-P", "-t", name, "-p", "2"); r.Code != 0 {
		t.Fatal(r)
	}
	r := MustKafkit(t, "", "topic", "offsets", name)
	want := fmt.Sprintf(`TOPIC%[2]s   PARTITION   EARLIEST   LATEST   RECORDS
%[1]s   0           0          100      100
%[1]s   1           0          0        0
%[1]s   2           0          3        3
`, name, strings.Repeat(" ", len(name)-5))
	if r.Stdout != want {
		t.Fatalf("offsets:\n%s\nwant:\n%s", r.Stdout, want)
	}
	j := JavaTool(t, "", "org.apache.kafka.tools.GetOffsetShell", "--bootstrap-server", Brokers(), "--topic", name)
	for _, line := range []string{name + ":0:100", name + ":1:0", name + ":2:3"} {
		if !strings.Contains(j.Stdout, line) {
			t.Errorf("GetOffsetShell misses %q:\n%s", line, j)
		}
	}
	r = MustKafkit(t, "", "topic", "offsets", name, "--at", "-1h", "-o", "json")
	if !strings.Contains(r.Stdout, `"total_records": 103`) || !strings.Contains(r.Stdout, `"at_offset": 0`) {
		t.Fatalf("offsets --at -1h:\n%s", r.Stdout)
	}
	// Sizes on disk (the log-dir answer lags the append a little).
	var d topicDescribed
	for i := 0; i < 20; i++ {
		d = topicDescribe(t, name)
		if s := d.PartitionDetails[0].SizeBytes; s != nil && *s > 1000 {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	if s := d.PartitionDetails[0].SizeBytes; s == nil || *s <= 1000 || *d.PartitionDetails[1].SizeBytes != 0 {
		t.Fatalf("sizes: p0 %v p1 %v", d.PartitionDetails[0].SizeBytes, d.PartitionDetails[1].SizeBytes)
	}
	r = MustKafkit(t, "", "topic", "describe", name, "-o", "wide")
	if !strings.Contains(r.Stdout, "LEADER-EPOCH   SIZE") {
		t.Fatalf("wide:\n%s", r.Stdout)
	}

	// trim: refused without --yes (unchanged), then done; kcat reads what is left.
	r = Kafkit(t, "", "topic", "trim", name, "--before", "40", "-p", "0")
	wantCode(t, r, 2, `Delete 40 records from topic "`+name+`": stdin is not a terminal, pass --yes to do it`)
	if got := MustKafkit(t, "", "topic", "offsets", name, "-o", "json").Stdout; !strings.Contains(got, `"total_records": 103`) {
		t.Fatalf("refused trim deleted records:\n%s", got)
	}
	r = MustKafkit(t, "", "topic", "trim", name, "--before", "40", "-p", "0", "--yes")
	if !strings.Contains(r.Stdout, "0           0           100              40              40        trimmed") {
		t.Fatalf("trim:\n%s", r)
	}
	k := Kcat(t, "", "-C", "-t", name, "-p", "0", "-o", "beginning", "-e", "-f", "%o %s\n")
	lines := strings.Split(strings.TrimSpace(k.Stdout), "\n")
	if len(lines) != 60 || lines[0] != "40 record-40" {
		t.Fatalf("kcat after trim: %d records, first %q", len(lines), lines[0])
	}
	// DeleteRecordsCommand-equivalent by time: everything older than now.
	MustKafkit(t, "", "topic", "trim", name, "--before", "end", "--yes")
	if got := MustKafkit(t, "", "topic", "offsets", name, "-o", "json").Stdout; !strings.Contains(got, `"total_records": 0`) {
		t.Fatalf("trim to end left records:\n%s", got)
	}
}

// TestTopicRefusals: each refusal has its message and exit code, and the cluster is unchanged.
func TestTopicRefusals(t *testing.T) {
	name := Unique(t, "t-ref")
	topicCreate(t, name, "-p", "4", "-r", "2")

	r := Kafkit(t, "", "topic", "alter", name, "--partitions", "2")
	wantCode(t, r, 1, fmt.Sprintf(`cannot decrease the partitions of topic %q from 4 to 2: Kafka cannot remove partitions`, name))
	r = Kafkit(t, "", "topic", "create", name)
	wantCode(t, r, 1, fmt.Sprintf(`topic %q: create failed: already exists (add --if-not-exists to accept an existing topic)`, name))
	r = Kafkit(t, "", "topic", "create", name, "-p", "6", "--if-not-exists")
	if r.Code != 0 || !strings.Contains(r.Stderr, fmt.Sprintf(`warning: topic %q already exists and differs from what was asked: partitions 4, asked 6`, name)) {
		t.Fatal(r)
	}
	r = Kafkit(t, "", "topic", "create", Unique(t, "t-ref4"), "-r", "4")
	wantCode(t, r, 1, "replication factor 4 is more than the 3 brokers in the cluster")
	r = Kafkit(t, "", "topic", "create", "bad/name")
	wantCode(t, r, 2, `topic name "bad/name" has an illegal character '/'`)
	r = Kafkit(t, "", "topic", "delete", name+"-missing")
	wantCode(t, r, 1, "not found (add --if-exists to ignore missing topics)")
	r = Kafkit(t, "", "topic", "delete", "--regex", regexp.QuoteMeta(name))
	wantCode(t, r, 2, "Delete 1 topic: stdin is not a terminal, pass --yes to do it")
	d := topicDescribe(t, name)
	if d.Partitions != 4 || d.ReplicationFactor != 2 {
		t.Fatalf("refusals changed the topic: %+v", d)
	}
	// Colliding names: refused before anything is sent, as the broker would.
	dotted := strings.ReplaceAll(name, "-", ".") + "_x"
	under := strings.ReplaceAll(dotted, ".", "_")
	topicCreate(t, under, "-p", "1")
	topicCleanup(t, dotted)
	r = Kafkit(t, "", "topic", "create", dotted, "-p", "1")
	wantCode(t, r, 1, fmt.Sprintf("topic %q: create failed: collides with the existing topic %q", dotted, under))
	// Partition increase works and kafka-topics sees it.
	MustKafkit(t, "", "topic", "alter", name, "--partitions", "6")
	if j := topicTool(t, "--describe", "--topic", name); !strings.Contains(j.Stdout, "PartitionCount: 6") {
		t.Fatal(j)
	}
}

// TestTopicApply200: a file of 200 topics, applied, re-applied (no changes), changed, applied.
func TestTopicApply200(t *testing.T) {
	prefix := Unique(t, "t-apply")
	t.Cleanup(func() {
		Kafkit(t, "", "topic", "delete", "--regex", regexp.QuoteMeta(prefix)+"-.*", "--yes", "--timeout", "60s")
	})
	build := func(changed bool) string {
		var b strings.Builder
		b.WriteString("topics:\n")
		for i := 0; i < 200; i++ {
			parts, retention := 1+i%3, 3600000+i
			if changed && i == 7 {
				parts = 5
			}
			if changed && i == 42 {
				retention = 999
			}
			fmt.Fprintf(&b, "  - name: %s-%03d\n    partitions: %d\n    replication_factor: %d\n    configs:\n      retention.ms: %d\n", prefix, i, parts, 1+i%3, retention)
			if i%10 == 0 {
				b.WriteString("      cleanup.policy: compact\n")
			}
		}
		return b.String()
	}
	file := WriteFile(t, "topics.yaml", build(false))

	r := Kafkit(t, "", "--timeout", "60s", "topic", "apply", "-f", file, "--dry-run")
	if r.Code != 3 || strings.Count(r.Stdout, " create ") != 200 {
		t.Fatalf("dry run: %s", r)
	}
	r = Kafkit(t, "", "--timeout", "60s", "topic", "apply", "-f", file)
	if r.Code != 0 || !strings.Contains(r.Stderr, "applied 200 of 200 changes; the cluster now matches") {
		t.Fatalf("apply: %s", r)
	}
	t.Logf("apply of 200 topics took %s", r.Elapsed)
	r = Kafkit(t, "", "--timeout", "60s", "topic", "apply", "-f", file)
	if r.Code != 0 || r.Stdout != "" || !strings.Contains(r.Stderr, "no changes: 200 topics in") {
		t.Fatalf("re-apply: %s", r)
	}
	d := topicDescribe(t, prefix+"-005")
	if d.Partitions != 3 || d.ReplicationFactor != 3 {
		t.Fatalf("topic 005: %+v", d)
	}
	if v, _ := d.config("retention.ms"); v != "3600005" {
		t.Fatalf("topic 005 retention.ms = %q", v)
	}

	// export → apply --dry-run shows no changes.
	exp := MustKafkit(t, "", "topic", "export", regexp.QuoteMeta(prefix)+"-.*")
	r = Kafkit(t, exp.Stdout, "--timeout", "60s", "topic", "apply", "-f", "-", "--dry-run", "--prune-configs")
	if r.Code != 0 || !strings.Contains(r.Stderr, "no changes: 200 topics in <stdin>") {
		t.Fatalf("export -> apply: %s", r)
	}

	topicWriteFile(t, file, build(true))
	r = Kafkit(t, "", "--timeout", "60s", "topic", "apply", "-f", file, "--dry-run", "-o", "json")
	var rep struct {
		Changes int `json:"changes"`
		Actions []struct {
			Topic, Action, From, To string
		} `json:"actions"`
	}
	if r.Code != 3 || json.Unmarshal([]byte(r.Stdout), &rep) != nil || rep.Changes != 2 {
		t.Fatalf("changed dry run: %s", r)
	}
	if a := rep.Actions[0]; a.Topic != prefix+"-007" || a.Action != "add_partitions" || a.From != "2" || a.To != "5" {
		t.Fatalf("action 0: %+v", a)
	}
	if a := rep.Actions[1]; a.Topic != prefix+"-042" || a.Action != "set_config" || a.From != "3600042" || a.To != "999" {
		t.Fatalf("action 1: %+v", a)
	}
	r = Kafkit(t, "", "--timeout", "60s", "topic", "apply", "-f", file)
	if r.Code != 0 || !strings.Contains(r.Stderr, "applied 2 of 2 changes") {
		t.Fatalf("apply changes: %s", r)
	}
	// Another process may ask another broker, which can lag the controller for a moment.
	topicEventually(t, func() (bool, string) {
		r = Kafkit(t, "", "--timeout", "60s", "topic", "apply", "-f", file, "--dry-run")
		return r.Code == 0 && strings.Contains(r.Stderr, "no changes: 200 topics"), "after changes: " + r.String()
	})
	if j := topicTool(t, "--describe", "--topic", prefix+"-007"); !strings.Contains(j.Stdout, "PartitionCount: 5") {
		t.Fatal(j)
	}
	// A refusal (fewer partitions) changes nothing, not even the plan's other rows (another RF is
	// a reassignment, a config a set_config), and says how.
	topicWriteFile(t, file, fmt.Sprintf("topics:\n  - name: %s-007\n    partitions: 2\n    replication_factor: 3\n    configs:\n      retention.ms: 1\n", prefix))
	r = Kafkit(t, "", "topic", "apply", "-f", file)
	wantCode(t, r, 1, "the plan has 1 refusal that apply cannot do")
	if !strings.Contains(r.Stdout, "Kafka cannot remove partitions") || !strings.Contains(r.Stdout, "replication_factor") {
		t.Fatalf("refusals:\n%s", r.Stdout)
	}
	if d := topicDescribe(t, prefix+"-007"); d.ReplicationFactor != 2 {
		t.Fatalf("a refused plan changed the replication factor to %d", d.ReplicationFactor)
	}
	if v, _ := topicDescribe(t, prefix+"-007").config("retention.ms"); v != "3600007" {
		t.Fatalf("a refused plan changed retention.ms to %q", v)
	}
	// Bad file: file:line, nothing sent.
	topicWriteFile(t, file, fmt.Sprintf("topics:\n  - name: %s-new\n    partitions: two\n", prefix))
	r = Kafkit(t, "", "topic", "apply", "-f", file)
	wantCode(t, r, 2, file+`:3: partitions: "two" is not a whole number`)
	if r := Kafkit(t, "", "topic", "describe", prefix+"-new"); r.Code != 1 {
		t.Fatalf("bad file created a topic: %s", r)
	}
}

// topicEventually retries check for up to 10 s: a command run right after a change may ask a
// broker whose metadata lags the controller by a moment (KRaft propagates asynchronously).
func topicEventually(t *testing.T, check func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ok, msg := check()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal(msg)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// topicWriteFile overwrites path.
func topicWriteFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestTopicListMatchesJava: list and kafka-topics --list agree.
func TestTopicListMatchesJava(t *testing.T) {
	prefix := Unique(t, "t-ls")
	for _, s := range []string{"b", "a", "c"} {
		topicCreate(t, prefix+"-"+s, "-p", "1")
	}
	re := regexp.QuoteMeta(prefix) + "-.*"
	want := fmt.Sprintf("%[1]s-a\n%[1]s-b\n%[1]s-c\n", prefix)
	var k Result
	topicEventually(t, func() (bool, string) {
		k = MustKafkit(t, "", "topic", "list", re, "-o", "name")
		return k.Stdout == want, "kafkit list: " + k.String()
	})
	j := topicTool(t, "--list", "--topic", re)
	if j.Code != 0 || k.Stdout != j.Stdout {
		t.Fatalf("kafkit:\n%s\njava:\n%s", k.Stdout, j)
	}
	// SASL/SCRAM works for topic commands too.
	r := KafkitEnv(t, []string{"KAFKIT_BROKERS=" + SASLBrokers(), "KAFKIT_SASL_USER=" + SCRAMUser, "KAFKIT_SASL_PASSWORD=" + SCRAMPassword, "KAFKIT_SASL_MECHANISM=SCRAM-SHA-256"}, "", "topic", "list", re, "-o", "name")
	if r.Code != 0 || r.Stdout != k.Stdout {
		t.Fatalf("over SASL: %s", r)
	}
}

// topicNode runs `cluster.sh stop-node|start-node N`.
func topicNode(t *testing.T, action string, n int) {
	t.Helper()
	cmd := exec.Command("bash", filepath.Join(repoRoot, "e2e", "cluster", "cluster.sh"), action, fmt.Sprint(n))
	cmd.Dir = repoRoot
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cluster.sh %s %d: %v\n%s", action, n, err, out)
	}
}

// TestTopicDisruptiveHealthFilters stops node 2 and checks the health filters against real
// partition states; node 2 is started again whatever happens. Run by the cluster's owner with
// KAFKIT_E2E_DISRUPTIVE=1.
func TestTopicDisruptiveHealthFilters(t *testing.T) {
	if os.Getenv("KAFKIT_E2E_DISRUPTIVE") != "1" {
		t.Skip("stops a broker: set KAFKIT_E2E_DISRUPTIVE=1 (the cluster's owner runs these)")
	}
	rf3 := Unique(t, "t-dis-rf3")
	only2 := Unique(t, "t-dis-only2")
	topicCreate(t, rf3, "-p", "3", "-r", "3")
	topicCreate(t, only2, "--replica-assignment", "2,2")
	re := regexp.QuoteMeta(rf3) + "|" + regexp.QuoteMeta(only2)
	topicNode(t, "stop-node", 2)
	t.Cleanup(func() { topicNode(t, "start-node", 2) })
	list := func(flag string) string {
		return strings.TrimSpace(Kafkit(t, "", "topic", "list", re, flag, "-o", "name").Stdout)
	}
	// As kafka-topics.sh --under-replicated-partitions: ISR smaller than the replica set. The
	// RF-1 topic's ISR is empty while its only replica is down (KRaft keeps it in the ELR), so
	// it is listed too — checked against TopicCommand by hand on Kafka 4.1.1.
	topicEventually(t, func() (bool, string) {
		got := list("--under-replicated")
		return got == only2+"\n"+rf3, "--under-replicated: " + got
	})
	topicEventually(t, func() (bool, string) {
		got := list("--unavailable")
		return got == only2, "--unavailable: " + got
	})
	if got := list("--at-min-isr"); !strings.Contains(got, rf3) {
		t.Errorf("--at-min-isr = %q, want %s (ISR 2 = min.insync.replicas 2)", got, rf3)
	}
	r := Kafkit(t, "", "topic", "list", re, "-o", "wide")
	if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(only2) + `\s+2\s+1\s+\S+\s+false\s+\d\s+2$`).MatchString(r.Stdout) {
		t.Errorf("wide list does not count 2 offline partitions:\n%s", r)
	}
	r = Kafkit(t, "", "topic", "describe", only2)
	if !regexp.MustCompile(`(?m)^0\s+-\s+2\s+`).MatchString(r.Stdout) {
		t.Errorf("describe with the leader down:\n%s", r)
	}
	topicNode(t, "start-node", 2)
	topicEventually(t, func() (bool, string) {
		got := list("--under-replicated") + list("--unavailable")
		return got == "", "after restart: " + got
	})
}

// TestTopicDescribePartialAndAssignment: describe prints what exists and names what does not;
// a manual replica assignment is placed as asked on the real cluster; dry runs create nothing.
func TestTopicDescribePartialAndAssignment(t *testing.T) {
	name := Unique(t, "t-asg")
	missing := name + "-missing"
	topicCreate(t, name, "--replica-assignment", "1:2,2:3,3:1")
	r := Kafkit(t, "", "topic", "describe", name, missing)
	wantCode(t, r, 1, fmt.Sprintf(`error: topic %q not found`, missing))
	for _, re := range []string{`(?m)^0\s+1\s+1,2\s+1,2\s`, `(?m)^1\s+2\s+2,3\s+2,3\s`, `(?m)^2\s+3\s+3,1\s+3,1\s`} {
		if !regexp.MustCompile(re).MatchString(r.Stdout) {
			t.Fatalf("assignment %s not found in:\n%s", re, r.Stdout)
		}
	}
	r = Kafkit(t, "", "topic", "offsets", name, missing)
	wantCode(t, r, 1, fmt.Sprintf(`topic %q not found`, missing))
	if !strings.Contains(r.Stdout, name+"   2 ") {
		t.Fatalf("offsets of the existing topic missing:\n%s", r.Stdout)
	}
	r = Kafkit(t, "", "topic", "create", missing, "--replica-assignment", "1:7")
	wantCode(t, r, 1, "--replica-assignment: partition 0 names broker 7, which is not in the cluster (brokers: 1,2,3)")
	r = MustKafkit(t, "", "topic", "create", missing, "-p", "2", "--dry-run")
	if r.Stdout != fmt.Sprintf("would create topic %q (2 partitions, replication factor 3) (dry run: validated by the broker)\n", missing) {
		t.Fatal(r)
	}
	if r := Kafkit(t, "", "topic", "describe", missing); r.Code != 1 {
		t.Fatalf("dry run created the topic: %s", r)
	}
}
