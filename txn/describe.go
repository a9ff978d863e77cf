package txn

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

type describeOptions struct {
	common
	IDs []string
}

func newCmdDescribe(f *cmdutil.Factory, runF func(context.Context, *describeOptions) error) *cobra.Command {
	opts := &describeOptions{common: newCommon(f)}
	var of cmdutil.OutputFlags
	cmd := &cobra.Command{
		Use:   "describe TRANSACTIONAL-ID...",
		Short: "Show a transactional id: coordinator, state, producer id and epoch, timeout, open partitions",
		Long: `Describe transactional ids as their coordinators know them: COORDINATOR, STATE, PRODUCER-ID,
EPOCH, OPEN-FOR (since the current transaction started) and PARTITIONS (in the open
transaction, or still waiting for their markers while it commits or aborts); -o wide adds the
timeout and the start time. An id no coordinator knows is an error (exit 1).`,
		Example: `  kafkit txn describe orders-writer-0
  kafkit txn describe orders-writer-0 orders-writer-1 -o json`,
		Args:              cmdutil.Args(cobra.MinimumNArgs(1)),
		ValidArgsFunction: completeIDs(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IDs = args
			p, err := of.Printer()
			if err != nil {
				return err
			}
			opts.Printer = p
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return describeRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddOutputFlags(cmd, &of)
	return cmd
}

func describeRun(ctx context.Context, opts *describeOptions) error {
	ctx, cancel, adm, err := opts.begin(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	described, err := adm.DescribeTransactions(ctx, opts.IDs...)
	if err != nil && len(described) == 0 {
		return fmt.Errorf("cannot describe %q: %v", opts.IDs, errText(err))
	}
	rows := listView(nil, described, opts.IDs, opts.Now())
	return printTransactions(opts.IO, opts.Printer, rows)
}

// listView turns described transactions into rows, in the order of ids; listed (may be nil)
// fills in what a failed describe lacks.
func listView(listed kadm.ListedTransactions, described kadm.DescribedTransactions, ids []string, now time.Time) []Transaction {
	rows := []Transaction{}
	for _, id := range ids {
		r := Transaction{TransactionalID: id, StartTimestamp: -1, Coordinator: -1, ProducerID: -1, ProducerEpoch: -1, Partitions: []string{}}
		if l, ok := listed[id]; ok {
			r.Coordinator, r.ProducerID, r.State = l.Coordinator, l.ProducerID, l.State
		}
		d, ok := described[id]
		switch {
		case !ok:
			r.Error = "no answer from its coordinator"
		case errors.Is(d.Err, kerr.TransactionalIDNotFound):
			r.Error = "no coordinator knows this transactional id (kafkit txn list shows the known ones)"
		case d.Err != nil:
			r.Error = errText(d.Err)
		default:
			fillDescribed(&r, d, now)
		}
		rows = append(rows, r)
	}
	return rows
}

func fillDescribed(r *Transaction, d kadm.DescribedTransaction, now time.Time) {
	r.Coordinator, r.ProducerID, r.ProducerEpoch, r.State, r.TimeoutMs = d.Coordinator, d.ProducerID, d.ProducerEpoch, d.State, d.TimeoutMillis
	r.StartTimestamp = d.StartTimestamp
	if d.StartTimestamp >= 0 {
		ms := max(0, now.UnixMilli()-d.StartTimestamp)
		r.OpenMs = &ms
	}
	for _, t := range d.Topics.Sorted() {
		ps := append([]int32(nil), t.Partitions...)
		sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
		for _, p := range ps {
			r.Partitions = append(r.Partitions, fmt.Sprintf("%s-%d", t.Topic, p))
		}
	}
}
