// Package produce implements `kafkit produce`.
package produce

import (
	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// NewCmdProduce returns the `produce` command.
func NewCmdProduce(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:    "produce TOPIC",
		Short:  "Produce records from stdin or files",
		Hidden: true, // not implemented yet
		Args:   cmdutil.Args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmdutil.UsageErrorf("kafkit produce is not implemented yet")
		},
	}
	return cmd
}
