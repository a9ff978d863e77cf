package cluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// checkSource is how a check run reaches the cluster; tests replace the hooks.
type checkSource struct {
	Admin func() (*cmdutil.Admin, error)
	// Connect sends one Kafka request to addr alone with this client's protocol (TLS, SASL) and
	// explains a failure: the cause and what to do.
	Connect func(ctx context.Context, addr string) (cause, hint string, err error)
	// LookupHost resolves an advertised host name (net.DefaultResolver.LookupHost).
	LookupHost func(ctx context.Context, host string) ([]string, error)
	// NewClient builds the end-to-end probe's client.
	NewClient func(opts ...kgo.Opt) (*kgo.Client, error)
	Protocol  func() string // the security protocol this client speaks
	Now       func() time.Time
}

// needs says which fetches the selected checks need.
type needs struct{ registered, quorum, configs, dirs, listeners, probe bool }

func needsFor(want map[string]bool, lim checkLimits) needs {
	return needs{
		registered: want[checkBrokers],
		quorum:     want[checkBrokers] || want[checkQuorum],
		configs:    want[checkPartitions] || want[checkRF],
		dirs:       want[checkDisks],
		listeners:  want[checkListeners],
		probe:      want[checkProbe] && lim.ProbeTopic != "",
	}
}

// fetchSnapshot asks the cluster everything the selected checks need, all at once: the
// metadata (then the topics' min.insync.replicas and the listeners, which depend on it),
// DescribeCluster, DescribeQuorum, DescribeLogDirs and the probe in parallel. Failures are kept
// in the snapshot, per part; the evaluator turns them into "could not check" findings.
func fetchSnapshot(ctx context.Context, src *checkSource, adm *cmdutil.Admin, want map[string]bool, lim checkLimits, topics *regexp.Regexp) *snapshot {
	n := needsFor(want, lim)
	s := &snapshot{Protocol: src.Protocol()}
	var wg sync.WaitGroup
	goIf := func(cond bool, fn func()) {
		if cond {
			wg.Add(1)
			go func() { defer wg.Done(); fn() }()
		}
	}
	goIf(true, func() {
		fetchMetadata(ctx, adm, s, topics)
		if s.MetaErr != nil {
			return
		}
		var inner sync.WaitGroup
		inner.Add(3)
		go func() { defer inner.Done(); fetchMinISR(ctx, adm, s, n.configs) }()
		go func() { defer inner.Done(); fetchListeners(ctx, src, s, n.listeners) }()
		go func() { defer inner.Done(); fetchDirs(ctx, adm, s, n.dirs) }()
		inner.Wait()
	})
	goIf(n.registered, func() { s.Registered, s.RegErr = fetchRegistered(ctx, adm) })
	goIf(n.quorum, func() { s.Quorum, s.QuorumErr = fetchCheckQuorum(ctx, adm, src.Now()) })
	goIf(n.probe, func() { s.Probe = runProbe(ctx, src, lim.ProbeTopic) })
	wg.Wait()
	return s
}

func fetchMetadata(ctx context.Context, adm *cmdutil.Admin, s *snapshot, filter *regexp.Regexp) {
	meta, err := adm.Metadata(ctx)
	if err != nil {
		s.MetaErr = err
		return
	}
	for _, b := range meta.Brokers {
		s.Brokers = append(s.Brokers, snapBroker{ID: b.NodeID, Host: b.Host, Port: b.Port})
	}
	for _, t := range meta.Topics.Sorted() {
		internal := t.IsInternal || internalTopicNames[t.Topic]
		if !internal && filter != nil && !filter.MatchString(t.Topic) {
			continue
		}
		st := snapTopic{Name: t.Topic, Internal: internal}
		for _, p := range t.Partitions.Sorted() {
			st.Partitions = append(st.Partitions, snapPartition{ID: p.Partition, Leader: p.Leader, Replicas: p.Replicas, ISR: p.ISR,
				Offline: p.Leader < 0 || errors.Is(p.Err, kerr.LeaderNotAvailable)})
		}
		s.Topics = append(s.Topics, st)
	}
}

// fetchMinISR reads every topic's effective min.insync.replicas in one DescribeConfigs request.
func fetchMinISR(ctx context.Context, adm *cmdutil.Admin, s *snapshot, need bool) {
	if !need || len(s.Topics) == 0 {
		return
	}
	req := kmsg.NewPtrDescribeConfigsRequest()
	for _, t := range s.Topics {
		r := kmsg.NewDescribeConfigsRequestResource()
		r.ResourceType, r.ResourceName = kmsg.ConfigResourceTypeTopic, t.Name
		r.ConfigNames = []string{"min.insync.replicas"}
		req.Resources = append(req.Resources, r)
	}
	resp, err := req.RequestWith(ctx, adm)
	if err != nil {
		s.ConfigErr = err
		return
	}
	byName := map[string]int{}
	for _, r := range resp.Resources {
		if err := kerr.ErrorForCode(r.ErrorCode); err != nil {
			continue // the topic was deleted meanwhile: its min ISR stays unknown
		}
		for _, c := range r.Configs {
			if c.Name == "min.insync.replicas" && c.Value != nil {
				byName[r.ResourceName], _ = strconv.Atoi(*c.Value)
			}
		}
	}
	for i := range s.Topics {
		s.Topics[i].MinISR = byName[s.Topics[i].Name]
	}
}

// fetchRegistered lists the registered brokers, fenced ones included where the cluster can say
// (DescribeCluster v2, Kafka 4.0+).
func fetchRegistered(ctx context.Context, adm *cmdutil.Admin) ([]snapBroker, error) {
	req := kmsg.NewPtrDescribeClusterRequest()
	req.IncludeFencedBrokers = true
	resp, err := req.RequestWith(ctx, adm)
	if err != nil {
		return nil, err
	}
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
		return nil, err
	}
	out := []snapBroker{}
	for _, b := range resp.Brokers {
		out = append(out, snapBroker{ID: b.NodeID, Host: b.Host, Port: b.Port, Fenced: b.IsFenced})
	}
	return out, nil
}

func fetchCheckQuorum(ctx context.Context, adm *cmdutil.Admin, now time.Time) (*Quorum, error) {
	req := kmsg.NewPtrDescribeQuorumRequest()
	t := kmsg.NewDescribeQuorumRequestTopic()
	t.Topic = "__cluster_metadata"
	t.Partitions = []kmsg.DescribeQuorumRequestTopicPartition{kmsg.NewDescribeQuorumRequestTopicPartition()}
	req.Topics = append(req.Topics, t)
	resp, err := req.RequestWith(ctx, adm)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return quorumView(resp, err, now)
}

// fetchDirs describes every broker's log dirs, one request per broker in parallel, without
// their partitions (an empty, not null, topic list), so the answer stays small on a big cluster.
func fetchDirs(ctx context.Context, adm *cmdutil.Admin, s *snapshot, need bool) {
	if !need {
		return
	}
	per := make([][]snapDir, len(s.Brokers))
	errs := make([]error, len(s.Brokers))
	var wg sync.WaitGroup
	for i, b := range s.Brokers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			per[i], errs[i] = brokerDirs(ctx, adm, b.ID)
		}()
	}
	wg.Wait()
	s.DirErrs = map[int32]error{}
	for i, b := range s.Brokers {
		if errs[i] != nil {
			s.DirErrs[b.ID] = errs[i]
		}
		s.Dirs = append(s.Dirs, per[i]...)
	}
	sortDirs(s.Dirs)
}

func brokerDirs(ctx context.Context, adm *cmdutil.Admin, id int32) ([]snapDir, error) {
	req := kmsg.NewPtrDescribeLogDirsRequest()
	req.Topics = []kmsg.DescribeLogDirsRequestTopic{}
	kr, err := adm.Kgo().Broker(int(id)).Request(ctx, req)
	if err != nil {
		return nil, err
	}
	resp := kr.(*kmsg.DescribeLogDirsResponse)
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
		return nil, err
	}
	var dirs []snapDir
	for _, d := range resp.Dirs {
		dirs = append(dirs, snapDir{Broker: id, Dir: d.Dir, Err: kerr.ErrorForCode(d.ErrorCode), Total: d.TotalBytes, Usable: d.UsableBytes})
	}
	return dirs, nil
}

func sortDirs(d []snapDir) {
	for i := 1; i < len(d); i++ {
		for j := i; j > 0 && (d[j].Broker < d[j-1].Broker || d[j].Broker == d[j-1].Broker && d[j].Dir < d[j-1].Dir); j-- {
			d[j], d[j-1] = d[j-1], d[j]
		}
	}
}

// fetchListeners resolves and connects to every advertised address, in parallel.
func fetchListeners(ctx context.Context, src *checkSource, s *snapshot, need bool) {
	if !need {
		return
	}
	s.Listeners = make([]snapListener, len(s.Brokers))
	var wg sync.WaitGroup
	for i, b := range s.Brokers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := snapListener{Broker: b.ID, Addr: net.JoinHostPort(b.Host, strconv.Itoa(int(b.Port)))}
			if _, err := src.LookupHost(ctx, b.Host); err != nil {
				l.ResolveErr = err
			} else {
				l.Cause, l.Hint, l.ConnErr = src.Connect(ctx, l.Addr)
			}
			s.Listeners[i] = l
		}()
	}
	wg.Wait()
}

// runProbe writes one record with acks=all and reads it back from its partition and offset.
// Idempotence is off: one record needs no producer id, which saves a round trip.
func runProbe(ctx context.Context, src *checkSource, topic string) *snapProbe {
	p := &snapProbe{Topic: topic}
	cl, err := src.NewClient(kgo.RequiredAcks(kgo.AllISRAcks()), kgo.DisableIdempotentWrite(), kgo.ProducerLinger(0), kgo.FetchMaxWait(100*time.Millisecond), kgo.UnknownTopicRetries(2))
	if err != nil {
		p.Err = err
		return p
	}
	defer cl.Close()
	start := src.Now()
	r := &kgo.Record{Topic: topic, Key: []byte("kafkit-cluster-check"), Value: []byte("probe " + start.UTC().Format(time.RFC3339Nano))}
	if p.Err = cl.ProduceSync(ctx, r).FirstErr(); p.Err != nil {
		return p
	}
	p.Partition, p.Offset = r.Partition, r.Offset
	cl.AddConsumePartitions(map[string]map[int32]kgo.Offset{topic: {r.Partition: kgo.NewOffset().At(r.Offset)}})
	for {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			p.Err = fmt.Errorf("the record was written (partition %d, offset %d) but not read back: %w", r.Partition, r.Offset, ctx.Err())
			return p
		}
		for _, rec := range fs.Records() {
			if rec.Offset == r.Offset && string(rec.Value) == string(r.Value) {
				p.RoundTrip = src.Now().Sub(start)
				return p
			}
		}
	}
}
