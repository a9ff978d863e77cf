package group

import (
	"fmt"
	"io"
	"strings"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/text"
)

// Output helpers every verb uses: tables whose cells cannot forge rows, per-item reports and
// the not-found error.

// safeTable writes a table with every cell passed through text.Safe: group names, client ids,
// hosts and error texts come from the cluster and may hold newlines or terminal escapes
// (issue 17 #18). JSON and YAML print them raw, as they are.
func safeTable(t *output.Text, headers []string, rows [][]string) error {
	safe := make([][]string, len(rows))
	for i, r := range rows {
		safe[i] = make([]string, len(r))
		for j, c := range r {
			safe[i][j] = text.Safe(c)
		}
	}
	return t.Table(headers, safe)
}

// printWarnings writes each warning on its own line.
func printWarnings(w io.Writer, warnings []string) {
	for _, m := range warnings {
		fmt.Fprintln(w, "warning:", text.Safe(m))
	}
}

// reportItems prints per-item results (table or JSON/YAML), names each failure on stderr and
// returns exit 1 if any failed.
func reportItems[T any](ios *cmdutil.IOStreams, p output.Printer, items []T, row func(T) (string, []string), headers []string, name func(T) string) error {
	if items == nil {
		items = []T{}
	}
	err := p.Print(ios.Out, items, func(t *output.Text) error {
		var rows [][]string
		for _, it := range items {
			_, r := row(it)
			rows = append(rows, r)
		}
		return safeTable(t, headers, rows)
	})
	if err != nil {
		return err
	}
	failed := 0
	for _, it := range items {
		if e, _ := row(it); e != "" {
			fmt.Fprintf(ios.ErrOut, "error: %s: %s\n", name(it), text.Safe(e))
			failed++
		}
	}
	if failed > 0 {
		return cmdutil.SilentError
	}
	return nil
}

// notFoundError is exit 1 naming the groups not found, or a silent exit 1 when failed items
// were already reported, or nil.
func notFoundError(notFound []string, failed int) error {
	switch {
	case len(notFound) == 1:
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: fmt.Errorf("group %q not found", notFound[0])}
	case len(notFound) > 1:
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: fmt.Errorf("groups %s not found", strings.Join(quoteAll(notFound), ", "))}
	case failed > 0:
		return cmdutil.SilentError
	}
	return nil
}

// activeReason says why a group with members cannot be changed.
func activeReason(g *groupInfo) string {
	return fmt.Sprintf("refused: the group is %s with %s; stop its consumers first", g.State, text.Count(len(g.Members), "active member"))
}
