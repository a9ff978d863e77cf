package txn

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/text"
	"github.com/kafkit/kafkit/internal/txnstate"
)

type abortOptions struct {
	common
	Topic            string
	Partition        int32
	StartOffset      *int64
	ProducerID       *int64
	ProducerEpoch    *int16
	CoordinatorEpoch *int32
	Execute          bool
}

// Abort is the abort of one transaction on one partition: what was (or would be) written.
type Abort struct {
	Topic            string `json:"topic"`
	Partition        int32  `json:"partition"`
	ProducerID       int64  `json:"producer_id"`
	ProducerEpoch    int16  `json:"producer_epoch"`
	CoordinatorEpoch int32  `json:"coordinator_epoch"`
	StartOffset      *int64 `json:"start_offset"`
	TransactionalID  string `json:"transactional_id,omitempty"`
	Result           string `json:"result"` // would_abort, aborted, failed
	Error            string `json:"error,omitempty"`
}

const abortLong = `Abort a hanging transaction on one partition: write the abort marker to the partition's
leader (WriteTxnMarkers, as kafka-transactions.sh abort does), which ends the transaction
there, so that read_committed consumers move past it. It needs ALTER on the cluster.

Name the transaction by --start-offset (the TXN-START-OFFSET of "kafkit txn producers" or the
START-OFFSET of "kafkit txn find-hanging"): kafkit finds its producer id, epoch and coordinator
epoch. Or give --producer-id (kafkit looks up the epochs when --producer-epoch and
--coordinator-epoch are not given; brokers before 3.0 need both).

Without --execute this is a dry run: it shows what would be written and changes nothing.
Aborting a transaction its coordinator still tracks ends it on this partition only; the
coordinator aborts it everywhere at its timeout ("kafkit txn force-terminate" does that now).`

func newCmdAbort(f *cmdutil.Factory, runF func(context.Context, *abortOptions) error) *cobra.Command {
	opts := &abortOptions{common: newCommon(f)}
	var of cmdutil.OutputFlags
	var fl abortFlags
	cmd := &cobra.Command{
		Use:   "abort --topic T --partition P (--start-offset O | --producer-id ID) [--execute]",
		Short: "Abort a hanging transaction on a partition (a dry run unless --execute)",
		Long:  abortLong,
		Example: `  kafkit txn abort --topic orders --partition 3 --start-offset 120455
  kafkit txn abort --topic orders --partition 3 --start-offset 120455 --execute
  kafkit txn abort --topic orders --partition 3 --producer-id 4012 --execute`,
		Args: cmdutil.Args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := fl.apply(opts, cmd.Flags().Changed); err != nil {
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
			return abortRun(cmd.Context(), opts)
		},
	}
	fl.register(cmd)
	_ = cmd.RegisterFlagCompletionFunc("topic", cmdutil.CompleteTopics(f))
	cmdutil.AddOutputFlags(cmd, &of)
	return cmd
}

// abortFlags are the raw flag values; apply checks them into options.
type abortFlags struct {
	topic            string
	partition        int32
	startOffset, pid int64
	epoch            int16
	coordEpoch       int32
	execute, dryRun  bool
}

func (fl *abortFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVarP(&fl.topic, "topic", "t", "", "the topic (required)")
	f.Int32VarP(&fl.partition, "partition", "p", -1, "the partition (required)")
	f.Int64Var(&fl.startOffset, "start-offset", -1, "the first offset of the transaction to abort")
	f.Int64Var(&fl.pid, "producer-id", -1, "the producer id of the transaction to abort")
	f.Int16Var(&fl.epoch, "producer-epoch", -1, "its producer epoch (looked up when not given)")
	f.Int32Var(&fl.coordEpoch, "coordinator-epoch", -1, "its coordinator epoch (looked up when not given)")
	f.BoolVar(&fl.execute, "execute", false, "write the abort marker (without it nothing changes)")
	f.BoolVar(&fl.dryRun, "dry-run", false, "show what would be written, change nothing (the default)")
}

func (fl *abortFlags) apply(o *abortOptions, changed func(string) bool) error {
	switch {
	case fl.topic == "" || !changed("partition"):
		return cmdutil.UsageErrorf("abort needs --topic and --partition")
	case fl.partition < 0:
		return cmdutil.UsageErrorf("--partition %d: give a partition number", fl.partition)
	case changed("start-offset") == changed("producer-id"):
		return cmdutil.UsageErrorf("name the transaction with --start-offset or with --producer-id (one of them)")
	case !changed("producer-id") && (changed("producer-epoch") || changed("coordinator-epoch")):
		return cmdutil.UsageErrorf("--producer-epoch and --coordinator-epoch go with --producer-id")
	case fl.execute && fl.dryRun:
		return cmdutil.UsageErrorf("--dry-run and --execute contradict each other")
	case changed("start-offset") && fl.startOffset < 0:
		return cmdutil.UsageErrorf("--start-offset %d: give an offset (0 or more)", fl.startOffset)
	}
	o.Topic, o.Partition, o.Execute = fl.topic, fl.partition, fl.execute
	if changed("start-offset") {
		o.StartOffset = &fl.startOffset
	}
	if changed("producer-id") {
		o.ProducerID = &fl.pid
	}
	if changed("producer-epoch") {
		o.ProducerEpoch = &fl.epoch
	}
	if changed("coordinator-epoch") {
		o.CoordinatorEpoch = &fl.coordEpoch
	}
	return nil
}

func abortRun(ctx context.Context, opts *abortOptions) error {
	ctx, cancel, adm, err := opts.begin(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	a, err := planAbort(ctx, adm, opts)
	if err != nil {
		return err
	}
	if opts.Execute {
		executeAbort(ctx, adm, &a)
	}
	if err := opts.Printer.Print(opts.IO.Out, a, func(t *output.Text) error { return writeAbort(t, a) }); err != nil {
		return err
	}
	switch {
	case a.Error != "":
		return fmt.Errorf("abort on %s/%d failed: %s", text.Safe(a.Topic), a.Partition, text.Safe(a.Error))
	case !opts.Execute:
		fmt.Fprintln(opts.IO.ErrOut, "(dry run) nothing was written: add --execute to write the abort marker")
	}
	return nil
}

// planAbort finds the producer, epochs and transactional id of the transaction to abort.
func planAbort(ctx context.Context, adm *cmdutil.Admin, o *abortOptions) (Abort, error) {
	a := Abort{Topic: o.Topic, Partition: o.Partition, StartOffset: o.StartOffset, Result: "would_abort"}
	need := o.StartOffset != nil || o.ProducerEpoch == nil || o.CoordinatorEpoch == nil
	if o.ProducerID != nil {
		a.ProducerID = *o.ProducerID
	}
	if need {
		tp := txnstate.TP{Topic: o.Topic, Partition: o.Partition}
		producers, errs, err := txnstate.DescribeProducers(ctx, adm, []txnstate.TP{tp}, -1)
		if err == nil {
			err = errs[tp]
		}
		if err != nil {
			return a, describeProducersErr(tp, err)
		}
		p, err := pickProducer(producers, o)
		if err != nil {
			return a, err
		}
		a.ProducerID, a.ProducerEpoch, a.CoordinatorEpoch, a.StartOffset = p.ProducerID, p.ProducerEpoch, p.CoordinatorEpoch, &p.StartOffset
	}
	if o.ProducerEpoch != nil {
		a.ProducerEpoch = *o.ProducerEpoch
	}
	if o.CoordinatorEpoch != nil {
		a.CoordinatorEpoch = *o.CoordinatorEpoch
	}
	// A producer whose transaction hung before its first marker has coordinator epoch -1; 0 is
	// at most any real epoch, as the Java tool reasons.
	a.CoordinatorEpoch = max(a.CoordinatorEpoch, 0)
	if ids, err := txnstate.TransactionalIDs(ctx, adm, []int64{a.ProducerID}); err == nil {
		a.TransactionalID = ids[a.ProducerID]
	}
	return a, nil
}

func describeProducersErr(tp txnstate.TP, err error) error {
	if errors.Is(err, kerr.UnknownTopicOrPartition) {
		return fmt.Errorf("%s/%d does not exist (kafkit topic describe %s shows its partitions)", tp.Topic, tp.Partition, tp.Topic)
	}
	return fmt.Errorf("cannot describe the producers of %s/%d: %v", tp.Topic, tp.Partition, errText(err))
}

// pickProducer finds the open transaction the options name (pure).
func pickProducer(producers []txnstate.Producer, o *abortOptions) (txnstate.Producer, error) {
	var open []string
	for _, p := range producers {
		if !p.Open() {
			continue
		}
		if (o.StartOffset != nil && p.StartOffset == *o.StartOffset) || (o.ProducerID != nil && p.ProducerID == *o.ProducerID) {
			return p, nil
		}
		open = append(open, fmt.Sprintf("producer %d from offset %d", p.ProducerID, p.StartOffset))
	}
	what := ""
	if o.StartOffset != nil {
		what = fmt.Sprintf("starts at offset %d", *o.StartOffset)
	} else {
		what = fmt.Sprintf("of producer %d", *o.ProducerID)
	}
	if len(open) == 0 {
		return txnstate.Producer{}, fmt.Errorf("no open transaction %s on %s/%d: the partition has no open transaction", what, o.Topic, o.Partition)
	}
	return txnstate.Producer{}, fmt.Errorf("no open transaction %s on %s/%d; open there: %s", what, o.Topic, o.Partition, strings.Join(open, ", "))
}

// executeAbort writes the abort marker to the partition's leader.
func executeAbort(ctx context.Context, adm *cmdutil.Admin, a *Abort) {
	resp, err := adm.WriteTxnMarkers(ctx, kadm.TxnMarkers{ProducerID: a.ProducerID, ProducerEpoch: a.ProducerEpoch, Commit: false,
		CoordinatorEpoch: a.CoordinatorEpoch, Topics: kadm.TopicsSet{a.Topic: {a.Partition: {}}}})
	a.Result = "failed"
	if err != nil {
		a.Error = errText(err)
		return
	}
	found := false
	for _, p := range resp.SortedPartitions() {
		if p.Topic == a.Topic && p.Partition == a.Partition {
			found = true
			if p.Err != nil {
				a.Error = errText(p.Err)
				return
			}
		}
	}
	if !found {
		a.Error = "the leader did not answer for this partition"
		return
	}
	a.Result = "aborted"
}

func writeAbort(t *output.Text, a Abort) error {
	start := "-"
	if a.StartOffset != nil {
		start = itoa(*a.StartOffset)
	}
	return t.Table([]string{"TOPIC", "PARTITION", "PRODUCER-ID", "EPOCH", "COORDINATOR-EPOCH", "START-OFFSET", "TRANSACTIONAL-ID", "RESULT"},
		[][]string{{a.Topic, itoa(a.Partition), itoa(a.ProducerID), itoa(a.ProducerEpoch), itoa(a.CoordinatorEpoch), start, output.Dash(a.TransactionalID), a.Result}})
}
