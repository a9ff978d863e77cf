package topic

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
)

type alterOptions struct {
	IO      *cmdutil.IOStreams
	Client  func() (*kgo.Client, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer

	Names      []string
	Partitions int // 0: unchanged
	Set        map[string]string
	Delete     []string
	DryRun     bool
}

// AlteredTopic is one change made (or that would be made) by `topic alter`.
type AlteredTopic struct {
	Topic  string `json:"topic"`
	Change string `json:"change"` // partitions, set_config, delete_config
	Key    string `json:"key,omitempty"`
	From   string `json:"from"`
	To     string `json:"to"`
	Result string `json:"result"` // done, would_do, unchanged, failed
	Error  string `json:"error,omitempty"`
}

func newCmdAlter(f *cmdutil.Factory, runF func(context.Context, *alterOptions) error) *cobra.Command {
	opts := &alterOptions{IO: f.IO, Client: f.Client, Context: f.Context}
	var of cmdutil.OutputFlags
	var set []string
	cmd := &cobra.Command{
		Use:   "alter NAME... [--partitions N] [--set k=v] [--delete-config k]",
		Short: "Add partitions to topics or change their configs",
		Long: `Change existing topics: --partitions raises the partition count (Kafka cannot remove
partitions, so a lower count is refused), --set sets a config, --delete-config removes a config
set on the topic so that the broker default applies again. Configs are changed with
IncrementalAlterConfigs: configs you do not name are left alone.

--dry-run asks the cluster to validate the change and prints it with "(dry run)".`,
		Example: `  kafkit topic alter orders --partitions 12
  kafkit topic alter orders --set retention.ms=86400000 --set cleanup.policy=compact
  kafkit topic alter orders --delete-config retention.ms
  kafkit topic alter orders --partitions 12 --dry-run`,
		Args:              cmdutil.Args(cobra.MinimumNArgs(1)),
		ValidArgsFunction: cmdutil.CompleteTopics(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Names = args
			cfg, err := parseConfigPairs(set)
			if err != nil {
				return cmdutil.UsageErrorf("%v", err)
			}
			opts.Set = cfg
			for _, k := range opts.Delete {
				if _, ok := cfg[k]; ok {
					return cmdutil.UsageErrorf("config %q is both set and deleted", k)
				}
				if strings.TrimSpace(k) == "" || strings.Contains(k, "=") {
					return cmdutil.UsageErrorf("bad --delete-config %q: give the config name only, e.g. retention.ms", k)
				}
			}
			if cmd.Flags().Changed("partitions") && opts.Partitions < 1 {
				return cmdutil.UsageErrorf("--partitions must be at least 1, got %d", opts.Partitions)
			}
			if opts.Partitions == 0 && len(opts.Set) == 0 && len(opts.Delete) == 0 {
				return cmdutil.UsageErrorf("nothing to change: give --partitions, --set or --delete-config")
			}
			p, err := of.Printer()
			if err != nil {
				return err
			}
			opts.Printer = p
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return alterRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.IntVarP(&opts.Partitions, "partitions", "p", 0, "new partition count (increase only)")
	fl.StringArrayVar(&set, "set", nil, "set a config key=value (repeatable)")
	fl.StringArrayVar(&opts.Delete, "delete-config", nil, "remove a config set on the topic (repeatable)")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "validate on the cluster, change nothing")
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	return cmd
}

func alterRun(ctx context.Context, opts *alterOptions) error {
	ctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	cl, err := opts.Client()
	if err != nil {
		return err
	}
	adm := kadm.NewClient(cl)
	m, err := fetchMetadata(ctx, cl, opts.Names...)
	if err != nil {
		return err
	}
	var missing []string
	for _, n := range opts.Names {
		if !exists(m, n) {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return notFoundError(missing)
	}
	// Refusals before any change.
	if opts.Partitions > 0 {
		for _, n := range opts.Names {
			if cur := len(m.Topics[n].Partitions); opts.Partitions < cur {
				return fmt.Errorf("cannot decrease the partitions of topic %q from %d to %d: Kafka cannot remove partitions; create a new topic with %d partitions and copy the data into it", n, cur, opts.Partitions, opts.Partitions)
			}
		}
	}
	keys := make([]string, 0, len(opts.Set))
	for k := range opts.Set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if err := checkConfigKeys(ctx, adm, append(append([]string{}, keys...), opts.Delete...), opts.Names[0]); err != nil {
		return err
	}
	cfgs, cfgErrs, err := describeConfigs(ctx, adm, opts.Names)
	if err != nil {
		return err
	}
	if len(cfgErrs) > 0 {
		return describeErrors(opts.IO, cfgErrs)
	}
	var changes []AlteredTopic
	done, would := "done", "would_do"
	result := done
	if opts.DryRun {
		result = would
	}
	var grow []string
	for _, n := range opts.Names {
		if opts.Partitions > 0 {
			cur := len(m.Topics[n].Partitions)
			c := AlteredTopic{Topic: n, Change: "partitions", From: fmt.Sprint(cur), To: fmt.Sprint(opts.Partitions), Result: result}
			if cur == opts.Partitions {
				c.Result = "unchanged"
			} else {
				grow = append(grow, n)
			}
			changes = append(changes, c)
		}
		for _, k := range keys {
			from, _ := cfgs[n].value(k)
			changes = append(changes, AlteredTopic{Topic: n, Change: "set_config", Key: k, From: from, To: opts.Set[k], Result: result})
		}
		for _, k := range opts.Delete {
			from, _ := cfgs[n].value(k)
			changes = append(changes, AlteredTopic{Topic: n, Change: "delete_config", Key: k, From: from, To: "(default)", Result: result})
		}
	}
	failures := map[string]string{} // "topic\x00change" → error
	if len(grow) > 0 {
		var rs kadm.CreatePartitionsResponses
		if opts.DryRun {
			rs, err = adm.ValidateUpdatePartitions(ctx, opts.Partitions, grow...)
		} else {
			rs, err = adm.UpdatePartitions(ctx, opts.Partitions, grow...)
		}
		if err != nil {
			return err
		}
		for _, n := range grow {
			r, ok := rs[n]
			if !ok {
				failures[n+"\x00partitions"] = "no answer from the cluster"
			} else if r.Err != nil {
				failures[n+"\x00partitions"] = kafkaErr(r.Err, r.ErrMessage).Error()
			}
		}
	}
	if len(opts.Set) > 0 || len(opts.Delete) > 0 {
		var acs []kadm.AlterConfig
		for _, k := range keys {
			v := opts.Set[k]
			acs = append(acs, kadm.AlterConfig{Op: kadm.SetConfig, Name: k, Value: &v})
		}
		for _, k := range opts.Delete {
			acs = append(acs, kadm.AlterConfig{Op: kadm.DeleteConfig, Name: k})
		}
		var rs kadm.AlterConfigsResponses
		if opts.DryRun {
			rs, err = adm.ValidateAlterTopicConfigs(ctx, acs, opts.Names...)
		} else {
			rs, err = adm.AlterTopicConfigs(ctx, acs, opts.Names...)
		}
		if err != nil && len(rs) == 0 {
			return err
		}
		for _, n := range opts.Names {
			r, rerr := rs.On(n, nil)
			if rerr != nil {
				failures[n+"\x00config"] = "no answer from the cluster"
			} else if r.Err != nil {
				failures[n+"\x00config"] = kafkaErr(r.Err, r.ErrMessage).Error()
			}
		}
	}
	failed := false
	for i := range changes {
		c := &changes[i]
		key := c.Topic + "\x00partitions"
		if c.Change != "partitions" {
			key = c.Topic + "\x00config"
		}
		if e, ok := failures[key]; ok {
			c.Result, c.Error = "failed", e
			failed = true
		}
	}
	for k, e := range failures {
		t, what, _ := strings.Cut(k, "\x00")
		if what == "config" {
			what = "configs"
		}
		errorf(opts.IO, "cannot change the %s of topic %q: %s", what, t, e)
	}
	if err := printAlter(opts, changes); err != nil {
		return err
	}
	if failed {
		return cmdutil.SilentError
	}
	return nil
}

func printAlter(opts *alterOptions, changes []AlteredTopic) error {
	if changes == nil {
		changes = []AlteredTopic{}
	}
	return opts.Printer.Print(opts.IO.Out, changes, func(t *output.Text) error {
		suffix := ""
		if opts.DryRun {
			suffix = " (dry run)"
		}
		for _, c := range changes {
			if c.Result == "failed" {
				continue
			}
			switch {
			case c.Change == "partitions" && c.Result == "unchanged":
				t.Linef("topic %q already has %s partitions", c.Topic, c.To)
			case c.Change == "partitions":
				t.Linef("topic %q: partitions %s -> %s%s", c.Topic, c.From, c.To, suffix)
			case c.Change == "set_config":
				t.Linef("topic %q: set %s=%s (was %s)%s", c.Topic, c.Key, c.To, output.Dash(c.From), suffix)
			case c.Change == "delete_config":
				t.Linef("topic %q: deleted config %s (was %s; the default applies)%s", c.Topic, c.Key, output.Dash(c.From), suffix)
			}
		}
		return nil
	})
}
