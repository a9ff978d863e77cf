package compat

import (
	"context"
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// kafka-streams-groups.sh (StreamsGroupCommand, Kafka 4.1): --list [--state]. Its --describe,
// --delete and offset actions are refused with the native command: their output could not be
// checked against Kafka 4.1.1 (streams groups need streams.version=1, unstable there).

const streamsNative = "use kafkit group describe GROUP [--members] (tasks and sub-topologies), kafkit group delete GROUP [--include-internal-topics], kafkit group seek / delete-offsets"

func streamsGroupsScript() *Script {
	opts := append(commonOptions(),
		Option{Name: "list", Help: "list the streams groups (--state adds the state, or filters by it)"},
		Option{Name: "state", Arg: OptionalArg, Help: "with --list: the state column, or only groups in these states"},
		Option{Name: "timeout", Arg: RequiredArg, Help: "timeout in ms"},
		Option{Name: "describe", Unsupported: streamsNative},
		Option{Name: "delete", Unsupported: streamsNative},
		Option{Name: "delete-offsets", Unsupported: streamsNative},
		Option{Name: "reset-offsets", Unsupported: streamsNative},
	)
	for _, o := range []string{"all-groups", "members", "offsets", "verbose", "all-input-topics", "dry-run", "execute", "to-earliest", "to-latest", "to-current", "include-internal-topics"} {
		opts = append(opts, Option{Name: o, Unsupported: "a --describe/--delete/--reset-offsets option: " + streamsNative})
	}
	for _, o := range []string{"group", "input-topic", "to-offset", "shift-by", "to-datetime", "by-duration", "from-file", "internal-topics"} {
		opts = append(opts, Option{Name: o, Arg: RequiredArg, Unsupported: "a --describe/--delete/--reset-offsets option: " + streamsNative})
	}
	return &Script{
		Name:    "kafka-streams-groups.sh",
		Summary: "This tool helps to list, or describe streams groups.",
		Native:  "kafkit group",
		Options: opts,
		Run:     streamsGroupsRun,
	}
}

func streamsGroupsRun(ctx context.Context, e *Env, p *Parsed) error {
	if err := repeated(streamsGroupsScript().Options, p); err != nil {
		fmt.Fprintln(e.IO.ErrOut, err)
		return cmdutil.SilentError
	}
	if !p.Has("list") {
		return usageError(e, "kafka-streams-groups.sh", "Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets.")
	}
	states, err := javaFilter(p.Value("state"), []string{"empty", "notready", "stable", "assigning", "reconciling", "dead"},
		"Invalid state list '%s'. Valid states are: Empty, NotReady, Stable, Assigning, Reconciling, Dead")
	if err != nil {
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
	listed, err := listedOfType(ctx, adm, "streams")
	if err != nil {
		fmt.Fprintf(e.IO.Out, "\nError: Executing streams group command failed due to %v\n", e.Explain(err))
		return cmdutil.SilentError
	}
	printStreamsList(e, listed, p.Has("state"), states)
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
