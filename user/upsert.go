package user

import (
	"context"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/outcome"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/text"
)

// Change is one credential's outcome in create, update and delete.
type Change struct {
	User       string `json:"user"`
	Mechanism  string `json:"mechanism"`
	Iterations int32  `json:"iterations,omitempty"`
	Result     string `json:"result"`
	Error      string `json:"error,omitempty"`
}

// upsertOptions serve create and update (Update says which).
type upsertOptions struct {
	IO      *cmdutil.IOStreams
	Admin   func() (*cmdutil.Admin, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer

	Update     bool
	Users      []string
	Mechanism  kadm.ScramMechanism
	Iterations int
	Passwords  map[string]string
	DryRun     bool
}

// upsertFlags parses what create and update share, before any request: names, mechanism,
// iterations and the passwords (read here, so a bad one is a usage error with nothing sent).
type upsertFlags struct {
	mechanism  string
	iterations int
	password   passwordFlags
}

func (u *upsertFlags) add(cmd *cobra.Command, opts *upsertOptions, verbWord string) {
	fl := cmd.Flags()
	fl.StringVar(&u.mechanism, "mechanism", "SCRAM-SHA-512", "SCRAM-SHA-512 or SCRAM-SHA-256")
	fl.IntVar(&u.iterations, "iterations", DefaultIterations, fmt.Sprintf("PBKDF2 iterations (Kafka accepts %d to %d)", MinIterations, MaxIterations))
	fl.BoolVar(&opts.DryRun, "dry-run", false, "print what would be "+verbWord+" (checked against the cluster's users, not by the broker); exit 3 if anything would be")
	addPasswordFlags(cmd, &u.password)
	_ = cmd.RegisterFlagCompletionFunc("mechanism", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"SCRAM-SHA-512", "SCRAM-SHA-256"}, cobra.ShellCompDirectiveNoFileComp
	})
}

func (u *upsertFlags) complete(opts *upsertOptions, of *cmdutil.OutputFlags, args []string) error {
	for _, name := range args {
		if err := CheckName(name); err != nil {
			return cmdutil.UsageErrorf("%v", err)
		}
	}
	m, err := ParseMechanism(u.mechanism)
	if err != nil {
		return cmdutil.UsageErrorf("%v", err)
	}
	if err := CheckIterations(u.iterations); err != nil {
		return cmdutil.UsageErrorf("%v", err)
	}
	if opts.Printer, err = of.Printer(); err != nil {
		return err
	}
	pw, err := u.password.resolve(opts.IO, terminalSecret(opts.IO), args)
	if err != nil {
		return err
	}
	opts.Users, opts.Mechanism, opts.Iterations, opts.Passwords = text.Unique(args), m, u.iterations, pw
	return nil
}

func upsertRun(ctx context.Context, opts *upsertOptions) error {
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
	changes := planUpsert(opts, creds)
	if !opts.DryRun {
		if err := executeUpsert(ctx, adm, opts, changes); err != nil {
			return err
		}
	}
	if err := printChanges(opts.Printer, opts.IO, changes); err != nil {
		return err
	}
	return finish(opts.IO, changes, opts.DryRun)
}

// planUpsert is create's and update's pure planner: one change per user; create refuses a
// user that has the mechanism already, update one that has not.
func planUpsert(opts *upsertOptions, creds []Credential) []Change {
	mech := opts.Mechanism.String()
	out := make([]Change, 0, len(opts.Users))
	for _, u := range opts.Users {
		c := Change{User: u, Mechanism: mech, Iterations: int32(opts.Iterations)}
		_, exists := has(creds, u, mech)
		switch {
		case !opts.Update && exists:
			c.Result, c.Error = outcome.Failed, fmt.Sprintf("already has a %s credential: use kafkit user update to change the password", mech)
		case opts.Update && !exists:
			c.Result, c.Error = outcome.Failed, fmt.Sprintf("has no %s credential: use kafkit user create", mech)
		case opts.DryRun && opts.Update:
			c.Result = outcome.WouldUpdate
		case opts.DryRun:
			c.Result = outcome.WouldCreate
		}
		out = append(out, c)
	}
	return out
}

// executeUpsert sends every pending change in one AlterUserScramCredentials request.
func executeUpsert(ctx context.Context, adm *cmdutil.Admin, opts *upsertOptions, changes []Change) error {
	var ups []kadm.UpsertSCRAM
	for _, c := range changes {
		if c.Result == "" {
			ups = append(ups, kadm.UpsertSCRAM{User: c.User, Mechanism: opts.Mechanism, Iterations: int32(opts.Iterations), Password: opts.Passwords[c.User]})
		}
	}
	if len(ups) == 0 {
		return nil
	}
	res, err := adm.AlterUserSCRAMs(ctx, nil, ups)
	if err != nil {
		return explain(err, "change")
	}
	done := outcome.Created
	if opts.Update {
		done = outcome.Updated
	}
	for i, c := range changes {
		if c.Result != "" {
			continue
		}
		r, ok := res[c.User]
		switch {
		case !ok:
			changes[i].Result, changes[i].Error = outcome.Failed, "no answer from the broker for this user"
		case r.Err != nil:
			changes[i].Result, changes[i].Error = outcome.Failed, explain(r.Err, "change").Error()
		default:
			changes[i].Result = done
		}
	}
	return nil
}

func printChanges(p output.Printer, ios *cmdutil.IOStreams, changes []Change) error {
	return p.Print(ios.Out, changes, func(t *output.Text) error {
		rows := make([][]string, 0, len(changes))
		for _, c := range changes {
			it := ""
			if c.Iterations > 0 {
				it = strconv.Itoa(int(c.Iterations))
			}
			rows = append(rows, []string{c.Result, c.User, c.Mechanism, it})
		}
		return t.Table([]string{"RESULT", "USER", "MECHANISM", "ITERATIONS"}, rows)
	})
}

// finish lists failures on stderr, writes a summary and picks the exit code: 1 for any
// failure, 3 for a dry run that would change something.
func finish(ios *cmdutil.IOStreams, changes []Change, dryRun bool) error {
	for _, c := range changes {
		if c.Result == outcome.Failed {
			fmt.Fprintf(ios.ErrOut, "failed: user %q %s: %s\n", text.Safe(c.User), c.Mechanism, c.Error)
		}
	}
	t := outcome.Count(changes, func(c Change) string { return c.Result })
	fmt.Fprintln(ios.ErrOut, t.Line("credential", dryRun, "checked against the cluster's users, not by the broker"))
	return t.Exit(dryRun)
}
