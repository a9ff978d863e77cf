package apply

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/kafkit/kafkit/acl"
	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/topic"
)

// ExportOptions are kafkit export's settings.
type ExportOptions struct {
	IO      *cmdutil.IOStreams
	Admin   func() (*cmdutil.Admin, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Topics  *regexp.Regexp  // nil: every non-internal topic
	Only    map[string]bool // sections to write; nil: all
}

const exportLong = `Write the cluster's state as a 'kafkit apply' file on stdout: topics (with the configs set on
each), SCRAM users (name, mechanism, iterations; never a secret: each gets a password_env
placeholder to fill in before the user is created elsewhere), ACLs (grouped by principal, host,
permission and resource), client quotas, and the dynamic broker configs (cluster default and
per broker; sensitive ones are left out). 'kafkit apply -f' of the output with --dry-run shows no
changes.`

// NewCmdExport builds `kafkit export`.
func NewCmdExport(f *cmdutil.Factory) *cobra.Command { return newCmdExport(f, nil) }

func newCmdExport(f *cmdutil.Factory, runF func(context.Context, *ExportOptions) error) *cobra.Command {
	opts := &ExportOptions{IO: f.IO, Admin: f.Admin, Context: f.Context}
	var topics string
	var only []string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the cluster's topics, users, ACLs, quotas and broker configs as an apply file",
		Long:  exportLong,
		Example: `  kafkit export > cluster.yaml
  kafkit export --topics 'orders\..*' --only topics,acls > orders.yaml
  kafkit export | kafkit apply -f - --dry-run      # exit 0: no changes`,
		Args: cmdutil.Args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.complete(topics, only); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return ExportRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&topics, "topics", "", "only topics whose whole name matches this regex")
	cmd.Flags().StringSliceVar(&only, "only", nil, "sections to write: "+strings.Join(sectionNames, ","))
	return cmd
}

func (o *ExportOptions) complete(topics string, only []string) error {
	if topics != "" {
		re, err := regexp.Compile("^(?:" + topics + ")$")
		if err != nil {
			return cmdutil.UsageErrorf("bad --topics regex: %v", err)
		}
		o.Topics = re
	}
	for _, s := range only {
		known := false
		for _, n := range sectionNames {
			known = known || s == n
		}
		if !known {
			return cmdutil.UsageErrorf("--only %q: use %s", s, strings.Join(sectionNames, ", "))
		}
		if o.Only == nil {
			o.Only = map[string]bool{}
		}
		o.Only[s] = true
	}
	return nil
}

func (o *ExportOptions) want(section string) bool { return o.Only == nil || o.Only[section] }

// ExportRun reads each section from the cluster and writes the file.
func ExportRun(ctx context.Context, o *ExportOptions) error {
	ctx, cancel, err := o.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := o.Admin()
	if err != nil {
		return err
	}
	var out bytes.Buffer
	if o.want("topics") {
		data, _, err := topic.ExportYAML(ctx, adm, o.Topics)
		if err != nil {
			return err
		}
		out.Write(data)
	}
	root := &yaml.Node{Kind: yaml.MappingNode}
	for _, sec := range []struct {
		name  string
		build func(context.Context, *cmdutil.Admin) (*yaml.Node, error)
	}{{"users", exportUsers}, {"acls", exportACLs}, {"quotas", exportQuotas}, {"broker_configs", exportBrokers}} {
		if !o.want(sec.name) {
			continue
		}
		n, err := sec.build(ctx, adm)
		if err != nil {
			return fmt.Errorf("exporting %s: %v", sec.name, err)
		}
		root.Content = append(root.Content, str(sec.name), n)
	}
	if len(root.Content) > 0 {
		if err := encode(&out, root); err != nil {
			return err
		}
	}
	_, err = o.IO.Out.Write(out.Bytes())
	return err
}

func encode(buf *bytes.Buffer, n *yaml.Node) error {
	enc := yaml.NewEncoder(buf)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return err
	}
	return enc.Close()
}

func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }
func integer(n int64) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(n, 10)}
}

func seq(items []*yaml.Node) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Content: items}
	if len(items) == 0 {
		n.Style = yaml.FlowStyle
	}
	return n
}

func mapping(kv ...*yaml.Node) *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode, Content: kv} }

var envUnsafe = regexp.MustCompile(`[^A-Z0-9]+`)

func exportUsers(ctx context.Context, adm *cmdutil.Admin) (*yaml.Node, error) {
	d, err := adm.DescribeUserSCRAMs(ctx)
	if err != nil {
		return nil, err
	}
	var items []*yaml.Node
	for _, u := range d.Sorted() {
		for _, c := range u.CredInfos {
			env := "KAFKIT_PASSWORD_" + strings.Trim(envUnsafe.ReplaceAllString(strings.ToUpper(u.User), "_"), "_")
			items = append(items, mapping(str("name"), str(u.User), str("mechanism"), str(c.Mechanism.String()),
				str("iterations"), integer(int64(c.Iterations)), str("password_env"), str(env)))
		}
	}
	return seq(items), nil
}

func exportACLs(ctx context.Context, adm *cmdutil.Admin) (*yaml.Node, error) {
	s := &aclsSection{want: []ACLSpec{{}}}
	if err := s.fetch(ctx, adm); err != nil {
		if strings.Contains(err.Error(), "SECURITY_DISABLED") {
			return seq(nil), nil
		}
		return nil, err
	}
	groups := map[string][]Binding{}
	for _, b := range s.actual {
		g := b
		g.Operation = 0
		groups[g.key()] = append(groups[g.key()], b)
	}
	var items []*yaml.Node
	for _, k := range sortedKeys(groups) {
		bs := groups[k]
		sort.Slice(bs, func(i, j int) bool { return bs[i].Operation < bs[j].Operation })
		b := bs[0]
		ops := make([]*yaml.Node, len(bs))
		for i, x := range bs {
			ops[i] = str(acl.OperationName(x.Operation))
		}
		opsNode := seq(ops)
		opsNode.Style = yaml.FlowStyle
		items = append(items, mapping(str("principal"), str(b.Principal), str("host"), str(b.Host),
			str("permission"), str(acl.PermissionName(b.Permission)), str("resource"), str(acl.TypeName(b.Resource)),
			str("name"), str(b.Name), str("pattern"), str(acl.PatternName(b.Pattern)), str("operations"), opsNode))
	}
	return seq(items), nil
}

func exportQuotas(ctx context.Context, adm *cmdutil.Admin) (*yaml.Node, error) {
	s := &quotasSection{prune: true}
	if err := s.fetch(ctx, adm); err != nil {
		return nil, err
	}
	keyOf := map[string]string{"user": "user", "client-id": "client_id", "ip": "ip"}
	var items []*yaml.Node
	for _, name := range sortedKeys(s.actual) {
		q := s.actual[name]
		item := mapping()
		for _, c := range q.Entity {
			v := defaultEntity
			if c.Name != nil {
				v = *c.Name
			}
			item.Content = append(item.Content, str(keyOf[c.Type]), str(v))
		}
		vals := quotaValues(q)
		for _, k := range sortedKeys(vals) {
			item.Content = append(item.Content, str(k), &yaml.Node{Kind: yaml.ScalarNode, Value: num(vals[k])})
		}
		items = append(items, item)
	}
	return seq(items), nil
}

func exportBrokers(ctx context.Context, adm *cmdutil.Admin) (*yaml.Node, error) {
	brokers, err := adm.ListBrokers(ctx)
	if err != nil {
		return nil, err
	}
	want := []BrokerConfigSpec{{Broker: -1}}
	for _, b := range brokers {
		want = append(want, BrokerConfigSpec{Broker: b.NodeID})
	}
	s := &brokersSection{want: want}
	if err := s.fetch(ctx, adm); err != nil {
		return nil, err
	}
	var items []*yaml.Node
	for _, b := range want {
		cfg := mapping()
		have := s.actual[b.Broker]
		for _, k := range sortedKeys(have) {
			if c := have[k]; !c.Sensitive && c.Value != nil && c.Source == levelSource(b.Broker) {
				cfg.Content = append(cfg.Content, str(k), str(*c.Value))
			}
		}
		if len(cfg.Content) == 0 {
			continue
		}
		id := str("default")
		if b.Broker >= 0 {
			id = integer(int64(b.Broker))
		}
		items = append(items, mapping(str("broker"), id, str("configs"), cfg))
	}
	return seq(items), nil
}
