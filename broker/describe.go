package broker

import (
	"context"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/configs"
	"github.com/kafkit/kafkit/internal/cmdutil"
)

func newCmdDescribe(f *cmdutil.Factory, runF func(context.Context, *configs.RunOptions) error) *cobra.Command {
	var fl configs.Flags
	cmd := &cobra.Command{
		Use:   "describe ID",
		Short: "Show a broker's configs that are not defaults, with their source",
		Long: `Show a broker's configs that do not come from Kafka's defaults: set in its
server.properties (STATIC_BROKER_CONFIG), set dynamically for this broker
(DYNAMIC_BROKER_CONFIG) or for every broker (DYNAMIC_DEFAULT_BROKER_CONFIG). --all adds the
defaults; -o wide adds whether each can be changed without a restart and its synonyms.
Sensitive values (passwords, keys) show as (sensitive).`,
		Example: `  kafkit broker describe 1
  kafkit broker describe 1 --all -o wide`,
		Args:              cmdutil.Args(cobra.ExactArgs(1)),
		ValidArgsFunction: CompleteIDs(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			o, err := fl.Options(f, configs.Resource{Type: kmsg.ConfigResourceTypeBroker, Name: strconv.Itoa(int(id))})
			if err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return describeRun(cmd.Context(), o)
		},
	}
	cmd.Flags().BoolVar(&fl.All, "all", false, "show every config, defaults included")
	cmdutil.AddOutputFlags(cmd, &fl.Out)
	return cmd
}

func describeRun(ctx context.Context, o *configs.RunOptions) error {
	ctx, cancel, err := o.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := o.Admin()
	if err != nil {
		return err
	}
	es, err := configs.Describe(ctx, adm, o.Resource)
	if err != nil {
		return err
	}
	return configs.PrintEntries(o.IO, o.Printer, nonDefault(es, o.All))
}

// nonDefault drops Kafka's defaults unless all.
func nonDefault(es []configs.Entry, all bool) []configs.Entry {
	out := []configs.Entry{}
	for _, e := range es {
		if all || e.Source != "DEFAULT_CONFIG" {
			out = append(out, e)
		}
	}
	return out
}
