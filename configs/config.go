package configs

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
)

// NewCmdConfig returns `kafkit config`: the configs of entities that are neither topics nor
// brokers (those live in `topic` and `broker`): client-metrics subscriptions and groups.
func NewCmdConfig(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Show and change client-metrics subscriptions and group configs",
		Long: `Show and change the configs of client-metrics subscriptions (Kafka 3.7+) and of groups
(Kafka 4.0+), as kafka-configs.sh --entity-type client-metrics|groups does. Topic configs are in
"kafkit topic describe/alter", broker configs in "kafkit broker config".

Every verb here works the same way: without --set/--delete it shows the entity's configs
(--all: defaults too); with them it sends one IncrementalAlterConfigs request, --dry-run asks
the broker to validate it (validate-only) and exits 3 when anything would change.`,
	}
	cmdutil.GroupCommand(cmd)
	cmd.AddCommand(newCmdClientMetrics(f, nil), newCmdGroup(f, nil))
	return cmd
}

// Flags are the flags every config verb shares.
type Flags struct {
	Set, Delete []string
	DryRun, All bool
	Out         cmdutil.OutputFlags
}

// AddFlags registers --set, --delete, --dry-run, --all and -o.
func AddFlags(cmd *cobra.Command, fl *Flags) {
	cmd.Flags().StringArrayVar(&fl.Set, "set", nil, "set a config: KEY=VALUE (repeatable)")
	cmd.Flags().StringArrayVar(&fl.Delete, "delete", nil, "delete a config, back to its default (repeatable)")
	cmd.Flags().BoolVar(&fl.DryRun, "dry-run", false, "validate on the broker (validate-only), change nothing")
	cmd.Flags().BoolVar(&fl.All, "all", false, "show every config, defaults included")
	cmdutil.AddOutputFlags(cmd, &fl.Out)
}

// Options resolves the flags into RunOptions for resource r (before any request).
func (fl *Flags) Options(f *cmdutil.Factory, r Resource) (*RunOptions, error) {
	p, err := fl.Out.Printer()
	if err != nil {
		return nil, err
	}
	c, err := ParseChange(fl.Set, fl.Delete)
	if err != nil {
		return nil, err
	}
	if fl.DryRun && c.Empty() {
		return nil, cmdutil.UsageErrorf("--dry-run needs --set or --delete")
	}
	return &RunOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Printer: p, Resource: r, Change: c, DryRun: fl.DryRun, All: fl.All}, nil
}

// listedRules knows the keys when the broker described the whole set (defaults included);
// otherwise the broker decides.
func listedRules(_ context.Context, _ *cmdutil.Admin, es []Entry) (Rules, error) {
	for _, e := range es {
		if e.Source == "DEFAULT_CONFIG" {
			return KnownFrom(es), nil
		}
	}
	return Rules{}, nil
}

func newCmdGroup(f *cmdutil.Factory, runF func(context.Context, *RunOptions) error) *cobra.Command {
	var fl Flags
	cmd := &cobra.Command{
		Use:   "group GROUP [--set KEY=VALUE]... [--delete KEY]...",
		Short: "Show or change a group's configs (Kafka 4.0+)",
		Long: `Show or change a consumer, share or streams group's configs (consumer.session.timeout.ms,
consumer.heartbeat.interval.ms, share.auto.offset.reset, ...). Needs Kafka 4.0 or newer.`,
		Example: `  kafkit config group billing
  kafkit config group billing --set consumer.session.timeout.ms=60000 --dry-run
  kafkit config group billing --delete consumer.session.timeout.ms`,
		Args:              cmdutil.Args(cobra.ExactArgs(1)),
		ValidArgsFunction: cmdutil.CompleteGroups(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			o, err := fl.Options(f, Resource{Type: kmsg.ConfigResourceTypeGroupConfig, Name: args[0]})
			if err != nil {
				return err
			}
			o.Rules, o.Check = listedRules, NeedsAPI(68, 1, "group configs", "4.0")
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return Run(cmd.Context(), o)
		},
	}
	AddFlags(cmd, &fl)
	return cmd
}

func newCmdClientMetrics(f *cmdutil.Factory, runF func(context.Context, *RunOptions) error) *cobra.Command {
	var fl Flags
	cmd := &cobra.Command{
		Use:   "client-metrics [NAME] [--set KEY=VALUE]... [--delete KEY]...",
		Short: "List client-metrics subscriptions, show or change one (Kafka 3.7+)",
		Long: `Without NAME, list the client-metrics subscriptions. With NAME, show or change the
subscription: metrics (prefixes of metric names, comma-separated; "*" for all), interval.ms (push
interval), match (client selectors: client_id=..., client_software_name=...). Setting a
subscription's first config creates it; deleting its last config removes it. Needs Kafka 3.7+.`,
		Example: `  kafkit config client-metrics
  kafkit config client-metrics producers --set metrics=org.apache.kafka.producer. --set interval.ms=60000
  kafkit config client-metrics producers --set match=client_id=billing-.* --dry-run`,
		Args: cmdutil.Args(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			check := NeedsAPI(74, 0, "client-metrics subscriptions", "3.7")
			if len(args) == 0 {
				return listClientMetrics(cmd.Context(), f, &fl, check)
			}
			o, err := fl.Options(f, Resource{Type: kmsg.ConfigResourceTypeClientMetrics, Name: args[0]})
			if err != nil {
				return err
			}
			o.Rules, o.Check = listedRules, check
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return Run(cmd.Context(), o)
		},
	}
	AddFlags(cmd, &fl)
	return cmd
}

// Subscription is one client-metrics subscription in the list.
type Subscription struct {
	Name string `json:"name"`
}

func listClientMetrics(ctx context.Context, f *cmdutil.Factory, fl *Flags, check func(context.Context, *cmdutil.Admin) error) error {
	p, err := fl.Out.Printer()
	if err != nil {
		return err
	}
	if len(fl.Set)+len(fl.Delete) > 0 || fl.DryRun {
		return cmdutil.UsageErrorf("name the subscription to change: kafkit config client-metrics NAME --set ...")
	}
	ctx, cancel, err := f.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := f.Admin()
	if err != nil {
		return err
	}
	if err := check(ctx, adm); err != nil {
		return err
	}
	res, err := adm.ListConfigResources(ctx, 16)
	if err == nil {
		err = res.Err
	}
	if err != nil {
		return err
	}
	subs := []Subscription{}
	for _, n := range res.Names() {
		subs = append(subs, Subscription{Name: n})
	}
	return p.Print(f.IO.Out, subs, func(t *output.Text) error {
		var rows [][]string
		for _, s := range subs {
			rows = append(rows, []string{s.Name})
		}
		return t.Table([]string{"NAME"}, rows)
	})
}
