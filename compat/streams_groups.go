package compat

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// kafka-streams-groups.sh (StreamsGroupCommand, Kafka 4.4): --list [--state], --describe
// [--offsets|--members|--state|--topology] [--verbose], --delete [--delete-all-internal-topics],
// --delete-offsets, --reset-offsets (--dry-run|--execute). Streams groups (KIP-1071) exist on
// Kafka 4.4 by default; on Kafka 4.1 only with unstable metadata, where the tool answers the
// same. The Java tool's checks are made in its order (streamsArgs), so its usage errors and
// their exit code (1) are the same.

var streamsGroupActions = []string{"list", "describe", "reset-offsets", "delete", "delete-offsets"}

func streamsGroupsScript() *Script {
	opts := append(commonOptions(),
		Option{Name: "list", Help: "list the streams groups (--state adds the state, or filters by it)"},
		Option{Name: "describe", Help: "describe streams groups: offsets and lag (default), --members, --state, --topology"},
		Option{Name: "delete", Help: "delete streams groups (they must be empty); --delete-all-internal-topics deletes their internal topics too"},
		Option{Name: "delete-offsets", Help: "delete one streams group's committed offsets of --input-topic or --all-input-topics"},
		Option{Name: "reset-offsets", Help: "reset a streams group's offsets (it must be inactive): --dry-run prints the plan, --execute commits it"},
		Option{Name: "group", Arg: RequiredArg, Repeat: true, Help: "the streams group id (repeatable)"},
		Option{Name: "all-groups", Help: "every streams group"},
		Option{Name: "input-topic", Arg: RequiredArg, Repeat: true, Help: "an input topic, or topic:0,1,2 (delete-offsets, reset-offsets; repeatable)"},
		Option{Name: "all-input-topics", Help: "every input topic of the group's topology (delete-offsets, reset-offsets)"},
		Option{Name: "offsets", Help: "with --describe: partitions with offsets and lag (the default)"},
		Option{Name: "members", Help: "with --describe: the members and their tasks"},
		Option{Name: "state", Arg: OptionalArg, Help: "with --list: the state column, or only groups in these states; with --describe: the group's state"},
		Option{Name: "topology", Help: "with --describe: the topology description the broker stored for the group"},
		Option{Name: "verbose", Help: "with --describe: epochs, leader epochs, target assignments"},
		Option{Name: "timeout", Arg: RequiredArg, Help: "timeout in ms (kafkit's own timeouts apply)"},
		Option{Name: "dry-run", Help: "with --reset-offsets: only print the plan"},
		Option{Name: "execute", Help: "with --reset-offsets: commit the plan"},
		Option{Name: "export", Help: "with --reset-offsets: print the plan as CSV (for --from-file)"},
		Option{Name: "to-earliest", Help: "reset to the log start"},
		Option{Name: "to-latest", Help: "reset to the log end"},
		Option{Name: "to-current", Help: "reset to the committed offset (the log end where there is none)"},
		Option{Name: "to-offset", Arg: RequiredArg, Repeat: true, Help: "reset to this offset (clamped to the log)"},
		Option{Name: "shift-by", Arg: RequiredArg, Help: "move the committed offset by N (negative: back)"},
		Option{Name: "to-datetime", Arg: RequiredArg, Repeat: true, Help: "reset to the first record at or after YYYY-MM-DDTHH:mm:SS.sss[zone]"},
		Option{Name: "by-duration", Arg: RequiredArg, Help: "reset to the first record at or after an ISO 8601 duration ago (PT1H)"},
		Option{Name: "from-file", Arg: RequiredArg, Repeat: true, Help: "reset to the offsets of a CSV file (topic,partition,offset or group,topic,partition,offset)"},
		Option{Name: "delete-internal-topic", Arg: RequiredArg, Repeat: true, Help: "with --reset-offsets --execute: delete this internal topic (repeatable)"},
		Option{Name: "delete-all-internal-topics", Help: "with --delete or --reset-offsets --execute: delete the group's internal topics"},
	)
	return &Script{
		Name:    "kafka-streams-groups.sh",
		Summary: "This tool helps to list, describe, delete and manage the offsets of streams groups.",
		Native:  "kafkit group",
		Options: opts,
		Version: "4.4.0",
		Run:     streamsGroupsRun,
	}
}

// streamsUsage is a Java usage error: the message on stderr and exit 1; parse errors
// (joptsimple's, raised before the tool has its parser) come without the help hint.
type streamsUsage struct {
	msg   string
	parse bool
}

func streamsGroupsRun(ctx context.Context, e *Env, p *Parsed) error {
	if u := streamsArgs(p); u != nil {
		if u.parse {
			fmt.Fprintln(e.IO.ErrOut, u.msg)
			return cmdutil.SilentError
		}
		return usageError(e, "kafka-streams-groups.sh", u.msg)
	}
	ctx, cancel, err := e.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := e.Admin()
	if err != nil {
		return err
	}
	s := &streamsCompat{e: e, adm: adm, p: p}
	switch streamsAction(p) {
	case "list":
		err = s.list(ctx)
	case "describe":
		err = s.describe(ctx)
	case "reset-offsets":
		err = s.reset(ctx)
	case "delete":
		err = s.delete(ctx)
	default:
		err = s.deleteOffsets(ctx)
	}
	var u *usageMessage
	switch {
	case errors.As(err, &u):
		return usageError(e, "kafka-streams-groups.sh", u.msg)
	case errors.Is(err, cmdutil.SilentError):
		return err
	case err != nil:
		fmt.Fprintf(e.IO.Out, "\nError: Executing streams group command failed due to %s\n", javaErrText(e, err))
		return cmdutil.SilentError
	}
	return s.status
}

// streamsCompat runs one kafka-streams-groups.sh action; status is the exit error after the
// output (a group that failed), nil when all went well.
type streamsCompat struct {
	e      *Env
	adm    *cmdutil.Admin
	p      *Parsed
	status error
}

func streamsAction(p *Parsed) string {
	for _, a := range streamsGroupActions {
		if p.Has(a) {
			return a
		}
	}
	return ""
}

// streamsArgs is the Java tool's validation, in its order: joptsimple's availableIf at parse
// time, then checkArgs, the action count, and the typed values its service reads.
func streamsArgs(p *Parsed) *streamsUsage {
	if msg := streamsUnavailable(p); msg != "" {
		return &streamsUsage{msg: msg, parse: true}
	}
	for _, check := range []func(*Parsed) string{streamsDescribeArgs, streamsDeleteArgs, streamsResetArgs, streamsInternalTopicArgs, streamsInvalidArgs} {
		if msg := check(p); msg != "" {
			return &streamsUsage{msg: msg}
		}
	}
	n := 0
	for _, a := range streamsGroupActions {
		if p.Has(a) {
			n++
		}
	}
	if n != 1 {
		return &streamsUsage{msg: "Command must include exactly one action: --list, --describe, --delete, --reset-offsets, or --delete-offsets."}
	}
	if err := repeated(streamsGroupsScript().Options, p); err != nil {
		return &streamsUsage{msg: err.Error()}
	}
	for _, o := range []string{"to-offset", "shift-by", "timeout"} {
		for _, v := range p.Values(o) {
			if _, err := strconv.ParseInt(v, 10, 64); err != nil {
				return &streamsUsage{msg: fmt.Sprintf("Cannot parse argument '%s' of option %s", v, o)}
			}
		}
	}
	return nil
}

// streamsUnavailable is joptsimple's availableIf: --state needs --list or --describe; the
// describe sub-options need --describe.
func streamsUnavailable(p *Parsed) string {
	var bad []string
	if p.Has("state") && !p.Has("list") && !p.Has("describe") {
		bad = append(bad, "state")
	}
	for _, o := range []string{"members", "offsets", "topology", "verbose"} {
		if p.Has(o) && !p.Has("describe") {
			bad = append(bad, o)
		}
	}
	if len(bad) == 0 {
		return ""
	}
	return "Option(s) [" + strings.Join(bad, ", ") + "] are unavailable given other options on the command line"
}

func streamsDescribeArgs(p *Parsed) string {
	if !p.Has("describe") {
		return ""
	}
	if !p.Has("group") && !p.Has("all-groups") {
		return "Option [describe] takes one of these options: [all-groups], [group]"
	}
	n := 0
	for _, o := range []string{"members", "offsets", "state", "topology"} {
		if p.Has(o) {
			n++
		}
	}
	if n > 1 {
		return "Option [describe] takes at most one of these options: [members], [offsets], [state], [topology]"
	}
	if p.Has("state") && p.Value("state") != "" {
		return "Option [describe] does not take a value for [state]"
	}
	return ""
}

func streamsDeleteArgs(p *Parsed) string {
	switch {
	case p.Has("delete") && !p.Has("group") && !p.Has("all-groups"):
		return "Option [delete] takes one of these options: [all-groups], [group]"
	case p.Has("delete") && (p.Has("input-topic") || p.Has("all-input-topics")):
		return "Kafka Streams does not support topic-specific offset deletion from a streams group."
	case p.Has("delete-offsets") && ((!p.Has("input-topic") && !p.Has("all-input-topics")) || !p.Has("group")):
		return "Option [delete-offsets] takes the [group] and one of these options: [all-input-topics], [input-topic]"
	case p.Has("delete-offsets") && len(p.Values("group")) > 1:
		return "Option [delete-offsets] supports only one [group] at a time, but found: [" + strings.Join(p.Values("group"), ", ") + "]"
	}
	return ""
}

// streamsScenarios are --reset-offsets' targets in the order the Java tool checks them.
var streamsScenarios = []string{"to-offset", "to-datetime", "by-duration", "to-earliest", "to-latest", "to-current", "shift-by", "from-file"}

func streamsResetArgs(p *Parsed) string {
	if !p.Has("reset-offsets") {
		return ""
	}
	switch {
	case p.Has("dry-run") && p.Has("execute"):
		return "Option [reset-offsets] only accepts one of [execute] and [dry-run]"
	case !p.Has("dry-run") && !p.Has("execute"):
		return "Option [reset-offsets] takes the option: [execute] or [dry-run]"
	case !p.Has("group") && !p.Has("all-groups"):
		return "Option [reset-offsets] takes one of these options: [all-groups], [group]"
	}
	for _, used := range streamsScenarios {
		if !p.Has(used) {
			continue
		}
		for _, o := range streamsScenarios {
			if o != used && p.Has(o) {
				return fmt.Sprintf(`Option "[%s]" can't be used with option "[%s]"`, used, o)
			}
		}
	}
	return ""
}

func streamsInternalTopicArgs(p *Parsed) string {
	switch {
	case p.Has("delete-all-internal-topics") && !p.Has("reset-offsets") && !p.Has("delete"):
		return "Option [delete-all-internal-topics] takes one of these options: [delete], [reset-offsets]"
	case p.Has("delete-all-internal-topics") && p.Has("reset-offsets") && !p.Has("execute"):
		return "Option [delete-all-internal-topics] takes [execute] when [reset-offsets] is used."
	case !p.Has("delete-all-internal-topics") && p.Has("delete-internal-topic") && (!p.Has("reset-offsets") || !p.Has("execute")):
		return "Option [delete-internal-topic] takes [reset-offsets] when [execute] is used."
	case (p.Has("dry-run") || p.Has("execute")) && !p.Has("reset-offsets"):
		return "Only Option [reset-offsets] accepts [execute] or [dry-run]"
	}
	return ""
}

// streamsInvalidArgs is checkArgs' last part: option pairs that cannot go together.
func streamsInvalidArgs(p *Parsed) string {
	pairs := [][2]string{{"list", "members"}, {"list", "offsets"}, {"list", "topology"}, {"group", "all-groups"}, {"group", "list"},
		{"input-topic", "list"}, {"input-topic", "describe"}, {"input-topic", "delete"}}
	for _, pr := range pairs {
		if p.Has(pr[0]) && p.Has(pr[1]) {
			return fmt.Sprintf(`Option "[%s]" can't be used with option "[%s]"`, pr[0], pr[1])
		}
	}
	return ""
}

func (s *streamsCompat) list(ctx context.Context) error {
	states, err := javaFilter(s.p.Value("state"), []string{"empty", "notready", "stable", "assigning", "reconciling", "dead"},
		"Invalid state list '%s'. Valid states are: Empty, NotReady, Stable, Assigning, Reconciling, Dead")
	if err != nil {
		return &usageMessage{err.Error()}
	}
	listed, err := listedOfType(ctx, s.adm, "streams")
	if err != nil {
		return err
	}
	printStreamsList(s.e, listed, s.p.Has("state"), states)
	return nil
}

func printStreamsList(e *Env, listed kadm.ListedGroups, withState bool, states map[string]bool) {
	if !withState {
		for _, g := range listed.Sorted() {
			fmt.Fprintln(e.IO.Out, g.Group)
		}
		return
	}
	var rows []kadm.ListedGroup
	width := 15
	for _, g := range listed.Sorted() {
		if len(states) == 0 || states[strings.ToLower(g.State)] {
			rows = append(rows, g)
			width = max(width, len(g.Group))
		}
	}
	fmt.Fprintf(e.IO.Out, "%-*s %s\n", width, "GROUP", "STATE")
	for _, g := range rows {
		fmt.Fprintf(e.IO.Out, "%-*s %s\n", width, g.Group, g.State)
	}
}

// streamsGroupNames is --group (in order, as given) or, with --all-groups, every streams group.
func (s *streamsCompat) groupNames(ctx context.Context) ([]string, error) {
	if !s.p.Has("all-groups") {
		return s.p.Values("group"), nil
	}
	listed, err := listedOfType(ctx, s.adm, "streams")
	if err != nil {
		return nil, err
	}
	return listed.Groups(), nil
}
