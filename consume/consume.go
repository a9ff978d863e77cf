// Package consume implements `kafkit consume`.
package consume

import (
	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// NewCmdConsume returns the `consume` command.
func NewCmdConsume(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:    "consume TOPIC...",
		Short:  "Consume records to stdout",
		Hidden: true, // not implemented yet
		Args:   cmdutil.Args(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmdutil.UsageErrorf("kafkit consume is not implemented yet")
		},
	}
	return cmd
}
