package compat

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// Users, clients and ips: quotas through DescribeClientQuotas / AlterClientQuotas, and the
// users' SCRAM credentials (described; deleted; never set from a command-line password).

// silentMissing: a named entity that does not exist. The Java tool prints a line and exits 0;
// kafkit exits 1 (a documented difference).
var silentMissing = cmdutil.SilentError

var (
	userClientQuotas = []string{"consumer_byte_rate", "controller_mutation_rate", "producer_byte_rate", "request_percentage"}
	ipQuotas         = []string{"connection_creation_rate"}
	quotaEntityTypes = map[string]string{"users": "user", "clients": "client-id", "ips": "ip"}
)

func isScram(k string) bool { return k == "SCRAM-SHA-256" || k == "SCRAM-SHA-512" }

// quotaComponents is getAllClientQuotasConfigs' filter: a name, the default ("") or, past the
// names given, any entity of the type.
func (c *configsCmd) quotaComponents() ([]kmsg.DescribeClientQuotasRequestComponent, error) {
	if len(c.r.names) > len(c.r.types) {
		return nil, fmt.Errorf("More entity names specified than entity types")
	}
	var comps []kmsg.DescribeClientQuotasRequestComponent
	for i, t := range c.r.types {
		comp := kmsg.NewDescribeClientQuotasRequestComponent()
		comp.EntityType = quotaEntityTypes[t]
		switch {
		case i >= len(c.r.names):
			comp.MatchType = 2
		case c.r.names[i] == "":
			comp.MatchType = 1
		default:
			n := c.r.names[i]
			comp.MatchType, comp.Match = 0, &n
		}
		comps = append(comps, comp)
	}
	return comps, nil
}

func (c *configsCmd) fetchQuotas(ctx context.Context) ([]kmsg.DescribeClientQuotasResponseEntry, error) {
	comps, err := c.quotaComponents()
	if err != nil {
		return nil, err
	}
	req := kmsg.NewPtrDescribeClientQuotasRequest()
	req.Components, req.Strict = comps, true
	resp, err := req.RequestWith(ctx, c.adm)
	if err != nil {
		return nil, err
	}
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
		if resp.ErrorMessage != nil {
			return nil, fmt.Errorf("%s", *resp.ErrorMessage)
		}
		return nil, err
	}
	return resp.Entries, nil
}

func (c *configsCmd) describeQuotas(ctx context.Context) error {
	entries, err := c.fetchQuotas(ctx)
	if err != nil {
		return c.fail(err)
	}
	for _, line := range quotaLines(entries) {
		fmt.Fprintln(c.e.IO.Out, line)
	}
	return nil
}

// quotaLines are describeQuotaConfigs' lines, in the order of Java's HashMaps: the entities by
// ClientQuotaEntity.hashCode, each entity's values by key.
func quotaLines(entries []kmsg.DescribeClientQuotasResponseEntry) []string {
	hashes := make([]int32, len(entries))
	for i, e := range entries {
		h := int32(0)
		for _, c := range e.Entity {
			var v int32
			if c.Name != nil {
				v = javaStringHash(*c.Name)
			}
			h += javaStringHash(c.Type) ^ v
		}
		hashes[i] = 31 + h
	}
	var lines []string
	for _, i := range javaSizedHashOrder(hashes) {
		lines = append(lines, fmt.Sprintf("Quota configs for %s are %s", quotaEntityString(entries[i].Entity), quotaValuesString(entries[i].Values)))
	}
	return lines
}

func quotaEntityString(comps []kmsg.DescribeClientQuotasResponseEntryEntity) string {
	var parts []string
	for _, t := range [][2]string{{"user", "user-principal"}, {"client-id", "client-id"}, {"ip", "ip"}} {
		for _, c := range comps {
			if c.Type != t[0] {
				continue
			}
			if c.Name == nil {
				parts = append(parts, "the default "+t[1])
			} else {
				parts = append(parts, fmt.Sprintf("%s '%s'", t[1], *c.Name))
			}
		}
	}
	return strings.Join(parts, ", ")
}

func quotaValuesString(vs []kmsg.DescribeClientQuotasResponseEntryValue) string {
	hashes := make([]int32, len(vs))
	for i, v := range vs {
		hashes[i] = javaStringHash(v.Key)
	}
	var parts []string
	for _, i := range javaSizedHashOrder(hashes) {
		parts = append(parts, vs[i].Key+"="+javaDouble(vs[i].Value))
	}
	return strings.Join(parts, ", ")
}

// describeQuotasAndScram adds the users' SCRAM credentials, unless clients or a default are
// described.
func (c *configsCmd) describeQuotasAndScram(ctx context.Context) error {
	if err := c.describeQuotas(ctx); err != nil {
		return err
	}
	if contains(c.r.types, "clients") || contains(c.r.names, "") {
		return nil
	}
	req := kmsg.NewPtrDescribeUserSCRAMCredentialsRequest()
	for _, n := range c.r.names {
		u := kmsg.NewDescribeUserSCRAMCredentialsRequestUser()
		u.Name = n
		req.Users = append(req.Users, u)
	}
	resp, err := req.RequestWith(ctx, c.adm)
	if err == nil {
		err = kerr.ErrorForCode(resp.ErrorCode)
	}
	if err != nil {
		return c.fail(err)
	}
	for _, r := range resp.Results {
		c.printScram(r)
	}
	return nil
}

func (c *configsCmd) printScram(r kmsg.DescribeUserSCRAMCredentialsResponseResult) {
	if r.ErrorCode == kerr.ResourceNotFound.Code {
		return // DescribeUserSCRAMCredentialsResult.users leaves out users without credentials
	}
	if err := kerr.ErrorForCode(r.ErrorCode); err != nil {
		msg := err.Error()
		if r.ErrorMessage != nil {
			msg = *r.ErrorMessage
		}
		fmt.Fprintf(c.e.IO.Out, "Error retrieving SCRAM credential configs for user-principal '%s': %s: %s\n", r.User, javaErrorName(err), msg)
		return
	}
	var parts []string
	for _, ci := range r.CredentialInfos {
		parts = append(parts, fmt.Sprintf("%s=iterations=%d", scramName(ci.Mechanism), ci.Iterations))
	}
	fmt.Fprintf(c.e.IO.Out, "SCRAM credential configs for user-principal '%s' are %s\n", r.User, strings.Join(parts, ", "))
}

func scramName(m int8) string {
	switch m {
	case 1:
		return "SCRAM-SHA-256"
	case 2:
		return "SCRAM-SHA-512"
	}
	return "UNKNOWN"
}

// alterUserOrClient checks the keys as ConfigCommand does, then alters quotas or deletes SCRAM
// credentials (adding one was refused while parsing: it carries a password).
func (c *configsCmd) alterUserOrClient(ctx context.Context) error {
	var unknownAdd, unknownDel, scramAdd, scramDel []string
	hasQuota := false
	for _, k := range c.r.setOrder {
		switch {
		case contains(userClientQuotas, k):
			hasQuota = true
		case isScram(k):
			scramAdd = append(scramAdd, k)
		default:
			unknownAdd = append(unknownAdd, k)
		}
	}
	for _, k := range c.r.deleteKeys {
		switch {
		case contains(userClientQuotas, k):
			hasQuota = true
		case isScram(k):
			scramDel = append(scramDel, k)
		default:
			unknownDel = append(unknownDel, k)
		}
	}
	if c.r.types[0] == "clients" || len(c.r.types) == 2 {
		if len(unknownAdd)+len(scramAdd) > 0 {
			return c.refuse("Only quota configs can be added for 'clients' using --bootstrap-server. Unexpected config names: %s", scalaSet(append(unknownAdd, scramAdd...)))
		}
		if len(unknownDel)+len(scramDel) > 0 {
			return c.refuse("Only quota configs can be deleted for 'clients' using --bootstrap-server. Unexpected config names: %s", scalaSet(append(unknownDel, scramDel...)))
		}
	} else {
		if len(unknownAdd) > 0 {
			return c.refuse("Only quota and SCRAM credential configs can be added for 'users' using --bootstrap-server. Unexpected config names: %s", scalaSet(unknownAdd))
		}
		if len(unknownDel) > 0 {
			return c.refuse("Only quota and SCRAM credential configs can be deleted for 'users' using --bootstrap-server. Unexpected config names: %s", scalaSet(unknownDel))
		}
		if len(scramAdd)+len(scramDel) > 0 && contains(c.r.names, "") {
			return c.refuse("The use of --entity-default or --user-defaults is not allowed with User SCRAM Credentials using --bootstrap-server.")
		}
		if len(scramAdd)+len(scramDel) > 0 && hasQuota {
			return c.refuse("Cannot alter both quota and SCRAM credential configs simultaneously for 'users' using --bootstrap-server.")
		}
	}
	if hasQuota {
		return c.alterQuotas(ctx)
	}
	for _, k := range scramAdd { // without password= (those were refused while parsing)
		return c.refuse("Invalid credential property %s=%s", strings.ReplaceAll(k, "-", "_"), c.r.set[k])
	}
	return c.deleteScram(ctx, scramDel)
}

// scalaSet is how Scala prints a small Set of names: Set(a, b).
func scalaSet(names []string) string { return "Set(" + strings.Join(names, ", ") + ")" }

func (c *configsCmd) alterIP(ctx context.Context) error {
	var unknown []string
	for _, k := range append(append([]string{}, c.r.setOrder...), c.r.deleteKeys...) {
		if !contains(ipQuotas, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		return c.refuse("Only connection quota configs can be added for 'ips' using --bootstrap-server. Unexpected config names: %s", strings.Join(unknown, ","))
	}
	return c.alterQuotas(ctx)
}

// alterQuotas is alterQuotaConfigs: keys to delete must be set on the entity, values must be
// numbers, then one AlterClientQuotas entry.
func (c *configsCmd) alterQuotas(ctx context.Context) error {
	current, err := c.fetchQuotas(ctx)
	if err != nil {
		return c.fail(err)
	}
	have := map[string]bool{}
	if len(current) > 0 {
		for _, v := range current[0].Values {
			have[v.Key] = true
		}
	}
	var bad []string
	for _, k := range c.r.deleteKeys {
		if !have[k] {
			bad = append(bad, k)
		}
	}
	if len(bad) > 0 {
		return c.refuse("Invalid config(s): %s", strings.Join(bad, ","))
	}
	entry := kmsg.NewAlterClientQuotasRequestEntry()
	for i, t := range c.r.types {
		comp := kmsg.NewAlterClientQuotasRequestEntryEntity()
		comp.Type = quotaEntityTypes[t]
		if n := c.r.names[i]; n != "" {
			comp.Name = &n
		}
		entry.Entity = append(entry.Entity, comp)
	}
	for _, k := range c.r.setOrder {
		f, err := strconv.ParseFloat(strings.TrimSpace(c.r.set[k]), 64)
		if err != nil {
			return c.refuse("Cannot parse quota configuration value for %s: %s", k, c.r.set[k])
		}
		op := kmsg.NewAlterClientQuotasRequestEntryOp()
		op.Key, op.Value = k, f
		entry.Ops = append(entry.Ops, op)
	}
	for _, k := range c.r.deleteKeys {
		op := kmsg.NewAlterClientQuotasRequestEntryOp()
		op.Key, op.Remove = k, true
		entry.Ops = append(entry.Ops, op)
	}
	req := kmsg.NewPtrAlterClientQuotasRequest()
	req.Entries = append(req.Entries, entry)
	resp, err := req.RequestWith(ctx, c.adm)
	if err != nil {
		return c.fail(err)
	}
	for _, e := range resp.Entries {
		if err := kerr.ErrorForCode(e.ErrorCode); err != nil {
			if e.ErrorMessage != nil {
				err = fmt.Errorf("%w: %s", err, *e.ErrorMessage)
			}
			return c.fail(err)
		}
	}
	return nil
}

func (c *configsCmd) deleteScram(ctx context.Context, mechanisms []string) error {
	_, user := c.r.head()
	req := kmsg.NewPtrAlterUserSCRAMCredentialsRequest()
	for _, m := range mechanisms {
		d := kmsg.NewAlterUserSCRAMCredentialsRequestDeletion()
		d.Name, d.Mechanism = user, 1
		if m == "SCRAM-SHA-512" {
			d.Mechanism = 2
		}
		req.Deletions = append(req.Deletions, d)
	}
	resp, err := req.RequestWith(ctx, c.adm)
	if err != nil {
		return c.fail(err)
	}
	for _, r := range resp.Results {
		if err := kerr.ErrorForCode(r.ErrorCode); err != nil {
			if r.ErrorMessage != nil {
				err = fmt.Errorf("%w: %s", err, *r.ErrorMessage)
			}
			return c.fail(err)
		}
	}
	return nil
}
