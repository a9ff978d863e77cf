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
		Short: "Inspect consumer groups and their lag, reset and delete offsets",
		Long: `Consumer groups: list them, describe their members and offsets, measure their lag in
records and in time (with thresholds for scripts and a live --watch), move their committed
offsets (seek) and delete groups or offsets. Classic and KIP-848 ("consumer") groups alike.`,
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
