package consume

import (
	"context"
	"errors"
	"fmt"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// consume --share-group G: read as a member of a share group (KIP-932) with franz-go's share
// consumer (ShareGroupHeartbeat, ShareFetch, ShareAcknowledge). The broker hands out records;
// kafkit acknowledges (ACCEPT) a record only once it was delivered (written to stdout and, on
// a pipe, taken by the reader); records fetched but not delivered (-n reached, the reader
// gone, an interrupt) are released for redelivery. Where the group starts is the group's
// share.auto.offset.reset config (latest by default), not -o.

// shareRun is consume's share-group mode.
func shareRun(ctx context.Context, opts *consumeOptions) error {
	if err := stdoutUsable(opts.IO.Out); err != nil {
		return err
	}
	topics, err := shareTopics(ctx, opts)
	if err != nil {
		return err
	}
	signal.Ignore(syscall.SIGPIPE) // as consumeRun: a closed pipe is EPIPE, a normal end
	s := &shareConsumer{opts: opts, out: newOutput(ctx, opts.IO.Out)}
	defer s.out.close()
	defer s.summary()
	rctx, rcancel, err := opts.StreamContext(ctx)
	if err != nil {
		return err
	}
	defer rcancel()
	rctx, cancelCause := context.WithCancelCause(rctx)
	defer cancelCause(nil)
	if s.out.gone != nil {
		go watchStdout(rctx, s.out.gone, cancelCause)
	}
	copts := []kgo.Opt{kgo.ShareGroup(opts.ShareGroup), kgo.ConsumeTopics(topics...), kgo.ShareAckCallback(s.onAck)}
	if opts.ReadCommitted {
		copts = append(copts, kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	}
	if s.cl, err = opts.NewClient(copts...); err != nil {
		return err
	}
	loopErr := s.loop(rctx)
	fctx, fcancel := context.WithTimeout(context.WithoutCancel(ctx), opts.Timeout())
	if err := s.cl.FlushAcks(fctx); err != nil && loopErr == nil {
		loopErr = fmt.Errorf("acknowledging the records written: %v (they will be delivered again)", err)
	}
	fcancel()
	s.cl.Close() // leaves the group; records still held are released
	return s.result(ctx, rctx, loopErr)
}

// shareTopics checks the broker speaks share groups, then resolves the topics (--regex)
// and checks they exist, within --timeout.
func shareTopics(ctx context.Context, opts *consumeOptions) ([]string, error) {
	sctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return nil, err
	}
	defer cancel()
	adm, err := opts.Admin()
	if err != nil {
		return nil, err
	}
	if err := shareSupported(sctx, adm); err != nil {
		return nil, err
	}
	topics, err := resolveTopics(sctx, adm, opts.Topics, opts.Regex)
	if err != nil {
		return nil, err
	}
	if _, err := topicPartitions(sctx, adm, topics, nil); err != nil {
		return nil, err
	}
	return topics, nil
}

// shareSupported asks one broker (ApiVersions) whether share groups are on: the
// ShareGroupHeartbeat API is offered and the share.version feature is finalized at 1 or more.
func shareSupported(ctx context.Context, adm *cmdutil.Admin) error {
	req := kmsg.NewPtrApiVersionsRequest()
	req.ClientSoftwareName, req.ClientSoftwareVersion = "kafkit", "1"
	kr, err := adm.Request(ctx, req)
	if err != nil {
		return fmt.Errorf("cannot ask the brokers which APIs they support: %v", err)
	}
	return shareSupportError(kr.(*kmsg.ApiVersionsResponse))
}

// shareSupportError explains why an ApiVersions answer rules share groups out, or is nil.
func shareSupportError(resp *kmsg.ApiVersionsResponse) error {
	hasAPI := false
	for _, k := range resp.ApiKeys {
		if k.ApiKey == kmsg.ShareGroupHeartbeat.Int16() {
			hasAPI = true
		}
	}
	if !hasAPI {
		return errors.New("the brokers do not support share groups (no ShareGroupHeartbeat API: Kafka 4.0+ is needed; 4.0 and 4.1 also need share.version=1, 4.2+ has it on by default)")
	}
	for _, f := range resp.FinalizedFeatures {
		if f.Name == "share.version" && f.MaxVersionLevel >= 1 {
			return nil
		}
	}
	return errors.New("share groups are off on this cluster (feature share.version is 0): enable them with `kafka-features.sh upgrade --feature share.version=1`")
}

// shareConsumer is the state of one share-group run.
type shareConsumer struct {
	opts  *consumeOptions
	cl    *kgo.Client
	out   *output
	count int64

	mu        sync.Mutex
	ackFailed int
	ackErr    error
}

// loop polls until a stop condition; after each poll the delivered records are accepted and
// the others released, before the next poll (which would accept them all).
func (s *shareConsumer) loop(ctx context.Context) error {
	opts := s.opts
	for {
		pctx, cancel := ctx, context.CancelFunc(func() {})
		if opts.IdleTimeout > 0 {
			pctx, cancel = context.WithTimeout(ctx, opts.IdleTimeout)
		}
		fetches := s.cl.PollFetches(pctx)
		idle := pctx.Err() != nil && ctx.Err() == nil
		cancel()
		if err := s.fetchErrors(fetches); err != nil {
			s.cl.MarkAcks(kgo.AckRelease)
			return err
		}
		stop := s.deliver(ctx, fetches)
		if stop || ctx.Err() != nil || (idle && fetches.NumRecords() == 0) {
			return nil
		}
	}
}

// deliver writes a poll's records, waits until the reader took them, accepts those delivered
// and releases the rest; it reports whether consuming should stop (-n, a write failed).
func (s *shareConsumer) deliver(ctx context.Context, fetches kgo.Fetches) bool {
	var written []*kgo.Record
	var ends []int64
	stop := false
	fetches.EachRecord(func(r *kgo.Record) {
		if stop {
			return
		}
		s.out.buf = s.opts.Format.appendRecord(s.out.buf, r)
		s.count++
		written, ends = append(written, r), append(ends, s.out.end())
		stop = s.opts.Num > 0 && s.count >= s.opts.Num
	})
	if s.out.flush() != nil {
		stop = true
	}
	s.untilDelivered(ctx, s.out.end())
	delivered := s.out.delivered()
	n := 0
	for n < len(written) && ends[n] <= delivered {
		n++
	}
	if n > 0 {
		s.cl.MarkAcks(kgo.AckAccept, written[:n]...)
	}
	s.cl.MarkAcks(kgo.AckRelease) // everything else of the poll: not delivered
	return stop
}

// untilDelivered waits until the reader of a pipe has taken everything up to pos, or has
// gone, or kafkit is interrupted. Not a pipe: delivered once written.
func (s *shareConsumer) untilDelivered(ctx context.Context, pos int64) {
	o := s.out
	if o.unread == nil || o.err != nil {
		return
	}
	for o.delivered() < pos {
		if o.gone != nil && o.gone() {
			return
		}
		select {
		case <-o.abort:
			return
		case <-ctx.Done():
			if o.delivered() >= pos {
				return
			}
			o.waitDrained() // bounded: a last chance for what is in the pipe
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// fetchErrors turns a poll's errors into a failure; cancellations are not errors.
func (s *shareConsumer) fetchErrors(fetches kgo.Fetches) error {
	for _, fe := range fetches.Errors() {
		switch {
		case errors.Is(fe.Err, context.Canceled), errors.Is(fe.Err, context.DeadlineExceeded), errors.Is(fe.Err, kgo.ErrClientClosed):
		case errors.Is(fe.Err, kerr.GroupAuthorizationFailed):
			return fmt.Errorf("not authorized to use share group %q (%v): ask for READ on the group", s.opts.ShareGroup, fe.Err)
		case errors.Is(fe.Err, kerr.TopicAuthorizationFailed), errors.Is(fe.Err, kerr.UnknownTopicOrPartition):
			return topicError(fe.Topic, fe.Err)
		case fe.Topic == "":
			return fmt.Errorf("consuming in share group %q: %v", s.opts.ShareGroup, fe.Err)
		default:
			return fmt.Errorf("reading %s/%d in share group %q: %v", fe.Topic, fe.Partition, s.opts.ShareGroup, fe.Err)
		}
	}
	return nil
}

// onAck counts acknowledgements the broker refused (the records will be delivered again).
func (s *shareConsumer) onAck(_ *kgo.Client, rs kgo.ShareAckResults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range rs {
		if r.Err != nil {
			s.ackFailed++
			s.ackErr = r.Err
		}
	}
}

// result is the run's error, as consume's: a failure, a write error, an interrupt, a fatal
// connection failure; refused acknowledgements are a warning.
func (s *shareConsumer) result(ctx, rctx context.Context, loopErr error) error {
	s.mu.Lock()
	if s.ackFailed > 0 {
		fmt.Fprintf(s.opts.IO.ErrOut, "warning: the broker refused %d acknowledgements (%v): those records will be delivered again\n", s.ackFailed, s.ackErr)
	}
	s.mu.Unlock()
	if loopErr != nil {
		return loopErr
	}
	if err := s.out.err; !quiet(err) {
		return fmt.Errorf("writing output: %v (records not written were released, not acknowledged)", err)
	}
	var intr cmdutil.Interrupted
	if cause := context.Cause(ctx); errors.As(cause, &intr) {
		return cause
	}
	if cause := context.Cause(rctx); rctx.Err() != nil && ctx.Err() == nil && !errors.Is(cause, errStdoutClosed) && !errors.Is(cause, context.Canceled) {
		return cause
	}
	return nil
}

// summary prints "Consumed N records" on a terminal or with -v.
func (s *shareConsumer) summary() {
	if s.opts.IO.ErrTTY || s.opts.Verbose() {
		noun := "records"
		if s.count == 1 {
			noun = "record"
		}
		fmt.Fprintf(s.opts.IO.ErrOut, "Consumed %d %s\n", s.count, noun)
	}
}

// validateShareGroup refuses what --share-group cannot do: the broker chooses partitions and
// positions, and a share group has no end per member.
func validateShareGroup(opts *consumeOptions, changed func(string) bool) error {
	if opts.ShareGroup == "" {
		return nil
	}
	conflicts := []struct{ flag, why string }{
		{"group", "a member joins one group: use -g or --share-group"},
		{"group-protocol", "a share group has its own protocol"},
		{"partitions", "the share group's coordinator assigns the partitions"},
		{"offset", "where a share group starts is its share.auto.offset.reset config (latest by default; set it to earliest with kafka-configs.sh --entity-type groups)"},
		{"from-beginning", "where a share group starts is its share.auto.offset.reset config (latest by default; set it to earliest with kafka-configs.sh --entity-type groups)"},
		{"until-end", "members of a share group have no end of their own: use -n or --idle-timeout"},
	}
	for _, c := range conflicts {
		if changed(c.flag) {
			return cmdutil.UsageErrorf("--%s cannot be used with --share-group: %s", c.flag, c.why)
		}
	}
	return nil
}
