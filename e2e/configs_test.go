//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// configsQuotaRate is the producer_byte_rate the throttle test sets: 1 MiB/s.
const configsQuotaRate = 1 << 20

// configsQuotaWindow is how long the throttle test produces. Kafka measures a client's rate over
// quota.window.num (11) samples of quota.window.size.seconds (1 s) and, while a client's sensor
// is younger than 10 samples, divides by 10 s: a new client may send 10 s of quota at once and
// is then held back until the window catches up. Measured over ~10.5 s, the average rate is the
// quota; over a shorter or a longer (a sample expires at 11 s) span it is not, so this test uses
// exactly that span.
const configsQuotaWindow = 10500 * time.Millisecond

func TestConfigsQuotaThrottlesProduce(t *testing.T) {
	t.Parallel()
	topic, clientID := Unique(t, "configs-quota"), Unique(t, "configs-client")
	adm := Admin(t)
	if _, err := adm.CreateTopic(t.Context(), 1, 1, nil, topic); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Kafkit(t, "", "topic", "delete", topic, "--yes") })
	MustKafkit(t, "", "quota", "set", "--client", clientID, fmt.Sprintf("producer_byte_rate=%d", configsQuotaRate))
	t.Cleanup(func() { Kafkit(t, "", "quota", "delete", "--client", clientID, "--yes") })
	configsWaitQuota(t, adm, clientID)

	cl := Client(t, kgo.ClientID(clientID), kgo.DefaultProduceTopic(topic), kgo.ProducerBatchMaxBytes(64<<10),
		kgo.ProducerLinger(0), kgo.MaxBufferedBytes(1<<20), kgo.ProducerBatchCompression(kgo.NoCompression()))
	value := make([]byte, 16<<10) // not compressed: the quota counts the bytes on the wire
	var acked atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(configsQuotaWindow)
	for time.Now().Before(deadline) {
		wg.Add(1)
		cl.Produce(t.Context(), &kgo.Record{Value: value}, func(r *kgo.Record, err error) {
			defer wg.Done()
			if err == nil && time.Now().Before(deadline) {
				acked.Add(int64(len(r.Value)))
			}
		})
	}
	cl.PurgeTopicsFromProducing(topic) // what is still buffered at the deadline does not count
	wg.Wait()
	rate := float64(acked.Load()) / configsQuotaWindow.Seconds()
	t.Logf("produced %d bytes in %s with client id %s: %.0f B/s (quota %d B/s)", acked.Load(), configsQuotaWindow, clientID, rate, configsQuotaRate)
	if rate < 0.8*configsQuotaRate || rate > 1.2*configsQuotaRate {
		t.Errorf("measured %.0f B/s, want within 20%% of the %d B/s quota", rate, configsQuotaRate)
	}
}

// configsWaitQuota waits until every broker has applied the client's quota (metadata
// propagation); DescribeClientQuotas is answered by any broker.
func configsWaitQuota(t *testing.T, adm *kadm.Client, clientID string) {
	t.Helper()
	for i := 0; i < 50; i++ {
		qs, err := adm.DescribeClientQuotas(t.Context(), true, []kadm.DescribeClientQuotaComponent{{Type: "client-id", MatchName: &clientID}})
		if err == nil && len(qs) == 1 {
			time.Sleep(500 * time.Millisecond) // the other brokers replay the same record
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("quota of %s not visible", clientID)
}

// configsJava runs ConfigCommand on the plaintext cluster.
func configsJava(t *testing.T, args ...string) Result {
	t.Helper()
	return JavaTool(t, "", "kafka.admin.ConfigCommand", append([]string{"--bootstrap-server", Brokers()}, args...)...)
}

func TestConfigsInterop(t *testing.T) {
	user, client, other := Unique(t, "configs-u"), Unique(t, "configs-c"), Unique(t, "configs-j")
	t.Cleanup(func() {
		Kafkit(t, "", "quota", "delete", "--user", user, "--yes")
		Kafkit(t, "", "quota", "delete", "--user", user, "--client", client, "--yes")
		Kafkit(t, "", "quota", "delete", "--client", other, "--yes")
	})
	// kafkit sets, Java describes.
	MustKafkit(t, "", "quota", "set", "--user", user, "producer_byte_rate=1048576", "consumer_byte_rate=20000000")
	MustKafkit(t, "", "quota", "set", "--user", user, "--client", client, "request_percentage=50")
	j := configsJava(t, "--describe", "--user", user)
	want := fmt.Sprintf("Quota configs for user-principal '%s' are consumer_byte_rate=2.0E7, producer_byte_rate=1048576.0\n", user)
	if j.Code != 0 || j.Stdout != want {
		t.Errorf("java describe of the user: %s\nwant %q", j, want)
	}
	// Java sets, kafkit lists.
	if j := configsJava(t, "--alter", "--client", other, "--add-config", "producer_byte_rate=2048,controller_mutation_rate=1.5"); j.Code != 0 {
		t.Fatalf("java alter: %s", j)
	}
	r := MustKafkit(t, "", "quota", "list", "--client", other, "-o", "json")
	var rows []struct {
		Entity string             `json:"entity"`
		Quotas map[string]float64 `json:"quotas"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &rows); err != nil || len(rows) != 1 ||
		rows[0].Entity != "client-id="+other || rows[0].Quotas["producer_byte_rate"] != 2048 || rows[0].Quotas["controller_mutation_rate"] != 1.5 {
		t.Errorf("kafkit list of what Java set: %v %s", err, r.Stdout)
	}
	// A broker config kafkit sets, Java describes.
	t.Cleanup(func() { Kafkit(t, "", "broker", "config", "3", "--delete", "log.retention.ms") })
	MustKafkit(t, "", "broker", "config", "3", "--set", "log.retention.ms=604800001")
	j = configsJava(t, "--describe", "--broker", "3")
	if !strings.Contains(j.Stdout, "  log.retention.ms=604800001 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:log.retention.ms=604800001") {
		t.Errorf("java describe of broker 3: %s", j)
	}
}

func TestConfigsBrokerConfigRoundTrip(t *testing.T) {
	const key = "log.retention.ms" // per broker; 7 days + 1 ms changes nothing for other tests
	t.Cleanup(func() { Kafkit(t, "", "broker", "config", "2", "--delete", key) })
	dry := Kafkit(t, "", "broker", "config", "2", "--set", key+"=604800001", "--dry-run")
	if dry.Code != 3 || !strings.Contains(dry.Stdout, "would_alter") {
		t.Fatalf("dry run: %s", dry)
	}
	if r := MustKafkit(t, "", "broker", "config", "2"); strings.Contains(r.Stdout, key) {
		t.Fatalf("the dry run changed the broker: %s", r)
	}
	set := MustKafkit(t, "", "broker", "config", "2", "--set", key+"=604800001", "-o", "json")
	if !strings.Contains(set.Stdout, `"from": "",
    "to": "604800001",
    "result": "altered"`) {
		t.Errorf("set: %s", set)
	}
	configsEventually(t, func() bool {
		r := MustKafkit(t, "", "broker", "config", "2", "--set", key+"=604800001")
		return strings.Contains(r.Stdout, "unchanged")
	}, "setting the same value again is unchanged")
	r := MustKafkit(t, "", "broker", "describe", "2", "-o", "json")
	var es []struct{ Key, Source string }
	_ = json.Unmarshal([]byte(r.Stdout), &es)
	found := false
	for _, e := range es {
		found = found || e.Key == key && e.Source == "DYNAMIC_BROKER_CONFIG"
	}
	if !found {
		t.Errorf("describe after set: %s", r.Stdout)
	}
	del := MustKafkit(t, "", "broker", "config", "2", "--delete", key)
	if !strings.Contains(del.Stdout, "deleted") {
		t.Errorf("delete: %s", del)
	}
	configsEventually(t, func() bool { // the broker applies the controller's record a moment later
		return !strings.Contains(MustKafkit(t, "", "broker", "config", "2").Stdout, key)
	}, "the deleted config is gone from broker 2")
	// Loggers: raise one, then back (its level before was INFO on this cluster).
	const logger = "kafka.cluster.Partition"
	t.Cleanup(func() { Kafkit(t, "", "broker", "config", "--loggers", "2", "--set", logger+"=INFO") })
	if r := MustKafkit(t, "", "broker", "config", "--loggers", "2", "--set", logger+"=warn"); !strings.Contains(r.Stdout, "INFO   WARN   altered") {
		t.Errorf("logger: %s", r)
	}
	if r := MustKafkit(t, "", "broker", "config", "--loggers", "2", "-o", "json"); !strings.Contains(r.Stdout, `"key": "`+logger+`",
    "value": "WARN"`) {
		t.Errorf("loggers after set: %s", r.Stdout)
	}
}

func TestConfigsBadInputSendsNothing(t *testing.T) {
	client := Unique(t, "configs-bad")
	MustKafkit(t, "", "quota", "set", "--client", client, "consumer_byte_rate=4096")
	t.Cleanup(func() { Kafkit(t, "", "quota", "delete", "--client", client, "--yes") })
	cases := []struct {
		args []string
		msg  string
	}{
		{[]string{"quota", "set", "--client", client, "producer_byte_rate=fast"}, `quota producer_byte_rate: "fast" is not a number`},
		{[]string{"quota", "set", "--client", client, "producer_bytes=1"}, `unknown quota "producer_bytes"`},
		{[]string{"quota", "set", "--ip", "10.1.1.1", "producer_byte_rate=1"}, `unknown quota "producer_byte_rate" for IPs`},
		{[]string{"quota", "delete", "--client", client}, "pass --yes"},
		{[]string{"quota", "delete", "--client", client, "producer_byte_rte"}, `unknown quota "producer_byte_rte"`},
		{[]string{"broker", "config", "1", "--set", "log.retention.msec=1"}, "unknown config(s) log.retention.msec"},
		{[]string{"broker", "config", "1", "--set", "broker.id=7"}, "read-only config(s) broker.id"},
		{[]string{"broker", "config", "--loggers", "1", "--set", "kafka.nope.Logger=INFO"}, "unknown config(s) kafka.nope.Logger"},
		{[]string{"config", "group", client, "--set", "consumer.session.timeout=1"}, "unknown config(s) consumer.session.timeout"},
		{[]string{"broker", "config", "one"}, `broker id "one" is not a number`},
	}
	for _, c := range cases {
		r := Kafkit(t, "", c.args...)
		if r.Code != 2 || !strings.Contains(r.Stderr, c.msg) {
			t.Errorf("%v: want exit 2 with %q, got %s", c.args, c.msg, r)
		}
	}
	if r := MustKafkit(t, "", "quota", "list", "--client", client, "-o", "json"); !strings.Contains(r.Stdout, `"quotas": {
      "consumer_byte_rate": 4096
    }`) {
		t.Errorf("a refused command changed quotas: %s", r.Stdout)
	}
	// What only the broker can tell (a per-broker config at the cluster level): its error, exit 1.
	r := Kafkit(t, "", "broker", "config", "--default", "--set", "listeners=PLAINTEXT://:1")
	if r.Code != 1 || !strings.Contains(r.Stdout, "Cannot update these configs at default cluster level, broker id must be specified") {
		t.Errorf("listeners at the default: %s", r)
	}
	if r := MustKafkit(t, "", "broker", "config", "1", "-o", "json"); strings.Contains(r.Stdout, "log.retention.msec") {
		t.Errorf("a refused command changed broker 1: %s", r.Stdout)
	}
}

// configsEventually retries ok for a few seconds: brokers apply config records from the
// metadata log a moment after the controller commits them.
func configsEventually(t *testing.T, ok func() bool, what string) {
	t.Helper()
	for i := 0; i < 30; i++ {
		if ok() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Errorf("not true after 3 s: %s", what)
}

// configsCleanupAdmin is an admin client for t.Cleanup functions, which run after t.Context()
// is cancelled; the caller closes it.
func configsCleanupAdmin() (*kgo.Client, context.Context, func()) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(Brokers(), ",")...))
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	return cl, ctx, func() { cancel(); cl.Close() }
}
