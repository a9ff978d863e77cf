package quota

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
)

type deleteOptions struct {
	IO       *cmdutil.IOStreams
	Admin    func() (*cmdutil.Admin, error)
	Context  func(context.Context) (context.Context, context.CancelFunc, error)
	Prompter cmdutil.Prompter
	Printer  output.Printer
	Entity   entityFlags
	Keys     []string
	DryRun   bool
	Yes      bool
}

func newCmdDelete(f *cmdutil.Factory, runF func(context.Context, *deleteOptions) error) *cobra.Command {
	opts := &deleteOptions{IO: f.IO, Admin: f.Admin, Context: f.Context}
	var of cmdutil.OutputFlags
	cmd := &cobra.Command{
		Use:   "delete {--user U|--user-default} [--client C|--client-default] | {--ip I|--ip-default} [KEY...]",
		Short: "Delete client quotas (the given keys, or all of an entity's quotas)",
		Long: `Delete the given quota keys from every entity the flags name (all the entity's quotas
when no key is given), in one batched AlterClientQuotas request. Keys that are not set are not
sent. Needs --yes (or a confirmation on a terminal), or --dry-run to validate on the broker.`,
		Example: `  kafkit quota delete --client billing producer_byte_rate --yes
  kafkit quota delete --user alice --dry-run`,
		Args: cmdutil.Args(cobra.ArbitraryArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := of.Printer()
			if err != nil {
				return err
			}
			opts.Printer, opts.Keys, opts.Prompter = p, args, f.Confirmer()
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return deleteRun(cmd.Context(), opts)
		},
	}
	addEntityFlags(cmd, &opts.Entity, true)
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "validate on the broker (validate-only), change nothing")
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "delete without asking")
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	return cmd
}

func deleteRun(ctx context.Context, opts *deleteOptions) error {
	es, err := opts.Entity.Entities()
	if err != nil {
		return err
	}
	for _, k := range opts.Keys {
		if err := checkKey(k, es); err != nil {
			return err
		}
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
	plan := planDelete(es, opts.Keys, byEntity(current))
	if !opts.DryRun && pending(plan) > 0 {
		q := fmt.Sprintf("Delete quotas of %s?", strings.Join(pendingNames(plan), ", "))
		if err := cmdutil.Confirm(opts.Prompter, opts.Yes, q); err != nil {
			return err
		}
	}
	ok, _, err := execute(ctx, adm, plan, opts.DryRun)
	if err != nil {
		return err
	}
	if err := printPlan(opts.IO, opts.Printer, plan); err != nil {
		return err
	}
	return finish(opts.IO, plan, ok, opts.DryRun)
}

func pending(plan []Action) int { return len(pendingNames(plan)) }

func pendingNames(plan []Action) []string {
	var out []string
	for _, a := range plan {
		if a.Result == "" {
			out = append(out, a.Name)
		}
	}
	return out
}
