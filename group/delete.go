package group

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/text"
)

type deleteOptions struct {
	IO      *cmdutil.IOStreams
	Admin   func() (*cmdutil.Admin, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer

	Groups          []string
	DryRun          bool
	IncludeInternal bool // streams groups: also delete their repartition and changelog topics
}

// DeleteResult is one group of `group delete`.
type DeleteResult struct {
	Group   string `json:"group"`
	Deleted bool   `json:"deleted"`
	DryRun  bool   `json:"dry_run,omitempty"` // planned, not sent: would be deleted
	// InternalTopics: with --include-internal-topics, the streams group's internal topics
	// deleted (or, dry run, that would be).
	InternalTopics []string `json:"internal_topics,omitempty"`
	Error          string   `json:"error,omitempty"`
}

const deleteLong = `Delete groups with their committed offsets. A group with active members is refused (the
broker does the same): stop its consumers first. Each group is reported; the exit code is 1 if
any group could not be deleted.

Every group type: classic, consumer, share (its share-partition state goes with it) and
streams. --include-internal-topics also deletes a streams group's internal topics (the
repartition and changelog topics of its topology), as kafka-streams-groups.sh offers; only
after the group itself was deleted, and each topic is reported.

--dry-run reports what would be deleted.
` + dryRunHelp

func newCmdDelete(f *cmdutil.Factory, runF func(context.Context, *deleteOptions) error) *cobra.Command {
	opts := &deleteOptions{IO: f.IO, Admin: f.Admin, Context: f.Context}
	var of cmdutil.OutputFlags
	cmd := &cobra.Command{
		Use:   "delete GROUP... [--dry-run]",
		Short: "Delete consumer groups and their committed offsets",
		Long:  deleteLong,
		Example: `  kafkit group delete old-reporting-job --dry-run
  kafkit group delete old-reporting-job
  kafkit group delete a b c -o json
  kafkit group delete wordcount --include-internal-topics --dry-run`,
		ValidArgsFunction: cmdutil.CompleteGroups(f),
		Args:              cmdutil.Args(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Groups = args
			p, err := of.Printer()
			if err != nil {
				return err
			}
			opts.Printer = p
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return deleteRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.IncludeInternal, "include-internal-topics", false, "streams groups: also delete their repartition and changelog topics")
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "show what would be deleted, send nothing (checked against the groups' current state)")
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
	// Describe first so that a refusal can say who is still there.
	snap, err := collect(ctx, adm, collectOptions{Names: opts.Groups})
	if err != nil {
		return err
	}
	results, toDelete := planDelete(opts.Groups, snap.Groups)
	if opts.DryRun {
		results = append(results, dryRunResults(toDelete)...)
	} else if len(toDelete) > 0 {
		done, err := executeDelete(ctx, adm, toDelete)
		if err != nil {
			return err
		}
		results = append(results, done...)
	}
	if opts.IncludeInternal {
		deleteInternalTopics(ctx, adm, snap.Groups, results)
	}
	sortResults(results)
	err = reportItems(opts.IO, opts.Printer, results, deleteRow, []string{"GROUP", "RESULT"},
		func(r DeleteResult) string { return fmt.Sprintf("group %q", r.Group) })
	if opts.DryRun {
		dryRunNote(opts.IO.ErrOut, text.Count(len(toDelete), "group")+" would be deleted")
	}
	return err
}

// planDelete decides, from the groups as described, which of names can be deleted: the others
// get their refusal (not found, active members) as results.
func planDelete(names []string, groups []*groupInfo) (refused []DeleteResult, toDelete []string) {
	info := map[string]*groupInfo{}
	for _, g := range groups {
		info[g.Name] = g
	}
	for _, n := range text.Unique(names) {
		g, ok := info[n]
		switch {
		case !ok:
			refused = append(refused, DeleteResult{Group: n, Error: "group not found"})
		case len(g.Members) > 0:
			refused = append(refused, DeleteResult{Group: n, Error: activeReason(g)})
		default:
			toDelete = append(toDelete, n)
		}
	}
	return refused, toDelete
}

func dryRunResults(toDelete []string) []DeleteResult {
	var out []DeleteResult
	for _, n := range toDelete {
		out = append(out, DeleteResult{Group: n, DryRun: true})
	}
	return out
}

// executeDelete deletes the groups in one DeleteGroups per coordinator, retrying groups whose
// coordinator is not ready, and returns one result per group.
func executeDelete(ctx context.Context, adm *cmdutil.Admin, toDelete []string) ([]DeleteResult, error) {
	got := kadm.DeleteGroupResponses{}
	pending := toDelete
	var fatal error
	retryCoordinator(ctx, func() bool {
		resp, err := adm.DeleteGroups(ctx, pending...)
		var se *kadm.ShardErrors
		if err != nil && !errors.As(err, &se) {
			fatal = err
			return isCoordinatorErr(err)
		}
		fatal = nil
		var again []string
		for _, n := range pending {
			if r, ok := resp[n]; ok {
				got[n] = r
				if isCoordinatorErr(r.Err) {
					again = append(again, n)
				}
			}
		}
		pending = again
		return len(pending) > 0
	})
	if fatal != nil {
		return nil, fatal
	}
	var out []DeleteResult
	for _, n := range toDelete {
		out = append(out, deleteResult(n, got))
	}
	return out, nil
}

func deleteResult(n string, resp kadm.DeleteGroupResponses) DeleteResult {
	r, ok := resp[n]
	switch {
	case !ok:
		return DeleteResult{Group: n, Error: "the coordinator did not answer"}
	case errors.Is(r.Err, kerr.NonEmptyGroup):
		return DeleteResult{Group: n, Error: "refused: the group has active members; stop its consumers first"}
	case errors.Is(r.Err, kerr.GroupIDNotFound):
		return DeleteResult{Group: n, Error: "group not found"}
	case r.Err != nil:
		return DeleteResult{Group: n, Error: errText(r.Err)}
	}
	return DeleteResult{Group: n, Deleted: true}
}

// deleteRow is a result's error and table row.
func deleteRow(r DeleteResult) (string, []string) {
	switch {
	case r.Error != "" && r.Deleted:
		return r.Error, []string{r.Group, "deleted" + internalText(r, "deleted") + "; error: " + r.Error}
	case r.Error != "":
		return r.Error, []string{r.Group, "error: " + r.Error}
	case r.DryRun:
		return "", []string{r.Group, "would be deleted (dry run)" + internalText(r, "would delete")}
	}
	return "", []string{r.Group, "deleted" + internalText(r, "deleted")}
}

func sortResults(rs []DeleteResult) {
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Group < rs[j].Group })
}
