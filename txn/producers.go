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

type producersOptions struct {
	common
	Topics []topicArg
	Broker int32 // -1: the leaders
}

// ProducerRow is one row of `txn producers`: a producer of a partition and, when it has an
// open transaction, the transactional id its coordinator knows it by.
type ProducerRow struct {
	txnstate.Producer
	TransactionalID string `json:"transactional_id,omitempty"`
}

// PartitionError is a partition that could not be described.
type PartitionError struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Error     string `json:"error"`
}

func newCmdProducers(f *cmdutil.Factory, runF func(context.Context, *producersOptions) error) *cobra.Command {
	opts := &producersOptions{common: newCommon(f), Broker: -1}
	var of cmdutil.OutputFlags
	var broker int
	cmd := &cobra.Command{
		Use:   "producers TOPIC[:P[,P...]]... [--broker N]",
		Short: "Show the active producers of partitions (DescribeProducers) and their open transactions",
		Long: `Show the producers a partition's leader (or, with --broker, a replica) keeps state for:
PRODUCER-ID, EPOCH, LAST-SEQUENCE, LAST-TIMESTAMP, COORDINATOR-EPOCH and TXN-START-OFFSET (the
first offset of the producer's open transaction, "-" when none is open). For producers with an
open transaction, TRANSACTIONAL-ID is the id their coordinator knows them by ("-": none does).`,
		Example: `  kafkit txn producers orders
  kafkit txn producers orders:0,3 --broker 2 -o json`,
		Args:              cmdutil.Args(cobra.MinimumNArgs(1)),
		ValidArgsFunction: cmdutil.CompleteTopics(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, a := range args {
				ta, err := parseTopicArg(a)
				if err != nil {
					return cmdutil.UsageErrorf("%v", err)
				}
				opts.Topics = append(opts.Topics, ta)
			}
			if cmd.Flags().Changed("broker") {
				if broker < 0 {
					return cmdutil.UsageErrorf("--broker %d: give a broker id (kafkit cluster describe lists them)", broker)
				}
				opts.Broker = int32(broker)
			}
			p, err := of.Printer()
			if err != nil {
				return err
			}
			opts.Printer = p
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return producersRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().IntVar(&broker, "broker", -1, "ask this broker (a replica) instead of the partition leaders")
	cmdutil.AddOutputFlags(cmd, &of)
	return cmd
}

func producersRun(ctx context.Context, opts *producersOptions) error {
	ctx, cancel, adm, err := opts.begin(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	if err := checkBroker(ctx, adm, opts.Broker); err != nil {
		return err
	}
	parts, err := partitionsOf(ctx, adm, opts.Topics)
	if err != nil {
		return err
	}
	producers, errs, err := txnstate.DescribeProducers(ctx, adm, parts, opts.Broker)
	if err != nil {
		return fmt.Errorf("cannot describe the producers: %v", errText(err))
	}
	var open []int64
	for _, p := range producers {
		if p.Open() {
			open = append(open, p.ProducerID)
		}
	}
	ids, err := txnstate.TransactionalIDs(ctx, adm, open)
	if err != nil {
		fmt.Fprintf(opts.IO.ErrOut, "warning: transactional ids not looked up: %v\n", errText(err))
	}
	rows := producersView(producers, ids)
	failed := partitionErrors(parts, errs)
	if err := opts.Printer.Print(opts.IO.Out, rows, func(t *output.Text) error { return writeProducers(t, rows) }); err != nil {
		return err
	}
	for _, f := range failed {
		fmt.Fprintf(opts.IO.ErrOut, "error: %s/%d: %s\n", text.Safe(f.Topic), f.Partition, f.Error)
	}
	if len(failed) > 0 {
		return cmdutil.SilentError
	}
	return nil
}

func producersView(producers []txnstate.Producer, ids map[int64]string) []ProducerRow {
	rows := []ProducerRow{}
	for _, p := range producers {
		r := ProducerRow{Producer: p}
		if p.Open() {
			r.TransactionalID = ids[p.ProducerID]
		}
		rows = append(rows, r)
	}
	return rows
}

func partitionErrors(parts []txnstate.TP, errs map[txnstate.TP]error) []PartitionError {
	var out []PartitionError
	for _, p := range parts {
		if err := errs[p]; err != nil {
			out = append(out, PartitionError{Topic: p.Topic, Partition: p.Partition, Error: errText(err)})
		}
	}
	return out
}

func writeProducers(t *output.Text, rows []ProducerRow) error {
	headers := []string{"TOPIC", "PARTITION", "PRODUCER-ID", "EPOCH", "LAST-SEQUENCE", "LAST-TIMESTAMP", "COORDINATOR-EPOCH", "TXN-START-OFFSET", "TRANSACTIONAL-ID"}
	var table [][]string
	for _, r := range rows {
		start, id := "-", "-"
		if r.Open() {
			start = itoa(r.StartOffset)
			id = output.Dash(r.TransactionalID)
		}
		table = append(table, []string{r.Topic, itoa(r.Partition), itoa(r.ProducerID), itoa(r.ProducerEpoch), itoa(r.LastSequence),
			stamp(r.LastTimestamp), itoa(r.CoordinatorEpoch), start, id})
	}
	return t.Table(headers, table)
}
