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
		Long: `Manage topics: what kafka-topics.sh, kafka-configs.sh (for topics), kafka-get-offsets.sh and
kafka-delete-records.sh do, plus declarative provisioning from a YAML file (apply / export).`,
		Example: `  kafkit topic list
  kafkit topic create orders -p 6 -r 3 -c retention.ms=604800000
  kafkit topic describe orders
  kafkit topic apply -f topics.yaml --dry-run`,
	}
	cmdutil.GroupCommand(cmd)
	cmd.AddCommand(
		newCmdList(f, nil),
		newCmdDescribe(f, nil),
		newCmdCreate(f, nil),
		newCmdAlter(f, nil),
		newCmdDelete(f, nil),
		newCmdOffsets(f, nil),
		newCmdTrim(f, nil),
		newCmdApply(f, nil),
		newCmdExport(f, nil),
	)
	return cmd
}
