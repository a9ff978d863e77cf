// Package quota implements `kafkit quota`: client quotas for users, client ids, user+client
// pairs and IPs, and their defaults (DescribeClientQuotas / AlterClientQuotas).
package quota

import (
	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// NewCmdQuota returns the `quota` command with its verbs.
func NewCmdQuota(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "quota",
		Short: "List, set and delete client quotas (users, client ids, IPs and their defaults)",
		Long:  quotaLong,
	}
	cmdutil.GroupCommand(cmd)
	cmd.AddCommand(newCmdList(f, nil), newCmdSet(f, nil), newCmdDelete(f, nil))
	return cmd
}

const quotaLong = `List, set and delete client quotas, as kafka-configs.sh --entity-type users|clients|ips does.

An entity is named with flags: --user U or --user-default, --client C or --client-default (alone
or together for a user+client pair), --ip I or --ip-default. --user and --client repeat: set and
delete act on every user x client combination in one batched AlterClientQuotas request.

Quotas (numbers; rates are per broker):
  producer_byte_rate         bytes/s a user or client may produce
  consumer_byte_rate         bytes/s a user or client may fetch
  request_percentage         % of a request handler / network thread's time
  controller_mutation_rate   partition mutations/s (create/delete topics, add partitions)
  connection_creation_rate   new connections/s (IP entities only)`
