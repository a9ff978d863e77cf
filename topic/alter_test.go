package topic

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/testkit"
)

func TestAlter(t *testing.T) {
	env := newEnv(t)
	mustRun(t, env, "create", "orders", "-p", "2", "-c", "retention.ms=1000")

	_, _, err := run(t, env, "alter", "orders", "--partitions", "1")
	wantExit(t, err, 1, `cannot decrease the partitions of topic "orders" from 2 to 1: Kafka cannot remove partitions`)
	_, _, err = run(t, env, "alter", "orders")
	wantExit(t, err, 2, "nothing to change")
	_, _, err = run(t, env, "alter", "nope", "--partitions", "3")
	wantExit(t, err, 1, `topic "nope" not found`)
	_, _, err = run(t, env, "alter", "orders", "--set", "bogus.key=1")
	wantExit(t, err, 1, `unknown topic config "bogus.key"`)

	out := mustRun(t, env, "alter", "orders", "--partitions", "4", "--set", "retention.ms=2000", "--dry-run")
	wantEqual(t, "dry run", out, "topic \"orders\": partitions 2 -> 4 (dry run: validated by the broker)\ntopic \"orders\": set retention.ms=2000 (was 1000) (dry run: validated by the broker)\n")
	out = mustRun(t, env, "describe", "orders", "-o", "json")
	if !strings.Contains(out, `"partitions": 2,`) || !strings.Contains(out, `"value": "1000"`) {
		t.Fatalf("dry run changed the topic:\n%s", out)
	}

	out = mustRun(t, env, "alter", "orders", "--partitions", "4", "--set", "retention.ms=2000", "--set", "cleanup.policy=compact")
	wantEqual(t, "alter", out, "topic \"orders\": partitions 2 -> 4\ntopic \"orders\": set cleanup.policy=compact (was delete)\ntopic \"orders\": set retention.ms=2000 (was 1000)\n")
	out = mustRun(t, env, "alter", "orders", "--delete-config", "retention.ms", "--partitions", "4")
	wantEqual(t, "alter delete", out, "topic \"orders\" already has 4 partitions\ntopic \"orders\": deleted config retention.ms (was 2000; the default applies)\n")
	out = mustRun(t, env, "export", "orders")
	wantEqual(t, "export", out, "topics:\n  - name: orders\n    partitions: 4\n    replication_factor: 3\n    configs:\n      cleanup.policy: compact\n")
}

func TestNewCmdAlter(t *testing.T) {
	env := newEnv(t)
	tests := []struct {
		args    []string
		want    string // Names|Partitions|Set|Delete|DryRun
		wantErr string
	}{
		{args: []string{"a", "b", "-p", "4"}, want: "a,b|4|map[]|[]|false"},
		{args: []string{"a", "--set", "retention.ms=1", "--delete-config", "segment.ms", "--dry-run"}, want: "a|0|map[retention.ms:1]|[segment.ms]|true"},
		{args: []string{"a"}, wantErr: "nothing to change: give --partitions, --replication-factor, --set or --delete-config"},
		{args: []string{"a", "-p", "0"}, wantErr: "--partitions must be at least 1, got 0"},
		{args: []string{"a", "--set", "x"}, wantErr: `bad config "x": use key=value`},
		{args: []string{"a", "--set", "x=1", "--delete-config", "x"}, wantErr: `config "x" is both set and deleted`},
		{args: []string{"a", "--delete-config", "x=1"}, wantErr: `bad --delete-config "x=1": give the config name only`},
		{args: []string{"a", "-r", "0"}, wantErr: "--replication-factor must be between 1 and 32767, got 0"},
		{args: []string{"a", "-r", "3", "--throttle", "lots"}, wantErr: `--throttle: bad rate "lots"`},
	}
	for _, tt := range tests {
		var got *alterOptions
		cmd := newCmdAlter(env.F, func(_ context.Context, o *alterOptions) error { got = o; return nil })
		cmd.SetArgs(tt.args)
		cmd.SetOut(env.Out)
		cmd.SetErr(env.ErrOut)
		err := cmd.Execute()
		if tt.wantErr != "" {
			wantExit(t, err, 2, tt.wantErr)
			continue
		}
		if err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		if s := fmt.Sprintf("%s|%d|%v|%v|%v", strings.Join(got.Names, ","), got.Partitions, got.Set, got.Delete, got.DryRun); s != tt.want {
			t.Errorf("%v: options %s, want %s", tt.args, s, tt.want)
		}
	}
}

// TestPlanAlter is the alter planner without a cluster.
func TestPlanAlter(t *testing.T) {
	m := metadataWith(3, "a", "b")
	cfgs := map[string]topicConfigs{"a": {"retention.ms": {Key: "retention.ms", Value: kmsg.StringPtr("1000")}}}
	tests := []struct {
		opts    alterOptions
		want    string
		wantErr string
	}{
		{opts: alterOptions{Names: []string{"a", "b"}, Partitions: 3, Set: map[string]string{"retention.ms": "5"}}, want: "a add_partitions unchanged\na set_config retention.ms -\nb add_partitions unchanged\nb set_config retention.ms -\n"},
		{opts: alterOptions{Names: []string{"a"}, Partitions: 6, Delete: []string{"retention.ms"}}, want: "a add_partitions -\na unset_config retention.ms -\n"},
		{opts: alterOptions{Names: []string{"a"}, Partitions: 2}, wantErr: `cannot decrease the partitions of topic "a" from 3 to 2: Kafka cannot remove partitions; create a new topic with 2 partitions and copy the data into it`},
		// issue 17 #6: Kafka 4.1 half-applies a CreatePartitions above 10,000 new partitions.
		{opts: alterOptions{Names: []string{"a"}, Partitions: 10003}, want: "a add_partitions -\n"},
		{opts: alterOptions{Names: []string{"a", "b"}, ReplicationFactor: 3}, want: "a replication_factor unchanged\nb replication_factor unchanged\n"},
		{opts: alterOptions{Names: []string{"a"}, ReplicationFactor: 2}, want: "a replication_factor -\n"},
		{opts: alterOptions{Names: []string{"a"}, ReplicationFactor: 4}, wantErr: `topic "a": replication factor 4 is more than the 3 live brokers in the cluster; nothing was changed`},
		{opts: alterOptions{Names: []string{"a"}, Partitions: 10004}, wantErr: `topic "a": partitions 3 -> 10004 adds 10001 partitions; Kafka's controller accepts at most 10000 new partitions in one request (above that it fails with UNKNOWN_SERVER_ERROR after adding some, and partitions cannot be removed): grow in steps, e.g. --partitions 10003 first; nothing was changed`},
	}
	for _, tt := range tests {
		plan, err := planAlter(&tt.opts, m, cfgs)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("%+v: error %v, want %s", tt.opts, err, tt.wantErr)
			}
			continue
		}
		if got := results(plan); err != nil || got != tt.want {
			t.Errorf("%+v: plan (%v)\n%s\nwant\n%s", tt.opts, err, got, tt.want)
		}
	}
	plan, _ := planAlter(&alterOptions{Names: []string{"a"}, Set: map[string]string{"retention.ms": "5"}}, m, cfgs)
	if plan[0].From != "1000" || plan[0].To != "5" {
		t.Fatalf("set_config from/to = %+v", plan[0])
	}
}

// refuseConfigValue makes kfake answer IncrementalAlterConfigs as Kafka does for a bad value
// (kfake does not validate configs): INVALID_CONFIG for any resource setting value bad.
func refuseConfigValue(c interface {
	ControlKey(int16, func(kmsg.Request) (kmsg.Response, error, bool))
	KeepControl()
}, bad string) {
	c.ControlKey(kmsg.IncrementalAlterConfigs.Int16(), func(r kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		req := r.(*kmsg.IncrementalAlterConfigsRequest)
		resp := req.ResponseKind().(*kmsg.IncrementalAlterConfigsResponse)
		refused := false
		for _, rr := range req.Resources {
			x := kmsg.NewIncrementalAlterConfigsResponseResource()
			x.ResourceType, x.ResourceName = rr.ResourceType, rr.ResourceName
			for _, cfg := range rr.Configs {
				if cfg.Value != nil && *cfg.Value == bad {
					x.ErrorCode = kerr.InvalidConfig.Code
					x.ErrorMessage = kmsg.StringPtr("Invalid value " + bad + " for configuration " + cfg.Name)
					refused = true
				}
			}
			resp.Resources = append(resp.Resources, x)
		}
		if !refused {
			return nil, nil, false
		}
		return resp, nil, true
	})
}

// TestAlterRunValidatesEverythingFirst is issue 17 #8: --partitions 6 --set retention.ms=abc
// used to grow the topic and then fail the config.
func TestAlterRunValidatesEverythingFirst(t *testing.T) {
	c := testkit.Cluster(t)
	refuseConfigValue(c, "abc")
	env := testkit.Factory(t, c)
	mustRun(t, env, "create", "t", "-p", "3")
	opts := &alterOptions{IO: env.F.IO, Admin: env.F.Admin, Context: env.F.Context, Printer: output.Printer{Format: output.Table}, Names: []string{"t"}, Partitions: 6, Set: map[string]string{"retention.ms": "abc"}}
	out, errOut, err := runDirect(t, env, func(ctx context.Context) error { return alterRun(ctx, opts) })
	wantExit(t, err, 1, "")
	wantEqual(t, "stdout", out, "")
	wantEqual(t, "stderr", errOut, `error: topic "t": set_config retention.ms failed: INVALID_CONFIG: Invalid value abc for configuration retention.ms
nothing was changed: 1 change failed validation, so the other 1 change was not sent
`)
	if out := mustRun(t, env, "list", "t"); !strings.Contains(out, "t      3 ") {
		t.Fatalf("the topic grew although the config was refused:\n%s", out)
	}
	opts.Set = map[string]string{"retention.ms": "5"}
	out, _, err = runDirect(t, env, func(ctx context.Context) error { return alterRun(ctx, opts) })
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "stdout", out, "topic \"t\": partitions 3 -> 6\ntopic \"t\": set retention.ms=5 (was 604800000)\n")
}
