package configs

import (
	"context"
	"fmt"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/outcome"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/settle"
)

// RunOptions are what a config verb (broker config, config group, ...) needs: without a change
// it shows the resource's configs, with one it plans, executes and reports.
type RunOptions struct {
	IO       *cmdutil.IOStreams
	Admin    func() (*cmdutil.Admin, error)
	Context  func(context.Context) (context.Context, context.CancelFunc, error)
	Printer  output.Printer
	Resource Resource
	Change   Change
	DryRun   bool
	All      bool // show every config, not only the resource's own dynamic ones
	// Rules fetches what the planner may check before sending; nil: the broker decides.
	Rules func(context.Context, *cmdutil.Admin, []Entry) (Rules, error)
	// Check refuses a cluster that cannot have this resource type (minimum Kafka version).
	Check func(context.Context, *cmdutil.Admin) error
}

// Run is fetch → (view | plan → execute → view).
func Run(ctx context.Context, o *RunOptions) error {
	ctx, cancel, err := o.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := o.Admin()
	if err != nil {
		return err
	}
	if o.Check != nil {
		if err := o.Check(ctx, adm); err != nil {
			return err
		}
	}
	current, err := Describe(ctx, adm, o.Resource)
	if err != nil {
		return fmt.Errorf("describe %s: %w", o.Resource, err)
	}
	if o.Change.Empty() {
		return PrintEntries(o.IO, o.Printer, Visible(o.Resource, current, o.All))
	}
	rules := Rules{}
	if o.Rules != nil {
		if rules, err = o.Rules(ctx, adm, current); err != nil {
			return err
		}
	}
	plan, err := Plan(o.Resource, current, rules, o.Change)
	if err != nil {
		return err
	}
	ok, err := Execute(ctx, adm, o.Resource, plan, o.DryRun)
	if err != nil {
		return err
	}
	if ok && !o.DryRun {
		waitShown(ctx, adm, o.Resource, plan)
	}
	if err := PrintPlan(o.IO, o.Printer, plan); err != nil {
		return err
	}
	return Finish(o.IO, o.Resource, plan, ok, o.DryRun)
}

// Visible are the entries a describe shows: the resource's own dynamic ones, or all.
func Visible(r Resource, es []Entry, all bool) []Entry {
	if all {
		return es
	}
	out := []Entry{}
	for _, e := range es {
		if e.Dynamic(r) {
			out = append(out, e)
		}
	}
	return out
}

// KnownFrom makes rules out of described entries: every key they hold is known.
func KnownFrom(es []Entry) Rules {
	m := make(map[string]Entry, len(es))
	for _, e := range es {
		m[e.Key] = e
	}
	return Rules{Known: m}
}

// NeedsAPI refuses a cluster whose brokers do not have API key at version min or newer, naming
// what needs it and the first Kafka release that has it.
func NeedsAPI(key, min int16, what, release string) func(context.Context, *cmdutil.Admin) error {
	return func(ctx context.Context, adm *cmdutil.Admin) error {
		vs, err := adm.ApiVersions(ctx)
		if err != nil {
			return err
		}
		for _, v := range vs.Sorted() {
			if v.Err != nil {
				continue
			}
			if max, ok := v.KeyMaxVersion(key); ok && max >= min {
				return nil
			}
			return fmt.Errorf("%s need Kafka %s or newer: broker %d does not support them", what, release, v.NodeID)
		}
		return nil // no broker answered: let the request itself fail
	}
}

// waitShown waits (at most 5 s) until the brokers that serve a broker resource (the broker, or
// every broker for the default) show its altered keys, so the next command reads no stale
// value (see package settle). Other resource types return at once.
func waitShown(ctx context.Context, adm *cmdutil.Admin, r Resource, plan []Action) {
	if r.Type != kmsg.ConfigResourceTypeBroker {
		return
	}
	sr := settle.Resource{Type: r.Type, Name: r.Name}
	ch := settle.Changes{}
	for _, a := range plan {
		if a.Result != outcome.Altered && a.Result != outcome.Deleted {
			continue
		}
		w := settle.Want{Unset: a.Op == "delete"}
		if a.value != nil {
			w.Value = *a.value
		}
		ch.Add(sr, a.Key, w)
	}
	settle.Configs(ctx, adm, ch)
}
