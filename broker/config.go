package broker

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/configs"
	"github.com/kafkit/kafkit/internal/cmdutil"
)

const configLong = `Show or change a broker's dynamic configs (ID), the cluster-wide broker default
(--default), or a broker's log4j loggers (--loggers ID).

Without --set/--delete it shows the configs set dynamically on that entity (--all: every config
with its source). With them it sends one IncrementalAlterConfigs request; --dry-run asks the
broker to validate it (validate-only) and exits 3 when anything would change. Keys the broker
does not know, and read-only keys (those that need server.properties and a restart), are refused
before anything is sent (exit 2). A change returns once the broker (every broker, for
--default) reports the new values, at most 5 s, so a describe right after reads no stale value.
Sensitive values show as (sensitive).

--loggers lists every logger with its level; --set LOGGER=LEVEL changes one (OFF, FATAL, ERROR,
WARN, INFO, DEBUG, TRACE) until the broker restarts; --delete LOGGER resets it to the root
logger's level.`

const configExample = `  kafkit broker config 1
  kafkit broker config --default --set log.cleaner.threads=2 --dry-run
  kafkit broker config 1 --set log.retention.ms=604800000
  kafkit broker config 1 --delete log.retention.ms
  kafkit broker config --loggers 1 --set kafka.controller=DEBUG`

type configFlags struct {
	configs.Flags
	Default, Loggers bool
}

func newCmdConfig(f *cmdutil.Factory, runF func(context.Context, *configs.RunOptions) error) *cobra.Command {
	var fl configFlags
	cmd := &cobra.Command{
		Use:               "config {ID|--default|--loggers ID} [--set KEY=VALUE]... [--delete KEY]...",
		Short:             "Show or change broker configs (per broker or cluster default) and loggers",
		Long:              configLong,
		Example:           configExample,
		Args:              cmdutil.Args(cobra.MaximumNArgs(1)),
		ValidArgsFunction: CompleteIDs(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			o, err := configOptions(f, &fl, args)
			if err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return configs.Run(cmd.Context(), o)
		},
	}
	configs.AddFlags(cmd, &fl.Flags)
	cmd.Flags().BoolVar(&fl.Default, "default", false, "the cluster-wide default of every broker")
	cmd.Flags().BoolVar(&fl.Loggers, "loggers", false, "the broker's loggers (broker-loggers) instead of its configs")
	return cmd
}

// configOptions resolves the entity and the change; every mistake is a usage error.
func configOptions(f *cmdutil.Factory, fl *configFlags, args []string) (*configs.RunOptions, error) {
	r := configs.Resource{Type: kmsg.ConfigResourceTypeBroker}
	switch {
	case fl.Default && (len(args) > 0 || fl.Loggers):
		return nil, cmdutil.UsageErrorf("--default names the cluster-wide default: give no broker id and no --loggers")
	case fl.Default:
	case len(args) == 0:
		return nil, cmdutil.UsageErrorf("name a broker id or --default (kafkit broker list shows the ids)")
	default:
		id, err := parseID(args[0])
		if err != nil {
			return nil, err
		}
		r.Name = strconv.Itoa(int(id))
	}
	if fl.Loggers {
		r.Type = kmsg.ConfigResourceTypeBrokerLogger
	}
	o, err := fl.Options(f, r)
	if err != nil {
		return nil, err
	}
	if fl.Loggers {
		if err := checkLevels(o.Change); err != nil {
			return nil, err
		}
		o.Rules = func(_ context.Context, _ *cmdutil.Admin, es []configs.Entry) (configs.Rules, error) {
			return configs.KnownFrom(es), nil
		}
		return o, nil
	}
	o.Rules = brokerRules(r)
	return o, nil
}

var levels = []string{"OFF", "FATAL", "ERROR", "WARN", "INFO", "DEBUG", "TRACE"}

func checkLevels(c configs.Change) error {
	for _, k := range c.Order {
		v := strings.ToUpper(c.Set[k])
		ok := false
		for _, l := range levels {
			ok = ok || l == v
		}
		if !ok {
			return cmdutil.UsageErrorf("logger %s: level %q is not one of %s", k, c.Set[k], strings.Join(levels, ", "))
		}
		c.Set[k] = v
	}
	return nil
}

// brokerRules knows every broker config and whether it is read-only from a broker's own
// DescribeConfigs answer: the broker's when it has an id, the lowest id's for --default.
func brokerRules(r configs.Resource) func(context.Context, *cmdutil.Admin, []configs.Entry) (configs.Rules, error) {
	return func(ctx context.Context, adm *cmdutil.Admin, current []configs.Entry) (configs.Rules, error) {
		if r.Name != "" {
			return configs.KnownFrom(current), nil
		}
		meta, err := adm.BrokerMetadata(ctx)
		if err != nil {
			return configs.Rules{}, err
		}
		if len(meta.Brokers) == 0 {
			return configs.Rules{}, nil
		}
		ids := meta.Brokers.NodeIDs()
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		es, err := configs.Describe(ctx, adm, configs.Resource{Type: kmsg.ConfigResourceTypeBroker, Name: strconv.Itoa(int(ids[0]))})
		if err != nil {
			return configs.Rules{}, err
		}
		return configs.KnownFrom(es), nil
	}
}
