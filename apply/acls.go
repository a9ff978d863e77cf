package apply

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
	"go.yaml.in/yaml/v3"

	"github.com/kafkit/kafkit/acl"
	"github.com/kafkit/kafkit/internal/cmdutil"
)

// ACLSpec is one entry of the file's acls: one binding per operation.
type ACLSpec struct {
	Line     int
	Bindings []Binding
}

// Binding is one ACL, as Kafka stores it.
type Binding struct {
	Principal  string
	Host       string
	Permission kmsg.ACLPermissionType
	Resource   kmsg.ACLResourceType
	Name       string
	Pattern    kmsg.ACLResourcePatternType
	Operation  kmsg.ACLOperation
}

func (b Binding) key() string {
	return fmt.Sprintf("%s|%s|%d|%d|%s|%d|%d", b.Principal, b.Host, b.Permission, b.Resource, b.Name, b.Pattern, b.Operation)
}

// String is the binding as a plan row shows it: "allow read on topic orders (literal) from *".
func (b Binding) String() string {
	return fmt.Sprintf("%s %s on %s %s (%s) from %s", acl.PermissionName(b.Permission), acl.OperationName(b.Operation),
		acl.TypeName(b.Resource), b.Name, acl.PatternName(b.Pattern), b.Host)
}

const aclKeys = "principal, host, permission, resource, name, pattern, operations"

func (p *parser) acls(items []*yaml.Node) []ACLSpec {
	var out []ACLSpec
	seen := map[string]int{}
	for _, it := range items {
		b := Binding{Host: "*", Permission: kmsg.ACLPermissionTypeAllow, Pattern: kmsg.ACLResourcePatternTypeLiteral}
		var ops []opAt
		p.fields(it, "acl", aclKeys, func(k, v *yaml.Node) bool {
			if k.Value == "operations" {
				ops = p.operations(k, v)
				return true
			}
			return p.aclField(&b, k, v)
		})
		if !p.aclComplete(it.Line, &b, ops) {
			continue
		}
		spec := ACLSpec{Line: it.Line}
		for _, op := range ops {
			b.Operation = op.op
			if prev, dup := seen[b.key()]; dup {
				p.add(it.Line, "the ACL %s for %s is listed twice (first at line %d)", b, b.Principal, prev)
				continue
			}
			seen[b.key()] = it.Line
			spec.Bindings = append(spec.Bindings, b)
		}
		out = append(out, spec)
	}
	return out
}

func (p *parser) aclField(b *Binding, k, v *yaml.Node) bool {
	s, ok := "", true
	if k.Value != "operations" {
		s, ok = p.scalar(k, v)
	}
	if !ok {
		return true
	}
	var err error
	switch k.Value {
	case "principal":
		b.Principal = s
	case "host":
		b.Host = s
	case "name":
		b.Name = s
	case "permission":
		if b.Permission, err = acl.ParsePermission(s, false); err != nil {
			p.add(v.Line, "%v", err)
		}
	case "resource":
		if b.Resource, err = acl.ParseType(s); err != nil {
			p.add(v.Line, "%v", err)
			b.Resource = kmsg.ACLResourceTypeAny // reported: aclComplete says no more of it
		}
	case "pattern":
		if b.Pattern, err = acl.ParsePattern(s, false); err != nil {
			p.add(v.Line, "%v", err)
		}
	default:
		return false
	}
	return true
}

// opAt is an operation of an entry and the line it is on.
type opAt struct {
	op   kmsg.ACLOperation
	line int
}

func (p *parser) operations(k, v *yaml.Node) []opAt {
	items := []*yaml.Node{v}
	if v.Kind == yaml.SequenceNode {
		items = v.Content
	}
	var ops []opAt
	for _, it := range items {
		s, ok := p.scalar(k, it)
		if !ok {
			continue
		}
		op, err := acl.ParseOperation(s, false)
		if err != nil {
			p.add(it.Line, "%v", err)
			continue
		}
		ops = append(ops, opAt{op, it.Line})
	}
	return ops
}

// aclComplete checks an entry's required keys.
func (p *parser) aclComplete(line int, b *Binding, ops []opAt) bool {
	ok := true
	if i := strings.IndexByte(b.Principal, ':'); i <= 0 || i == len(b.Principal)-1 {
		p.add(line, "an acl needs a principal like User:orders-app (got %q)", b.Principal)
		ok = false
	}
	if b.Resource == kmsg.ACLResourceTypeCluster && b.Name == "" {
		b.Name = "kafka-cluster"
	}
	if b.Resource == kmsg.ACLResourceTypeAny {
		ok = false
	} else if b.Resource == 0 || b.Name == "" {
		p.add(line, "an acl needs a resource and its name (resource: topic, name: orders)")
		ok = false
	}
	if len(ops) == 0 {
		p.add(line, "an acl needs operations (e.g. operations: [read, describe])")
		ok = false
	}
	for _, op := range ops {
		if b.Resource > kmsg.ACLResourceTypeAny && !acl.Supports(b.Resource, op.op) {
			p.add(op.line, "operation %s does not apply to a %s: use %s", acl.OperationName(op.op), acl.TypeName(b.Resource), strings.Join(acl.SupportedOperations(b.Resource), ", "))
			ok = false
		}
	}
	return ok
}

// aclsSection plans ACLs: create the file's bindings the cluster lacks and (--prune-acls)
// delete the bindings of the file's principals that the file does not list.
type aclsSection struct {
	want    []ACLSpec
	prune   bool
	actual  []Binding
	creates []Binding
	deletes []Binding
}

func (s *aclsSection) fetch(ctx context.Context, adm *cmdutil.Admin) error {
	if len(s.want) == 0 {
		return nil
	}
	req := kmsg.NewPtrDescribeACLsRequest()
	req.ResourceType = kmsg.ACLResourceTypeAny
	req.ResourcePatternType = kmsg.ACLResourcePatternTypeAny
	req.Operation = kmsg.ACLOperationAny
	req.PermissionType = kmsg.ACLPermissionTypeAny
	resp, err := req.RequestWith(ctx, adm)
	if err == nil {
		err = kerr.ErrorForCode(resp.ErrorCode)
	}
	if errors.Is(err, kerr.SecurityDisabled) {
		return fmt.Errorf("the cluster has no authorizer (SECURITY_DISABLED), so it keeps no ACLs: remove the acls section, or set authorizer.class.name on the brokers")
	}
	if err != nil {
		return fmt.Errorf("reading the ACLs: %v", err)
	}
	for _, r := range resp.Resources {
		for _, a := range r.ACLs {
			s.actual = append(s.actual, Binding{Principal: a.Principal, Host: a.Host, Permission: a.PermissionType,
				Resource: r.ResourceType, Name: r.ResourceName, Pattern: r.ResourcePatternType, Operation: a.Operation})
		}
	}
	return nil
}

func (s *aclsSection) plan() []Action {
	have := map[string]bool{}
	for _, b := range s.actual {
		have[b.key()] = true
	}
	want, principals := map[string]bool{}, map[string]bool{}
	var acts []Action
	for _, spec := range s.want {
		for _, b := range spec.Bindings {
			want[b.key()], principals[b.Principal] = true, true
			if !have[b.key()] {
				s.creates = append(s.creates, b)
				acts = append(acts, Action{Kind: kindACL, Name: b.Principal, Action: actCreateACL, Detail: b.String()})
			}
		}
	}
	if s.prune {
		stale := []Binding{}
		for _, b := range s.actual {
			if principals[b.Principal] && !want[b.key()] {
				stale = append(stale, b)
			}
		}
		sort.Slice(stale, func(i, j int) bool { return stale[i].key() < stale[j].key() })
		for _, b := range stale {
			s.deletes = append(s.deletes, b)
			acts = append(acts, Action{Kind: kindACL, Name: b.Principal, Action: actDeleteACL, Detail: b.String()})
		}
	}
	return acts
}

// execute sends every creation in one CreateAcls request and every deletion (exact filters) in
// one DeleteAcls request; acts are the plan's ACL rows, creations first. ACLs have no
// validate-only form: a dry run sends nothing.
func (s *aclsSection) execute(ctx context.Context, adm *cmdutil.Admin, acts []Action) {
	if len(s.creates) > 0 {
		s.create(ctx, adm, acts[:len(s.creates)])
	}
	if len(s.deletes) > 0 {
		s.delete(ctx, adm, acts[len(s.creates):])
	}
}

func (s *aclsSection) create(ctx context.Context, adm *cmdutil.Admin, acts []Action) {
	req := kmsg.NewPtrCreateACLsRequest()
	for _, b := range s.creates {
		c := kmsg.NewCreateACLsRequestCreation()
		c.ResourceType, c.ResourceName, c.ResourcePatternType = b.Resource, b.Name, b.Pattern
		c.Principal, c.Host, c.Operation, c.PermissionType = b.Principal, b.Host, b.Operation, b.Permission
		req.Creations = append(req.Creations, c)
	}
	resp, err := req.RequestWith(ctx, adm)
	for i := range acts {
		switch {
		case err != nil:
			acts[i].fail(err)
		case i >= len(resp.Results):
			acts[i].fail(errors.New("no answer for this ACL"))
		case resp.Results[i].ErrorCode != 0:
			acts[i].fail(fmt.Errorf("%v%s", kerr.ErrorForCode(resp.Results[i].ErrorCode), msgSuffix(deref(resp.Results[i].ErrorMessage))))
		default:
			acts[i].done()
		}
	}
}

func (s *aclsSection) delete(ctx context.Context, adm *cmdutil.Admin, acts []Action) {
	req := kmsg.NewPtrDeleteACLsRequest()
	for _, b := range s.deletes {
		f := kmsg.NewDeleteACLsRequestFilter()
		name, principal, host := b.Name, b.Principal, b.Host
		f.ResourceType, f.ResourceName, f.ResourcePatternType = b.Resource, &name, b.Pattern
		f.Principal, f.Host, f.Operation, f.PermissionType = &principal, &host, b.Operation, b.Permission
		req.Filters = append(req.Filters, f)
	}
	resp, err := req.RequestWith(ctx, adm)
	for i := range acts {
		switch {
		case err != nil:
			acts[i].fail(err)
		case i >= len(resp.Results):
			acts[i].fail(errors.New("no answer for this ACL"))
		case resp.Results[i].ErrorCode != 0:
			acts[i].fail(fmt.Errorf("%v%s", kerr.ErrorForCode(resp.Results[i].ErrorCode), msgSuffix(deref(resp.Results[i].ErrorMessage))))
		default:
			acts[i].done()
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
