package compat

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/config"
)

// kafka-configs.sh (kafka.admin.ConfigCommand 4.1.1) for every entity type: topics, brokers
// (and their default), broker-loggers, users (quotas and SCRAM credentials), clients, ips,
// client-metrics and groups. This file holds the option grammar and checkArgs; the resource
// configs are in configs_resource.go, quotas and SCRAM in configs_quota.go.

// configsTypes are BrokerSupportedConfigTypes, in the order the Java tool lists them.
var configsTypes = []string{"topics", "clients", "users", "brokers", "ips", "client-metrics", "groups", "broker-loggers"}

// configsFlags are the shorthand entity options, in ConfigCommand's entityFlags order, and
// configsDefaultFlags the --*-defaults switches.
var (
	configsFlags        = [][2]string{{"topic", "topics"}, {"client", "clients"}, {"user", "users"}, {"broker", "brokers"}, {"broker-logger", "broker-loggers"}, {"ip", "ips"}, {"client-metrics", "client-metrics"}, {"group", "groups"}}
	configsDefaultFlags = [][2]string{{"client-defaults", "clients"}, {"user-defaults", "users"}, {"broker-defaults", "brokers"}, {"ip-defaults", "ips"}}
)

func configsScript() *Script {
	opts := append(commonOptions(),
		Option{Name: "bootstrap-controller", Arg: RequiredArg, Unsupported: "kafkit talks to brokers: use --bootstrap-server"},
		Option{Name: "entity-type", Arg: RequiredArg, Repeat: true, Help: "topics/clients/users/brokers/broker-loggers/ips/client-metrics/groups"},
		Option{Name: "entity-name", Arg: RequiredArg, Repeat: true, Help: "topic, client id, user principal, broker id, ip, client-metrics name or group id"},
		Option{Name: "entity-default", Repeat: true, Help: "the default entity of clients/users/brokers/ips"},
		Option{Name: "describe", Help: "list the entity's configs"},
		Option{Name: "all", Help: "with --describe: every config, not only the dynamic ones"},
		Option{Name: "alter", Help: "change configs: --add-config, --add-config-file, --delete-config"},
		Option{Name: "add-config", Arg: RequiredArg, Help: "k1=v1,k2=[v1,v2] (SCRAM credentials are refused: kafkit user create/update --password-file)"},
		Option{Name: "add-config-file", Arg: RequiredArg, Help: "a .properties file of configs to set"},
		Option{Name: "delete-config", Arg: RequiredArg, Repeat: true, Help: "k1,k2"},
	)
	for _, f := range configsFlags {
		opts = append(opts, Option{Name: f[0], Arg: RequiredArg, Help: "same as --entity-type " + f[1] + " --entity-name NAME"})
	}
	for _, f := range configsDefaultFlags {
		opts = append(opts, Option{Name: f[0], Help: "same as --entity-type " + f[1] + " --entity-default"})
	}
	opts = append(opts, Option{Name: "force", Ignored: "ConfigCommand never prompts"},
		Option{Name: "zookeeper", Arg: RequiredArg, Unsupported: "Kafka 4 has no ZooKeeper: use --bootstrap-server"})
	return &Script{
		Name:    "kafka-configs.sh",
		Summary: "This tool helps to manipulate and describe entity config for a topic, client, user, broker, ip, client-metrics or group",
		Native:  "kafkit topic describe/alter, quota, broker config, config client-metrics/group, user",
		Options: opts,
		Run:     configsRun,
	}
}

// configsRequest is a kafka-configs.sh command line: Java's entityTypes and entityNames ("" is
// a default entity) and the change.
type configsRequest struct {
	types, names []string
	all          bool
	set          map[string]string
	setOrder     []string
	deleteKeys   []string
}

func (r *configsRequest) head() (string, string) {
	n := ""
	if len(r.names) > 0 {
		n = r.names[0]
	}
	return r.types[0], n
}

func configsRun(ctx context.Context, e *Env, p *Parsed) error {
	if !p.Has("describe") && !p.Has("alter") || p.Has("describe") && p.Has("alter") {
		return usageError(e, "kafka-configs.sh", "Command must include exactly one action: --describe, --alter")
	}
	for _, o := range []string{"alter", "add-config", "delete-config"} {
		if p.Has("describe") && p.Has(o) {
			return usageError(e, "kafka-configs.sh", fmt.Sprintf("Option \"[describe]\" can't be used with option \"[%s]\"", o))
		}
	}
	r, err := configsRequestFrom(p)
	if err != nil {
		if cmdutil.IsUsage(err) {
			return err
		}
		fmt.Fprintln(e.IO.ErrOut, err)
		return cmdutil.SilentError
	}
	ctx, cancel, err := e.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := e.Admin()
	if err != nil {
		return err
	}
	c := &configsCmd{e: e, adm: adm, r: r, raw: p.Raw}
	if p.Has("describe") {
		return c.describe(ctx)
	}
	return c.alter(ctx)
}

// configsCmd is one run: the request and what it talks to.
type configsCmd struct {
	e   *Env
	adm *cmdutil.Admin
	r   *configsRequest
	raw []string
}

// fail is how ConfigCommand reports an exception it did not expect: a line quoting the
// arguments, then (instead of the stack trace) the error; exit 1.
func (c *configsCmd) fail(err error) error {
	fmt.Fprintf(c.e.IO.ErrOut, "Error while executing config command with args '%s'\n%v\n", strings.Join(c.raw, " "), c.e.Explain(err))
	return cmdutil.SilentError
}

// refuse is an IllegalArgumentException or InvalidConfigurationException: its message, exit 1.
func (c *configsCmd) refuse(format string, args ...any) error {
	fmt.Fprintf(c.e.IO.ErrOut, format+"\n", args...)
	return cmdutil.SilentError
}

func configsRequestFrom(p *Parsed) (*configsRequest, error) {
	r := &configsRequest{all: p.Has("all"), set: map[string]string{}}
	r.types, r.names = configsEntities(p)
	if err := configsCheckTypes(p, r); err != nil {
		return nil, err
	}
	if err := configsCheckNames(p, r); err != nil {
		return nil, err
	}
	if p.Has("alter") {
		if err := configsChanges(p, r); err != nil {
			return nil, err
		}
		if len(r.types) != len(r.names) {
			return nil, fmt.Errorf("An entity name must be specified for every entity type")
		}
	}
	return r, nil
}

// configsEntities are Java's entityTypes and entityNames: --entity-type values then the
// shorthand flags; --entity-name/--entity-default in command-line order, then the flags'
// values, then "" per --*-defaults.
func configsEntities(p *Parsed) ([]string, []string) {
	types := append([]string{}, p.Values("entity-type")...)
	var names []string
	for i := 0; i < len(p.Raw); i++ {
		a := p.Raw[i]
		switch {
		case a == "--":
			i = len(p.Raw)
		case a == "--entity-default":
			names = append(names, "")
		case a == "--entity-name" && i+1 < len(p.Raw):
			names = append(names, p.Raw[i+1])
			i++
		case strings.HasPrefix(a, "--entity-name="):
			names = append(names, strings.TrimPrefix(a, "--entity-name="))
		case strings.HasPrefix(a, "--") && !strings.Contains(a, "=") && configsTakesValue(a[2:]):
			i++ // the value of another option, even one that looks like --entity-default
		}
	}
	for _, f := range configsFlags {
		if p.Has(f[0]) {
			types, names = append(types, f[1]), append(names, p.Value(f[0]))
		}
	}
	for _, f := range configsDefaultFlags {
		if p.Has(f[0]) {
			types, names = append(types, f[1]), append(names, "")
		}
	}
	return types, names
}

func configsTakesValue(name string) bool {
	for _, o := range configsScript().Options {
		if o.Name == name {
			return o.Arg == RequiredArg
		}
	}
	return false
}

func configsCheckTypes(p *Parsed, r *configsRequest) error {
	seen := map[string]bool{}
	var dups []string
	for _, t := range r.types {
		if seen[t] {
			dups = append(dups, t)
		}
		seen[t] = true
	}
	if len(dups) > 0 {
		return fmt.Errorf("Duplicate entity type(s) specified: %s", strings.Join(dups, ","))
	}
	for _, t := range r.types {
		if !contains(configsTypes, t) {
			return fmt.Errorf("Invalid entity type %s, the entity type must be one of %s with a --bootstrap-server or --bootstrap-controller argument", t, strings.Join(configsTypes, ", "))
		}
	}
	switch {
	case len(r.types) == 0:
		return fmt.Errorf("At least one entity type must be specified")
	case len(r.types) > 1 && !(len(r.types) == 2 && seen["users"] && seen["clients"]):
		return fmt.Errorf("Only 'users' and 'clients' entity types may be specified together")
	}
	generic := p.Has("entity-name") || p.Has("entity-type") || p.Has("entity-default")
	for _, f := range append(append([][2]string{}, configsFlags...), configsDefaultFlags...) {
		if generic && p.Has(f[0]) {
			return fmt.Errorf("--entity-{type,name,default} should not be used in conjunction with specific entity flags")
		}
	}
	return nil
}

func configsCheckNames(p *Parsed, r *configsRequest) error {
	hasName, hasDefault := false, false
	for _, n := range r.names {
		hasName, hasDefault = hasName || n != "", hasDefault || n == ""
	}
	if hasName {
		if err := configsCheckNameSyntax(r); err != nil {
			return err
		}
	}
	quotaLike := contains(r.types, "users") || contains(r.types, "clients") || contains(r.types, "brokers") || contains(r.types, "ips")
	if p.Has("describe") {
		if !quotaLike && p.Has("entity-default") {
			return fmt.Errorf("--entity-default must not be specified with --describe of %s", strings.Join(r.types, ","))
		}
		if contains(r.types, "broker-loggers") && !hasName {
			return fmt.Errorf("An entity name must be specified with --describe of %s", strings.Join(r.types, ","))
		}
		return nil
	}
	switch {
	case quotaLike && !hasName && !hasDefault:
		return fmt.Errorf("An entity-name or default entity must be specified with --alter of users, clients, brokers or ips")
	case !quotaLike && !hasName:
		return fmt.Errorf("An entity name must be specified with --alter of %s", strings.Join(r.types, ","))
	case p.Has("add-config") && p.Has("add-config-file"):
		return fmt.Errorf("Only one of --add-config or --add-config-file must be specified")
	case !p.Has("add-config") && !p.Has("add-config-file") && !p.Has("delete-config"):
		return fmt.Errorf("At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter")
	}
	return nil
}

// configsCheckNameSyntax: broker ids are integers, ips are IPs or names that resolve.
func configsCheckNameSyntax(r *configsRequest) error {
	head := r.types[0]
	brokers := contains(r.types, "brokers") || contains(r.types, "broker-loggers")
	for _, n := range r.names {
		if n == "" {
			continue
		}
		if _, err := parseJavaInt(n); brokers && err != nil {
			return fmt.Errorf("The entity name for %s must be a valid integer broker id, but it is: %s", head, n)
		}
		if contains(r.types, "ips") && !validIPEntity(n) {
			return fmt.Errorf("The entity name for %s must be a valid IP or resolvable host, but it is: %s", head, n)
		}
	}
	return nil
}

func configsChanges(p *Parsed, r *configsRequest) error {
	if path := p.Value("add-config-file"); path != "" {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		props, err := config.ParseProperties(f)
		if err != nil {
			return err
		}
		for _, kv := range props {
			r.add(kv.Key, kv.Value)
		}
	}
	if v := p.Value("add-config"); v != "" {
		for _, pair := range splitOutsideBrackets(v) {
			k, val, ok := strings.Cut(pair, "=")
			if !ok {
				return fmt.Errorf(`requirement failed: Invalid entity config: all configs to be added must be in the format "key=val".`)
			}
			r.add(strings.TrimSpace(k), strings.TrimSpace(strings.NewReplacer("[", "", "]", "").Replace(val)))
		}
	}
	for _, k := range r.setOrder {
		if !validConfigKey(k) {
			return fmt.Errorf("Invalid character found for config key: %s", k)
		}
		if isScram(k) && strings.Contains(r.set[k], "password=") {
			return cmdutil.UsageErrorf("kafka-configs.sh --add-config %s=[...] carries the password in a command-line option, which kafkit refuses: use kafkit user create/update USER --password-file FILE (mechanism %s)", k, k)
		}
	}
	for _, v := range p.Values("delete-config") {
		for _, k := range strings.Split(v, ",") {
			r.deleteKeys = append(r.deleteKeys, strings.TrimSpace(k))
		}
	}
	return nil
}

func validConfigKey(k string) bool {
	for _, c := range k {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func (r *configsRequest) add(k, v string) {
	if _, ok := r.set[k]; !ok {
		r.setOrder = append(r.setOrder, k)
	}
	r.set[k] = v
}

// splitOutsideBrackets splits on commas that are not inside [...]: a=1,b=[x,y] is two pairs.
func splitOutsideBrackets(s string) []string {
	var out []string
	depth, start := 0, 0
	for i, c := range s {
		switch c {
		case '[':
			depth++
		case ']':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

func (c *configsCmd) describe(ctx context.Context) error {
	switch c.r.types[0] {
	case "users", "clients":
		return c.describeQuotasAndScram(ctx)
	case "ips":
		return c.describeQuotas(ctx)
	}
	var name *string
	if len(c.r.names) > 0 {
		name = &c.r.names[0]
	}
	return c.describeResources(ctx, c.r.types[0], name)
}

func (c *configsCmd) alter(ctx context.Context) error {
	typ, name := c.r.head()
	var err error
	switch typ {
	case "users", "clients":
		err = c.alterUserOrClient(ctx)
	case "ips":
		err = c.alterIP(ctx)
	case "broker-loggers":
		err = c.alterLoggers(ctx)
	default:
		err = c.alterResource(ctx)
	}
	if err != nil {
		return err
	}
	if name != "" {
		fmt.Fprintf(c.e.IO.Out, "Completed updating config for %s %s.\n", strings.TrimSuffix(typ, "s"), name)
	} else {
		fmt.Fprintf(c.e.IO.Out, "Completed updating default config for %s in the cluster.\n", typ)
	}
	return nil
}
