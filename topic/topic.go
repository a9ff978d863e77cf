// Package topic implements `kafkit topic`: list, describe, create, alter, delete, offsets, trim,
// apply and export. One file per verb.
package topic

import (
	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// NewCmdTopic returns the `topic` command with its verbs.
func NewCmdTopic(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "topic",
		Short: "List, describe, create, alter, delete and provision topics",
	}
	cmdutil.GroupCommand(cmd)
	return cmd
}
