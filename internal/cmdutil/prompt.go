package cmdutil

import (
	"bufio"
	"errors"
	"fmt"
	"strings"
)

// Prompter asks a person to confirm a change. Commands take it from their options (the factory
// supplies TerminalPrompter), so tests drive confirmations with a fake.
type Prompter interface {
	// Confirm asks question and returns true for "y"/"yes". When nobody can answer (stdin is
	// not a terminal) it returns ErrNoTTY; the caller turns that into "pass --yes" advice.
	Confirm(question string) (bool, error)
}

// ErrNoTTY is returned by a Prompter that cannot ask anybody.
var ErrNoTTY = errors.New("stdin is not a terminal")

// TerminalPrompter asks on ErrOut and reads the answer from In, when In is a terminal.
type TerminalPrompter struct{ IO *IOStreams }

// Confirm implements Prompter.
func (p TerminalPrompter) Confirm(question string) (bool, error) {
	if !p.IO.InTTY {
		return false, ErrNoTTY
	}
	fmt.Fprintf(p.IO.ErrOut, "%s [y/N] ", question)
	line, _ := bufio.NewReader(p.IO.In).ReadString('\n')
	a := strings.ToLower(strings.TrimSpace(line))
	return a == "y" || a == "yes", nil
}

// FakePrompter answers every question with Answer (or Err) and records the questions; tests use it.
type FakePrompter struct {
	Answer    bool
	Err       error
	Questions []string
}

// Confirm implements Prompter.
func (p *FakePrompter) Confirm(question string) (bool, error) {
	p.Questions = append(p.Questions, question)
	return p.Answer, p.Err
}

// Confirm is the one confirmation step of a dangerous command: with yes it returns nil at once;
// otherwise it asks p. No terminal → a usage error saying to pass --yes; "no" → an error saying
// nothing was changed.
func Confirm(p Prompter, yes bool, question string) error {
	if yes {
		return nil
	}
	ok, err := p.Confirm(question)
	if errors.Is(err, ErrNoTTY) {
		return UsageErrorf("%s: stdin is not a terminal, pass --yes to do it", strings.TrimSuffix(question, "?"))
	}
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("not confirmed: nothing was changed")
	}
	return nil
}
