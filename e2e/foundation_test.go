//go:build e2e

package e2e

import (
	"debug/elf"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestBinaryIsStaticAndStamped(t *testing.T) {
	f, err := elf.Open(binPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("bin/kafkit has an ELF interpreter: it is dynamically linked")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("bin/kafkit needs shared libraries %v", libs)
	}
	r := MustKafkit(t, "", "version")
	if strings.Contains(r.Stdout, "commit: unknown") || !strings.Contains(r.Stdout, "go: go1.") {
		t.Errorf("version not stamped by make build:\n%s", r.Stdout)
	}
}

type clusterInfo struct {
	ClusterID        string `json:"cluster_id"`
	ActiveController int32  `json:"active_controller"`
	Brokers          []struct {
		NodeID int32  `json:"node_id"`
		Host   string `json:"host"`
		Port   int32  `json:"port"`
	} `json:"brokers"`
	Quorum *struct {
		LeaderID      int32 `json:"leader_id"`
		HighWatermark int64 `json:"high_watermark"`
		Replicas      []struct {
			NodeID int32  `json:"node_id"`
			Role   string `json:"role"`
			Lag    int64  `json:"lag"`
		} `json:"replicas"`
	} `json:"quorum"`
}

func TestClusterInfoRealCluster(t *testing.T) {
	r := MustKafkit(t, "", "cluster", "info", "-o", "json")
	var info clusterInfo
	if err := json.Unmarshal([]byte(r.Stdout), &info); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, r.Stdout)
	}
	if info.ClusterID == "" || len(info.Brokers) != 3 {
		t.Fatalf("want a cluster id and 3 brokers: %+v", info)
	}
	for i, b := range info.Brokers {
		if b.NodeID != int32(i+1) || b.Host != "127.0.0.1" {
			t.Errorf("broker %d: %+v", i, b)
		}
	}
	if info.Quorum == nil {
		t.Fatalf("no quorum on a KRaft cluster:\n%s", r.Stdout)
	}
	voters, leaders := 0, 0
	for _, rep := range info.Quorum.Replicas {
		switch rep.Role {
		case "leader":
			leaders++
			voters++
		case "voter":
			voters++
		}
	}
	if voters != 3 || leaders != 1 || info.Quorum.LeaderID != info.ActiveController {
		t.Errorf("want 3 voters with 1 leader = active controller: %+v", info.Quorum)
	}

	// The table says the same.
	r = MustKafkit(t, "", "cluster", "info")
	for _, want := range []string{"Cluster ID:         " + info.ClusterID, "Brokers (3):", "ID   ADDRESS           RACK", "1    127.0.0.1:19092   -", "Metadata quorum: leader ", "NODE   ROLE     LOG-END-OFFSET   LAG   LAST-CAUGHT-UP"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, r.Stdout)
		}
	}
}

func TestVersionBrokerRealCluster(t *testing.T) {
	r := MustKafkit(t, "", "version", "--broker", "-o", "json")
	var v struct {
		Kafka   string `json:"kafka_version"`
		Brokers []struct {
			NodeID  int32  `json:"node_id"`
			Version string `json:"version"`
		} `json:"brokers"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &v); err != nil {
		t.Fatal(err)
	}
	if kv, major, _ := matrixVersion(t); !strings.HasPrefix(v.Kafka, matrixMajorPrefix(major)) || len(v.Brokers) != 3 {
		t.Errorf("want Kafka %s on 3 brokers: %+v", kv, v)
	}
}

func TestAPIVersionsRealCluster(t *testing.T) {
	r := MustKafkit(t, "", "cluster", "api-versions", "-o", "json")
	var bs []struct {
		NodeID int32 `json:"node_id"`
		APIs   []struct {
			Name   string `json:"name"`
			Max    int16  `json:"max_version"`
			Usable int16  `json:"usable_version"`
		} `json:"apis"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &bs); err != nil {
		t.Fatal(err)
	}
	if len(bs) != 3 {
		t.Fatalf("want 3 brokers, got %d", len(bs))
	}
	for _, b := range bs {
		found := false
		for _, a := range b.APIs {
			if a.Name == "ConsumerGroupHeartbeat" && a.Usable >= 0 {
				found = true
			}
		}
		if !found {
			t.Errorf("broker %d lacks a usable ConsumerGroupHeartbeat (KIP-848)", b.NodeID)
		}
	}
}

func TestSASLSCRAM(t *testing.T) {
	pw := WriteFile(t, "password", SCRAMPassword+"\n")
	bad := WriteFile(t, "bad", "not-the-password\n")
	for _, mech := range []string{"SCRAM-SHA-256", "SCRAM-SHA-512"} {
		r := KafkitEnv(t, nil, "", "-b", SASLBrokers(), "--sasl-mechanism", mech, "--sasl-user", SCRAMUser, "--sasl-password-file", pw, "cluster", "info", "-o", "json")
		if r.Code != 0 || !strings.Contains(r.Stdout, `"cluster_id"`) {
			t.Errorf("%s with the right password: %s", mech, r)
		}
		r = KafkitEnv(t, nil, "", "-b", SASLBrokers(), "--sasl-mechanism", mech, "--sasl-user", SCRAMUser, "--sasl-password-file", bad, "cluster", "info")
		want := `error: cannot connect to 127.0.0.1:`
		if r.Code != 1 || !strings.HasPrefix(r.Stderr, want) || !strings.Contains(r.Stderr, `authentication failed for user "kafkit" with `+mech) || r.Stdout != "" {
			t.Errorf("%s with a wrong password: %s", mech, r)
		}
		if strings.Count(strings.TrimSpace(r.Stderr), "\n") != 0 {
			t.Errorf("want one line of error, got:\n%s", r.Stderr)
		}
	}
	// The password from the environment, the user from the environment.
	r := KafkitEnv(t, []string{"KAFKIT_BROKERS=" + SASLBrokers(), "KAFKIT_SASL_USER=" + SCRAMUser, "KAFKIT_SASL_PASSWORD=" + SCRAMPassword}, "", "cluster", "info")
	if r.Code != 0 {
		t.Errorf("SASL from env: %s", r)
	}
	// -v logs connection steps and never the password.
	r = KafkitEnv(t, []string{"KAFKIT_SASL_PASSWORD=" + SCRAMPassword}, "", "-v", "-b", SASLBrokers(), "--sasl-user", SCRAMUser, "cluster", "info")
	if r.Code != 0 || !strings.Contains(r.Stderr, "kafkit: ") || strings.Contains(r.Stderr+r.Stdout, SCRAMPassword) {
		t.Errorf("-v: %s", r)
	}
	// Plaintext client on the SASL listener, SASL client on the plaintext listener.
	r = KafkitEnv(t, nil, "", "-b", SASLBrokers(), "cluster", "info")
	if r.Code != 1 || !strings.Contains(r.Stderr, "this listener requires SASL authentication") {
		t.Errorf("no SASL on the SASL port: %s", r)
	}
	r = KafkitEnv(t, nil, "", "-b", Brokers(), "--sasl-user", SCRAMUser, "--sasl-password-file", pw, "cluster", "info")
	if r.Code != 1 || !strings.Contains(r.Stderr, "this listener does not expect SASL") {
		t.Errorf("SASL on the plaintext port: %s", r)
	}
}

func TestCommandConfigProperties(t *testing.T) {
	props := WriteFile(t, "client.properties", "# as used with kafka-topics.sh --command-config\n"+
		"bootstrap.servers="+SASLBrokers()+"\n"+
		"security.protocol=SASL_PLAINTEXT\n"+
		"sasl.mechanism=SCRAM-SHA-256\n"+
		"sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\\n"+
		"    username=\""+SCRAMUser+"\" password=\""+SCRAMPassword+"\";\n"+
		"acks=all\n")
	r := KafkitEnv(t, nil, "", "--command-config", props, "cluster", "info", "-o", "json")
	if r.Code != 0 || !strings.Contains(r.Stdout, `"cluster_id"`) {
		t.Fatalf("command-config: %s", r)
	}
	if strings.TrimSpace(r.Stderr) != "warning: --command-config: kafkit ignores these properties: acks" {
		t.Errorf("want one warning naming acks, got %q", r.Stderr)
	}
	// The same file is accepted by the Java tool: both read it the same way.
	j := JavaTool(t, "", "org.apache.kafka.tools.TopicCommand", "--bootstrap-server", SASLBrokers(), "--command-config", props, "--list")
	if j.Code != 0 {
		t.Errorf("the Java tool rejects the same file: %s", j)
	}
}

func TestProfileFile(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "pw")
	os.WriteFile(pw, []byte(SCRAMPassword), 0o600)
	cfg := filepath.Join(dir, "config.yaml")
	os.WriteFile(cfg, []byte("default: plain\nprofiles:\n  plain:\n    brokers: "+Brokers()+"\n  scram:\n    brokers: ["+strings.ReplaceAll(SASLBrokers(), ",", ", ")+"]\n    sasl: {mechanism: SCRAM-SHA-512, user: "+SCRAMUser+", password_file: "+pw+"}\n"), 0o600)
	env := []string{"KAFKIT_CONFIG=" + cfg}
	if r := KafkitEnv(t, env, "", "cluster", "info"); r.Code != 0 {
		t.Errorf("default profile: %s", r)
	}
	if r := KafkitEnv(t, env, "", "--profile", "scram", "cluster", "info"); r.Code != 0 {
		t.Errorf("scram profile: %s", r)
	}
	r := KafkitEnv(t, env, "", "profile", "list", "-o", "name")
	if r.Code != 0 || r.Stdout != "plain\nscram\n" {
		t.Errorf("profile list: %s", r)
	}
	r = KafkitEnv(t, env, "", "--profile", "nope", "cluster", "info")
	if r.Code != 2 || !strings.Contains(r.Stderr, `profile "nope" not found`) {
		t.Errorf("unknown profile: %s", r)
	}
}

func TestUnreachableClusters(t *testing.T) {
	// Nothing listens: fails at once, naming the address.
	r := KafkitEnv(t, nil, "", "-b", "127.0.0.1:1", "cluster", "info")
	if r.Code != 1 || r.Stderr != "error: cannot connect to 127.0.0.1:1 (connection refused): nothing listens there: check the host and port in --brokers / KAFKIT_BROKERS\n" {
		t.Errorf("refused: %s", r)
	}
	// The in-cluster default outside Kubernetes.
	r = KafkitEnv(t, nil, "", "cluster", "info")
	if r.Code != 1 || !strings.Contains(r.Stderr, "(no such host): this in-cluster address only resolves inside Kubernetes; outside the cluster, pass --brokers or set KAFKIT_BROKERS") {
		t.Errorf("default address: %s", r)
	}
	// A listener that accepts and never answers: bounded by --timeout, not a 60-second hang.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	r = KafkitEnv(t, nil, "", "-b", l.Addr().String(), "--timeout", "2s", "cluster", "info")
	if r.Code != 1 || !strings.Contains(r.Stderr, l.Addr().String()) {
		t.Errorf("silent listener: %s", r)
	}
	// The hang protection itself: far below the JVM tools' 60 s, with a wide margin for a busy machine.
	if r.Elapsed > 15*time.Second {
		t.Errorf("--timeout 2s took %s", r.Elapsed)
	}
	// TLS against a plaintext listener.
	r = KafkitEnv(t, nil, "", "-b", Brokers(), "--tls", "cluster", "info")
	if r.Code != 1 || !strings.Contains(r.Stderr, "this looks like a plaintext listener: drop --tls") {
		t.Errorf("tls to plaintext: %s", r)
	}
}
