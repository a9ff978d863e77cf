//go:build e2e

package e2e

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// kafka-configs.sh for the entity types beyond topics, against ConfigCommand 4.1.1. {T} is the
// case's entity name (a user, client id, group or client-metrics subscription).

// configsCompatQuota sets quotas on the entity that kind(name) returns, removed at the end.
func configsCompatQuota(kind func(name string) kadm.ClientQuotaEntity, values map[string]float64) func(t *testing.T, name string) {
	return func(t *testing.T, name string) {
		t.Helper()
		e := kind(name)
		var ops, rm []kadm.AlterClientQuotaOp
		for k, v := range values {
			ops = append(ops, kadm.AlterClientQuotaOp{Key: k, Value: v})
			rm = append(rm, kadm.AlterClientQuotaOp{Key: k, Remove: true})
		}
		if _, err := Admin(t).AlterClientQuotas(t.Context(), []kadm.AlterClientQuotaEntry{{Entity: e, Ops: ops}}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			adm, ctx, done := configsCleanupAdmin()
			defer done()
			_, _ = kadm.NewClient(adm).AlterClientQuotas(ctx, []kadm.AlterClientQuotaEntry{{Entity: e, Ops: rm}})
		})
		configsWaitEntity(t, e)
	}
}

func configsWaitEntity(t *testing.T, e kadm.ClientQuotaEntity) {
	t.Helper()
	var comps []kadm.DescribeClientQuotaComponent
	for _, c := range e {
		comps = append(comps, kadm.DescribeClientQuotaComponent{Type: c.Type, MatchName: c.Name})
	}
	configsEventually(t, func() bool {
		qs, err := Admin(t).DescribeClientQuotas(t.Context(), true, comps)
		return err == nil && len(qs) == 1
	}, "quota visible")
}

func configsUser(n string) kadm.ClientQuotaEntity {
	return kadm.ClientQuotaEntity{{Type: "user", Name: &n}}
}
func configsClient(n string) kadm.ClientQuotaEntity {
	return kadm.ClientQuotaEntity{{Type: "client-id", Name: &n}}
}
func configsPair(n string) kadm.ClientQuotaEntity {
	c := n + "-app"
	return kadm.ClientQuotaEntity{{Type: "user", Name: &n}, {Type: "client-id", Name: &c}}
}

const configsCompatIP = "127.0.13.1"

func configsIP(string) kadm.ClientQuotaEntity {
	ip := configsCompatIP
	return kadm.ClientQuotaEntity{{Type: "ip", Name: &ip}}
}

// configsQuotaState is an entity's quotas, sorted, and removes them at the end.
func configsQuotaState(kind func(string) kadm.ClientQuotaEntity) func(t *testing.T, name string) string {
	return func(t *testing.T, name string) string {
		t.Helper()
		e := kind(name)
		var comps []kadm.DescribeClientQuotaComponent
		for _, c := range e {
			comps = append(comps, kadm.DescribeClientQuotaComponent{Type: c.Type, MatchName: c.Name})
		}
		qs, err := Admin(t).DescribeClientQuotas(t.Context(), true, comps)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, q := range qs {
			for _, v := range q.Values {
				out = append(out, fmt.Sprintf("%s=%v", v.Key, v.Value))
				_, _ = Admin(t).AlterClientQuotas(t.Context(), []kadm.AlterClientQuotaEntry{{Entity: e, Ops: []kadm.AlterClientQuotaOp{{Key: v.Key, Remove: true}}}})
			}
		}
		sort.Strings(out)
		return strings.Join(out, ",")
	}
}

// configsCompatScram gives user {T} a SCRAM-SHA-512 credential (a test password, not a secret).
func configsCompatScram(t *testing.T, user string) {
	t.Helper()
	up := kadm.UpsertSCRAM{User: user, Mechanism: kadm.ScramSha512, Iterations: 8192, Password: "configs-compat-password"}
	res, err := Admin(t).AlterUserSCRAMs(t.Context(), nil, []kadm.UpsertSCRAM{up})
	if err == nil && res.AllFailed() {
		err = fmt.Errorf("%+v", res)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		adm, ctx, done := configsCleanupAdmin()
		defer done()
		_, _ = kadm.NewClient(adm).AlterUserSCRAMs(ctx, []kadm.DeleteSCRAM{{User: user, Mechanism: kadm.ScramSha512}}, nil)
	})
}

func configsScramState(t *testing.T, user string) string {
	t.Helper()
	d, err := Admin(t).DescribeUserSCRAMs(t.Context(), user)
	if err != nil {
		return err.Error()
	}
	return fmt.Sprint(d[user].CredInfos)
}

// configsResourceState is the dynamic configs of a group or client-metrics resource, removed
// at the end.
func configsResourceState(typ kmsg.ConfigResourceType) func(t *testing.T, name string) string {
	return func(t *testing.T, name string) string {
		t.Helper()
		req := kmsg.NewPtrDescribeConfigsRequest()
		r := kmsg.NewDescribeConfigsRequestResource()
		r.ResourceType, r.ResourceName = typ, name
		req.Resources = append(req.Resources, r)
		resp, err := req.RequestWith(t.Context(), Client(t))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, res := range resp.Resources {
			for _, c := range res.Configs {
				if c.Source == kmsg.ConfigSourceGroupConfig || c.Source == kmsg.ConfigSourceClientMetricsConfig {
					out = append(out, c.Name+"="+*c.Value)
				}
			}
		}
		configsResourceReset(typ, name)
		sort.Strings(out)
		return strings.Join(out, ",")
	}
}

// configsResourceReset deletes the configs the tests set (a client-metrics subscription goes
// with its last config); it also runs from t.Cleanup, so it has its own client.
func configsResourceReset(typ kmsg.ConfigResourceType, name string) {
	req := kmsg.NewPtrIncrementalAlterConfigsRequest()
	r := kmsg.NewIncrementalAlterConfigsRequestResource()
	r.ResourceType, r.ResourceName = typ, name
	keys := []string{"consumer.session.timeout.ms", "consumer.heartbeat.interval.ms"}
	if typ == kmsg.ConfigResourceTypeClientMetrics {
		keys = []string{"metrics", "interval.ms"}
	}
	for _, k := range keys {
		c := kmsg.NewIncrementalAlterConfigsRequestResourceConfig()
		c.Name, c.Op = k, kmsg.IncrementalAlterConfigOpDelete
		r.Configs = append(r.Configs, c)
	}
	req.Resources = append(req.Resources, r)
	adm, ctx, done := configsCleanupAdmin()
	defer done()
	_, _ = req.RequestWith(ctx, adm)
}

// configsResourceSetup sets configs on a group or client-metrics resource, reset at the end.
func configsResourceSetup(typ kmsg.ConfigResourceType, kv ...string) func(t *testing.T, name string) {
	return func(t *testing.T, name string) {
		t.Helper()
		req := kmsg.NewPtrIncrementalAlterConfigsRequest()
		r := kmsg.NewIncrementalAlterConfigsRequestResource()
		r.ResourceType, r.ResourceName = typ, name
		for i := 0; i < len(kv); i += 2 {
			c := kmsg.NewIncrementalAlterConfigsRequestResourceConfig()
			v := kv[i+1]
			c.Name, c.Value, c.Op = kv[i], &v, kmsg.IncrementalAlterConfigOpSet
			r.Configs = append(r.Configs, c)
		}
		req.Resources = append(req.Resources, r)
		if _, err := req.RequestWith(t.Context(), Client(t)); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { configsResourceReset(typ, name) })
	}
}

// One case per entity type and per kind of change (each runs the JVM once, ~2-4 s): users
// with SCRAM, clients, user+client, ips, brokers and their default, broker-loggers, groups,
// client-metrics; a quota alter, a SCRAM deletion, a refused value.
func TestCompatConfigsEntities(t *testing.T) {
	dir := compatLink(t)
	const c = "kafka-configs.sh"
	userQuotas := configsCompatQuota(configsUser, map[string]float64{"producer_byte_rate": 1048576, "consumer_byte_rate": 2e7, "request_percentage": 25})
	group, metrics := kmsg.ConfigResourceTypeGroupConfig, kmsg.ConfigResourceTypeClientMetrics
	cases := []compatCase{
		{name: "user-shorthand-with-scram", script: c, args: "--bootstrap-server {B} --describe --user {T}", setup: func(t *testing.T, n string) { userQuotas(t, n); configsCompatScram(t, n) }},
		{name: "clients", script: c, args: "--bootstrap-server {B} --describe --entity-type clients --entity-name {T}", setup: configsCompatQuota(configsClient, map[string]float64{"producer_byte_rate": 512000, "controller_mutation_rate": 1.5})},
		{name: "user-and-client", script: c, args: "--bootstrap-server {B} --describe --entity-type users --entity-name {T} --entity-type clients", setup: configsCompatQuota(configsPair, map[string]float64{"request_percentage": 50})},
		{name: "ip", script: c, args: "--bootstrap-server {B} --describe --ip " + configsCompatIP, setup: configsCompatQuota(configsIP, map[string]float64{"connection_creation_rate": 20})},
		{name: "alter-user", script: c, args: "--bootstrap-server {B} --alter --entity-type users --entity-name {T} --add-config producer_byte_rate=2048,consumer_byte_rate=4096", mutates: true, state: configsQuotaState(configsUser)},
		{name: "alter-bad-number", script: c, args: "--bootstrap-server {B} --alter --user {T} --add-config producer_byte_rate=fast", mutates: true, state: configsQuotaState(configsUser)},
		{name: "scram-delete", script: c, args: "--bootstrap-server {B} --alter --entity-type users --entity-name {T} --delete-config SCRAM-SHA-512", setup: configsCompatScram, mutates: true, state: configsScramState},
		{name: "broker", script: c, args: "--bootstrap-server {B} --describe --entity-type brokers --entity-name 1"},
		{name: "broker-default", script: c, args: "--bootstrap-server {B} --describe --entity-type brokers --entity-default"},
		{name: "broker-logger", script: c, args: "--bootstrap-server {B} --describe --broker-logger 1"},
		{name: "group", script: c, args: "--bootstrap-server {B} --describe --group {T}", setup: configsResourceSetup(group, "consumer.session.timeout.ms", "50000")},
		{name: "client-metrics-alter", script: c, args: "--bootstrap-server {B} --alter --entity-type client-metrics --entity-name {T} --add-config metrics=[org.apache.kafka.producer.,org.apache.kafka.consumer.],interval.ms=30000", mutates: true, state: configsResourceState(metrics)},
	}
	for _, cc := range cases {
		t.Run(cc.name, func(t *testing.T) { runCompatCase(t, dir, cc) })
	}
}
