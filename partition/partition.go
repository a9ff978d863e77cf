// Package partition implements `kafkit partition`: leaders and replicas of partitions.
package partition

import (
	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// NewCmdPartition returns the `partition` command with its verbs.
func NewCmdPartition(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "partition",
		Short: "Manage partitions: leader election",
	}
	cmdutil.GroupCommand(cmd)
	cmd.AddCommand(newCmdElect(f, nil))
	return cmd
}
