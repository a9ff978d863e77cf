package partition

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/outcome"
	"github.com/kafkit/kafkit/internal/testkit"
)

func TestNewCmdElect(t *testing.T) {
	for _, c := range []struct {
		args []string
		err  string
		want func(*electOptions) bool
	}{
		{args: []string{"--preferred", "--all"}, want: func(o *electOptions) bool { return o.All && !o.Unclean }},
		{args: []string{"--unclean", "--topic", "a:1", "--topic", "a:0", "--yes"}, want: func(o *electOptions) bool {
			return o.Unclean && o.Yes && len(o.Specs) == 1 && len(o.Specs[0].Partitions) == 2
		}},
		{args: []string{"--all"}, err: "exactly one of --preferred or --unclean"},
		{args: []string{"--preferred", "--unclean", "--all"}, err: "exactly one"},
		{args: []string{"--preferred", "--all", "--topic", "a"}, err: "not both"},
		{args: []string{"--preferred"}, err: "or give --all"},
		{args: []string{"--preferred", "--topic", "a:x"}, err: "not a partition number"},
		{args: []string{"--preferred", "--all", "-o", "csv"}, err: "unknown output format"},
	} {
		env := testkit.FactoryFor(t, testkit.Settings([]string{"127.0.0.1:1"}))
		var got *electOptions
		cmd := newCmdElect(env.F, func(_ context.Context, o *electOptions) error { got = o; return nil })
		cmd.SetArgs(c.args)
		cmd.SetOut(env.Out)
		cmd.SetErr(env.ErrOut)
		cmd.SilenceUsage, cmd.SilenceErrors = true, true
		err := cmd.Execute()
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) || !cmdutil.IsUsage(err) {
				t.Errorf("%v: error %v, want usage error %q", c.args, err, c.err)
			}
			continue
		}
		if err != nil || got == nil || !c.want(got) {
			t.Errorf("%v: %v %+v", c.args, err, got)
		}
	}
}

func details() kadm.TopicDetails {
	return kadm.TopicDetails{
		"t": {Topic: "t", Partitions: kadm.PartitionDetails{
			0: {Topic: "t", Partition: 0, Leader: 1, Replicas: []int32{1, 2, 3}, ISR: []int32{1, 2, 3}},
			1: {Topic: "t", Partition: 1, Leader: 3, Replicas: []int32{2, 3, 1}, ISR: []int32{3, 1, 2}},
			2: {Topic: "t", Partition: 2, Leader: 1, Replicas: []int32{3, 1, 2}, ISR: []int32{1, 2}},
			3: {Topic: "t", Partition: 3, Leader: -1, Replicas: []int32{1, 2, 3}, ISR: []int32{}},
		}},
		"gone": {Topic: "gone", Err: kerr.UnknownTopicOrPartition},
	}
}

func TestPlanElect(t *testing.T) {
	plan, err := planElect(&electOptions{Specs: []TopicPartitions{{Topic: "t"}}}, details())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range plan {
		got = append(got, e.Result+": "+e.Detail)
	}
	want := []string{
		"not_needed: already the preferred leader",
		"would_elect: leader 3, preferred 2",
		"would_elect: preferred replica 3 is not in the ISR: the election will fail until it catches up",
		"would_elect: preferred replica 1 is not in the ISR: the election will fail until it catches up",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	unclean, _ := planElect(&electOptions{Unclean: true, Specs: []TopicPartitions{{Topic: "t", Partitions: []int32{0, 3}}}}, details())
	if unclean[0].Result != resNotNeeded || unclean[1].Result != resWouldElect {
		t.Errorf("unclean: %+v", unclean)
	}
	_, err = planElect(&electOptions{Specs: []TopicPartitions{{Topic: "gone"}, {Topic: "t", Partitions: []int32{9}}}}, details())
	if err == nil || err.Error() != "no such topic gone, partition t:9 (the topic has 4 partitions); nothing was elected" {
		t.Errorf("missing: %v", err)
	}
}

func TestApplyElectResults(t *testing.T) {
	plan, _ := planElect(&electOptions{Specs: []TopicPartitions{{Topic: "t"}}}, details())
	applyElectResults(plan, kadm.ElectLeadersResults{"t": {
		1: {Topic: "t", Partition: 1},
		2: {Topic: "t", Partition: 2, Err: kerr.PreferredLeaderNotAvailable},
		3: {Topic: "t", Partition: 3, Err: kerr.ElectionNotNeeded},
	}})
	if plan[1].Result != resElected || plan[2].Result != outcome.Failed || !strings.Contains(plan[2].Detail, "preferred replica 3 is not in the ISR") || plan[3].Result != resNotNeeded {
		t.Errorf("%+v", plan)
	}
}

func TestConfirmUnclean(t *testing.T) {
	plan := []Election{{Topic: "t", Partition: 3, Result: resWouldElect}}
	ios, _, _, errOut := cmdutil.Test()
	p := &cmdutil.FakePrompter{Answer: false}
	err := confirmUnclean(&electOptions{IO: ios, Unclean: true, Prompter: p}, plan)
	if err == nil || len(p.Questions) != 1 || !strings.Contains(errOut.String(), "records it lacks are lost") {
		t.Errorf("err %v, questions %v, stderr %q", err, p.Questions, errOut)
	}
	noTTY := confirmUnclean(&electOptions{IO: ios, Unclean: true, Prompter: &cmdutil.FakePrompter{Err: cmdutil.ErrNoTTY}}, plan)
	if !cmdutil.IsUsage(noTTY) || !strings.Contains(noTTY.Error(), "pass --yes") {
		t.Errorf("no tty: %v", noTTY)
	}
	if err := confirmUnclean(&electOptions{IO: ios, Unclean: true, Yes: true}, plan); err != nil {
		t.Errorf("--yes: %v", err)
	}
}

// TestElectRun runs the command on kfake, where every leader is its preferred replica (kfake
// does not move leaders): exact table and summary, exit 0, also for a dry run.
func TestElectRun(t *testing.T) {
	c := testkit.Cluster(t)
	env := testkit.Factory(t, c)
	adm, _ := env.F.Admin()
	if _, err := adm.CreateTopic(context.Background(), 2, 3, nil, "orders"); err != nil {
		t.Fatal(err)
	}
	for _, dry := range []bool{false, true} {
		env.Out.Reset()
		env.ErrOut.Reset()
		cmd := newCmdElect(env.F, nil)
		args := []string{"--preferred", "--topic", "orders"}
		if dry {
			args = append(args, "--dry-run")
		}
		cmd.SetArgs(args)
		cmd.SilenceUsage, cmd.SilenceErrors = true, true
		if err := cmd.ExecuteContext(context.Background()); err != nil {
			t.Fatal(err)
		}
		// kfake picks the leaders (always the first replica): the digits vary per cluster.
		want := regexp.MustCompile(`^TOPIC    PARTITION   WAS   LEADER   PREFERRED   RESULT       DETAIL
orders   0           (\d)     (\d)        (\d)           not_needed   already the preferred leader
orders   1           (\d)     (\d)        (\d)           not_needed   already the preferred leader
$`)
		summary := "2 partitions: 0 elected, 0 would be elected, 2 not needed, 0 failed"
		if dry {
			summary += " (dry run)"
		}
		if !want.MatchString(env.Out.String()) || env.ErrOut.String() != summary+"\n" {
			t.Errorf("dry %v:\n%s\n%s", dry, env.Out, env.ErrOut)
		}
	}
}

func TestElectSummaryExit(t *testing.T) {
	ios, _, _, errOut := cmdutil.Test()
	plan := []Election{{Topic: "t", Partition: 0, Result: resWouldElect}, {Topic: "t", Partition: 1, Result: outcome.Failed, Error: "PREFERRED_LEADER_NOT_AVAILABLE", Detail: "start it"}}
	if err := electSummary(&electOptions{IO: ios}, plan); cmdutil.ExitCode(err) != 1 || !strings.Contains(errOut.String(), "error: t:1: PREFERRED_LEADER_NOT_AVAILABLE: start it") {
		t.Errorf("failed: %v %q", err, errOut)
	}
	if err := electSummary(&electOptions{IO: ios, DryRun: true}, plan[:1]); cmdutil.ExitCode(err) != 3 {
		t.Errorf("dry run with an election to do: %v", err)
	}
}
