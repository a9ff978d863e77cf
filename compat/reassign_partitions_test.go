package compat

import "testing"

func TestReassignAction(t *testing.T) {
	opts := reassignPartitionsScript().Options
	for _, c := range []struct {
		args         []string
		action, want string
	}{
		{[]string{"--list"}, "list", ""},
		{[]string{"--bootstrap-server", "b:9092", "--verify", "--reassignment-json-file", "p.json", "--preserve-throttles"}, "verify", ""},
		{[]string{"--execute", "--reassignment-json-file", "p.json", "--throttle", "5", "--additional"}, "execute", ""},
		{[]string{"--generate", "--topics-to-move-json-file", "t.json", "--broker-list", "1,2"}, "generate", ""},
		{[]string{"--list", "--verify"}, "", "Command must include exactly one action: --generate, --execute, --verify, --cancel, --list"},
		{[]string{"--bootstrap-server", "b"}, "", "Command must include exactly one action: --generate, --execute, --verify, --cancel, --list"},
		{[]string{"--verify"}, "", `Missing required argument "[reassignment-json-file]"`},
		{[]string{"--generate", "--topics-to-move-json-file", "t.json"}, "", `Missing required argument "[broker-list]"`},
		{[]string{"--list", "--throttle", "5"}, "", `Option "[throttle]" can't be used with action "[list]"`},
		{[]string{"--verify", "--reassignment-json-file", "p", "--additional"}, "", `Option "[additional]" can't be used with action "[verify]"`},
	} {
		p, err := Parse(opts, c.args)
		if err != nil {
			t.Fatal(err)
		}
		action, msg := reassignAction(p)
		if action != c.action || msg != c.want {
			t.Errorf("%v: got %q %q, want %q %q", c.args, action, msg, c.action, c.want)
		}
	}
	p, _ := Parse(opts, []string{"--execute", "--reassignment-json-file", "p", "--replica-alter-log-dirs-throttle", "1"})
	if name, _ := unsupported(opts, p); name != "replica-alter-log-dirs-throttle" {
		t.Errorf("--replica-alter-log-dirs-throttle is not refused: %q", name)
	}
}
