//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

// healthTopic creates a topic for the health tests, deleted with the test.
func healthTopic(t *testing.T, prefix string, partitions, rf string, extra ...string) string {
	t.Helper()
	name := Unique(t, prefix)
	MustKafkit(t, "", append([]string{"topic", "create", name, "-p", partitions, "-r", rf}, extra...)...)
	t.Cleanup(func() { Kafkit(t, "", "topic", "delete", name, "--yes") })
	return name
}

type healthReport struct {
	Healthy  bool `json:"healthy"`
	Findings []struct {
		ID, Status, Summary string
		Items               []string
	} `json:"findings"`
}

func healthJSON(t *testing.T, r Result) healthReport {
	t.Helper()
	var rep healthReport
	if err := json.Unmarshal([]byte(r.Stdout), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r)
	}
	return rep
}

func (h healthReport) status(id string) string {
	for _, f := range h.Findings {
		if f.ID == id {
			return f.Status
		}
	}
	return "missing"
}

// TestHealthCheckHealthy: every check passes on the healthy cluster, the probe included, scoped
// to this test's topics (other helpers' RF-1 topics are theirs).
func TestHealthCheckHealthy(t *testing.T) {
	topic := healthTopic(t, "health-ok", "3", "3")
	r := Kafkit(t, "", "cluster", "check", "--topic", regexp.QuoteMeta(topic), "--probe-topic", topic, "-o", "json")
	rep := healthJSON(t, r)
	if r.Code != 0 || !rep.Healthy {
		t.Fatalf("want healthy: %s", r)
	}
	for _, id := range []string{"brokers", "quorum", "partitions", "replication-factor", "internal-topics", "listeners", "disks", "probe"} {
		if rep.status(id) != "ok" {
			t.Errorf("%s: %s", id, rep.status(id))
		}
	}
	t.Logf("cluster check (with the probe) took %s: %s", r.Elapsed, strings.TrimSpace(r.Stderr))
	r = Kafkit(t, "", "cluster", "check", "--topic", regexp.QuoteMeta(topic), "--skip", "probe")
	if r.Code != 0 || !strings.Contains(r.Stdout, "brokers              ok       3 of 3 expected brokers registered and unfenced") {
		t.Errorf("table: %s", r)
	}
	t.Logf("cluster check without the probe took %s", r.Elapsed)
}

// TestHealthCheckRF1MinISR2: a topic with RF 1 on min.insync.replicas 2 fails the
// replication-factor check and names the topic.
func TestHealthCheckRF1MinISR2(t *testing.T) {
	topic := healthTopic(t, "health-rf1", "2", "1", "--config", "min.insync.replicas=2")
	r := Kafkit(t, "", "cluster", "check", "--only", "replication-factor,partitions", "--topic", regexp.QuoteMeta(topic))
	if r.Code != 3 {
		t.Fatalf("want exit 3: %s", r)
	}
	for _, w := range []string{topic + ": replication factor 1, min.insync.replicas 2", "check replication-factor failed: 1 of ", "what to do: raise the topic's replication factor"} {
		if !strings.Contains(r.Stdout+r.Stderr, w) {
			t.Errorf("missing %q: %s", w, r)
		}
	}
}

// TestHealthCheckDiskZero: --disk-warn 0% fails the disk check on every broker.
func TestHealthCheckDiskZero(t *testing.T) {
	r := Kafkit(t, "", "cluster", "check", "--only", "disks", "--disk-warn", "0%", "-o", "json")
	rep := healthJSON(t, r)
	if r.Code != 3 || rep.status("disks") != "failed" || len(rep.Findings[0].Items) < 3 {
		t.Fatalf("want the disks check failed on 3 brokers: %s", r)
	}
	if !strings.Contains(rep.Findings[0].Items[0], "full") || !strings.Contains(r.Stderr, "check disks failed") {
		t.Errorf("%s", r)
	}
	if r := Kafkit(t, "", "cluster", "check", "--only", "disks", "--disk-warn", "100%"); r.Code != 0 {
		t.Errorf("at 100%%: %s", r)
	}
}

// bogusAddrListener makes a kfake broker advertise a host name of the test's choosing.
type bogusAddrListener struct {
	net.Listener
	host string
}

type healthAddr string

func (a healthAddr) Network() string { return "tcp" }
func (a healthAddr) String() string  { return string(a) }

func (l bogusAddrListener) Addr() net.Addr {
	_, port, _ := net.SplitHostPort(l.Listener.Addr().String())
	return healthAddr(net.JoinHostPort(l.host, port))
}

// TestHealthCheckBogusAdvertisedHost: a broker whose advertised host does not resolve. Rather
// than restart a broker of the shared cluster with a bogus advertised.listeners, the test runs a
// small fake cluster (kfake, in this process) whose second broker advertises
// kafkit-bogus.invalid; the built binary checks it through the system resolver.
func TestHealthCheckBogusAdvertisedHost(t *testing.T) {
	var n atomic.Int32
	c, err := kfake.NewCluster(kfake.NumBrokers(3), kfake.ListenFn(func(network, addr string) (net.Listener, error) {
		ln, err := net.Listen(network, addr)
		if err != nil || n.Add(1) != 2 {
			return ln, err
		}
		return bogusAddrListener{ln, "kafkit-bogus.invalid"}, nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	addrs := c.ListenAddrs()
	r := KafkitEnv(t, nil, "", "-b", addrs[0]+","+addrs[2], "cluster", "check", "--only", "listeners,brokers")
	if r.Code != 3 || !regexp.MustCompile(`(?m)^brokers +ok +3 of 3`).MatchString(r.Stdout) {
		t.Fatalf("want exit 3, the brokers ok: %s", r)
	}
	for _, w := range []string{"broker 1 advertises kafkit-bogus.invalid:", "the name does not resolve from here", "check listeners failed: 1 of 3"} {
		if !strings.Contains(r.Stdout+r.Stderr, w) {
			t.Errorf("missing %q: %s", w, r)
		}
	}
}

// TestHealthCheckDisruptiveBrokerStopped: with a broker stopped, the check names the missing
// broker and the under-replicated partitions and exits 3; the broker is restarted after.
func TestHealthCheckDisruptiveBrokerStopped(t *testing.T) {
	if os.Getenv("KAFKIT_E2E_DISRUPTIVE") != "1" {
		t.Skip("disruptive: set KAFKIT_E2E_DISRUPTIVE=1 (stops and restarts one broker)")
	}
	topic := healthTopic(t, "health-down", "3", "3")
	node := func(cmd string) {
		out, err := exec.Command("bash", filepath.Join(repoRoot, "e2e/cluster/cluster.sh"), cmd, "3").CombinedOutput()
		if err != nil {
			t.Fatalf("cluster.sh %s 3: %v\n%s", cmd, err, out)
		}
	}
	node("stop-node")
	restarted := false
	defer func() {
		if !restarted {
			node("start-node")
		}
	}()
	var r Result
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		r = Kafkit(t, "", "cluster", "check", "--only", "brokers,partitions", "--topic", regexp.QuoteMeta(topic), "-o", "json")
		if rep := healthJSON(t, r); rep.status("brokers") == "failed" && rep.status("partitions") == "failed" {
			break
		}
	}
	rep := healthJSON(t, r)
	if r.Code != 3 || rep.status("brokers") != "failed" || rep.status("partitions") != "failed" {
		t.Fatalf("with node 3 stopped: %s", r)
	}
	all := strings.Join(append(rep.Findings[0].Items, rep.Findings[1].Items...), "\n")
	if !strings.Contains(all, "broker 3") || !strings.Contains(all, topic+": 0 offline, 3 under-replicated") {
		t.Errorf("items:\n%s", all)
	}
	node("start-node")
	restarted = true
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		if r = Kafkit(t, "", "cluster", "check", "--only", "brokers,partitions", "--topic", regexp.QuoteMeta(topic)); r.Code == 0 {
			return
		}
	}
	t.Errorf("not healthy again after the restart: %s", r)
}

// perfSummary reads ProducerPerformance's final line: records and records/sec.
var perfSummary = regexp.MustCompile(`(?m)^(\d+) records sent, ([0-9.]+) records/sec \(([0-9.]+) MB/sec\), ([0-9.]+) ms avg latency, ([0-9.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th\.$`)

func perfRate(t testing.TB, who, out string) float64 {
	m := perfSummary.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("%s: no summary line in:\n%s", who, out)
	}
	v, _ := strconv.ParseFloat(m[2], 64)
	return v
}

// TestHealthPerfProduceLikeJava: kafka-producer-perf-test.sh through kafkit prints the Java
// tool's lines (same shape), and its throughput is within 3x of Java's in the same run (a
// sanity bound; the benchmark is the real comparison).
func TestHealthPerfProduceLikeJava(t *testing.T) {
	topic := healthTopic(t, "health-perf", "3", "3")
	dir := compatLink(t)
	args := []string{"--topic", topic, "--num-records", "100000", "--record-size", "100", "--throughput", "-1", "--producer-props", "bootstrap.servers=" + Brokers(), "acks=all"}
	j := JavaTool(t, "", "org.apache.kafka.tools.ProducerPerformance", args...)
	k := run(t.Context(), nil, "", filepath.Join(dir, "kafka-producer-perf-test.sh"), args...)
	if j.Code != 0 || k.Code != 0 {
		t.Fatalf("java: %s\nkafkit: %s", j, k)
	}
	// The JVM's run is longer, so the number of progress lines differs: every line must have
	// a progress line's shape, and the last the summary's.
	progress := regexp.MustCompile(`^\d+ records sent, [0-9.]+ records/sec \([0-9.]+ MB/sec\), [0-9.]+ ms avg latency, [0-9.]+ ms max latency\.$`)
	for who, out := range map[string]string{"java": compatNormalize(j.Stdout, nil, false), "kafkit": k.Stdout} {
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		for i, l := range lines {
			if ok := progress.MatchString(l) || i == len(lines)-1 && perfSummary.MatchString(l); !ok {
				t.Errorf("%s line %d has neither shape: %q", who, i+1, l)
			}
		}
	}
	jr, kr := perfRate(t, "java", j.Stdout), perfRate(t, "kafkit", k.Stdout)
	// The JVM warms up during a short run, so kafkit may well be faster; far slower, or
	// implausibly faster (acks not awaited), is a defect.
	if kr < jr/3 || kr > jr*20 {
		t.Errorf("kafkit %.0f records/s vs java %.0f: beyond the sanity bounds (1/3x .. 20x)", kr, jr)
	}
	t.Logf("java %.0f records/s, kafkit %.0f records/s (%.2fx)", jr, kr, kr/jr)
	// The native report counts the same records.
	r := MustKafkit(t, "", "perf", "produce", topic, "--records", "5000", "--record-size", "100", "-o", "json")
	var rep struct {
		Records int64 `json:"records"`
		Latency struct {
			P99 float64 `json:"p99_ms"`
			Max float64 `json:"max_ms"`
		} `json:"latency"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &rep); err != nil || rep.Records != 5000 || rep.Latency.Max <= 0 || rep.Latency.P99 > rep.Latency.Max {
		t.Errorf("native report: %v %s", err, r)
	}
}

// TestHealthPerfCompatConsumerAndLatency: kafka-consumer-perf-test.sh and kafka-e2e-latency.sh
// print the Java tools' line shapes.
func TestHealthPerfCompatConsumerAndLatency(t *testing.T) {
	dir := compatLink(t)
	setup := func(t *testing.T, topic string) {
		MustKafkit(t, "", "topic", "create", topic, "-p", "1", "-r", "3")
		MustKafkit(t, "", "perf", "produce", topic, "--records", "2000", "--record-size", "50")
		t.Cleanup(func() { Kafkit(t, "", "topic", "delete", topic, "--yes") })
	}
	runCompatCase(t, dir, compatCase{script: "kafka-consumer-perf-test.sh", args: "--bootstrap-server {B} --topic {T} --messages 2000", setup: setup, volatile: true})
	runCompatCase(t, dir, compatCase{script: "kafka-consumer-perf-test.sh", args: "--bootstrap-server {B} --topic {T} --messages 2000 --hide-header", setup: setup, volatile: true})
	runCompatCase(t, dir, compatCase{script: "kafka-e2e-latency.sh", args: "{B} {T} 20 all 100", setup: setup, volatile: true})
	runCompatCase(t, dir, compatCase{script: "kafka-e2e-latency.sh", args: "{B} {T} 20 0 100", setup: setup, volatile: true})
	// A missing topic is created (1 partition, RF 1), with Java's message. (Not compared with
	// the Java tool: EndToEndLatency itself fails now and then on the topic it just created.)
	missing := Unique(t, "health-e2e-new")
	t.Cleanup(func() { Kafkit(t, "", "topic", "delete", missing, "--yes") })
	k := run(t.Context(), nil, "", filepath.Join(dir, "kafka-e2e-latency.sh"), Brokers(), missing, "5", "1", "10")
	if k.Code != 0 || !strings.HasPrefix(k.Stdout, "Topic \""+missing+"\" does not exist. Will create topic with 1 partition(s) and replication factor = 1\n0\t") {
		t.Errorf("missing topic: %s", k)
	}
	if td, err := Admin(t).ListTopics(context.Background(), missing); err != nil || len(td[missing].Partitions) != 1 || len(td[missing].Partitions[0].Replicas) != 1 {
		t.Errorf("created: %v %v", td, err)
	}
}

// fixedAddrListener makes a kfake broker advertise a fixed host:port.
type fixedAddrListener struct {
	net.Listener
	addr string
}

func (l fixedAddrListener) Addr() net.Addr { return healthAddr(l.addr) }

// TestHealthCheckListenerProtocolMismatch is the chart's case: the advertised listener wants
// SASL while this client speaks PLAINTEXT. A kfake broker advertises the real cluster's
// SASL_PLAINTEXT port, and the check, speaking PLAINTEXT, names the mismatch.
func TestHealthCheckListenerProtocolMismatch(t *testing.T) {
	saslAddr := strings.Split(SASLBrokers(), ",")[0]
	var n atomic.Int32
	c, err := kfake.NewCluster(kfake.NumBrokers(3), kfake.ListenFn(func(network, addr string) (net.Listener, error) {
		ln, err := net.Listen(network, addr)
		if err != nil || n.Add(1) != 3 {
			return ln, err
		}
		return fixedAddrListener{ln, saslAddr}, nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	addrs := c.ListenAddrs()
	r := KafkitEnv(t, nil, "", "-b", addrs[0]+","+addrs[1], "cluster", "check", "--only", "listeners")
	if r.Code != 3 {
		t.Fatalf("want exit 3: %s", r)
	}
	for _, w := range []string{"broker 2 advertises " + saslAddr + ": this client speaks PLAINTEXT and the listener wants SASL", "SASL_PLAINTEXT by default", "listeners.client.protocol=PLAINTEXT"} {
		if !strings.Contains(r.Stdout+r.Stderr, w) {
			t.Errorf("missing %q: %s", w, r)
		}
	}
}
