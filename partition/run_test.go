package partition

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/testkit"
)

// runCmd runs one reassign verb against a kfake cluster (3 brokers 0-2, topic "orders" with 3
// partitions on [0 1 2]) and returns stdout, stderr and the exit code.
func runCmd(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	return runOn(t, testkit.Cluster(t, kfake.SeedTopics(3, "orders")), stdin, args...)
}

// runOn is runCmd on a given cluster.
func runOn(t *testing.T, c *kfake.Cluster, stdin string, args ...string) (string, string, int) {
	t.Helper()
	env := testkit.Factory(t, c)
	env.In.WriteString(stdin)
	cmd := newCmdReassign(env.F)
	cmd.SetArgs(args)
	cmd.SetOut(env.ErrOut)
	cmd.SetErr(env.ErrOut)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.ExecuteContext(context.Background())
	if err != nil && err != cmdutil.SilentError {
		env.ErrOut.WriteString("error: " + err.Error() + "\n")
	}
	return env.Out.String(), env.ErrOut.String(), cmdutil.ExitCode(err)
}

// TestPrintPlan: the plan table and the Java JSON, exact.
func TestPrintPlan(t *testing.T) {
	moves := []Move{newMove("orders", 0, []int32{0, 1, 2}, []int32{2, 0}), newMove("orders", 2, []int32{4, 1}, []int32{1, 3})}
	ios, _, out, _ := cmdutil.Test()
	if err := printPlan(ios, output.Printer{Format: output.Table}, moves); err != nil {
		t.Fatal(err)
	}
	want := `TOPIC    PARTITION   REPLICAS   TARGET   ADDING   REMOVING   LEADER
orders   0           0,1,2      2,0      -        1          0 -> 2
orders   2           4,1        1,3      3        4          4 -> 1
`
	if out.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", out, want)
	}
	out.Reset()
	_ = printPlan(ios, output.Printer{Format: output.JSON}, moves)
	if out.String() != `{"version":1,"partitions":[{"topic":"orders","partition":0,"replicas":[2,0],"log_dirs":["any","any"]},{"topic":"orders","partition":2,"replicas":[1,3],"log_dirs":["any","any"]}]}`+"\n" {
		t.Fatalf("json: %s", out)
	}
}

// TestPlanRun plans RF 3 -> 2 on kfake (whose leaders are random): every partition loses one
// replica, nothing is copied, the JSON is the Java format.
func TestPlanRun(t *testing.T) {
	out, errOut, code := runCmd(t, "", "plan", "--replication-factor", "2", "--topic", "orders", "-o", "json")
	as, err := DecodeJSON([]byte(out))
	if code != 0 || err != nil || len(as) != 3 {
		t.Fatalf("exit %d, %v\n%s\n%s", code, err, out, errOut)
	}
	for _, a := range as {
		if len(a.Replicas) != 2 {
			t.Errorf("%+v", a)
		}
	}
	if !strings.Contains(errOut, "plan (replication factor 2): 3 partitions change, 0 replicas to copy") || !strings.Contains(errOut, "current assignment (save it to roll back") {
		t.Fatalf("stderr: %s", errOut)
	}
}

func TestPlanRunRollbackFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rollback.json")
	_, errOut, code := runCmd(t, "", "plan", "--replication-factor", "1", "--topic", "orders", "--rollback-file", path)
	data, _ := os.ReadFile(path)
	if code != 0 || !strings.Contains(errOut, "rollback plan (the current assignment) saved to "+path) || !strings.HasPrefix(string(data), `{"version":1,"partitions":[{"topic":"orders","partition":`) {
		t.Fatalf("exit %d, stderr %s, file %s", code, errOut, data)
	}
}

func TestReassignUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"plan"}, "say what the plan should do"},
		{[]string{"plan", "--replication-factor", "2"}, "--replication-factor needs the topics it applies to"},
		{[]string{"plan", "--brokers", "1,x"}, `--brokers: bad broker id "x"`},
		{[]string{"plan", "--drain", "0", "--topics", "("}, "--topics: bad regular expression"},
		{[]string{"plan", "--drain", "0"}, "orders-0 needs 3 replicas but only 2 brokers can hold them (1,2)"},
		{[]string{"plan", "--drain", "7"}, "broker 7 does not exist (the cluster has brokers 0,1,2)"},
		{[]string{"plan", "--replication-factor", "2", "--topic", "nope"}, `topic "nope" does not exist`},
		{[]string{"plan", "--brokers", "0", "--topics", "x.*"}, `no topic matches --topics "x.*"`},
		{[]string{"execute"}, "nothing to run"},
		{[]string{"execute", "-f", "p.json", "--drain", "1"}, "either -f PLAN or the plan flags"},
		{[]string{"execute", "-f", "-", "--throttle", "fast"}, `--throttle: bad rate "fast"`},
		{[]string{"execute", "-f", "/nonexistent/p.json"}, "cannot read the plan"},
		{[]string{"cancel"}, "say what to cancel"},
		{[]string{"cancel", "--all", "--topic", "x"}, "say what to cancel"},
	} {
		_, errOut, code := runCmd(t, "", c.args...)
		if code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want exit 2 and %q", c.args, code, errOut, c.want)
		}
	}
}

func TestExecuteRunChecksThePlan(t *testing.T) {
	for _, c := range []struct{ plan, want string }{
		{`{"partitions":[{"topic":"orders","partition":0,"replicas":[0,5]}]}`, "the plan on stdin: partition orders-0: broker 5 does not exist or is not running (live brokers: 0,1,2); nothing was sent"},
		{`{"partitions":[{"topic":"orders","partition":9,"replicas":[0,1]}]}`, "partition orders-9 does not exist (topic \"orders\" has 3 partitions)"},
		{`{"partitions":[{"topic":"gone","partition":0,"replicas":[0]}]}`, `topic "gone" does not exist`},
		{`{"partitions":[{"topic":"orders","partition":0,"replicas":[0,1,2,3]}]}`, "4 replicas but the cluster has only 3 brokers (0,1,2)"},
		{`{"partitions":[{"topic":"orders","partition":0,"replicas":[2,2]}]}`, "broker 2 is listed twice"},
	} {
		_, errOut, code := runCmd(t, c.plan, "execute", "-f", "-")
		if code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%s: exit %d, stderr %q, want %q", c.plan, code, errOut, c.want)
		}
	}
	c := testkit.Cluster(t, kfake.SeedTopics(3, "orders"))
	adm, err := testkit.Factory(t, c).F.Admin()
	if err != nil {
		t.Fatal(err)
	}
	st, err := FetchState(context.Background(), adm, "orders") // kfake's leaders are random
	if err != nil {
		t.Fatal(err)
	}
	cur, _ := st.Partition("orders", 0)
	out, errOut, code := runOn(t, c, string(EncodeJSON([]Assignment{{Topic: "orders", Partition: 0, Replicas: cur}})), "execute", "-f", "-")
	if code != 0 || out != "" || !strings.Contains(errOut, "nothing to move: every partition of the plan already has its target replicas") {
		t.Errorf("already in place: exit %d, %q %q", code, out, errOut)
	}
}

func TestCancelAndStatusWithNothingRunning(t *testing.T) {
	_, errOut, code := runCmd(t, "", "cancel", "--all")
	if code != 1 || !strings.Contains(errOut, "no partition reassignment is running: nothing to cancel") {
		t.Errorf("cancel: exit %d, %q", code, errOut)
	}
	out, errOut, code := runCmd(t, "", "status", "-o", "json")
	if code != 0 || !strings.Contains(out, `"reassignments": []`) || !strings.Contains(errOut, "no partition reassignment is running") {
		t.Errorf("status: exit %d, %q %q", code, out, errOut)
	}
}
