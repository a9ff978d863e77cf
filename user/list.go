package user

import (
	"context"
	"fmt"
	"strconv"

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

	Users []string // describe: the named users (missing ones are an error)
}

func newCmdList(f *cmdutil.Factory, runF func(context.Context, *listOptions) error) *cobra.Command {
	opts := &listOptions{IO: f.IO, Admin: f.Admin, Context: f.Context}
	var of cmdutil.OutputFlags
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List SCRAM users and their mechanisms",
		Long:    "List every user with a SCRAM credential: one row per user and mechanism, with the iteration count. Passwords are never shown (Kafka does not return them).",
		Example: `  kafkit user list
  kafkit user list -o json`,
		Args: cmdutil.Args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Printer, err = of.Printer(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	return cmd
}

func newCmdDescribe(f *cmdutil.Factory, runF func(context.Context, *listOptions) error) *cobra.Command {
	opts := &listOptions{IO: f.IO, Admin: f.Admin, Context: f.Context}
	var of cmdutil.OutputFlags
	cmd := &cobra.Command{
		Use:   "describe USER...",
		Short: "Show the SCRAM credentials of users",
		Long:  "Show the named users' SCRAM mechanisms and iteration counts. A user with no credential is reported and makes the command exit 1, after the others are shown.",
		Example: `  kafkit user describe orders-app
  kafkit user describe orders-app billing -o json`,
		Args:              cmdutil.Args(cobra.MinimumNArgs(1)),
		ValidArgsFunction: CompleteUsers(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, u := range args {
				if err := CheckName(u); err != nil {
					return cmdutil.UsageErrorf("%v", err)
				}
			}
			opts.Users = args
			var err error
			if opts.Printer, err = of.Printer(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
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
	creds, missing, err := credentials(ctx, adm, opts.Users)
	if err != nil {
		return err
	}
	if creds == nil {
		creds = []Credential{}
	}
	if err := opts.Printer.Print(opts.IO.Out, creds, func(t *output.Text) error { return credentialTable(t, creds) }); err != nil {
		return err
	}
	if len(opts.Users) > 0 && len(missing) > 0 {
		for _, u := range missing {
			fmt.Fprintf(opts.IO.ErrOut, "user %q has no SCRAM credential\n", text.Safe(u))
		}
		return cmdutil.SilentError
	}
	return nil
}

func credentialTable(t *output.Text, creds []Credential) error {
	rows := make([][]string, 0, len(creds))
	for _, c := range creds {
		rows = append(rows, []string{c.User, c.Mechanism, strconv.Itoa(int(c.Iterations))})
	}
	return t.Table([]string{"USER", "MECHANISM", "ITERATIONS"}, rows)
}
