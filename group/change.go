package group

import (
	"fmt"
	"io"
)

// The change engine of the verbs that change groups (seek, delete, delete-offsets): fetch the
// group's current state → a pure planner (flags + state → per-item plan rows, each with its
// refusal if any) → one executor per verb (one batched request, per-item results) → a view.
// --dry-run stops after the planner and means the same in every verb (dryRunHelp).

// dryRunHelp is what --dry-run means in every group verb that changes something; it goes in
// their --help.
const dryRunHelp = `A dry run checks the plan against the group's current state (its members, committed offsets
and the topics' partitions) and sends nothing. The broker does not validate it: Kafka has no
validate-only mode for offset commits, offset deletes or group deletes, so a change it refuses
for a reason the state does not show (an ACL, a member that joins meanwhile) fails only when run.`

// dryRunNote is the last line of a dry run on stderr.
func dryRunNote(w io.Writer, what string) {
	fmt.Fprintf(w, "(dry run) checked against the group's current state, nothing sent: %s\n", what)
}
