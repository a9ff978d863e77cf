// Package broker implements `kafkit broker`: the brokers, their configs and loggers.
package broker

import (
	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// NewCmdBroker returns the `broker` command with its verbs (one file per verb).
func NewCmdBroker(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "broker",
		Short: "List brokers, show and change their configs and loggers",
	}
	cmdutil.GroupCommand(cmd)
	cmd.AddCommand(newCmdList(f, nil))
	cmd.AddCommand(newCmdDescribe(f, nil))
	cmd.AddCommand(newCmdConfig(f, nil))
	return cmd
}
