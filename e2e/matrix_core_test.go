//go:build e2e

package e2e

// The core subset that `make test` runs on every Kafka version of the matrix (3.9.x, the
// default 4.1.x, the newest 4.x): connect, topic create/describe/apply, a produce/consume round
// trip, group lag with the classic and the KIP-848 protocol. Each test names the version it ran
// on; a feature a version lacks is skipped with the version named.

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kafkit/kafkit/internal/testkit"
)

// matrixVersion is the Kafka version of the cluster under test: KAFKIT_E2E_KAFKA_VERSION (set
// by make and by `cluster.sh env`), else cluster.sh's default.
func matrixVersion(t testing.TB) (v string, major, minor int) {
	t.Helper()
	v = envOr("KAFKIT_E2E_KAFKA_VERSION", "4.1.1")
	m := regexp.MustCompile(`^(\d+)\.(\d+)\.\d+$`).FindStringSubmatch(v)
	if m == nil {
		t.Fatalf("KAFKIT_E2E_KAFKA_VERSION=%q: want a version like 4.1.1", v)
	}
	major, _ = strconv.Atoi(m[1])
	minor, _ = strconv.Atoi(m[2])
	return v, major, minor
}

// matrixHasKIP848 says whether the version has KIP-848 consumer groups on by default (GA in 4.0).
func matrixHasKIP848(t testing.TB) bool {
	_, major, _ := matrixVersion(t)
	return major >= 4
}

func TestMatrixConnect(t *testing.T) {
	v, major, minor := matrixVersion(t)
	r := MustKafkit(t, "", "cluster", "info", "-o", "json")
	var info struct {
		ClusterID string `json:"cluster_id"`
		Brokers   []struct {
			NodeID int32 `json:"node_id"`
		} `json:"brokers"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &info); err != nil {
		t.Fatalf("cluster info JSON: %v\n%s", err, r.Stdout)
	}
	if info.ClusterID == "" || len(info.Brokers) != 3 {
		t.Errorf("Kafka %s: want a cluster id and 3 brokers: %+v", v, info)
	}
	// The version kafkit guesses from the API versions is the one that runs.
	r = MustKafkit(t, "", "version", "--broker", "-o", "json")
	var ver struct {
		Kafka   string `json:"kafka_version"`
		Brokers []struct {
			Version string `json:"version"`
		} `json:"brokers"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &ver); err != nil {
		t.Fatalf("version JSON: %v\n%s", err, r.Stdout)
	}
	want := fmt.Sprintf("%d.%d", major, minor)
	if !strings.Contains(ver.Kafka, want) || len(ver.Brokers) != 3 {
		t.Errorf("Kafka %s: version --broker says %q on %d brokers, want %s on 3:\n%s", v, ver.Kafka, len(ver.Brokers), want, r.Stdout)
	}
	t.Logf("Kafka %s: version --broker says %s", v, ver.Kafka)
}

type matrixTopic struct {
	Name              string `json:"name"`
	Partitions        int    `json:"partitions"`
	ReplicationFactor int    `json:"replication_factor"`
	Configs           []struct {
		Name  string  `json:"name"`
		Value *string `json:"value"`
	} `json:"configs"`
	PartitionDetails []struct {
		Partition int32   `json:"partition"`
		Leader    int32   `json:"leader"`
		ISR       []int32 `json:"isr"`
	} `json:"partition_details"`
}

func (m matrixTopic) config(name string) string {
	for _, c := range m.Configs {
		if c.Name == name && c.Value != nil {
			return *c.Value
		}
	}
	return ""
}

func matrixDescribe(t testing.TB, names ...string) map[string]matrixTopic {
	t.Helper()
	r := MustKafkit(t, "", append([]string{"topic", "describe", "-o", "json"}, names...)...)
	var ts []matrixTopic
	if err := json.Unmarshal([]byte(r.Stdout), &ts); err != nil {
		t.Fatalf("describe JSON: %v\n%s", err, r.Stdout)
	}
	out := map[string]matrixTopic{}
	for _, d := range ts {
		out[d.Name] = d
	}
	return out
}

func TestMatrixTopicCreateDescribeApply(t *testing.T) {
	v, _, _ := matrixVersion(t)
	a, b := Unique(t, "matrix-a"), Unique(t, "matrix-b")
	MustKafkit(t, "", "topic", "create", a, "-p", "3", "-r", "3", "-c", "retention.ms=3600000")
	d := matrixDescribe(t, a)[a]
	if d.Partitions != 3 || d.ReplicationFactor != 3 || d.config("retention.ms") != "3600000" || len(d.PartitionDetails) != 3 {
		t.Fatalf("Kafka %s: created %s is %+v", v, a, d)
	}
	for _, p := range d.PartitionDetails {
		if p.Leader < 0 || len(p.ISR) != 3 {
			t.Errorf("Kafka %s: partition %d leader %d ISR %v", v, p.Partition, p.Leader, p.ISR)
		}
	}

	// apply: grow a, change its config, create b with the broker's defaults.
	file := WriteFile(t, "topics.yaml", fmt.Sprintf(`topics:
  - name: %s
    partitions: 4
    configs:
      retention.ms: 7200000
  - name: %s
    configs:
      cleanup.policy: compact
`, a, b))
	r := Kafkit(t, "", "topic", "apply", "-f", file, "--dry-run")
	if r.Code != 3 {
		t.Fatalf("Kafka %s: apply --dry-run with changes: want exit 3, %s", v, r)
	}
	MustKafkit(t, "", "topic", "apply", "-f", file)
	// Brokers learn of new partitions from the metadata log a moment after the controller
	// answered: read until the change shows (or 10 s pass).
	got := matrixDescribe(t, a, b)
	for deadline := time.Now().Add(10 * time.Second); got[a].Partitions != 4 && time.Now().Before(deadline); {
		time.Sleep(200 * time.Millisecond)
		got = matrixDescribe(t, a, b)
	}
	if got[a].Partitions != 4 || got[a].config("retention.ms") != "7200000" {
		t.Errorf("Kafka %s: after apply %s has %d partitions, retention.ms %q", v, a, got[a].Partitions, got[a].config("retention.ms"))
	}
	// The chart's num.partitions=6 and RF 3 are the broker defaults here.
	if got[b].Partitions != 6 || got[b].ReplicationFactor != 3 || got[b].config("cleanup.policy") != "compact" {
		t.Errorf("Kafka %s: after apply %s has %d partitions, RF %d, cleanup.policy %q", v, b, got[b].Partitions, got[b].ReplicationFactor, got[b].config("cleanup.policy"))
	}
	if r := Kafkit(t, "", "topic", "apply", "-f", file, "--dry-run"); r.Code != 0 {
		t.Errorf("Kafka %s: apply --dry-run after apply: want exit 0 (no changes), %s", v, r)
	}
}

func TestMatrixProduceConsumeRoundTrip(t *testing.T) {
	v, _, _ := matrixVersion(t)
	topic := Unique(t, "matrix-rt")
	MustKafkit(t, "", "topic", "create", topic, "-p", "6", "-r", "3")
	const n = 600
	var in strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&in, "key-%d,value-%d\n", i%37, i)
	}
	MustKafkit(t, in.String(), "produce", topic, "-K", ",", "-q")
	r := MustKafkit(t, "", "consume", topic, "-o", "start", "-e", "-f", `%p %k %s\n`)
	lines := strings.Split(strings.TrimSuffix(r.Stdout, "\n"), "\n")
	if len(lines) != n {
		t.Fatalf("Kafka %s: consumed %d records, want %d", v, len(lines), n)
	}
	var values []string
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) != 3 {
			t.Fatalf("Kafka %s: bad line %q", v, l)
		}
		// Keys land where the Java producer puts them (murmur2).
		if want := testkit.JavaPartition([]byte(f[1]), 6); f[0] != strconv.Itoa(int(want)) {
			t.Errorf("Kafka %s: key %s on partition %s, the Java producer uses %d", v, f[1], f[0], want)
		}
		values = append(values, f[2])
	}
	sort.Slice(values, func(i, j int) bool { return matrixNum(values[i]) < matrixNum(values[j]) })
	for i, val := range values {
		if val != fmt.Sprintf("value-%d", i) {
			t.Fatalf("Kafka %s: record %d is %q: lost or duplicated records", v, i, val)
		}
	}
}

func matrixNum(s string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(s, "value-"))
	return n
}

type matrixLagRow struct {
	Group      string `json:"group"`
	Topic      string `json:"topic"`
	Type       string `json:"type"`
	State      string `json:"state"`
	Partitions int    `json:"partitions"`
	TotalLag   int64  `json:"total_lag"`
}

func matrixLag(t testing.TB, group string) matrixLagRow {
	t.Helper()
	r := MustKafkit(t, "", "group", "lag", group, "-o", "json")
	var rows []matrixLagRow
	if err := json.Unmarshal([]byte(r.Stdout), &rows); err != nil || len(rows) != 1 {
		t.Fatalf("lag JSON (%v): want one row:\n%s", err, r.Stdout)
	}
	return rows[0]
}

func TestMatrixGroupLag(t *testing.T) {
	v, _, _ := matrixVersion(t)
	for _, proto := range []string{"classic", "consumer"} {
		t.Run(proto, func(t *testing.T) {
			if proto == "consumer" && !matrixHasKIP848(t) {
				t.Skipf("Kafka %s has no KIP-848 consumer groups (GA in Kafka 4.0; 3.9 has only an early-access preview, off by default)", v)
			}
			topic, group := Unique(t, "matrix-lag"), Unique(t, "matrix-g")
			MustKafkit(t, "", "topic", "create", topic, "-p", "3", "-r", "3")
			// Records on every partition, so that the group commits all three (a partition
			// without a commit is another matter: issue 17 #4).
			for p := 0; p < 3; p++ {
				var in strings.Builder
				for i := 0; i < 20; i++ {
					fmt.Fprintf(&in, "%d-%d\n", p, i)
				}
				MustKafkit(t, in.String(), "produce", topic, "-p", strconv.Itoa(p), "-q")
			}
			r := MustKafkit(t, "", "consume", topic, "-g", group, "--group-protocol", proto, "-o", "start", "-e")
			if got := strings.Count(r.Stdout, "\n"); got != 60 {
				t.Fatalf("Kafka %s: the group read %d records, want 60", v, got)
			}
			if l := matrixLag(t, group); l.TotalLag != 0 || l.Partitions != 3 || l.Type != proto || l.Topic != topic {
				t.Errorf("Kafka %s: lag after reading everything: %+v (want type %s, 3 partitions, lag 0)", v, l, proto)
			}
			MustKafkit(t, "a\nb\nc\n", "produce", topic, "-p", "0", "-q")
			MustKafkit(t, "d\ne\n", "produce", topic, "-p", "1", "-q")
			MustKafkit(t, "f\ng\n", "produce", topic, "-p", "2", "-q")
			if l := matrixLag(t, group); l.TotalLag != 7 || l.State != "Empty" {
				t.Errorf("Kafka %s: lag with 7 new records: %+v (want 7, Empty)", v, l)
			}
			if table := MustKafkit(t, "", "group", "describe", group).Stdout; !strings.Contains(table, fmt.Sprintf("Group %s: %s, Empty", group, proto)) {
				t.Errorf("Kafka %s: describe:\n%s", v, table)
			}
			r = MustKafkit(t, "", "consume", topic, "-g", group, "--group-protocol", proto, "-e")
			if r.Stdout == "" || strings.Count(r.Stdout, "\n") != 7 {
				t.Errorf("Kafka %s: the group resumed with %q, want the 7 new records", v, r.Stdout)
			}
			if l := matrixLag(t, group); l.TotalLag != 0 {
				t.Errorf("Kafka %s: lag after resuming: %+v", v, l)
			}
		})
	}
}

// TestMatrixClusterScriptNamesPortHolder: cluster.sh up with a taken port names the process
// that holds it and starts nothing (issue 17 #3). It uses its own ports and state dir, so it
// does not touch the running cluster.
func TestMatrixClusterScriptNamesPortHolder(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	state := t.TempDir() + "/cluster"
	env := []string{
		"KAFKIT_CLUSTER_DIR=" + state,
		"KAFKIT_CLUSTER_PLAINTEXT_PORTS=" + port + ",23192,23292",
		"KAFKIT_CLUSTER_SASL_PORTS=23093,23193,23293",
		"KAFKIT_CLUSTER_CONTROLLER_PORTS=23094,23194,23294",
		"KAFKIT_CACHE=" + t.TempDir(), // nothing is fetched: the check comes first
	}
	r := run(t.Context(), env, "", "bash", repoRoot+"/e2e/cluster/cluster.sh", "up")
	want := fmt.Sprintf("port 127.0.0.1:%s (node 1 PLAINTEXT) is taken: LISTEN 127.0.0.1:%s by %s (pid %d: ", port, port, matrixComm(t), os.Getpid())
	if r.Code != 1 || !strings.Contains(r.Stderr, want) || !strings.Contains(r.Stderr, "not starting anything") {
		t.Errorf("want exit 1 naming this test process (%q): %s", want, r)
	}
	if _, err := os.Stat(state); !os.IsNotExist(err) {
		t.Errorf("cluster.sh made the state dir %s though a port was taken (%v)", state, err)
	}
}

// matrixComm is this process's name as /proc shows it (what cluster.sh prints).
func matrixComm(t testing.TB) string {
	b, err := os.ReadFile("/proc/self/comm")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// matrixMajorPrefix is "4." for major 4: how a version string of that line starts.
func matrixMajorPrefix(major int) string { return strconv.Itoa(major) + "." }
