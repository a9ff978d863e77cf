// Package partition implements `kafkit partition`: reassign (plan, execute, status, cancel)
// and elect, one file per verb.
package partition

import (
	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// NewCmdPartition returns the `partition` command with its verbs.
func NewCmdPartition(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "partition",
		Short: "Move partition replicas and manage partition leaders",
		Long:  `Work on partitions across brokers: what kafka-reassign-partitions.sh and kafka-leader-election.sh do.`,
		Example: `  kafkit partition reassign plan --drain 4 -o json > plan.json
  kafkit partition reassign execute -f plan.json --throttle 50MB --wait`,
	}
	cmdutil.GroupCommand(cmd)
	cmd.AddCommand(newCmdReassign(f), newCmdElect(f, nil))
	return cmd
}
