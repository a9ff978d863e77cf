package compat

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/acl"
	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/text"
)

func aclsScript() *Script {
	r := func(name, help string) Option { return Option{Name: name, Arg: RequiredArg, Repeat: true, Help: help} }
	opts := append(commonOptions(),
		Option{Name: "bootstrap-controller", Arg: RequiredArg, Unsupported: "kafkit manages ACLs through the brokers; use --bootstrap-server"},
		Option{Name: "list", Help: "list ACLs for the given resources (all without one)"},
		Option{Name: "add", Help: "add ACLs"},
		Option{Name: "remove", Help: "remove ACLs"},
		r("topic", "a topic ('*' for every topic; repeatable)"),
		Option{Name: "cluster", Help: "the cluster resource"},
		r("group", "a consumer group ('*' for every group; repeatable)"),
		r("transactional-id", "a transactional id (repeatable)"),
		r("delegation-token", "a delegation token (repeatable)"),
		r("user-principal", "a user principal as the resource (repeatable)"),
		Option{Name: "idempotent", Help: "with --producer: IdempotentWrite on the cluster"},
		Option{Name: "resource-pattern-type", Arg: RequiredArg, Help: "LITERAL (default), PREFIXED; ANY or MATCH to list or remove"},
		r("operation", "an operation (Read, Write, ...; default All; repeatable)"),
		r("allow-principal", "the principal to allow, TYPE:NAME (repeatable)"),
		r("deny-principal", "the principal to deny, TYPE:NAME (repeatable)"),
		Option{Name: "principal", Arg: OptionalArg, Repeat: true, Help: "--list: only this principal's ACLs (repeatable)"},
		r("allow-host", "host of --allow-principal (default *; repeatable)"),
		r("deny-host", "host of --deny-principal (default *; repeatable)"),
		Option{Name: "producer", Help: "the producer's ACLs: Write, Describe, Create on --topic (Write, Describe on --transactional-id)"},
		Option{Name: "consumer", Help: "the consumer's ACLs: Read, Describe on --topic, Read on --group"},
		Option{Name: "force", Help: "do not ask before removing"},
	)
	return &Script{
		Name:    "kafka-acls.sh",
		Summary: "This tool helps to manage acls on kafka.",
		Native:  "kafkit acl",
		Options: opts,
		Run:     aclsRun,
	}
}

func aclsRun(ctx context.Context, e *Env, p *Parsed) error {
	action, msg := checkACLsArgs(p)
	if msg != "" {
		return usageError(e, "kafka-acls.sh", msg)
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
	switch action {
	case "add":
		err = aclsAdd(ctx, e, adm, p)
	case "remove":
		err = aclsRemove(ctx, e, adm, p)
	default:
		err = aclsList(ctx, e, adm, p)
	}
	var u aclsUsage
	if errors.As(err, &u) {
		return usageError(e, "kafka-acls.sh", u.Error())
	}
	if err != nil {
		fmt.Fprintf(e.IO.Out, "Error while executing ACL command: %s\n", javaACLError(e.Explain(err)))
		return cmdutil.SilentError
	}
	return nil
}

// javaACLError words the errors Java users grep for as the Java tool's exception messages.
func javaACLError(err error) string {
	switch {
	case errors.Is(err, acl.ErrNoAuthorizer):
		return "org.apache.kafka.common.errors.SecurityDisabledException: No Authorizer is configured."
	case strings.Contains(err.Error(), "CLUSTER_AUTHORIZATION_FAILED"):
		return "org.apache.kafka.common.errors.ClusterAuthorizationException: Cluster authorization failed."
	}
	return err.Error()
}

// checkACLsArgs is AclCommandOptions.checkArgs: the action, or the message Java prints.
func checkACLsArgs(p *Parsed) (string, string) {
	var actions []string
	for _, a := range []string{"list", "add", "remove"} {
		if p.Has(a) {
			actions = append(actions, a)
		}
	}
	if len(actions) != 1 {
		return "", "Command must include exactly one action: --list, --add, --remove. "
	}
	invalid := func(with string, opts ...string) string {
		if !p.Has(with) {
			return ""
		}
		for _, o := range opts {
			if p.Has(o) {
				return fmt.Sprintf(`Option "[%s]" can't be used with option "[%s]"`, with, o)
			}
		}
		return ""
	}
	for _, m := range []string{
		invalid("list", "producer", "consumer", "allow-host", "allow-principal", "deny-host", "deny-principal"),
		invalid("producer", "operation", "deny-principal", "deny-host"),
		invalid("consumer", "operation", "deny-principal", "deny-host"),
	} {
		if m != "" {
			return "", m
		}
	}
	switch {
	case p.Has("principal") && !p.Has("list"):
		return "", "The --principal option is only available if --list is set"
	case p.Has("producer") && !p.Has("topic"):
		return "", "With --producer you must specify a --topic"
	case p.Has("idempotent") && !p.Has("producer"):
		return "", "The --idempotent option is only available if --producer is set"
	case p.Has("consumer") && (!p.Has("topic") || !p.Has("group") || (!p.Has("producer") && (p.Has("cluster") || p.Has("transactional-id")))):
		return "", "With --consumer you must specify a --topic and a --group and no --cluster or --transactional-id option should be specified."
	}
	return actions[0], ""
}

// aclsList is listAcls: the ACLs of the resources (all without one), per resource, or per
// --principal.
func aclsList(ctx context.Context, e *Env, r kmsg.Requestor, p *Parsed) error {
	pattern, err := javaPatternType(p)
	if err != nil {
		return err
	}
	var filters []acl.Filter
	for _, res := range javaResources(p, pattern) {
		name := res.name
		filters = append(filters, acl.Filter{Type: res.t, Name: &name, Pattern: res.pattern, Operation: kmsg.ACLOperationAny, Permission: kmsg.ACLPermissionTypeAny})
	}
	if len(filters) == 0 {
		filters = []acl.Filter{{Type: kmsg.ACLResourceTypeAny, Pattern: kmsg.ACLResourcePatternTypeAny, Operation: kmsg.ACLOperationAny, Permission: kmsg.ACLPermissionTypeAny}}
	}
	principals, err := javaListPrincipals(p)
	if err != nil {
		return err
	}
	bs, err := acl.Describe(ctx, r, filters)
	if err != nil {
		return err
	}
	if len(principals) == 0 {
		printCurrent(e, bs)
		return nil
	}
	for _, pr := range principals {
		fmt.Fprintf(e.IO.Out, "ACLs for principal `%s`\n", pr)
		var mine []acl.Binding
		for _, b := range bs {
			if b.Principal == pr {
				mine = append(mine, b)
			}
		}
		printCurrent(e, mine)
	}
	return nil
}

func javaListPrincipals(p *Parsed) ([]string, error) {
	ps, err := javaPrincipals(p, "principal")
	if err != nil {
		return nil, err
	}
	return text.Unique(ps), nil
}

// printCurrent prints bindings grouped per resource as printResourceAcls does.
func printCurrent(e *Env, bs []acl.Binding) {
	for _, g := range groupBindings(bs) {
		fmt.Fprintf(e.IO.Out, "Current ACLs for resource `%s`:\n%s\n\n", g.res, joinEntries(g.entries, "\t"))
	}
}

func joinEntries(es []javaEntry, prefix string) string {
	lines := make([]string, len(es))
	for i, en := range es {
		lines[i] = prefix + en.String()
	}
	return strings.Join(lines, "\n")
}

func groupBindings(bs []acl.Binding) []resourceEntries {
	by := map[javaResource][]javaEntry{}
	for _, b := range bs {
		r := javaResource{b.Type, b.Name, b.Pattern}
		by[r] = append(by[r], javaEntry{b.Principal, b.Host, b.Operation, b.Permission})
	}
	return sortedResourceEntries(by, false, nil)
}

// aclsAdd is addAcls of Kafka 4.1: per resource, the entries are listed and created (an ACL
// that exists already is listed again: Kafka keeps one copy). kafkit sends one CreateACLs
// request for all resources.
func aclsAdd(ctx context.Context, e *Env, r kmsg.Requestor, p *Parsed) error {
	pattern, err := javaPatternType(p)
	if err != nil {
		return err
	}
	if pattern != kmsg.ACLResourcePatternTypeLiteral && pattern != kmsg.ACLResourcePatternTypePrefixed {
		return aclsUsage(fmt.Sprintf("A '--resource-pattern-type' value of '%s' is not valid when adding acls.", acl.JavaPattern(pattern)))
	}
	rs, err := javaResourceACLs(p, pattern)
	if err != nil {
		return err
	}
	for _, x := range rs {
		if len(x.entries) == 0 {
			return aclsUsage("You must specify one of: --allow-principal, --deny-principal when trying to add ACLs.")
		}
	}
	var create []acl.Binding
	for _, x := range rs {
		fmt.Fprintf(e.IO.Out, "Adding ACLs for resource `%s`: \n %s\n\n", x.res, joinEntries(x.entries, "\t"))
		for _, en := range x.entries {
			create = append(create, en.binding(x.res))
		}
	}
	return createAll(ctx, r, create)
}

func createAll(ctx context.Context, r kmsg.Requestor, bs []acl.Binding) error {
	if len(bs) == 0 {
		return nil
	}
	errs, err := acl.Create(ctx, r, bs)
	if err != nil {
		return err
	}
	return errors.Join(errs...)
}

// aclsRemove is removeAcls: a question per resource filter (unless --force), then one
// DeleteACLs request with every confirmed filter.
func aclsRemove(ctx context.Context, e *Env, r kmsg.Requestor, p *Parsed) error {
	pattern, err := javaPatternType(p)
	if err != nil {
		return err
	}
	rs, err := javaResourceACLs(p, pattern)
	if err != nil {
		return err
	}
	answers := bufio.NewReader(e.IO.In)
	var filters []acl.Filter
	for _, x := range rs {
		ok, err := confirmRemove(e, answers, p.Has("force"), x)
		if err != nil {
			return err
		}
		if ok {
			filters = append(filters, removeFilters(x)...)
		}
	}
	if len(filters) == 0 {
		return nil
	}
	res, err := acl.Delete(ctx, r, filters)
	if err != nil {
		return err
	}
	for _, d := range res {
		if err := errors.Join(append([]error{d.Err}, d.Errs...)...); err != nil {
			return err
		}
	}
	return nil
}

// confirmRemove asks Java's question on stdout and reads the answer from stdin ("y" in any
// case). Java reads the console and fails without one; kafkit reads stdin, so
// `echo y | kafka-acls.sh --remove ...` works, and fails the same way when stdin has no answer.
func confirmRemove(e *Env, answers *bufio.Reader, force bool, x resourceEntries) (bool, error) {
	if force {
		return true, nil
	}
	if len(x.entries) == 0 {
		fmt.Fprintf(e.IO.Out, "Are you sure you want to delete all ACLs for resource filter `%s`? (y/n)\n", x.res)
	} else {
		fmt.Fprintf(e.IO.Out, "Are you sure you want to remove ACLs: \n %s\n from resource filter `%s`? (y/n)\n", joinEntries(x.entries, "\t"), x.res)
	}
	line, err := answers.ReadString('\n')
	if err != nil && line == "" {
		return false, errors.New("no answer on stdin (kafka-acls.sh asks on the console): pass --force to remove without asking")
	}
	return strings.EqualFold(strings.TrimRight(line, "\r\n"), "y"), nil
}

// removeFilters: the resource filter with any entry, or one filter per entry.
func removeFilters(x resourceEntries) []acl.Filter {
	name := x.res.name
	base := acl.Filter{Type: x.res.t, Name: &name, Pattern: x.res.pattern, Operation: kmsg.ACLOperationAny, Permission: kmsg.ACLPermissionTypeAny}
	if len(x.entries) == 0 {
		return []acl.Filter{base}
	}
	out := make([]acl.Filter, 0, len(x.entries))
	for _, en := range x.entries {
		f := base
		pr, h := en.principal, en.host
		f.Principal, f.Host, f.Operation, f.Permission = &pr, &h, en.op, en.perm
		out = append(out, f)
	}
	return out
}
