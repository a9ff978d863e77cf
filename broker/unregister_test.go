package broker

import (
	"context"
	"strings"
	"testing"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/testkit"
)

func TestCheckUnregister(t *testing.T) {
	regs := []Registration{{NodeID: 1, Host: "h1", Port: 9092}, {NodeID: 4, Host: "h4", Port: 9092, Fenced: true}}
	for _, c := range []struct {
		id          int32
		listsFenced bool
		what, err   string
	}{
		{id: 4, listsFenced: true, what: "fenced, last at h4:9092"},
		{id: 1, listsFenced: true, err: "broker 1 is live (unfenced, h1:9092): refusing to unregister it"},
		{id: 7, listsFenced: true, err: "broker 7 is not registered (registered brokers: 1, 4): nothing to unregister"},
		{id: 7, listsFenced: false, what: "not among the live brokers; this cluster does not list fenced ones"},
	} {
		what, err := checkUnregister(c.id, regs, c.listsFenced)
		if c.err != "" {
			if err == nil || !strings.HasPrefix(err.Error(), c.err) {
				t.Errorf("%d: %v, want %q", c.id, err, c.err)
			}
			continue
		}
		if err != nil || what != c.what {
			t.Errorf("%d: %q %v", c.id, what, err)
		}
	}
}

func TestNewCmdUnregister(t *testing.T) {
	env := testkit.FactoryFor(t, testkit.Settings([]string{"127.0.0.1:1"}))
	for _, args := range [][]string{{}, {"x"}, {"1", "2"}} {
		cmd := newCmdUnregister(env.F, func(context.Context, *unregisterOptions) error { return nil })
		cmd.SetArgs(args)
		cmd.SilenceUsage, cmd.SilenceErrors = true, true
		if err := cmd.Execute(); !cmdutil.IsUsage(err) {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
}

// TestUnregisterRun: on kfake (every broker live) the live broker is refused, a dry run on an
// unknown id says it is not registered; nothing is sent.
func TestUnregisterRun(t *testing.T) {
	env := testkit.Factory(t, testkit.Cluster(t))
	run := func(id int32, dry bool) error {
		opts := &unregisterOptions{IO: env.F.IO, Admin: env.F.Admin, Context: env.F.Context, Prompter: &cmdutil.FakePrompter{Answer: true}, ID: id, DryRun: dry, Yes: true}
		return unregisterRun(context.Background(), opts)
	}
	if err := run(1, false); err == nil || !strings.Contains(err.Error(), "broker 1 is live") {
		t.Errorf("live: %v", err)
	}
	err := run(7, true)
	if err == nil || env.Out.Len() != 0 {
		t.Errorf("unknown: %v %q", err, env.Out)
	}
}
