// Package apply is `kafkit apply` and `kafkit export`: one declarative file for a tenant's
// topics, SCRAM users, ACLs, quotas and broker configs.
package apply

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/outcome"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/text"
	"github.com/kafkit/kafkit/topic"
)

// Options are kafkit apply's settings.
type Options struct {
	IO      *cmdutil.IOStreams
	Admin   func() (*cmdutil.Admin, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer

	File    string
	Desired *Desired
	DryRun  bool
	// Prune: remove what the file does not list (configs of listed topics and brokers, ACLs of
	// the file's principals, SCRAM credentials, quotas).
	PruneConfigs, PruneACLs, PruneUsers, PruneQuotas bool
	// RotatePasswords re-sets the password of every listed user (passwords cannot be compared).
	RotatePasswords bool
}

const applyLong = `Make the cluster match one YAML file: topics, SCRAM users, ACLs, client quotas and dynamic
broker configs, for example everything a tenant needs:

` + fileFormat + `

kafkit reads and checks the whole file first (unknown keys, duplicates, bad values, principals
without a type, operations Kafka does not have, quota values that are not numbers, passwords
written in the file) and reports every problem with file:line; nothing is sent when anything is
wrong (exit 2). It then reads the cluster, prints the plan, one row per action, and applies it:

  topics          as 'kafkit topic apply' (create, add_partitions, set_config, unset_config)
  users           create_user (the credential is missing), update_user (other iterations, or
                  --rotate-passwords), delete_user (--prune-users: credentials not in the file)
  acls            create_acl, delete_acl (--prune-acls: ACLs of the file's principals that the
                  file does not list; other principals' ACLs are never touched)
  quotas          set_quota, unset_quota (--prune-quotas: values and entities not in the file)
  broker_configs  set_config, unset_config (--prune-configs: dynamic configs set at that level)

Passwords are never in the file: password_file names a file, password_env a variable, read only
when a credential is created or re-set (and never printed). An existing credential is in sync
whatever its password, since SCRAM passwords cannot be read back.

Each kind goes in one batched request: AlterUserScramCredentials, CreateAcls, DeleteAcls,
AlterClientQuotas, one IncrementalAlterConfigs per broker level, and topic apply's batched topic
requests. The order is topics, users, ACLs, quotas, broker configs; everything is read and
planned (passwords included) before the first change is sent. apply returns once the brokers
show the new topics and configs (at most 5 s), so a re-apply right after reads no stale value.

--dry-run sends nothing that changes the cluster: topics, quotas and broker configs are validated
by the broker (validate-only requests), users and ACLs have no validate-only form in Kafka. It
exits 0 when nothing would change, 3 when something would, 1 when the broker refused a change.
Applying the same file again reports "no changes". A failure is reported per action (exit 1),
with what was applied before it. 'kafkit export' writes this format from a live cluster.`

// NewCmdApply builds `kafkit apply`.
func NewCmdApply(f *cmdutil.Factory) *cobra.Command { return newCmdApply(f, nil) }

func newCmdApply(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IO, Admin: f.Admin, Context: f.Context}
	var of cmdutil.OutputFlags
	var file string
	var yes bool
	cmd := &cobra.Command{
		Use:   "apply -f FILE",
		Short: "Make the cluster match one file: topics, users, ACLs, quotas, broker configs",
		Long:  applyLong,
		Example: `  kafkit apply -f tenant.yaml --dry-run     # exit 0: no changes, 3: changes
  kafkit apply -f tenant.yaml
  kafkit export > cluster.yaml && kafkit apply -f cluster.yaml --dry-run
  kafkit apply -f tenant.yaml --prune-acls --yes -o json`,
		Args: cmdutil.Args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.complete(file, yes); err != nil {
				return err
			}
			p, err := of.Printer()
			if err != nil {
				return err
			}
			opts.Printer = p
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&file, "file", "f", "", "YAML file ('-' for stdin)")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "print the plan (validated by the broker where Kafka can), change nothing: exit 0 without changes, 3 with changes")
	fl.BoolVar(&opts.PruneConfigs, "prune-configs", false, "unset configs of listed topics and broker levels that the file does not list")
	fl.BoolVar(&opts.PruneACLs, "prune-acls", false, "delete the ACLs of the file's principals that the file does not list (needs --yes)")
	fl.BoolVar(&opts.PruneUsers, "prune-users", false, "delete the SCRAM credentials that the file does not list (needs --yes)")
	fl.BoolVar(&opts.PruneQuotas, "prune-quotas", false, "remove the quotas that the file does not list (needs --yes)")
	fl.BoolVar(&opts.RotatePasswords, "rotate-passwords", false, "re-set the password of every listed user from its password_file/password_env")
	fl.BoolVarP(&yes, "yes", "y", false, "confirm the --prune-* deletions")
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	_ = cmd.MarkFlagFilename("file", "yaml", "yml")
	return cmd
}

// complete checks the flags and reads and parses the file; every problem is a usage error.
func (o *Options) complete(file string, yes bool) error {
	if file == "" {
		return cmdutil.UsageErrorf("give the file with -f FILE (or -f - for stdin)")
	}
	if (o.PruneACLs || o.PruneUsers || o.PruneQuotas) && !yes && !o.DryRun {
		return cmdutil.UsageErrorf("--prune-acls, --prune-users and --prune-quotas delete what the file does not list: add --yes (try --dry-run first)")
	}
	var data []byte
	var err error
	if file == "-" {
		o.File = "<stdin>"
		data, err = io.ReadAll(o.IO.In)
	} else {
		o.File = file
		data, err = os.ReadFile(file)
	}
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return cmdutil.UsageErrorf("cannot read %s: %v", file, err)
	}
	d, err := Parse(o.File, data)
	if err != nil {
		return cmdutil.UsageErrorf("%s has errors, nothing was sent:\n%v", o.File, err)
	}
	o.Desired = d
	return nil
}

// sections are the non-topic kinds, in the order they are applied.
type sections struct {
	users   *usersSection
	acls    *aclsSection
	quotas  *quotasSection
	brokers *brokersSection
	// rows of each kind, in the order above
	userRows, aclRows, quotaRows, brokerRows []Action
}

// Run applies the file: read and plan every kind, then topics, users, ACLs, quotas and broker
// configs, each in one batched request.
func Run(ctx context.Context, o *Options) error {
	ctx, cancel, err := o.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := o.Admin()
	if err != nil {
		return err
	}
	s, err := o.plan(ctx, adm)
	if err != nil {
		return err
	}
	var topicRows []Action
	var topicErr error
	if o.Desired.HasTopics {
		topicRows, topicErr = o.applyTopics(ctx)
	}
	if !o.DryRun && (topicErr == nil || outcome.IsCheckFailed(topicErr)) {
		s.execute(ctx, adm, false)
	} else if o.DryRun {
		s.execute(ctx, adm, true)
	}
	return o.finish(append(topicRows, s.rows()...), topicErr)
}

// plan reads the cluster for every non-topic kind and plans it (passwords read here).
func (o *Options) plan(ctx context.Context, adm *cmdutil.Admin) (*sections, error) {
	d := o.Desired
	s := &sections{
		users:   &usersSection{want: d.Users, prune: o.PruneUsers},
		acls:    &aclsSection{want: d.ACLs, prune: o.PruneACLs},
		quotas:  &quotasSection{want: d.Quotas, prune: o.PruneQuotas},
		brokers: &brokersSection{want: d.BrokerConfigs, prune: o.PruneConfigs},
	}
	for _, f := range []func(context.Context, *cmdutil.Admin) error{s.users.fetch, s.acls.fetch, s.quotas.fetch, s.brokers.fetch} {
		if err := f(ctx, adm); err != nil {
			return nil, fmt.Errorf("%v; nothing was changed", err)
		}
	}
	var err error
	if s.userRows, err = s.users.plan(o.File, o.RotatePasswords); err != nil {
		return nil, cmdutil.UsageErrorf("%v; nothing was sent", err)
	}
	s.aclRows = s.acls.plan()
	s.quotaRows = s.quotas.plan()
	if s.brokerRows, err = s.brokers.plan(o.File); err != nil {
		return nil, cmdutil.UsageErrorf("%v; nothing was sent", err)
	}
	return s, nil
}

// execute sends each kind's batch (validate-only where Kafka has it, for a dry run).
func (s *sections) execute(ctx context.Context, adm *cmdutil.Admin, dry bool) {
	if dry {
		for _, rows := range [][]Action{s.userRows, s.aclRows} {
			for i := range rows {
				rows[i].would()
			}
		}
	} else {
		s.users.execute(ctx, adm, s.userRows)
		s.acls.execute(ctx, adm, s.aclRows)
	}
	s.quotas.execute(ctx, adm, s.quotaRows, dry)
	s.brokers.execute(ctx, adm, s.brokerRows, dry)
}

func (s *sections) rows() []Action {
	var all []Action
	for _, r := range [][]Action{s.userRows, s.aclRows, s.quotaRows, s.brokerRows} {
		all = append(all, r...)
	}
	return all
}

// applyTopics runs topic apply for the file's topics and returns its rows.
func (o *Options) applyTopics(ctx context.Context) ([]Action, error) {
	var rows []Action
	// topic apply's own summary lines would repeat this command's; its failure reports are kept.
	var talk bytes.Buffer
	io := *o.IO
	io.ErrOut = &talk
	err := topic.ApplyTopics(ctx, topic.ApplyTopicsOptions{
		IO: &io, Admin: o.Admin, Context: o.Context, File: o.File, Specs: o.Desired.Topics,
		DryRun: o.DryRun, PruneConfigs: o.PruneConfigs,
		Report: func(r topic.ApplyReport, _ bool) error {
			for _, a := range r.Actions {
				rows = append(rows, Action{Kind: kindTopic, Name: a.Topic, Action: a.Action, Detail: a.Detail, Result: a.Result, Error: a.Error})
			}
			return nil
		},
	})
	if err != nil && !outcome.IsCheckFailed(err) {
		_, _ = o.IO.ErrOut.Write(talk.Bytes())
	}
	return rows, err
}

// finish prints the plan with its results and picks the exit: a failure (1), a dry run with
// changes (3), or nothing to do / everything applied (0).
func (o *Options) finish(rows []Action, topicErr error) error {
	r := newReport(o.File, o.DryRun, rows)
	if err := printReport(o.Printer, o.IO.Out, r, r.Changes > 0); err != nil {
		return err
	}
	switch {
	case topicErr != nil && !outcome.IsCheckFailed(topicErr):
		if !o.DryRun && r.Changes > len(rowsOfKind(rows, kindTopic)) {
			fmt.Fprintln(o.IO.ErrOut, "the topics could not be applied, so users, ACLs, quotas and broker configs were not sent")
		}
		return topicErr
	case r.Failed > 0:
		for _, a := range rows {
			if a.Result == "failed" {
				fmt.Fprintf(o.IO.ErrOut, "failed: %s %s %s: %s\n", a.Kind, text.Safe(a.Name), a.Action, a.Error)
			}
		}
		fmt.Fprintf(o.IO.ErrOut, "%s of %s failed; the others were applied\n", text.Count(r.Failed, "action"), text.Count(r.Changes, "change"))
		return cmdutil.SilentError
	case r.Changes == 0:
		fmt.Fprintf(o.IO.ErrOut, "no changes: the cluster matches %s\n", o.File)
		return nil
	case o.DryRun:
		fmt.Fprintf(o.IO.ErrOut, "%s to apply (dry run)\n", text.Count(r.Changes, "change"))
		return cmdutil.CheckFailed("")
	}
	fmt.Fprintf(o.IO.ErrOut, "applied %s; the cluster now matches %s\n", text.Count(r.Changes, "change"), o.File)
	return nil
}

func rowsOfKind(rows []Action, kind string) []Action {
	var out []Action
	for _, a := range rows {
		if a.Kind == kind {
			out = append(out, a)
		}
	}
	return out
}
