package compat

import (
	"reflect"
	"testing"
)

func TestGroupsFilterKeep(t *testing.T) {
	cases := []struct {
		f             groupsFilter
		typ, protocol string
		want          bool
	}{
		{groupsFilter{}, "share", "share", true},
		{groupsFilter{typ: "classic"}, "classic", "connect", true},
		{groupsFilter{typ: "classic", protocol: "consumer"}, "classic", "connect", false},
		{groupsFilter{protocol: "connect"}, "classic", "connect", true},
		{groupsFilter{consumer: true}, "classic", "", true},
		{groupsFilter{consumer: true}, "classic", "connect", false},
		{groupsFilter{consumer: true}, "consumer", "consumer", true},
		{groupsFilter{consumer: true}, "share", "share", false},
		{groupsFilter{share: true}, "share", "share", true},
		{groupsFilter{share: true}, "streams", "streams", false},
		{groupsFilter{stream: true}, "streams", "streams", true},
	}
	for _, c := range cases {
		if got := c.f.keep(c.typ, c.protocol); got != c.want {
			t.Errorf("%+v keep(%s, %s) = %v", c.f, c.typ, c.protocol, got)
		}
	}
}

func TestGroupsConflictAndShareArgs(t *testing.T) {
	p, err := Parse(groupsScript().Options, []string{"--list", "--consumer", "--share"})
	if err != nil {
		t.Fatal(err)
	}
	if got := groupsConflict(p); got != `Option "[consumer]" can't be used with option "[share]"` {
		t.Errorf("conflict %q", got)
	}
	p, _ = Parse(shareGroupsScript().Options, []string{"--describe"})
	if got := shareGroupsArgs("describe", p); got != "Option [describe] takes one of these options: [all-groups], [group]" {
		t.Errorf("describe without a group: %q", got)
	}
	p, _ = Parse(shareGroupsScript().Options, []string{"--delete-offsets", "--group", "g"})
	if got := shareGroupsArgs("delete-offsets", p); got == "" {
		t.Errorf("delete-offsets without --topic accepted")
	}
}

func TestShareConsumeArgs(t *testing.T) {
	p, err := Parse(consoleShareConsumerScript().Options, []string{"--topic", "t", "--max-messages", "3", "--timeout-ms", "500",
		"--consumer-property", "group.id=g1", "--property", "print.key=true"})
	if err != nil {
		t.Fatal(err)
	}
	args, warnings, err := shareConsumeArgs(p)
	want := []string{"consume", "t", "--share-group", "g1", "-n", "3", "--idle-timeout", "500ms", "--print", "key"}
	if err != nil || len(warnings) != 0 || !reflect.DeepEqual(args, want) {
		t.Errorf("args %q %v %v, want %q", args, warnings, err, want)
	}
	p, _ = Parse(consoleShareConsumerScript().Options, []string{"--topic", "t"})
	if args, _, _ := shareConsumeArgs(p); !reflect.DeepEqual(args, []string{"consume", "t", "--share-group", "console-share-consumer"}) {
		t.Errorf("default group: %q", args)
	}
	p, _ = Parse(consoleShareConsumerScript().Options, []string{"--group", "g"})
	if _, _, err := shareConsumeArgs(p); err == nil {
		t.Errorf("no --topic accepted")
	}
}
