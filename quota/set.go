package quota

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
)

type setOptions struct {
	IO      *cmdutil.IOStreams
	Admin   func() (*cmdutil.Admin, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer
	Entity  entityFlags
	Args    []string
	DryRun  bool
}

func newCmdSet(f *cmdutil.Factory, runF func(context.Context, *setOptions) error) *cobra.Command {
	opts := &setOptions{IO: f.IO, Admin: f.Admin, Context: f.Context}
	var of cmdutil.OutputFlags
	cmd := &cobra.Command{
		Use:   "set {--user U|--user-default} [--client C|--client-default] | {--ip I|--ip-default} KEY=VALUE...",
		Short: "Set client quotas on users, clients, user+client pairs or IPs",
		Long: `Set quotas (KEY=VALUE, numbers) on every entity the flags name, in one batched
AlterClientQuotas request. Values already as asked are reported unchanged and not sent.
--dry-run asks the broker to validate the change (validate-only) and exits 3 when anything would
change. Keys: producer_byte_rate, consumer_byte_rate, request_percentage,
controller_mutation_rate (users and clients), connection_creation_rate (IPs).`,
		Example: `  kafkit quota set --client billing producer_byte_rate=1048576
  kafkit quota set --user alice --client-default consumer_byte_rate=2097152 request_percentage=50
  kafkit quota set --user-default producer_byte_rate=10485760 --dry-run
  kafkit quota set --ip 10.0.0.7 connection_creation_rate=10`,
		Args: cmdutil.Args(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := of.Printer()
			if err != nil {
				return err
			}
			opts.Printer, opts.Args = p, args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return setRun(cmd.Context(), opts)
		},
	}
	addEntityFlags(cmd, &opts.Entity, true)
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "validate on the broker (validate-only), change nothing")
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	return cmd
}

func setRun(ctx context.Context, opts *setOptions) error {
	es, err := opts.Entity.Entities()
	if err != nil {
		return err
	}
	want, err := ParseValues(opts.Args, es)
	if err != nil {
		return err
	}
	ctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := opts.Admin()
	if err != nil {
		return err
	}
	current, err := fetchQuotas(ctx, adm, nil)
	if err != nil {
		return err
	}
	plan := planSet(es, want, byEntity(current))
	ok, _, err := execute(ctx, adm, plan, opts.DryRun)
	if err != nil {
		return err
	}
	if err := printPlan(opts.IO, opts.Printer, plan); err != nil {
		return err
	}
	return finish(opts.IO, plan, ok, opts.DryRun)
}
