package compat

import (
	"context"
	"sort"

	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
)

type listOptions struct {
	IO      *cmdutil.IOStreams
	Printer output.Printer
	Script  string // "" for every script
}

// CoveredOption is one row of `compat list`: a script's option and what kafkit does with it.
type CoveredOption struct {
	Script string `json:"script"`
	Option string `json:"option"`
	Status string `json:"status"` // supported, ignored, unsupported
	Note   string `json:"note,omitempty"`
}

func newCmdList(f *cmdutil.Factory) *cobra.Command {
	opts := &listOptions{IO: f.IO}
	var of cmdutil.OutputFlags
	cmd := &cobra.Command{
		Use:   "list [SCRIPT]",
		Short: "Show which kafka-*.sh scripts and options kafkit covers",
		Long: `Show every kafka-*.sh script kafkit answers and, per option, whether it is supported,
accepted but ignored (with why), or refused (with the native kafkit command to use instead).`,
		Example: `  kafkit compat list
  kafkit compat list kafka-topics.sh -o json`,
		Args: cmdutil.Args(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := of.Printer()
			if err != nil {
				return err
			}
			opts.Printer = p
			if len(args) == 1 {
				s, ok := Lookup(args[0])
				if !ok {
					return cmdutil.UsageErrorf("unknown script %q: kafkit compat list shows the supported ones", args[0])
				}
				opts.Script = s.Name
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddOutputFlags(cmd, &of)
	return cmd
}

func listRun(_ context.Context, opts *listOptions) error {
	rows := coverage(scripts(), opts.Script)
	return opts.Printer.Print(opts.IO.Out, rows, func(t *output.Text) error {
		table := make([][]string, len(rows))
		for i, r := range rows {
			table[i] = []string{r.Script, "--" + r.Option, r.Status, r.Note}
		}
		return t.Table([]string{"SCRIPT", "OPTION", "STATUS", "NOTE"}, table)
	})
}

// coverage is the pure view behind `compat list`: one row per script option, sorted.
func coverage(all []*Script, only string) []CoveredOption {
	rows := []CoveredOption{}
	for _, s := range all {
		if only != "" && s.Name != only {
			continue
		}
		for _, name := range sortedNames(s.Options) {
			o := findOption(s.Options, name)
			r := CoveredOption{Script: s.Name, Option: name, Status: "supported", Note: o.Help}
			switch {
			case o.Unsupported != "":
				r.Status, r.Note = "unsupported", o.Unsupported
			case o.Ignored != "":
				r.Status, r.Note = "ignored", o.Ignored
			}
			rows = append(rows, r)
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Script < rows[j].Script })
	return rows
}

func findOption(opts []Option, name string) Option {
	for _, o := range opts {
		if o.Name == name {
			return o
		}
	}
	return Option{}
}
