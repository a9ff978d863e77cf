package txn

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/offsetspec"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/text"
	"github.com/kafkit/kafkit/internal/txnstate"
)

type listOptions struct {
	common
	States        []string // as Kafka spells them: Ongoing, Empty, ...
	DurationAbove time.Duration
	Pattern       *regexp.Regexp
}

// Transaction is one row of `txn list` and `txn describe`.
type Transaction struct {
	TransactionalID string   `json:"transactional_id"`
	Coordinator     int32    `json:"coordinator"`
	ProducerID      int64    `json:"producer_id"`
	ProducerEpoch   int16    `json:"producer_epoch"`
	State           string   `json:"state"`
	TimeoutMs       int32    `json:"timeout_ms"`
	StartTimestamp  int64    `json:"start_timestamp"` // -1 when no transaction is open
	OpenMs          *int64   `json:"open_ms"`
	Partitions      []string `json:"partitions"`
	Error           string   `json:"error,omitempty"`
}

// txnStates are the transaction states Kafka reports, as it spells them.
var txnStates = []string{"Empty", "Ongoing", "PrepareCommit", "PrepareAbort", "CompleteCommit", "CompleteAbort", "Dead", "PrepareEpochFence"}

const listLong = `List the transactional ids the coordinators know: TRANSACTIONAL-ID, COORDINATOR, PRODUCER-ID,
EPOCH, STATE, OPEN-FOR (how long the current transaction has been open) and PARTITIONS (the
partitions in the transaction). Every listed id is described (DescribeTransactions) for its
start time, timeout and partitions.

--state keeps the ids in these states (Ongoing, Empty, PrepareCommit, PrepareAbort,
CompleteCommit, CompleteAbort, Dead, PrepareEpochFence; any case). --duration-above 5m keeps
the transactions open for longer than 5 minutes. A REGEX keeps the ids whose whole name
matches it (sent to brokers 4.1+, which filter on their side).`

func newCmdList(f *cmdutil.Factory, runF func(context.Context, *listOptions) error) *cobra.Command {
	opts := &listOptions{common: newCommon(f)}
	var of cmdutil.OutputFlags
	var states []string
	var above string
	cmd := &cobra.Command{
		Use:     "list [REGEX] [--state S] [--duration-above D]",
		Aliases: []string{"ls"},
		Short:   "List transactional ids with their state and how long their transaction has been open",
		Long:    listLong,
		Example: `  kafkit txn list
  kafkit txn list --state ongoing --duration-above 5m
  kafkit txn list 'orders-.*' -o json | jq -r '.[] | select(.state == "Ongoing") | .transactional_id'`,
		Args: cmdutil.Args(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.parse(args, states, above); err != nil {
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
			return listRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringSliceVar(&states, "state", nil, "only transactions in these states (Ongoing, Empty, ...), comma separated")
	cmd.Flags().StringVar(&above, "duration-above", "", "only transactions open longer than `DURATION` (30s, 5m, 1h)")
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.Wide, output.JSON, output.YAML, output.Name)
	return cmd
}

func (o *listOptions) parse(args, states []string, above string) error {
	if len(args) == 1 {
		re, err := cmdutil.NameRegex(args[0])
		if err != nil {
			return cmdutil.UsageErrorf("transactional id pattern: %v", err)
		}
		o.Pattern = re
	}
	for _, v := range states {
		for _, s := range strings.Split(v, ",") {
			st, ok := canonicalState(strings.TrimSpace(s))
			if !ok {
				return cmdutil.UsageErrorf("--state %q: use %s", s, strings.Join(txnStates, ", "))
			}
			o.States = append(o.States, st)
		}
	}
	if above != "" {
		d, err := offsetspec.ParseDuration(above)
		if err != nil || d < 0 {
			return cmdutil.UsageErrorf("--duration-above %q: give a duration such as 30s, 5m or 1h", above)
		}
		o.DurationAbove = d
	}
	return nil
}

func canonicalState(s string) (string, bool) {
	for _, st := range txnStates {
		if strings.EqualFold(st, s) {
			return st, true
		}
	}
	return "", false
}

func listRun(ctx context.Context, opts *listOptions) error {
	ctx, cancel, adm, err := opts.begin(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	pattern := ""
	if opts.Pattern != nil {
		pattern = opts.Pattern.String()
	}
	listed, err := adm.ListTransactionsByTxPattern(ctx, nil, opts.States, pattern)
	if err != nil {
		return fmt.Errorf("cannot list transactions: %v", errText(err))
	}
	var ids []string
	for _, l := range listed.Sorted() {
		if opts.Pattern == nil || opts.Pattern.MatchString(l.TxnID) {
			ids = append(ids, l.TxnID)
		}
	}
	rows := []Transaction{}
	if len(ids) > 0 {
		described, derr := adm.DescribeTransactions(ctx, ids...)
		if derr != nil && len(described) == 0 {
			return fmt.Errorf("cannot describe %s: %v", text.Count(len(ids), "transaction"), errText(derr))
		}
		rows = listView(listed, described, ids, opts.Now())
	}
	rows = filterOpenFor(rows, opts.DurationAbove)
	return printTransactions(opts.IO, opts.Printer, rows)
}

// printTransactions prints the rows and names the ones that could not be described (exit 1).
func printTransactions(io *cmdutil.IOStreams, p output.Printer, rows []Transaction) error {
	if err := p.Print(io.Out, rows, func(t *output.Text) error { return writeTransactions(t, rows) }); err != nil {
		return err
	}
	failed := 0
	for _, r := range rows {
		if r.Error != "" {
			fmt.Fprintf(io.ErrOut, "error: transaction %q: %s\n", text.Safe(r.TransactionalID), text.Safe(r.Error))
			failed++
		}
	}
	if failed > 0 {
		return cmdutil.SilentError
	}
	return nil
}

func filterOpenFor(rows []Transaction, above time.Duration) []Transaction {
	if above <= 0 {
		return rows
	}
	out := []Transaction{}
	for _, r := range rows {
		if r.OpenMs != nil && *r.OpenMs > above.Milliseconds() {
			out = append(out, r)
		}
	}
	return out
}

func writeTransactions(t *output.Text, rows []Transaction) error {
	if t.Name {
		for _, r := range rows {
			if err := t.Linef("%s", text.Safe(r.TransactionalID)); err != nil {
				return err
			}
		}
		return nil
	}
	headers := []string{"TRANSACTIONAL-ID", "COORDINATOR", "PRODUCER-ID", "EPOCH", "STATE", "OPEN-FOR", "PARTITIONS"}
	if t.Wide {
		headers = append(headers, "TIMEOUT", "STARTED", "ERROR")
	}
	var table [][]string
	for _, r := range rows {
		open := "-"
		if r.OpenMs != nil {
			open = txnstate.FormatAge(time.Duration(*r.OpenMs) * time.Millisecond)
		}
		row := []string{r.TransactionalID, itoa(r.Coordinator), itoa(r.ProducerID), itoa(r.ProducerEpoch), r.State, open, output.Dash(strings.Join(r.Partitions, ","))}
		if t.Wide {
			row = append(row, (time.Duration(r.TimeoutMs) * time.Millisecond).String(), stamp(r.StartTimestamp), output.Dash(r.Error))
		}
		table = append(table, row)
	}
	return t.Table(headers, table)
}
