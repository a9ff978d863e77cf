package topic

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strconv"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

type exportOptions struct {
	IO      *cmdutil.IOStreams
	Admin   func() (*cmdutil.Admin, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)

	Regex *regexp.Regexp
}

func newCmdExport(f *cmdutil.Factory, runF func(context.Context, *exportOptions) error) *cobra.Command {
	opts := &exportOptions{IO: f.IO, Admin: f.Admin, Context: f.Context}
	cmd := &cobra.Command{
		Use:   "export [REGEX]",
		Short: "Write the cluster's topics as an apply file",
		Long: `Write the topics of the cluster (all non-internal topics, or those whose whole name matches
REGEX) as the YAML that 'kafkit topic apply' reads: name, partitions, replication_factor, and
the configs set on the topic itself (source DYNAMIC_TOPIC_CONFIG). Configs inherited from the
broker or Kafka's defaults are left out, so that the file says only what was chosen for the
topic, and 'apply --dry-run' of the exported file against the same cluster shows no changes.`,
		Example: `  kafkit topic export > topics.yaml
  kafkit topic export 'orders\..*' > orders.yaml
  kafkit topic export > topics.yaml && kafkit topic apply -f topics.yaml --dry-run   # no changes`,
		Args: cmdutil.Args(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				re, err := compileTopicRegex(args[0])
				if err != nil {
					return cmdutil.UsageErrorf("%v", err)
				}
				opts.Regex = re
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return exportRun(cmd.Context(), opts)
		},
	}
	return cmd
}

func exportRun(ctx context.Context, opts *exportOptions) error {
	ctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := opts.Admin()
	if err != nil {
		return err
	}
	data, n, err := ExportYAML(ctx, adm, opts.Regex)
	if err != nil {
		return err
	}
	_, err = opts.IO.Out.Write(data)
	if err == nil && n == 0 {
		fmt.Fprintln(opts.IO.ErrOut, "warning: no topic to export")
	}
	return err
}

// ExportYAML reads the cluster's non-internal topics (those whose whole name matches re, when
// given) and renders them as a 'topics:' apply file; n is how many.
func ExportYAML(ctx context.Context, adm *cmdutil.Admin, re *regexp.Regexp) (data []byte, n int, err error) {
	m, err := fetchMetadata(ctx, adm)
	if err != nil {
		return nil, 0, err
	}
	var names []string
	for _, td := range m.Topics.Sorted() {
		if td.Err == nil && !td.IsInternal && (re == nil || re.MatchString(td.Topic)) {
			names = append(names, td.Topic)
		}
	}
	actual, _, err := fetchActual(ctx, adm, names)
	if err != nil {
		return nil, 0, err
	}
	var topics []ActualTopic
	for _, n := range names {
		if a, ok := actual[n]; ok {
			topics = append(topics, a)
		}
	}
	data, err = exportYAML(topics)
	return data, len(topics), err
}

// exportYAML renders topics (in the given order) as an apply file: only configs set on the
// topic, keys sorted, values as strings.
func exportYAML(topics []ActualTopic) ([]byte, error) {
	str := func(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }
	num := func(n int) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(n)} }
	list := &yaml.Node{Kind: yaml.SequenceNode}
	for _, t := range topics {
		item := &yaml.Node{Kind: yaml.MappingNode}
		item.Content = append(item.Content, str("name"), str(t.Name), str("partitions"), num(t.Partitions), str("replication_factor"), num(t.ReplicationFactor))
		cfg := &yaml.Node{Kind: yaml.MappingNode}
		for _, k := range sortedKeys(t.Configs) {
			if c := t.Configs[k]; c.OnTopic {
				cfg.Content = append(cfg.Content, str(k), str(c.Value))
			}
		}
		if len(cfg.Content) > 0 {
			item.Content = append(item.Content, str("configs"), cfg)
		}
		list.Content = append(list.Content, item)
	}
	if len(list.Content) == 0 {
		list.Style = yaml.FlowStyle
	}
	root := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{str("topics"), list}}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
