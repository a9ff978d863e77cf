//go:build e2e

package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// produceRefusingCluster is an in-process kfake cluster with a 1-partition topic "t" whose
// leader answers every produce with NOT_ENOUGH_REPLICAS: records stay in flight, unacknowledged,
// without stopping a broker of the shared cluster.
func produceRefusingCluster(t *testing.T) string {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "t"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	c.ControlKey(int16(kmsg.Produce), func(kreq kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		req := kreq.(*kmsg.ProduceRequest)
		resp := req.ResponseKind().(*kmsg.ProduceResponse)
		for _, rt := range req.Topics {
			st := kmsg.NewProduceResponseTopic()
			st.Topic, st.TopicID = rt.Topic, rt.TopicID
			for _, rp := range rt.Partitions {
				sp := kmsg.NewProduceResponseTopicPartition()
				sp.Partition, sp.ErrorCode = rp.Partition, kerr.NotEnoughReplicas.Code
				st.Partitions = append(st.Partitions, sp)
			}
			resp.Topics = append(resp.Topics, st)
		}
		return resp, nil, true
	})
	return strings.Join(c.ListenAddrs(), ",")
}

// produceStartWith starts `sh -c script` (which execs kafkit "$@") with a stdin pipe kept
// open, for signal tests.
func produceStartWith(t *testing.T, brokers, script string, args ...string) (*exec.Cmd, *os.File, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command("sh", append([]string{"-c", script, "sh", binPath}, args...)...)
	cmd.Env = cleanEnv([]string{"KAFKIT_BROKERS=" + brokers})
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdin = pr
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pr.Close()
	t.Cleanup(func() { pw.Close(); _ = cmd.Process.Kill() })
	return cmd, pw, &stderr
}

// produceWait waits for cmd to exit, at most limit.
func produceWait(t *testing.T, cmd *exec.Cmd, limit time.Duration, stderr *bytes.Buffer) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(limit):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("kafkit still running %s later; stderr:\n%s", limit, stderr)
	}
}

func TestProduceSecondSIGINTStopsTheWait(t *testing.T) {
	// After a first Ctrl-C kafkit waits up to --timeout (30s here) for records in flight. A
	// second Ctrl-C ends the wait at once with the report and exit 130. Before, it was ignored
	// when kafkit started with SIGINT ignored (a script's background job), and otherwise killed
	// kafkit with no report.
	for _, tc := range []struct{ name, script string }{
		{"default", `exec "$@"`},
		{"started with SIGINT ignored", `trap '' INT; exec "$@"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			brokers := produceRefusingCluster(t)
			cmd, stdin, stderr := produceStartWith(t, brokers, tc.script, "--timeout", "30s", "produce", "t")
			fmt.Fprint(stdin, "a\nb\n")
			time.Sleep(1500 * time.Millisecond) // read and in flight, refused
			cmd.Process.Signal(syscall.SIGINT)
			time.Sleep(500 * time.Millisecond)
			second := time.Now()
			cmd.Process.Signal(syscall.SIGINT)
			produceWait(t, cmd, 10*time.Second, stderr)
			if took := time.Since(second); took > 3*time.Second {
				t.Errorf("exited %s after the second SIGINT", took.Round(time.Millisecond))
			}
			if code := cmd.ProcessState.ExitCode(); code != 130 {
				t.Errorf("exit %d (%s), want 130; stderr:\n%s", code, cmd.ProcessState, stderr)
			}
			for _, want := range []string{
				"error: 2 of 2 records were not delivered to t (0 delivered):\n",
				"interrupted again: stopped without waiting for the records in flight",
				"interrupted: 0 records delivered, 2 not delivered\n",
			} {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
		})
	}
}

func TestProduceTimeoutBoundsDelivery(t *testing.T) {
	// --timeout bounds each record's delivery (no --delivery-timeout): refused records fail
	// after about 3s with exit 1, the count and the cluster's reason. Before: 2 minutes.
	brokers := produceRefusingCluster(t)
	start := time.Now()
	r := KafkitEnv(t, []string{"KAFKIT_BROKERS=" + brokers}, "a\nb\nc\n", "--timeout", "3s", "produce", "t")
	took := time.Since(start)
	if r.Code != 1 {
		t.Fatalf("want exit 1: %s", r)
	}
	if took < 3*time.Second || took > 8*time.Second {
		t.Errorf("took %s, want about 3s", took.Round(time.Millisecond))
	}
	want := "error: 3 of 3 records were not delivered to t (0 delivered):\n" +
		"  line 1: not acknowledged within --timeout 3s (last error: " + kerr.NotEnoughReplicas.Error() + ")\n" +
		"  line 2: not acknowledged within --timeout 3s (last error: " + kerr.NotEnoughReplicas.Error() + ")\n" +
		"  line 3: not acknowledged within --timeout 3s (last error: " + kerr.NotEnoughReplicas.Error() + ")\n" +
		"hint: fewer in-sync replicas than min.insync.replicas of t are up: check the brokers (kafkit cluster info), or produce with --acks 1 if losing records is acceptable\n"
	if r.Stderr != want {
		t.Errorf("stderr:\n%s\nwant\n%s", r.Stderr, want)
	}
}

func TestProduceDisruptiveTimeoutTwoBrokersDown(t *testing.T) {
	// The real cluster: an RF-3 topic with min.insync.replicas=2, acks=all, two brokers
	// stopped. `produce --timeout 5s` ends in about 5s with exit 1 naming how many records were
	// not delivered and why (it ran the 120s delivery timeout); then, in the same outage, a
	// second Ctrl-C ends the wait for records in flight at once.
	produceDisruptive(t)
	isr := "2"
	topic := produceTopic(t, "produce-timeout", 6, 3, map[string]*string{"min.insync.replicas": &isr})
	produceNode(t, "stop-node", 2)
	t.Cleanup(func() { produceRestart(t, 2, 3) })
	produceNode(t, "stop-node", 3)
	var in strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&in, "v%d\n", i)
	}
	start := time.Now()
	r := Kafkit(t, in.String(), "--timeout", "5s", "produce", topic)
	took := time.Since(start)
	t.Logf("took %s:\n%s", took.Round(time.Millisecond), r.Stderr)
	if r.Code != 1 {
		t.Fatalf("want exit 1 with two of three brokers down: %s", r)
	}
	if took > 8*time.Second {
		t.Errorf("took %s with --timeout 5s", took.Round(time.Millisecond))
	}
	m := regexp.MustCompile(`error: (\d+) of 2000 records were not delivered to \S+ \((\d+) delivered\):\n  [^\n]*: not acknowledged within --timeout 5s`).FindStringSubmatch(r.Stderr)
	if m == nil {
		t.Errorf("no failure report naming the count and the bound: %s", r.Stderr)
	}

	cmd, stdin, stderr := produceStartWith(t, Brokers(), `exec "$@"`, "--timeout", "60s", "produce", topic)
	fmt.Fprint(stdin, in.String())
	time.Sleep(3 * time.Second)
	cmd.Process.Signal(syscall.SIGINT)
	time.Sleep(time.Second)
	second := time.Now()
	cmd.Process.Signal(syscall.SIGINT)
	produceWait(t, cmd, 20*time.Second, stderr)
	t.Logf("second SIGINT: exit after %s:\n%s", time.Since(second).Round(time.Millisecond), stderr)
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Errorf("exit %d (%s), want 130", code, cmd.ProcessState)
	}
	if time.Since(second) > 5*time.Second {
		t.Errorf("exited %s after the second SIGINT", time.Since(second).Round(time.Millisecond))
	}
	if !regexp.MustCompile(`interrupted: \d+ records delivered, \d+ not delivered\n`).MatchString(stderr.String()) {
		t.Errorf("no report of what was delivered:\n%s", stderr)
	}
	produceRestart(t, 2, 3)
}
