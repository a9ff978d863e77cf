package group

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// The batched collection behind list, describe and lag. Whatever the number of groups, it sends
// one ListGroups per broker, one DescribeGroups and one ConsumerGroupDescribe per coordinator,
// one OffsetFetch per coordinator (all groups in one request, KIP-709) and, for the start and
// end offsets of every topic involved, one Metadata and one ListOffsets per partition leader.
// Per-group round trips are what make kafka-consumer-groups --all-groups slow.

// collectOptions says what to collect.
type collectOptions struct {
	Names   []string // groups named by the user; ignored with All
	All     bool
	Offsets bool            // also commits and start/end offsets
	Topics  map[string]bool // with Offsets: only these topics (nil: all)
}

// groupInfo is one group as collected.
type groupInfo struct {
	Name            string
	Type            string // classic, consumer, share, streams ("classic" when the broker does not say)
	ProtocolType    string // classic groups: "consumer", "connect", ...
	State           string
	Assignor        string
	Coordinator     int32
	CoordinatorAddr string
	Members         []memberInfo
	Err             error // the group could not be described
	Commits         kadm.OffsetResponses
	CommitErr       error
}

// memberInfo is one member and its current assignment.
type memberInfo struct {
	MemberID   string             `json:"consumer_id"`
	InstanceID string             `json:"instance_id,omitempty"`
	ClientID   string             `json:"client_id"`
	Host       string             `json:"host"`
	Assigned   map[string][]int32 `json:"assignment"`
}

// snapshot is one collection: the groups, sorted by name, and the offsets of their topics.
type snapshot struct {
	At         time.Time
	Groups     []*groupInfo
	NotFound   []string
	Start, End kadm.ListedOffsets
	OffsetErrs map[tp]error
	TopicErrs  map[string]error
	Warnings   []string
}

// assignedMap is who consumes each partition of g.
func (g *groupInfo) assignedMap() map[tp]assignment {
	m := map[tp]assignment{}
	for _, mem := range g.Members {
		for t, ps := range mem.Assigned {
			for _, p := range ps {
				m[tp{t, p}] = assignment{MemberID: mem.MemberID, ClientID: mem.ClientID, Host: mem.Host}
			}
		}
	}
	return m
}

// lagInput assembles the pure lag computation's input for g from a snapshot.
func (s *snapshot) lagInput(g *groupInfo, topics map[string]bool) lagInput {
	return lagInput{Commits: g.Commits, Assigned: g.assignedMap(), Start: s.Start, End: s.End,
		OffsetErrs: s.OffsetErrs, TopicErrs: s.TopicErrs, Topics: topics}
}

// collect gathers groups (and with Offsets their offsets) in a constant number of round trips.
// Named groups that do not exist are listed in NotFound; partial failures (a broker down) are
// kept per item or as warnings; only a failure that leaves nothing to show is returned.
func collect(ctx context.Context, cl *kgo.Client, o collectOptions) (*snapshot, error) {
	adm := kadm.NewClient(cl)
	snap := &snapshot{At: time.Now(), OffsetErrs: map[tp]error{}, TopicErrs: map[string]error{}}
	listed, err := adm.ListGroups(ctx)
	listComplete := err == nil
	if err != nil {
		var se *kadm.ShardErrors
		if !errors.As(err, &se) || se.AllFailed {
			return nil, fmt.Errorf("cannot list groups: %w", err)
		}
		for _, e := range se.Errs {
			snap.Warnings = append(snap.Warnings, fmt.Sprintf("broker %d did not list its groups (%s): groups it coordinates may be missing", e.Broker.NodeID, errText(e.Err)))
		}
	}
	byName := map[string]*groupInfo{}
	var names []string
	if o.All {
		names = listed.Groups()
	} else {
		seen := map[string]bool{}
		for _, n := range o.Names {
			if !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	var classic, consumer, unlisted []string
	for _, n := range names {
		l, ok := listed[n]
		if !ok {
			if listComplete {
				snap.NotFound = append(snap.NotFound, n)
			} else {
				unlisted = append(unlisted, n)
			}
			continue
		}
		g := &groupInfo{Name: n, Type: l.GroupType, ProtocolType: l.ProtocolType, State: l.State, Coordinator: l.Coordinator}
		if g.Type == "" {
			g.Type = "classic"
		}
		byName[n] = g
		switch g.Type {
		case "classic":
			classic = append(classic, n)
		case "consumer":
			consumer = append(consumer, n)
		}
	}

	var wg sync.WaitGroup
	var dc kadm.DescribedGroups
	var dcc kadm.DescribedConsumerGroups
	var dcErr, dccErr error
	if len(classic)+len(unlisted) > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dc, dcErr = adm.DescribeGroups(ctx, append(append([]string{}, classic...), unlisted...)...)
		}()
	}
	if len(consumer)+len(unlisted) > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dcc, dccErr = adm.DescribeConsumerGroups(ctx, append(append([]string{}, consumer...), unlisted...)...)
		}()
	}
	wg.Wait()
	describeErr := func(which string, err error, group string) error {
		if err == nil {
			return nil
		}
		var se *kadm.ShardErrors
		if errors.As(err, &se) {
			for _, e := range se.Errs {
				if req, ok := e.Req.(*kmsg.DescribeGroupsRequest); ok && contains(req.Groups, group) {
					return e.Err
				}
				if req, ok := e.Req.(*kmsg.ConsumerGroupDescribeRequest); ok && contains(req.Groups, group) {
					return e.Err
				}
			}
			return nil
		}
		return fmt.Errorf("%s: %w", which, err)
	}
	// A group the broker forgot between ListGroups and the describe, or never knew.
	exists := func(state string, err error) bool {
		return err == nil && state != "Dead" && state != ""
	}
	for _, n := range unlisted {
		if d, ok := dc[n]; ok && exists(d.State, d.Err) {
			byName[n] = &groupInfo{Name: n, Type: "classic"}
		} else if d, ok := dcc[n]; ok && exists(d.State, d.Err) {
			byName[n] = &groupInfo{Name: n, Type: "consumer"}
		} else {
			snap.NotFound = append(snap.NotFound, n)
		}
	}
	for n, g := range byName {
		switch g.Type {
		case "classic":
			d, ok := dc[n]
			if !ok {
				g.Err = describeErr("DescribeGroups", dcErr, n)
				if g.Err == nil {
					g.Err = errors.New("the coordinator did not describe the group")
				}
				continue
			}
			if d.Err != nil || d.State == "Dead" {
				g.Err = describedErr(d.Err, d.ErrMessage)
				continue
			}
			g.State, g.ProtocolType, g.Assignor = d.State, d.ProtocolType, d.Protocol
			g.Coordinator, g.CoordinatorAddr = d.Coordinator.NodeID, fmt.Sprintf("%s:%d", d.Coordinator.Host, d.Coordinator.Port)
			for _, m := range d.Members {
				mi := memberInfo{MemberID: m.MemberID, ClientID: m.ClientID, Host: m.ClientHost, Assigned: map[string][]int32{}}
				if m.InstanceID != nil {
					mi.InstanceID = *m.InstanceID
				}
				if a, ok := m.Assigned.AsConsumer(); ok {
					for _, t := range a.Topics {
						mi.Assigned[t.Topic] = sortedPartitions(append(mi.Assigned[t.Topic], t.Partitions...))
					}
				}
				g.Members = append(g.Members, mi)
			}
		case "consumer":
			d, ok := dcc[n]
			if !ok {
				g.Err = describeErr("ConsumerGroupDescribe", dccErr, n)
				if g.Err == nil {
					g.Err = errors.New("the coordinator did not describe the group")
				}
				continue
			}
			if d.Err != nil || d.State == "Dead" {
				g.Err = describedErr(d.Err, "")
				continue
			}
			g.State, g.Assignor, g.ProtocolType = d.State, d.AssignorName, "consumer"
			g.Coordinator, g.CoordinatorAddr = d.Coordinator.NodeID, fmt.Sprintf("%s:%d", d.Coordinator.Host, d.Coordinator.Port)
			for _, m := range d.Members {
				mi := memberInfo{MemberID: m.MemberID, ClientID: m.ClientID, Host: m.ClientHost, Assigned: map[string][]int32{}}
				if m.InstanceID != nil {
					mi.InstanceID = *m.InstanceID
				}
				for t, ps := range m.Assignment {
					if t == "" {
						continue // Kafka always names the topic; kfake sends only its ID
					}
					for p := range ps {
						mi.Assigned[t] = append(mi.Assigned[t], p)
					}
					mi.Assigned[t] = sortedPartitions(mi.Assigned[t])
				}
				g.Members = append(g.Members, mi)
			}
		}
	}
	named := map[string]bool{}
	for _, n := range o.Names {
		named[n] = true
	}
	for n, g := range byName {
		// Deleted between ListGroups and the describe: gone, like a group never listed.
		if errors.Is(g.Err, errGone) {
			if !o.All && named[n] {
				snap.NotFound = append(snap.NotFound, n)
			}
			continue
		}
		snap.Groups = append(snap.Groups, g)
	}
	sort.Slice(snap.Groups, func(i, j int) bool { return snap.Groups[i].Name < snap.Groups[j].Name })
	sort.Strings(snap.NotFound)
	if !o.Offsets || len(snap.Groups) == 0 {
		return snap, nil
	}

	var gnames []string
	for _, g := range snap.Groups {
		if hasOffsets(g) {
			gnames = append(gnames, g.Name)
		}
	}
	fetched := adm.FetchManyOffsets(ctx, gnames...)
	topicSet := map[string]bool{}
	for _, g := range snap.Groups {
		if !hasOffsets(g) {
			continue
		}
		f, ok := fetched[g.Name]
		switch {
		case !ok:
			g.CommitErr = errors.New("the coordinator did not answer OffsetFetch")
		case f.Err != nil:
			g.CommitErr = f.Err
		default:
			g.Commits = f.Fetched
		}
		for t := range g.Commits {
			topicSet[t] = true
		}
		for _, m := range g.Members {
			for t := range m.Assigned {
				topicSet[t] = true
			}
		}
	}
	var topics []string
	for t := range topicSet {
		if o.Topics == nil || o.Topics[t] {
			topics = append(topics, t)
		}
	}
	sort.Strings(topics)
	if len(topics) == 0 {
		return snap, nil
	}
	var startErr, endErr error
	wg.Add(2)
	go func() { defer wg.Done(); snap.Start, startErr = adm.ListStartOffsets(ctx, topics...) }()
	go func() { defer wg.Done(); snap.End, endErr = adm.ListEndOffsets(ctx, topics...) }()
	wg.Wait()
	for _, err := range []error{startErr, endErr} {
		if err == nil {
			continue
		}
		var se *kadm.ShardErrors
		if !errors.As(err, &se) {
			return nil, fmt.Errorf("cannot list the offsets of %s: %w", strings.Join(topics, ", "), err)
		}
		for _, e := range se.Errs {
			if req, ok := e.Req.(*kmsg.ListOffsetsRequest); ok {
				for _, t := range req.Topics {
					for _, p := range t.Partitions {
						snap.OffsetErrs[tp{t.Topic, p.Partition}] = e.Err
					}
				}
			}
		}
	}
	for t, ps := range snap.End {
		if o, ok := ps[-1]; ok && o.Err != nil {
			snap.TopicErrs[t] = o.Err
		}
	}
	return snap, nil
}

// errGone marks a group that no longer exists.
var errGone = errors.New("group not found")

func describedErr(err error, msg string) error {
	if err == nil || errors.Is(err, kerr.GroupIDNotFound) {
		return errGone
	}
	if msg != "" {
		return fmt.Errorf("%s (%s)", errText(err), msg)
	}
	return errors.New(errText(err))
}

// hasOffsets says whether a group keeps consumer offsets kafkit can read: classic and KIP-848
// consumer groups do; share and streams groups are listed only.
func hasOffsets(g *groupInfo) bool {
	return g.Err == nil && (g.Type == "classic" || g.Type == "consumer")
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func sortedPartitions(ps []int32) []int32 {
	sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
	out := ps[:0]
	for i, p := range ps {
		if i == 0 || p != ps[i-1] {
			out = append(out, p)
		}
	}
	return out
}

// Time lag: the timestamp of the first record at or after each position, read with small
// direct Fetch requests: one per partition leader per round, at most fetchParallel in flight.
// One round answers every position of a partition that the returned batches cover, so many
// groups lagging on the same partition rarely cost more than one fetch.
const (
	fetchParallel      = 8
	fetchPartitionSize = 64 << 10
	fetchSoloSize      = 1 << 20
	fetchMaxRounds     = 200
)

// noRecord marks a position with no data record between it and the high watermark.
const noRecord = math.MinInt64 // not -1: records of the v0 message format have timestamp -1

// fetchTimestamps returns, per position, the timestamp (unix ms) of the first record at or after
// it, or noRecord when there is none before the high watermark. Positions that could not be
// read are absent.
func fetchTimestamps(ctx context.Context, cl *kgo.Client, want []tpo) (map[tpo]int64, error) {
	found := map[tpo]int64{}
	if len(want) == 0 {
		return found, nil
	}
	pending := map[tp][]int64{}
	topicSet := map[string]bool{}
	for _, w := range want {
		k := tp{w.Topic, w.Partition}
		pending[k] = append(pending[k], w.Offset)
		topicSet[w.Topic] = true
	}
	for k, offs := range pending {
		sort.Slice(offs, func(i, j int) bool { return offs[i] < offs[j] })
		pending[k] = dedup(offs)
	}
	var topics []string
	for t := range topicSet {
		topics = append(topics, t)
	}
	sort.Strings(topics)
	meta, err := kadm.NewClient(cl).Metadata(ctx, topics...)
	if err != nil {
		return found, err
	}
	type pinfo struct {
		leader int32
		id     [16]byte
	}
	parts := map[tp]pinfo{}
	for _, td := range meta.Topics {
		for _, pd := range td.Partitions {
			if pd.Err == nil && pd.Leader >= 0 {
				parts[tp{td.Topic, pd.Partition}] = pinfo{pd.Leader, td.ID}
			}
		}
	}
	cursor := map[tp]int64{}
	solo := map[tp]int{}
	for k := range pending {
		if _, ok := parts[k]; !ok {
			delete(pending, k)
			continue
		}
		cursor[k] = pending[k][0]
	}
	decomp := kgo.DefaultDecompressor()
	type job struct {
		leader int32
		keys   []tp
		size   int32
	}
	type result struct {
		k    tp
		recs []*kgo.Record
		next int64
		hwm  int64
		err  error
	}
	for round := 0; len(pending) > 0 && round < fetchMaxRounds; round++ {
		if err := ctx.Err(); err != nil {
			return found, err
		}
		byLeader := map[int32][]tp{}
		var jobs []job
		for k := range pending {
			if solo[k] > 0 {
				jobs = append(jobs, job{parts[k].leader, []tp{k}, fetchSoloSize})
				continue
			}
			byLeader[parts[k].leader] = append(byLeader[parts[k].leader], k)
		}
		for l, ks := range byLeader {
			jobs = append(jobs, job{l, ks, fetchPartitionSize})
		}
		var mu sync.Mutex
		var results []result
		sem := make(chan struct{}, fetchParallel)
		var wg sync.WaitGroup
		for _, j := range jobs {
			wg.Add(1)
			sem <- struct{}{}
			go func(j job) {
				defer func() { <-sem; wg.Done() }()
				req := kmsg.NewPtrFetchRequest()
				req.ReplicaID = -1
				req.MaxWaitMillis = 0
				req.MinBytes = 1
				req.MaxBytes = 8 << 20
				req.SessionEpoch = -1
				byTopic := map[string]int{}
				names := map[[16]byte]string{}
				for _, k := range j.keys {
					i, ok := byTopic[k.Topic]
					if !ok {
						rt := kmsg.NewFetchRequestTopic()
						rt.Topic, rt.TopicID = k.Topic, parts[k].id
						req.Topics = append(req.Topics, rt)
						i = len(req.Topics) - 1
						byTopic[k.Topic] = i
						names[parts[k].id] = k.Topic
					}
					rp := kmsg.NewFetchRequestTopicPartition()
					rp.Partition, rp.FetchOffset, rp.PartitionMaxBytes = k.Partition, cursor[k], j.size
					rp.CurrentLeaderEpoch, rp.LogStartOffset = -1, -1
					req.Topics[i].Partitions = append(req.Topics[i].Partitions, rp)
				}
				resp, err := cl.Broker(int(j.leader)).Request(ctx, req)
				var out []result
				if err == nil {
					fr := resp.(*kmsg.FetchResponse)
					if e := kerr.ErrorForCode(fr.ErrorCode); e != nil {
						err = e
					} else {
						for _, rt := range fr.Topics {
							t := rt.Topic
							if t == "" {
								t = names[rt.TopicID]
							}
							for i := range rt.Partitions {
								rp := &rt.Partitions[i]
								k := tp{t, rp.Partition}
								fp, next := kgo.ProcessFetchPartition(kgo.ProcessFetchPartitionOpts{
									Offset: cursor[k], Topic: t, Partition: rp.Partition, IsolationLevel: kgo.ReadUncommitted(),
								}, rp, decomp, nil)
								out = append(out, result{k: k, recs: fp.Records, next: next, hwm: fp.HighWatermark, err: fp.Err})
							}
						}
					}
				}
				if err != nil {
					for _, k := range j.keys {
						out = append(out, result{k: k, err: err})
					}
				}
				mu.Lock()
				results = append(results, out...)
				mu.Unlock()
			}(j)
		}
		wg.Wait()
		for _, r := range results {
			offs, ok := pending[r.k]
			if !ok {
				continue
			}
			if r.err != nil {
				delete(pending, r.k) // the row keeps an unknown time lag
				continue
			}
			from := cursor[r.k]
			if r.next < from {
				r.next = from
			}
			var rest []int64
			for _, o := range offs {
				answered := false
				if o < r.next {
					for _, rec := range r.recs {
						if rec.Offset >= o {
							found[tpo{r.k.Topic, r.k.Partition, o}] = rec.Timestamp.UnixMilli()
							answered = true
							break
						}
					}
				}
				// Read up to the high watermark without a record at or after o (only
				// transaction markers, or nothing): no data record is left to consume.
				if !answered && r.hwm >= 0 && r.next >= r.hwm {
					found[tpo{r.k.Topic, r.k.Partition, o}] = noRecord
					answered = true
				}
				if !answered {
					rest = append(rest, o)
				}
			}
			if len(rest) == 0 {
				delete(pending, r.k)
				continue
			}
			pending[r.k] = rest
			if r.next == from && len(r.recs) == 0 {
				// No progress: a batch bigger than the partition limit, or the response was
				// full. Retry alone with a bigger limit, then give up.
				solo[r.k]++
				if solo[r.k] > 2 {
					delete(pending, r.k)
					continue
				}
			}
			cursor[r.k] = max(r.next, rest[0])
		}
	}
	return found, nil
}

func dedup(s []int64) []int64 {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
