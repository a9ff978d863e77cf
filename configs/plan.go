package configs

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/outcome"
)

// Change is what --set and --delete ask for.
type Change struct {
	Set    map[string]string
	Order  []string // --set keys in the order given
	Delete []string
}

// Empty reports whether nothing was asked.
func (c Change) Empty() bool { return len(c.Order) == 0 && len(c.Delete) == 0 }

// ParseChange parses --set k=v and --delete k values; a key in both, or a bad pair, is a usage
// error (exit 2).
func ParseChange(set, del []string) (Change, error) {
	c := Change{Set: map[string]string{}}
	for _, kv := range set {
		k, v, ok := strings.Cut(kv, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return c, cmdutil.UsageErrorf("--set %q: want KEY=VALUE", kv)
		}
		if _, dup := c.Set[k]; !dup {
			c.Order = append(c.Order, k)
		}
		c.Set[k] = v
	}
	for _, k := range del {
		k = strings.TrimSpace(k)
		if k == "" {
			return c, cmdutil.UsageErrorf("--delete needs a key")
		}
		if _, both := c.Set[k]; both {
			return c, cmdutil.UsageErrorf("%s is both --set and --delete", k)
		}
		c.Delete = append(c.Delete, k)
	}
	return c, nil
}

// Action is one key's planned change and, after execution, its result.
type Action struct {
	Key    string `json:"key"`
	Op     string `json:"op"` // set, delete
	From   string `json:"from"`
	To     string `json:"to"`
	Result string `json:"result"`
	Error  string `json:"error,omitempty"`
	value  *string
}

// Rules say what the planner may check before sending: Known holds every config the resource
// type has (nil: the broker decides, as for client-metrics and groups), with its read-only flag.
type Rules struct {
	Known map[string]Entry
}

// Plan turns a change into one action per key. current is the resource's entries (its own
// dynamic ones are what --delete may remove and what "unchanged" compares with). Unknown and
// read-only keys are usage errors naming every such key; nothing is sent then.
func Plan(r Resource, current []Entry, rules Rules, c Change) ([]Action, error) {
	if err := checkKeys(rules, c); err != nil {
		return nil, err
	}
	own, all := map[string]Entry{}, map[string]Entry{}
	for _, e := range current {
		all[e.Key] = e
		if e.Dynamic(r) {
			own[e.Key] = e
		}
	}
	var plan []Action
	for _, k := range c.Order {
		v := c.Set[k]
		cur, had := own[k]
		eff, known := all[k]
		a := Action{Key: k, Op: "set", From: shownOrUnset(eff, known), To: v, value: &v}
		if cur.Sensitive || (rules.Known != nil && rules.Known[k].Sensitive) {
			a.To = "(sensitive)"
		} else if had && cur.Value != nil && *cur.Value == v {
			a.Result = outcome.Unchanged
		}
		plan = append(plan, a)
	}
	for _, k := range c.Delete {
		cur, had := own[k]
		a := Action{Key: k, Op: "delete", From: shownOrUnset(cur, had), To: "(default)"}
		if !had {
			a.Result = outcome.Unchanged
		}
		plan = append(plan, a)
	}
	return plan, nil
}

func shownOrUnset(e Entry, had bool) string {
	if !had {
		return "(default)"
	}
	return e.Shown()
}

func checkKeys(rules Rules, c Change) error {
	if rules.Known == nil {
		return nil
	}
	var unknown, readOnly []string
	for _, k := range append(append([]string{}, c.Order...), c.Delete...) {
		e, ok := rules.Known[k]
		switch {
		case !ok:
			unknown = append(unknown, k)
		case e.ReadOnly:
			readOnly = append(readOnly, k)
		}
	}
	sort.Strings(unknown)
	sort.Strings(readOnly)
	var msgs []string
	if len(unknown) > 0 {
		msgs = append(msgs, fmt.Sprintf("unknown config(s) %s", strings.Join(unknown, ", ")))
	}
	if len(readOnly) > 0 {
		msgs = append(msgs, fmt.Sprintf("read-only config(s) %s (set them in server.properties and restart the broker)", strings.Join(readOnly, ", ")))
	}
	if len(msgs) > 0 {
		return cmdutil.UsageErrorf("%s: nothing was sent", strings.Join(msgs, "; "))
	}
	return nil
}
