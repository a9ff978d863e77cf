// Package acl implements `kafkit acl`: list, create and delete Kafka ACLs (what kafka-acls.sh
// does). One file per verb; binding.go parses the flags into ACLs and filters, execute.go
// sends the requests.
package acl

import (
	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

const aclLong = `Manage ACLs: who (a principal such as User:alice) may do what (an operation such as read)
on which resource (a topic, group, transactional id, delegation token, user or the cluster),
from which host, allowed or denied. What kafka-acls.sh does, with -o json, --dry-run and
exit codes that tell success from failure.

Words: resource types topic, group, cluster, transactional-id, delegation-token, user;
pattern types literal, prefixed (and, to select ACLs, match and any); operations all, read,
write, create, delete, alter, describe, cluster-action, describe-configs, alter-configs,
idempotent-write, create-tokens, describe-tokens, two-phase-commit; permissions allow, deny.
Kafka's own spellings (Read, IDEMPOTENT_WRITE) are accepted too.

A cluster without an authorizer answers SECURITY_DISABLED; kafkit says so.`

// NewCmdACL returns the `acl` command with its verbs.
func NewCmdACL(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "acl",
		Aliases: []string{"acls"},
		Short:   "List, create and delete ACLs",
		Long:    aclLong,
		Example: `  kafkit acl list
  kafkit acl create --principal User:orders-app --producer --topic orders --idempotent
  kafkit acl create --principal User:orders-app --consumer --topic orders --group orders-app
  kafkit acl delete --principal User:orders-app --topic orders --dry-run`,
	}
	cmdutil.GroupCommand(cmd)
	cmd.AddCommand(
		newCmdList(f, nil),
		newCmdCreate(f, nil),
		newCmdDelete(f, nil),
	)
	return cmd
}
