package acl

import (
	"errors"
	"fmt"
	"net"
	"regexp"
	"sort"
	"strings"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// Binding is one ACL: a resource pattern and an access control entry.
type Binding struct {
	Type       kmsg.ACLResourceType
	Name       string
	Pattern    kmsg.ACLResourcePatternType
	Principal  string
	Host       string
	Operation  kmsg.ACLOperation
	Permission kmsg.ACLPermissionType
}

// Filter selects ACLs: nil strings and the Any enum values match everything.
type Filter struct {
	Type       kmsg.ACLResourceType
	Name       *string
	Pattern    kmsg.ACLResourcePatternType
	Principal  *string
	Host       *string
	Operation  kmsg.ACLOperation
	Permission kmsg.ACLPermissionType
}

// Exact is the filter that matches b and nothing else.
func (b Binding) Exact() Filter {
	name, principal, host := b.Name, b.Principal, b.Host
	return Filter{Type: b.Type, Name: &name, Pattern: b.Pattern, Principal: &principal, Host: &host, Operation: b.Operation, Permission: b.Permission}
}

// Spec is a selection of ACLs as the flags give it (the same for create, list and delete):
// resources, principals, hosts, operations, a permission and a pattern type, or the
// --producer / --consumer conveniences. Bindings and Filters turn it into requests.
type Spec struct {
	Topics, Groups, TransactionalIDs, DelegationTokens, UserPrincipals []string
	Cluster                                                            bool

	Pattern    string // "" means the verb's default
	Principals []string
	Hosts      []string
	Operations []string
	Permission string // "" means allow (create) or any (filters)

	Producer, Consumer, Idempotent bool
}

type resource struct {
	t    kmsg.ACLResourceType
	name string
}

// ErrNoResource is returned when a create names no resource.
var ErrNoResource = errors.New("name a resource: --topic, --group, --cluster, --transactional-id, --delegation-token or --user-principal")

func (s Spec) resources() ([]resource, error) {
	var out []resource
	add := func(t kmsg.ACLResourceType, flag string, names []string) error {
		for _, n := range names {
			if n == "" {
				return fmt.Errorf("--%s needs a name (use '*' for every one)", flag)
			}
			out = append(out, resource{t, n})
		}
		return nil
	}
	for _, r := range []struct {
		t     kmsg.ACLResourceType
		flag  string
		names []string
	}{
		{kmsg.ACLResourceTypeTopic, "topic", s.Topics},
		{kmsg.ACLResourceTypeGroup, "group", s.Groups},
		{kmsg.ACLResourceTypeTransactionalId, "transactional-id", s.TransactionalIDs},
		{kmsg.ACLResourceTypeDelegationToken, "delegation-token", s.DelegationTokens},
		{kmsg.ACLResourceTypeUser, "user-principal", s.UserPrincipals},
	} {
		if err := add(r.t, r.flag, r.names); err != nil {
			return nil, err
		}
	}
	if s.Cluster {
		out = append(out, resource{kmsg.ACLResourceTypeCluster, ClusterName})
	}
	return out, nil
}

var principalRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]*:.+$`)

// CheckPrincipal checks the TYPE:NAME shape Kafka's authorizer needs (User:alice, User:*).
func CheckPrincipal(p string) error {
	if !principalRE.MatchString(p) {
		return fmt.Errorf("principal %q must be TYPE:NAME, such as User:alice (User:* for every user)", p)
	}
	return nil
}

// CheckHost accepts "*" or an IP address: Kafka compares an ACL's host with the client's IP,
// so a host name would never match.
func CheckHost(h string) error {
	if h == "*" || net.ParseIP(h) != nil {
		return nil
	}
	return fmt.Errorf("host %q is not an IP address: Kafka matches ACL hosts against the client's IP (use * for any host)", h)
}

func (s Spec) checkCommon() error {
	for _, p := range s.Principals {
		if err := CheckPrincipal(p); err != nil {
			return err
		}
	}
	for _, h := range s.Hosts {
		if err := CheckHost(h); err != nil {
			return err
		}
	}
	return nil
}

// Bindings turns a create spec into the exact ACLs to create: every resource × principal ×
// host × operation, deduplicated and sorted. Errors are usage errors (nothing was sent).
func (s Spec) Bindings() ([]Binding, error) {
	if err := s.checkCommon(); err != nil {
		return nil, err
	}
	if len(s.Principals) == 0 {
		return nil, errors.New("name who the ACL is for: --principal User:NAME")
	}
	pattern := kmsg.ACLResourcePatternTypeLiteral
	if s.Pattern != "" {
		p, err := ParsePattern(s.Pattern, false)
		if err != nil {
			return nil, err
		}
		pattern = p
	}
	perm := kmsg.ACLPermissionTypeAllow
	if s.Permission != "" {
		p, err := ParsePermission(s.Permission, false)
		if err != nil {
			return nil, err
		}
		perm = p
	}
	grants, err := s.grants(pattern)
	if err != nil {
		return nil, err
	}
	return s.expand(grants, pattern, perm), nil
}

// grant is a resource and the operations given on it.
type grant struct {
	r   resource
	ops []kmsg.ACLOperation
}

// grants pairs resources with operations: the conveniences' fixed sets, or --operation on
// every named resource (each checked against what the resource type supports).
func (s Spec) grants(pattern kmsg.ACLResourcePatternType) ([]grant, error) {
	if s.Producer || s.Consumer {
		return s.convenience()
	}
	if s.Idempotent {
		return nil, errors.New("--idempotent goes with --producer")
	}
	rs, err := s.resources()
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, ErrNoResource
	}
	if s.Cluster && pattern != kmsg.ACLResourcePatternTypeLiteral {
		return nil, errors.New("--cluster ACLs are literal: drop --pattern")
	}
	if len(s.Operations) == 0 {
		return nil, errors.New("name the operations to allow or deny: --operation read (repeatable; all for every operation)")
	}
	var opList []kmsg.ACLOperation
	for _, o := range s.Operations {
		op, err := ParseOperation(o, false)
		if err != nil {
			return nil, err
		}
		opList = append(opList, op)
	}
	var out []grant
	for _, r := range rs {
		for _, op := range opList {
			if !Supports(r.t, op) {
				return nil, fmt.Errorf("operation %s does not apply to a %s: use %s", OperationName(op), TypeName(r.t), strings.Join(supportedOps(r.t), ", "))
			}
		}
		out = append(out, grant{r, opList})
	}
	return out, nil
}

// convenience expands --producer and --consumer as kafka-acls.sh does: a producer gets Write,
// Describe and Create on its topics, Write and Describe on its transactional ids and, with
// --idempotent, IdempotentWrite on the cluster; a consumer gets Read and Describe on its
// topics and Read on its groups.
func (s Spec) convenience() ([]grant, error) {
	switch {
	case len(s.Operations) > 0:
		return nil, errors.New("--producer and --consumer choose the operations: drop --operation")
	case s.Permission != "" && norm(s.Permission) != "allow":
		return nil, errors.New("--producer and --consumer only allow: drop --permission (create deny ACLs with --operation)")
	case s.Cluster || len(s.DelegationTokens) > 0 || len(s.UserPrincipals) > 0:
		return nil, errors.New("--producer and --consumer take --topic, --group and --transactional-id only (--idempotent adds the cluster ACL)")
	case len(s.Topics) == 0:
		return nil, errors.New("--producer and --consumer need --topic")
	case s.Consumer && len(s.Groups) == 0:
		return nil, errors.New("--consumer needs --group (the consumer group that reads)")
	case s.Idempotent && !s.Producer:
		return nil, errors.New("--idempotent goes with --producer")
	case !s.Producer && len(s.TransactionalIDs) > 0:
		return nil, errors.New("--transactional-id goes with --producer")
	case !s.Consumer && len(s.Groups) > 0:
		return nil, errors.New("--group goes with --consumer")
	}
	var out []grant
	each := func(t kmsg.ACLResourceType, names []string, o ...kmsg.ACLOperation) {
		for _, n := range names {
			out = append(out, grant{resource{t, n}, o})
		}
	}
	if s.Producer {
		each(kmsg.ACLResourceTypeTopic, s.Topics, kmsg.ACLOperationWrite, kmsg.ACLOperationDescribe, kmsg.ACLOperationCreate)
		each(kmsg.ACLResourceTypeTransactionalId, s.TransactionalIDs, kmsg.ACLOperationWrite, kmsg.ACLOperationDescribe)
		if s.Idempotent {
			out = append(out, grant{resource{kmsg.ACLResourceTypeCluster, ClusterName}, []kmsg.ACLOperation{kmsg.ACLOperationIdempotentWrite}})
		}
	}
	if s.Consumer {
		each(kmsg.ACLResourceTypeTopic, s.Topics, kmsg.ACLOperationRead, kmsg.ACLOperationDescribe)
		each(kmsg.ACLResourceTypeGroup, s.Groups, kmsg.ACLOperationRead)
	}
	for _, g := range out {
		if g.r.name == "" {
			return nil, fmt.Errorf("--%s needs a name (use '*' for every one)", flagOf(g.r.t))
		}
	}
	return out, nil
}

func flagOf(t kmsg.ACLResourceType) string {
	ti, _ := typeOf(t)
	return ti.flag
}

func (s Spec) expand(grants []grant, pattern kmsg.ACLResourcePatternType, perm kmsg.ACLPermissionType) []Binding {
	hosts := s.Hosts
	if len(hosts) == 0 {
		hosts = []string{"*"}
	}
	seen := map[Binding]bool{}
	var out []Binding
	for _, g := range grants {
		p := pattern
		if g.r.t == kmsg.ACLResourceTypeCluster {
			p = kmsg.ACLResourcePatternTypeLiteral
		}
		for _, pr := range s.Principals {
			for _, h := range hosts {
				for _, op := range g.ops {
					b := Binding{g.r.t, g.r.name, p, pr, h, op, perm}
					if !seen[b] {
						seen[b] = true
						out = append(out, b)
					}
				}
			}
		}
	}
	SortBindings(out)
	return out
}

// Filters turns a list or delete spec into filters: each named resource (or any resource)
// × each principal (or any) × each host (or any) × each operation (or any). defaultPattern is
// the pattern type when --pattern is not given. With --producer / --consumer the filters are
// the exact ACLs those conveniences create.
func (s Spec) Filters(defaultPattern kmsg.ACLResourcePatternType) ([]Filter, error) {
	if s.Producer || s.Consumer {
		bs, err := s.Bindings()
		if err != nil {
			return nil, err
		}
		fs := make([]Filter, len(bs))
		for i, b := range bs {
			fs[i] = b.Exact()
		}
		return fs, nil
	}
	if err := s.checkCommon(); err != nil {
		return nil, err
	}
	base, err := s.filterBase(defaultPattern)
	if err != nil {
		return nil, err
	}
	rs, err := s.resources()
	if err != nil {
		return nil, err
	}
	anyPattern := base.Pattern
	if s.Pattern == "" {
		anyPattern = kmsg.ACLResourcePatternTypeAny // no resource named: every pattern type
	}
	targets := []Filter{{Type: kmsg.ACLResourceTypeAny, Pattern: anyPattern}}
	if len(rs) > 0 {
		targets = targets[:0]
		for _, r := range rs {
			name := r.name
			targets = append(targets, Filter{Type: r.t, Name: &name, Pattern: base.Pattern})
		}
	}
	return s.crossFilters(targets, base)
}

// filterBase parses the pattern and permission of a filter.
func (s Spec) filterBase(defaultPattern kmsg.ACLResourcePatternType) (Filter, error) {
	f := Filter{Pattern: defaultPattern, Permission: kmsg.ACLPermissionTypeAny}
	if s.Idempotent {
		return f, errors.New("--idempotent goes with --producer")
	}
	if s.Pattern != "" {
		p, err := ParsePattern(s.Pattern, true)
		if err != nil {
			return f, err
		}
		f.Pattern = p
	}
	if s.Permission != "" {
		p, err := ParsePermission(s.Permission, true)
		if err != nil {
			return f, err
		}
		f.Permission = p
	}
	return f, nil
}

func (s Spec) crossFilters(targets []Filter, base Filter) ([]Filter, error) {
	opList := []kmsg.ACLOperation{kmsg.ACLOperationAny}
	if len(s.Operations) > 0 {
		opList = nil
		for _, o := range s.Operations {
			op, err := ParseOperation(o, true)
			if err != nil {
				return nil, err
			}
			opList = append(opList, op)
		}
	}
	principals := optional(s.Principals)
	hosts := optional(s.Hosts)
	var out []Filter
	for _, t := range targets {
		for _, p := range principals {
			for _, h := range hosts {
				for _, op := range opList {
					f := t
					f.Principal, f.Host, f.Operation, f.Permission = p, h, op, base.Permission
					out = append(out, f)
				}
			}
		}
	}
	return out, nil
}

// optional is the values as pointers, or one nil (any) when there are none.
func optional(vs []string) []*string {
	if len(vs) == 0 {
		return []*string{nil}
	}
	out := make([]*string, len(vs))
	for i := range vs {
		out[i] = &vs[i]
	}
	return out
}

// SortBindings sorts by resource type, name, pattern, principal, host, operation, permission.
func SortBindings(bs []Binding) {
	sort.Slice(bs, func(i, j int) bool { return bindingLess(bs[i], bs[j]) })
}

func bindingLess(a, b Binding) bool {
	switch {
	case a.Type != b.Type:
		return a.Type < b.Type
	case a.Name != b.Name:
		return a.Name < b.Name
	case a.Pattern != b.Pattern:
		return a.Pattern < b.Pattern
	case a.Principal != b.Principal:
		return a.Principal < b.Principal
	case a.Host != b.Host:
		return a.Host < b.Host
	case a.Operation != b.Operation:
		return a.Operation < b.Operation
	}
	return a.Permission < b.Permission
}
