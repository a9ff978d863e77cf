package quota

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/outcome"
	"github.com/kafkit/kafkit/internal/output"
)

// Action is one entity's planned change and, after execution, its result.
type Action struct {
	Entity  kadm.ClientQuotaEntity    `json:"-"`
	Name    string                    `json:"entity"`
	Ops     []kadm.AlterClientQuotaOp `json:"-"`
	Changes []string                  `json:"changes"`
	Result  string                    `json:"result"`
	Error   string                    `json:"error,omitempty"`
	remove  bool
}

// planSet compares the wanted values with the current ones: an action per entity, unchanged
// when every value is already as asked.
func planSet(es []kadm.ClientQuotaEntity, want map[string]float64, current map[string]map[string]float64) []Action {
	var plan []Action
	for _, e := range es {
		a := Action{Entity: e, Name: EntityString(e), Changes: []string{}}
		cur := current[a.Name]
		for _, k := range sortedKeys(want) {
			old, had := cur[k]
			if had && old == want[k] {
				continue
			}
			a.Ops = append(a.Ops, kadm.AlterClientQuotaOp{Key: k, Value: want[k]})
			from := "unset"
			if had {
				from = FormatValue(old)
			}
			a.Changes = append(a.Changes, fmt.Sprintf("%s: %s -> %s", k, from, FormatValue(want[k])))
		}
		if len(a.Ops) == 0 {
			a.Result = outcome.Unchanged
		}
		plan = append(plan, a)
	}
	return plan
}

// planDelete removes the keys (every set key when keys is empty) that are set on each entity.
func planDelete(es []kadm.ClientQuotaEntity, keys []string, current map[string]map[string]float64) []Action {
	var plan []Action
	for _, e := range es {
		a := Action{Entity: e, Name: EntityString(e), Changes: []string{}, remove: true}
		cur := current[a.Name]
		ks := keys
		if len(ks) == 0 {
			ks = sortedKeys(cur)
		}
		for _, k := range ks {
			if old, had := cur[k]; had {
				a.Ops = append(a.Ops, kadm.AlterClientQuotaOp{Key: k, Remove: true})
				a.Changes = append(a.Changes, fmt.Sprintf("%s: %s -> unset", k, FormatValue(old)))
			}
		}
		if len(a.Ops) == 0 {
			a.Result = outcome.Unchanged
		}
		plan = append(plan, a)
	}
	return plan
}

// execute sends every pending action in one AlterClientQuotas request (validate-only for a dry
// run) and records each entity's result. It reports whether every action succeeded and
// whether anything was sent.
func execute(ctx context.Context, adm *cmdutil.Admin, plan []Action, dryRun bool) (ok, sent bool, err error) {
	var entries []kadm.AlterClientQuotaEntry
	idx := map[string]int{}
	for i, a := range plan {
		if a.Result == "" {
			entries = append(entries, kadm.AlterClientQuotaEntry{Entity: a.Entity, Ops: a.Ops})
			idx[a.Name] = i
		}
	}
	if len(entries) == 0 {
		return true, false, nil
	}
	alter := adm.AlterClientQuotas
	if dryRun {
		alter = adm.ValidateAlterClientQuotas
	}
	resp, err := alter(ctx, entries)
	if err != nil {
		return false, true, err
	}
	ok = true
	for _, r := range resp {
		i, found := idx[EntityString(sortedComponents(r.Entity))]
		if !found {
			continue
		}
		a := &plan[i]
		if r.Err != nil {
			a.Result, a.Error, ok = outcome.Failed, errText(r.Err, r.ErrMessage), false
			continue
		}
		a.Result = doneWord(a.remove, dryRun)
	}
	for i := range plan {
		if plan[i].Result == "" { // the broker did not answer for it
			plan[i].Result, plan[i].Error, ok = outcome.Failed, "no answer from the broker for this entity", false
		}
	}
	return ok, true, nil
}

func doneWord(remove, dryRun bool) string {
	switch {
	case remove && dryRun:
		return outcome.WouldDelete
	case remove:
		return outcome.Deleted
	case dryRun:
		return outcome.WouldAlter
	}
	return outcome.Altered
}

// errText is the broker's error as a person reads it: the code's name and the broker's own
// message ("INVALID_REQUEST: producer_byte_rate cannot be a fractional value").
func errText(err error, msg string) string {
	var ke *kerr.Error
	if msg != "" && errors.As(err, &ke) {
		return ke.Message + ": " + msg
	}
	if msg != "" {
		return err.Error() + ": " + msg
	}
	return err.Error()
}

// printPlan prints one row per entity (ENTITY RESULT CHANGES ERROR), or the actions as JSON.
func printPlan(io *cmdutil.IOStreams, p output.Printer, plan []Action) error {
	return p.Print(io.Out, plan, func(t *output.Text) error {
		var rows [][]string
		for _, a := range plan {
			rows = append(rows, []string{a.Name, a.Result, output.Dash(strings.Join(a.Changes, ", ")), output.Dash(a.Error)})
		}
		return t.Table([]string{"ENTITY", "RESULT", "CHANGES", "ERROR"}, rows)
	})
}

// finish turns the executed plan into the exit: 1 when an entity failed, 3 for a dry run with
// changes, with a one-line summary on stderr.
func finish(io *cmdutil.IOStreams, plan []Action, ok, dryRun bool) error {
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
	fmt.Fprintf(io.ErrOut, "%d of %d entities changed, %d failed%s\n", changed, len(plan), failed, suffix)
	return outcome.Exit(!ok, dryRun && changed > 0)
}
