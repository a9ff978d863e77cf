// Package group implements `kafkit group`: list, describe, lag, seek, delete and
// delete-offsets. One file per verb.
package group

import (
	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// NewCmdGroup returns the `group` command with its verbs.
func NewCmdGroup(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "group",
		Short: "Inspect groups of every type and their lag, reset and delete offsets",
		Long: `Groups: list them, describe their members and offsets, measure their lag in records and
in time (with thresholds for scripts and a live --watch), move their offsets (seek) and delete
groups or offsets. Every Kafka 4.x group type, each through its own API: classic, KIP-848
"consumer", share (KIP-932: start offsets, lag = records not yet acknowledged) and streams
(KIP-1071: tasks and sub-topologies; delete --include-internal-topics).`,
	}
	cmdutil.GroupCommand(cmd)
	cmd.AddCommand(
		newCmdList(f, nil),
		newCmdDescribe(f, nil),
		newCmdLag(f, nil),
		newCmdSeek(f, nil),
		newCmdDelete(f, nil),
		newCmdDeleteOffsets(f, nil),
	)
	return cmd
}
