//go:build e2e

package e2e

import (
	"encoding/json"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// brokeropsClusterDir is the cluster's state dir (nodeN/data are the brokers' log.dirs).
func brokeropsClusterDir() string {
	return envOr("KAFKIT_CLUSTER_DIR", filepath.Join(repoRoot, ".cache", "cluster"))
}

func brokeropsTopic(t *testing.T, partitions int32, rf int16, configs map[string]*string) string {
	t.Helper()
	name := Unique(t, "brokerops")
	compatTopic(partitions, rf, configs)(t, name)
	return name
}

// TestBrokeropsLogDirsMatchDisk: `broker log-dirs --topic T -o json` reports, per broker, the
// bytes of T's segment files on that broker's disk (within one segment).
func TestBrokeropsLogDirsMatchDisk(t *testing.T) {
	dir := brokeropsClusterDir()
	if _, err := os.Stat(filepath.Join(dir, "node1", "data")); err != nil {
		t.Fatalf("cluster data dirs not found under %s (set KAFKIT_CLUSTER_DIR): %v", dir, err)
	}
	segment := "1048576"
	topic := brokeropsTopic(t, 1, 3, map[string]*string{"segment.bytes": &segment})
	cl := Client(t, kgo.RequiredAcks(kgo.AllISRAcks()), kgo.ProducerLinger(0))
	rng := rand.New(rand.NewSource(1)) // incompressible values: the bytes on disk are what was sent
	for i := 0; i < 2500; i++ {
		value := make([]byte, 1000)
		rng.Read(value)
		cl.Produce(t.Context(), &kgo.Record{Topic: topic, Value: value}, nil)
	}
	if err := cl.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond) // followers fetch the last batch
	r := MustKafkit(t, "", "broker", "log-dirs", "--topic", topic, "-o", "json")
	var view []struct {
		Broker int32 `json:"broker"`
		Dirs   []struct {
			Dir      string `json:"dir"`
			Replicas []struct {
				Topic     string `json:"topic"`
				SizeBytes int64  `json:"size_bytes"`
			} `json:"replicas"`
		} `json:"dirs"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &view); err != nil {
		t.Fatalf("%v\n%s", err, r.Stdout)
	}
	if len(view) != 3 {
		t.Fatalf("want 3 brokers: %s", r.Stdout)
	}
	for _, b := range view {
		var reported int64
		for _, d := range b.Dirs {
			for _, rep := range d.Replicas {
				reported += rep.SizeBytes
			}
		}
		files, _ := filepath.Glob(filepath.Join(dir, "node"+strconv.Itoa(int(b.Broker)), "data", topic+"-0", "*.log"))
		var onDisk int64
		for _, f := range files {
			if st, err := os.Stat(f); err == nil {
				onDisk += st.Size()
			}
		}
		if len(files) < 2 {
			t.Errorf("broker %d: want several segments of %s, found %v", b.Broker, segment, files)
		}
		if diff := reported - onDisk; reported < 2_500_000 || diff < -1048576 || diff > 1048576 {
			t.Errorf("broker %d: log-dirs says %d bytes, the segment files hold %d", b.Broker, reported, onDisk)
		}
	}
}

// TestBrokeropsQuorumAndFeaturesAgreeWithJava: the native quorum and features views say what
// the Java tools say (leader, epoch, voters; finalized and supported levels).
func TestBrokeropsQuorumAndFeaturesAgreeWithJava(t *testing.T) {
	var q struct {
		LeaderID     int32 `json:"leader_id"`
		LeaderEpoch  int32 `json:"leader_epoch"`
		KRaftVersion int16 `json:"kraft_version"`
		Dynamic      bool  `json:"dynamic"`
		Replicas     []struct {
			NodeID int32  `json:"node_id"`
			Role   string `json:"role"`
		} `json:"replicas"`
	}
	if err := json.Unmarshal([]byte(MustKafkit(t, "", "cluster", "quorum", "-o", "json").Stdout), &q); err != nil {
		t.Fatal(err)
	}
	j := JavaTool(t, "", "org.apache.kafka.tools.MetadataQuorumCommand", "--bootstrap-server", Brokers(), "describe", "--status")
	var voters []string
	for _, r := range q.Replicas {
		if r.Role != "observer" {
			voters = append(voters, `{"id": `+strconv.Itoa(int(r.NodeID)))
		}
	}
	for _, want := range append(voters, "LeaderId:               "+strconv.Itoa(int(q.LeaderID)), "LeaderEpoch:            "+strconv.Itoa(int(q.LeaderEpoch))) {
		if !strings.Contains(j.Stdout, want) {
			t.Errorf("java describe --status lacks %q:\n%s", want, j.Stdout)
		}
	}
	if q.KRaftVersion != 0 || q.Dynamic || len(voters) != 3 {
		t.Errorf("the test cluster has 3 static voters: %+v", q)
	}
	var fs struct {
		Features []struct {
			Name                       string `json:"name"`
			SupportedMin, SupportedMax int16
			Finalized                  int16 `json:"finalized"`
		} `json:"features"`
	}
	if err := json.Unmarshal([]byte(MustKafkit(t, "", "cluster", "features", "-o", "json").Stdout), &fs); err != nil {
		t.Fatal(err)
	}
	jf := JavaTool(t, "", "org.apache.kafka.tools.FeatureCommand", "--bootstrap-server", Brokers(), "describe")
	if len(fs.Features) == 0 || strings.Count(jf.Stdout, "Feature: ") != len(fs.Features) {
		t.Errorf("kafkit lists %d features, java:\n%s", len(fs.Features), jf.Stdout)
	}
	for _, f := range fs.Features {
		if f.Name == "metadata.version" {
			continue // by name in Java's output, checked in TestBrokeropsCompat
		}
		want := "Feature: " + f.Name + "\t"
		line := ""
		for _, l := range strings.Split(jf.Stdout, "\n") {
			if strings.HasPrefix(l, want) {
				line = l
			}
		}
		if !strings.Contains(line, "FinalizedVersionLevel: "+strconv.Itoa(int(f.Finalized))+"\t") {
			t.Errorf("%s finalized %d, java: %q", f.Name, f.Finalized, line)
		}
	}
}

// TestBrokeropsUnregisterRefuses: a live broker and an id never registered are refused with
// what to do, nothing sent; the cluster still has its 3 brokers.
func TestBrokeropsUnregisterRefuses(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"2", "--yes"}, 1, "broker 2 is live (unfenced"},
		{[]string{"2", "--dry-run"}, 1, "stop it first"},
		{[]string{"77", "--yes"}, 1, "broker 77 is not registered (registered brokers: 1, 2, 3)"},
		{[]string{"x"}, 2, "is not a broker id"},
		{[]string{"77"}, 1, "not registered"},
	} {
		r := Kafkit(t, "", append([]string{"broker", "unregister"}, c.args...)...)
		if r.Code != c.code || !strings.Contains(r.Stderr, c.want) {
			t.Errorf("unregister %v: want exit %d and %q: %s", c.args, c.code, c.want, r)
		}
	}
	m, err := Admin(t).BrokerMetadata(t.Context())
	if err != nil || len(m.Brokers) != 3 {
		t.Fatalf("brokers after: %v %v", m.Brokers, err)
	}
}

// TestBrokeropsElectBadInput: usage errors (exit 2) and a missing topic (exit 1) send nothing;
// an unclean election on healthy partitions has nothing to do and asks nothing.
func TestBrokeropsElectBadInput(t *testing.T) {
	topic := brokeropsTopic(t, 2, 3, nil)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--preferred", "--unclean", "--all"}, 2, "exactly one of --preferred or --unclean"},
		{[]string{"--preferred"}, 2, "--topic TOPIC[:P,...], or give --all"},
		{[]string{"--preferred", "--topic", topic + ":x"}, 2, "is not a partition number"},
		{[]string{"--preferred", "--topic", topic + ":7"}, 1, "no such partition " + topic + ":7 (the topic has 2 partitions); nothing was elected"},
		{[]string{"--preferred", "--topic", "brokerops-missing-topic"}, 1, "no such topic brokerops-missing-topic"},
		{[]string{"--unclean", "--topic", topic}, 0, "2 not needed"},
	} {
		r := Kafkit(t, "", append([]string{"partition", "elect"}, c.args...)...)
		if r.Code != c.code || !strings.Contains(r.Stderr, c.want) {
			t.Errorf("elect %v: want exit %d and %q: %s", c.args, c.code, c.want, r)
		}
	}
}

// TestBrokeropsDisruptiveElectPreferred: after a broker restart its partitions are led by the
// others; `partition elect --preferred --dry-run` lists them (exit 3), the election moves every
// leader back to its preferred replica. Disruptive: KAFKIT_E2E_DISRUPTIVE=1 under the exclusive
// lock; it stops node 2 and starts it again.
func TestBrokeropsDisruptiveElectPreferred(t *testing.T) {
	if os.Getenv("KAFKIT_E2E_DISRUPTIVE") != "1" {
		t.Skip("disruptive: set KAFKIT_E2E_DISRUPTIVE=1 (stops and restarts broker 2)")
	}
	topic := brokeropsTopic(t, 6, 3, nil)
	adm := Admin(t)
	cluster := func(args ...string) {
		c := exec.Command("bash", append([]string{repoRoot + "/e2e/cluster/cluster.sh"}, args...)...)
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("cluster.sh %v: %v\n%s", args, err, out)
		}
	}
	cluster("stop-node", "2")
	started := false
	defer func() {
		if !started {
			cluster("start-node", "2")
		}
	}()
	brokeropsWait(t, adm, topic, func(p kadm.PartitionDetail) bool { return p.Leader != 2 })
	cluster("start-node", "2")
	started = true
	brokeropsWait(t, adm, topic, func(p kadm.PartitionDetail) bool { return len(p.ISR) == 3 })
	moved := 0
	for _, p := range brokeropsPartitions(t, adm, topic) {
		if p.Replicas[0] == 2 {
			moved++
		}
	}
	dry := Kafkit(t, "", "partition", "elect", "--preferred", "--topic", topic, "--dry-run", "-o", "json")
	if dry.Code != 3 || strings.Count(dry.Stdout, `"would_elect"`) != moved || moved == 0 {
		t.Fatalf("dry run: want exit 3 and %d would_elect: %s", moved, dry)
	}
	r := MustKafkit(t, "", "partition", "elect", "--preferred", "--topic", topic, "-o", "json")
	var results []struct {
		Partition int32  `json:"partition"`
		Leader    int32  `json:"leader"`
		Preferred int32  `json:"preferred"`
		Result    string `json:"result"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &results); err != nil {
		t.Fatal(err)
	}
	elected := 0
	for _, e := range results {
		if e.Result == "elected" {
			elected++
			if e.Leader != e.Preferred {
				t.Errorf("partition %d elected, but the view shows leader %d, preferred %d", e.Partition, e.Leader, e.Preferred)
			}
		}
	}
	if elected != moved {
		t.Errorf("want %d elected: %s", moved, r)
	}
	brokeropsWait(t, adm, topic, func(p kadm.PartitionDetail) bool { return p.Leader == p.Replicas[0] })
	again := MustKafkit(t, "", "partition", "elect", "--preferred", "--topic", topic)
	if !strings.Contains(again.Stderr, "0 elected, 0 would be elected, 6 not needed") {
		t.Errorf("second election: %s", again)
	}
}

func brokeropsPartitions(t *testing.T, adm *kadm.Client, topic string) []kadm.PartitionDetail {
	t.Helper()
	m, err := adm.Metadata(t.Context(), topic)
	if err != nil {
		t.Fatal(err)
	}
	return m.Topics[topic].Partitions.Sorted()
}

func brokeropsWait(t *testing.T, adm *kadm.Client, topic string, ok func(kadm.PartitionDetail) bool) {
	t.Helper()
	for i := 0; i < 120; i++ {
		all := true
		for _, p := range brokeropsPartitions(t, adm, topic) {
			all = all && ok(p)
		}
		if all {
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("%s: partitions never reached the state: %v", topic, brokeropsPartitions(t, adm, topic))
}
