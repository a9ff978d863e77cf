package group

import (
	"context"
	"math"
	"sort"
	"sync"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

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

// leaderInfo is what a Fetch needs to know about a partition.
type leaderInfo struct {
	leader int32
	id     [16]byte
}

// tsFetch is the state of one fetchTimestamps call: the positions still unanswered per
// partition (sorted), where the next fetch of each partition starts, and how often a partition
// made no progress (it is then fetched alone with a bigger limit).
type tsFetch struct {
	parts   map[tp]leaderInfo
	pending map[tp][]int64
	cursor  map[tp]int64
	solo    map[tp]int
	found   map[tpo]int64
}

// fetchJob is one Fetch request: some partitions of one leader.
type fetchJob struct {
	leader int32
	keys   []tp
	size   int32
}

// fetchResult is one partition of a Fetch answer.
type fetchResult struct {
	k    tp
	recs []*kgo.Record
	next int64
	hwm  int64
	err  error
}

// fetchTimestamps returns, per position, the timestamp (unix ms) of the first record at or after
// it, or noRecord when there is none before the high watermark. Positions that could not be
// read are absent.
func fetchTimestamps(ctx context.Context, adm *cmdutil.Admin, want []tpo) (map[tpo]int64, error) {
	s := newTSFetch(want)
	if len(s.pending) == 0 {
		return s.found, nil
	}
	if err := s.loadLeaders(ctx, adm); err != nil {
		return s.found, err
	}
	for round := 0; len(s.pending) > 0 && round < fetchMaxRounds; round++ {
		if err := ctx.Err(); err != nil {
			return s.found, err
		}
		for _, r := range s.fetchRound(ctx, adm.Kgo(), s.jobs()) {
			s.absorb(r)
		}
	}
	return s.found, nil
}

func newTSFetch(want []tpo) *tsFetch {
	s := &tsFetch{pending: map[tp][]int64{}, cursor: map[tp]int64{}, solo: map[tp]int{}, found: map[tpo]int64{}}
	for _, w := range want {
		k := tp{w.Topic, w.Partition}
		s.pending[k] = append(s.pending[k], w.Offset)
	}
	for k, offs := range s.pending {
		sort.Slice(offs, func(i, j int) bool { return offs[i] < offs[j] })
		s.pending[k] = dedup(offs)
	}
	return s
}

// loadLeaders reads the leaders and topic IDs of the pending partitions; partitions without a
// leader are dropped (their rows keep an unknown time lag).
func (s *tsFetch) loadLeaders(ctx context.Context, adm *cmdutil.Admin) error {
	set := map[string]bool{}
	for k := range s.pending {
		set[k.Topic] = true
	}
	var topics []string
	for t := range set {
		topics = append(topics, t)
	}
	sort.Strings(topics)
	meta, err := adm.Metadata(ctx, topics...)
	if err != nil {
		return err
	}
	s.parts = map[tp]leaderInfo{}
	for _, td := range meta.Topics {
		for _, pd := range td.Partitions {
			if pd.Err == nil && pd.Leader >= 0 {
				s.parts[tp{td.Topic, pd.Partition}] = leaderInfo{pd.Leader, td.ID}
			}
		}
	}
	for k := range s.pending {
		if _, ok := s.parts[k]; !ok {
			delete(s.pending, k)
			continue
		}
		s.cursor[k] = s.pending[k][0]
	}
	return nil
}

// jobs groups the pending partitions by leader; a partition that made no progress goes alone.
func (s *tsFetch) jobs() []fetchJob {
	byLeader := map[int32][]tp{}
	var jobs []fetchJob
	for k := range s.pending {
		if s.solo[k] > 0 {
			jobs = append(jobs, fetchJob{s.parts[k].leader, []tp{k}, fetchSoloSize})
			continue
		}
		byLeader[s.parts[k].leader] = append(byLeader[s.parts[k].leader], k)
	}
	for l, ks := range byLeader {
		jobs = append(jobs, fetchJob{l, ks, fetchPartitionSize})
	}
	return jobs
}

// fetchRound runs the jobs, at most fetchParallel at a time.
func (s *tsFetch) fetchRound(ctx context.Context, cl *kgo.Client, jobs []fetchJob) []fetchResult {
	var mu sync.Mutex
	var results []fetchResult
	sem := make(chan struct{}, fetchParallel)
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func(j fetchJob) {
			defer func() { <-sem; wg.Done() }()
			out := s.fetchOne(ctx, cl, j)
			mu.Lock()
			results = append(results, out...)
			mu.Unlock()
		}(j)
	}
	wg.Wait()
	return results
}

// fetchRequest is the Fetch of one job, from each partition's cursor.
func (s *tsFetch) fetchRequest(j fetchJob) (*kmsg.FetchRequest, map[[16]byte]string) {
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
			rt.Topic, rt.TopicID = k.Topic, s.parts[k].id
			req.Topics = append(req.Topics, rt)
			i = len(req.Topics) - 1
			byTopic[k.Topic] = i
			names[s.parts[k].id] = k.Topic
		}
		rp := kmsg.NewFetchRequestTopicPartition()
		rp.Partition, rp.FetchOffset, rp.PartitionMaxBytes = k.Partition, s.cursor[k], j.size
		rp.CurrentLeaderEpoch, rp.LogStartOffset = -1, -1
		req.Topics[i].Partitions = append(req.Topics[i].Partitions, rp)
	}
	return req, names
}

// fetchOne sends one job's Fetch to its leader and decodes the records of each partition; a
// failed request fails each of its partitions.
func (s *tsFetch) fetchOne(ctx context.Context, cl *kgo.Client, j fetchJob) []fetchResult {
	req, names := s.fetchRequest(j)
	resp, err := cl.Broker(int(j.leader)).Request(ctx, req)
	var out []fetchResult
	if err == nil {
		fr := resp.(*kmsg.FetchResponse)
		err = kerr.ErrorForCode(fr.ErrorCode)
		if err == nil {
			out = s.decode(fr, names)
		}
	}
	if err != nil {
		out = out[:0]
		for _, k := range j.keys {
			out = append(out, fetchResult{k: k, err: err})
		}
	}
	return out
}

func (s *tsFetch) decode(fr *kmsg.FetchResponse, names map[[16]byte]string) []fetchResult {
	decomp := kgo.DefaultDecompressor()
	var out []fetchResult
	for _, rt := range fr.Topics {
		t := rt.Topic
		if t == "" {
			t = names[rt.TopicID]
		}
		for i := range rt.Partitions {
			rp := &rt.Partitions[i]
			k := tp{t, rp.Partition}
			fp, next := kgo.ProcessFetchPartition(kgo.ProcessFetchPartitionOpts{
				Offset: s.cursor[k], Topic: t, Partition: rp.Partition, IsolationLevel: kgo.ReadUncommitted(),
			}, rp, decomp, nil)
			out = append(out, fetchResult{k: k, recs: fp.Records, next: next, hwm: fp.HighWatermark, err: fp.Err})
		}
	}
	return out
}

// absorb answers the positions one partition's result covers and moves its cursor.
func (s *tsFetch) absorb(r fetchResult) {
	offs, ok := s.pending[r.k]
	if !ok {
		return
	}
	if r.err != nil {
		delete(s.pending, r.k) // the row keeps an unknown time lag
		return
	}
	from := s.cursor[r.k]
	if r.next < from {
		r.next = from
	}
	rest := answerPositions(r, offs, s.found)
	if len(rest) == 0 {
		delete(s.pending, r.k)
		return
	}
	s.pending[r.k] = rest
	if r.next == from && len(r.recs) == 0 {
		// No progress: a batch bigger than the partition limit, or the response was full.
		// Retry alone with a bigger limit, then give up.
		s.solo[r.k]++
		if s.solo[r.k] > 2 {
			delete(s.pending, r.k)
			return
		}
	}
	s.cursor[r.k] = max(r.next, rest[0])
}

// answerPositions records in found the timestamp of the first record at or after each of offs
// that r covers, and returns the offsets still unanswered.
func answerPositions(r fetchResult, offs []int64, found map[tpo]int64) []int64 {
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
		// Read up to the high watermark without a record at or after o (only transaction
		// markers, or nothing): no data record is left to consume.
		if !answered && r.hwm >= 0 && r.next >= r.hwm {
			found[tpo{r.k.Topic, r.k.Partition, o}] = noRecord
			answered = true
		}
		if !answered {
			rest = append(rest, o)
		}
	}
	return rest
}
