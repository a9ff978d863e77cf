package txn

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/text"
	"github.com/kafkit/kafkit/internal/txnstate"
)

type terminateOptions struct {
	common
	ID      string
	Execute bool
}

// Terminated is the result of force-terminate.
type Terminated struct {
	TransactionalID string `json:"transactional_id"`
	State           string `json:"state"` // the coordinator's state before
	ProducerID      int64  `json:"producer_id"`
	ProducerEpoch   int16  `json:"producer_epoch"` // after the fence, when executed
	Result          string `json:"result"`         // would_terminate, terminated
}

func newCmdForceTerminate(f *cmdutil.Factory, runF func(context.Context, *terminateOptions) error) *cobra.Command {
	opts := &terminateOptions{common: newCommon(f)}
	var of cmdutil.OutputFlags
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "force-terminate TRANSACTIONAL-ID [--execute]",
		Short: "Abort a transactional id's open transaction now and fence its producer (a dry run unless --execute)",
		Long: `Fence a transactional id (InitProducerId, as kafka-transactions.sh forceTerminateTransaction
and the admin client's fenceProducers do): its coordinator bumps the producer epoch, aborts the
open transaction on every partition and the current producer gets PRODUCER_FENCED on its next
request. Use it for a transaction its coordinator still tracks (find-hanging does not list it)
that must not wait for its timeout. It needs WRITE on the transactional id.

Without --execute this is a dry run: it describes the id and changes nothing.`,
		Example: `  kafkit txn force-terminate orders-writer-0
  kafkit txn force-terminate orders-writer-0 --execute`,
		Args:              cmdutil.Args(cobra.ExactArgs(1)),
		ValidArgsFunction: completeIDs(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if dryRun && opts.Execute {
				return cmdutil.UsageErrorf("--dry-run and --execute contradict each other")
			}
			opts.ID = args[0]
			p, err := of.Printer()
			if err != nil {
				return err
			}
			opts.Printer = p
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return terminateRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Execute, "execute", false, "fence the id and abort its transaction (without it nothing changes)")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "show what would happen, change nothing (the default)")
	cmdutil.AddOutputFlags(cmd, &of)
	return cmd
}

func terminateRun(ctx context.Context, opts *terminateOptions) error {
	ctx, cancel, adm, err := opts.begin(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	described, err := adm.DescribeTransactions(ctx, opts.ID)
	if err != nil && len(described) == 0 {
		return fmt.Errorf("cannot describe %q: %v", opts.ID, errText(err))
	}
	d, err := described.On(opts.ID, nil)
	if err == nil {
		err = d.Err
	}
	if err != nil {
		return fmt.Errorf("transactional id %q: %v (kafkit txn list shows the known ids)", text.Safe(opts.ID), errText(err))
	}
	r := Terminated{TransactionalID: opts.ID, State: d.State, ProducerID: d.ProducerID, ProducerEpoch: d.ProducerEpoch, Result: "would_terminate"}
	if opts.Execute {
		if err := fence(ctx, adm, opts.ID, &r); err != nil {
			return err
		}
	}
	if err := opts.Printer.Print(opts.IO.Out, r, func(t *output.Text) error {
		return t.Table([]string{"TRANSACTIONAL-ID", "STATE", "PRODUCER-ID", "EPOCH", "RESULT"},
			[][]string{{r.TransactionalID, r.State, itoa(r.ProducerID), itoa(r.ProducerEpoch), r.Result}})
	}); err != nil {
		return err
	}
	if !opts.Execute {
		fmt.Fprintln(opts.IO.ErrOut, "(dry run) nothing was changed: add --execute to fence the id and abort its transaction")
	}
	return nil
}

// fence fences the id and records the new producer id and epoch.
func fence(ctx context.Context, adm *cmdutil.Admin, id string, r *Terminated) error {
	pid, epoch, err := txnstate.Fence(ctx, adm, id)
	if err != nil {
		return fmt.Errorf("cannot fence transactional id %q: %v", text.Safe(id), errText(err))
	}
	r.ProducerID, r.ProducerEpoch, r.Result = pid, epoch, "terminated"
	return nil
}
