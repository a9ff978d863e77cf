package compat

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/config"
)

// configsEntityTypes are kafka-configs.sh's entity types; only topics is answered so far.
var configsEntityTypes = map[string]string{
	"topics": "", "brokers": "kafkit broker commands are not there yet", "broker-loggers": "", "users": "",
	"clients": "", "ips": "", "client-metrics": "", "groups": "",
}

func configsScript() *Script {
	opts := append(commonOptions(),
		Option{Name: "entity-type", Arg: RequiredArg, Repeat: true, Help: "topics (other entity types are not answered yet)"},
		Option{Name: "entity-name", Arg: RequiredArg, Repeat: true, Help: "the topic"},
		Option{Name: "topic", Arg: RequiredArg, Help: "same as --entity-type topics --entity-name TOPIC"},
		Option{Name: "entity-default", Unsupported: "topics have no default entity; broker defaults are not answered yet"},
		Option{Name: "describe", Help: "the topic's dynamic configs (--all: every config)"},
		Option{Name: "all", Help: "with --describe: every config, not only the overrides"},
		Option{Name: "alter", Help: "change configs: --add-config, --add-config-file, --delete-config"},
		Option{Name: "add-config", Arg: RequiredArg, Help: "k1=v1,k2=[v1,v2]"},
		Option{Name: "add-config-file", Arg: RequiredArg, Help: "a .properties file of configs to set"},
		Option{Name: "delete-config", Arg: RequiredArg, Repeat: true, Help: "k1,k2"},
	)
	for _, o := range []string{"broker", "broker-logger", "user", "client", "ip", "group", "client-metrics"} {
		opts = append(opts, Option{Name: o, Arg: RequiredArg, Unsupported: "only --entity-type topics is answered yet"})
	}
	for _, o := range []string{"broker-defaults", "force", "zookeeper"} {
		opts = append(opts, Option{Name: o, Unsupported: "not answered by kafkit"})
	}
	return &Script{
		Name:    "kafka-configs.sh",
		Summary: "This tool helps to manipulate and describe entity config for a topic, client, user, broker, ip, client-metrics or group",
		Native:  "kafkit topic describe / alter",
		Options: opts,
		Run:     configsRun,
	}
}

// configsRequest is a kafka-configs.sh command line for topics.
type configsRequest struct {
	topic      string // "" with --describe: every topic
	all        bool
	set        map[string]string
	setOrder   []string
	deleteKeys []string
}

func configsRun(ctx context.Context, e *Env, p *Parsed) error {
	fail := func(err error) error {
		fmt.Fprintf(e.IO.ErrOut, "Error while executing config command with args '%s'\n%v\n", strings.Join(p.Raw, " "), err)
		return cmdutil.SilentError
	}
	r, err := configsRequestFrom(p)
	if err != nil {
		if cmdutil.IsUsage(err) {
			return err
		}
		return usageError(e, "kafka-configs.sh", err.Error())
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
	if p.Has("describe") {
		return configsDescribe(ctx, e, adm, r)
	}
	if err := configsAlter(ctx, adm, r); err != nil {
		if strings.HasPrefix(err.Error(), "Invalid config(s)") {
			fmt.Fprintln(e.IO.ErrOut, err)
			return cmdutil.SilentError
		}
		return fail(e.Explain(err))
	}
	fmt.Fprintf(e.IO.Out, "Completed updating config for topic %s.\n", r.topic)
	return nil
}

func configsRequestFrom(p *Parsed) (*configsRequest, error) {
	types, names := p.Values("entity-type"), p.Values("entity-name")
	if t := p.Value("topic"); t != "" {
		types, names = append(types, "topics"), append(names, t)
	}
	if len(types) != 1 {
		return nil, fmt.Errorf("exactly one entity type (--entity-type topics or --topic) must be specified")
	}
	if why, ok := configsEntityTypes[types[0]]; !ok {
		return nil, fmt.Errorf("Invalid entity type %s, the entity type must be one of users, brokers, topics, clients, ips, client-metrics, groups, broker-loggers", types[0])
	} else if types[0] != "topics" {
		if why == "" {
			why = "only topics are answered yet"
		}
		return nil, cmdutil.UsageErrorf("kafka-configs.sh --entity-type %s is not supported by kafkit: %s", types[0], why)
	}
	if p.Has("describe") == p.Has("alter") {
		return nil, fmt.Errorf("Command must include exactly one action: --describe, --alter")
	}
	r := &configsRequest{all: p.Has("all"), set: map[string]string{}}
	if len(names) > 0 {
		r.topic = names[len(names)-1]
	}
	if p.Has("alter") {
		if r.topic == "" {
			return nil, fmt.Errorf("an entity name must be specified with --alter of topics")
		}
		if err := configsChanges(p, r); err != nil {
			return nil, err
		}
	}
	return r, nil
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
	for _, v := range p.Values("delete-config") {
		for _, k := range strings.Split(v, ",") {
			r.deleteKeys = append(r.deleteKeys, strings.TrimSpace(k))
		}
	}
	if len(r.set) == 0 && len(r.deleteKeys) == 0 {
		return fmt.Errorf("At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter")
	}
	return nil
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

func configsDescribe(ctx context.Context, e *Env, adm *cmdutil.Admin, r *configsRequest) error {
	topics := []string{r.topic}
	if r.topic == "" {
		names, err := topicNames(ctx, adm)
		if err != nil {
			return err
		}
		topics = names
	}
	rcs, err := adm.DescribeTopicConfigs(ctx, topics...)
	if err != nil {
		return err
	}
	for _, name := range topics {
		rc, err := rcs.On(name, nil)
		if err != nil || rc.Err != nil {
			if r.topic != "" {
				fmt.Fprintf(e.IO.Out, "The topic '%s' doesn't exist and doesn't have dynamic config.\n", name)
				return cmdutil.SilentError
			}
			continue
		}
		kind := "Dynamic"
		if r.all {
			kind = "All"
		}
		fmt.Fprintf(e.IO.Out, "%s configs for topic %s are:\n", kind, name)
		for _, line := range configLines(rc.Configs, r.all) {
			fmt.Fprintln(e.IO.Out, line)
		}
	}
	return nil
}

// configLines are ConfigCommand's lines: sorted by name, the topic's own overrides unless all,
// "name=value sensitive=false synonyms={SOURCE:name=value, ...}" (a sensitive value is null).
func configLines(cfgs []kadm.Config, all bool) []string {
	var lines []string
	for _, c := range cfgs {
		if !all && c.Source != kmsg.ConfigSourceDynamicTopicConfig {
			continue
		}
		var syn []string
		for _, s := range c.Synonyms {
			syn = append(syn, fmt.Sprintf("%s:%s=%s", s.Source, s.Key, javaValue(s.Value)))
		}
		lines = append(lines, fmt.Sprintf("  %s=%s sensitive=%t synonyms={%s}", c.Key, javaValue(c.Value), c.Sensitive, strings.Join(syn, ", ")))
	}
	sort.Strings(lines)
	return lines
}

func javaValue(v *string) string {
	if v == nil {
		return "null"
	}
	return *v
}

// configsAlter is alterResourceConfig: keys to delete must be set on the topic now; then one
// IncrementalAlterConfigs with SET and DELETE operations.
func configsAlter(ctx context.Context, adm *cmdutil.Admin, r *configsRequest) error {
	if len(r.deleteKeys) > 0 {
		rcs, err := adm.DescribeTopicConfigs(ctx, r.topic)
		if err != nil {
			return err
		}
		rc, err := rcs.On(r.topic, nil)
		if err == nil {
			err = rc.Err
		}
		if err != nil {
			return err
		}
		set := map[string]bool{}
		for _, c := range rc.Configs {
			if c.Source == kmsg.ConfigSourceDynamicTopicConfig {
				set[c.Key] = true
			}
		}
		var invalid []string
		for _, k := range r.deleteKeys {
			if !set[k] {
				invalid = append(invalid, k)
			}
		}
		if len(invalid) > 0 {
			return fmt.Errorf("Invalid config(s): %s", strings.Join(invalid, ","))
		}
	}
	var alter []kadm.AlterConfig
	for _, k := range r.setOrder {
		v := r.set[k]
		alter = append(alter, kadm.AlterConfig{Op: kadm.SetConfig, Name: k, Value: &v})
	}
	for _, k := range r.deleteKeys {
		alter = append(alter, kadm.AlterConfig{Op: kadm.DeleteConfig, Name: k})
	}
	resp, err := adm.AlterTopicConfigs(ctx, alter, r.topic)
	if err != nil {
		return err
	}
	for _, rr := range resp {
		if rr.Err != nil {
			if rr.ErrMessage != "" {
				return fmt.Errorf("%s", rr.ErrMessage)
			}
			return rr.Err
		}
	}
	return nil
}
