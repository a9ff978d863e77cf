package configs

import (
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

func str(s string) *string { return &s }

func TestParseChange(t *testing.T) {
	c, err := ParseChange([]string{"a=1", "b=x=y", "a=2"}, []string{"c"})
	if err != nil || strings.Join(c.Order, ",") != "a,b" || c.Set["a"] != "2" || c.Set["b"] != "x=y" || c.Delete[0] != "c" {
		t.Errorf("got %+v, %v", c, err)
	}
	for _, bad := range [][2][]string{{{"novalue"}, nil}, {{"=1"}, nil}, {{"a=1"}, {"a"}}, {nil, {" "}}} {
		if _, err := ParseChange(bad[0], bad[1]); cmdutil.ExitCode(err) != 2 {
			t.Errorf("%v: %v", bad, err)
		}
	}
}

func TestPlan(t *testing.T) {
	broker := Resource{Type: kmsg.ConfigResourceTypeBroker, Name: "1"}
	current := []Entry{
		{Key: "log.retention.ms", Value: str("1000"), Source: "DYNAMIC_BROKER_CONFIG"},
		{Key: "log.cleaner.threads", Value: str("1"), Source: "STATIC_BROKER_CONFIG"},
		{Key: "broker.id", Value: str("1"), Source: "STATIC_BROKER_CONFIG", ReadOnly: true},
		{Key: "ssl.key.password", Source: "DYNAMIC_BROKER_CONFIG", Sensitive: true},
	}
	rules := KnownFrom(current)
	_, err := Plan(broker, current, rules, Change{Set: map[string]string{"nope": "1", "broker.id": "2"}, Order: []string{"nope", "broker.id"}})
	want := "unknown config(s) nope; read-only config(s) broker.id (set them in server.properties and restart the broker): nothing was sent"
	if cmdutil.ExitCode(err) != 2 || err.Error() != want {
		t.Errorf("got %v", err)
	}
	c, _ := ParseChange([]string{"log.retention.ms=1000", "log.cleaner.threads=2", "ssl.key.password=x"}, []string{"log.retention.bytes"})
	plan, err := Plan(broker, current, rules, c)
	if err == nil {
		t.Fatalf("log.retention.bytes is unknown here: %+v", plan)
	}
	rules.Known["log.retention.bytes"] = Entry{Key: "log.retention.bytes"}
	plan, err = Plan(broker, current, rules, c)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range plan {
		got = append(got, a.Key+" "+a.Op+" "+a.From+" "+a.To+" "+a.Result)
	}
	wantRows := "log.retention.ms set 1000 1000 unchanged|log.cleaner.threads set 1 2 |ssl.key.password set (sensitive) (sensitive) |log.retention.bytes delete (default) (default) unchanged"
	if strings.Join(got, "|") != wantRows {
		t.Errorf("got  %s\nwant %s", strings.Join(got, "|"), wantRows)
	}
}

func TestVisible(t *testing.T) {
	def := Resource{Type: kmsg.ConfigResourceTypeBroker}
	es := []Entry{{Key: "a", Source: "DYNAMIC_DEFAULT_BROKER_CONFIG"}, {Key: "b", Source: "DYNAMIC_BROKER_CONFIG"}}
	if v := Visible(def, es, false); len(v) != 1 || v[0].Key != "a" {
		t.Errorf("default: %+v", v)
	}
	if v := Visible(def, es, true); len(v) != 2 {
		t.Errorf("all: %+v", v)
	}
}
