package cmdutil

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/output"
)

// OutputFlags are -o/--output and --no-headers, shared by every command that prints data.
type OutputFlags struct {
	Output    string
	NoHeaders bool
	allowed   []output.Format
}

// AddOutputFlags registers -o and --no-headers on cmd; allowed defaults to table|wide|json|yaml.
func AddOutputFlags(cmd *cobra.Command, o *OutputFlags, allowed ...output.Format) {
	if len(allowed) == 0 {
		allowed = output.DefaultFormats
	}
	o.allowed = allowed
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	cmd.Flags().StringVarP(&o.Output, "output", "o", "table", "output format: "+strings.Join(names, "|"))
	cmd.Flags().BoolVar(&o.NoHeaders, "no-headers", false, "omit table headers (table and wide output)")
	_ = cmd.RegisterFlagCompletionFunc("output", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return names, cobra.ShellCompDirectiveNoFileComp
	})
}

// Printer resolves the flags to a printer; an unknown format is a usage error (exit 2). Call it
// before any Kafka request.
func (o *OutputFlags) Printer() (output.Printer, error) {
	f, err := output.ParseFormat(o.Output, o.allowed...)
	if err != nil {
		return output.Printer{}, &ExitError{Code: ExitUsage, Err: err}
	}
	return output.Printer{Format: f, NoHeaders: o.NoHeaders}, nil
}

// Args wraps a cobra argument validator so that its failure is a usage error (exit 2).
func Args(v cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := v(cmd, args); err != nil {
			return &ExitError{Code: ExitUsage, Err: err}
		}
		return nil
	}
}

// GroupCommand makes cmd (a command with subcommands, such as `topic`) print its help when run
// alone and give a usage error, with suggestions, for an unknown subcommand.
func GroupCommand(cmd *cobra.Command) {
	cmd.Args = func(c *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		msg := fmt.Sprintf("unknown command %q for %q", args[0], c.CommandPath())
		if c.SuggestionsMinimumDistance <= 0 {
			c.SuggestionsMinimumDistance = 2
		}
		if s := c.SuggestionsFor(args[0]); len(s) > 0 {
			msg += "; did you mean " + strings.Join(s, " or ") + "?"
		}
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("%s", msg)}
	}
	cmd.RunE = func(c *cobra.Command, args []string) error {
		return c.Help()
	}
}

// CompleteWith returns a cobra completion function that asks the cluster for candidates (topic
// or group names) within two seconds; any failure completes nothing, silently.
func CompleteWith(f *Factory, list func(ctx context.Context, adm *Admin) ([]string, error)) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		adm, err := f.Admin()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		ctx, cancel := context.WithTimeout(cmd.Context(), 2*time.Second)
		defer cancel()
		names, err := list(ctx, adm)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []string
		for _, n := range names {
			if strings.HasPrefix(n, toComplete) {
				out = append(out, n)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// CompleteTopics completes topic names (internal topics only once "_" is typed).
func CompleteTopics(f *Factory) cobra.CompletionFunc {
	return CompleteWith(f, func(ctx context.Context, adm *Admin) ([]string, error) {
		td, err := adm.ListTopicsWithInternal(ctx)
		if err != nil {
			return nil, err
		}
		return td.Names(), nil
	})
}

// CompleteGroups completes consumer group names.
func CompleteGroups(f *Factory) cobra.CompletionFunc {
	return CompleteWith(f, func(ctx context.Context, adm *Admin) ([]string, error) {
		gs, err := adm.ListGroups(ctx)
		if err != nil {
			return nil, err
		}
		return gs.Groups(), nil
	})
}
