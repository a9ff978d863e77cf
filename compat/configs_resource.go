package compat

import (
	"context"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/configs"
	"github.com/kafkit/kafkit/internal/settle"
)

// The config resources of kafka-configs.sh: topics, brokers, broker-loggers, client-metrics
// and groups, through DescribeConfigs and IncrementalAlterConfigs.

var resourceTypes = map[string]kmsg.ConfigResourceType{
	"topics": kmsg.ConfigResourceTypeTopic, "brokers": kmsg.ConfigResourceTypeBroker,
	"broker-loggers": kmsg.ConfigResourceTypeBrokerLogger, "client-metrics": kmsg.ConfigResourceTypeClientMetrics,
	"groups": kmsg.ConfigResourceTypeGroupConfig,
}

// dynamicSource is the source of the entity's own configs, which --describe shows without
// --all; broker-loggers show everything.
func dynamicSource(typ, name string) string {
	switch typ {
	case "topics":
		return "DYNAMIC_TOPIC_CONFIG"
	case "brokers":
		if name == "" {
			return "DYNAMIC_DEFAULT_BROKER_CONFIG"
		}
		return "DYNAMIC_BROKER_CONFIG"
	case "client-metrics":
		return "DYNAMIC_CLIENT_METRICS_CONFIG"
	case "groups":
		return "DYNAMIC_GROUP_CONFIG"
	}
	return ""
}

func parseJavaInt(s string) (int32, error) {
	n, err := strconv.ParseInt(s, 10, 32)
	return int32(n), err
}

// validIPEntity is InetAddress.getByName succeeding: an IP literal or a name that resolves.
func validIPEntity(s string) bool {
	if net.ParseIP(s) != nil {
		return true
	}
	_, err := net.LookupHost(s)
	return err == nil
}

// resourceEntries describes one resource with synonyms, keeping the entity's own configs
// (every config with all), sorted by name: getResourceConfig.
func (c *configsCmd) resourceEntries(ctx context.Context, typ, name string, all bool) ([]configs.Entry, error) {
	es, err := configs.Describe(ctx, c.adm, configs.Resource{Type: resourceTypes[typ], Name: name})
	if err != nil {
		return nil, err
	}
	src := dynamicSource(typ, name)
	var out []configs.Entry
	for _, e := range es {
		if all || src == "" || e.Source == src {
			out = append(out, e)
		}
	}
	return out, nil
}

func (c *configsCmd) describeResources(ctx context.Context, typ string, name *string) error {
	if name != nil && !c.r.all {
		exists, err := c.exists(ctx, typ, *name)
		if err != nil {
			return c.fail(err)
		}
		if !exists {
			fmt.Fprintf(c.e.IO.Out, "The %s '%s' doesn't exist and doesn't have dynamic config.\n", strings.TrimSuffix(typ, "s"), *name)
			return silentMissing
		}
	}
	names := []string{}
	if name != nil {
		names = append(names, *name)
	} else {
		all, err := c.allEntities(ctx, typ)
		if err != nil {
			return c.fail(err)
		}
		names = all
	}
	for _, n := range names {
		if err := c.describeOne(ctx, typ, n); err != nil {
			return c.fail(err)
		}
	}
	return nil
}

func (c *configsCmd) describeOne(ctx context.Context, typ, name string) error {
	es, err := c.resourceEntries(ctx, typ, name, c.r.all)
	if err != nil {
		return err
	}
	w := c.e.IO.Out
	switch {
	case name == "" && typ == "brokers":
		fmt.Fprintf(w, "Default configs for %s in the cluster are:\n", typ)
	case c.r.all:
		fmt.Fprintf(w, "All configs for %s %s are:\n", strings.TrimSuffix(typ, "s"), name)
	default:
		fmt.Fprintf(w, "Dynamic configs for %s %s are:\n", strings.TrimSuffix(typ, "s"), name)
	}
	for _, e := range es {
		var syn []string
		for _, s := range e.Synonyms {
			syn = append(syn, fmt.Sprintf("%s:%s=%s", s.Source, s.Key, javaValue(s.Value)))
		}
		fmt.Fprintf(w, "  %s=%s sensitive=%t synonyms={%s}\n", e.Key, javaValue(e.Value), e.Sensitive, strings.Join(syn, ", "))
	}
	return nil
}

func javaValue(v *string) string {
	if v == nil {
		return "null"
	}
	return *v
}

// exists is describeResourceConfig's check before describing a named entity.
func (c *configsCmd) exists(ctx context.Context, typ, name string) (bool, error) {
	var names []string
	var err error
	switch typ {
	case "topics":
		names, err = topicNames(ctx, c.adm)
	case "brokers", "broker-loggers":
		if name == "" {
			return true, nil
		}
		names, err = c.brokerIDs(ctx)
	case "client-metrics":
		names, err = c.configResources(ctx, kmsg.ConfigResourceTypeClientMetrics)
	case "groups":
		names, err = c.groupsWithConfigs(ctx)
	}
	return contains(names, name), err
}

func (c *configsCmd) allEntities(ctx context.Context, typ string) ([]string, error) {
	switch typ {
	case "topics":
		return topicNames(ctx, c.adm)
	case "brokers", "broker-loggers":
		ids, err := c.brokerIDs(ctx)
		return append(ids, ""), err
	case "client-metrics":
		return c.configResources(ctx, kmsg.ConfigResourceTypeClientMetrics)
	}
	return c.groupsWithConfigs(ctx)
}

// brokerIDs are DescribeCluster's nodes in the order of Java's HashMap of small integers.
func (c *configsCmd) brokerIDs(ctx context.Context) ([]string, error) {
	resp, err := kmsg.NewPtrDescribeClusterRequest().RequestWith(ctx, c.adm)
	if err != nil {
		return nil, err
	}
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
		return nil, err
	}
	var ids []int
	for _, b := range resp.Brokers {
		ids = append(ids, int(b.NodeID))
	}
	sort.Ints(ids)
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = strconv.Itoa(id)
	}
	return out, nil
}

func (c *configsCmd) configResources(ctx context.Context, t kmsg.ConfigResourceType) ([]string, error) {
	req := kmsg.NewPtrListConfigResourcesRequest()
	req.ResourceTypes = []int8{int8(t)}
	resp, err := req.RequestWith(ctx, c.adm)
	if err != nil {
		return nil, err
	}
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
		return nil, err
	}
	var out []string
	for _, r := range resp.ConfigResources {
		out = append(out, r.Name)
	}
	return out, nil
}

// groupsWithConfigs is every group (ListGroups, all types) and every group with configs.
func (c *configsCmd) groupsWithConfigs(ctx context.Context) ([]string, error) {
	listed, err := c.adm.ListGroups(ctx)
	if err != nil {
		return nil, err
	}
	withConfigs, err := c.configResources(ctx, kmsg.ConfigResourceTypeGroupConfig)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, g := range listed.Groups() {
		out = append(out, g)
	}
	for _, g := range withConfigs {
		if !contains(out, g) {
			out = append(out, g)
		}
	}
	return out, nil
}

// alterResource is alterResourceConfig: keys to delete must be the entity's own now; then one
// IncrementalAlterConfigs with the DELETE then the SET operations.
func (c *configsCmd) alterResource(ctx context.Context) error {
	typ, name := c.r.head()
	if len(c.r.deleteKeys) > 0 {
		es, err := c.resourceEntries(ctx, typ, name, false)
		if err != nil {
			return c.fail(err)
		}
		if bad := missingKeys(c.r.deleteKeys, es); len(bad) > 0 {
			return c.refuse("Invalid config(s): %s", strings.Join(bad, ","))
		}
	}
	return c.incrementalAlter(ctx, typ, name)
}

func missingKeys(keys []string, es []configs.Entry) []string {
	have := map[string]bool{}
	for _, e := range es {
		have[e.Key] = true
	}
	var bad []string
	for _, k := range keys {
		if !have[k] {
			bad = append(bad, k)
		}
	}
	return bad
}

// alterLoggers refuses loggers the broker does not have, then alters them.
func (c *configsCmd) alterLoggers(ctx context.Context) error {
	_, name := c.r.head()
	es, err := c.resourceEntries(ctx, "broker-loggers", name, false)
	if err != nil {
		return c.fail(err)
	}
	bad := missingKeys(c.r.deleteKeys, es)
	bad = append(bad, missingKeys(c.r.setOrder, es)...)
	if len(bad) > 0 {
		return c.refuse("Invalid broker logger(s): %s", strings.Join(bad, ","))
	}
	return c.incrementalAlter(ctx, "broker-loggers", name)
}

func (c *configsCmd) incrementalAlter(ctx context.Context, typ, name string) error {
	req := kmsg.NewPtrIncrementalAlterConfigsRequest()
	rr := kmsg.NewIncrementalAlterConfigsRequestResource()
	rr.ResourceType, rr.ResourceName = resourceTypes[typ], name
	for _, k := range c.r.deleteKeys {
		cfg := kmsg.NewIncrementalAlterConfigsRequestResourceConfig()
		cfg.Name, cfg.Op = k, kmsg.IncrementalAlterConfigOpDelete
		rr.Configs = append(rr.Configs, cfg)
	}
	for _, k := range c.r.setOrder {
		v := c.r.set[k]
		cfg := kmsg.NewIncrementalAlterConfigsRequestResourceConfig()
		cfg.Name, cfg.Value, cfg.Op = k, &v, kmsg.IncrementalAlterConfigOpSet
		rr.Configs = append(rr.Configs, cfg)
	}
	req.Resources = append(req.Resources, rr)
	resp, err := req.RequestWith(ctx, c.adm)
	if err != nil {
		return c.fail(err)
	}
	for _, res := range resp.Resources {
		if err := kerr.ErrorForCode(res.ErrorCode); err != nil {
			if res.ErrorMessage != nil && *res.ErrorMessage != "" {
				return c.fail(fmt.Errorf("%s", *res.ErrorMessage))
			}
			return c.fail(err)
		}
	}
	c.settle(ctx, settle.Resource{Type: rr.ResourceType, Name: name})
	return nil
}

// settle waits (at most 5 s) until the brokers serving an altered topic or broker show the
// change, so a script's next kafka-configs.sh --describe reads no stale value (package settle).
func (c *configsCmd) settle(ctx context.Context, r settle.Resource) {
	if r.Type != kmsg.ConfigResourceTypeTopic && r.Type != kmsg.ConfigResourceTypeBroker {
		return
	}
	ch := settle.Changes{}
	for _, k := range c.r.deleteKeys {
		ch.Add(r, k, settle.Want{Unset: true})
	}
	for _, k := range c.r.setOrder {
		ch.Add(r, k, settle.Want{Value: c.r.set[k]})
	}
	settle.Configs(ctx, c.adm, ch)
}
