package topic

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/testkit"
)

func TestApply(t *testing.T) {
	env := newEnv(t)
	mustRun(t, env, "create", "orders", "-p", "2", "-c", "retention.ms=1000")
	dir := t.TempDir()
	file := filepath.Join(dir, "topics.yaml")
	write := func(s string) {
		if err := os.WriteFile(file, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(`topics:
  - name: orders
    partitions: 4
    configs:
      retention.ms: 1000
      cleanup.policy: compact
  - name: events
    partitions: 3
    replication_factor: 2
    configs:
      segment.bytes: 1048576
  - name: audit
`)
	out, errOut, err := run(t, env, "apply", "-f", file, "--dry-run")
	wantExit(t, err, 3, "")
	wantEqual(t, "plan", out, `TOPIC    ACTION           DETAIL                                                      RESULT
audit    create           default partitions, default replication factor              would_create
events   create           3 partitions, replication factor 2, segment.bytes=1048576   would_create
orders   add_partitions   partitions 2 -> 4                                           would_alter
orders   set_config       cleanup.policy: delete -> compact                           would_alter
`)
	wantEqual(t, "plan stderr", errOut, "4 changes to apply (dry run: validated by the broker)\n")
	if got := strings.Join(topicNames(t, env), ","); got != "orders" {
		t.Fatalf("dry run changed the cluster: %s", got)
	}

	out, errOut, err = run(t, env, "apply", "-f", file)
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	wantEqual(t, "apply", out, `TOPIC    ACTION           DETAIL                                                      RESULT
audit    create           default partitions, default replication factor              created
events   create           3 partitions, replication factor 2, segment.bytes=1048576   created
orders   add_partitions   partitions 2 -> 4                                           altered
orders   set_config       cleanup.policy: delete -> compact                           altered
`)
	wantEqual(t, "apply stderr", errOut, "applied 4 of 4 changes; the cluster now matches "+file+"\n")

	out, errOut, err = run(t, env, "apply", "-f", file)
	if err != nil || out != "" || errOut != "no changes: 3 topics in "+file+" match the cluster\n" {
		t.Fatalf("re-apply: %v %q %q", err, out, errOut)
	}
	_, _, err = run(t, env, "apply", "-f", file, "--dry-run")
	wantExit(t, err, 0, "")

	// export → apply --dry-run: no changes.
	exported := mustRun(t, env, "export")
	env.In.WriteString(exported)
	_, errOut, err = run(t, env, "apply", "-f", "-", "--dry-run", "--prune-configs")
	if err != nil || errOut != "no changes: 3 topics in <stdin> match the cluster\n" {
		t.Fatalf("export -> apply: %v %q\n%s", err, errOut, exported)
	}

	// JSON plan for scripts.
	write("topics:\n  - name: orders\n    configs:\n      retention.ms: 2000\n")
	out, _, err = run(t, env, "apply", "-f", file, "--dry-run", "-o", "json", "--prune-configs")
	wantExit(t, err, 3, "")
	var rep ApplyReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Changes != 2 || !rep.DryRun || rep.InSync || rep.Actions[0].Action != "set_config" || rep.Actions[0].From != "1000" || rep.Actions[1].Action != "unset_config" || rep.Actions[1].Key != "cleanup.policy" {
		t.Fatalf("json report = %s", out)
	}

	// Refusals apply nothing and exit 1.
	write("topics:\n  - name: orders\n    partitions: 1\n    configs:\n      retention.ms: 2000\n")
	out, _, err = run(t, env, "apply", "-f", file)
	wantExit(t, err, 1, "the plan has 1 refusal that apply cannot do (see the refuse rows); nothing was changed")
	if !strings.Contains(out, "orders   refuse       partitions 4 -> 1: Kafka cannot remove partitions") {
		t.Fatalf("refusal plan:\n%s", out)
	}
	if !strings.Contains(mustRun(t, env, "export", "orders"), `retention.ms: "1000"`) {
		t.Fatal("a refused plan changed a config")
	}

	// A bad file is reported with file:line and nothing is sent.
	write("topics:\n  - name: new1\n  - name: new2\n    partitons: 3\n    configs:\n      retention.msx: 1\n")
	_, _, err = run(t, env, "apply", "-f", file)
	wantExit(t, err, 2, file+`:4: unknown key "partitons" in topic`)
	write("topics:\n  - name: new1\n    configs:\n      retention.msx: 1\n")
	_, _, err = run(t, env, "apply", "-f", file)
	wantExit(t, err, 2, file+`:4: topic "new1": unknown topic config "retention.msx" (did you mean "retention.ms"?)`)
	if got := strings.Join(topicNames(t, env), ","); got != "audit,events,orders" {
		t.Fatalf("bad files changed the cluster: %s", got)
	}
	_, _, err = run(t, env, "apply", "-f", filepath.Join(dir, "missing.yaml"))
	wantExit(t, err, 2, "no such file or directory")
	_, _, err = run(t, env, "apply", "-f", file, "--prune-topics")
	wantExit(t, err, 2, "--prune-topics deletes every topic that is not in the file: add --yes")

	// Prune topics, limited to a scope.
	write("topics:\n  - name: orders\n")
	out, _, err = run(t, env, "apply", "-f", file, "--prune-topics", "--prune-scope", "aud.*", "--yes")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "audit   delete_topic   not in the file") {
		t.Fatalf("prune:\n%s", out)
	}
	if got := strings.Join(topicNames(t, env), ","); got != "events,orders" {
		t.Fatalf("after prune: %s", got)
	}
}

func TestNewCmdApply(t *testing.T) {
	env := newEnv(t)
	f := filepath.Join(t.TempDir(), "t.yaml")
	if err := os.WriteFile(f, []byte("topics:\n  - name: a\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args    []string
		want    string // File|specs|DryRun|PruneConfigs|PruneTopics|scope
		wantErr string
	}{
		{args: []string{"-f", f, "--dry-run", "--prune-configs"}, want: f + "|1|true|true|false|<nil>"},
		{args: []string{"-f", f, "--prune-topics", "--prune-scope", "a.*", "--yes"}, want: f + "|1|false|false|true|^(?:a.*)$"},
		{args: []string{}, wantErr: "give the file with -f FILE"},
		{args: []string{"-f", f, "--prune-topics"}, wantErr: "--prune-topics deletes every topic that is not in the file: add --yes"},
		{args: []string{"-f", f, "--prune-scope", "x"}, wantErr: "--prune-scope only applies with --prune-topics"},
		{args: []string{"-f", f, "--prune-topics", "--yes", "--prune-scope", "("}, wantErr: "bad --prune-scope"},
		{args: []string{"-f", f + ".missing"}, wantErr: "no such file or directory"},
		{args: []string{"-f", f, "-o", "wide"}, wantErr: "unknown output format"},
	}
	for _, tt := range tests {
		var got *applyOptions
		cmd := newCmdApply(env.F, func(_ context.Context, o *applyOptions) error { got = o; return nil })
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
		if s := fmt.Sprintf("%s|%d|%v|%v|%v|%v", got.File, len(got.Specs), got.DryRun, got.PruneConfigs, got.PruneTopics, got.PruneScope); s != tt.want {
			t.Errorf("%v: options %s, want %s", tt.args, s, tt.want)
		}
	}
}

// refuseCreateConfigValue makes kfake refuse, as Kafka does, a CreateTopics topic with a config
// value bad (kfake does not validate configs).
func refuseCreateConfigValue(c interface {
	ControlKey(int16, func(kmsg.Request) (kmsg.Response, error, bool))
	KeepControl()
}, bad string) {
	c.ControlKey(kmsg.CreateTopics.Int16(), func(r kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		req := r.(*kmsg.CreateTopicsRequest)
		for _, t := range req.Topics {
			for _, cfg := range t.Configs {
				if cfg.Value != nil && *cfg.Value == bad {
					resp := req.ResponseKind().(*kmsg.CreateTopicsResponse)
					for _, t2 := range req.Topics {
						rt := kmsg.NewCreateTopicsResponseTopic()
						rt.Topic = t2.Topic
						if t2.Topic == t.Topic {
							rt.ErrorCode = kerr.InvalidConfig.Code
							rt.ErrorMessage = kmsg.StringPtr("Invalid value " + bad + " for configuration " + cfg.Name)
						}
						resp.Topics = append(resp.Topics, rt)
					}
					return resp, nil, true
				}
			}
		}
		return nil, nil, false
	})
}

// TestApplyRunDryRunValidates is issue 17 #7: the dry run approved ap2 with retention.ms: abc
// (and my_topic beside my.topic), the real apply created ap1 and failed ap2.
func TestApplyRunDryRunValidates(t *testing.T) {
	c := testkit.Cluster(t)
	refuseCreateConfigValue(c, "abc")
	env := testkit.Factory(t, c)
	mustRun(t, env, "create", "my.topic", "-p", "1")
	specs, err := parseSpec("f.yaml", []byte("topics:\n  - name: ap1\n  - name: ap2\n    configs:\n      retention.ms: abc\n"))
	if err != nil {
		t.Fatal(err)
	}
	opts := &applyOptions{IO: env.F.IO, Admin: env.F.Admin, Context: env.F.Context, Printer: output.Printer{Format: output.Table}, File: "f.yaml", Specs: specs, DryRun: true}
	out, errOut, err := runDirect(t, env, func(ctx context.Context) error { return applyRun(ctx, opts) })
	wantExit(t, err, 1, "")
	wantEqual(t, "dry run", out, `TOPIC   ACTION   DETAIL                                                             RESULT
ap1     create   default partitions, default replication factor                     skipped
ap2     create   default partitions, default replication factor, retention.ms=abc   failed
`)
	wantEqual(t, "dry run stderr", errOut, `error: topic "ap2": create failed: INVALID_CONFIG: Invalid value abc for configuration retention.ms
nothing was changed: 1 change failed validation, so the other 1 change was not sent
`)
	// The real apply does the same: nothing is created.
	opts.DryRun = false
	_, errOut, err = runDirect(t, env, func(ctx context.Context) error { return applyRun(ctx, opts) })
	wantExit(t, err, 1, "")
	wantEqual(t, "apply stderr", errOut, `error: topic "ap2": create failed: INVALID_CONFIG: Invalid value abc for configuration retention.ms
nothing was changed: 1 change failed validation, so the other 1 change was not sent
`)
	if got := strings.Join(topicNames(t, env), ","); got != "my.topic" {
		t.Fatalf("a refused plan changed the cluster: %s", got)
	}

	specs, _ = parseSpec("f.yaml", []byte("topics:\n  - name: my_topic\n"))
	opts.Specs, opts.DryRun = specs, true
	out, _, err = runDirect(t, env, func(ctx context.Context) error { return applyRun(ctx, opts) })
	wantExit(t, err, 1, "the plan has 1 refusal")
	if !strings.Contains(out, `my_topic   refuse   collides with the existing topic "my.topic"`) {
		t.Fatalf("collision plan:\n%s", out)
	}
}

// TestTopicBatchesSplit is issue 17 #6: one CreateTopics of 10,001 topics was refused whole
// (POLICY_VIOLATION); requests are split to stay within the controller's 10,000 records.
func TestTopicBatchesSplit(t *testing.T) {
	var plan []Action
	for i := 0; i < 5001; i++ {
		plan = append(plan, Action{Topic: fmt.Sprintf("t%05d", i), Action: actCreate, Partitions: 1})
	}
	for i := 0; i < 3; i++ {
		plan = append(plan, Action{Topic: fmt.Sprintf("g%d", i), Action: actAddPartitions, From: "1", To: "4001", Partitions: 4001})
	}
	plan = append(plan, Action{Topic: "d", Action: actCreate}) // default partitions: 6 each
	sizes := func(bs []Batch) string {
		var s []string
		for _, b := range bs {
			s = append(s, fmt.Sprintf("%s:%d", b.Kind, len(b.Items)))
		}
		return strings.Join(s, " ")
	}
	if got := sizes(topicBatches(nil, plan, 6, reassignOptions{})); got != "CreateTopics:5000 CreateTopics:2 CreatePartitions:2 CreatePartitions:1" {
		t.Fatalf("batches = %s", got)
	}
	var cfgs []Action
	for i := 0; i < 3; i++ {
		for k := 0; k < 4000; k++ {
			cfgs = append(cfgs, Action{Topic: fmt.Sprintf("c%d", i), Action: actSetConfig, Key: fmt.Sprint(k)})
		}
	}
	if got := sizes(topicBatches(nil, cfgs, 1, reassignOptions{})); got != "IncrementalAlterConfigs:8000 IncrementalAlterConfigs:4000" {
		t.Fatalf("config batches = %s", got)
	}
}

// TestRunBatches drives the engine's batch runner with fake batches.
func TestRunBatches(t *testing.T) {
	fail := fmt.Errorf("INVALID_CONFIG")
	mk := func(n int) actions {
		p := make(actions, n)
		for i := range p {
			p[i].Action = actSetConfig
		}
		return p
	}
	var sent []string
	batch := func(name string, items []int, refuse map[int]bool) Batch {
		return Batch{Kind: name, Items: items, Send: func(_ context.Context, validateOnly bool) (map[int]error, error) {
			sent = append(sent, fmt.Sprintf("%s validate=%v", name, validateOnly))
			errs := map[int]error{}
			for _, i := range items {
				if refuse[i] {
					errs[i] = fail
				} else {
					errs[i] = nil
				}
			}
			return errs, nil
		}}
	}
	p := mk(3)
	ok, wasSent := runBatches(context.Background(), []Batch{batch("a", []int{0, 1}, nil), batch("b", []int{2}, map[int]bool{2: true})}, p, 3, false)
	if ok || wasSent || strings.Join(sent, ",") != "a validate=true,b validate=true" {
		t.Fatalf("ok=%v sent=%v requests=%v", ok, wasSent, sent)
	}
	if got := results(p); got != " set_config skipped: not sent: another change failed validation\n set_config skipped: not sent: another change failed validation\n set_config failed: INVALID_CONFIG\n" {
		t.Fatalf("results:\n%s", got)
	}
	sent = nil
	p = mk(2)
	ok, wasSent = runBatches(context.Background(), []Batch{batch("a", []int{0, 1}, nil)}, p, 2, false)
	if !ok || !wasSent || strings.Join(sent, ",") != "a validate=true,a validate=false" || results(p) != " set_config altered\n set_config altered\n" {
		t.Fatalf("ok=%v sent=%v requests=%v\n%s", ok, wasSent, sent, results(p))
	}
	sent = nil
	p = mk(1)
	ok, _ = runBatches(context.Background(), []Batch{batch("a", []int{0}, nil)}, p, 1, true)
	if !ok || strings.Join(sent, ",") != "a validate=true" || results(p) != " set_config would_alter\n" {
		t.Fatalf("dry run: requests=%v\n%s", sent, results(p))
	}
	sent = nil
	p = mk(1)
	ok, _ = runBatches(context.Background(), []Batch{{Kind: "del", Items: []int{0}, ClientChecked: true, Send: func(context.Context, bool) (map[int]error, error) {
		sent = append(sent, "del")
		return nil, fmt.Errorf("connection refused")
	}}}, p, 1, false)
	if ok || strings.Join(sent, ",") != "del" || results(p) != " set_config failed: connection refused\n" {
		t.Fatalf("request error: requests=%v\n%s", sent, results(p))
	}
	ios, _, _, errOut := cmdutil.Test()
	if err := reportFailures(ios, []Failure{{Subject: `topic "t"`, What: "add_partitions", Error: "UNKNOWN_SERVER_ERROR", Actual: "10001 partitions"}}, 0); cmdutil.ExitCode(err) != 1 {
		t.Fatalf("exit %v", err)
	}
	wantEqual(t, "report", errOut.String(), `error: topic "t": add_partitions failed: UNKNOWN_SERVER_ERROR
warning: topic "t": add_partitions failed, but re-reading the cluster shows 10001 partitions
`)
}
