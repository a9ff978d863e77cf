package quota

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/outcome"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/testkit"
)

func exitCode(err error) int { return cmdutil.ExitCode(err) }

func names(es []kadm.ClientQuotaEntity) string {
	var s []string
	for _, e := range es {
		s = append(s, EntityString(e))
	}
	return strings.Join(s, " ")
}

func TestEntities(t *testing.T) {
	cases := []struct {
		name string
		in   entityFlags
		want string
		code int
	}{
		{"user", entityFlags{users: []string{"alice"}}, "user=alice", 0},
		{"user default", entityFlags{userDefault: true}, "user=<default>", 0},
		{"pairs", entityFlags{users: []string{"a", "b"}, clientDefault: true}, "user=a,client-id=<default> user=b,client-id=<default>", 0},
		{"clients", entityFlags{clients: []string{"c1", "c2", "c1"}}, "client-id=c1 client-id=c2", 0},
		{"ip", entityFlags{ips: []string{"10.0.0.1"}, ipDefault: true}, "ip=10.0.0.1 ip=<default>", 0},
		{"ip and user", entityFlags{ips: []string{"10.0.0.1"}, users: []string{"a"}}, "", 2},
		{"nothing", entityFlags{}, "", 2},
		{"empty name", entityFlags{users: []string{""}}, "", 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			es, err := c.in.Entities()
			if exitCode(err) != c.code || names(es) != c.want {
				t.Errorf("got %q, %v; want %q, exit %d", names(es), err, c.want, c.code)
			}
		})
	}
}

func TestParseValues(t *testing.T) {
	user := []kadm.ClientQuotaEntity{{{Type: typeUser}}}
	ip := []kadm.ClientQuotaEntity{{{Type: typeIP}}}
	cases := []struct {
		args []string
		es   []kadm.ClientQuotaEntity
		want string // error substring, "" for success
	}{
		{[]string{"producer_byte_rate=1048576", "request_percentage=12.5"}, user, ""},
		{[]string{"producer_byte_rate=abc"}, user, `quota producer_byte_rate: "abc" is not a number`},
		{[]string{"producer_byte_rate=-1"}, user, "is not a number >= 0"},
		{[]string{"producer_byte_rate=1.5"}, user, "must be a whole number"},
		{[]string{"producer_byte_rate=NaN"}, user, "is not a number"},
		{[]string{"producer_bytes=1"}, user, `unknown quota "producer_bytes" for users and clients: use one of consumer_byte_rate, controller_mutation_rate, producer_byte_rate, request_percentage`},
		{[]string{"connection_creation_rate=1"}, user, "unknown quota"},
		{[]string{"producer_byte_rate=1"}, ip, `unknown quota "producer_byte_rate" for IPs`},
		{[]string{"connection_creation_rate=10"}, ip, ""},
		{[]string{"noequals"}, user, "is not KEY=VALUE"},
		{nil, user, "at least one"},
	}
	for _, c := range cases {
		_, err := ParseValues(c.args, c.es)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%v: %v", c.args, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want) || exitCode(err) != 2):
			t.Errorf("%v: got %v, want exit 2 with %q", c.args, err, c.want)
		}
	}
}

func TestPlanSetAndDelete(t *testing.T) {
	a := "alice"
	e := kadm.ClientQuotaEntity{{Type: typeUser, Name: &a}}
	current := map[string]map[string]float64{"user=alice": {"producer_byte_rate": 1024, "consumer_byte_rate": 2048}}
	plan := planSet([]kadm.ClientQuotaEntity{e}, map[string]float64{"producer_byte_rate": 1024, "consumer_byte_rate": 4096}, current)
	if len(plan) != 1 || plan[0].Result != "" || len(plan[0].Ops) != 1 || strings.Join(plan[0].Changes, ";") != "consumer_byte_rate: 2048 -> 4096" {
		t.Errorf("set plan: %+v", plan)
	}
	plan = planSet([]kadm.ClientQuotaEntity{e}, map[string]float64{"producer_byte_rate": 1024}, current)
	if plan[0].Result != outcome.Unchanged {
		t.Errorf("unchanged plan: %+v", plan)
	}
	plan = planDelete([]kadm.ClientQuotaEntity{e}, nil, current)
	if strings.Join(plan[0].Changes, ";") != "producer_byte_rate: 1024 -> unset;consumer_byte_rate: 2048 -> unset" {
		t.Errorf("delete all: %+v", plan[0].Changes)
	}
	plan = planDelete([]kadm.ClientQuotaEntity{e}, []string{"request_percentage"}, current)
	if plan[0].Result != outcome.Unchanged {
		t.Errorf("delete unset key: %+v", plan)
	}
}

func TestSetListDeleteRun(t *testing.T) {
	c := testkit.Cluster(t)
	env := testkit.Factory(t, c)
	f := env.F
	table := output.Printer{Format: output.Table}
	set := &setOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Printer: table,
		Entity: entityFlags{clients: []string{"billing", "orders"}}, Args: []string{"producer_byte_rate=1048576"}}
	if err := setRun(context.Background(), set); err != nil {
		t.Fatal(err, env.ErrOut.String())
	}
	want := "ENTITY              RESULT    CHANGES                                ERROR\n" +
		"client-id=billing   altered   producer_byte_rate: unset -> 1048576   -\n" +
		"client-id=orders    altered   producer_byte_rate: unset -> 1048576   -\n"
	if got := env.Out.String(); got != want {
		t.Errorf("set:\n%s\nwant\n%s", got, want)
	}
	env.Out.Reset()
	// Again: nothing to send, and a dry run of an unchanged plan exits 0.
	set.DryRun = true
	if err := setRun(context.Background(), set); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(env.Out.String(), "unchanged") {
		t.Errorf("re-set: %s", env.Out.String())
	}
	env.Out.Reset()
	list := &listOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Printer: table}
	if err := listRun(context.Background(), list); err != nil {
		t.Fatal(err)
	}
	want = "ENTITY              PRODUCER_BYTE_RATE\n" +
		"client-id=billing   1048576\n" +
		"client-id=orders    1048576\n"
	if got := env.Out.String(); got != want {
		t.Errorf("list:\n%s\nwant\n%s", got, want)
	}
	env.Out.Reset()
	del := &deleteOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Printer: table, Prompter: &cmdutil.FakePrompter{Err: cmdutil.ErrNoTTY},
		Entity: entityFlags{clients: []string{"billing"}}}
	if err := deleteRun(context.Background(), del); exitCode(err) != 2 {
		t.Fatalf("delete without --yes: %v", err)
	}
	del.DryRun = true
	if err := deleteRun(context.Background(), del); exitCode(err) != 3 {
		t.Fatalf("delete --dry-run: %v", err)
	}
	if !strings.Contains(env.Out.String(), "would_delete") {
		t.Errorf("dry run: %s", env.Out.String())
	}
	env.Out.Reset()
	del.DryRun, del.Yes = false, true
	if err := deleteRun(context.Background(), del); err != nil {
		t.Fatal(err)
	}
	if want := "client-id=billing   deleted   producer_byte_rate: 1048576 -> unset   -"; !strings.Contains(env.Out.String(), want) {
		t.Errorf("delete:\n%s", env.Out.String())
	}
	env.Out.Reset()
	list.Printer = output.Printer{Format: output.JSON}
	if err := listRun(context.Background(), list); err != nil {
		t.Fatal(err)
	}
	want = `[
  {
    "entity": "client-id=orders",
    "components": [
      {
        "type": "client-id",
        "name": "orders",
        "default": false
      }
    ],
    "quotas": {
      "producer_byte_rate": 1048576
    }
  }
]
`
	if got := env.Out.String(); got != want {
		t.Errorf("json:\n%s", got)
	}
}

func TestSetRefusesBadInputBeforeDialing(t *testing.T) {
	called := false
	opts := &setOptions{IO: nil, Admin: func() (*cmdutil.Admin, error) { called = true; return nil, errors.New("no") },
		Context: func(ctx context.Context) (context.Context, context.CancelFunc, error) {
			called = true
			return ctx, func() {}, nil
		},
		Entity: entityFlags{users: []string{"a"}}, Args: []string{"producer_byte_rate=lots"}}
	if err := setRun(context.Background(), opts); exitCode(err) != 2 || called {
		t.Errorf("got %v, dialed %v", err, called)
	}
}
