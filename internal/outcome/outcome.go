// Package outcome is the result vocabulary every changing verb of kafkit reports: the word
// each action gets (the same in every family and every output format), the summary line on
// stderr, and the exit code: 0 done, 1 something failed (SilentError: each failure was
// already printed), 3 a dry run that would change something (CheckFailed).
package outcome

import (
	"fmt"
	"strings"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/text"
)

// The result of one action.
const (
	Created     = "created"
	WouldCreate = "would_create" // dry run: checked (by the broker where Kafka can validate)
	Exists      = "exists"       // already there (create --if-not-exists, ACLs)
	Altered     = "altered"
	WouldAlter  = "would_alter"
	Updated     = "updated"
	WouldUpdate = "would_update"
	Unchanged   = "unchanged" // already as asked: nothing to send
	Deleted     = "deleted"
	WouldDelete = "would_delete"
	NotFound    = "not_found" // delete --if-exists of a missing item
	Failed      = "failed"    // refused by the client-side checks or the broker
	Skipped     = "skipped"   // not sent because another action failed validation
)

// order and phrase: how Line words each result, in the order it lists them.
var phrases = []struct{ result, format string }{
	{Created, "created %s"}, {Altered, "altered %s"}, {Updated, "updated %s"}, {Deleted, "deleted %s"},
	{WouldCreate, "would create %s"}, {WouldAlter, "would alter %s"}, {WouldUpdate, "would update %s"}, {WouldDelete, "would delete %s"},
	{Exists, "%s already existed"}, {Unchanged, "%s unchanged"}, {NotFound, "%s not found"},
	{Failed, "%s failed"}, {Skipped, "%s skipped"},
}

// Outcome is the result of one planned action; each family embeds it in its action type so
// the JSON fields are the same everywhere ("result", "error").
type Outcome struct {
	Result string `json:"result,omitempty"`
	Error  string `json:"error,omitempty"`
}

// Pending reports whether the action still has to be sent (the planner left no result).
func (o Outcome) Pending() bool { return o.Result == "" }

// IsFailed reports whether the action failed.
func (o Outcome) IsFailed() bool { return o.Result == Failed }

// IsWould reports whether r is a dry run's "would ..." word.
func IsWould(r string) bool { return strings.HasPrefix(r, "would_") }

// Class decides which words an action that succeeded gets.
type Class int

// The classes of change.
const (
	Create Class = iota
	Alter
	Delete
	Update
)

// Done is the word for an action of class c that succeeded: checked in a dry run, or applied.
func Done(c Class, dryRun bool) string {
	words := map[Class][2]string{
		Create: {Created, WouldCreate}, Alter: {Altered, WouldAlter},
		Delete: {Deleted, WouldDelete}, Update: {Updated, WouldUpdate},
	}[c]
	if dryRun {
		return words[1]
	}
	return words[0]
}

// Tally counts actions by result.
type Tally map[string]int

// Count tallies the results of items.
func Count[T any](items []T, result func(T) string) Tally {
	t := Tally{}
	for _, it := range items {
		t[result(it)]++
	}
	return t
}

// Would is how many actions a dry run would carry out.
func (t Tally) Would() int {
	n := 0
	for r, c := range t {
		if IsWould(r) {
			n += c
		}
	}
	return n
}

// Line is the summary, such as "created 2 ACLs, 1 ACL already existed, 1 ACL failed", or
// "nothing to do"; a dry run adds note (what checked it) in brackets.
func (t Tally) Line(noun string, dryRun bool, note string) string {
	var parts []string
	for _, p := range phrases {
		if n := t[p.result]; n > 0 {
			parts = append(parts, fmt.Sprintf(p.format, text.Count(n, noun)))
		}
	}
	s := "nothing to do"
	if len(parts) > 0 {
		s = strings.Join(parts, ", ")
	}
	if dryRun && note != "" {
		s += " (dry run: " + note + ")"
	}
	return s
}

// Exit is the command's error for these results: 1 when an action failed, 3 for a dry run
// that would change something, nil otherwise.
func (t Tally) Exit(dryRun bool) error {
	return Exit(t[Failed] > 0, dryRun && t.Would() > 0)
}

// Exit is the error for a command whose changes failed (exit 1; each failure already said) or
// whose dry run would change something (exit 3).
func Exit(failed, wouldChange bool) error {
	switch {
	case failed:
		return cmdutil.SilentError
	case wouldChange:
		return cmdutil.CheckFailed("")
	}
	return nil
}

// IsCheckFailed reports whether err is Exit's "a dry run would change something" (exit 3),
// which a caller combining several plans treats as success.
func IsCheckFailed(err error) bool {
	return cmdutil.ExitCode(err) == cmdutil.ExitCheckFailed
}
