package cmdutil

import (
	"strings"
	"testing"
)

func TestConfirm(t *testing.T) {
	if err := Confirm(&FakePrompter{}, true, "Delete 2 topics?"); err != nil {
		t.Fatalf("--yes: %v", err)
	}
	p := &FakePrompter{Answer: true}
	if err := Confirm(p, false, "Delete 2 topics?"); err != nil || len(p.Questions) != 1 {
		t.Fatalf("yes answer: %v %v", err, p.Questions)
	}
	if err := Confirm(&FakePrompter{}, false, "Delete 2 topics?"); err == nil || !strings.Contains(err.Error(), "nothing was changed") {
		t.Fatalf("no answer: %v", err)
	}
	err := Confirm(&FakePrompter{Err: ErrNoTTY}, false, "Delete 2 topics?")
	if !IsUsage(err) || !strings.Contains(err.Error(), "pass --yes") {
		t.Fatalf("no tty: %v", err)
	}
}

func TestTerminalPrompter(t *testing.T) {
	ios, in, _, errOut := Test()
	if _, err := (TerminalPrompter{ios}).Confirm("Go?"); err != ErrNoTTY {
		t.Fatalf("not a tty: %v", err)
	}
	ios.InTTY = true
	in.WriteString("yes\n")
	ok, err := (TerminalPrompter{ios}).Confirm("Go?")
	if !ok || err != nil || errOut.String() != "Go? [y/N] " {
		t.Fatalf("got %v %v %q", ok, err, errOut.String())
	}
}
