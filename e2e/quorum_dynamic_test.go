//go:build e2e

package e2e

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// The dynamic-quorum tests (KIP-853) run in `make e2e-quorum`, on a cluster that
// `KAFKIT_CLUSTER_QUORUM=dynamic cluster.sh up` formatted with --initial-controllers; that stage
// sets KAFKIT_E2E_QUORUM=dynamic. cluster.sh add-controller-node starts node 5, a
// controller-only node that fetches the metadata log as an observer.

const (
	quorumNode5     = int32(5)
	quorumNode5Addr = "CONTROLLER://127.0.0.1:14094"
)

// quorumDynamic skips unless the stage runs on a dynamic quorum, and fails when the stage says
// dynamic but the cluster's finalized kraft.version is not 1.
func quorumDynamic(t *testing.T) {
	t.Helper()
	if os.Getenv("KAFKIT_E2E_QUORUM") != "dynamic" {
		t.Skip("runs in make e2e-quorum on a dynamic-quorum cluster")
	}
	if q := quorumNative(t); !q.Dynamic || q.KRaftVersion != 1 {
		t.Fatalf("KAFKIT_E2E_QUORUM=dynamic, but the cluster has kraft.version %d", q.KRaftVersion)
	}
}

type quorumJSON struct {
	LeaderID     int32 `json:"leader_id"`
	KRaftVersion int16 `json:"kraft_version"`
	Dynamic      bool  `json:"dynamic"`
	Replicas     []struct {
		NodeID      int32    `json:"node_id"`
		Role        string   `json:"role"`
		DirectoryID string   `json:"directory_id"`
		Endpoints   []string `json:"endpoints"`
	} `json:"replicas"`
}

func quorumNative(t *testing.T) quorumJSON {
	t.Helper()
	var q quorumJSON
	if err := json.Unmarshal([]byte(MustKafkit(t, "", "cluster", "quorum", "-o", "json").Stdout), &q); err != nil {
		t.Fatal(err)
	}
	return q
}

// quorumState is DescribeQuorum asked by the test itself (franz-go, not kafkit): the voter ids
// sorted, their directory ids, and the observers as "id:directory-id" (the leader keeps an
// observer it has not heard from for minutes: a node 5 formatted again, with a new directory
// id, is listed twice for a while).
type quorumState struct {
	leader    int32
	voters    []int32
	voterDirs map[int32]string
	observers map[string]bool
}

func (s quorumState) observer(id int32, dir string) bool {
	return s.observers[strconv.Itoa(int(id))+":"+dir]
}

func describeQuorum(t *testing.T) quorumState {
	t.Helper()
	req := kmsg.NewPtrDescribeQuorumRequest()
	tp := kmsg.NewDescribeQuorumRequestTopic()
	tp.Topic = "__cluster_metadata"
	tp.Partitions = append(tp.Partitions, kmsg.NewDescribeQuorumRequestTopicPartition())
	req.Topics = append(req.Topics, tp)
	resp, err := req.RequestWith(context.Background(), Client(t))
	if err != nil || resp.ErrorCode != 0 || len(resp.Topics) != 1 || len(resp.Topics[0].Partitions) != 1 {
		t.Fatalf("DescribeQuorum: %v %+v", err, resp)
	}
	p := resp.Topics[0].Partitions[0]
	s := quorumState{leader: p.LeaderID, voterDirs: map[int32]string{}, observers: map[string]bool{}}
	for _, v := range p.CurrentVoters {
		s.voters = append(s.voters, v.ReplicaID)
		s.voterDirs[v.ReplicaID] = base64.RawURLEncoding.EncodeToString(v.ReplicaDirectoryID[:])
	}
	slices.Sort(s.voters)
	for _, o := range p.Observers {
		s.observers[strconv.Itoa(int(o.ReplicaID))+":"+base64.RawURLEncoding.EncodeToString(o.ReplicaDirectoryID[:])] = true
	}
	return s
}

// waitQuorum polls DescribeQuorum until ok holds (an observer shows up at its next fetch), and
// fails with the last state after a minute.
func waitQuorum(t *testing.T, what string, ok func(quorumState) bool) quorumState {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		s := describeQuorum(t)
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("quorum never got %s: %+v", what, s)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

func quorumClusterSh(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command("bash", append([]string{filepath.Join(repoRoot, "e2e", "cluster", "cluster.sh")}, args...)...)
	cmd.Dir = repoRoot
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("cluster.sh %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func quorumClusterDir() string {
	return envOr("KAFKIT_E2E_CLUSTER_DIR", envOr("KAFKIT_CLUSTER_DIR", filepath.Join(repoRoot, ".cache", "cluster")))
}

// metaDirectoryID reads directory.id from a node's meta.properties.
func metaDirectoryID(t *testing.T, node int32) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(quorumClusterDir(), "node"+strconv.Itoa(int(node)), "data", "meta.properties"))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "directory.id="); ok {
			return v
		}
	}
	t.Fatalf("node %d: no directory.id in meta.properties:\n%s", node, data)
	return ""
}

// startNode5 starts the controller-only node 5 (an observer) and stops it when the test ends,
// after taking it out of the voters if the test left it there. It returns its directory id.
func startNode5(t *testing.T) string {
	t.Helper()
	quorumClusterSh(t, "add-controller-node")
	dir := metaDirectoryID(t, quorumNode5)
	t.Cleanup(func() {
		if slices.Contains(describeQuorum(t).voters, quorumNode5) {
			Kafkit(t, "", "cluster", "quorum", "remove-controller", "5", "--yes")
		}
		quorumClusterSh(t, "remove-controller-node")
	})
	waitQuorum(t, "node 5 as an observer", func(s quorumState) bool { return s.observer(quorumNode5, dir) })
	return dir
}

func quorumJava(t *testing.T, args ...string) Result {
	t.Helper()
	return JavaTool(t, "", "org.apache.kafka.tools.MetadataQuorumCommand", append([]string{"--bootstrap-server", Brokers()}, args...)...)
}

func quorumCompat(t *testing.T, args ...string) Result {
	t.Helper()
	return Kafkit(t, "", append([]string{"compat", "kafka-metadata-quorum.sh", "--bootstrap-server", Brokers()}, args...)...)
}

// javaVoterIDs are the ids in describe --status's CurrentVoters line.
func javaVoterIDs(t *testing.T, status string) []int32 {
	t.Helper()
	for _, l := range strings.Split(status, "\n") {
		if rest, ok := strings.CutPrefix(l, "CurrentVoters:"); ok {
			var ids []int32
			for _, part := range strings.Split(rest, `{"id": `)[1:] {
				n, err := strconv.Atoi(part[:strings.IndexAny(part, ",}")])
				if err != nil {
					t.Fatalf("CurrentVoters: %q", l)
				}
				ids = append(ids, int32(n))
			}
			slices.Sort(ids)
			return ids
		}
	}
	t.Fatalf("no CurrentVoters line:\n%s", status)
	return nil
}

// exceptionLine is the first line naming a Kafka exception: the Java tool's message (its
// stack trace follows), kafkit's refusal.
func exceptionLine(stderr string) string {
	for _, l := range strings.Split(stderr, "\n") {
		if strings.Contains(l, "org.apache.kafka.common.errors.") {
			return l
		}
	}
	return ""
}

// replicationStatus maps node id to the Status column of describe --replication.
func replicationStatus(out string) map[int32]string {
	m := map[int32]string{}
	for _, l := range strings.Split(out, "\n")[1:] {
		f := strings.Fields(l)
		if len(f) < 7 {
			continue
		}
		if n, err := strconv.Atoi(f[0]); err == nil {
			m[int32(n)] = f[len(f)-1]
		}
	}
	return m
}

// TestQuorumDynamicAddRemoveController: node 5 runs as an observer; `cluster quorum` shows the
// 3 voters and it, with the directory id of its meta.properties; --dry-run sends nothing;
// add-controller makes it a voter (DescribeQuorum and the Java tool agree); remove-controller
// makes it an observer again.
func TestQuorumDynamicAddRemoveController(t *testing.T) {
	quorumDynamic(t)
	dir := startNode5(t)

	q := quorumNative(t)
	var voters []int32
	observer5 := false
	for _, r := range q.Replicas {
		if r.Role != "observer" {
			voters = append(voters, r.NodeID)
		}
		observer5 = observer5 || (r.NodeID == quorumNode5 && r.Role == "observer" && r.DirectoryID == dir)
	}
	slices.Sort(voters)
	if !slices.Equal(voters, []int32{1, 2, 3}) || !observer5 || q.Replicas[0].Role != "leader" {
		t.Fatalf("want voters 1-3 and observer 5 with directory id %s (its meta.properties): %+v", dir, q)
	}

	add := []string{"cluster", "quorum", "add-controller", "--id", "5", "--directory-id", dir, "--endpoint", quorumNode5Addr}
	r := Kafkit(t, "", append(add, "--dry-run")...)
	if r.Code != 3 || r.Stdout != "would add controller 5 with directory id "+dir+" and endpoints "+quorumNode5Addr+" (dry run)\n" {
		t.Errorf("add-controller --dry-run: %s", r)
	}
	if s := describeQuorum(t); slices.Contains(s.voters, quorumNode5) {
		t.Fatalf("--dry-run added the voter: %+v", s)
	}

	if r := MustKafkit(t, "", add...); r.Stdout != "added controller 5\n" {
		t.Errorf("add-controller: %s", r)
	}
	s := describeQuorum(t)
	if !slices.Equal(s.voters, []int32{1, 2, 3, 5}) || s.voterDirs[quorumNode5] != dir {
		t.Fatalf("after add-controller: %+v", s)
	}
	js := quorumJava(t, "describe", "--status").Stdout
	if ids := javaVoterIDs(t, js); !slices.Equal(ids, []int32{1, 2, 3, 5}) {
		t.Errorf("java describe --status: voters %v", ids)
	}
	// kafkit's describe --status says the same, but for the numbers that move.
	moving := func(out string) string {
		var keep []string
		for _, l := range strings.Split(out, "\n") {
			if !strings.HasPrefix(l, "HighWatermark:") && !strings.HasPrefix(l, "MaxFollowerLag") {
				keep = append(keep, l)
			}
		}
		return strings.Join(keep, "\n")
	}
	if ks := quorumCompat(t, "describe", "--status").Stdout; moving(ks) != moving(js) {
		t.Errorf("describe --status:\njava:\n%s\nkafkit:\n%s", js, ks)
	}
	if st := replicationStatus(quorumJava(t, "describe", "--replication").Stdout); st[quorumNode5] != "Follower" && st[quorumNode5] != "Leader" {
		t.Errorf("java describe --replication: node 5 is %q", st[quorumNode5])
	}

	if r := MustKafkit(t, "", "cluster", "quorum", "remove-controller", "5", "--yes"); r.Stdout != "removed controller 5\n" {
		t.Errorf("remove-controller: %s", r)
	}
	if s := describeQuorum(t); !slices.Equal(s.voters, []int32{1, 2, 3}) {
		t.Fatalf("after remove-controller: %+v", s)
	}
	waitQuorum(t, "node 5 back as an observer", func(s quorumState) bool { return s.observer(quorumNode5, dir) })
}

// TestQuorumDynamicRefusals: removing a non-voter, adding a voter again and a bad directory id
// are refused with what is wrong, exit non-zero, and change nothing.
func TestQuorumDynamicRefusals(t *testing.T) {
	quorumDynamic(t)
	before := describeQuorum(t)
	dir1 := before.voterDirs[1]
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"remove-controller", "7", "--yes"}, 1, "controller 7 is not a voter of the quorum"},
		{[]string{"add-controller", "--id", "1", "--directory-id", dir1, "--endpoint", "CONTROLLER://127.0.0.1:19094"}, 1, "controller 1 is already a voter"},
		{[]string{"add-controller", "--id", "5", "--directory-id", "not-a-directory-id", "--endpoint", quorumNode5Addr}, 2, `--directory-id: "not-a-directory-id" is not a directory id`},
		{[]string{"remove-controller", "3", "--directory-id", "short", "--yes"}, 2, `--directory-id: "short" is not a directory id`},
	} {
		r := Kafkit(t, "", append([]string{"cluster", "quorum"}, c.args...)...)
		if r.Code != c.code || r.Stdout != "" || !strings.Contains(r.Stderr, c.want) {
			t.Errorf("%v: want exit %d and %q: %s", c.args, c.code, c.want, r)
		}
	}
	if after := describeQuorum(t); !slices.Equal(after.voters, before.voters) {
		t.Errorf("voters changed: %v -> %v", before.voters, after.voters)
	}
}

// TestQuorumDynamicCompatMatchesJava: kafka-metadata-quorum.sh add-controller (reading node 5's
// server.properties and meta.properties) and remove-controller print what the Java tool prints,
// each tool changing the quorum in turn; refusals print the Java tool's first line.
func TestQuorumDynamicCompatMatchesJava(t *testing.T) {
	quorumDynamic(t)
	dir := startNode5(t)
	props := filepath.Join(quorumClusterDir(), "node5", "server.properties")
	addLine := "controller 5 with directory id " + dir + " and endpoints: CONTROLLER://127.0.0.1:14094\n"
	removeLine := "KRaft controller 5 with directory id " + dir + "\n"
	step := func(name string, r Result, want string) {
		t.Helper()
		if r.Code != 0 || r.Stdout != want {
			t.Fatalf("%s: want %q: %s", name, want, r)
		}
	}
	isVoter := func(want bool) {
		t.Helper()
		if got := slices.Contains(describeQuorum(t).voters, quorumNode5); got != want {
			t.Fatalf("node 5 a voter: %v, want %v", got, want)
		}
	}
	step("java add --dry-run", quorumJava(t, "--command-config", props, "add-controller", "--dry-run"), "DRY RUN of adding "+addLine)
	step("kafkit add --dry-run", quorumCompat(t, "--command-config", props, "add-controller", "--dry-run"), "DRY RUN of adding "+addLine)
	isVoter(false)
	step("java add", quorumJava(t, "--command-config", props, "add-controller"), "Added "+addLine)
	isVoter(true)

	// Adding it again: both refuse with DuplicateVoterException, exit 1.
	j := quorumJava(t, "--command-config", props, "add-controller")
	k := quorumCompat(t, "--command-config", props, "add-controller")
	if jl := exceptionLine(j.Stderr); j.Code != 1 || k.Code != 1 || !strings.Contains(jl, "DuplicateVoterException") || exceptionLine(k.Stderr) != jl {
		t.Errorf("adding a voter again:\njava: %s\nkafkit: %s", j, k)
	}

	step("java remove", quorumJava(t, "remove-controller", "--controller-id", "5", "--controller-directory-id", dir), "Removed  "+removeLine)
	isVoter(false)
	waitQuorum(t, "node 5 back as an observer", func(s quorumState) bool { return s.observer(quorumNode5, dir) })
	step("kafkit add", quorumCompat(t, "--command-config", props, "add-controller"), "Added "+addLine)
	isVoter(true)
	step("kafkit remove", quorumCompat(t, "remove-controller", "-i", "5", "-d", dir), "Removed  "+removeLine)
	isVoter(false)

	// Removing a non-voter: the controller refuses (VoterNotFoundException) for both tools.
	j = quorumJava(t, "remove-controller", "--controller-id", "5", "--controller-directory-id", dir)
	k = quorumCompat(t, "remove-controller", "--controller-id", "5", "--controller-directory-id", dir)
	if jl := exceptionLine(j.Stderr); j.Code != 1 || k.Code != 1 || !strings.Contains(jl, "VoterNotFoundException") || k.Stderr != jl+"\n" {
		t.Errorf("removing a non-voter:\njava: %s\nkafkit: %s", j, k)
	}
}

// TestQuorumDynamicRemoveOriginalVoter: an original voter (a combined broker+controller node,
// not the leader) is removed and keeps running as an observer, then is added back with the
// directory id DescribeQuorum reports for it.
func TestQuorumDynamicRemoveOriginalVoter(t *testing.T) {
	quorumDynamic(t)
	before := describeQuorum(t)
	victim := int32(3)
	if before.leader == victim {
		victim = 2
	}
	dir := before.voterDirs[victim]
	if dir != metaDirectoryID(t, victim) {
		t.Fatalf("node %d: DescribeQuorum says directory id %s, meta.properties %s", victim, dir, metaDirectoryID(t, victim))
	}
	id := strconv.Itoa(int(victim))
	port := map[int32]string{2: "29094", 3: "31094"}[victim]
	t.Cleanup(func() {
		if !slices.Contains(describeQuorum(t).voters, victim) {
			Kafkit(t, "", "cluster", "quorum", "add-controller", "--id", id, "--directory-id", dir, "--endpoint", "CONTROLLER://127.0.0.1:"+port)
		}
	})
	if r := MustKafkit(t, "", "cluster", "quorum", "remove-controller", id, "--yes"); r.Stdout != "removed controller "+id+"\n" {
		t.Errorf("remove-controller %s: %s", id, r)
	}
	s := waitQuorum(t, "node "+id+" as an observer", func(s quorumState) bool { return s.observer(victim, dir) })
	if len(s.voters) != 2 || slices.Contains(s.voters, victim) {
		t.Fatalf("after removing %s: %+v", id, s)
	}
	// Two voters left: kafkit will not remove another (no fault-tolerant majority).
	other := s.voters[0]
	if r := Kafkit(t, "", "cluster", "quorum", "remove-controller", strconv.Itoa(int(other)), "--yes"); r.Code != 1 || !strings.Contains(r.Stderr, "without a fault-tolerant majority") {
		t.Errorf("removing a second voter: %s", r)
	}
	r := MustKafkit(t, "", "cluster", "quorum", "add-controller", "--id", id, "--directory-id", dir, "--endpoint", "CONTROLLER://127.0.0.1:"+port)
	if r.Stdout != "added controller "+id+"\n" {
		t.Errorf("add-controller %s: %s", id, r)
	}
	if s := describeQuorum(t); !slices.Equal(s.voters, []int32{1, 2, 3}) || s.voterDirs[victim] != dir {
		t.Fatalf("after adding %s back: %+v", id, s)
	}
}
