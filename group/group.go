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
	}
	cmdutil.GroupCommand(cmd)
	return cmd
}
