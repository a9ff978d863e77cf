// Package broker implements `kafkit broker`: the brokers, their configs and loggers, what each
// broker holds on disk and its registration.
package broker

import (
	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// NewCmdBroker returns the `broker` command with its verbs (one file per verb).
func NewCmdBroker(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "broker",
		Short: "Brokers: list, configs and loggers, log directories, registrations",
	}
	cmdutil.GroupCommand(cmd)
	cmd.AddCommand(newCmdList(f, nil))
	cmd.AddCommand(newCmdDescribe(f, nil))
	cmd.AddCommand(newCmdConfig(f, nil))
	cmd.AddCommand(newCmdLogDirs(f, nil), newCmdUnregister(f, nil))
	return cmd
}
