package compat

import (
	"context"
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// kafka-groups.sh (GroupsCommand): --list of every group type, filtered by --group-type,
// --protocol, --consumer, --share or --streams.

func groupsScript() *Script {
	opts := append(commonOptions(),
		Option{Name: "list", Help: "list the groups of every type: GROUP, TYPE, PROTOCOL"},
		Option{Name: "group-type", Arg: RequiredArg, Help: "only groups of this type: classic, consumer, share, streams"},
		Option{Name: "protocol", Arg: RequiredArg, Help: "only groups of this protocol type (consumer, share, streams, connect...)"},
		Option{Name: "consumer", Help: "only consumer groups: type consumer, or classic with protocol consumer or none"},
		Option{Name: "share", Help: "only share groups"},
		Option{Name: "streams", Help: "only streams groups"},
	)
	return &Script{
		Name:    "kafka-groups.sh",
		Summary: "This tool helps to list groups of all types.",
		Native:  "kafkit group list",
		Options: opts,
		Run:     groupsCommandRun,
	}
}

// groupsFilter is the --list filter, as GroupsCommand combines its options.
type groupsFilter struct {
	typ, protocol           string // "" when not given
	consumer, share, stream bool
}

func groupsCommandRun(ctx context.Context, e *Env, p *Parsed) error {
	if err := repeated(groupsScript().Options, p); err != nil {
		fmt.Fprintln(e.IO.ErrOut, err)
		return cmdutil.SilentError
	}
	if !p.Has("list") {
		return usageError(e, "kafka-groups.sh", "Command must include exactly one action: --list.")
	}
	f := groupsFilter{typ: strings.ToLower(p.Value("group-type")), protocol: p.Value("protocol"), consumer: p.Has("consumer"), share: p.Has("share"), stream: p.Has("streams")}
	if p.Has("group-type") && javaGroupTypes[f.typ] == "" {
		fmt.Fprintln(e.IO.ErrOut, "--group-type must be a valid group type.")
		return cmdutil.SilentError
	}
	if msg := groupsConflict(p); msg != "" {
		return usageError(e, "kafka-groups.sh", msg)
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
	listed, err := adm.ListGroups(ctx)
	if err != nil {
		fmt.Fprintf(e.IO.Out, "Error while executing groups command : %v\n", e.Explain(err))
		return cmdutil.SilentError
	}
	printAllGroups(e, listed, f)
	return nil
}

// groupsConflict is joptsimple's message for options GroupsCommand does not combine.
func groupsConflict(p *Parsed) string {
	rules := []struct {
		opt    string
		others []string
	}{
		{"consumer", []string{"group-type", "protocol", "share", "streams"}},
		{"share", []string{"consumer", "group-type", "protocol", "streams"}},
		{"streams", []string{"consumer", "group-type", "protocol", "share"}},
	}
	for _, r := range rules {
		if !p.Has(r.opt) {
			continue
		}
		for _, o := range r.others {
			if p.Has(o) {
				return fmt.Sprintf("Option \"[%s]\" can't be used with option \"[%s]\"", r.opt, o)
			}
		}
	}
	return ""
}

// keep is GroupsCommand's combined filter for one listed group.
func (f groupsFilter) keep(typ, protocol string) bool {
	switch {
	case f.typ != "":
		return typ == f.typ && (f.protocol == "" || protocol == f.protocol)
	case f.protocol != "":
		return protocol == f.protocol
	case f.consumer:
		return protocol == "consumer" || protocol == "" || typ == "consumer"
	case f.share:
		return typ == "share"
	case f.stream:
		return typ == "streams"
	}
	return true
}

// printAllGroups prints GROUP TYPE PROTOCOL with one width for every column: the longest
// value, at least 20; rows end with a space, as the Java tool prints them.
func printAllGroups(e *Env, listed kadm.ListedGroups, f groupsFilter) {
	var rows [][3]string
	width := 20
	for _, g := range listed.Sorted() {
		if !f.keep(g.GroupType, g.ProtocolType) {
			continue
		}
		row := [3]string{g.Group, javaGroupTypes[g.GroupType], g.ProtocolType}
		for _, v := range row {
			width = max(width, len(v))
		}
		rows = append(rows, row)
	}
	fmt.Fprintf(e.IO.Out, "%-*s %-*s %-*s\n", width, "GROUP", width, "TYPE", width, "PROTOCOL")
	for _, r := range rows {
		fmt.Fprintf(e.IO.Out, "%-*s %-*s %-*s \n", width, r[0], width, r[1], width, r[2])
	}
}
