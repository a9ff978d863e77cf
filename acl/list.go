package acl

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
)

type listOptions struct {
	IO      *cmdutil.IOStreams
	Admin   func() (*cmdutil.Admin, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer

	Filters []Filter
}

const listLong = `List ACLs: every ACL of the cluster, or those selected by the flags. A flag narrows the
selection; repeated flags add alternatives (--topic a --topic b lists the ACLs of both).

--pattern decides how resource names compare: any (the default) lists the ACLs on exactly
that name, literal or prefixed; literal or prefixed only that kind; match every ACL that
applies to the name (literal, the '*' wildcard, and prefixes of it).`

func newCmdList(f *cmdutil.Factory, runF func(context.Context, *listOptions) error) *cobra.Command {
	opts := &listOptions{IO: f.IO, Admin: f.Admin, Context: f.Context}
	var spec Spec
	var of cmdutil.OutputFlags
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List ACLs",
		Long:    listLong,
		Example: `  kafkit acl list
  kafkit acl list --principal User:orders-app
  kafkit acl list --topic orders --pattern match -o json`,
		Args: cmdutil.Args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			fs, err := spec.Filters(kmsg.ACLResourcePatternTypeAny)
			if err != nil {
				return cmdutil.UsageErrorf("%v", err)
			}
			opts.Filters = fs
			if opts.Printer, err = of.Printer(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	addSpecFlags(f, cmd, &spec, verbList)
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	return cmd
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
	bs, err := Describe(ctx, adm, opts.Filters)
	if err != nil {
		return err
	}
	rows := Rows(bs)
	return opts.Printer.Print(opts.IO.Out, rows, func(t *output.Text) error {
		return printRows(t, rows, false)
	})
}
