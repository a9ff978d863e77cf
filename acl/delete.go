package acl

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/outcome"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/text"
)

type deleteOptions struct {
	IO       *cmdutil.IOStreams
	Admin    func() (*cmdutil.Admin, error)
	Context  func(context.Context) (context.Context, context.CancelFunc, error)
	Printer  output.Printer
	Prompter cmdutil.Prompter

	Filters []Filter
	Yes     bool
	DryRun  bool
}

const deleteLong = `Delete the ACLs the flags select (the same flags as list; --pattern defaults to literal).
At least a resource or a --principal is needed. The matching ACLs are listed first; deleting
them needs --yes (or a "y" at the prompt when stdin is a terminal). --dry-run only lists them
and exits 3 when something would be deleted.

Exactly the ACLs listed are deleted, in one DeleteACLs request (one exact filter per ACL), so
an ACL created between the listing and the delete is kept. --producer / --consumer select the
ACLs those conveniences of create make.`

func newCmdDelete(f *cmdutil.Factory, runF func(context.Context, *deleteOptions) error) *cobra.Command {
	opts := &deleteOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Prompter: f.Confirmer()}
	var spec Spec
	var of cmdutil.OutputFlags
	cmd := &cobra.Command{
		Use:     "delete (RESOURCE... | --principal TYPE:NAME) [flags]",
		Aliases: []string{"rm"},
		Short:   "Delete ACLs (lists them first; needs --yes)",
		Long:    deleteLong,
		Example: `  kafkit acl delete --principal User:orders-app --dry-run
  kafkit acl delete --principal User:orders-app --topic orders --yes
  kafkit acl delete --principal User:orders-app --producer --topic orders --yes`,
		Args: cmdutil.Args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			rs, _ := spec.resources()
			if len(rs) == 0 && len(spec.Principals) == 0 {
				return cmdutil.UsageErrorf("name what to delete: a resource (--topic, --group, --cluster, ...) or --principal")
			}
			fs, err := spec.Filters(kmsg.ACLResourcePatternTypeLiteral)
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
			return deleteRun(cmd.Context(), opts)
		},
	}
	addSpecFlags(f, cmd, &spec, verbDelete)
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "delete without asking")
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "list what would be deleted; exit 3 if anything would be")
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	return cmd
}

func deleteRun(ctx context.Context, opts *deleteOptions) error {
	ctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := opts.Admin()
	if err != nil {
		return err
	}
	matched, err := Describe(ctx, adm, opts.Filters)
	if err != nil {
		return err
	}
	if len(matched) == 0 {
		fmt.Fprintln(opts.IO.ErrOut, "no ACL matches: nothing to delete")
		return opts.Printer.Print(opts.IO.Out, []Row{}, func(t *output.Text) error { return nil })
	}
	if err := confirmDelete(opts, matched); err != nil {
		return err
	}
	rows := Rows(matched)
	for i := range rows {
		rows[i].Result = outcome.WouldDelete
	}
	if !opts.DryRun {
		if err := executeDelete(ctx, adm, matched, rows); err != nil {
			return err
		}
	}
	if err := opts.Printer.Print(opts.IO.Out, rows, func(t *output.Text) error { return printRows(t, rows, true) }); err != nil {
		return err
	}
	return finish(opts.IO, rows, opts.DryRun)
}

// confirmDelete shows the matching ACLs on stderr and asks, unless --yes or --dry-run.
func confirmDelete(opts *deleteOptions, matched []Binding) error {
	if opts.DryRun || opts.Yes {
		return nil
	}
	fmt.Fprintf(opts.IO.ErrOut, "%s match:\n", text.Count(len(matched), "ACL"))
	t := &output.Text{W: opts.IO.ErrOut}
	if err := printRows(t, Rows(matched), false); err != nil {
		return err
	}
	return cmdutil.Confirm(opts.Prompter, false, fmt.Sprintf("Delete %s?", text.Count(len(matched), "ACL")))
}

// executeDelete deletes exactly the listed ACLs (one exact filter each, one request) and sets
// each row's result: deleted, or failed with the broker's error (an ACL that vanished in the
// meantime is reported as failed: not found).
func executeDelete(ctx context.Context, r kmsg.Requestor, matched []Binding, rows []Row) error {
	fs := make([]Filter, len(matched))
	for i, b := range matched {
		fs[i] = b.Exact()
	}
	res, err := Delete(ctx, r, fs)
	if err != nil {
		return err
	}
	for i, d := range res {
		rows[i].Result = outcome.Deleted
		switch {
		case d.Err != nil:
			rows[i].Result, rows[i].Error = outcome.Failed, d.Err.Error()
		case len(d.Matched) == 0:
			rows[i].Result, rows[i].Error = outcome.Failed, "not found (deleted meanwhile?)"
		default:
			if e := errors.Join(d.Errs...); e != nil {
				rows[i].Result, rows[i].Error = outcome.Failed, e.Error()
			}
		}
	}
	return nil
}
