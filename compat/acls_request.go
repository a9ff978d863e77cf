package compat

import (
	"fmt"
	"sort"
	"strings"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/acl"
)

// kafka-acls.sh's model: a map from resource pattern (filter) to a set of access control
// entries, built as AclCommand builds it from the options. Java iterates HashMaps and
// HashSets (hash order, different on every run); kafkit sorts.

type javaResource struct {
	t       kmsg.ACLResourceType
	name    string
	pattern kmsg.ACLResourcePatternType
}

type javaEntry struct {
	principal, host string
	op              kmsg.ACLOperation
	perm            kmsg.ACLPermissionType
}

// resourceEntries is one resource (or resource filter) and its entries, sorted.
type resourceEntries struct {
	res     javaResource
	entries []javaEntry
}

// String is ResourcePattern.toString (a filter prints the same way).
func (r javaResource) String() string {
	return fmt.Sprintf("ResourcePattern(resourceType=%s, name=%s, patternType=%s)", acl.JavaType(r.t), r.name, acl.JavaPattern(r.pattern))
}

// String is AccessControlEntry.toString.
func (e javaEntry) String() string {
	return fmt.Sprintf("(principal=%s, host=%s, operation=%s, permissionType=%s)", e.principal, e.host, acl.JavaOperation(e.op), acl.JavaPermission(e.perm))
}

func (e javaEntry) binding(r javaResource) acl.Binding {
	return acl.Binding{Type: r.t, Name: r.name, Pattern: r.pattern, Principal: e.principal, Host: e.host, Operation: e.op, Permission: e.perm}
}

// aclsUsage is a message Java prints with its usage (printUsageAndExit); the error type lets
// the run function tell it from a failure.
type aclsUsage string

func (u aclsUsage) Error() string { return string(u) }

// javaPatternType is PatternTypeConverter: an enum name, case-insensitive, never UNKNOWN.
func javaPatternType(p *Parsed) (kmsg.ACLResourcePatternType, error) {
	v, given, err := p.One("resource-pattern-type")
	if err != nil {
		return 0, aclsUsage(err.Error())
	}
	if !given {
		return kmsg.ACLResourcePatternTypeLiteral, nil
	}
	for _, pt := range []kmsg.ACLResourcePatternType{kmsg.ACLResourcePatternTypeAny, kmsg.ACLResourcePatternTypeMatch, kmsg.ACLResourcePatternTypeLiteral, kmsg.ACLResourcePatternTypePrefixed} {
		if strings.EqualFold(v, acl.JavaPattern(pt)) {
			return pt, nil
		}
	}
	return 0, aclsUsage(fmt.Sprintf("Unknown resource-pattern-type: %s", v))
}

// javaResources is getResourceFilter: the resources named by the options.
func javaResources(p *Parsed, pattern kmsg.ACLResourcePatternType) []javaResource {
	var out []javaResource
	add := func(t kmsg.ACLResourceType, opt string, trim bool) {
		for _, v := range p.Values(opt) {
			if trim {
				v = strings.TrimSpace(v)
			}
			out = append(out, javaResource{t, v, pattern})
		}
	}
	add(kmsg.ACLResourceTypeTopic, "topic", true)
	if pattern == kmsg.ACLResourcePatternTypeLiteral && (p.Has("cluster") || p.Has("idempotent")) {
		out = append(out, javaResource{kmsg.ACLResourceTypeCluster, acl.ClusterName, kmsg.ACLResourcePatternTypeLiteral})
	}
	add(kmsg.ACLResourceTypeGroup, "group", true)
	add(kmsg.ACLResourceTypeTransactionalId, "transactional-id", false)
	add(kmsg.ACLResourceTypeDelegationToken, "delegation-token", true)
	add(kmsg.ACLResourceTypeUser, "user-principal", true)
	return uniqueResources(out)
}

func uniqueResources(rs []javaResource) []javaResource {
	seen := map[javaResource]bool{}
	var out []javaResource
	for _, r := range rs {
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}

const noResource = "You must provide at least one resource: --topic <topic> or --cluster or --group <group> or --delegation-token <Delegation Token ID>"

// javaPrincipals is getPrincipals: SecurityUtils.parseKafkaPrincipal of each trimmed value.
func javaPrincipals(p *Parsed, opt string) ([]string, error) {
	var out []string
	for _, v := range p.Values(opt) {
		v = strings.TrimSpace(v)
		typ, name, ok := strings.Cut(v, ":")
		if v == "" || !ok {
			return nil, fmt.Errorf("expected a string in format principalType:principalName but got %s", v)
		}
		out = append(out, typ+":"+name)
	}
	return out, nil
}

// javaHosts is getHosts: the given hosts, else "*" when principals are given.
func javaHosts(p *Parsed, hostOpt, principalOpt string) []string {
	if p.Has(hostOpt) {
		var out []string
		for _, v := range p.Values(hostOpt) {
			out = append(out, strings.TrimSpace(v))
		}
		return out
	}
	if p.Has(principalOpt) {
		return []string{"*"}
	}
	return nil
}

// javaOperation is SecurityUtils.operation: the PascalCase or UPPER_SNAKE name, else UNKNOWN.
func javaOperation(name string) kmsg.ACLOperation {
	for _, n := range acl.OperationNames() {
		op, _ := acl.ParseOperation(n, false)
		upper := acl.JavaOperation(op)
		if name == upper || name == pascal(upper) {
			return op
		}
	}
	return kmsg.ACLOperationUnknown
}

func pascal(upper string) string {
	var b strings.Builder
	for _, w := range strings.Split(upper, "_") {
		if w != "" {
			b.WriteString(w[:1] + strings.ToLower(w[1:]))
		}
	}
	return b.String()
}

// javaEntries is getAcl: allowed principals × operations × allowed hosts (ALLOW), then the
// denied ones (DENY).
func javaEntries(p *Parsed, ops []kmsg.ACLOperation) ([]javaEntry, error) {
	var out []javaEntry
	for _, side := range []struct {
		principals, hosts string
		perm              kmsg.ACLPermissionType
	}{
		{"allow-principal", "allow-host", kmsg.ACLPermissionTypeAllow},
		{"deny-principal", "deny-host", kmsg.ACLPermissionTypeDeny},
	} {
		principals, err := javaPrincipals(p, side.principals)
		if err != nil {
			return nil, err
		}
		for _, pr := range principals {
			for _, op := range ops {
				for _, h := range javaHosts(p, side.hosts, side.principals) {
					out = append(out, javaEntry{pr, h, op, side.perm})
				}
			}
		}
	}
	return out, nil
}

// javaResourceACLs is getResourceFilterToAcls: the conveniences or the --operation options
// on every resource, merged per resource and checked against each type's operations.
func javaResourceACLs(p *Parsed, pattern kmsg.ACLResourcePatternType) ([]resourceEntries, error) {
	rs := javaResources(p, pattern)
	if len(rs) == 0 {
		return nil, aclsUsage(noResource)
	}
	byRes := map[javaResource][]javaEntry{}
	add := func(types []kmsg.ACLResourceType, ops ...kmsg.ACLOperation) error {
		es, err := javaEntries(p, ops)
		if err != nil {
			return err
		}
		for _, r := range rs {
			for _, t := range types {
				if r.t == t {
					byRes[r] = append(byRes[r], es...)
				}
			}
		}
		return nil
	}
	if err := addConveniences(p, add); err != nil {
		return nil, err
	}
	if p.Has("producer") && p.Has("idempotent") {
		es, err := javaEntries(p, []kmsg.ACLOperation{kmsg.ACLOperationIdempotentWrite})
		if err != nil {
			return nil, err
		}
		byRes[javaResource{kmsg.ACLResourceTypeCluster, acl.ClusterName, kmsg.ACLResourcePatternTypeLiteral}] = es
	}
	out := sortedResourceEntries(byRes, !p.Has("producer") && !p.Has("consumer"), rs)
	return out, validateJavaOperations(out)
}

// addConveniences adds --producer's and --consumer's entries, or --operation's on every
// resource when neither is given.
func addConveniences(p *Parsed, add func([]kmsg.ACLResourceType, ...kmsg.ACLOperation) error) error {
	topic, txn, group := kmsg.ACLResourceTypeTopic, kmsg.ACLResourceTypeTransactionalId, kmsg.ACLResourceTypeGroup
	if !p.Has("producer") && !p.Has("consumer") {
		var ops []kmsg.ACLOperation
		for _, v := range p.Values("operation") {
			ops = append(ops, javaOperation(strings.TrimSpace(v)))
		}
		if len(ops) == 0 {
			ops = []kmsg.ACLOperation{kmsg.ACLOperationAll}
		}
		all := []kmsg.ACLResourceType{topic, group, txn, kmsg.ACLResourceTypeCluster, kmsg.ACLResourceTypeDelegationToken, kmsg.ACLResourceTypeUser}
		return add(all, ops...)
	}
	if p.Has("producer") {
		if err := add([]kmsg.ACLResourceType{topic}, kmsg.ACLOperationWrite, kmsg.ACLOperationDescribe, kmsg.ACLOperationCreate); err != nil {
			return err
		}
		if err := add([]kmsg.ACLResourceType{txn}, kmsg.ACLOperationWrite, kmsg.ACLOperationDescribe); err != nil {
			return err
		}
	}
	if p.Has("consumer") {
		if err := add([]kmsg.ACLResourceType{topic}, kmsg.ACLOperationRead, kmsg.ACLOperationDescribe); err != nil {
			return err
		}
		return add([]kmsg.ACLResourceType{group}, kmsg.ACLOperationRead)
	}
	return nil
}

// sortedResourceEntries sorts resources and their deduplicated entries. With plain options
// every resource is kept even with no entries (add then refuses it, remove deletes all).
func sortedResourceEntries(byRes map[javaResource][]javaEntry, keepEmpty bool, rs []javaResource) []resourceEntries {
	if keepEmpty {
		for _, r := range rs {
			if _, ok := byRes[r]; !ok {
				byRes[r] = nil
			}
		}
	}
	var out []resourceEntries
	for r, es := range byRes {
		seen := map[javaEntry]bool{}
		var uniq []javaEntry
		for _, e := range es {
			if !seen[e] {
				seen[e] = true
				uniq = append(uniq, e)
			}
		}
		sort.Slice(uniq, func(i, j int) bool { return entryLess(uniq[i], uniq[j]) })
		out = append(out, resourceEntries{r, uniq})
	}
	sort.Slice(out, func(i, j int) bool { return resourceLess(out[i].res, out[j].res) })
	return out
}

func entryLess(a, b javaEntry) bool {
	switch {
	case a.principal != b.principal:
		return a.principal < b.principal
	case a.host != b.host:
		return a.host < b.host
	case a.op != b.op:
		return a.op < b.op
	}
	return a.perm < b.perm
}

func resourceLess(a, b javaResource) bool {
	switch {
	case a.t != b.t:
		return a.t < b.t
	case a.name != b.name:
		return a.name < b.name
	}
	return a.pattern < b.pattern
}

// validateJavaOperations is validateOperation: every entry's operation must apply to its
// resource type.
func validateJavaOperations(rs []resourceEntries) error {
	for _, r := range rs {
		for _, e := range r.entries {
			if !acl.Supports(r.res.t, e.op) {
				return aclsUsage(fmt.Sprintf("ResourceType %s only supports operations %s", acl.JavaType(r.res.t), javaSupported(r.res.t)))
			}
		}
	}
	return nil
}

// javaSupported lists the operations of type t as Java's Set.toString does ([A, B]).
func javaSupported(t kmsg.ACLResourceType) string {
	var names []string
	for _, n := range acl.OperationNames() {
		op, _ := acl.ParseOperation(n, false)
		if acl.Supports(t, op) {
			names = append(names, acl.JavaOperation(op))
		}
	}
	return "[" + strings.Join(names, ", ") + "]"
}
