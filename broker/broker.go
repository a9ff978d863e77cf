// Package broker implements `kafkit broker`: what each broker holds and its registration.
package broker

import (
	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// NewCmdBroker returns the `broker` command with its verbs.
func NewCmdBroker(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "broker",
		Short: "Inspect brokers: log directories, registrations",
	}
	cmdutil.GroupCommand(cmd)
	cmd.AddCommand(newCmdLogDirs(f, nil), newCmdUnregister(f, nil))
	return cmd
}
