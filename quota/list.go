package quota

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
)

type listOptions struct {
	IO      *cmdutil.IOStreams
	Admin   func() (*cmdutil.Admin, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer
	Entity  entityFlags
}

// Row is one entity in `quota list`; -o json prints the rows as they are.
type Row struct {
	Entity     string             `json:"entity"`
	Components []Component        `json:"components"`
	Quotas     map[string]float64 `json:"quotas"`
}

// Component is one part of a quota entity.
type Component struct {
	Type    string `json:"type"` // user, client-id, ip
	Name    string `json:"name,omitempty"`
	Default bool   `json:"default"`
}

func newCmdList(f *cmdutil.Factory, runF func(context.Context, *listOptions) error) *cobra.Command {
	opts := &listOptions{IO: f.IO, Admin: f.Admin, Context: f.Context}
	var of cmdutil.OutputFlags
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List client quotas (all, or those of one user, client or IP)",
		Long: `List client quotas with one row per entity and one column per quota that is set somewhere.
Without flags every quota of the cluster is listed. --user U lists U's quotas and those of U with
any client id; --user U --client C only that pair; --user-default the default user quota.`,
		Example: `  kafkit quota list
  kafkit quota list --user alice
  kafkit quota list --client-default -o json`,
		Args:    cmdutil.Args(cobra.NoArgs),
		Aliases: []string{"ls"},
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := of.Printer()
			if err != nil {
				return err
			}
			opts.Printer = p
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	addEntityFlags(cmd, &opts.Entity, false)
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	return cmd
}

func listRun(ctx context.Context, opts *listOptions) error {
	comps, err := describeFilter(opts.Entity)
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
	qs, err := fetchQuotas(ctx, adm, comps)
	if err != nil {
		return err
	}
	rows := listView(qs)
	return opts.Printer.Print(opts.IO.Out, rows, func(t *output.Text) error {
		headers, cells := listTable(rows)
		return t.Table(headers, cells)
	})
}

// listView turns quotas into rows (already sorted by entity).
func listView(qs []Quota) []Row {
	rows := make([]Row, 0, len(qs))
	for _, q := range qs {
		r := Row{Entity: EntityString(q.Entity), Quotas: q.Values}
		for _, c := range q.Entity {
			comp := Component{Type: c.Type, Default: c.Name == nil}
			if c.Name != nil {
				comp.Name = *c.Name
			}
			r.Components = append(r.Components, comp)
		}
		rows = append(rows, r)
	}
	return rows
}

// listTable has ENTITY and one column per quota key set in any row, in AllKeys order.
func listTable(rows []Row) ([]string, [][]string) {
	var keys []string
	for _, k := range AllKeys {
		for _, r := range rows {
			if _, ok := r.Quotas[k]; ok {
				keys = append(keys, k)
				break
			}
		}
	}
	headers := []string{"ENTITY"}
	for _, k := range keys {
		headers = append(headers, strings.ToUpper(k))
	}
	var cells [][]string
	for _, r := range rows {
		row := []string{r.Entity}
		for _, k := range keys {
			if v, ok := r.Quotas[k]; ok {
				row = append(row, FormatValue(v))
			} else {
				row = append(row, "-")
			}
		}
		cells = append(cells, row)
	}
	return headers, cells
}
