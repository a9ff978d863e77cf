package acl

import (
	"fmt"
	"sort"
	"strings"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// The words kafkit uses for Kafka's ACL enums: lower case, words joined by "-". The parser
// also takes Kafka's spellings (Read, IDEMPOTENT_WRITE, IdempotentWrite), case-insensitively.

// kmsg has no TwoPhaseCommit yet (KIP-939, Kafka 4.0+): code 15.
const opTwoPhaseCommit kmsg.ACLOperation = 15

type opInfo struct {
	op   kmsg.ACLOperation
	name string // kafkit's word
	java string // AclOperation's enum name, as kafka-acls.sh prints it
}

var operations = []opInfo{
	{kmsg.ACLOperationAll, "all", "ALL"},
	{kmsg.ACLOperationRead, "read", "READ"},
	{kmsg.ACLOperationWrite, "write", "WRITE"},
	{kmsg.ACLOperationCreate, "create", "CREATE"},
	{kmsg.ACLOperationDelete, "delete", "DELETE"},
	{kmsg.ACLOperationAlter, "alter", "ALTER"},
	{kmsg.ACLOperationDescribe, "describe", "DESCRIBE"},
	{kmsg.ACLOperationClusterAction, "cluster-action", "CLUSTER_ACTION"},
	{kmsg.ACLOperationDescribeConfigs, "describe-configs", "DESCRIBE_CONFIGS"},
	{kmsg.ACLOperationAlterConfigs, "alter-configs", "ALTER_CONFIGS"},
	{kmsg.ACLOperationIdempotentWrite, "idempotent-write", "IDEMPOTENT_WRITE"},
	{kmsg.ACLOperationCreateTokens, "create-tokens", "CREATE_TOKENS"},
	{kmsg.ACLOperationDescribeTokens, "describe-tokens", "DESCRIBE_TOKENS"},
	{opTwoPhaseCommit, "two-phase-commit", "TWO_PHASE_COMMIT"},
}

type typeInfo struct {
	t    kmsg.ACLResourceType
	name string
	java string
	flag string // the flag that names such a resource
	ops  []kmsg.ACLOperation
}

// resourceTypes and the operations each supports (Kafka's AclEntry.supportedOperations, plus
// all); order is the order of list output.
var resourceTypes = []typeInfo{
	{kmsg.ACLResourceTypeTopic, "topic", "TOPIC", "topic", ops("read", "write", "create", "describe", "delete", "alter", "describe-configs", "alter-configs")},
	{kmsg.ACLResourceTypeGroup, "group", "GROUP", "group", ops("read", "describe", "delete", "describe-configs", "alter-configs")},
	{kmsg.ACLResourceTypeCluster, "cluster", "CLUSTER", "cluster", ops("create", "cluster-action", "describe-configs", "alter-configs", "idempotent-write", "alter", "describe")},
	{kmsg.ACLResourceTypeTransactionalId, "transactional-id", "TRANSACTIONAL_ID", "transactional-id", ops("describe", "write", "two-phase-commit")},
	{kmsg.ACLResourceTypeDelegationToken, "delegation-token", "DELEGATION_TOKEN", "delegation-token", ops("describe")},
	{kmsg.ACLResourceTypeUser, "user", "USER", "user-principal", ops("create-tokens", "describe-tokens")},
}

// ClusterName is the name of the one cluster resource.
const ClusterName = "kafka-cluster"

func ops(names ...string) []kmsg.ACLOperation {
	out := []kmsg.ACLOperation{kmsg.ACLOperationAll}
	for _, n := range names {
		for _, o := range operations {
			if o.name == n {
				out = append(out, o.op)
			}
		}
	}
	return out
}

// norm folds Kafka's spellings onto kafkit's: "IdempotentWrite", "IDEMPOTENT_WRITE" and
// "idempotent-write" all become "idempotentwrite".
func norm(s string) string {
	return strings.NewReplacer("-", "", "_", "").Replace(strings.ToLower(strings.TrimSpace(s)))
}

// ParseOperation parses an operation name, case-insensitively, in kafkit's or Kafka's spelling.
// "any" is only accepted when anyOK (filters).
func ParseOperation(s string, anyOK bool) (kmsg.ACLOperation, error) {
	if anyOK && norm(s) == "any" {
		return kmsg.ACLOperationAny, nil
	}
	for _, o := range operations {
		if norm(o.name) == norm(s) {
			return o.op, nil
		}
	}
	names := OperationNames()
	if anyOK {
		names = append(names, "any")
	}
	return 0, fmt.Errorf("unknown operation %q: use one of %s", s, strings.Join(names, ", "))
}

// OperationNames lists kafkit's operation words.
func OperationNames() []string {
	var out []string
	for _, o := range operations {
		out = append(out, o.name)
	}
	return out
}

// OperationName is kafkit's word for op ("unknown(N)" for a code kafkit does not know).
func OperationName(op kmsg.ACLOperation) string {
	for _, o := range operations {
		if o.op == op {
			return o.name
		}
	}
	if op == kmsg.ACLOperationAny {
		return "any"
	}
	return fmt.Sprintf("unknown(%d)", op)
}

// JavaOperation is AclOperation's enum name for op, as the Java tools print it.
func JavaOperation(op kmsg.ACLOperation) string {
	for _, o := range operations {
		if o.op == op {
			return o.java
		}
	}
	if op == kmsg.ACLOperationAny {
		return "ANY"
	}
	return "UNKNOWN"
}

func typeOf(t kmsg.ACLResourceType) (typeInfo, bool) {
	for _, ti := range resourceTypes {
		if ti.t == t {
			return ti, true
		}
	}
	return typeInfo{}, false
}

// ParseType parses a resource type, case-insensitively, in kafkit's or Kafka's spelling
// (transactional-id, TRANSACTIONAL_ID, TransactionalId).
func ParseType(s string) (kmsg.ACLResourceType, error) {
	var names []string
	for _, ti := range resourceTypes {
		if norm(ti.name) == norm(s) {
			return ti.t, nil
		}
		names = append(names, ti.name)
	}
	return 0, fmt.Errorf("unknown resource type %q: use one of %s", s, strings.Join(names, ", "))
}

// SupportedOperations lists, in kafkit's words, the operations that apply to resource type t
// (all included), as kafka-acls.sh checks them.
func SupportedOperations(t kmsg.ACLResourceType) []string { return supportedOps(t) }

// TypeName is kafkit's word for a resource type.
func TypeName(t kmsg.ACLResourceType) string {
	if ti, ok := typeOf(t); ok {
		return ti.name
	}
	if t == kmsg.ACLResourceTypeAny {
		return "any"
	}
	return fmt.Sprintf("unknown(%d)", t)
}

// JavaType is ResourceType's enum name, as the Java tools print it.
func JavaType(t kmsg.ACLResourceType) string {
	if ti, ok := typeOf(t); ok {
		return ti.java
	}
	if t == kmsg.ACLResourceTypeAny {
		return "ANY"
	}
	return "UNKNOWN"
}

// supportedOps says which operations apply to resource type t, in kafkit's words.
func supportedOps(t kmsg.ACLResourceType) []string {
	ti, _ := typeOf(t)
	var out []string
	for _, op := range ti.ops {
		out = append(out, OperationName(op))
	}
	sort.Strings(out)
	return out
}

// Supports reports whether op (or all) applies to resource type t.
func Supports(t kmsg.ACLResourceType, op kmsg.ACLOperation) bool {
	ti, _ := typeOf(t)
	for _, o := range ti.ops {
		if o == op {
			return true
		}
	}
	return false
}

// ParsePattern parses a pattern type: literal or prefixed, plus match and any when filter.
func ParsePattern(s string, filter bool) (kmsg.ACLResourcePatternType, error) {
	switch norm(s) {
	case "literal":
		return kmsg.ACLResourcePatternTypeLiteral, nil
	case "prefixed":
		return kmsg.ACLResourcePatternTypePrefixed, nil
	case "match":
		if filter {
			return kmsg.ACLResourcePatternTypeMatch, nil
		}
	case "any":
		if filter {
			return kmsg.ACLResourcePatternTypeAny, nil
		}
	}
	if filter {
		return 0, fmt.Errorf("unknown pattern type %q: use literal, prefixed, match (every ACL that applies to the name) or any (the exact name, any pattern type)", s)
	}
	return 0, fmt.Errorf("pattern type %q cannot be created: use literal or prefixed", s)
}

// PatternName is kafkit's word for a pattern type.
func PatternName(p kmsg.ACLResourcePatternType) string {
	switch p {
	case kmsg.ACLResourcePatternTypeLiteral:
		return "literal"
	case kmsg.ACLResourcePatternTypePrefixed:
		return "prefixed"
	case kmsg.ACLResourcePatternTypeMatch:
		return "match"
	case kmsg.ACLResourcePatternTypeAny:
		return "any"
	}
	return fmt.Sprintf("unknown(%d)", p)
}

// JavaPattern is PatternType's enum name.
func JavaPattern(p kmsg.ACLResourcePatternType) string { return strings.ToUpper(PatternName(p)) }

// ParsePermission parses allow or deny (any when filter).
func ParsePermission(s string, filter bool) (kmsg.ACLPermissionType, error) {
	switch norm(s) {
	case "allow":
		return kmsg.ACLPermissionTypeAllow, nil
	case "deny":
		return kmsg.ACLPermissionTypeDeny, nil
	case "any":
		if filter {
			return kmsg.ACLPermissionTypeAny, nil
		}
	}
	if filter {
		return 0, fmt.Errorf("unknown permission %q: use allow, deny or any", s)
	}
	return 0, fmt.Errorf("unknown permission %q: use allow or deny", s)
}

// PermissionName is kafkit's word for a permission.
func PermissionName(p kmsg.ACLPermissionType) string {
	switch p {
	case kmsg.ACLPermissionTypeAllow:
		return "allow"
	case kmsg.ACLPermissionTypeDeny:
		return "deny"
	case kmsg.ACLPermissionTypeAny:
		return "any"
	}
	return fmt.Sprintf("unknown(%d)", p)
}

// JavaPermission is AclPermissionType's enum name.
func JavaPermission(p kmsg.ACLPermissionType) string { return strings.ToUpper(PermissionName(p)) }
