package user

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"

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

	Users     []string
	Mechanism string // "" means every mechanism the user has
	Yes       bool
	DryRun    bool
}

const deleteLong = `Delete SCRAM credentials: every mechanism the user has, or only --mechanism. The
credentials are listed first; deleting needs --yes (or "y" at the prompt when stdin is a
terminal); --dry-run lists them and exits 3. A named user with no credential is an error.
The user's ACLs stay: delete them with kafkit acl delete --principal User:NAME.`

func newCmdDelete(f *cmdutil.Factory, runF func(context.Context, *deleteOptions) error) *cobra.Command {
	opts := &deleteOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Prompter: f.Confirmer()}
	var of cmdutil.OutputFlags
	var mech string
	cmd := &cobra.Command{
		Use:     "delete USER...",
		Aliases: []string{"rm"},
		Short:   "Delete SCRAM users (needs --yes)",
		Long:    deleteLong,
		Example: `  kafkit user delete orders-app --dry-run
  kafkit user delete orders-app --yes
  kafkit user delete orders-app --mechanism SCRAM-SHA-256 --yes`,
		Args:              cmdutil.Args(cobra.MinimumNArgs(1)),
		ValidArgsFunction: CompleteUsers(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, u := range args {
				if err := CheckName(u); err != nil {
					return cmdutil.UsageErrorf("%v", err)
				}
			}
			if mech != "" {
				m, err := ParseMechanism(mech)
				if err != nil {
					return cmdutil.UsageErrorf("%v", err)
				}
				opts.Mechanism = m.String()
			}
			opts.Users = text.Unique(args)
			var err error
			if opts.Printer, err = of.Printer(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return deleteRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&mech, "mechanism", "", "delete only this mechanism's credential (default: all of the user's)")
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
	creds, _, err := credentials(ctx, adm, opts.Users)
	if err != nil {
		return err
	}
	changes := planDelete(opts, creds)
	if err := confirmDelete(opts, changes); err != nil {
		return err
	}
	if !opts.DryRun {
		if err := executeDelete(ctx, adm, changes); err != nil {
			return err
		}
	}
	if err := printChanges(opts.Printer, opts.IO, changes); err != nil {
		return err
	}
	return finish(opts.IO, changes, opts.DryRun)
}

// planDelete is delete's pure planner: would_delete per existing credential selected, failed
// for a named user with none.
func planDelete(opts *deleteOptions, creds []Credential) []Change {
	var out []Change
	for _, u := range opts.Users {
		found := false
		for _, c := range creds {
			if c.User == u && (opts.Mechanism == "" || c.Mechanism == opts.Mechanism) {
				found = true
				out = append(out, Change{User: u, Mechanism: c.Mechanism, Iterations: c.Iterations, Result: outcome.WouldDelete})
			}
		}
		if !found {
			m := opts.Mechanism
			what := "no SCRAM credential"
			if m != "" {
				what = "no " + m + " credential"
			}
			out = append(out, Change{User: u, Mechanism: m, Result: outcome.Failed, Error: "has " + what})
		}
	}
	return out
}

func confirmDelete(opts *deleteOptions, changes []Change) error {
	n := 0
	for _, c := range changes {
		if c.Result == outcome.WouldDelete {
			n++
		}
	}
	if opts.DryRun || opts.Yes || n == 0 {
		return nil
	}
	fmt.Fprintf(opts.IO.ErrOut, "%s to delete:\n", text.Count(n, "credential"))
	for _, c := range changes {
		if c.Result == outcome.WouldDelete {
			fmt.Fprintf(opts.IO.ErrOut, "  %s %s\n", text.Safe(c.User), c.Mechanism)
		}
	}
	return cmdutil.Confirm(opts.Prompter, false, fmt.Sprintf("Delete %s?", text.Count(n, "credential")))
}

// executeDelete sends the deletions in as few AlterUserScramCredentials requests as Kafka
// allows: a user may appear once per request (DUPLICATE_RESOURCE otherwise), so a user's
// second mechanism goes in a second request.
func executeDelete(ctx context.Context, adm *cmdutil.Admin, changes []Change) error {
	for {
		round := deleteRound(changes)
		if len(round) == 0 {
			return nil
		}
		del := make([]kadm.DeleteSCRAM, 0, len(round))
		for _, i := range round {
			m, _ := ParseMechanism(changes[i].Mechanism)
			del = append(del, kadm.DeleteSCRAM{User: changes[i].User, Mechanism: m})
		}
		res, err := adm.AlterUserSCRAMs(ctx, del, nil)
		if err != nil {
			return explain(err, "change")
		}
		for _, i := range round {
			r, ok := res[changes[i].User]
			switch {
			case !ok:
				changes[i].Result, changes[i].Error = outcome.Failed, "no answer from the broker for this user"
			case r.Err != nil:
				changes[i].Result, changes[i].Error = outcome.Failed, explain(r.Err, "change").Error()
			default:
				changes[i].Result = outcome.Deleted
			}
		}
	}
}

// deleteRound picks the pending deletions of one request: each user at most once.
func deleteRound(changes []Change) []int {
	seen := map[string]bool{}
	var out []int
	for i, c := range changes {
		if c.Result == outcome.WouldDelete && !seen[c.User] {
			seen[c.User] = true
			out = append(out, i)
		}
	}
	return out
}
