package outcome

import (
	"testing"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

func TestLine(t *testing.T) {
	for _, c := range []struct {
		t      Tally
		dryRun bool
		want   string
	}{
		{Tally{}, false, "nothing to do"},
		{Tally{}, true, "nothing to do (dry run: checked)"},
		{Tally{Failed: 1, Created: 2, Exists: 1}, false, "created 2 ACLs, 1 ACL already existed, 1 ACL failed"},
		{Tally{WouldDelete: 3, WouldCreate: 1}, true, "would create 1 ACL, would delete 3 ACLs (dry run: checked)"},
	} {
		if got := c.t.Line("ACL", c.dryRun, "checked"); got != c.want {
			t.Errorf("%v: %q, want %q", c.t, got, c.want)
		}
	}
}

func TestExit(t *testing.T) {
	for _, c := range []struct {
		t      Tally
		dryRun bool
		code   int
	}{
		{Tally{Created: 1}, false, 0},
		{Tally{Created: 1, Failed: 1}, false, cmdutil.ExitFailure},
		{Tally{WouldCreate: 1}, true, cmdutil.ExitCheckFailed},
		{Tally{WouldCreate: 1, Failed: 1}, true, cmdutil.ExitFailure},
		{Tally{Unchanged: 4}, true, 0},
	} {
		err := c.t.Exit(c.dryRun)
		if got := cmdutil.ExitCode(err); got != c.code {
			t.Errorf("%v dry run %v: exit %d, want %d", c.t, c.dryRun, got, c.code)
		}
		if IsCheckFailed(err) != (c.code == cmdutil.ExitCheckFailed) {
			t.Errorf("%v: IsCheckFailed %v", c.t, IsCheckFailed(err))
		}
	}
}

func TestDoneAndCount(t *testing.T) {
	if Done(Create, true) != WouldCreate || Done(Alter, false) != Altered || Done(Delete, true) != WouldDelete || Done(Update, false) != Updated {
		t.Error("Done picks the wrong word")
	}
	tl := Count([]Outcome{{Result: Created}, {Result: WouldAlter}, {Result: WouldAlter}, {}}, func(o Outcome) string { return o.Result })
	if tl[Created] != 1 || tl.Would() != 2 || !(Outcome{}).Pending() || !(Outcome{Result: Failed}).IsFailed() {
		t.Errorf("Count/Would/Pending: %v", tl)
	}
}
