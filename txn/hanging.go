package txn

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/offsetspec"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/text"
	"github.com/kafkit/kafkit/internal/txnstate"
)

type hangingOptions struct {
	common
	Topic       *topicArg
	Broker      int32 // -1: every broker (the leaders)
	MaxDuration time.Duration
}

// HangingRow is one hanging transaction: the producer's open transaction on a partition and
// why its coordinator will not end it.
type HangingRow struct {
	txnstate.Hanging
	OpenMs int64  `json:"open_ms"` // since the producer's last write
	Abort  string `json:"abort"`   // the command that ends it
}

const hangingLong = `Find hanging transactions: open on a partition for longer than --max-duration (since the
producer's last write to it) and never to be ended by their coordinator, because no
coordinator knows the producer id, the coordinator does not know its transactional id, or it
knows it without that partition. This is kafka-transactions.sh find-hanging's decision; a
transaction its coordinator still tracks is not hanging, however old: the coordinator aborts
it at its timeout.

The search covers every partition of every topic (internal ones included), the partitions of
--topic, or (--broker) the partitions with a replica on that broker, asked on that broker.

Exit status: 0 when nothing hangs, 3 when something does (each is printed with the "kafkit txn
abort" command that ends it), 1 when partitions could not be searched.`

func newCmdFindHanging(f *cmdutil.Factory, runF func(context.Context, *hangingOptions) error) *cobra.Command {
	opts := &hangingOptions{common: newCommon(f), Broker: -1}
	var of cmdutil.OutputFlags
	var broker int
	var topic, maxDur string
	cmd := &cobra.Command{
		Use:   "find-hanging [--topic T[:P,...]] [--broker N] [--max-duration 15m]",
		Short: "Find transactions no coordinator will end (exit 3 when there are some)",
		Long:  hangingLong,
		Example: `  kafkit txn find-hanging
  kafkit txn find-hanging --topic orders --max-duration 5m
  kafkit txn find-hanging --broker 2 -o json || echo "hanging transactions on broker 2"`,
		Args: cmdutil.Args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.parse(cmd.Flags().Changed("broker"), broker, topic, maxDur); err != nil {
				return err
			}
			p, err := of.Printer()
			if err != nil {
				return err
			}
			opts.Printer = p
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return hangingRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&topic, "topic", "t", "", "only this topic (TOPIC or TOPIC:P[,P...])")
	fl.IntVar(&broker, "broker", -1, "only partitions with a replica on this broker, asked on it")
	fl.StringVar(&maxDur, "max-duration", "15m", "open for longer than this `DURATION` since the last write (the producers' largest transaction.timeout.ms)")
	_ = cmd.RegisterFlagCompletionFunc("topic", cmdutil.CompleteTopics(f))
	cmdutil.AddOutputFlags(cmd, &of)
	return cmd
}

func (o *hangingOptions) parse(brokerSet bool, broker int, topic, maxDur string) error {
	if brokerSet {
		if broker < 0 {
			return cmdutil.UsageErrorf("--broker %d: give a broker id", broker)
		}
		o.Broker = int32(broker)
	}
	if topic != "" {
		ta, err := parseTopicArg(topic)
		if err != nil {
			return cmdutil.UsageErrorf("--topic %v", err)
		}
		o.Topic = &ta
	}
	d, err := offsetspec.ParseDuration(maxDur)
	if err != nil || d < 0 {
		return cmdutil.UsageErrorf("--max-duration %q: give a duration such as 30s, 5m or 15m", maxDur)
	}
	o.MaxDuration = d
	return nil
}

func hangingRun(ctx context.Context, opts *hangingOptions) error {
	ctx, cancel, adm, err := opts.begin(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	if err := checkBroker(ctx, adm, opts.Broker); err != nil {
		return err
	}
	parts, err := opts.partitions(ctx, adm)
	if err != nil {
		return err
	}
	producers, errs, err := txnstate.DescribeProducers(ctx, adm, parts, opts.Broker)
	if err != nil {
		return fmt.Errorf("cannot describe the producers of %s: %v", text.Count(len(parts), "partition"), errText(err))
	}
	now := opts.Now()
	cands := txnstate.Candidates(producers, now, opts.MaxDuration)
	res, err := txnstate.Resolve(ctx, adm, cands)
	if err != nil {
		return err
	}
	rows := hangingView(txnstate.FindHanging(cands, res.TxnIDs, res.Descs), now)
	if err := opts.Printer.Print(opts.IO.Out, rows, func(t *output.Text) error { return writeHanging(t, rows) }); err != nil {
		return err
	}
	return hangingResult(opts.IO, rows, partitionErrors(parts, errs))
}

// partitions are the partitions to search: --topic's, or every topic's; with --broker only
// those with a replica there (an explicit TOPIC:P is searched as given).
func (o *hangingOptions) partitions(ctx context.Context, adm *cmdutil.Admin) ([]txnstate.TP, error) {
	if o.Topic != nil && o.Topic.Partitions != nil {
		return partitionsOf(ctx, adm, []topicArg{*o.Topic})
	}
	var topics []string
	if o.Topic != nil {
		topics = []string{o.Topic.Topic}
	}
	parts, err := txnstate.SearchPartitions(ctx, adm, topics, o.Broker)
	var te *txnstate.TopicError
	if errors.As(err, &te) {
		return nil, topicErr(te.Topic, te.Err)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot list the partitions to search: %v", errText(err))
	}
	return parts, nil
}

func hangingView(hs []txnstate.Hanging, now time.Time) []HangingRow {
	rows := []HangingRow{}
	for _, h := range hs {
		rows = append(rows, HangingRow{Hanging: h, OpenMs: max(0, now.UnixMilli()-h.LastTimestamp),
			Abort: fmt.Sprintf("kafkit txn abort --topic %s --partition %d --start-offset %d --execute", h.Topic, h.Partition, h.StartOffset)})
	}
	return rows
}

// hangingResult reports the partitions that could not be searched (exit 1, over anything
// found) and what was found (exit 3).
func hangingResult(io *cmdutil.IOStreams, rows []HangingRow, failed []PartitionError) error {
	for _, f := range failed {
		fmt.Fprintf(io.ErrOut, "error: %s/%d not searched: %s\n", text.Safe(f.Topic), f.Partition, f.Error)
	}
	for _, r := range rows {
		fmt.Fprintf(io.ErrOut, "to abort: %s\n", text.Safe(r.Abort))
	}
	if len(failed) > 0 {
		return fmt.Errorf("%s could not be searched", text.Count(len(failed), "partition"))
	}
	if len(rows) > 0 {
		return cmdutil.CheckFailed(text.Count(len(rows), "hanging transaction") + " found")
	}
	return nil
}

func writeHanging(t *output.Text, rows []HangingRow) error {
	headers := []string{"TOPIC", "PARTITION", "PRODUCER-ID", "EPOCH", "COORDINATOR-EPOCH", "START-OFFSET", "LAST-TIMESTAMP", "OPEN-FOR", "TRANSACTIONAL-ID"}
	if t.Wide {
		headers = append(headers, "REASON")
	}
	var table [][]string
	for _, r := range rows {
		row := []string{r.Topic, itoa(r.Partition), itoa(r.ProducerID), itoa(r.ProducerEpoch), itoa(r.CoordinatorEpoch), itoa(r.StartOffset),
			stamp(r.LastTimestamp), txnstate.FormatAge(time.Duration(r.OpenMs) * time.Millisecond), output.Dash(r.TransactionalID)}
		if t.Wide {
			row = append(row, r.Reason)
		}
		table = append(table, row)
	}
	return t.Table(headers, table)
}
