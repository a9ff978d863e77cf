package user

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
)

const updateLong = `Set a new password (and iteration count) on existing SCRAM credentials. It fails for a user
with no credential for the mechanism (use create). Password sources and rules are create's.
Clients logged in keep their connections; new logins need the new password.`

func newCmdUpdate(f *cmdutil.Factory, runF func(context.Context, *upsertOptions) error) *cobra.Command {
	opts := &upsertOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Update: true}
	var uf upsertFlags
	var of cmdutil.OutputFlags
	cmd := &cobra.Command{
		Use:   "update USER... (--password-file F | --password-stdin | --password-env NAME | --password-dir DIR)",
		Short: "Change SCRAM users' passwords",
		Long:  updateLong,
		Example: `  kafkit user update orders-app --password-stdin < ./new.password
  kafkit user update orders-app --mechanism SCRAM-SHA-256 --iterations 16384 --password-file ./new.password`,
		Args:              cmdutil.Args(cobra.MinimumNArgs(1)),
		ValidArgsFunction: CompleteUsers(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := uf.complete(opts, &of, args); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return upsertRun(cmd.Context(), opts)
		},
	}
	uf.add(cmd, opts, "updated")
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	return cmd
}
