package user

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
)

const createLong = `Create SCRAM credentials: a user that can log in with SASL/SCRAM. It fails for a user that
already has a credential for the mechanism (use update to change a password). Several users
are created in one request; each needs its own password, read from --password-dir DIR
(the file DIR/USER).

The password comes from --password-file, --password-stdin, --password-env NAME or a prompt
with no echo (stdin a terminal); it must be at least 8 characters. --iterations defaults to
8192 (Kafka accepts 4096 to 16384).

--dry-run checks the users against the cluster and exits 3 when anything would be created;
Kafka has no validate-only mode for SCRAM credentials.`

func newCmdCreate(f *cmdutil.Factory, runF func(context.Context, *upsertOptions) error) *cobra.Command {
	opts := &upsertOptions{IO: f.IO, Admin: f.Admin, Context: f.Context}
	var uf upsertFlags
	var of cmdutil.OutputFlags
	cmd := &cobra.Command{
		Use:   "create USER... (--password-file F | --password-stdin | --password-env NAME | --password-dir DIR)",
		Short: "Create SCRAM users",
		Long:  createLong,
		Example: `  kafkit user create orders-app --password-file ./orders-app.password
  kafkit user create orders-app --mechanism SCRAM-SHA-256 --password-env ORDERS_PASSWORD
  kafkit user create app1 app2 app3 --password-dir ./passwords
  kafkit user create orders-app          # asks for the password (stdin a terminal)`,
		Args: cmdutil.Args(cobra.MinimumNArgs(1)),
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
	uf.add(cmd, opts, "created")
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	return cmd
}
