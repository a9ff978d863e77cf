package compat

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// The actions of kafka-consumer-groups.sh this layer answers, and those it points elsewhere.
var groupActions = []string{"list", "describe", "delete", "reset-offsets", "delete-offsets"}

func consumerGroupsScript() *Script {
	opts := append(commonOptions(),
		Option{Name: "list", Help: "list the consumer groups (--state, --type add columns and filter)"},
		Option{Name: "describe", Help: "describe groups: offsets and lag (default), --members, --state"},
		Option{Name: "group", Arg: RequiredArg, Repeat: true, Help: "the group (repeatable)"},
		Option{Name: "all-groups", Help: "every group"},
		Option{Name: "offsets", Help: "with --describe: partitions with offsets and lag (the default)"},
		Option{Name: "members", Help: "with --describe: the members"},
		Option{Name: "verbose", Help: "with --describe: more columns (epochs, assignments)"},
		Option{Name: "state", Arg: OptionalArg, Help: "with --list: the state column, or only groups in these states; with --describe: the group's state"},
		Option{Name: "type", Arg: OptionalArg, Help: "with --list: the type column, or only groups of these types"},
		Option{Name: "timeout", Arg: RequiredArg, Help: "timeout in ms for describing groups"},
		Option{Name: "topic", Arg: RequiredArg, Repeat: true, Help: "the topic, or topic:partition,partition (reset-offsets, delete-offsets; repeatable)"},
		Option{Name: "delete", Help: "delete the groups (--group, repeatable, or --all-groups)"},
		Option{Name: "reset-offsets", Help: "reset the groups' offsets: a plan (dry run) unless --execute; kafkit group seek does the work"},
		Option{Name: "delete-offsets", Help: "delete the group's offsets of --topic"},
		Option{Name: "all-topics", Help: "with --reset-offsets: every topic the group has offsets for"},
		Option{Name: "dry-run", Help: "with --reset-offsets: only print the plan (the default)"},
		Option{Name: "execute", Help: "with --reset-offsets: commit the plan"},
		Option{Name: "export", Help: "with --reset-offsets: print the plan as CSV (for --from-file)"},
		Option{Name: "to-earliest", Help: "reset to the log start"},
		Option{Name: "to-latest", Help: "reset to the log end"},
		Option{Name: "to-current", Help: "reset to the committed offset (the log end where there is none)"},
		Option{Name: "to-offset", Arg: RequiredArg, Help: "reset to this offset (clamped to the log)"},
		Option{Name: "shift-by", Arg: RequiredArg, Help: "move the committed offset by N (negative: back)"},
		Option{Name: "to-datetime", Arg: RequiredArg, Help: "reset to the first record at or after YYYY-MM-DDTHH:mm:SS.sss[zone] (UTC without a zone)"},
		Option{Name: "by-duration", Arg: RequiredArg, Help: "reset to the first record at or after an ISO 8601 duration ago (PT1H, P1DT2H)"},
		Option{Name: "from-file", Arg: RequiredArg, Help: "reset to the offsets of a CSV file (topic,partition,offset or group,topic,partition,offset)"},
	)
	return &Script{
		Name:    "kafka-consumer-groups.sh",
		Summary: "This tool helps to list all consumer groups, describe a consumer group, delete consumer group info, or reset consumer group offsets.",
		Native:  "kafkit group",
		Options: opts,
		Run:     consumerGroupsRun,
	}
}

func consumerGroupsRun(ctx context.Context, e *Env, p *Parsed) error {
	var actions []string
	for _, a := range groupActions {
		if p.Has(a) {
			actions = append(actions, a)
		}
	}
	if len(actions) != 1 {
		return usageError(e, "kafka-consumer-groups.sh", "Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets")
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
	if actions[0] != "list" && !p.Has("group") && !p.Has("all-groups") {
		return usageError(e, "kafka-consumer-groups.sh", fmt.Sprintf("Option [%s] takes one of these options: [all-groups], [group]", actions[0]))
	}
	switch actions[0] {
	case "list":
		err = groupsList(ctx, e, adm, p)
	case "describe":
		err = groupsDescribe(ctx, e, adm, p)
	case "reset-offsets":
		err = groupsReset(ctx, e, adm, p)
	case "delete":
		err = groupsDelete(ctx, e, adm, p)
	default:
		err = groupsDeleteOffsets(ctx, e, adm, p)
	}
	if errors.Is(err, cmdutil.SilentError) {
		return err
	}
	if err != nil {
		fmt.Fprintf(e.IO.Out, "\nError: Executing consumer group command failed due to %v\n", e.Explain(err))
		return cmdutil.SilentError
	}
	return nil
}

// listedGroup is one consumer group as --list shows it.
type listedGroup struct{ name, typ, state string }

var javaGroupTypes = map[string]string{"classic": "Classic", "consumer": "Consumer", "share": "Share", "streams": "Streams"}

func groupsList(ctx context.Context, e *Env, adm *cmdutil.Admin, p *Parsed) error {
	types, err := javaFilter(p.Value("type"), []string{"classic", "consumer"}, "Invalid types list '%s'. Valid types are: classic, consumer")
	if err != nil {
		return err
	}
	states, err := javaFilter(p.Value("state"), []string{"preparingrebalance", "completingrebalance", "stable", "dead", "empty", "assigning", "reconciling"},
		"Invalid state list '%s'. Valid states are: PreparingRebalance, CompletingRebalance, Stable, Dead, Empty, Assigning, Reconciling")
	if err != nil {
		return err
	}
	listed, err := adm.ListGroups(ctx)
	if err != nil {
		return err
	}
	var rows []listedGroup
	for _, g := range listed.Sorted() {
		typ := g.GroupType
		if typ == "" {
			typ = "classic"
		}
		if (g.ProtocolType != "consumer" && g.ProtocolType != "") || typ == "share" || typ == "streams" {
			continue
		}
		if (len(types) > 0 && !types[typ]) || (len(states) > 0 && !states[strings.ToLower(g.State)]) {
			continue
		}
		rows = append(rows, listedGroup{name: g.Group, typ: javaGroupTypes[typ], state: g.State})
	}
	printGroupList(e, rows, p.Has("type"), p.Has("state"))
	return nil
}

// javaFilter parses --state/--type values (comma separated, any case); unknown ones are the
// Java tool's IllegalArgumentException.
func javaFilter(v string, valid []string, errFormat string) (map[string]bool, error) {
	out := map[string]bool{}
	if v == "" {
		return out, nil
	}
	for _, s := range strings.Split(v, ",") {
		s = strings.ToLower(strings.TrimSpace(s))
		if !contains(valid, s) {
			return nil, fmt.Errorf(errFormat, v)
		}
		out[s] = true
	}
	return out, nil
}

func printGroupList(e *Env, rows []listedGroup, withType, withState bool) {
	if !withType && !withState {
		for _, r := range rows {
			fmt.Fprintln(e.IO.Out, r.name)
		}
		return
	}
	width := 15
	for _, r := range rows {
		width = max(width, len(r.name))
	}
	line := func(name, typ, state string) {
		s := fmt.Sprintf("%-*s", width+10, name)
		if withType {
			s += fmt.Sprintf(" %-20s", typ)
		}
		if withState {
			s += fmt.Sprintf(" %-20s", state)
		}
		fmt.Fprintln(e.IO.Out, s)
	}
	line("GROUP", "TYPE", "STATE")
	for _, r := range rows {
		line(r.name, r.typ, r.state)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
