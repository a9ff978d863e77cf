package topic

import (
	"context"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// This file is what `kafkit apply` (the apply family, one file for topics, ACLs, users,
// quotas and broker configs) uses of topic apply: the same parser, plan, broker validation and
// execution, with the report handed back instead of printed.

// ParseTopicList reads the 'topics:' list of a kafkit apply file, reporting every problem with
// file:line; it sends nothing.
func ParseTopicList(file string, list *yaml.Node) ([]TopicSpec, error) {
	p := &specParser{file: file}
	switch {
	case list.Kind == yaml.ScalarNode && list.Tag == "!!null":
		return nil, nil
	case list.Kind != yaml.SequenceNode:
		p.add(list.Line, "'topics' must be a list of topics (entries starting with '- name: ...')")
		return nil, p.errs
	}
	return p.list(list)
}

// ApplyTopicsOptions are topic apply's settings as kafkit apply passes them.
type ApplyTopicsOptions struct {
	IO           *cmdutil.IOStreams
	Admin        func() (*cmdutil.Admin, error)
	Context      func(context.Context) (context.Context, context.CancelFunc, error)
	File         string
	Specs        []TopicSpec
	DryRun       bool
	PruneConfigs bool
	// Report receives the plan (with results when withResult) instead of it being printed.
	Report func(r ApplyReport, withResult bool) error
}

// ApplyTopics runs topic apply for specs: plan, broker validation, batched execution, re-read.
// It returns what topic apply returns (nil, a check-failed error for a dry run with changes, or
// a failure); messages go to IO.ErrOut.
func ApplyTopics(ctx context.Context, o ApplyTopicsOptions) error {
	return applyRun(ctx, &applyOptions{
		IO: o.IO, Admin: o.Admin, Context: o.Context, File: o.File, Specs: o.Specs,
		DryRun: o.DryRun, PruneConfigs: o.PruneConfigs, Settle: 5 * time.Second, report: o.Report,
	})
}
