package acl

import (
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"
)

func b(t kmsg.ACLResourceType, name, principal string, op kmsg.ACLOperation) Binding {
	return Binding{t, name, kmsg.ACLResourcePatternTypeLiteral, principal, "*", op, kmsg.ACLPermissionTypeAllow}
}

func TestBindingsConveniences(t *testing.T) {
	const u = "User:app"
	topic, group, txn, cluster := kmsg.ACLResourceTypeTopic, kmsg.ACLResourceTypeGroup, kmsg.ACLResourceTypeTransactionalId, kmsg.ACLResourceTypeCluster
	cases := []struct {
		name string
		spec Spec
		want []Binding
	}{
		{"producer", Spec{Principals: []string{u}, Producer: true, Topics: []string{"t"}}, []Binding{
			b(topic, "t", u, kmsg.ACLOperationWrite), b(topic, "t", u, kmsg.ACLOperationCreate), b(topic, "t", u, kmsg.ACLOperationDescribe)}},
		{"producer idempotent transactional", Spec{Principals: []string{u}, Producer: true, Idempotent: true, Topics: []string{"t"}, TransactionalIDs: []string{"x"}}, []Binding{
			b(topic, "t", u, kmsg.ACLOperationWrite), b(topic, "t", u, kmsg.ACLOperationCreate), b(topic, "t", u, kmsg.ACLOperationDescribe),
			b(cluster, ClusterName, u, kmsg.ACLOperationIdempotentWrite),
			b(txn, "x", u, kmsg.ACLOperationWrite), b(txn, "x", u, kmsg.ACLOperationDescribe)}},
		{"consumer", Spec{Principals: []string{u}, Consumer: true, Topics: []string{"t"}, Groups: []string{"g"}}, []Binding{
			b(topic, "t", u, kmsg.ACLOperationRead), b(topic, "t", u, kmsg.ACLOperationDescribe), b(group, "g", u, kmsg.ACLOperationRead)}},
		{"both dedupe describe", Spec{Principals: []string{u}, Producer: true, Consumer: true, Topics: []string{"t"}, Groups: []string{"g"}}, []Binding{
			b(topic, "t", u, kmsg.ACLOperationRead), b(topic, "t", u, kmsg.ACLOperationWrite), b(topic, "t", u, kmsg.ACLOperationCreate), b(topic, "t", u, kmsg.ACLOperationDescribe),
			b(group, "g", u, kmsg.ACLOperationRead)}},
		{"explicit ops, Kafka spellings", Spec{Principals: []string{u}, Operations: []string{"Read", "DESCRIBE_CONFIGS"}, Topics: []string{"t"}}, []Binding{
			b(topic, "t", u, kmsg.ACLOperationRead), b(topic, "t", u, kmsg.ACLOperationDescribeConfigs)}},
		{"cluster all", Spec{Principals: []string{u}, Operations: []string{"all"}, Cluster: true}, []Binding{b(cluster, ClusterName, u, kmsg.ACLOperationAll)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.spec.Bindings()
			if err != nil {
				t.Fatal(err)
			}
			SortBindings(c.want)
			if len(got) != len(c.want) {
				t.Fatalf("got %v\nwant %v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("row %d: got %v, want %v", i, got[i], c.want[i])
				}
			}
		})
	}
}

func TestBindingsCrossProduct(t *testing.T) {
	s := Spec{Principals: []string{"User:a", "User:b"}, Hosts: []string{"10.0.0.1", "::1"}, Operations: []string{"read", "write"}, Topics: []string{"t1", "t2"}, Permission: "deny", Pattern: "prefixed"}
	got, err := s.Bindings()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 16 {
		t.Fatalf("%d bindings, want 16", len(got))
	}
	for _, g := range got {
		if g.Permission != kmsg.ACLPermissionTypeDeny || g.Pattern != kmsg.ACLResourcePatternTypePrefixed {
			t.Fatalf("bad binding %v", g)
		}
	}
}

func TestBindingsErrors(t *testing.T) {
	cases := []struct {
		name string
		spec Spec
		want string
	}{
		{"no principal", Spec{Topics: []string{"t"}, Operations: []string{"read"}}, "--principal User:NAME"},
		{"principal without type", Spec{Principals: []string{"alice"}, Topics: []string{"t"}, Operations: []string{"read"}}, `principal "alice" must be TYPE:NAME`},
		{"principal empty name", Spec{Principals: []string{"User:"}, Topics: []string{"t"}, Operations: []string{"read"}}, "must be TYPE:NAME"},
		{"host name", Spec{Principals: []string{"User:a"}, Hosts: []string{"kafka.local"}, Topics: []string{"t"}, Operations: []string{"read"}}, "not an IP address"},
		{"unknown op", Spec{Principals: []string{"User:a"}, Topics: []string{"t"}, Operations: []string{"fly"}}, `unknown operation "fly"`},
		{"op not for type", Spec{Principals: []string{"User:a"}, Groups: []string{"g"}, Operations: []string{"write"}}, "operation write does not apply to a group: use all, alter-configs, delete, describe, describe-configs, read"},
		{"no resource", Spec{Principals: []string{"User:a"}, Operations: []string{"read"}}, "name a resource"},
		{"no operation", Spec{Principals: []string{"User:a"}, Topics: []string{"t"}}, "name the operations"},
		{"bad pattern", Spec{Principals: []string{"User:a"}, Topics: []string{"t"}, Operations: []string{"read"}, Pattern: "match"}, "cannot be created"},
		{"bad permission", Spec{Principals: []string{"User:a"}, Topics: []string{"t"}, Operations: []string{"read"}, Permission: "maybe"}, "use allow or deny"},
		{"empty topic", Spec{Principals: []string{"User:a"}, Topics: []string{""}, Operations: []string{"read"}}, "--topic needs a name"},
		{"prefixed cluster", Spec{Principals: []string{"User:a"}, Cluster: true, Operations: []string{"alter"}, Pattern: "prefixed"}, "--cluster ACLs are literal"},
		{"consumer no group", Spec{Principals: []string{"User:a"}, Consumer: true, Topics: []string{"t"}}, "--consumer needs --group"},
		{"producer no topic", Spec{Principals: []string{"User:a"}, Producer: true}, "need --topic"},
		{"producer with op", Spec{Principals: []string{"User:a"}, Producer: true, Topics: []string{"t"}, Operations: []string{"read"}}, "drop --operation"},
		{"producer deny", Spec{Principals: []string{"User:a"}, Producer: true, Topics: []string{"t"}, Permission: "deny"}, "only allow"},
		{"idempotent alone", Spec{Principals: []string{"User:a"}, Idempotent: true, Topics: []string{"t"}, Operations: []string{"read"}}, "--idempotent goes with --producer"},
		{"consumer transactional", Spec{Principals: []string{"User:a"}, Consumer: true, Topics: []string{"t"}, Groups: []string{"g"}, TransactionalIDs: []string{"x"}}, "--transactional-id goes with --producer"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.spec.Bindings()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want it to contain %q", err, c.want)
			}
		})
	}
}

func TestFilters(t *testing.T) {
	all, err := Spec{}.Filters(kmsg.ACLResourcePatternTypeLiteral)
	if err != nil || len(all) != 1 {
		t.Fatal(all, err)
	}
	f := all[0]
	if f.Type != kmsg.ACLResourceTypeAny || f.Name != nil || f.Pattern != kmsg.ACLResourcePatternTypeAny || f.Principal != nil || f.Host != nil || f.Operation != kmsg.ACLOperationAny || f.Permission != kmsg.ACLPermissionTypeAny {
		t.Fatalf("the no-flag filter should match everything: %+v", f)
	}
	fs, err := Spec{Topics: []string{"a", "b"}, Principals: []string{"User:x"}, Operations: []string{"read", "any"}, Pattern: "match", Permission: "deny"}.Filters(kmsg.ACLResourcePatternTypeLiteral)
	if err != nil || len(fs) != 4 {
		t.Fatal(fs, err)
	}
	if *fs[0].Name != "a" || *fs[0].Principal != "User:x" || fs[0].Pattern != kmsg.ACLResourcePatternTypeMatch || fs[0].Operation != kmsg.ACLOperationRead || fs[1].Operation != kmsg.ACLOperationAny || fs[0].Permission != kmsg.ACLPermissionTypeDeny {
		t.Fatalf("%+v", fs[0])
	}
	lit, _ := Spec{Topics: []string{"a"}}.Filters(kmsg.ACLResourcePatternTypeLiteral)
	if lit[0].Pattern != kmsg.ACLResourcePatternTypeLiteral {
		t.Fatal("a named resource takes the verb's default pattern")
	}
	conv, err := Spec{Principals: []string{"User:x"}, Consumer: true, Topics: []string{"t"}, Groups: []string{"g"}}.Filters(kmsg.ACLResourcePatternTypeAny)
	if err != nil || len(conv) != 3 || conv[0].Principal == nil || conv[0].Pattern != kmsg.ACLResourcePatternTypeLiteral {
		t.Fatal("conveniences select their exact ACLs", conv, err)
	}
	if _, err := (Spec{Principals: []string{"nope"}}).Filters(kmsg.ACLResourcePatternTypeAny); err == nil {
		t.Fatal("a bad principal is an error in filters too")
	}
}

func TestParseNames(t *testing.T) {
	for in, want := range map[string]kmsg.ACLOperation{"read": kmsg.ACLOperationRead, "IdempotentWrite": kmsg.ACLOperationIdempotentWrite, "IDEMPOTENT_WRITE": kmsg.ACLOperationIdempotentWrite, "two-phase-commit": opTwoPhaseCommit, " All ": kmsg.ACLOperationAll} {
		if got, err := ParseOperation(in, false); err != nil || got != want {
			t.Errorf("ParseOperation(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseOperation("any", false); err == nil {
		t.Error("any is only for filters")
	}
	for _, op := range operations {
		if OperationName(op.op) != op.name || JavaOperation(op.op) != op.java {
			t.Errorf("names of %d", op.op)
		}
	}
}

// FuzzSpec: whatever the flag values, Bindings and Filters return an error or valid ACLs
// (principal TYPE:NAME, host * or an IP, an operation the resource type supports) and never
// panic.
func FuzzSpec(f *testing.F) {
	f.Add("User:a", "*", "read", "t", "g", "literal", "allow", uint8(0))
	f.Add("User:*", "10.0.0.1", "IdempotentWrite", "*", "", "prefixed", "deny", uint8(1))
	f.Add("alice", "host", "fly", "", "g", "match", "any", uint8(7))
	f.Fuzz(func(t *testing.T, principal, host, op, topic, group, pattern, perm string, flags uint8) {
		s := Spec{Principals: []string{principal}, Hosts: []string{host}, Operations: []string{op}, Pattern: pattern, Permission: perm,
			Producer: flags&1 != 0, Consumer: flags&2 != 0, Idempotent: flags&4 != 0, Cluster: flags&8 != 0}
		if topic != "" || flags&16 != 0 {
			s.Topics = []string{topic}
		}
		if group != "" {
			s.Groups = []string{group}
		}
		if bs, err := s.Bindings(); err == nil {
			for _, x := range bs {
				if CheckPrincipal(x.Principal) != nil || CheckHost(x.Host) != nil || !Supports(x.Type, x.Operation) || x.Name == "" {
					t.Fatalf("invalid binding accepted: %+v", x)
				}
				if x.Pattern != kmsg.ACLResourcePatternTypeLiteral && x.Pattern != kmsg.ACLResourcePatternTypePrefixed {
					t.Fatalf("create with pattern %v", x.Pattern)
				}
			}
		}
		if fs, err := s.Filters(kmsg.ACLResourcePatternTypeLiteral); err == nil && len(fs) == 0 {
			t.Fatal("no filters and no error")
		}
	})
}
