package group

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
)

type deleteOptions struct {
	IO      *cmdutil.IOStreams
	Client  func() (*kgo.Client, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer

	Groups []string
}

// DeleteResult is one group of `group delete`.
type DeleteResult struct {
	Group   string `json:"group"`
	Deleted bool   `json:"deleted"`
	Error   string `json:"error,omitempty"`
}

func newCmdDelete(f *cmdutil.Factory, runF func(context.Context, *deleteOptions) error) *cobra.Command {
	opts := &deleteOptions{IO: f.IO, Client: f.Client, Context: f.Context}
	var of cmdutil.OutputFlags
	cmd := &cobra.Command{
		Use:   "delete GROUP...",
		Short: "Delete consumer groups and their committed offsets",
		Long: `Delete groups with their committed offsets. A group with active members is refused (the
broker does the same): stop its consumers first. Each group is reported; the exit code is 1 if
any group could not be deleted.`,
		Example: `  kafkit group delete old-reporting-job
  kafkit group delete a b c -o json`,
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
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	return cmd
}

func deleteRun(ctx context.Context, opts *deleteOptions) error {
	ctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	cl, err := opts.Client()
	if err != nil {
		return err
	}
	// Describe first so that a refusal can say who is still there.
	snap, err := collect(ctx, cl, collectOptions{Names: opts.Groups})
	if err != nil {
		return err
	}
	info := map[string]*groupInfo{}
	for _, g := range snap.Groups {
		info[g.Name] = g
	}
	var results []DeleteResult
	var toDelete []string
	for _, n := range dedupStrings(opts.Groups) {
		g, ok := info[n]
		switch {
		case !ok:
			results = append(results, DeleteResult{Group: n, Error: "group not found"})
		case len(g.Members) > 0:
			results = append(results, DeleteResult{Group: n, Error: activeReason(g)})
		default:
			toDelete = append(toDelete, n)
		}
	}
	if len(toDelete) > 0 {
		resp, err := kadm.NewClient(cl).DeleteGroups(ctx, toDelete...)
		var se *kadm.ShardErrors
		if err != nil && !errors.As(err, &se) {
			return err
		}
		for _, n := range toDelete {
			r, ok := resp[n]
			switch {
			case !ok:
				results = append(results, DeleteResult{Group: n, Error: "the coordinator did not answer"})
			case errors.Is(r.Err, kerr.NonEmptyGroup):
				results = append(results, DeleteResult{Group: n, Error: "refused: the group has active members; stop its consumers first"})
			case errors.Is(r.Err, kerr.GroupIDNotFound):
				results = append(results, DeleteResult{Group: n, Error: "group not found"})
			case r.Err != nil:
				results = append(results, DeleteResult{Group: n, Error: errText(r.Err)})
			default:
				results = append(results, DeleteResult{Group: n, Deleted: true})
			}
		}
	}
	sortResults(results)
	return reportItems(opts.IO, opts.Printer, results, func(r DeleteResult) (string, []string) {
		if r.Error != "" {
			return r.Error, []string{r.Group, "error: " + r.Error}
		}
		return "", []string{r.Group, "deleted"}
	}, []string{"GROUP", "RESULT"}, func(r DeleteResult) string { return fmt.Sprintf("group %q", r.Group) })
}

// activeReason says why a group with members cannot be changed.
func activeReason(g *groupInfo) string {
	return fmt.Sprintf("refused: the group is %s with %d active member(s); stop its consumers first", g.State, len(g.Members))
}

func dedupStrings(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func sortResults(rs []DeleteResult) {
	for i := 1; i < len(rs); i++ {
		for j := i; j > 0 && rs[j].Group < rs[j-1].Group; j-- {
			rs[j], rs[j-1] = rs[j-1], rs[j]
		}
	}
}

// reportItems prints per-item results (table or JSON/YAML), names each failure on stderr and
// returns exit 1 if any failed.
func reportItems[T any](ios *cmdutil.IOStreams, p output.Printer, items []T, row func(T) (string, []string), headers []string, name func(T) string) error {
	if items == nil {
		items = []T{}
	}
	failed := 0
	err := p.Print(ios.Out, items, func(t *output.Text) error {
		var rows [][]string
		for _, it := range items {
			_, r := row(it)
			rows = append(rows, r)
		}
		return t.Table(headers, rows)
	})
	if err != nil {
		return err
	}
	for _, it := range items {
		if e, _ := row(it); e != "" {
			fmt.Fprintf(ios.ErrOut, "error: %s: %s\n", name(it), e)
			failed++
		}
	}
	if failed > 0 {
		return cmdutil.SilentError
	}
	return nil
}
