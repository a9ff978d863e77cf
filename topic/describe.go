package topic

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/text"
)

type describeOptions struct {
	IO      *cmdutil.IOStreams
	Admin   func() (*cmdutil.Admin, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer

	Topics     []string
	Regex      *regexp.Regexp
	Internal   bool
	AllConfigs bool
}

// DescribedTopic is one topic of `topic describe`.
type DescribedTopic struct {
	Name              string               `json:"name"`
	TopicID           string               `json:"topic_id"`
	Internal          bool                 `json:"internal"`
	Partitions        int                  `json:"partitions"`
	ReplicationFactor int                  `json:"replication_factor"`
	Configs           []DescribedConfig    `json:"configs"`
	ConfigsError      string               `json:"configs_error,omitempty"`
	PartitionDetails  []DescribedPartition `json:"partition_details"`
}

// DescribedConfig is one config with where its value comes from.
type DescribedConfig struct {
	Name      string  `json:"name"`
	Value     *string `json:"value"`
	Source    string  `json:"source"`
	Sensitive bool    `json:"sensitive"`
}

// DescribedPartition is one partition row.
type DescribedPartition struct {
	Partition      int32   `json:"partition"`
	Leader         int32   `json:"leader"`
	LeaderEpoch    int32   `json:"leader_epoch"`
	Replicas       []int32 `json:"replicas"`
	ISR            []int32 `json:"isr"`
	Offline        []int32 `json:"offline_replicas"`
	LogStartOffset *int64  `json:"log_start_offset"`
	HighWatermark  *int64  `json:"high_watermark"`
	SizeBytes      *int64  `json:"size_bytes,omitempty"`
	Error          string  `json:"error,omitempty"`
}

func newCmdDescribe(f *cmdutil.Factory, runF func(context.Context, *describeOptions) error) *cobra.Command {
	opts := &describeOptions{IO: f.IO, Admin: f.Admin, Context: f.Context}
	var of cmdutil.OutputFlags
	var regex string
	cmd := &cobra.Command{
		Use:   "describe [TOPIC...]",
		Short: "Show a topic's settings, configs and partitions",
		Long: `Show, per topic, a summary (name, id, partitions, replication factor, and the configs that
differ from Kafka's defaults with where each is set) and a partition table: PARTITION, LEADER,
REPLICAS, ISR, OFFLINE (offline replicas), LOG-START and HIGH-WATERMARK. -o wide adds the leader
epoch and the size on disk of the leader's replica (from DescribeLogDirs).

--configs lists every config of the topic with its value, source and sensitivity instead.

Topics are named as arguments or chosen with --regex (matched against the whole name); with
neither, every non-internal topic is described. A topic that does not exist is reported as
'topic "foo" not found' and the command exits 1 after describing the others.`,
		Example: `  kafkit topic describe orders
  kafkit topic describe orders payments -o wide
  kafkit topic describe --regex 'orders\..*' -o json
  kafkit topic describe orders --configs`,
		ValidArgsFunction: cmdutil.CompleteTopics(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Topics = args
			if regex != "" {
				if len(args) > 0 {
					return cmdutil.UsageErrorf("give topic names or --regex, not both")
				}
				re, err := compileTopicRegex(regex)
				if err != nil {
					return cmdutil.UsageErrorf("%v", err)
				}
				opts.Regex = re
			}
			p, err := of.Printer()
			if err != nil {
				return err
			}
			opts.Printer = p
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return describeRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&regex, "regex", "", "describe the topics whose whole name matches this regular expression")
	cmd.Flags().BoolVar(&opts.Internal, "internal", false, "with --regex or no topic: include internal topics")
	cmd.Flags().BoolVar(&opts.AllConfigs, "configs", false, "show every config with value, source and sensitivity")
	cmdutil.AddOutputFlags(cmd, &of)
	return cmd
}

func describeRun(ctx context.Context, opts *describeOptions) error {
	ctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := opts.Admin()
	if err != nil {
		return err
	}
	m, err := fetchMetadata(ctx, adm, opts.Topics...)
	if err != nil {
		return err
	}
	names, missing, err := describeNames(opts, m)
	if err != nil {
		return err
	}
	var tds []kadm.TopicDetail
	for _, n := range names {
		tds = append(tds, m.Topics[n])
	}
	cfgs, cfgErrs, err := describeConfigs(ctx, adm, names)
	if err != nil {
		return err
	}
	starts, err := listOffsets(ctx, adm, tds, tsEarliest)
	if err != nil {
		return err
	}
	ends, err := listOffsets(ctx, adm, tds, tsLatest)
	if err != nil {
		return err
	}
	var sizes kadm.DescribedAllLogDirs
	if opts.Printer.Format == output.Wide || opts.Printer.IsStructured() {
		sizes = fetchSizes(ctx, adm, opts.IO, tds)
	}
	view := describeView(tds, cfgs, cfgErrs, starts, ends, sizes, opts.AllConfigs)
	if err := printDescribe(opts, view); err != nil {
		return err
	}
	if len(cfgErrs) > 0 {
		return describeErrors(opts.IO, cfgErrs)
	}
	if len(missing) > 0 {
		return notFoundError(missing)
	}
	return nil
}

// describeNames picks the topics to describe: the named ones (and which are missing), or every
// topic matching --regex / --internal.
func describeNames(opts *describeOptions, m kadm.Metadata) (names, missing []string, err error) {
	if len(opts.Topics) > 0 {
		seen := map[string]bool{}
		for _, t := range opts.Topics {
			if seen[t] {
				continue
			}
			seen[t] = true
			if exists(m, t) {
				names = append(names, t)
			} else {
				missing = append(missing, t)
			}
		}
		return names, missing, nil
	}
	for _, td := range m.Topics.Sorted() {
		if td.Err == nil && (opts.Internal || !td.IsInternal) && (opts.Regex == nil || opts.Regex.MatchString(td.Topic)) {
			names = append(names, td.Topic)
		}
	}
	if len(names) == 0 && opts.Regex != nil {
		return nil, nil, fmt.Errorf("no topic matches %q", strings.TrimSuffix(strings.TrimPrefix(opts.Regex.String(), "^(?:"), ")$"))
	}
	return names, nil, nil
}

// fetchSizes reads the partition sizes (DescribeLogDirs); a failure is a warning.
func fetchSizes(ctx context.Context, adm *cmdutil.Admin, io *cmdutil.IOStreams, tds []kadm.TopicDetail) kadm.DescribedAllLogDirs {
	var set kadm.TopicsSet
	for _, td := range tds {
		for _, p := range td.Partitions {
			set.Add(td.Topic, p.Partition)
		}
	}
	if len(set) == 0 {
		return nil
	}
	sizes, err := adm.DescribeAllLogDirs(ctx, set)
	if err != nil && len(sizes) == 0 {
		warnf(io, "cannot read partition sizes (DescribeLogDirs): %v", err)
	}
	return sizes
}

// describeView builds the per-topic views in name order; sizes may be nil.
func describeView(tds []kadm.TopicDetail, cfgs map[string]topicConfigs, cfgErrs map[string]error, starts, ends partitionOffsets, sizes kadm.DescribedAllLogDirs, all bool) []DescribedTopic {
	out := []DescribedTopic{}
	sort.Slice(tds, func(i, j int) bool { return tds[i].Topic < tds[j].Topic })
	for _, td := range tds {
		dt := DescribedTopic{Name: td.Topic, TopicID: topicID(td.ID), Internal: td.IsInternal, Partitions: len(td.Partitions), ReplicationFactor: replicationFactor(td), Configs: []DescribedConfig{}, PartitionDetails: []DescribedPartition{}}
		if e := cfgErrs[td.Topic]; e != nil {
			dt.ConfigsError = e.Error()
		}
		dt.Configs = configView(cfgs[td.Topic], all)
		for _, p := range td.Partitions.Sorted() {
			dp := DescribedPartition{Partition: p.Partition, Leader: p.Leader, LeaderEpoch: p.LeaderEpoch, Replicas: nonNil(p.Replicas), ISR: nonNil(p.ISR), Offline: nonNil(p.OfflineReplicas)}
			var errs []string
			// One line per distinct problem: a partition without a leader fails its metadata and
			// both offset lookups with the same error, which is said once.
			addErr := func(prefix string, err error) {
				for _, e := range errs {
					if strings.HasSuffix(e, err.Error()) {
						return
					}
				}
				errs = append(errs, prefix+err.Error())
			}
			if p.Err != nil {
				addErr("", p.Err)
			}
			if lo, ok := starts.get(td.Topic, p.Partition); ok {
				if lo.Err == nil {
					v := lo.Offset
					dp.LogStartOffset = &v
				} else {
					addErr("log start: ", lo.Err)
				}
			}
			if lo, ok := ends.get(td.Topic, p.Partition); ok {
				if lo.Err == nil {
					v := lo.Offset
					dp.HighWatermark = &v
				} else {
					addErr("high watermark: ", lo.Err)
				}
			}
			if sizes != nil {
				if bd, ok := sizes[p.Leader]; ok {
					if lp, ok := bd.LookupPartition(td.Topic, p.Partition); ok {
						v := lp.Size
						dp.SizeBytes = &v
					}
				}
			}
			dp.Error = strings.Join(errs, "; ")
			dt.PartitionDetails = append(dt.PartitionDetails, dp)
		}
		out = append(out, dt)
	}
	return out
}

// configView lists configs by name: all of them, or only those not at Kafka's default.
func configView(c topicConfigs, all bool) []DescribedConfig {
	out := []DescribedConfig{}
	for _, cfg := range c {
		if !all && cfg.Source == kmsg.ConfigSourceDefaultConfig {
			continue
		}
		out = append(out, DescribedConfig{Name: cfg.Key, Value: cfg.Value, Source: sourceName(cfg.Source), Sensitive: cfg.Sensitive})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func nonNil(s []int32) []int32 {
	if s == nil {
		return []int32{}
	}
	return s
}

func printDescribe(opts *describeOptions, view []DescribedTopic) error {
	return opts.Printer.Print(opts.IO.Out, view, func(t *output.Text) error {
		for i, dt := range view {
			if i > 0 {
				t.Linef("")
			}
			t.Linef("Name:                %s", text.Safe(dt.Name))
			t.Linef("Topic ID:            %s", dt.TopicID)
			if dt.Internal {
				t.Linef("Internal:            true")
			}
			t.Linef("Partitions:          %d", dt.Partitions)
			t.Linef("Replication factor:  %d", dt.ReplicationFactor)
			if err := printDescribeConfigs(t, dt, opts.AllConfigs); err != nil {
				return err
			}
			t.Linef("")
			if err := printDescribePartitions(t, dt); err != nil {
				return err
			}
		}
		return nil
	})
}

// configValue is a config's value as printed: "-" for none, "(sensitive)" for secrets.
func configValue(c DescribedConfig) string {
	switch {
	case c.Sensitive:
		return "(sensitive)"
	case c.Value == nil:
		return "-"
	}
	return *c.Value
}

func printDescribeConfigs(t *output.Text, dt DescribedTopic, all bool) error {
	switch {
	case dt.ConfigsError != "":
		t.Linef("Configs:             (cannot read: %s)", dt.ConfigsError)
	case all:
		t.Linef("Configs:")
		var rows [][]string
		for _, c := range dt.Configs {
			rows = append(rows, []string{c.Name, configValue(c), c.Source, strconv.FormatBool(c.Sensitive)})
		}
		return output.WriteTable(indent{t.W}, []string{"NAME", "VALUE", "SOURCE", "SENSITIVE"}, rows, t.NoHeaders)
	case len(dt.Configs) == 0:
		t.Linef("Configs:             -")
	default:
		for j, c := range dt.Configs {
			label := "Configs:"
			if j > 0 {
				label = ""
			}
			t.Linef("%-21s%s=%s (%s)", label, c.Name, configValue(c), c.Source)
		}
	}
	return nil
}

func printDescribePartitions(t *output.Text, dt DescribedTopic) error {
	headers := []string{"PARTITION", "LEADER", "REPLICAS", "ISR", "OFFLINE", "LOG-START", "HIGH-WATERMARK"}
	if t.Wide {
		headers = append(headers, "LEADER-EPOCH", "SIZE")
	}
	hasErr := false
	for _, p := range dt.PartitionDetails {
		hasErr = hasErr || p.Error != ""
	}
	if hasErr {
		headers = append(headers, "ERROR")
	}
	var rows [][]string
	for _, p := range dt.PartitionDetails {
		leader := "-"
		if p.Leader >= 0 {
			leader = strconv.Itoa(int(p.Leader))
		}
		row := []string{strconv.Itoa(int(p.Partition)), leader, output.Dash(int32List(p.Replicas)), output.Dash(int32List(p.ISR)), output.Dash(int32List(p.Offline)), optInt(p.LogStartOffset), optInt(p.HighWatermark)}
		if t.Wide {
			row = append(row, strconv.Itoa(int(p.LeaderEpoch)), optInt(p.SizeBytes))
		}
		if hasErr {
			row = append(row, output.Dash(p.Error))
		}
		rows = append(rows, row)
	}
	return t.Table(headers, rows)
}

// indent prefixes every line written through it with two spaces.
type indent struct {
	w io.Writer
}

func (i indent) Write(p []byte) (int, error) {
	lines := strings.SplitAfter(string(p), "\n")
	var b strings.Builder
	for _, l := range lines {
		if l == "" {
			continue
		}
		b.WriteString("  ")
		b.WriteString(l)
	}
	if _, err := i.w.Write([]byte(b.String())); err != nil {
		return 0, err
	}
	return len(p), nil
}
