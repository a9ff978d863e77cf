package configs

import (
	"context"
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/outcome"
	"github.com/kafkit/kafkit/internal/output"
)

// Execute sends the plan's pending actions in one IncrementalAlterConfigs request
// (validate-only for a dry run) and records each key's result. Kafka answers per resource, so a
// refusal marks every sent key failed with the broker's message. It reports whether everything
// succeeded; err is a request that did not get an answer at all.
func Execute(ctx context.Context, adm *cmdutil.Admin, r Resource, plan []Action, dryRun bool) (bool, error) {
	req := kmsg.NewPtrIncrementalAlterConfigsRequest()
	req.ValidateOnly = dryRun
	rr := kmsg.NewIncrementalAlterConfigsRequestResource()
	rr.ResourceType, rr.ResourceName = r.Type, r.Name
	for _, a := range plan {
		if a.Result != "" {
			continue
		}
		c := kmsg.NewIncrementalAlterConfigsRequestResourceConfig()
		c.Name, c.Value, c.Op = a.Key, a.value, kmsg.IncrementalAlterConfigOpSet
		if a.Op == "delete" {
			c.Op, c.Value = kmsg.IncrementalAlterConfigOpDelete, nil
		}
		rr.Configs = append(rr.Configs, c)
	}
	if len(rr.Configs) == 0 {
		return true, nil
	}
	req.Resources = append(req.Resources, rr)
	resp, err := req.RequestWith(ctx, adm)
	if err != nil {
		return false, err
	}
	var rerr error = fmt.Errorf("no answer for %s", r)
	if len(resp.Resources) == 1 {
		res := resp.Resources[0]
		rerr = withMessage(kerr.ErrorForCode(res.ErrorCode), res.ErrorMessage)
		if res.ErrorCode == 0 {
			rerr = nil
		}
	}
	for i := range plan {
		a := &plan[i]
		switch {
		case a.Result != "":
		case rerr != nil:
			a.Result, a.Error = outcome.Failed, rerr.Error()
		default:
			a.Result = done(a.Op == "delete", dryRun)
		}
	}
	return rerr == nil, nil
}

func done(del, dryRun bool) string {
	switch {
	case del && dryRun:
		return outcome.WouldDelete
	case del:
		return outcome.Deleted
	case dryRun:
		return outcome.WouldAlter
	}
	return outcome.Altered
}

// PrintPlan prints one row per key (KEY OP FROM TO RESULT ERROR), or the actions as JSON/YAML.
func PrintPlan(out *cmdutil.IOStreams, p output.Printer, plan []Action) error {
	return p.Print(out.Out, plan, func(t *output.Text) error {
		var rows [][]string
		for _, a := range plan {
			rows = append(rows, []string{a.Key, a.Op, output.Dash(a.From), output.Dash(a.To), a.Result, output.Dash(a.Error)})
		}
		return t.Table([]string{"KEY", "OP", "FROM", "TO", "RESULT", "ERROR"}, rows)
	})
}

// Finish is the exit of a change: 1 when a key failed, 3 for a dry run with changes, after a
// one-line summary on stderr.
func Finish(out *cmdutil.IOStreams, r Resource, plan []Action, ok, dryRun bool) error {
	var changed, failed int
	for _, a := range plan {
		switch a.Result {
		case outcome.Failed:
			failed++
		case outcome.Unchanged:
		default:
			changed++
		}
	}
	suffix := ""
	if dryRun {
		suffix = " (dry run: validated by the broker, nothing changed)"
	}
	fmt.Fprintf(out.ErrOut, "%s: %d of %d configs changed, %d failed%s\n", r, changed, len(plan), failed, suffix)
	return outcome.Exit(!ok, dryRun && changed > 0)
}

// PrintEntries prints configs as KEY VALUE SOURCE (wide adds READ-ONLY and SYNONYMS), or JSON.
func PrintEntries(out *cmdutil.IOStreams, p output.Printer, entries []Entry) error {
	entries = masked(entries)
	return p.Print(out.Out, entries, func(t *output.Text) error {
		headers := []string{"KEY", "VALUE", "SOURCE"}
		if t.Wide {
			headers = append(headers, "READ-ONLY", "SYNONYMS")
		}
		var rows [][]string
		for _, e := range entries {
			row := []string{e.Key, output.Dash(e.Shown()), e.Source}
			if t.Wide {
				row = append(row, fmt.Sprint(e.ReadOnly), output.Dash(synonyms(e)))
			}
			rows = append(rows, row)
		}
		return t.Table(headers, rows)
	})
}

func synonyms(e Entry) string {
	var s []string
	for _, y := range e.Synonyms {
		v := "(sensitive)"
		if !e.Sensitive && y.Value != nil {
			v = *y.Value
		}
		s = append(s, y.Source+":"+y.Key+"="+v)
	}
	return strings.Join(s, ", ")
}

// masked shows sensitive values as (sensitive) in every format (the broker sends none).
func masked(es []Entry) []Entry {
	out := make([]Entry, len(es))
	for i, e := range es {
		if e.Sensitive {
			v := "(sensitive)"
			e.Value = &v
		}
		out[i] = e
	}
	return out
}
