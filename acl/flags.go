package acl

import (
	"context"
	"sort"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// verb says which flags a verb takes and what they mean there.
type verb int

const (
	verbList verb = iota
	verbCreate
	verbDelete
)

// addSpecFlags registers the selection flags shared by list, create and delete.
func addSpecFlags(f *cmdutil.Factory, cmd *cobra.Command, s *Spec, v verb) {
	fl := cmd.Flags()
	fl.StringArrayVar(&s.Topics, "topic", nil, "a topic name, or a prefix with --pattern prefixed ('*' for every topic; repeatable)")
	fl.StringArrayVar(&s.Groups, "group", nil, "a consumer group (repeatable)")
	fl.StringArrayVar(&s.TransactionalIDs, "transactional-id", nil, "a transactional id (repeatable)")
	fl.StringArrayVar(&s.DelegationTokens, "delegation-token", nil, "a delegation token id (repeatable)")
	fl.StringArrayVar(&s.UserPrincipals, "user-principal", nil, "a user principal as the resource, for create-tokens / describe-tokens (repeatable)")
	fl.BoolVar(&s.Cluster, "cluster", false, "the cluster resource (kafka-cluster)")
	fl.StringArrayVar(&s.Principals, "principal", nil, "the principal, TYPE:NAME such as User:alice, User:* for every user (repeatable)")
	fl.StringArrayVar(&s.Hosts, "host", nil, "the client IP address ('*' for any; repeatable)")
	fl.StringSliceVar(&s.Operations, "operation", nil, "operations, comma-separated or repeated: read, write, create, describe, all, ...")
	switch v {
	case verbCreate:
		fl.StringVar(&s.Pattern, "pattern", "", "pattern type of the resource names: literal (default) or prefixed")
		fl.StringVar(&s.Permission, "permission", "", "allow (default) or deny")
	case verbList:
		fl.StringVar(&s.Pattern, "pattern", "", "literal, prefixed, match (every ACL that applies to the name) or any (default: the exact name, any pattern)")
		fl.StringVar(&s.Permission, "permission", "", "allow, deny or any (default)")
	default:
		fl.StringVar(&s.Pattern, "pattern", "", "literal (default), prefixed, match or any")
		fl.StringVar(&s.Permission, "permission", "", "allow, deny or any (default)")
	}
	if v != verbList {
		fl.BoolVar(&s.Producer, "producer", false, "the producer's ACLs on --topic (write, describe, create) and --transactional-id (write, describe)")
		fl.BoolVar(&s.Consumer, "consumer", false, "the consumer's ACLs on --topic (read, describe) and --group (read)")
		fl.BoolVar(&s.Idempotent, "idempotent", false, "with --producer: also idempotent-write on the cluster")
	}
	_ = cmd.RegisterFlagCompletionFunc("principal", CompletePrincipals(f))
	_ = cmd.RegisterFlagCompletionFunc("topic", cmdutil.CompleteTopics(f))
	_ = cmd.RegisterFlagCompletionFunc("group", cmdutil.CompleteGroups(f))
	_ = cmd.RegisterFlagCompletionFunc("operation", fixed(OperationNames()...))
	_ = cmd.RegisterFlagCompletionFunc("pattern", fixed("literal", "prefixed", "match", "any"))
	_ = cmd.RegisterFlagCompletionFunc("permission", fixed("allow", "deny", "any"))
}

func fixed(words ...string) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return words, cobra.ShellCompDirectiveNoFileComp
	}
}

// CompletePrincipals completes principals: those in the cluster's ACLs and User:NAME for each
// SCRAM user.
func CompletePrincipals(f *cmdutil.Factory) cobra.CompletionFunc {
	return cmdutil.CompleteWith(f, func(ctx context.Context, adm *cmdutil.Admin) ([]string, error) {
		return Principals(ctx, adm)
	})
}

// Principals lists the principals named in ACLs and the SCRAM users (as User:NAME), sorted;
// either source may fail (no authorizer, not allowed) without hiding the other.
func Principals(ctx context.Context, adm *cmdutil.Admin) ([]string, error) {
	set := map[string]bool{}
	bs, aclErr := Describe(ctx, adm, []Filter{{Type: kmsg.ACLResourceTypeAny, Pattern: kmsg.ACLResourcePatternTypeAny, Operation: kmsg.ACLOperationAny, Permission: kmsg.ACLPermissionTypeAny}})
	for _, b := range bs {
		set[b.Principal] = true
	}
	users, userErr := adm.DescribeUserSCRAMs(ctx)
	for u := range users {
		set["User:"+u] = true
	}
	if aclErr != nil && userErr != nil {
		return nil, aclErr
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out, nil
}
