package acl

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/outcome"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/text"
)

type createOptions struct {
	IO      *cmdutil.IOStreams
	Admin   func() (*cmdutil.Admin, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer

	Bindings []Binding
	DryRun   bool
}

const createLong = `Create ACLs: every --principal × --host × --operation on every named resource, in one
CreateACLs request. An ACL that already exists is reported as "exists" and not sent again, so
create can be re-run safely.

Conveniences, as kafka-acls.sh expands them:
  --producer --topic T [--transactional-id X] [--idempotent]
      write, describe and create on T; write and describe on X; idempotent-write on the
      cluster with --idempotent
  --consumer --topic T --group G
      read and describe on T; read on G
Both may be given together.

--dry-run prints what would be created and exits 3 when anything would (0 when everything
already exists). Kafka has no validate-only CreateACLs: the dry run is checked against the
ACLs the cluster has now, not by the broker.`

func newCmdCreate(f *cmdutil.Factory, runF func(context.Context, *createOptions) error) *cobra.Command {
	opts := &createOptions{IO: f.IO, Admin: f.Admin, Context: f.Context}
	var spec Spec
	var of cmdutil.OutputFlags
	cmd := &cobra.Command{
		Use:   "create --principal TYPE:NAME (--operation OP... RESOURCE... | --producer | --consumer)",
		Short: "Create ACLs (idempotent)",
		Long:  createLong,
		Example: `  kafkit acl create --principal User:orders-app --producer --topic orders --idempotent
  kafkit acl create --principal User:orders-app --consumer --topic orders --group orders-app
  kafkit acl create --principal User:etl --operation read,describe --topic logs- --pattern prefixed
  kafkit acl create --principal User:intern --permission deny --operation write --topic '*' --dry-run`,
		Args: cmdutil.Args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			bs, err := spec.Bindings()
			if err != nil {
				return cmdutil.UsageErrorf("%v", err)
			}
			opts.Bindings = bs
			if opts.Printer, err = of.Printer(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return createRun(cmd.Context(), opts)
		},
	}
	addSpecFlags(f, cmd, &spec, verbCreate)
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "print what would be created (checked against the cluster's ACLs, not by the broker); exit 3 if anything would be")
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	return cmd
}

func createRun(ctx context.Context, opts *createOptions) error {
	ctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := opts.Admin()
	if err != nil {
		return err
	}
	existing, err := Describe(ctx, adm, []Filter{existingFilter(opts.Bindings)})
	if err != nil {
		return err
	}
	rows := planCreate(opts.Bindings, existing, opts.DryRun)
	if !opts.DryRun {
		if err := executeCreate(ctx, adm, opts.Bindings, rows); err != nil {
			return err
		}
	}
	if err := opts.Printer.Print(opts.IO.Out, rows, func(t *output.Text) error { return printRows(t, rows, true) }); err != nil {
		return err
	}
	return finish(opts.IO, rows, opts.DryRun)
}

// existingFilter selects what create must compare with: the one principal's ACLs when all
// bindings share it, else every ACL (one request either way).
func existingFilter(bs []Binding) Filter {
	f := Filter{Type: kmsg.ACLResourceTypeAny, Pattern: kmsg.ACLResourcePatternTypeAny, Operation: kmsg.ACLOperationAny, Permission: kmsg.ACLPermissionTypeAny}
	for i, b := range bs {
		if i > 0 && b.Principal != bs[0].Principal {
			return f
		}
	}
	if len(bs) > 0 {
		p := bs[0].Principal
		f.Principal = &p
	}
	return f
}

// planCreate is create's pure planner: exists for what the cluster has, would_create (dry
// run) or pending ("") for the rest, one row per binding in the bindings' order.
func planCreate(want, existing []Binding, dryRun bool) []Row {
	have := make(map[Binding]bool, len(existing))
	for _, b := range existing {
		have[b] = true
	}
	rows := make([]Row, len(want))
	for i, b := range want {
		rows[i] = RowOf(b)
		switch {
		case have[b]:
			rows[i].Result = outcome.Exists
		case dryRun:
			rows[i].Result = outcome.WouldCreate
		}
	}
	return rows
}

// executeCreate sends the pending rows' bindings in one request and fills in their results.
func executeCreate(ctx context.Context, r kmsg.Requestor, bs []Binding, rows []Row) error {
	var send []Binding
	var idx []int
	for i, row := range rows {
		if row.Result == "" {
			send, idx = append(send, bs[i]), append(idx, i)
		}
	}
	if len(send) == 0 {
		return nil
	}
	errs, err := Create(ctx, r, send)
	if err != nil {
		return err
	}
	for j, e := range errs {
		rows[idx[j]].Result = outcome.Created
		if e != nil {
			rows[idx[j]].Result, rows[idx[j]].Error = outcome.Failed, e.Error()
		}
	}
	return nil
}

// finish writes the summary on stderr and picks the exit: 1 when an ACL failed (each listed),
// 3 for a dry run that would change something.
func finish(io *cmdutil.IOStreams, rows []Row, dryRun bool) error {
	for _, r := range rows {
		if r.Result == outcome.Failed {
			fmt.Fprintf(io.ErrOut, "failed: %s %s %s %s %s %s from %s: %s\n", r.Permission, r.Principal, r.Operation, r.ResourceType, text.Safe(r.ResourceName), r.PatternType, r.Host, r.Error)
		}
	}
	t := outcome.Count(rows, func(r Row) string { return r.Result })
	fmt.Fprintln(io.ErrOut, t.Line("ACL", dryRun, "checked against the cluster's ACLs, not by the broker"))
	return t.Exit(dryRun)
}
