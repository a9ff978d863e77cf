// Package cluster implements `kafkit cluster`: what the cluster is made of and what it speaks.
package cluster

import (
	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// NewCmdCluster returns the `cluster` command with its verbs.
func NewCmdCluster(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cluster",
		Short: "Show the cluster: brokers, controller, metadata quorum, features, API versions",
	}
	cmdutil.GroupCommand(cmd)
	cmd.AddCommand(newCmdInfo(f, nil), newCmdAPIVersions(f, nil), newCmdQuorum(f, nil), newCmdFeatures(f, nil))
	cmd.AddCommand(newCmdCheck(f, nil))
	return cmd
}
