package compat

import (
	"context"
	"fmt"
	"strings"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// kafka-share-groups.sh (ShareGroupCommand, Kafka 4.1): --list [--state], --describe
// [--offsets|--members|--state] [--verbose], --delete, --delete-offsets. Kafka 4.1's tool does
// not implement --reset-offsets; kafkit points to `kafkit group seek`, which does.

var shareGroupActions = []string{"list", "describe", "delete", "reset-offsets", "delete-offsets"}

const shareSeekHint = "Kafka 4.1's kafka-share-groups.sh does not implement it either: use kafkit group seek GROUP --to start|end|@TIME --topic T (a dry run first; --execute applies it)"

func shareGroupsScript() *Script {
	opts := append(commonOptions(),
		Option{Name: "list", Help: "list the share groups (--state adds the state, or filters by it)"},
		Option{Name: "describe", Help: "describe share groups: start offsets (default), --members, --state"},
		Option{Name: "delete", Help: "delete share groups (they must be empty)"},
		Option{Name: "delete-offsets", Help: "delete the offsets of one share group for --topic topics"},
		Option{Name: "group", Arg: RequiredArg, Repeat: true, Help: "the share group (repeatable)"},
		Option{Name: "all-groups", Help: "every share group"},
		Option{Name: "offsets", Help: "with --describe: partitions with their start offsets (the default)"},
		Option{Name: "members", Help: "with --describe: the members"},
		Option{Name: "state", Arg: OptionalArg, Help: "with --list: the state column, or only groups in these states; with --describe: the group's state"},
		Option{Name: "verbose", Help: "with --describe: leader epochs, member and group epochs"},
		Option{Name: "topic", Arg: RequiredArg, Repeat: true, Help: "with --delete-offsets: the topic"},
		Option{Name: "timeout", Arg: RequiredArg, Help: "timeout in ms"},
		Option{Name: "reset-offsets", Unsupported: shareSeekHint},
	)
	for _, o := range []string{"all-topics", "dry-run", "execute", "to-earliest", "to-latest"} {
		opts = append(opts, Option{Name: o, Unsupported: "a --reset-offsets option: " + shareSeekHint})
	}
	opts = append(opts, Option{Name: "to-datetime", Arg: RequiredArg, Unsupported: "a --reset-offsets option: " + shareSeekHint})
	return &Script{
		Name:    "kafka-share-groups.sh",
		Summary: "This tool helps to list, describe, reset and delete share groups.",
		Native:  "kafkit group",
		Options: opts,
		Run:     shareGroupsRun,
	}
}

func shareGroupsRun(ctx context.Context, e *Env, p *Parsed) error {
	if err := repeated(shareGroupsScript().Options, p); err != nil {
		fmt.Fprintln(e.IO.ErrOut, err)
		return cmdutil.SilentError
	}
	var actions []string
	for _, a := range shareGroupActions {
		if p.Has(a) {
			actions = append(actions, a)
		}
	}
	if len(actions) != 1 {
		return usageError(e, "kafka-share-groups.sh", "Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets.")
	}
	if msg := shareGroupsArgs(actions[0], p); msg != "" {
		return usageError(e, "kafka-share-groups.sh", msg)
	}
	states, err := javaFilter(p.Value("state"), []string{"dead", "empty", "stable"}, "Invalid state list '%s'. Valid states are: Dead, Empty, Stable")
	if err != nil && actions[0] == "list" {
		fmt.Fprintln(e.IO.ErrOut, err)
		return cmdutil.SilentError
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
	s := &shareCompat{e: e, adm: adm, p: p}
	switch actions[0] {
	case "list":
		err = s.list(ctx, states)
	case "describe":
		err = s.describe(ctx)
	case "delete":
		err = s.delete(ctx)
	default:
		err = s.deleteOffsets(ctx)
	}
	if err != nil {
		fmt.Fprintf(e.IO.Out, "\nError: Executing share group command failed due to %s\n", javaErrText(e, err))
		return cmdutil.SilentError
	}
	return s.status
}

// shareGroupsArgs is the Java tool's check of the options an action needs.
func shareGroupsArgs(action string, p *Parsed) string {
	switch {
	case (action == "describe" || action == "delete") && !p.Has("group") && !p.Has("all-groups"):
		return fmt.Sprintf("Option [%s] takes one of these options: [all-groups], [group]", action)
	case action == "delete-offsets" && (!p.Has("group") || !p.Has("topic")):
		return "Option [delete-offsets] takes the following options: [group], [topic]"
	case action == "delete-offsets" && len(p.Values("group")) > 1:
		return "Option [delete-offsets] supports only one [group] at a time, but found: " + strings.Join(p.Values("group"), ", ")
	}
	return ""
}

// javaErrText is an error as the Java tool prints it: a Kafka error as its exception class and
// message, anything else explained.
func javaErrText(e *Env, err error) string {
	if je, ok := err.(javaError); ok {
		return je.class + ": " + je.msg
	}
	return e.Explain(err).Error()
}

// javaError is a failure the Java tool reports with an exception class name.
type javaError struct{ class, msg string }

func (j javaError) Error() string { return j.msg }
