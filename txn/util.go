package txn

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/txnstate"
)

// common is what every verb needs from the factory.
type common struct {
	IO      *cmdutil.IOStreams
	Admin   func() (*cmdutil.Admin, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer
	Now     func() time.Time
}

func newCommon(f *cmdutil.Factory) common {
	return common{IO: f.IO, Admin: f.Admin, Context: f.Context, Now: time.Now}
}

// begin starts a bounded command: its context and the admin client.
func (c *common) begin(ctx context.Context) (context.Context, context.CancelFunc, *cmdutil.Admin, error) {
	ctx, cancel, err := c.Context(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	adm, err := c.Admin()
	if err != nil {
		cancel()
		return nil, nil, nil, err
	}
	return ctx, cancel, adm, nil
}

// topicArg is a TOPIC or TOPIC:P[,P...] argument.
type topicArg struct {
	Topic      string
	Partitions []int32 // nil: every partition
}

// parseTopicArg parses TOPIC[:P[,P...]]; the last colon separates the partitions, so topic
// names (which cannot hold a colon) are never misread.
func parseTopicArg(s string) (topicArg, error) {
	name, parts, has := strings.Cut(s, ":")
	if name == "" {
		return topicArg{}, fmt.Errorf("%q: give a topic name, optionally with :PARTITION[,PARTITION...]", s)
	}
	a := topicArg{Topic: name}
	if !has {
		return a, nil
	}
	for _, p := range strings.Split(parts, ",") {
		n, err := strconv.ParseInt(strings.TrimSpace(p), 10, 32)
		if err != nil || n < 0 {
			return topicArg{}, fmt.Errorf("%q: partition %q is not a partition number", s, p)
		}
		a.Partitions = append(a.Partitions, int32(n))
	}
	return a, nil
}

// partitionsOf expands topic arguments to partitions, reading the partition counts of topics
// given without partitions; an unknown topic is an error.
func partitionsOf(ctx context.Context, adm *cmdutil.Admin, args []topicArg) ([]txnstate.TP, error) {
	var names []string
	for _, a := range args {
		names = append(names, a.Topic)
	}
	td, err := adm.ListTopics(ctx, names...)
	if err != nil {
		return nil, err
	}
	var out []txnstate.TP
	for _, a := range args {
		d, ok := td[a.Topic]
		if !ok || d.Err != nil {
			return nil, topicErr(a.Topic, d.Err)
		}
		if a.Partitions != nil {
			for _, p := range a.Partitions {
				if _, ok := d.Partitions[p]; !ok {
					return nil, fmt.Errorf("topic %q has no partition %d (it has %d)", a.Topic, p, len(d.Partitions))
				}
				out = append(out, txnstate.TP{Topic: a.Topic, Partition: p})
			}
			continue
		}
		for _, p := range d.Partitions.Numbers() {
			out = append(out, txnstate.TP{Topic: a.Topic, Partition: p})
		}
	}
	return out, nil
}

func topicErr(topic string, err error) error {
	if err == nil || errors.Is(err, kerr.UnknownTopicOrPartition) {
		return fmt.Errorf("topic %q does not exist (kafkit topic list shows the topics)", topic)
	}
	return fmt.Errorf("topic %q: %v", topic, errText(err))
}

// errText is a Kafka error for a person: the kerr name and description.
func errText(err error) string {
	var ke *kerr.Error
	if errors.As(err, &ke) {
		return ke.Message + ": " + ke.Description
	}
	return err.Error()
}

// age renders milliseconds since ts ("-" when ts is unknown).
func age(now time.Time, ts int64) string {
	if ts < 0 {
		return "-"
	}
	return txnstate.FormatAge(now.Sub(time.UnixMilli(ts)))
}

// stamp renders a unix-ms timestamp in UTC ("-" when unknown).
func stamp(ts int64) string {
	if ts < 0 {
		return "-"
	}
	return time.UnixMilli(ts).UTC().Format(time.RFC3339)
}

func itoa[T ~int16 | ~int32 | ~int64 | ~int](v T) string { return strconv.FormatInt(int64(v), 10) }

// checkBroker fails when --broker names a broker the cluster does not have, rather than
// searching nothing.
func checkBroker(ctx context.Context, adm *cmdutil.Admin, id int32) error {
	if id < 0 {
		return nil
	}
	md, err := adm.BrokerMetadata(ctx)
	if err != nil {
		return fmt.Errorf("cannot list the brokers: %v", errText(err))
	}
	var ids []string
	for _, b := range md.Brokers {
		if b.NodeID == id {
			return nil
		}
		ids = append(ids, itoa(b.NodeID))
	}
	return fmt.Errorf("--broker %d: the cluster has no broker %d (its brokers: %s)", id, id, strings.Join(ids, ", "))
}

// completeIDs completes transactional ids from the coordinators.
func completeIDs(f *cmdutil.Factory) cobra.CompletionFunc {
	return cmdutil.CompleteWith(f, func(ctx context.Context, adm *cmdutil.Admin) ([]string, error) {
		l, err := adm.ListTransactions(ctx, nil, nil)
		return l.TransactionalIDs(), err
	})
}
