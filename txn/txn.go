// Package txn implements `kafkit txn`: list, describe, producers, find-hanging, abort and
// force-terminate. One file per verb; the shared reads and the hanging decision live in
// internal/txnstate.
package txn

import (
	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// NewCmdTxn returns the `txn` command with its verbs.
func NewCmdTxn(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "txn",
		Aliases: []string{"transaction", "transactions"},
		Short:   "Inspect transactions and producers, find and abort hanging transactions",
		Long:    txnLong,
	}
	cmdutil.GroupCommand(cmd)
	cmd.AddCommand(
		newCmdList(f, nil),
		newCmdDescribe(f, nil),
		newCmdProducers(f, nil),
		newCmdFindHanging(f, nil),
		newCmdAbort(f, nil),
		newCmdForceTerminate(f, nil),
	)
	return cmd
}

const txnLong = `Transactions and the producers that write them: list the transactional ids the coordinators
know, describe one, show the producers of a partition, and find and end hanging transactions.

A transaction hangs when a partition holds its records open (an open transaction, as the
partition leader reports it) but no coordinator will ever write the marker that ends it: the
coordinator does not know the producer, or knows it without that partition. Every read_committed
consumer of the partition then stops at its last stable offset, and lag tools show ordinary lag.
"kafkit txn find-hanging" finds them (exit 3 when it does) and "kafkit txn abort" ends one;
"kafkit group lag" and "kafkit consume --isolation read_committed" say when an open transaction
holds a partition.`
