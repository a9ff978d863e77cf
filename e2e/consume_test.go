//go:build e2e

package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
)

// consumeTopic creates a topic with the given partitions (replication 3) and deletes it when
// the test ends (best effort).
func consumeTopic(t testing.TB, prefix string, partitions int32) string {
	t.Helper()
	name := Unique(t, prefix)
	adm := Admin(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, err := adm.CreateTopic(ctx, partitions, 3, nil, name)
	if err == nil {
		err = resp.Err
	}
	if err != nil {
		t.Fatalf("create topic %s: %v", name, err)
	}
	// Wait until every broker knows the topic's leaders, so producers and consumers agree.
	for i := 0; i < 100; i++ {
		md, err := adm.Metadata(ctx, name)
		if err == nil && md.Topics[name].Err == nil && len(md.Topics[name].Partitions) == int(partitions) {
			ok := true
			for _, p := range md.Topics[name].Partitions {
				ok = ok && p.Leader >= 0
			}
			if ok {
				break
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = adm.DeleteTopics(ctx, name)
	})
	return name
}

// consumeKcatProduce produces stdin lines with kcat; extra are kcat flags (-K, -H ...).
func consumeKcatProduce(t testing.TB, topic, stdin string, extra ...string) {
	t.Helper()
	r := Kcat(t, stdin, append([]string{"-P", "-t", topic, "-X", "linger.ms=20"}, extra...)...)
	if r.Code != 0 {
		t.Fatalf("kcat -P: %s", r)
	}
}

func consumeLines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func consumeSorted(s string) []string {
	l := consumeLines(s)
	sort.Strings(l)
	return l
}

// TestConsumeKcatRecordsReadBackExactly: records with keys, headers, tabs and UTF-8 produced
// by kcat come back exactly, in kcat's own -f rendering and as JSON.
func TestConsumeKcatRecordsReadBackExactly(t *testing.T) {
	topic := consumeTopic(t, "consume-kcat", 6)
	var in strings.Builder
	for i := 0; i < 60; i++ {
		fmt.Fprintf(&in, "key-%d|value %d\twith tab é ✓\n", i, i)
	}
	consumeKcatProduce(t, topic, in.String(), "-K", "|", "-H", "trace=abc-1", "-H", "empty=")

	const tmpl = `%p|%o|%k|%K|%s|%S|%h|%T\n`
	want := Kcat(t, "", "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", tmpl)
	if want.Code != 0 || len(consumeLines(want.Stdout)) != 60 {
		t.Fatalf("kcat -C: %s", want)
	}
	got := MustKafkit(t, "", "consume", topic, "-o", "start", "-e", "-f", tmpl)
	if g, w := consumeSorted(got.Stdout), consumeSorted(want.Stdout); strings.Join(g, "\n") != strings.Join(w, "\n") {
		t.Fatalf("kafkit -f and kcat -f differ:\nkafkit:\n%s\nkcat:\n%s", strings.Join(g[:3], "\n"), strings.Join(w[:3], "\n"))
	}
	if got.Stderr != "" {
		t.Errorf("stderr not empty without a terminal: %q", got.Stderr)
	}

	js := MustKafkit(t, "", "consume", topic, "-o", "start", "-e", "-J")
	seen := map[string]bool{}
	for _, l := range consumeLines(js.Stdout) {
		var rec struct {
			Topic     string `json:"topic"`
			Partition int32  `json:"partition"`
			Offset    int64  `json:"offset"`
			Timestamp int64  `json:"timestamp"`
			Key       string `json:"key"`
			Value     string `json:"value"`
			Headers   []struct {
				Key   string  `json:"key"`
				Value *string `json:"value"`
			} `json:"headers"`
		}
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("bad JSON line %q: %v", l, err)
		}
		i, _ := strconv.Atoi(strings.TrimPrefix(rec.Key, "key-"))
		if rec.Topic != topic || rec.Value != fmt.Sprintf("value %d\twith tab é ✓", i) || rec.Timestamp < time.Now().Add(-time.Hour).UnixMilli() {
			t.Errorf("record %+v", rec)
		}
		if len(rec.Headers) != 2 || rec.Headers[0].Key != "trace" || *rec.Headers[0].Value != "abc-1" || rec.Headers[1].Key != "empty" {
			t.Errorf("headers %+v", rec.Headers)
		}
		seen[rec.Key] = true
	}
	if len(seen) != 60 {
		t.Errorf("%d distinct keys, want 60", len(seen))
	}

	// The console consumer's layout.
	pr := MustKafkit(t, "", "consume", topic, "-o", "start", "-e", "-p", "0", "-n", "1", "--print", "key,partition,offset")
	if !strings.HasPrefix(pr.Stdout, "Partition:0\tOffset:0\tkey-") {
		t.Errorf("--print: %q", pr.Stdout)
	}
}

// TestConsumeOffsetsRealCluster: -N across partitions of different lengths, and the errors.
func TestConsumeOffsetsRealCluster(t *testing.T) {
	topic := consumeTopic(t, "consume-offsets", 3)
	var p0, p1 strings.Builder
	for i := 0; i < 10; i++ {
		fmt.Fprintf(&p0, "a%d\n", i)
	}
	for i := 0; i < 3; i++ {
		fmt.Fprintf(&p1, "b%d\n", i)
	}
	consumeKcatProduce(t, topic, p0.String(), "-p", "0")
	consumeKcatProduce(t, topic, p1.String(), "-p", "1")
	r := MustKafkit(t, "", "consume", topic, "-o", "-4", "-e")
	if got := strings.Join(consumeSorted(r.Stdout), ","); got != "a6,a7,a8,a9,b0,b1,b2" {
		t.Errorf("-o -4: %s", got)
	}
	r = MustKafkit(t, "", "consume", topic, "-o", "+8", "-e")
	if got := strings.Join(consumeSorted(r.Stdout), ","); got != "a8,a9" {
		t.Errorf("-o +8: %s", got)
	}
	r = Kafkit(t, "", "consume", topic, "-o", "50", "-p", "0")
	if r.Code != 1 || !strings.Contains(r.Stderr, "offset 50 is out of range for "+topic+"/0: it holds offsets 0 to 10") {
		t.Errorf("out of range: %s", r)
	}
	r = Kafkit(t, "", "consume", topic+"-missing", "-o", "start")
	if r.Code != 1 || !strings.Contains(r.Stderr, "does not exist") {
		t.Errorf("unknown topic: %s", r)
	}
	r = Kafkit(t, "", "consume", topic, "-f", "%z")
	if r.Code != 2 || !strings.Contains(r.Stderr, "unknown token %z") {
		t.Errorf("bad template: %s", r)
	}
}

// TestConsumeAtTimeRealTimestamps: -o @time against log timestamps set by kcat's producer.
func TestConsumeAtTimeRealTimestamps(t *testing.T) {
	topic := consumeTopic(t, "consume-time", 6)
	consumeKcatProduce(t, topic, "old1\nold2\nold3\nold4\nold5\nold6\n")
	time.Sleep(1500 * time.Millisecond)
	between := time.Now()
	time.Sleep(1500 * time.Millisecond)
	consumeKcatProduce(t, topic, "new1\nnew2\nnew3\nnew4\n")
	for _, at := range []string{
		"@" + strconv.FormatInt(between.UnixMilli(), 10),
		"@" + between.UTC().Format(time.RFC3339Nano),
		"@-" + (time.Since(between) + 700*time.Millisecond).Round(time.Millisecond).String(),
	} {
		r := MustKafkit(t, "", "consume", topic, "-o", at, "-e")
		if got := strings.Join(consumeSorted(r.Stdout), ","); got != "new1,new2,new3,new4" {
			t.Errorf("-o %s: %q", at, got)
		}
	}
	r := MustKafkit(t, "", "consume", topic, "-o", "@"+strconv.FormatInt(time.Now().Add(time.Hour).UnixMilli(), 10), "-e")
	if r.Stdout != "" {
		t.Errorf("future time: %q", r.Stdout)
	}
}

// TestConsumeGroupProtocols: a classic and a KIP-848 group each read everything once, commit
// it, and a second run has nothing left.
func TestConsumeGroupProtocols(t *testing.T) {
	for _, proto := range []string{"classic", "consumer"} {
		t.Run(proto, func(t *testing.T) {
			topic := consumeTopic(t, "consume-group", 6)
			var in strings.Builder
			for i := 0; i < 300; i++ {
				fmt.Fprintf(&in, "%d\n", i)
			}
			consumeKcatProduce(t, topic, in.String())
			group := Unique(t, "g")
			r := MustKafkit(t, "", "consume", topic, "-g", group, "--group-protocol", proto, "-o", "start", "-n", "100")
			first := consumeLines(r.Stdout)
			if len(first) != 100 {
				t.Fatalf("-n 100 printed %d", len(first))
			}
			// -o start applies only to the partitions the first run did not commit.
			r = MustKafkit(t, "", "-v", "consume", topic, "-g", group, "--group-protocol", proto, "-o", "start", "-e")
			second := consumeLines(r.Stdout)
			if !strings.Contains(r.Stderr, fmt.Sprintf("Consumed %d records", len(second))) {
				t.Errorf("-v summary missing: %s", clip(r.Stderr))
			}
			all := map[string]int{}
			for _, l := range append(first, second...) {
				all[l]++
			}
			for i := 0; i < 300; i++ {
				if all[strconv.Itoa(i)] != 1 {
					t.Fatalf("record %d printed %d times (first run %d, second %d records)", i, all[strconv.Itoa(i)], len(first), len(second))
				}
			}
			// Everything is committed: the group's lag is 0.
			adm := Admin(t)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			offs, err := adm.FetchOffsets(ctx, group)
			if err != nil {
				t.Fatal(err)
			}
			ends, err := adm.ListEndOffsets(ctx, topic)
			if err != nil {
				t.Fatal(err)
			}
			ends.Each(func(e kadm.ListedOffset) {
				o, ok := offs.Lookup(topic, e.Partition)
				if e.Offset > 0 && (!ok || o.At != e.Offset) {
					t.Errorf("partition %d: committed %v, end %d", e.Partition, o.At, e.Offset)
				}
			})
			if proto == "consumer" {
				// A KIP-848 group is a "consumer" type group on the broker.
				lg, err := adm.ListGroups(ctx)
				if err != nil {
					t.Fatal(err)
				}
				found := false
				for _, g := range lg.Sorted() {
					if g.Group == group {
						found = true
						if g.GroupType != "consumer" {
							t.Errorf("group type %q, want consumer", g.GroupType)
						}
					}
				}
				if !found {
					t.Errorf("group %s not listed", group)
				}
			}
		})
	}
}

// TestConsumeGroupTwoMembers: two kafkit members of one group share a topic (a rebalance when
// the second joins, commits on revoke): together they print every record, both exit 0 and the
// group ends fully committed. Both protocols.
func TestConsumeGroupTwoMembers(t *testing.T) {
	for _, proto := range []string{"classic", "consumer"} {
		t.Run(proto, func(t *testing.T) {
			topic := consumeTopic(t, "consume-two", 6)
			const n = 100000
			var in strings.Builder
			for i := 0; i < n; i++ {
				fmt.Fprintf(&in, "%06d\n", i)
			}
			consumeKcatProduce(t, topic, in.String())
			group := Unique(t, "g")
			results := make(chan Result, 2)
			for m := 0; m < 2; m++ {
				go func() {
					results <- Kafkit(t, "", "consume", topic, "-g", group, "--group-protocol", proto, "-o", "start", "--idle-timeout", "8s") // generous: a coordinator that is still loading delays the first join
				}()
				time.Sleep(300 * time.Millisecond)
			}
			seen := map[string]bool{}
			for m := 0; m < 2; m++ {
				r := <-results
				if r.Code != 0 || r.Stderr != "" {
					t.Errorf("member: %s", r)
				}
				for _, l := range consumeLines(r.Stdout) {
					seen[l] = true
				}
			}
			if len(seen) != n {
				t.Fatalf("the two members printed %d distinct records, want %d", len(seen), n)
			}
			offs := consumeCommitted(t, group, topic)
			var total int64
			for _, o := range offs {
				total += o
			}
			if total != n {
				t.Errorf("committed offsets sum to %d, want %d: %v", total, n, offs)
			}
		})
	}
}

// TestConsumeGroupKillNoGap: kill -9 a group member while it writes to a slow pipe, restart
// it, and check that every record is printed at least once: commits cover only written records.
func TestConsumeGroupKillNoGap(t *testing.T) {
	topic := consumeTopic(t, "consume-kill", 6)
	const n = 200000
	var in strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&in, "%07d\n", i)
	}
	consumeKcatProduce(t, topic, in.String(), "-X", "batch.num.messages=10000")
	group := Unique(t, "g")

	cmd := exec.Command(binPath, "consume", topic, "-g", group, "-o", "start")
	cmd.Env = cleanEnv([]string{"KAFKIT_BROKERS=" + Brokers()})
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	seen := make(map[string]int, n)
	sc := bufio.NewScanner(out)
	read := 0
	for sc.Scan() {
		seen[sc.Text()]++
		read++
		if read == 60000 {
			// kafkit is now blocked writing to the full pipe, with some of its 256 KiB
			// writes done; let the periodic commit run.
			time.Sleep(2500 * time.Millisecond)
		}
		if read == 100000 {
			break
		}
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	// What kafkit wrote before dying is still in the pipe: it counts as printed.
	for sc.Scan() {
		seen[sc.Text()]++
	}
	_ = cmd.Wait()
	firstRun := len(seen)
	if firstRun >= n {
		t.Fatalf("the first run read everything (%d) before the kill: not mid-stream", firstRun)
	}

	offs := consumeCommitted(t, group, topic)
	// -o start applies only to partitions the first run never committed.
	r := MustKafkit(t, "", "consume", topic, "-g", group, "-o", "start", "-e")
	second := consumeLines(r.Stdout)
	for _, l := range second {
		seen[l]++
	}
	for i := 0; i < n; i++ {
		if seen[fmt.Sprintf("%07d", i)] == 0 {
			t.Fatalf("gap: record %d never printed (first run %d distinct, second run %d, committed after the kill: %v)", i, firstRun, len(second), offs)
		}
	}
	if len(second) >= n {
		t.Errorf("the restart read everything again (%d): nothing was committed before the kill", len(second))
	}
	t.Logf("first run (killed) printed %d distinct records, the restart %d (%d duplicates)", firstRun, len(second), firstRun+len(second)-n)
}

// consumeCommitted returns the group's committed offsets on topic by partition.
func consumeCommitted(t testing.TB, group, topic string) map[int32]int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	offs, err := Admin(t).FetchOffsets(ctx, group)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int32]int64{}
	for p, o := range offs[topic] {
		out[p] = o.At
	}
	return out
}

// TestConsumeHeadPipe: `| head -n 5` in a real shell prints 5 records, and kafkit exits 0 with
// nothing on stderr, with and without -e, even while no further record arrives.
func TestConsumeHeadPipe(t *testing.T) {
	topic := consumeTopic(t, "consume-head", 6)
	var in strings.Builder
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&in, "line-%d\n", i)
	}
	consumeKcatProduce(t, topic, in.String())
	for _, extra := range []string{"-e", ""} {
		script := fmt.Sprintf(`%s consume %s -o start %s 2>%s/err | head -n 5; echo "exit=${PIPESTATUS[0]}"`, binPath, topic, extra, t.TempDir())
		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		r := run(ctx, []string{"KAFKIT_BROKERS=" + Brokers()}, "", "bash", "-c", script)
		cancel()
		lines := consumeLines(r.Stdout)
		if r.Code != 0 || len(lines) != 6 || lines[5] != "exit=0" || !strings.HasPrefix(lines[0], "line-") {
			t.Errorf("%q: %s", extra, r)
		}
		if el := time.Since(start); el > 10*time.Second {
			t.Errorf("%q: took %s", extra, el)
		}
	}
	// stderr of kafkit stays empty: no "broken pipe" message.
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r := run(ctx, []string{"KAFKIT_BROKERS=" + Brokers()}, "", "bash", "-c",
		fmt.Sprintf(`%s consume %s -o start -J 2>%s/err | head -n 1 >/dev/null; echo "${PIPESTATUS[0]}"; cat %s/err`, binPath, topic, dir, dir))
	if strings.TrimSpace(r.Stdout) != "0" {
		t.Errorf("kafkit's exit code and stderr: %q", r.Stdout)
	}
}

// TestConsumeLeaderFailover stops a broker while a consumer reads and producers write, and
// checks that nothing is lost. Disruptive: run with KAFKIT_E2E_DISRUPTIVE=1 only (the lead's
// call); it restarts the broker and waits for 3 brokers before it ends.
func TestConsumeLeaderFailover(t *testing.T) {
	if os.Getenv("KAFKIT_E2E_DISRUPTIVE") != "1" {
		t.Skip("disruptive: set KAFKIT_E2E_DISRUPTIVE=1 (stops and restarts broker 2)")
	}
	topic := consumeTopic(t, "consume-failover", 6)
	const n = 60000
	var first, second strings.Builder
	for i := 0; i < n/2; i++ {
		fmt.Fprintf(&first, "%06d\n", i)
		fmt.Fprintf(&second, "%06d\n", n/2+i)
	}
	consumeKcatProduce(t, topic, first.String(), "-X", "acks=all")

	cmd := exec.Command(binPath, "--timeout", "30s", "consume", topic, "-o", "start", "--idle-timeout", "45s")
	cmd.Env = cleanEnv([]string{"KAFKIT_BROKERS=" + Brokers()})
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	got := make(chan map[string]bool, 1)
	go func() {
		seen := map[string]bool{}
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			seen[sc.Text()] = true
			if len(seen) == n {
				break
			}
		}
		got <- seen
		_, _ = io.Copy(io.Discard, stdout)
	}()

	cluster := func(args ...string) {
		c := exec.Command("bash", append([]string{repoRoot + "/e2e/cluster/cluster.sh"}, args...)...)
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("cluster.sh %v: %v\n%s", args, err, out)
		}
	}
	time.Sleep(time.Second)
	cluster("stop-node", "2")
	restarted := false
	defer func() {
		if !restarted {
			cluster("start-node", "2")
		}
	}()
	consumeKcatProduce(t, topic, second.String(), "-X", "acks=all") // min.insync.replicas=2: 2 of 3 suffice
	cluster("start-node", "2")
	restarted = true

	select {
	case seen := <-got:
		_ = cmd.Process.Signal(syscall.SIGINT)
		for i := 0; i < n; i++ {
			if !seen[fmt.Sprintf("%06d", i)] {
				t.Fatalf("record %d lost across the failover (%d seen); stderr:\n%s", i, len(seen), stderr.String())
			}
		}
	case <-time.After(3 * time.Minute):
		t.Fatalf("consumer did not get all %d records; stderr:\n%s", n, stderr.String())
	}
	_ = cmd.Wait()
}
