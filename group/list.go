package group

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/text"
)

type listOptions struct {
	IO      *cmdutil.IOStreams
	Admin   func() (*cmdutil.Admin, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer

	States []string // lower case
	Types  []string // lower case
	Match  *regexp.Regexp
}

// ListedGroup is one row of `group list`.
type ListedGroup struct {
	Group           string `json:"group"`
	Type            string `json:"type"`
	State           string `json:"state"`
	Protocol        string `json:"protocol"` // the assignor (range, uniform, cooperative-sticky, ...)
	ProtocolType    string `json:"protocol_type"`
	Members         int    `json:"members"`
	Coordinator     int32  `json:"coordinator"`
	CoordinatorAddr string `json:"coordinator_address"`
	Error           string `json:"error,omitempty"`
}

func newCmdList(f *cmdutil.Factory, runF func(context.Context, *listOptions) error) *cobra.Command {
	opts := &listOptions{IO: f.IO, Admin: f.Admin, Context: f.Context}
	var of cmdutil.OutputFlags
	var states, types []string
	cmd := &cobra.Command{
		Use:     "list [REGEX]",
		Aliases: []string{"ls"},
		Short:   "List groups of every type with their type, state, assignor and member count",
		Long: `List the groups: GROUP, TYPE (classic, consumer for the KIP-848 protocol, share, streams),
STATE, PROTOCOL (the assignor) and MEMBERS; -o wide adds the coordinator; -o name prints only
the group names, one per line (control characters escaped, as in every table). --type asks the
brokers for those types only (ListGroups v5, as kafka-groups.sh --group-type).

REGEX keeps the groups whose whole name matches it. The groups are described in one batch per
coordinator, however many there are.`,
		Example: `  kafkit group list
  kafkit group list 'orders-.*' --state stable,empty
  kafkit group list --type consumer -o wide
  kafkit group list --state empty -o name
  kafkit group list -o json | jq -r '.[] | select(.members == 0) | .group'`,
		Args: cmdutil.Args(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				re, err := cmdutil.NameRegex(args[0])
				if err != nil {
					return cmdutil.UsageErrorf("group pattern: %v", err)
				}
				opts.Match = re
			}
			var err error
			if opts.States, err = splitLower(states, groupStates); err != nil {
				return cmdutil.UsageErrorf("--state: %v", err)
			}
			if opts.Types, err = splitLower(types, groupTypes); err != nil {
				return cmdutil.UsageErrorf("--type: %v", err)
			}
			p, err := of.Printer()
			if err != nil {
				return err
			}
			opts.Printer = p
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringSliceVar(&states, "state", nil, "only groups in these states ("+strings.Join(groupStates, ", ")+"), comma separated")
	cmd.Flags().StringSliceVar(&types, "type", nil, "only groups of these types: classic, consumer (KIP-848), share, streams")
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.Wide, output.JSON, output.YAML, output.Name)
	return cmd
}

// The group states Kafka 4.x reports (classic, KIP-848 consumer, share and streams groups), and
// the group types, lower case.
var (
	groupStates = []string{"stable", "empty", "preparingrebalance", "completingrebalance", "assigning", "reconciling", "notready", "dead"}
	groupTypes  = []string{"classic", "consumer", "share", "streams"}
)

// splitLower lower-cases comma-separated values; with allowed, an unknown one is an error.
func splitLower(vals []string, allowed []string) ([]string, error) {
	var out []string
	for _, v := range vals {
		for _, s := range strings.Split(v, ",") {
			s = strings.ToLower(strings.TrimSpace(s))
			if s == "" {
				continue
			}
			if allowed != nil && !contains(allowed, s) {
				return nil, fmt.Errorf("unknown value %q: use %s", s, strings.Join(allowed, ", "))
			}
			out = append(out, s)
		}
	}
	return out, nil
}

func listRun(ctx context.Context, opts *listOptions) error {
	ctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := opts.Admin()
	if err != nil {
		return err
	}
	snap, err := collect(ctx, adm, collectOptions{All: true, Types: opts.Types})
	if err != nil {
		return err
	}
	printWarnings(opts.IO.ErrOut, snap.Warnings)
	rows := listView(snap, opts)
	if err := opts.Printer.Print(opts.IO.Out, rows, func(t *output.Text) error { return opts.render(t, rows) }); err != nil {
		return err
	}
	failed := 0
	for _, r := range rows {
		if r.Error != "" {
			fmt.Fprintf(opts.IO.ErrOut, "error: group %q could not be described: %s\n", r.Group, text.Safe(r.Error))
			failed++
		}
	}
	if failed > 0 {
		return cmdutil.SilentError
	}
	return nil
}

func (opts *listOptions) render(t *output.Text, rows []ListedGroup) error {
	if t.Name {
		for _, r := range rows {
			if err := t.Linef("%s", text.Safe(r.Group)); err != nil {
				return err
			}
		}
		return nil
	}
	headers := []string{"GROUP", "TYPE", "STATE", "PROTOCOL", "MEMBERS"}
	if t.Wide {
		headers = append(headers, "COORDINATOR", "PROTOCOL-TYPE", "ERROR")
	}
	var table [][]string
	for _, r := range rows {
		row := []string{r.Group, r.Type, output.Dash(r.State), output.Dash(r.Protocol), strconv.Itoa(r.Members)}
		if t.Wide {
			coord := strconv.Itoa(int(r.Coordinator))
			if r.CoordinatorAddr != "" {
				coord += " (" + r.CoordinatorAddr + ")"
			}
			row = append(row, coord, output.Dash(r.ProtocolType), output.Dash(r.Error))
		}
		table = append(table, row)
	}
	return safeTable(t, headers, table)
}

// listView filters and shapes the collected groups, sorted by name.
func listView(snap *snapshot, opts *listOptions) []ListedGroup {
	rows := []ListedGroup{}
	for _, g := range snap.Groups {
		if opts.Match != nil && !opts.Match.MatchString(g.Name) {
			continue
		}
		if len(opts.States) > 0 && !contains(opts.States, strings.ToLower(g.State)) {
			continue
		}
		if len(opts.Types) > 0 && !contains(opts.Types, strings.ToLower(g.Type)) {
			continue
		}
		r := ListedGroup{Group: g.Name, Type: g.Type, State: g.State, Protocol: g.Assignor, ProtocolType: g.ProtocolType,
			Members: len(g.Members), Coordinator: g.Coordinator, CoordinatorAddr: g.CoordinatorAddr}
		if g.Err != nil {
			r.Error = g.Err.Error()
		}
		rows = append(rows, r)
	}
	return rows
}
